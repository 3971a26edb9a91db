/**
 * Imported questionnaires: the import (the file read, the layout checked, the original sealed
 * with the organisation's data key, one item per question with its suggestions, all in one
 * transaction), the list with progress, one questionnaire with its items, new suggestions
 * after the library grew, and deletion.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import { openWithKey, sealWithKey } from '../../crypto/seal.js';
import type { AnswerShort, ItemStatus, QuestionnaireFormat, Suggestion } from '../../db/schema/questionnaires.js';
import type { Tx } from '../../db/tenancy.js';
import { notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import type { QuestionnaireActor } from './access.js';
import { ensureStarterLibrary } from './library.js';
import { checkLayout, chooseSheet, findQuestions, type ParsedFile } from './spreadsheet.js';
import { composeAnswer, loadSuggester } from './suggest.js';

export type FileKeys = Pick<AppContext, 'keyring'>;

/** Associated data of a sealed original: it opens only as this organisation's file of this questionnaire. */
export const fileContext = (orgId: string, id: string) => `questionnaire-file:${orgId}:${id}`;

export interface ImportChoice {
  title?: string;
  customer?: string;
  sheet?: string;
  headerRow: number;
  questionColumn: number;
  answerColumn: number | 'new';
}

export interface QuestionnaireSummary {
  id: string;
  title: string;
  customer: string | null;
  fileName: string;
  format: QuestionnaireFormat;
  sheet: string | null;
  headerRow: number;
  questionColumn: number;
  answerColumn: number;
  answerColumnNew: boolean;
  createdAt: Date;
  updatedAt: Date;
  progress: { total: number; accepted: number; edited: number; suggested: number; unanswered: number };
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
  /** What the export writes into the answer cell (null: the cell is left as it was). */
  finalAnswer: string | null;
  libraryEntryId: string | null;
  reviewedAt: Date | null;
}

export const cleanName = (name: string) =>
  (
    [...(name.split(/[/\\]/).pop() ?? '')]
      .filter((ch) => ch >= ' ' && ch !== '\u007f' && ch !== '"')
      .join('')
      .trim() || 'questionnaire'
  ).slice(0, 255);

/** Imports a file already read: nothing is written unless every question is found. */
export async function importQuestionnaire(
  tx: Tx,
  keys: FileKeys,
  actor: QuestionnaireActor,
  file: { name: string; bytes: Buffer; parsed: ParsedFile },
  choice: ImportChoice,
  meta: RequestMeta,
  now: Date,
): Promise<QuestionnaireSummary> {
  const sheet = chooseSheet(file.parsed, choice.sheet);
  const layout = checkLayout(sheet, choice);
  const questions = findQuestions(sheet, layout);
  await ensureStarterLibrary(tx, actor, meta, now);
  const suggester = await loadSuggester(tx, actor.orgId, now);

  const id = newId();
  const name = cleanName(file.name);
  const dataKey = await keys.keyring.currentDataKey(actor.orgId, tx);
  await tx
    .insertInto('security_questionnaires')
    .values({
      id,
      org_id: actor.orgId,
      title: choice.title?.trim() || name.replace(/\.(csv|xlsx|txt|tsv)$/i, ''),
      customer: choice.customer?.trim() || null,
      file_name: name,
      format: file.parsed.format,
      size: file.bytes.length,
      sha256: createHash('sha256').update(file.bytes).digest('hex'),
      sealed: sealWithKey(dataKey.key, file.bytes, fileContext(actor.orgId, id)),
      key_term: dataKey.term,
      sheet: file.parsed.format === 'xlsx' ? sheet.name : null,
      header_row: layout.headerRow,
      question_column: layout.questionColumn,
      answer_column: layout.answerColumn,
      answer_column_new: layout.answerColumnNew,
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const items = questions.map((q, i) => {
    const suggestions = suggester.suggest(q.question);
    return {
      id: newId(),
      org_id: actor.orgId,
      questionnaire_id: id,
      position: i + 1,
      row_number: q.rowNumber,
      question: q.question,
      original_answer: q.originalAnswer,
      suggestions: JSON.stringify(suggestions),
      status: (suggestions.length ? 'suggested' : 'unanswered') as ItemStatus,
    };
  });
  for (let i = 0; i < items.length; i += 500) {
    await tx
      .insertInto('security_questionnaire_items')
      .values(items.slice(i, i + 500))
      .execute();
  }
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'questionnaire.imported',
    targetType: 'security_questionnaire',
    targetId: id,
    details: { fileName: name, format: file.parsed.format, sheet: sheet.name, questions: items.length },
  });
  return getSummary(tx, id);
}

const SUMMARY_COLUMNS = [
  'q.id',
  'q.title',
  'q.customer',
  'q.file_name',
  'q.format',
  'q.sheet',
  'q.header_row',
  'q.question_column',
  'q.answer_column',
  'q.answer_column_new',
  'q.created_at',
  'q.updated_at',
] as const;

