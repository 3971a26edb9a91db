import { z } from 'zod';
import type { AppContext, RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import { openWithKey, sealWithKey } from '../../crypto/seal.js';
import { withScope } from '../../db/tenancy.js';
import { AppError, notFound } from '../../errors.js';
import { parseAws } from '../../integrations/aws/index.js';
import { parseGithub } from '../../integrations/github/index.js';
import { parseGoogleWorkspace } from '../../integrations/google-workspace/index.js';
import { parseOkta } from '../../integrations/okta/index.js';
import { probePostgres, redactPostgresUrl } from '../../integrations/postgres/index.js';
import { pullGithub } from '../../integrations/pull/github.js';
import { pullGoogleWorkspace } from '../../integrations/pull/google.js';
import { pullOkta } from '../../integrations/pull/okta.js';
import { probeTlsTargets } from '../../integrations/tls/index.js';
import { ImportError, type ParsedPush } from '../../integrations/types.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import type { PushSummary } from './push.js';
import { requestHash } from './push.js';
import { applyParsed, checkSourceName, type OrgActor } from './service.js';

const host = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.-]+$|^\[[0-9a-fA-F:]+\]$/, 'a host name or address');

const schedule = z.enum(['manual', 'hourly', 'daily']).default('daily');
const secret = z.string().min(1).max(20_000);

/**
 * A connection: a source Attest reaches itself, on a schedule. Probes look at TLS endpoints or a
 * PostgreSQL server; pulls read an API (Google Workspace, Okta, GitHub, AWS). Credentials (the PostgreSQL URL, API
 * tokens, a service-account key) are sealed with the organisation's data key and never shown again.
 */
export const ConnectionInput = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('tls'),
    name: z.string().max(100).optional(),
    targets: z
      .array(z.object({ host, port: z.number().int().min(1).max(65535).default(443) }))
      .min(1)
      .max(100),
    schedule,
  }),
  z.object({
    kind: z.literal('postgres'),
    name: z.string().max(100).optional(),
    /** postgres://user:password@host:port/db — kept sealed with the organisation's data key. */
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'a postgres:// URL')
      .max(2000),
    schedule,
  }),
  z.object({
    kind: z.literal('google-workspace'),
    name: z.string().max(100).optional(),
    /** The service account's JSON key file, with domain-wide delegation for the Directory API (read-only). */
    serviceAccountKey: secret,
    adminEmail: z.email(),
    customer: z.string().max(100).optional(),
    schedule,
  }),
  z.object({
    kind: z.literal('okta'),
    name: z.string().max(100).optional(),
    domain: z.string().min(3).max(253),
    apiToken: secret,
    schedule,
  }),
  z.object({
    kind: z.literal('aws'),
    name: z.string().max(100).optional(),
    /** An access key of a read-only identity (the SecurityAudit managed policy covers every call). */
    accessKeyId: z.string().regex(/^[A-Z0-9]{16,128}$/, 'an AWS access key id'),
    secretAccessKey: secret,
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1'),
    schedule,
  }),
  z.object({
    kind: z.literal('github'),
    name: z.string().max(100).optional(),
    org: z.string().regex(/^[A-Za-z0-9-]{1,39}$/, 'a GitHub organisation login'),
    token: secret,
    schedule,
  }),
]);
export type ConnectionInput = z.infer<typeof ConnectionInput>;

export const CONNECTION_KINDS = ['tls', 'postgres', 'google-workspace', 'okta', 'github', 'aws'];

