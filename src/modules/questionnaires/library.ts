/**
 * The answer library: entries (a question and its variants, a short yes/no/partial answer and
 * its text, linked controls and evidence, owner, last review, tags). The starter library
 * (src/content/answer-library.json) is added the first time an organisation opens the library,
 * once: deleting entries never brings it back.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { z } from 'zod';
import type { RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { AnswerShort } from '../../db/schema/questionnaires.js';
import type { Tx } from '../../db/tenancy.js';
import { notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import { invalid, type QuestionnaireActor } from './access.js';
import { TextIndex } from './search.js';

export const SHORTS = ['yes', 'no', 'partial', 'not_applicable'] as const;

interface StarterEntry {
  key: string;
  question: string;
  variants: string[];
  short: AnswerShort | null;
  answer: string;
  controls: string[];
  tags: string[];
}

export const STARTER: StarterEntry[] = (
  JSON.parse(readFileSync(new URL('../../../src/content/answer-library.json', import.meta.url), 'utf8')) as {
    entries: StarterEntry[];
  }
).entries;

const Text = (max: number) => z.string().trim().min(1).max(max);
const Tag = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(40)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, 'letters, digits, spaces, dots, dashes');

/** The fields of an entry a person writes (the same schema validates the request and the form). */
export const EntryInput = z
  .object({
    question: Text(2000).min(3, 'Write the question (3 characters or more).'),
    variants: z.array(Text(2000)).max(100).default([]),
    short: z.enum(SHORTS).nullable().default(null),
    answer: Text(10_000),
    controlIds: z.array(z.uuid()).max(50).default([]),
    evidenceIds: z.array(z.uuid()).max(50).default([]),
    tags: z.array(Tag).max(20).default([]),
    ownerUserId: z.uuid().nullable().default(null),
    lastReviewedOn: z.iso.date().nullable().default(null),
  })
  .strict();
export type EntryInput = z.infer<typeof EntryInput>;
export const EntryChange = EntryInput.partial().strict();
export type EntryChange = z.infer<typeof EntryChange>;

