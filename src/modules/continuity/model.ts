/**
 * What business continuity holds and accepts: recovery objectives per system, disaster
 * recovery exercises with their systems, outcome, lessons and follow-up actions; the request
 * schemas (which also document the API) and the answers' shapes.
 */
import { z } from 'zod';
import type { DrExerciseKind, DrOutcome, ExerciseAction, ExerciseSystem } from '../../db/schema/assessments.js';
import { AppError } from '../../errors.js';

export { MANAGERS, manages, type OrgActor } from '../assessments/model.js';

export const EXERCISE_KINDS = [
  'tabletop',
  'restore_test',
  'failover_test',
  'full_dr_test',
] as const satisfies readonly DrExerciseKind[];
export const OUTCOMES = ['passed', 'passed_with_issues', 'failed'] as const satisfies readonly DrOutcome[];

export const KIND_LABEL: Record<DrExerciseKind, string> = {
  tabletop: 'Tabletop exercise',
  restore_test: 'Restore test',
  failover_test: 'Failover test',
  full_dr_test: 'Full disaster recovery test',
};
export const OUTCOME_LABEL: Record<DrOutcome, string> = {
  passed: 'Passed',
  passed_with_issues: 'Passed with issues',
  failed: 'Failed',
};

/** The control a DR exercise report proves. */
export const EXERCISE_CONTROL = 'BCP-03';
/** The policy that is the BC/DR plan. */
export const PLAN_POLICY_KEY = 'business-continuity';

const day = z.iso.date({ error: 'Use a date written YYYY-MM-DD.' });
/** Hours, to the quarter of an hour at least (two decimals), up to a year. */
export const hours = z
  .number()
  .min(0, 'Hours cannot be negative.')
  .max(8760, 'At most 8760 hours (a year).')
  .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, 'Use at most two decimals.');

export const Objectives = z
  .object({
    rtoHours: hours.nullable(),
    rpoHours: hours.nullable(),
    recoveryTier: z.number().int().min(1, 'Tiers are 1 to 4.').max(4, 'Tiers are 1 to 4.').nullable(),
  })
  .partial()
  .strict();
export type Objectives = z.infer<typeof Objectives>;

const SystemResult = z
  .object({
    systemId: z.uuid(),
    recoveryHours: hours.nullable().optional(),
    dataLossHours: hours.nullable().optional(),
  })
  .strict();

const ActionInput = z
  .object({
    id: z.uuid().optional(),
    title: z.string().trim().min(1, 'Say what is to be done.').max(300),
    owner: z
      .string()
      .trim()
      .max(200)
      .transform((v) => (v === '' ? null : v))
      .nullable()
      .optional(),
    dueOn: day.nullable().optional(),
    done: z.boolean().default(false),
  })
  .strict();

const ExerciseFields = z.object({
  title: z.string().trim().min(1, 'Give the exercise a title.').max(200),
  kind: z.enum(EXERCISE_KINDS),
  exercisedOn: day,
  scenario: z.string().trim().max(10_000),
  participants: z.array(z.string().trim().min(1).max(200)).max(100),
  systems: z.array(SystemResult).max(200),
  lessons: z.string().trim().max(10_000),
  actions: z.array(ActionInput).max(100),
});
export const NewExercise = ExerciseFields.partial().required({ title: true, kind: true, exercisedOn: true }).strict();
export const ExerciseChange = ExerciseFields.partial().strict();
/** Completing may change the fields too, in the same transaction. */
export const CompleteExercise = ExerciseFields.partial()
  .extend({ outcome: z.enum(OUTCOMES) })
  .strict();
export type NewExercise = z.infer<typeof NewExercise>;
export type ExerciseChange = z.infer<typeof ExerciseChange>;
export type CompleteExercise = z.infer<typeof CompleteExercise>;

export interface Person {
  id: string;
  email: string;
  name: string;
}

export interface SystemObjectives {
  id: string;
  name: string;
  production: boolean;
  owner: Person | null;
  rtoHours: number | null;
  rpoHours: number | null;
  recoveryTier: number | null;
  /** The last completed exercise that covered it, with what it achieved. */
  lastExercise: { id: string; title: string; exercisedOn: string; recoveryHours: number | null } | null;
}

export interface ExerciseSystemResult extends ExerciseSystem {
  /** Achieved within the objective (null when either is unknown). */
  rtoMet: boolean | null;
  rpoMet: boolean | null;
}

export interface Exercise {
  id: string;
  title: string;
  kind: DrExerciseKind;
  exercisedOn: string;
  scenario: string;
  participants: string[];
  systems: ExerciseSystemResult[];
  status: 'planned' | 'completed';
  outcome: DrOutcome | null;
  lessons: string;
  actions: ExerciseAction[];
  completedAt: string | null;
  completedBy: Person | null;
  reports: { pdf: string | null; markdown: string | null };
  createdAt: string;
  updatedAt: string;
}

export function invalid(path: string, message: string, detail: string): AppError {
  return new AppError('validation_failed', detail, { errors: [{ path, message }] });
}

/** Achieved within the objective, or null when either is unknown. */
export function met(achieved: number | null, objective: number | null): boolean | null {
  return achieved === null || objective === null ? null : achieved <= objective;
}

export const dayOf = (now: Date): string => now.toISOString().slice(0, 10);
