import { diffLines, diffWordsWithSpace } from 'diff';
import type { Tx } from '../../db/tenancy.js';
import { notFound } from '../../errors.js';
import type { PolicyActor } from './access.js';
import { visibleRow } from './service.js';

export interface VersionSummary {
  version: number;
  title: string;
  material: boolean;
  changeSummary: string;
  publishedAt: string;
  publishedBy: string | null;
  approvedBy: string | null;
}

export interface VersionDetail extends VersionSummary {
  policyId: string;
  key: string;
  body: string;
}

function versionQuery(tx: Tx, policyId: string) {
  return tx
    .selectFrom('policy_versions as v')
    .leftJoin('users as pb', 'pb.id', 'v.published_by')
    .leftJoin('users as ab', 'ab.id', 'v.approved_by')
    .select([
      'v.version',
      'v.title',
      'v.body',
      'v.material',
      'v.change_summary',
      'v.published_at',
      'pb.email as published_by',
      'ab.email as approved_by',
    ])
    .where('v.policy_id', '=', policyId);
}

type Row = Awaited<ReturnType<ReturnType<typeof versionQuery>['execute']>>[number];

const summary = (r: Row): VersionSummary => ({
  version: r.version,
  title: r.title,
  material: r.material,
  changeSummary: r.change_summary,
  publishedAt: r.published_at.toISOString(),
  publishedBy: r.published_by,
  approvedBy: r.approved_by,
});

/** A policy's published versions, newest first. */
export async function listVersions(tx: Tx, actor: PolicyActor, id: string): Promise<VersionSummary[]> {
  await visibleRow(tx, actor, id);
  const rows = await versionQuery(tx, id).orderBy('v.version', 'desc').execute();
  return rows.map(summary);
}

export async function getVersion(tx: Tx, actor: PolicyActor, id: string, version: number): Promise<VersionDetail> {
  const policy = await visibleRow(tx, actor, id);
  const row = await versionQuery(tx, id).where('v.version', '=', version).executeTakeFirst();
  if (!row) throw notFound(`Version ${version} of this policy`);
  return { ...summary(row), policyId: id, key: policy.key, body: row.body };
}

export type WordChange = { kind: 'same' | 'added' | 'removed'; text: string };

/**
 * A run of lines: unchanged, added, removed, or changed (lines replaced by others, with the
 * words that differ marked so a reader sees exactly what was edited).
 */
export interface DiffHunk {
  kind: 'same' | 'added' | 'removed' | 'changed';
  /** The lines as they read in the newer version (removed: as they read before). */
  text: string;
  lines: number;
  words?: WordChange[];
}

export interface PolicyDiff {
  from: number | null;
  to: number;
  added: number;
  removed: number;
  hunks: DiffHunk[];
}

const wordKind = (p: { added?: boolean; removed?: boolean }): WordChange['kind'] =>
  p.added ? 'added' : p.removed ? 'removed' : 'same';

/** Line hunks of `after` against `before`; a removal directly followed by an addition is one changed hunk. */
export function diffTexts(before: string, after: string): { added: number; removed: number; hunks: DiffHunk[] } {
  const parts = diffLines(before, after);
  const hunks: DiffHunk[] = [];
  let added = 0;
  let removed = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (!part) continue;
    const lines = part.count ?? part.value.split('\n').length;
    const next = parts[i + 1];
    if (part.removed && next?.added) {
      const nextLines = next.count ?? next.value.split('\n').length;
      removed += lines;
      added += nextLines;
      hunks.push({
        kind: 'changed',
        text: next.value,
        lines: nextLines,
        words: diffWordsWithSpace(part.value, next.value).map((w) => ({ kind: wordKind(w), text: w.value })),
      });
      i++;
    } else if (part.added) {
      added += lines;
      hunks.push({ kind: 'added', text: part.value, lines });
    } else if (part.removed) {
      removed += lines;
      hunks.push({ kind: 'removed', text: part.value, lines });
    } else {
      hunks.push({ kind: 'same', text: part.value, lines });
    }
  }
  return { added, removed, hunks };
}

/** A version against the one published before it (the first version against nothing). */
export async function versionDiff(tx: Tx, actor: PolicyActor, id: string, version: number): Promise<PolicyDiff> {
  const current = await getVersion(tx, actor, id, version);
  const previous =
    version > 1
      ? await versionQuery(tx, id)
          .where('v.version', '=', version - 1)
          .executeTakeFirst()
      : undefined;
  const text = (title: string, body: string) => `# ${title}\n\n${body}\n`;
  const before = previous ? text(previous.title, previous.body) : '';
  return {
    from: previous?.version ?? null,
    to: version,
    ...diffTexts(before, text(current.title, current.body)),
  };
}
