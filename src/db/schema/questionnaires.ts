/** Tables of security questionnaires and the answer library (migration 0022_questionnaires.sql); extended by Schema in src/db/schema.ts. */
import type { ColumnType } from 'kysely';
import type { Day, Timestamp } from '../schema.js';

type Defaulted<T> = ColumnType<T, T | undefined, T>;

export type AnswerShort = 'yes' | 'no' | 'partial' | 'not_applicable';
export type QuestionnaireFormat = 'csv' | 'xlsx';
export type ItemStatus = 'suggested' | 'accepted' | 'edited' | 'unanswered';

/** Where a suggestion came from: a library entry, or a control and its current health. */
export type SuggestionSource =
  | { kind: 'library'; entryId: string; question: string }
  | { kind: 'control'; controlId: string; key: string; title: string; health: string };

/** A suggested answer for one question, as stored on the item (best first). */
export interface Suggestion {
  source: SuggestionSource;
  short: AnswerShort | null;
  /** The answer text, placeholders filled. */
  answer: string;
  /** 0–1; see src/modules/questionnaires/suggest.ts for the formula. */
  confidence: number;
  /** For the reviewer: why, and any caution (a failing control). */
  note: string;
}

export interface AnswerLibraryEntriesTable {
  id: string;
  org_id: string;
  question: string;
  variants: Defaulted<string[]>;
  short: AnswerShort | null;
  answer: string;
  control_ids: Defaulted<string[]>;
  evidence_ids: Defaulted<string[]>;
  tags: Defaulted<string[]>;
  owner_user_id: string | null;
  last_reviewed_on: Day | null;
  starter_key: string | null;
  source_item_id: string | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AnswerLibraryStateTable {
  org_id: string;
  seeded_at: Timestamp;
}

export interface SecurityQuestionnairesTable {
  id: string;
  org_id: string;
  title: string;
  customer: string | null;
  file_name: string;
  format: QuestionnaireFormat;
  size: number;
  sha256: string;
  sealed: Uint8Array;
  key_term: number;
  sheet: string | null;
  header_row: number;
  question_column: number;
  answer_column: number;
  answer_column_new: boolean;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SecurityQuestionnaireItemsTable {
  id: string;
  org_id: string;
  questionnaire_id: string;
  position: number;
  row_number: number;
  question: string;
  original_answer: string | null;
  suggestions: ColumnType<Suggestion[], string | undefined, string>;
  status: ItemStatus;
  short: AnswerShort | null;
  answer: string | null;
  library_entry_id: string | null;
  reviewed_by: string | null;
  reviewed_at: Timestamp | null;
}

export interface QuestionnaireTables {
  answer_library_entries: AnswerLibraryEntriesTable;
  answer_library_state: AnswerLibraryStateTable;
  security_questionnaires: SecurityQuestionnairesTable;
  security_questionnaire_items: SecurityQuestionnaireItemsTable;
}
