import { readFileSync } from 'node:fs';
import type { AppContext, RequestMeta } from '../../context.js';
import { pushFile } from './service.js';
import { SOURCE_KINDS } from './sources.js';

/** Where the sample outputs of every source kind live (our own synthetic data for Northwind). */
export const SAMPLES_DIR = new URL('../../../src/content/samples/', import.meta.url);

/**
 * The demo pushes one sample file of every source kind, as a CI job or a person would, so the
 * Monitoring page, the checks and the control statuses show real evaluations from the start.
 */
export async function seedDemoMonitoring(ctx: AppContext, orgId: string, meta: RequestMeta): Promise<number> {
  let records = 0;
  for (const kind of SOURCE_KINDS) {
    const body = readFileSync(new URL(kind.sample, SAMPLES_DIR), 'utf8');
    const summary = await pushFile(ctx, null, orgId, { kind: kind.kind, body, fileName: kind.sample }, meta);
    records += summary.records.total;
  }
  return records;
}