export interface LibraryEntry {
  id: string;
  question: string;
  variants: string[];
  short: AnswerShort | null;
  answer: string;
  controls: { id: string; key: string; title: string }[];
  evidence: { id: string; name: string }[];
  tags: string[];
  owner: { id: string; email: string; name: string } | null;
  lastReviewedOn: string | null;
  starterKey: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = [
  'id',
  'question',
  'variants',
  'short',
  'answer',
  'control_ids',
  'evidence_ids',
  'tags',
  'owner_user_id',
  'last_reviewed_on',
  'starter_key',
  'created_at',
  'updated_at',
] as const;

type EntryRow = {
  id: string;
  question: string;
  variants: string[];
  short: AnswerShort | null;
  answer: string;
  control_ids: string[];
  evidence_ids: string[];
  tags: string[];
  owner_user_id: string | null;
  last_reviewed_on: string | null;
  starter_key: string | null;
  created_at: Date;
  updated_at: Date;
};

async function toEntries(tx: Tx, rows: EntryRow[]): Promise<LibraryEntry[]> {
  const controlIds = [...new Set(rows.flatMap((r) => r.control_ids))];
  const evidenceIds = [...new Set(rows.flatMap((r) => r.evidence_ids))];
  const ownerIds = [...new Set(rows.map((r) => r.owner_user_id).filter((id): id is string => id !== null))];
  const [controls, evidence, owners] = await Promise.all([
    controlIds.length
      ? tx.selectFrom('controls').select(['id', 'key', 'title']).where('id', 'in', controlIds).execute()
      : [],
    evidenceIds.length ? tx.selectFrom('evidence').select(['id', 'name']).where('id', 'in', evidenceIds).execute() : [],
    ownerIds.length ? tx.selectFrom('users').select(['id', 'email', 'name']).where('id', 'in', ownerIds).execute() : [],
  ]);
  const control = new Map(controls.map((c) => [c.id, c]));
  const file = new Map(evidence.map((e) => [e.id, e]));
  const owner = new Map(owners.map((u) => [u.id, u]));
  return rows.map((r) => ({
    id: r.id,
    question: r.question,
    variants: r.variants,
    short: r.short,
    answer: r.answer,
    controls: r.control_ids.flatMap((id) => control.get(id) ?? []),
    evidence: r.evidence_ids.flatMap((id) => file.get(id) ?? []),
    tags: r.tags,
    owner: r.owner_user_id ? (owner.get(r.owner_user_id) ?? null) : null,
    lastReviewedOn: r.last_reviewed_on,
    starterKey: r.starter_key,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

/** Every entry (for the suggestion index), oldest first so ties keep a stable order. */
export async function allEntryRows(tx: Tx): Promise<EntryRow[]> {
  return tx.selectFrom('answer_library_entries').select(COLUMNS).orderBy('created_at').orderBy('id').execute();
}

/** Adds the starter library the first time; a no-op afterwards (the state row says so). */
export async function ensureStarterLibrary(
  tx: Tx,
  actor: QuestionnaireActor,
  meta: RequestMeta,
  now: Date,
): Promise<number> {
  const claimed = await tx
    .insertInto('answer_library_state')
    .values({ org_id: actor.orgId, seeded_at: now })
    .onConflict((oc) => oc.column('org_id').doNothing())
    .returning('org_id')
    .executeTakeFirst();
  if (!claimed) return 0;
  const controls = await tx.selectFrom('controls').select(['id', 'key']).where('retired_at', 'is', null).execute();
  const byKey = new Map(controls.map((c) => [c.key, c.id]));
  await tx
    .insertInto('answer_library_entries')
    .values(
      STARTER.map((s, i) => ({
        id: newId(),
        org_id: actor.orgId,
        question: s.question,
        variants: s.variants,
        short: s.short,
        answer: s.answer,
        control_ids: s.controls.flatMap((k) => byKey.get(k) ?? []),
        tags: s.tags,
        starter_key: s.key,
        created_by: actor.userId,
        // One millisecond apart, so the starter order is kept.
        created_at: new Date(now.getTime() + i),
        updated_at: now,
      })),
    )
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'answer_library.seeded',
    targetType: 'answer_library',
    details: { entries: STARTER.length },
  });
  return STARTER.length;
}

/** The library, best match first when `q` is given (the same retrieval as suggestions), else newest change first. */
export async function listEntries(
  tx: Tx,
  actor: QuestionnaireActor,
  query: { q?: string; tag?: string },
  meta: RequestMeta,
  now: Date,
): Promise<{ items: LibraryEntry[]; total: number }> {
  await ensureStarterLibrary(tx, actor, meta, now);
  let rows = await allEntryRows(tx);
  if (query.tag) rows = rows.filter((r) => r.tags.includes(query.tag as string));
  if (query.q) {
    const index = new TextIndex(rows.map(searchDoc));
    const order = index.match(query.q, 50).map((m) => m.id);
    const byId = new Map(rows.map((r) => [r.id, r]));
    rows = order.flatMap((id) => byId.get(id) ?? []);
  } else {
    rows.sort((a, b) => b.updated_at.getTime() - a.updated_at.getTime() || a.question.localeCompare(b.question));
  }
  return { items: await toEntries(tx, rows), total: rows.length };
}

export const searchDoc = (r: Pick<EntryRow, 'id' | 'question' | 'variants' | 'answer' | 'tags'>) => ({
  id: r.id,
  primary: r.question,
  questions: [r.question, ...r.variants].join('\n'),
  body: r.answer,
  tags: r.tags.join(' '),
});

export async function getEntry(tx: Tx, id: string): Promise<LibraryEntry> {
  const row = await tx.selectFrom('answer_library_entries').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('This library entry');
  return (await toEntries(tx, [row]))[0] as LibraryEntry;
}

/** Linked controls, evidence and the owner must be this organisation's (RLS hides the others). */
async function checkLinks(tx: Tx, input: EntryChange): Promise<void> {
  if (input.controlIds?.length) {
    const found = await tx.selectFrom('controls').select('id').where('id', 'in', input.controlIds).execute();
    if (found.length !== new Set(input.controlIds).size) {
      throw invalid(
        'body.controlIds',
        'A linked control does not exist in this organisation. Choose controls from the list.',
      );
    }
  }
  if (input.evidenceIds?.length) {
    const found = await tx.selectFrom('evidence').select('id').where('id', 'in', input.evidenceIds).execute();
    if (found.length !== new Set(input.evidenceIds).size) {
      throw invalid('body.evidenceIds', 'A linked evidence item does not exist in this organisation.');
    }
  }
  if (input.ownerUserId) {
    const member = await tx
      .selectFrom('memberships')
      .select('user_id')
      .where('user_id', '=', input.ownerUserId)
      .executeTakeFirst();
    if (!member) throw invalid('body.ownerUserId', 'The owner must be a member of this organisation.');
  }
}

const unique = (values: string[]) => [...new Set(values)];

export async function createEntry(
  tx: Tx,
  actor: QuestionnaireActor,
  input: EntryInput & { sourceItemId?: string },
  meta: RequestMeta,
  now: Date,
): Promise<LibraryEntry> {
  await checkLinks(tx, input);
  const id = newId();
  await tx
    .insertInto('answer_library_entries')
    .values({
      id,
      org_id: actor.orgId,
      question: input.question,
      variants: unique(input.variants),
      short: input.short,
      answer: input.answer,
      control_ids: unique(input.controlIds),
      evidence_ids: unique(input.evidenceIds),
      tags: unique(input.tags),
      owner_user_id: input.ownerUserId,
      last_reviewed_on: input.lastReviewedOn,
      source_item_id: input.sourceItemId ?? null,
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'answer_library.created',
    targetType: 'answer_library_entry',
    targetId: id,
    details: {
      question: input.question,
      short: input.short,
      ...(input.sourceItemId ? { fromItem: input.sourceItemId } : {}),
    },
  });
  return getEntry(tx, id);
}

export async function updateEntry(
  tx: Tx,
  actor: QuestionnaireActor,
  id: string,
  change: EntryChange,
  meta: RequestMeta,
  now: Date,
): Promise<LibraryEntry> {
  const before = await tx
    .selectFrom('answer_library_entries')
    .select(COLUMNS)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!before) throw notFound('This library entry');
  await checkLinks(tx, change);
  const set = {
    ...(change.question !== undefined ? { question: change.question } : {}),
    ...(change.variants !== undefined ? { variants: unique(change.variants) } : {}),
    ...(change.short !== undefined ? { short: change.short } : {}),
    ...(change.answer !== undefined ? { answer: change.answer } : {}),
    ...(change.controlIds !== undefined ? { control_ids: unique(change.controlIds) } : {}),
    ...(change.evidenceIds !== undefined ? { evidence_ids: unique(change.evidenceIds) } : {}),
    ...(change.tags !== undefined ? { tags: unique(change.tags) } : {}),
    ...(change.ownerUserId !== undefined ? { owner_user_id: change.ownerUserId } : {}),
    ...(change.lastReviewedOn !== undefined ? { last_reviewed_on: change.lastReviewedOn } : {}),
  };
  await tx
    .updateTable('answer_library_entries')
    .set({ ...set, updated_at: now })
    .where('id', '=', id)
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'answer_library.updated',
    targetType: 'answer_library_entry',
    targetId: id,
    details: { question: change.question ?? before.question, fields: Object.keys(change) },
  });
  return getEntry(tx, id);
}

