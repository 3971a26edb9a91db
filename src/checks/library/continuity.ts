/** Checks over the continuity records Attest writes itself (src/integrations/operations.ts). */
import type { Check } from '../types.js';
import { organisationCheck, recordCheck } from '../types.js';
import { addMonths, todayOf } from './assessments.js';
import { DAY_MS, dateOf, fail, HOUR_MS, notApplicable, pass, timeOf } from './shared.js';

const OUTCOME_WORDS = { passed: 'passed', passed_with_issues: 'passed with issues', failed: 'failed' } as const;

/**
 * A disaster recovery exercise completed within the last twelve months whose outcome was not a
 * failure; a failed one counts once a later exercise passed (on the same day, the pass counts
 * as the later one).
 */
export const drExerciseAnnual = organisationCheck({
  id: 'continuity.dr_exercise.annual',
  title: 'A disaster recovery exercise every year',
  severity: 'medium',
  controls: ['BCP-03'],
  remediation:
    'Hold a disaster recovery exercise (a tabletop at least, a restore or failover test where you can) and record it under Business continuity with its outcome and lessons. After a failed exercise, fix what failed and run it again.',
  reads: ['dr_exercise'],
  evaluate: (ctx) => {
    const done = [...ctx.records('dr_exercise')]
      .filter((r) => r.data.status === 'completed' && r.data.outcome !== null)
      .sort(
        (a, b) =>
          b.data.exercisedOn.localeCompare(a.data.exercisedOn) ||
          Number(a.data.outcome === 'failed') - Number(b.data.outcome === 'failed') ||
          a.data.name.localeCompare(b.data.name),
      );
    const [latest] = done;
    if (!latest) return fail('No disaster recovery exercise is recorded as complete.');
    const { name, exercisedOn, outcome } = latest.data;
    const due = addMonths(exercisedOn, 12);
    if (todayOf(ctx) > due) {
      return fail(
        `The last disaster recovery exercise, “${name}” on ${exercisedOn}, is more than a year old: the next was due by ${due}.`,
      );
    }
    if (outcome === 'failed') {
      return fail(
        `The latest disaster recovery exercise, “${name}” on ${exercisedOn}, failed, and no passing exercise has followed it.`,
      );
    }
    return pass(
      `The disaster recovery exercise “${name}” on ${exercisedOn} ${OUTCOME_WORDS[outcome ?? 'passed']}; the next is due by ${due}.`,
    );
  },
});

/** Attest's own backups (src/backup): a daily backup with two hours to spare, a verified restore every quarter. */
const BACKUP_MAX_AGE_HOURS = 26;
const RESTORE_TEST_DAYS = 92;
const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export const attestBackupRecent = recordCheck<'backup'>({
  id: 'attest.backup.recent',
  title: "Attest's own data was backed up within the last day",
  severity: 'high',
  resourceType: 'backup',
  controls: ['BCP-02'],
  remediation:
    'Run `attest backup --out FILE` on the Attest server every day (cron or a systemd timer) and keep the files away from the server. If backups fail, the reason is in the check and the system audit log.',
  applies: () => true,
  evaluate: (record, ctx) => {
    const b = record.data;
    const last = timeOf(b.lastBackupAt);
    const failure =
      b.failedBackupAt && b.failedBackupMessage
        ? ` The latest attempt, at ${utc(timeOf(b.failedBackupAt) ?? 0)}, failed: ${b.failedBackupMessage}`
        : '';
    if (last !== undefined) {
      const due = last + BACKUP_MAX_AGE_HOURS * HOUR_MS;
      return ctx.now.getTime() <= due
        ? pass(`${b.name} was last backed up at ${utc(last)}; the next backup is due by ${utc(due)}.`)
        : fail(
            `${b.name} was last backed up at ${utc(last)}, more than ${BACKUP_MAX_AGE_HOURS} hours ago (due by ${utc(due)}).${failure}`,
          );
    }
    const due = (timeOf(b.since) ?? ctx.now.getTime()) + BACKUP_MAX_AGE_HOURS * HOUR_MS;
    return ctx.now.getTime() <= due
      ? notApplicable(`${b.name} has no backup yet: the first is due by ${utc(due)}.`)
      : fail(`${b.name} has never been backed up (the first backup was due by ${utc(due)}).${failure}`);
  },
});

export const backupRestoreTested = recordCheck<'backup'>({
  id: 'backup.restore_tested',
  title: "Attest's backup restored and verified this quarter",
  severity: 'medium',
  resourceType: 'backup',
  controls: ['BCP-03'],
  remediation:
    'Run `attest restore --verify FILE` on a recent backup where the instance runs: it restores into a scratch copy, checks rows, files and ledgers, and records the result. Fix whatever it reports before the next backup is needed.',
  applies: () => true,
  evaluate: (record, ctx) => {
    const b = record.data;
    const last = timeOf(b.lastVerifiedAt);
    const failed = timeOf(b.failedVerifyAt);
    // A failure after the last success counts: the backup it tested may not restore.
    if (failed !== undefined) {
      const before = last === undefined ? '' : ` (the last successful one was on ${dateOf(last)})`;
      return fail(
        `The latest verified restore of ${b.name}, on ${dateOf(failed)}, failed${before}: ${b.failedVerifyMessage ?? 'no reason recorded'}`,
      );
    }
    if (last !== undefined) {
      const due = last + RESTORE_TEST_DAYS * DAY_MS;
      return ctx.now.getTime() <= due
        ? pass(`A restore of ${b.name} was last verified on ${dateOf(last)}; the next is due by ${dateOf(due)}.`)
        : fail(
            `A restore of ${b.name} was last verified on ${dateOf(last)}: the quarterly test is overdue since ${dateOf(due)}.`,
          );
    }
    const due = (timeOf(b.since) ?? ctx.now.getTime()) + RESTORE_TEST_DAYS * DAY_MS;
    return ctx.now.getTime() <= due
      ? notApplicable(`No restore of ${b.name} has been verified yet: the first test is due by ${dateOf(due)}.`)
      : fail(`No restore of ${b.name} has ever been verified (the first test was due by ${dateOf(due)}).`);
  },
});

export const CONTINUITY_CHECKS: readonly Check[] = [drExerciseAnnual, attestBackupRecent, backupRestoreTested];
