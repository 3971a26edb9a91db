import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type PgBoss from 'pg-boss';
import { registerBackupJobs } from '../backup/jobs.js';
import type { Config } from '../config.js';
import { startJobs } from '../jobs/boss.js';
import { registerLedgerJobs } from '../ledger/jobs.js';
import { registerAccessJobs } from '../modules/access/jobs.js';
import { registerAssessmentsJobs } from '../modules/assessments/jobs.js';
import { registerAuditsJobs } from '../modules/audits/jobs.js';
import { registerContinuityJobs } from '../modules/continuity/jobs.js';
import { registerEvidenceJobs, sweepEvidenceBlobs } from '../modules/evidence/sweep.js';
import { registerIncidentsJobs } from '../modules/incidents/jobs.js';
import { registerMonitoringJobs } from '../modules/monitoring/jobs.js';
import { registerPeopleJobs } from '../modules/people/jobs.js';
import { registerQuestionnairesJobs } from '../modules/questionnaires/jobs.js';
import { registerReadinessJobs } from '../modules/readiness/jobs.js';
import { registerReviewJobs } from '../modules/reviews/jobs.js';
import { registerRisksJobs } from '../modules/risks/jobs.js';
import { registerTaskJobs } from '../modules/tasks/jobs.js';
import { registerTrainingJobs } from '../modules/training/jobs.js';
import { registerTrustJobs } from '../modules/trust/jobs.js';
import { registerTrustDocumentsJobs } from '../modules/trust-documents/jobs.js';
import { registerVendorsJobs } from '../modules/vendors/jobs.js';
import { openRuntime } from '../runtime.js';
import { startAdminSocket } from './admin-socket.js';
import { buildServer } from './app.js';

export interface Serving {
  url: string;
  /** How many organisations exist (0 on a first start). */
  organisations: number;
  close(): Promise<void>;
}

/** `attest serve`: database, jobs, HTTP(S) server, and the admin socket for the CLI. */
export async function serve(config: Config): Promise<Serving> {
  const socketPath = config.databaseUrl ? null : join(config.dataDir, 'admin.sock');
  const rt = await openRuntime(config, { adminSocket: socketPath });
  let boss: PgBoss | undefined;
  const https =
    config.tlsCert && config.tlsKey
      ? { cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) }
      : undefined;
  const app = await buildServer(rt, { https, ready: () => !config.jobs || boss !== undefined });
  let listening: string | null = null;
  const admin = socketPath ? await startAdminSocket(rt, socketPath, { url: () => listening }) : null;
  try {
    if (config.jobs) {
      boss = await startJobs(rt.database, rt.log);
      await registerReadinessJobs(boss, rt);
      await registerTaskJobs(boss, rt);
      await registerEvidenceJobs(boss, rt);
      await registerLedgerJobs(boss, rt);
      await registerMonitoringJobs(boss, rt);
      await registerPeopleJobs(boss, rt);
      await registerTrainingJobs(boss, rt);
      await registerAccessJobs(boss, rt);
      await registerReviewJobs(boss, rt);
      await registerVendorsJobs(boss, rt);
      await registerRisksJobs(boss, rt);
      await registerIncidentsJobs(boss, rt);
      await registerAssessmentsJobs(boss, rt);
      await registerContinuityJobs(boss, rt);
      await registerBackupJobs(boss, rt);
      await registerTrustJobs(boss, rt);
      await registerTrustDocumentsJobs(boss, rt);
      await registerQuestionnairesJobs(boss, rt);
      await registerAuditsJobs(boss, rt);
    }
    await app.listen({ host: config.host, port: config.port });
    // What a crash left in the blob store goes now, not at the first hourly sweep.
    void sweepEvidenceBlobs(rt).catch((error: unknown) => rt.log.warn({ err: error }, 'evidence sweep failed'));
  } catch (error) {
    await admin?.close();
    await boss?.stop({ graceful: false, wait: true });
    await app.close();
    await rt.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const { rows } = await rt.database.query('SELECT count(*)::int AS n FROM organizations');
  const url = `${https ? 'https' : 'http'}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  listening = config.publicUrl ?? url;
  return {
    url,
    organisations: Number(rows[0]?.n ?? 0),
    close: async () => {
      await admin?.close();
      await app.close();
      await boss?.stop({ graceful: true, wait: true, timeout: 10_000 });
      await rt.close();
      if (socketPath) rmSync(socketPath, { force: true });
    },
  };
}
