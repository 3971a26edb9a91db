import { API_BASE, apiErrorOf, request, saveDownload, writeHeaders } from '../api';

/** The contract of src/modules/questionnaires (routes.ts, library.ts, questionnaires.ts, review.ts), as the pages read it. */

export type AnswerShort = 'yes' | 'no' | 'partial' | 'not_applicable';
export type ItemStatus = 'suggested' | 'accepted' | 'edited' | 'unanswered';

export const SHORT_LABELS: Record<AnswerShort, string> = {
  yes: 'Yes',
  no: 'No',
  partial: 'Partially',
  not_applicable: 'Not applicable',
};

export const STATUS: Record<ItemStatus, { label: string; color: string }> = {
  suggested: { label: 'Suggested', color: 'blue' },
  accepted: { label: 'Accepted', color: 'green' },
  edited: { label: 'Edited', color: 'teal' },
  unanswered: { label: 'Unanswered', color: 'gray' },
};

export interface UserRef {
  id: string;
  email: string;
  name: string;
}

export interface LibraryEntry {
  id: string;
  question: string;
  variants: string[];
  short: AnswerShort | null;
  answer: string;
  controls: { id: string; key: string; title: string }[];
  evidence: { id: string; name: string }[];
  tags: string[];
  owner: UserRef | null;
  lastReviewedOn: string | null;
  starterKey: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface EntryBody {
  question: string;
  variants?: string[];
  short: AnswerShort | null;
  answer: string;
  controlIds?: string[];
  tags?: string[];
  ownerUserId?: string | null;
  lastReviewedOn?: string | null;
}

export type SuggestionSource =
  | { kind: 'library'; entryId: string; question: string }
  | { kind: 'control'; controlId: string; key: string; title: string; health: string };

export interface Suggestion {
  source: SuggestionSource;
  short: AnswerShort | null;
  answer: string;
  confidence: number;
  note: string;
}

export interface Progress {
  total: number;
  accepted: number;
  edited: number;
  suggested: number;
  unanswered: number;
}

export interface QuestionnaireSummary {
  id: string;
  title: string;
  customer: string | null;
  fileName: string;
  format: 'csv' | 'xlsx';
  sheet: string | null;
  headerRow: number;
  questionColumn: number;
  answerColumn: number;
  answerColumnNew: boolean;
  createdAt: string;
  updatedAt: string;
  progress: Progress;
}

export interface QuestionnaireItem {
  id: string;
  position: number;
  rowNumber: number;
  question: string;
  originalAnswer: string | null;
  suggestions: Suggestion[];
  status: ItemStatus;
  short: AnswerShort | null;
  answer: string | null;
  finalAnswer: string | null;
  libraryEntryId: string | null;
  reviewedAt: string | null;
}

export interface QuestionnaireDetail extends QuestionnaireSummary {
  items: QuestionnaireItem[];
}

export interface SheetPreview {
  name: string;
  rowCount: number;
  columnCount: number;
  columns: string[];
  rows: string[][];
  guess: { headerRow: number; questionColumn: number; answerColumn: number | null };
}

export interface FilePreview {
  fileName: string;
  format: 'csv' | 'xlsx';
  sheets: SheetPreview[];
}

export interface ImportChoice {
  title?: string;
  customer?: string;
  sheet?: string;
  headerRow: number;
  questionColumn: number;
  answerColumn: number | 'new';
}

export type Review =
  | { decision: 'accept'; suggestion: number }
  | { decision: 'answer'; short: AnswerShort | null; answer: string }
  | { decision: 'clear' };

const id = encodeURIComponent;

async function upload<T>(path: string, fields: Record<string, string>, file: File): Promise<T> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', file, file.name);
  const response = await fetch(`${API_BASE}${path}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { Accept: 'application/json, application/problem+json', ...(await writeHeaders()) },
    body: form,
  });
  if (!response.ok) throw await apiErrorOf(response);
  return (await response.json()) as T;
}

export const questionnairesApi = {
  library: (q = '') =>
    request<{ items: LibraryEntry[]; total: number }>('GET', `/answer-library${q ? `?q=${id(q)}` : ''}`),
  owners: () => request<{ items: UserRef[] }>('GET', '/answer-library/owners'),
  createEntry: (body: EntryBody) => request<LibraryEntry>('POST', '/answer-library', { body }),
  updateEntry: (entryId: string, body: Partial<EntryBody>) =>
    request<LibraryEntry>('PATCH', `/answer-library/${id(entryId)}`, { body }),
  deleteEntry: (entryId: string) => request<void>('DELETE', `/answer-library/${id(entryId)}`),

  list: () => request<{ items: QuestionnaireSummary[] }>('GET', '/questionnaires'),
  get: (questionnaireId: string) => request<QuestionnaireDetail>('GET', `/questionnaires/${id(questionnaireId)}`),
  preview: (file: File) => upload<FilePreview>('/questionnaires/preview', {}, file),
  import: (file: File, choice: ImportChoice) => {
    const fields: Record<string, string> = {};
    for (const [name, value] of Object.entries(choice))
      if (value !== undefined && value !== '') fields[name] = String(value);
    return upload<QuestionnaireSummary>('/questionnaires', fields, file);
  },
  review: (questionnaireId: string, itemId: string, body: Review) =>
    request<QuestionnaireItem>('PUT', `/questionnaires/${id(questionnaireId)}/items/${id(itemId)}`, { body }),
  suggestAgain: (questionnaireId: string) =>
    request<QuestionnaireDetail>('POST', `/questionnaires/${id(questionnaireId)}/suggest`, { body: {} }),
  remove: (questionnaireId: string) => request<void>('DELETE', `/questionnaires/${id(questionnaireId)}`),
  export: async (questionnaireId: string, fallback: string) => {
    const response = await fetch(`${API_BASE}/questionnaires/${id(questionnaireId)}/export`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', ...(await writeHeaders()) },
      body: '{}',
    });
    if (!response.ok) throw await apiErrorOf(response);
    return saveDownload(response, fallback);
  },
};

/** Column letters as a spreadsheet shows them. */
export function columnName(n: number): string {
  let out = '';
  for (let v = n; v > 0; v = Math.floor((v - 1) / 26)) out = String.fromCharCode(65 + ((v - 1) % 26)) + out;
  return out;
}