/** What is kept in clear (shown in the app) and what is sealed, per kind. */
function split(input: ConnectionInput): { name: string; config: Record<string, unknown>; secret: unknown } {
  switch (input.kind) {
    case 'tls':
      return { name: input.name ?? 'endpoints', config: { targets: input.targets }, secret: null };
    case 'postgres':
      return {
        name: input.name ?? redactedHost(input.url),
        config: { target: redactPostgresUrl(input.url) },
        secret: input.url,
      };
    case 'google-workspace':
      return {
        name: input.name ?? input.adminEmail.split('@')[1] ?? 'google-workspace',
        config: { adminEmail: input.adminEmail, customer: input.customer ?? null },
        secret: { serviceAccountKey: input.serviceAccountKey },
      };
    case 'okta':
      return {
        name: input.name ?? input.domain,
        config: { domain: input.domain },
        secret: { apiToken: input.apiToken },
      };
    case 'github':
      return { name: input.name ?? input.org, config: { org: input.org }, secret: { token: input.token } };
    case 'aws':
      return {
        name: input.name ?? `aws-${input.region}`,
        config: { region: input.region, accessKeyId: input.accessKeyId },
        secret: { secretAccessKey: input.secretAccessKey },
      };
  }
}

const credentialContext = (orgId: string, sourceId: string) => `monitoring-source:${orgId}:${sourceId}`;

/** Creates (or replaces the settings and credentials of) a connection; audited without its secrets. */
export async function saveConnection(ctx: AppContext, actor: OrgActor, input: ConnectionInput, meta: RequestMeta) {
  const parts = split(input);
  const name = checkSourceName(parts.name);
  const now = ctx.clock.now();
  const dataKey = await ctx.keyring.currentDataKey(actor.orgId);
  return withScope(ctx.database, { orgId: actor.orgId, userId: actor.userId }, async (tx) => {
    const existing = await tx
      .selectFrom('monitoring_sources')
      .select('id')
      .where('kind', '=', input.kind)
      .where('name', '=', name)
      .executeTakeFirst();
    const id = existing?.id ?? newId();
    const config = parts.config;
    const credentials =
      parts.secret === null
        ? { credentials_enc: null, credentials_term: null }
        : {
            credentials_enc: sealWithKey(
              dataKey.key,
              Buffer.from(JSON.stringify(parts.secret)),
              credentialContext(actor.orgId, id),
            ),
            credentials_term: dataKey.term,
          };
    if (existing) {
      await tx
        .updateTable('monitoring_sources')
        .set({ config: JSON.stringify(config), schedule: input.schedule, updated_at: now, ...credentials })
        .where('id', '=', id)
        .execute();
    } else {
      await tx
        .insertInto('monitoring_sources')
        .values({
          id,
          org_id: actor.orgId,
          kind: input.kind,
          name,
          config: JSON.stringify(config),
          schedule: input.schedule,
          created_by: actor.userId,
          created_at: now,
          updated_at: now,
          ...credentials,
        })
        .execute();
    }
    await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
      action: existing ? 'monitoring.source_changed' : 'monitoring.source_added',
      targetType: 'monitoring_source',
      targetId: id,
      details: { kind: input.kind, name, schedule: input.schedule, ...config },
    });
    return { id, kind: input.kind, name };
  });
}

