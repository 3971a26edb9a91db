/**
 * The assessment register: penetration tests, vulnerability assessments and third-party audits,
 * with their dates, assessor, scope, status and report. Owners and admins change it; everyone
 * in the organisation reads it. Every change is audit-logged and moves the assessment's
 * inventory record (inventory.ts), so its checks run again.
 */
import { sql } from 'kysely';
import type { RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { AssessmentKind } from '../../db/schema/assessments.js';
import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import { notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import { findingsOf } from './findings.js';
import { refreshAssessments } from './inventory.js';
import {
  type Assessment,
  type AssessmentChange,
  type AssessmentDetail,
  dayOf,
  invalid,
  KIND_CONTROL,
  KIND_LABEL,
  type NewAssessment,
  type OrgActor,
} from './model.js';

function assessmentsQuery(tx: Tx, today: string) {
  return tx
    .selectFrom('assessments as a')
    .leftJoin('evidence as e', 'e.id', 'a.report_evidence_id')
    .select([
      'a.id',
      'a.kind',
      'a.title',
      'a.assessor',
      'a.scope',
      'a.status',
      'a.start_date',
      'a.end_date',
      'a.report_date',
      'a.window_start',
      'a.window_end',
      'a.code_analysis',
      'a.report_evidence_id',
      'a.created_at',
      'a.updated_at',
      'e.name as report_name',
      'e.size as report_size',
      'e.sha256 as report_sha256',
      'e.uploaded_at as report_uploaded_at',
      'e.erased_at as report_erased_at',
      (eb) =>
        eb
          .selectFrom('assessment_findings as f')
          .select(
            sql<string>`json_build_object(
              'open', count(*) FILTER (WHERE f.status = 'open'),
              'overdue', count(*) FILTER (WHERE f.status = 'open' AND f.due_date < ${today}::date),
              'fixed', count(*) FILTER (WHERE f.status = 'fixed'),
              'accepted', count(*) FILTER (WHERE f.status = 'accepted'))::text`.as('counts'),
          )
          .whereRef('f.assessment_id', '=', 'a.id')
          .as('counts'),
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof assessmentsQuery>['executeTakeFirstOrThrow']>>;

function toAssessment(r: Row): Assessment {
  const counts = JSON.parse(r.counts ?? '{}') as Record<string, number | string>;
  const n = (key: string) => Number(counts[key] ?? 0);
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    assessor: r.assessor,
    scope: r.scope,
    status: r.status,
    startDate: r.start_date,
    endDate: r.end_date,
    reportDate: r.report_date,
    windowStart: r.window_start,
    windowEnd: r.window_end,
    codeAnalysis: r.code_analysis,
    control: KIND_CONTROL[r.kind],
    report: r.report_evidence_id
      ? {
          id: r.report_evidence_id,
          name: r.report_name ?? '',
          size: Number(r.report_size ?? 0),
          sha256: r.report_sha256 ?? '',
          uploadedAt: r.report_uploaded_at ? iso(r.report_uploaded_at) : '',
          erased: r.report_erased_at !== null,
        }
      : null,
    counts: { open: n('open'), overdue: n('overdue'), fixed: n('fixed'), accepted: n('accepted') },
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export async function getAssessment(tx: Tx, id: string, now: Date): Promise<Assessment> {
  const row = await assessmentsQuery(tx, dayOf(now)).where('a.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('This assessment');
  return toAssessment(row);
}

export async function assessmentDetail(tx: Tx, actor: OrgActor, id: string, now: Date): Promise<AssessmentDetail> {
  const assessment = await getAssessment(tx, id, now);
  return { ...assessment, findings: await findingsOf(tx, actor, { assessmentId: id }, now) };
}

/** The register, newest first (by end date, then start date, then creation). */
export async function listAssessments(
  tx: Tx,
  filter: { kind?: AssessmentKind; status?: Assessment['status']; limit: number; offset: number },
  now: Date,
): Promise<{ items: Assessment[]; total: number }> {
  let query = assessmentsQuery(tx, dayOf(now));
  if (filter.kind) query = query.where('a.kind', '=', filter.kind);
  if (filter.status) query = query.where('a.status', '=', filter.status);
  const total = Number(
    (
      await query
        .clearSelect()
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const rows = await query
    .orderBy(sql`coalesce(a.end_date, a.start_date)`, (ob) => ob.desc().nullsFirst())
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  return { items: rows.map(toAssessment), total };
}

type State = Omit<Required<NewAssessment>, 'assessor'> & { assessor: string | null };

/** The rules that span fields, checked on the state an assessment would have after the change. */
function checkState(s: State, today: string): void {
  const before = (a: string | null, b: string | null) => a !== null && b !== null && a < b;
  if (before(s.endDate, s.startDate)) {
    throw invalid('body.endDate', 'before the start date', 'The end date is before the start date.');
  }
  if (before(s.reportDate, s.startDate)) {
    throw invalid('body.reportDate', 'before the start date', 'The report date is before the start date.');
  }
  if (s.kind !== 'soc2_type2' && (s.windowStart !== null || s.windowEnd !== null)) {
    throw invalid(
      'body.windowStart',
      'only for SOC 2 Type 2',
      `Only a SOC 2 Type 2 audit has an observation window; a ${KIND_LABEL[s.kind].toLowerCase()} does not. Clear the window dates.`,
    );
  }
  if (before(s.windowEnd, s.windowStart)) {
    throw invalid('body.windowEnd', 'before the window start', 'The observation window ends before it starts.');
  }
  if (s.codeAnalysis && s.kind !== 'vulnerability_assessment') {
    throw invalid(
      'body.codeAnalysis',
      'only for vulnerability assessments',
      'Code analysis is recorded on vulnerability assessments only.',
    );
  }
  if (s.status === 'completed') {
    if (s.endDate === null) {
      throw invalid('body.endDate', 'required when completed', 'A completed assessment needs its end date.');
    }
    if (s.endDate > today) {
      throw invalid(
        'body.endDate',
        'in the future',
        'A completed assessment cannot end in the future: keep it in progress until it ends.',
      );
    }
    if (s.kind === 'soc2_type2' && (s.windowStart === null || s.windowEnd === null)) {
      throw invalid(
        s.windowStart === null ? 'body.windowStart' : 'body.windowEnd',
        'required when completed',
        'A completed SOC 2 Type 2 audit needs the start and end of the observation window its report covers.',
      );
    }
  }
}

function stateOf(a: Assessment): State {
  return {
    kind: a.kind,
    title: a.title,
    assessor: a.assessor,
    scope: a.scope,
    status: a.status,
    startDate: a.startDate,
    endDate: a.endDate,
    reportDate: a.reportDate,
    windowStart: a.windowStart,
    windowEnd: a.windowEnd,
    codeAnalysis: a.codeAnalysis,
  };
}

const COLUMNS: Record<keyof State, string> = {
  kind: 'kind',
  title: 'title',
  assessor: 'assessor',
  scope: 'scope',
  status: 'status',
  startDate: 'start_date',
  endDate: 'end_date',
  reportDate: 'report_date',
  windowStart: 'window_start',
  windowEnd: 'window_end',
  codeAnalysis: 'code_analysis',
};

export async function createAssessment(
  tx: Tx,
  actor: OrgActor,
  input: NewAssessment,
  meta: RequestMeta,
  now: Date,
): Promise<Assessment> {
  const state: State = {
    kind: input.kind,
    title: input.title,
    assessor: input.assessor ?? null,
    scope: input.scope ?? '',
    status: input.status ?? 'planned',
    startDate: input.startDate ?? null,
    endDate: input.endDate ?? null,
    reportDate: input.reportDate ?? null,
    windowStart: input.windowStart ?? null,
    windowEnd: input.windowEnd ?? null,
    codeAnalysis: input.codeAnalysis ?? false,
  };
  checkState(state, dayOf(now));
  const id = newId();
  await tx
    .insertInto('assessments')
    .values({
      id,
      org_id: actor.orgId,
      kind: state.kind,
      title: state.title,
      assessor: state.assessor,
      scope: state.scope,
      status: state.status,
      start_date: state.startDate,
      end_date: state.endDate,
      report_date: state.reportDate,
      window_start: state.windowStart,
      window_end: state.windowEnd,
      code_analysis: state.codeAnalysis,
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const { scope: _scope, ...details } = state;
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'assessment.created',
    targetType: 'assessment',
    targetId: id,
    details,
  });
  await refreshAssessments(tx, actor.orgId, now);
  return getAssessment(tx, id, now);
}

export async function updateAssessment(
  tx: Tx,
  actor: OrgActor,
  id: string,
  input: AssessmentChange,
  meta: RequestMeta,
  now: Date,
): Promise<Assessment> {
  const before = await getAssessment(tx, id, now);
  const old = stateOf(before);
  const next: State = { ...old };
  const changed: Record<string, unknown> = {};
  const set: Record<string, unknown> = {};
  for (const key of Object.keys(COLUMNS) as (keyof State)[]) {
    const value = input[key];
    if (value === undefined || value === old[key]) continue;
    (next as Record<string, unknown>)[key] = value;
    set[COLUMNS[key]] = value;
    changed[key] = key === 'scope' ? '(changed)' : value;
  }
  if (Object.keys(set).length === 0) return before;
  checkState(next, dayOf(now));
  await tx
    .updateTable('assessments')
    .set({ ...set, updated_at: now })
    .where('id', '=', id)
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'assessment.updated',
    targetType: 'assessment',
    targetId: id,
    details: { title: next.title, changed },
  });
  await refreshAssessments(tx, actor.orgId, now);
  return getAssessment(tx, id, now);
}

/** Removes an assessment and its findings (its report stays in the evidence vault). */
export async function deleteAssessment(tx: Tx, actor: OrgActor, id: string, meta: RequestMeta, now: Date) {
  const before = await getAssessment(tx, id, now);
  await tx.deleteFrom('assessments').where('id', '=', id).execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'assessment.deleted',
    targetType: 'assessment',
    targetId: id,
    details: {
      title: before.title,
      kind: before.kind,
      findings: before.counts.open + before.counts.fixed + before.counts.accepted,
      reportId: before.report?.id ?? null,
    },
  });
  await refreshAssessments(tx, actor.orgId, now);
}
