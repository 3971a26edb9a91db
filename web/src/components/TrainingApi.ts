import { API_BASE, type Items, type Role, request } from '../api';

/** The contract of src/modules/training (routes.ts, modules.ts, attempts.ts, status.ts), as the pages read it. */

export type TrainingState = 'done' | 'due_soon' | 'overdue' | 'not_started';

export const TRAINING_STATE: Record<TrainingState, { label: string; color: string }> = {
  done: { label: 'Done', color: 'teal' },
  due_soon: { label: 'Due soon', color: 'yellow' },
  overdue: { label: 'Overdue', color: 'red' },
  not_started: { label: 'Not started', color: 'gray' },
};

export interface TrainingModule {
  id: string;
  slug: string;
  title: string;
  summary: string;
  builtin: boolean;
  required: boolean;
  passMark: number;
  version: number;
  questionCount: number;
  position: number;
  retiredAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface QuizQuestion {
  id: string;
  text: string;
  choices: string[];
}

export interface TrainingModuleView extends TrainingModule {
  body: string;
  questions: QuizQuestion[];
}

export interface SourceQuestion extends QuizQuestion {
  /** Index of the right choice. */
  answer: number;
}

export interface TrainingModuleSource extends TrainingModule {
  body: string;
  questions: SourceQuestion[];
}

export interface ModuleState {
  moduleId: string;
  state: TrainingState;
  dueAt: string | null;
  lastPassedAt: string | null;
  score: number | null;
  attemptId: string | null;
  certificateId: string | null;
}

export interface MyTraining {
  applies: boolean;
  required: boolean;
  validityDays: number;
  graceDays: number;
  items: (ModuleState & { module: TrainingModule })[];
}

export interface TrainingAttempt {
  id: string;
  moduleId: string;
  moduleTitle: string;
  moduleVersion: number;
  userId: string;
  score: number;
  passed: boolean;
  completedAt: string;
  certificateId: string | null;
}

export interface AttemptResult {
  attempt: TrainingAttempt;
  passMark: number;
  /** Ids of the questions answered wrongly. */
  wrong: string[];
  status: ModuleState | null;
}

export interface TrainingReportRow {
  user: { id: string; email: string; name: string; role: Role };
  person: { id: string; name: string; startDate: string | null; status: string } | null;
  modules: ModuleState[];
}

export interface TrainingReport {
  modules: { id: string; title: string; version: number; passMark: number }[];
  items: TrainingReportRow[];
  total: number;
  counts: Record<TrainingState, number>;
}

export interface ModuleBody {
  title: string;
  summary?: string;
  body: string;
  questions: { id?: string; text: string; choices: string[]; answer: number }[];
  passMark?: number;
  required?: boolean;
}

export type ModuleChange = Partial<ModuleBody> & { expectedVersion?: number };

const id = encodeURIComponent;

export const trainingApi = {
  modules: (includeRetired = false) =>
    request<Items<TrainingModule>>('GET', `/training/modules${includeRetired ? '?includeRetired=true' : ''}`),
  module: (moduleId: string) => request<TrainingModuleView>('GET', `/training/modules/${id(moduleId)}`),
  source: (moduleId: string) => request<TrainingModuleSource>('GET', `/training/modules/${id(moduleId)}/source`),
  create: (body: ModuleBody) => request<TrainingModuleSource>('POST', '/training/modules', { body }),
  update: (moduleId: string, body: ModuleChange) =>
    request<TrainingModuleSource>('PATCH', `/training/modules/${id(moduleId)}`, { body }),
  setRetired: (moduleId: string, retire: boolean) =>
    request<TrainingModuleSource>('POST', `/training/modules/${id(moduleId)}/${retire ? 'retire' : 'restore'}`, {
      body: {},
    }),
  attempt: (moduleId: string, body: { answers: { questionId: string; choice: number }[]; version: number }) =>
    request<AttemptResult>('POST', `/training/modules/${id(moduleId)}/attempts`, { body }),
  mine: () => request<MyTraining>('GET', '/training/me'),
  attempts: (moduleId?: string) =>
    request<Items<TrainingAttempt>>('GET', `/training/attempts${moduleId ? `?moduleId=${id(moduleId)}` : ''}`),
  report: (page: { limit: number; offset: number; state?: TrainingState | null }) =>
    request<TrainingReport>(
      'GET',
      `/training/report?${new URLSearchParams({
        limit: String(page.limit),
        offset: String(page.offset),
        ...(page.state ? { state: page.state } : {}),
      })}`,
    ),
  reportCsvUrl: (state?: TrainingState | null) =>
    `${API_BASE}/training/report.csv${state ? `?state=${id(state)}` : ''}`,
  certificateUrl: (attemptId: string) => `${API_BASE}/training/attempts/${id(attemptId)}/certificate`,
};
