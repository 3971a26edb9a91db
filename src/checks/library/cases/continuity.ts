/** The library test's cases for the continuity checks (continuity.ts): a pass and a fail for each. */
import { backupRecord, context, dateDaysAgo, daysAgo, drExerciseRecord } from '../test-factories.js';
import type { Spec } from './spec.js';
import { bad, na, ok, org } from './spec.js';

const exercises = (...records: ReturnType<typeof drExerciseRecord>[]) => context({ records });

export const CONTINUITY_CASES: Record<string, Spec> = {
  'continuity.dr_exercise.annual': {
    cases: [
      org('pass', exercises(drExerciseRecord())),
      org('pass', exercises(drExerciseRecord({ outcome: 'passed_with_issues' }))),
      org('fail', exercises(drExerciseRecord({ exercisedOn: dateDaysAgo(400) }))),
      org('fail', exercises(drExerciseRecord({ outcome: 'failed' }))),
      // A failure followed by a passing retest counts; a pass followed by a failure does not.
      org(
        'pass',
        exercises(
          drExerciseRecord({
            name: 'Restore test',
            kind: 'restore_test',
            outcome: 'failed',
            exercisedOn: dateDaysAgo(40),
          }),
          drExerciseRecord({ name: 'Restore retest', kind: 'restore_test', exercisedOn: dateDaysAgo(20) }),
        ),
      ),
      org(
        'fail',
        exercises(
          drExerciseRecord({ exercisedOn: dateDaysAgo(100) }),
          drExerciseRecord({
            name: 'Failover test',
            kind: 'failover_test',
            outcome: 'failed',
            exercisedOn: dateDaysAgo(10),
          }),
        ),
      ),
      org('fail', exercises(drExerciseRecord({ status: 'planned', outcome: null, exercisedOn: dateDaysAgo(-10) }))),
      org('fail', context()),
    ],
  },
  'attest.backup.recent': {
    cases: [
      ok(backupRecord()),
      // A failed attempt after a backup that is still recent does not fail the check.
      ok(backupRecord({ failedBackupAt: daysAgo(1 / 24), failedBackupMessage: 'The disk is full.' })),
      bad(backupRecord({ lastBackupAt: daysAgo(30 / 24) })),
      bad(backupRecord({ lastBackupAt: null, lastBackupBytes: null, lastBackupFile: null })),
      na(backupRecord({ since: daysAgo(0.5), lastBackupAt: null, lastBackupBytes: null, lastBackupFile: null })),
    ],
  },
  'backup.restore_tested': {
    cases: [
      ok(backupRecord()),
      bad(backupRecord({ lastVerifiedAt: daysAgo(93) })),
      bad(backupRecord({ failedVerifyAt: daysAgo(1), failedVerifyMessage: 'attest.backup is corrupted at chunk 3.' })),
      bad(backupRecord({ lastVerifiedAt: null })),
      na(backupRecord({ since: daysAgo(10), lastVerifiedAt: null })),
    ],
  },
};