function summaryQuery(tx: Tx) {
  return tx
    .selectFrom('security_questionnaires as q')
    .select(SUMMARY_COLUMNS)
    .select([
      sql<number>`(SELECT count(*)::int FROM security_questionnaire_items i WHERE i.questionnaire_id = q.id)`.as(
        'total',
      ),
      sql<number>`(SELECT count(*)::int FROM security_questionnaire_items i WHERE i.questionnaire_id = q.id AND i.status = 'accepted')`.as(
        'accepted',
      ),
      sql<number>`(SELECT count(*)::int FROM security_questionnaire_items i WHERE i.questionnaire_id = q.id AND i.status = 'edited')`.as(
        'edited',
      ),
      sql<number>`(SELECT count(*)::int FROM security_questionnaire_items i WHERE i.questionnaire_id = q.id AND i.status = 'suggested')`.as(
        'suggested',
      ),
    ]);
}

type SummaryRow = Awaited<ReturnType<ReturnType<typeof summaryQuery>['executeTakeFirstOrThrow']>>;

function toSummary(r: SummaryRow): QuestionnaireSummary {
  const total = Number(r.total);
  const [accepted, edited, suggested] = [Number(r.accepted), Number(r.edited), Number(r.suggested)];
  return {
    id: r.id,
    title: r.title,
    customer: r.customer,
    fileName: r.file_name,
    format: r.format,
    sheet: r.sheet,
    headerRow: r.header_row,
    questionColumn: r.question_column,
    answerColumn: r.answer_column,
    answerColumnNew: r.answer_column_new,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    progress: { total, accepted, edited, suggested, unanswered: total - accepted - edited - suggested },
  };
}

export async function getSummary(tx: Tx, id: string): Promise<QuestionnaireSummary> {
  const row = await summaryQuery(tx).where('q.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('This questionnaire');
  return toSummary(row);
}

export async function listQuestionnaires(tx: Tx): Promise<QuestionnaireSummary[]> {
  return (await summaryQuery(tx).orderBy('q.created_at', 'desc').orderBy('q.id').execute()).map(toSummary);
}

export async function listItems(tx: Tx, questionnaireId: string): Promise<QuestionnaireItem[]> {
  const rows = await tx
    .selectFrom('security_questionnaire_items')
    .select([
      'id',
      'position',
      'row_number',
      'question',
      'original_answer',
      'suggestions',
      'status',
      'short',
      'answer',
      'library_entry_id',
      'reviewed_at',
    ])
    .where('questionnaire_id', '=', questionnaireId)
    .orderBy('position')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    position: r.position,
    rowNumber: r.row_number,
    question: r.question,
    originalAnswer: r.original_answer,
    suggestions: r.suggestions,
    status: r.status,
    short: r.short,
    answer: r.answer,
    finalAnswer: r.answer === null ? null : composeAnswer(r.short, r.answer),
    libraryEntryId: r.library_entry_id,
    reviewedAt: r.reviewed_at,
  }));
}

export async function questionnaireDetail(
  tx: Tx,
  id: string,
): Promise<QuestionnaireSummary & { items: QuestionnaireItem[] }> {
  const summary = await getSummary(tx, id);
  return { ...summary, items: await listItems(tx, id) };
}

/** Suggests again for every item not yet reviewed (after the library or the controls changed). */
export async function refreshSuggestions(
  tx: Tx,
  actor: QuestionnaireActor,
  id: string,
  meta: RequestMeta,
  now: Date,
): Promise<QuestionnaireSummary & { items: QuestionnaireItem[] }> {
  await getSummary(tx, id);
  const suggester = await loadSuggester(tx, actor.orgId, now);
  const open = await tx
    .selectFrom('security_questionnaire_items')
    .select(['id', 'question'])
    .where('questionnaire_id', '=', id)
    .where('status', 'in', ['suggested', 'unanswered'])
    .execute();
  for (const item of open) {
    const suggestions = suggester.suggest(item.question);
    await tx
      .updateTable('security_questionnaire_items')
      .set({ suggestions: JSON.stringify(suggestions), status: suggestions.length ? 'suggested' : 'unanswered' })
      .where('id', '=', item.id)
      .execute();
  }
  await tx.updateTable('security_questionnaires').set({ updated_at: now }).where('id', '=', id).execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'questionnaire.resuggested',
    targetType: 'security_questionnaire',
    targetId: id,
    details: { items: open.length },
  });
  return questionnaireDetail(tx, id);
}

export async function deleteQuestionnaire(
  tx: Tx,
  actor: QuestionnaireActor,
  id: string,
  meta: RequestMeta,
  now: Date,
): Promise<void> {
  const summary = await getSummary(tx, id);
  await tx.deleteFrom('security_questionnaires').where('id', '=', id).execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'questionnaire.deleted',
    targetType: 'security_questionnaire',
    targetId: id,
    details: { title: summary.title, fileName: summary.fileName },
  });
}

/** The original file, decrypted. */
export async function originalFile(
  tx: Tx,
  keys: FileKeys,
  orgId: string,
  id: string,
): Promise<{ bytes: Buffer; fileName: string; format: QuestionnaireFormat }> {
  const row = await tx
    .selectFrom('security_questionnaires')
    .select(['sealed', 'key_term', 'file_name', 'format'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('This questionnaire');
  const key = await keys.keyring.dataKey(orgId, row.key_term, tx);
  return { bytes: openWithKey(key, row.sealed, fileContext(orgId, id)), fileName: row.file_name, format: row.format };
}
