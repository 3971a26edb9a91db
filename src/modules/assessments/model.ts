/**
 * What the assessment register holds and accepts: kinds and the control each one's report
 * proves, the request schemas (which also document the API), and the answers' shapes.
 */
import { z } from 'zod';
import type { Actor } from '../../context.js';
import type { AssessmentKind, AssessmentStatus, FindingSeverity, FindingStatus } from '../../db/schema/assessments.js';
import { AppError } from '../../errors.js';

export type OrgActor = Actor & { orgId: string };

export const KINDS = [
  'pentest',
  'vulnerability_assessment',
  'soc2_type1',
  'soc2_type2',
  'iso27001',
  'other_audit',
] as const satisfies readonly AssessmentKind[];
export const STATUSES = ['planned', 'in_progress', 'completed'] as const satisfies readonly AssessmentStatus[];
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const satisfies readonly FindingSeverity[];
export const FINDING_STATUSES = ['open', 'fixed', 'accepted'] as const satisfies readonly FindingStatus[];

export const KIND_LABEL: Record<AssessmentKind, string> = {
  pentest: 'Penetration test',
  vulnerability_assessment: 'Vulnerability assessment',
  soc2_type1: 'SOC 2 Type 1 audit',
  soc2_type2: 'SOC 2 Type 2 audit',
  iso27001: 'ISO 27001 audit',
  other_audit: 'Third-party audit',
};

/** The control an assessment's report is evidence of. */
export const KIND_CONTROL: Record<AssessmentKind, string> = {
  vulnerability_assessment: 'ASM-01',
  pentest: 'ASM-02',
  soc2_type1: 'ASM-03',
  soc2_type2: 'ASM-03',
  iso27001: 'ASM-03',
  other_audit: 'ASM-03',
};

/** Owners and admins manage the register; everyone in the organisation reads it. */
export const MANAGERS = ['owner', 'admin'] as const;
export const manages = (actor: Actor) => actor.role === 'owner' || actor.role === 'admin';

export const day = z.iso.date({ error: 'Use a date written YYYY-MM-DD.' });
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => (v === '' ? null : v))
    .nullable();

const AssessmentFields = z.object({
  kind: z.enum(KINDS),
  title: z.string().trim().min(1, 'Give the assessment a title.').max(200),
  assessor: optionalText(200),
  scope: z.string().trim().max(5000),
  status: z.enum(STATUSES),
  startDate: day.nullable(),
  endDate: day.nullable(),
  reportDate: day.nullable(),
  windowStart: day.nullable(),
  windowEnd: day.nullable(),
  codeAnalysis: z.boolean(),
});
export const NewAssessment = AssessmentFields.partial().required({ kind: true, title: true }).strict();
export const AssessmentChange = AssessmentFields.partial().strict();
export type NewAssessment = z.infer<typeof NewAssessment>;
export type AssessmentChange = z.infer<typeof AssessmentChange>;

const FindingFields = z.object({
  title: z.string().trim().min(1, 'Give the finding a title.').max(200),
  severity: z.enum(SEVERITIES),
  description: z.string().trim().max(10_000),
  ownerUserId: z.uuid().nullable(),
  dueDate: day,
  status: z.enum(FINDING_STATUSES),
  fixedOn: day.nullable(),
  acceptedReason: optionalText(2000),
});
export const NewFinding = FindingFields.partial().required({ title: true, severity: true }).strict();
export const FindingChange = FindingFields.partial().strict();
export type NewFinding = z.infer<typeof NewFinding>;
export type FindingChange = z.infer<typeof FindingChange>;

export interface Person {
  id: string;
  email: string;
  name: string;
}

export interface ReportFile {
  id: string;
  name: string;
  size: number;
  sha256: string;
  uploadedAt: string;
  erased: boolean;
}

export interface Assessment {
  id: string;
  kind: AssessmentKind;
  title: string;
  assessor: string | null;
  scope: string;
  status: AssessmentStatus;
  startDate: string | null;
  endDate: string | null;
  reportDate: string | null;
  windowStart: string | null;
  windowEnd: string | null;
  codeAnalysis: boolean;
  /** The control its report proves ("ASM-02"). */
  control: string;
  report: ReportFile | null;
  counts: { open: number; overdue: number; fixed: number; accepted: number };
  createdAt: string;
  updatedAt: string;
}

export interface Finding {
  id: string;
  assessmentId: string;
  assessmentTitle: string;
  title: string;
  severity: FindingSeverity;
  description: string;
  owner: Person | null;
  dueDate: string;
  status: FindingStatus;
  fixedOn: string | null;
  acceptedReason: string | null;
  /** Open and past its due date. */
  overdue: boolean;
  /** The caller may change it: owners and admins every field, its owner the status and notes. */
  canEdit: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface AssessmentDetail extends Assessment {
  findings: Finding[];
}

/** A validation error on one field, saying what to fix. */
export function invalid(path: string, message: string, detail: string): AppError {
  return new AppError('validation_failed', detail, { errors: [{ path, message }] });
}

/** Today (UTC) as YYYY-MM-DD. */
export const dayOf = (now: Date): string => now.toISOString().slice(0, 10);

/** `days` after a YYYY-MM-DD day. */
export function addDays(dayText: string, days: number): string {
  return new Date(Date.parse(`${dayText}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
