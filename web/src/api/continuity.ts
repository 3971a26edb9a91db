import { API_BASE, request } from '../api';

/** The contract of src/modules/continuity (routes.ts, model.ts, overview.ts), as the pages read it. */

export const EXERCISE_KINDS = ['tabletop', 'restore_test', 'failover_test', 'full_dr_test'] as const;
export type ExerciseKind = (typeof EXERCISE_KINDS)[number];
export const OUTCOMES = ['passed', 'passed_with_issues', 'failed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const EXERCISE_KIND_LABEL: Record<ExerciseKind, string> = {
  tabletop: 'Tabletop exercise',
  restore_test: 'Restore test',
  failover_test: 'Failover test',
  full_dr_test: 'Full disaster recovery test',
};

export const OUTCOME_LABEL: Record<Outcome, { label: string; color: string }> = {
  passed: { label: 'Passed', color: 'teal' },
  passed_with_issues: { label: 'Passed with issues', color: 'yellow' },
  failed: { label: 'Failed', color: 'red' },
};

export const PLAN_STATUS_LABEL: Record<string, { label: string; color: string }> = {
  draft: { label: 'Draft', color: 'gray' },
  in_review: { label: 'In review', color: 'blue' },
  approved: { label: 'Approved', color: 'cyan' },
  published: { label: 'Published', color: 'teal' },
};

export const TIER_LABEL: Record<number, string> = {
  1: 'Tier 1 · restored first',
  2: 'Tier 2',
  3: 'Tier 3',
  4: 'Tier 4 · restored last',
};

export interface PersonRef {
  id: string;
  email: string;
  name: string;
}

export interface ContinuityOverview {
  plan: {
    policyId: string;
    title: string;
    status: 'draft' | 'in_review' | 'approved' | 'published';
    publishedVersion: number | null;
    publishedAt: string | null;
    approvedAt: string | null;
    rtoHours: number | null;
    rpoHours: number | null;
  } | null;
  systems: { total: number; withObjectives: number };
  lastExercise: { id: string; title: string; exercisedOn: string; outcome: Outcome } | null;
  nextExerciseDue: string | null;
  openActions: number;
}

export interface SystemObjectives {
  id: string;
  name: string;
  production: boolean;
  owner: PersonRef | null;
  rtoHours: number | null;
  rpoHours: number | null;
  recoveryTier: number | null;
  lastExercise: { id: string; title: string; exercisedOn: string; recoveryHours: number | null } | null;
}

export interface ExerciseSystem {
  systemId: string;
  name: string;
  rtoHours: number | null;
  rpoHours: number | null;
  recoveryHours: number | null;
  dataLossHours: number | null;
  rtoMet: boolean | null;
  rpoMet: boolean | null;
}

export interface ExerciseAction {
  id: string;
  title: string;
  owner: string | null;
  dueOn: string | null;
  done: boolean;
}

export interface Exercise {
  id: string;
  title: string;
  kind: ExerciseKind;
  exercisedOn: string;
  scenario: string;
  participants: string[];
  systems: ExerciseSystem[];
  status: 'planned' | 'completed';
  outcome: Outcome | null;
  lessons: string;
  actions: ExerciseAction[];
  completedAt: string | null;
  completedBy: PersonRef | null;
  reports: { pdf: string | null; markdown: string | null };
  createdAt: string;
  updatedAt: string;
}

export interface ExerciseFields {
  title: string;
  kind: ExerciseKind;
  exercisedOn: string;
  scenario: string;
  participants: string[];
  systems: { systemId: string; recoveryHours?: number | null; dataLossHours?: number | null }[];
  lessons: string;
  actions: { id?: string; title: string; owner?: string | null; dueOn?: string | null; done: boolean }[];
}

export type ObjectivesFields = { rtoHours: number | null; rpoHours: number | null; recoveryTier: number | null };

const id = encodeURIComponent;
const exercise = (exerciseId: string) => `/continuity/exercises/${id(exerciseId)}`;

export const continuityApi = {
  overview: () => request<ContinuityOverview>('GET', '/continuity'),
  systems: () => request<{ items: SystemObjectives[] }>('GET', '/continuity/systems'),
  setObjectives: (systemId: string, body: Partial<ObjectivesFields>) =>
    request<SystemObjectives>('PATCH', `/continuity/systems/${id(systemId)}`, { body }),
  exercises: (offset = 0) =>
    request<{ items: Exercise[]; total: number }>('GET', `/continuity/exercises?limit=50&offset=${offset}`),
  get: (exerciseId: string) => request<Exercise>('GET', exercise(exerciseId)),
  create: (body: Partial<ExerciseFields> & Pick<ExerciseFields, 'title' | 'kind' | 'exercisedOn'>) =>
    request<Exercise>('POST', '/continuity/exercises', { body }),
  update: (exerciseId: string, body: Partial<ExerciseFields>) =>
    request<Exercise>('PATCH', exercise(exerciseId), { body }),
  remove: (exerciseId: string) => request<void>('DELETE', exercise(exerciseId)),
  complete: (exerciseId: string, body: Partial<ExerciseFields> & { outcome: Outcome }) =>
    request<Exercise>('POST', `${exercise(exerciseId)}/complete`, { body }),
  reportUrl: (exerciseId: string, format: 'pdf' | 'md') => `${API_BASE}${exercise(exerciseId)}/report?format=${format}`,
};

/** "4 h", "15 min", "—". */
export function hoursText(hours: number | null | undefined): string {
  if (hours === null || hours === undefined) return '—';
  if (hours > 0 && hours < 1) return `${Math.round(hours * 60)} min`;
  return `${hours} h`;
}
