/**
 * Reviewing a questionnaire's items: accept a suggestion, write or edit an answer, or clear it.
 * Reviewed answers grow the library:
 * - accepting a library suggestion adds the question as a variant of that entry (the answer
 *   was right for it, so the entry now matches this wording too);
 * - accepting a control's suggestion, or writing/editing an answer, creates a new entry (owned
 *   by the reviewer, reviewed today, linked to the control or to the source entry's controls);
 *   editing that item again updates the entry it created instead of adding another.
 */
import { z } from 'zod';
import type { RequestMeta } from '../../context.js';
import type { Suggestion } from '../../db/schema/questionnaires.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError, notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import type { QuestionnaireActor } from './access.js';
import { addVariant, createEntry, SHORTS, updateEntry } from './library.js';
import { listItems, type QuestionnaireItem } from './questionnaires.js';

export const ReviewInput = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('accept'), suggestion: z.number().int().min(0).max(9).default(0) }).strict(),
  z
    .object({
      decision: z.literal('answer'),
      short: z.enum(SHORTS).nullable().default(null),
      answer: z.string().trim().min(1, 'Write the answer.').max(10_000),
    })
    .strict(),
  z.object({ decision: z.literal('clear') }).strict(),
]);
export type ReviewInput = z.infer<typeof ReviewInput>;

async function sourceLinks(
  tx: Tx,
  suggestion: Suggestion | undefined,
): Promise<{ controlIds: string[]; tags: string[] }> {
  if (!suggestion) return { controlIds: [], tags: [] };
  if (suggestion.source.kind === 'control') return { controlIds: [suggestion.source.controlId], tags: [] };
  const entry = await tx
    .selectFrom('answer_library_entries')
    .select(['control_ids', 'tags'])
    .where('id', '=', suggestion.source.entryId)
    .executeTakeFirst();
  return { controlIds: entry?.control_ids ?? [], tags: entry?.tags ?? [] };
}

export async function reviewItem(
  tx: Tx,
  actor: QuestionnaireActor,
  questionnaireId: string,
  itemId: string,
  input: ReviewInput,
  meta: RequestMeta,
  now: Date,
): Promise<QuestionnaireItem> {
  const item = await tx
    .selectFrom('security_questionnaire_items')
    .select(['id', 'question', 'suggestions', 'status', 'library_entry_id'])
    .where('id', '=', itemId)
    .where('questionnaire_id', '=', questionnaireId)
    .forUpdate()
    .executeTakeFirst();
  if (!item) throw notFound('This question');
  const today = now.toISOString().slice(0, 10);
  // An entry this item created earlier (edited again: update it rather than add another).
  const own = item.library_entry_id
    ? await tx
        .selectFrom('answer_library_entries')
        .select('id')
        .where('id', '=', item.library_entry_id)
        .where('source_item_id', '=', item.id)
        .executeTakeFirst()
    : undefined;

  let set: {
    status: 'accepted' | 'edited' | 'suggested' | 'unanswered';
    short: Suggestion['short'];
    answer: string | null;
    library_entry_id: string | null;
  };
  let grew: string;
  if (input.decision === 'clear') {
    set = {
      status: item.suggestions.length ? 'suggested' : 'unanswered',
      short: null,
      answer: null,
      library_entry_id: item.library_entry_id,
    };
    grew = 'none';
  } else if (input.decision === 'accept') {
    const suggestion = item.suggestions[input.suggestion];
    if (!suggestion) {
      throw new AppError(
        'validation_failed',
        'There is no such suggestion for this question. Write an answer instead.',
        {
          errors: [{ path: 'body.suggestion', message: `this question has ${item.suggestions.length} suggestion(s)` }],
        },
      );
    }
    let entryId: string;
    const libraryId = suggestion.source.kind === 'library' ? suggestion.source.entryId : null;
    const entry = libraryId
      ? await tx.selectFrom('answer_library_entries').select('id').where('id', '=', libraryId).executeTakeFirst()
      : undefined;
    if (entry) {
      entryId = entry.id;
      grew = (await addVariant(tx, actor, entry.id, item.question, meta, now)) ? 'variant' : 'none';
    } else {
      const links = await sourceLinks(tx, suggestion);
      entryId = (
        await createEntry(
          tx,
          actor,
          {
            question: item.question,
            variants: [],
            short: suggestion.short,
            answer: suggestion.answer,
            ...links,
            evidenceIds: [],
            ownerUserId: actor.userId,
            lastReviewedOn: today,
            sourceItemId: item.id,
          },
          meta,
          now,
        )
      ).id;
      grew = 'entry';
    }
    set = { status: 'accepted', short: suggestion.short, answer: suggestion.answer, library_entry_id: entryId };
  } else {
    let entryId: string;
    if (own) {
      await updateEntry(
        tx,
        actor,
        own.id,
        { short: input.short, answer: input.answer, lastReviewedOn: today },
        meta,
        now,
      );
      entryId = own.id;
      grew = 'entry_updated';
    } else {
      const links = await sourceLinks(tx, item.suggestions[0]);
      entryId = (
        await createEntry(
          tx,
          actor,
          {
            question: item.question,
            variants: [],
            short: input.short,
            answer: input.answer,
            ...links,
            evidenceIds: [],
            ownerUserId: actor.userId,
            lastReviewedOn: today,
            sourceItemId: item.id,
          },
          meta,
          now,
        )
      ).id;
      grew = 'entry';
    }
    set = { status: 'edited', short: input.short, answer: input.answer, library_entry_id: entryId };
  }

  const reviewed =
    input.decision === 'clear'
      ? { reviewed_by: null, reviewed_at: null }
      : { reviewed_by: actor.userId, reviewed_at: now };
  await tx
    .updateTable('security_questionnaire_items')
    .set({ ...set, ...reviewed })
    .where('id', '=', item.id)
    .execute();
  await tx.updateTable('security_questionnaires').set({ updated_at: now }).where('id', '=', questionnaireId).execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: `questionnaire.item_${input.decision === 'accept' ? 'accepted' : input.decision === 'answer' ? 'answered' : 'cleared'}`,
    targetType: 'security_questionnaire',
    targetId: questionnaireId,
    details: {
      itemId: item.id,
      question: item.question.slice(0, 300),
      status: set.status,
      short: set.short,
      library: grew,
      entryId: set.library_entry_id,
    },
  });
  const items = await listItems(tx, questionnaireId);
  return items.find((i) => i.id === item.id) as QuestionnaireItem;
}
