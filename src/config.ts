import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * Configuration from the environment, overridden by command-line flags. Every setting has a
 * safe default so `npm start` needs none.
 */
const ConfigSchema = z.object({
  dataDir: z.string().min(1),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// or postgresql://')
    .optional(),
  host: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65_535),
  tlsCert: z.string().optional(),
  tlsKey: z.string().optional(),
  /** The address people use to reach Attest (links in emails, WebAuthn origin). */
  publicUrl: z.url().optional(),
  sessionIdleMinutes: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  sessionAbsoluteHours: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30),
  invitationDays: z.coerce.number().int().min(1).max(30),
  smtpUrl: z.string().optional(),
  mailFrom: z.string(),
  trustProxy: z.boolean(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  masterKey: z.string().optional(),
  /** Start pg-boss workers with the server (tests may turn them off). */
  jobs: z.boolean(),
  /** Evidence files go to this S3 bucket instead of `<dataDir>/blobs` when set. */
  blobS3Bucket: z.string().min(1).optional(),
  blobS3Region: z.string().min(1).optional(),
  /** An S3-compatible endpoint (MinIO, Ceph, R2…); path-style addressing is used with it. */
  blobS3Endpoint: z.url().optional(),
  blobS3Prefix: z.string().optional(),
  /** The largest evidence upload accepted, in bytes. */
  maxUploadBytes: z.coerce.number().int().min(1),
  /** The largest file accepted by a monitoring push (`attest push`), in bytes. */
  maxPushBytes: z.coerce.number().int().min(1024),
});

export type Config = z.infer<typeof ConfigSchema>;

export type ConfigOverrides = Partial<Config>;

const bool = (v: string | undefined) =>
  v === undefined ? undefined : ['1', 'true', 'yes', 'on'].includes(v.toLowerCase());

export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const fromEnv = {
    dataDir: env.ATTEST_DATA ?? './attest-data',
    databaseUrl: env.DATABASE_URL || undefined,
    host: env.HOST ?? '127.0.0.1',
    port: env.PORT ?? 8080,
    tlsCert: env.ATTEST_TLS_CERT || undefined,
    tlsKey: env.ATTEST_TLS_KEY || undefined,
    publicUrl: env.ATTEST_PUBLIC_URL || undefined,
    sessionIdleMinutes: env.ATTEST_SESSION_IDLE_MINUTES ?? 30,
    sessionAbsoluteHours: env.ATTEST_SESSION_ABSOLUTE_HOURS ?? 12,
    invitationDays: env.ATTEST_INVITATION_DAYS ?? 7,
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.SMTP_FROM ?? 'Attest <attest@localhost>',
    trustProxy: bool(env.ATTEST_TRUST_PROXY) ?? false,
    logLevel: env.LOG_LEVEL ?? 'info',
    masterKey: env.ATTEST_MASTER_KEY || undefined,
    jobs: bool(env.ATTEST_JOBS) ?? true,
    blobS3Bucket: env.ATTEST_BLOB_S3_BUCKET || undefined,
    blobS3Region: env.ATTEST_BLOB_S3_REGION || undefined,
    blobS3Endpoint: env.ATTEST_BLOB_S3_ENDPOINT || undefined,
    blobS3Prefix: env.ATTEST_BLOB_S3_PREFIX || undefined,
    maxUploadBytes: env.ATTEST_MAX_UPLOAD_BYTES ?? 2 * 1024 ** 3,
    maxPushBytes: env.ATTEST_MAX_PUSH_BYTES ?? 100 * 1024 ** 2,
  };
  const merged = {
    ...fromEnv,
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined && v !== '')),
  };
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || 'config'}: ${i.message}`);
    throw new Error(`The configuration is not valid:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  if (Boolean(config.tlsCert) !== Boolean(config.tlsKey)) {
    throw new Error('Give both --tls-cert and --tls-key (or ATTEST_TLS_CERT and ATTEST_TLS_KEY), or neither.');
  }
  return { ...config, dataDir: resolve(config.dataDir) };
}
