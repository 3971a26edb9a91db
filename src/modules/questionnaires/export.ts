/**
 * The filled questionnaire in its original format: the stored original with each reviewed
 * answer (accepted or edited; suggestions are not answers until reviewed) written into the
 * answer column at the question's row. Every other cell is left as it was.
 */
import type { RequestMeta } from '../../context.js';
import type { Tx } from '../../db/tenancy.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import type { QuestionnaireActor } from './access.js';
import { type FileKeys, getSummary, listItems, originalFile } from './questionnaires.js';
import { writeAnswers } from './spreadsheet.js';

export const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/** "vendor-security.xlsx" → "vendor-security (answered).xlsx". */
export const answeredName = (name: string) => name.replace(/(\.[^.]+)?$/, (ext) => ` (answered)${ext}`);

export async function exportQuestionnaire(
  tx: Tx,
  keys: FileKeys,
  actor: QuestionnaireActor,
  id: string,
  meta: RequestMeta,
  now: Date,
): Promise<{ bytes: Buffer; name: string; contentType: string }> {
  const summary = await getSummary(tx, id);
  const [original, items] = await Promise.all([originalFile(tx, keys, actor.orgId, id), listItems(tx, id)]);
  const answers = new Map<number, string>();
  for (const item of items) if (item.finalAnswer !== null) answers.set(item.rowNumber, item.finalAnswer);
  const bytes = await writeAnswers(original.bytes, {
    format: summary.format,
    sheet: summary.sheet,
    layout: {
      headerRow: summary.headerRow,
      questionColumn: summary.questionColumn,
      answerColumn: summary.answerColumn,
      answerColumnNew: summary.answerColumnNew,
    },
    answers,
  });
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'questionnaire.exported',
    targetType: 'security_questionnaire',
    targetId: id,
    details: { title: summary.title, answers: answers.size, questions: items.length },
  });
  return { bytes, name: answeredName(original.fileName), contentType: CONTENT_TYPES[summary.format] };
}