/** Adds a question to an entry's variants (a reviewed answer that took the entry as it was). */
export async function addVariant(
  tx: Tx,
  actor: QuestionnaireActor,
  id: string,
  question: string,
  meta: RequestMeta,
  now: Date,
): Promise<boolean> {
  const row = await tx
    .selectFrom('answer_library_entries')
    .select(['question', 'variants'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) return false;
  const same = (a: string) => a.trim().toLowerCase() === question.trim().toLowerCase();
  if (same(row.question) || row.variants.some(same) || row.variants.length >= 100) return false;
  await tx
    .updateTable('answer_library_entries')
    .set({ variants: sql<string[]>`array_append(variants, ${question})`, updated_at: now })
    .where('id', '=', id)
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'answer_library.variant_added',
    targetType: 'answer_library_entry',
    targetId: id,
    details: { question },
  });
  return true;
}

export async function deleteEntry(
  tx: Tx,
  actor: QuestionnaireActor,
  id: string,
  meta: RequestMeta,
  now: Date,
): Promise<void> {
  const row = await tx
    .deleteFrom('answer_library_entries')
    .where('id', '=', id)
    .returning('question')
    .executeTakeFirst();
  if (!row) throw notFound('This library entry');
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'answer_library.deleted',
    targetType: 'answer_library_entry',
    targetId: id,
    details: { question: row.question },
  });
}
