import { z } from 'zod';

/**
 * The last entry of a backup's archive: what the backup holds, so a restore can check it got
 * all of it (rows per table, each blob's size and SHA-256 of its ciphertext) and a verify can
 * compare the restored instance against it.
 */
export const Manifest = z.object({
  format: z.literal(1),
  backupId: z.uuid(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  migrations: z.array(z.object({ version: z.number().int(), name: z.string(), checksum: z.string() })),
  tables: z.array(z.object({ name: z.string(), rows: z.number().int().min(0) })),
  blobs: z.array(
    z.object({ key: z.string(), bytes: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  ),
  organisations: z.array(
    z.object({
      id: z.string(),
      slug: z.string(),
      ledgerSize: z.number().int().min(0),
      checkpointSize: z.number().int().min(0).nullable(),
    }),
  ),
});
export type Manifest = z.infer<typeof Manifest>;

export const MANIFEST_ENTRY = 'manifest.json';