function redactedHost(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}`;
  } catch {
    throw new AppError(
      'validation_failed',
      'The PostgreSQL URL is not valid: use postgres://user:password@host:port/db.',
    );
  }
}

/** Runs a connection now and applies what it saw as a push (no person when scheduled). */
export async function runConnection(
  ctx: AppContext,
  actor: OrgActor | null,
  orgId: string,
  sourceId: string,
  meta: RequestMeta,
): Promise<PushSummary> {
  const source = await withScope(ctx.database, { orgId }, (tx) =>
    tx
      .selectFrom('monitoring_sources')
      .select(['id', 'kind', 'name', 'config', 'credentials_enc', 'credentials_term'])
      .where('id', '=', sourceId)
      .executeTakeFirst(),
  );
  if (!source) throw notFound('This source');
  if (!CONNECTION_KINDS.includes(source.kind)) {
    throw new AppError('validation_failed', `A ${source.kind} source is pushed to (attest push), not run.`);
  }
  const secret = async <T>(): Promise<T> => {
    if (!source.credentials_enc || source.credentials_term === null) {
      throw new AppError('validation_failed', 'This connection has no credentials: save them again.');
    }
    const key = await ctx.keyring.dataKey(orgId, source.credentials_term);
    return JSON.parse(
      openWithKey(key, source.credentials_enc, credentialContext(orgId, source.id)).toString('utf8'),
    ) as T;
  };
  const config = source.config as Record<string, unknown>;
  const now = ctx.clock.now();
  let parsed: ParsedPush;
  try {
    parsed = await observe(source.kind, config, secret, now);
  } catch (error) {
    if (error instanceof ImportError) throw new AppError('import_invalid', error.message);
    throw error;
  }
  return applyParsed(ctx, actor, orgId, { kind: source.kind, name: source.name }, parsed, meta, {
    hash: requestHash(source.kind, source.name, JSON.stringify(parsed)),
  });
}

/** Probes a target or pulls an API, then reads the answer with the kind's own parser. */
async function observe(
  kind: string,
  config: Record<string, unknown>,
  secret: <T>() => Promise<T>,
  now: Date,
): Promise<ParsedPush> {
  switch (kind) {
    case 'tls':
      return probeTlsTargets((config.targets as { host: string; port: number }[]) ?? []);
    case 'postgres':
      return probePostgres(await secret<string>());
    case 'google-workspace': {
      const { serviceAccountKey } = await secret<{ serviceAccountKey: string }>();
      const text = await pullGoogleWorkspace({
        serviceAccountKey,
        adminEmail: String(config.adminEmail),
        ...(config.customer ? { customer: String(config.customer) } : {}),
      });
      return parseGoogleWorkspace(text, { now });
    }
    case 'okta': {
      const { apiToken } = await secret<{ apiToken: string }>();
      return parseOkta(await pullOkta({ domain: String(config.domain), apiToken }), { now });
    }
    case 'github': {
      const { token } = await secret<{ token: string }>();
      return parseGithub(await pullGithub({ org: String(config.org), token }), { now });
    }
    case 'aws': {
      const { secretAccessKey } = await secret<{ secretAccessKey: string }>();
      // Loaded when first used: the AWS SDK clients are large, and most servers never pull AWS.
      const { pullAws } = await import('../../integrations/pull/aws.js');
      const text = await pullAws({
        accessKeyId: String(config.accessKeyId),
        secretAccessKey,
        region: String(config.region),
      });
      return parseAws(text, { now });
    }
    default:
      throw new AppError('validation_failed', `Attest cannot run a ${kind} source.`);
  }
}

/**
 * The scheduled job: runs every connection that is due (hourly ones each hour, daily ones once
 * a day), organisation by organisation; a failing one marks its source failed with the reason.
 */
export async function runDueConnections(ctx: AppContext, orgIds: string[], meta: RequestMeta): Promise<number> {
  const now = ctx.clock.now();
  let ran = 0;
  for (const orgId of orgIds) {
    const due = await withScope(ctx.database, { orgId }, (tx) =>
      tx
        .selectFrom('monitoring_sources')
        .select(['id', 'schedule', 'last_push_at'])
        .where('kind', 'in', CONNECTION_KINDS)
        .where('schedule', '!=', 'manual')
        .execute(),
    );
    for (const s of due) {
      const every = s.schedule === 'hourly' ? 3_600_000 : 86_400_000;
      const last = s.last_push_at ? new Date(s.last_push_at).getTime() : 0;
      if (now.getTime() - last < every - 60_000) continue;
      try {
        await runConnection(ctx, null, orgId, s.id, meta);
        ran++;
      } catch (error) {
        await withScope(ctx.database, { orgId }, (tx) =>
          tx
            .updateTable('monitoring_sources')
            .set({ last_status: 'failed', last_error: String((error as Error).message).slice(0, 500), updated_at: now })
            .where('id', '=', s.id)
            .execute(),
        );
      }
    }
  }
  return ran;
}
