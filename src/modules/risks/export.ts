/**
 * What a completed risk assessment's exports show: one row per item with the rating before the
 * campaign (when it was not raised in it) and the rating, treatment and comment of its review.
 * The CSV is written here; the PDF (pdf.ts) draws the same rows and the heat maps.
 */

import { sql } from 'kysely';
import { csvText, exportFileName } from '../../csv.js';
import type { RiskSnapshot } from '../../db/schema/risks.js';
import type { Tx } from '../../db/tenancy.js';
import { notFound } from '../../errors.js';
import { type RiskLevel, scoreOf } from './scoring.js';

export interface ReportRow {
  title: string;
  category: string;
  owner: string;
  raised: boolean;
  /** Scores before the campaign ("" for a risk raised in it). */
  inherentBefore: number | null;
  residualBefore: number | null;
  inherentLikelihood: number | null;
  inherentImpact: number | null;
  inherentScore: number | null;
  inherentLevel: RiskLevel | null;
  residualLikelihood: number | null;
  residualImpact: number | null;
  residualScore: number | null;
  residualLevel: RiskLevel | null;
  treatment: string;
  comment: string;
  reviewedBy: string;
  reviewedAt: string | null;
}

export interface AssessmentReport {
  organisation: string;
  assessment: {
    id: string;
    name: string;
    status: string;
    dueOn: string;
    startedAt: Date;
    completedAt: Date | null;
    startedBy: string | null;
    completedBy: string | null;
    fraudStatement: string;
  };
  rows: ReportRow[];
}

const isoOf = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** The assessment and all its items, by residual score then title (one query for the items). */
export async function reportData(tx: Tx, assessmentId: string): Promise<AssessmentReport> {
  const a = await tx
    .selectFrom('risk_assessments as a')
    .innerJoin('organizations as o', 'o.id', 'a.org_id')
    .leftJoin('users as sb', 'sb.id', 'a.started_by')
    .leftJoin('users as cb', 'cb.id', 'a.completed_by')
    .select([
      'a.id',
      'a.name',
      'a.status',
      'a.due_on',
      'a.started_at',
      'a.completed_at',
      'a.fraud_statement',
      'o.name as organisation',
      'sb.email as started_by',
      'cb.email as completed_by',
    ])
    .where('a.id', '=', assessmentId)
    .executeTakeFirst();
  if (!a) throw notFound('This risk assessment');
  const { rows } = await sql<{
    title: string;
    category: string;
    owner: string | null;
    raised: boolean;
    before: RiskSnapshot | null;
    inherent_likelihood: number | null;
    inherent_impact: number | null;
    residual_likelihood: number | null;
    residual_impact: number | null;
    treatment: string | null;
    comment: string | null;
    reviewed_by: string | null;
    reviewed_at: Date | null;
  }>`
    SELECT r.title, r.category, o.email AS owner, i.raised, i.before,
           i.inherent_likelihood, i.inherent_impact, i.residual_likelihood, i.residual_impact,
           i.treatment, i.comment, rb.email AS reviewed_by, i.reviewed_at
      FROM risk_assessment_items i
      JOIN risks r ON r.id = i.risk_id
      LEFT JOIN users o ON o.id = r.owner_user_id
      LEFT JOIN users rb ON rb.id = i.reviewed_by
     WHERE i.assessment_id = ${assessmentId}
     ORDER BY coalesce(i.residual_likelihood * i.residual_impact, 0) DESC, lower(r.title), i.id`.execute(tx);
  return {
    organisation: a.organisation,
    assessment: {
      id: a.id,
      name: a.name,
      status: a.status,
      dueOn: a.due_on,
      startedAt: new Date(a.started_at),
      completedAt: a.completed_at ? new Date(a.completed_at) : null,
      startedBy: a.started_by,
      completedBy: a.completed_by,
      fraudStatement: a.fraud_statement ?? '',
    },
    rows: rows.map((r) => {
      const inherent =
        r.inherent_likelihood !== null && r.inherent_impact !== null
          ? scoreOf(r.inherent_likelihood, r.inherent_impact)
          : null;
      const residual =
        r.residual_likelihood !== null && r.residual_impact !== null
          ? scoreOf(r.residual_likelihood, r.residual_impact)
          : null;
      const before = r.before;
      return {
        title: r.title,
        category: r.category,
        owner: r.owner ?? '',
        raised: r.raised,
        inherentBefore: before ? before.inherentLikelihood * before.inherentImpact : null,
        residualBefore: before ? before.residualLikelihood * before.residualImpact : null,
        inherentLikelihood: inherent?.likelihood ?? null,
        inherentImpact: inherent?.impact ?? null,
        inherentScore: inherent?.score ?? null,
        inherentLevel: inherent?.level ?? null,
        residualLikelihood: residual?.likelihood ?? null,
        residualImpact: residual?.impact ?? null,
        residualScore: residual?.score ?? null,
        residualLevel: residual?.level ?? null,
        treatment: r.treatment ?? '',
        comment: r.comment ?? '',
        reviewedBy: r.reviewed_by ?? '',
        reviewedAt: isoOf(r.reviewed_at),
      };
    }),
  };
}

const COLUMNS = [
  'risk',
  'category',
  'owner',
  'raised in this assessment',
  'inherent score before',
  'residual score before',
  'inherent likelihood',
  'inherent impact',
  'inherent score',
  'inherent level',
  'residual likelihood',
  'residual impact',
  'residual score',
  'residual level',
  'treatment',
  'comment',
  'reviewed by',
  'reviewed at',
] as const;

const cell = (value: string | number | boolean | null): string =>
  csvText(value === null ? '' : typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value));

/** The rows as CSV (RFC 4180, CRLF) with a header line. */
export function assessmentCsv(rows: ReportRow[]): string {
  const lines = [COLUMNS.join(',')];
  for (const r of rows) {
    lines.push(
      [
        r.title,
        r.category,
        r.owner,
        r.raised,
        r.inherentBefore,
        r.residualBefore,
        r.inherentLikelihood,
        r.inherentImpact,
        r.inherentScore,
        r.inherentLevel,
        r.residualLikelihood,
        r.residualImpact,
        r.residualScore,
        r.residualLevel,
        r.treatment,
        r.comment,
        r.reviewedBy,
        r.reviewedAt,
      ]
        .map(cell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** A file name for the exports: the assessment's name made safe, and the day. */
export function exportName(name: string, day: Date, extension: 'csv' | 'pdf'): string {
  return exportFileName('risk-assessment', name, day, extension, 'assessment');
}
