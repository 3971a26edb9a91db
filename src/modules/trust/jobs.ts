import type PgBoss from 'pg-boss';
import type { AppContext } from '../../context.js';

/** This module's scheduled work on the server's pg-boss. */
export async function registerTrustJobs(_boss: PgBoss, _ctx: AppContext): Promise<void> {}
