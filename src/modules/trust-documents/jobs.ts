import type PgBoss from 'pg-boss';
import type { AppContext } from '../../context.js';

/**
 * This module's scheduled work on the server's pg-boss: none. A grant's expiry is checked each
 * time its link is used and shown as computed in the lists, so nothing needs marking on a timer.
 */
export async function registerTrustDocumentsJobs(_boss: PgBoss, _ctx: AppContext): Promise<void> {}
