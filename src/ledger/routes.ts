import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { recordAudit } from '../modules/audit/service.js';
import { auditWho } from '../modules/tokens/service.js';
import { ledgerOrigin } from './checkpoint.js';
import { latestCheckpoint, ledgerSize, listCheckpoints, makeCheckpoint, orgVerifierKey } from './service.js';

/** Auditors read the ledger's checkpoints (to check an export against them); nobody writes it by hand. */
const READERS = ['owner', 'admin', 'auditor'] as const;
const MAKERS = ['owner', 'admin'] as const;

/**
 * The organisation's ledger: its latest signed checkpoint with the key to verify it, the history
 * of checkpoints, and making one now (the scheduled job makes one every hour).
 */
export function ledgerRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/ledger/checkpoint',
      {
        config: { access: { roles: READERS, scope: 'program:read' } },
        schema: {
          tags: ['ledger'],
          summary: "The ledger's latest signed checkpoint (C2SP tlog-checkpoint note) and the verifier key",
        },
      },
      async (request) =>
        request.tenant(async (tx, actor) => {
          const checkpoint = await latestCheckpoint(tx, actor.orgId);
          return {
            origin: ledgerOrigin(actor.orgId),
            size: await ledgerSize(tx, actor.orgId),
            verifierKey: checkpoint ? await orgVerifierKey(tx, actor.orgId) : null,
            checkpoint,
          };
        }),
    );

    app.get(
      '/ledger/checkpoints',
      {
        config: { access: { roles: READERS, scope: 'program:read' } },
        schema: {
          tags: ['ledger'],
          summary: 'Signed checkpoints of the ledger, largest first',
          querystring: z.object({
            cursor: z.coerce.number().int().min(0).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
        },
      },
      async (request) =>
        request.tenant(async (tx, actor) => {
          const page = await listCheckpoints(tx, actor.orgId, {
            limit: request.query.limit,
            ...(request.query.cursor === undefined ? {} : { before: request.query.cursor }),
          });
          return { items: page.items, nextCursor: page.nextCursor === null ? null : String(page.nextCursor) };
        }),
    );

    app.post(
      '/ledger/checkpoint',
      {
        config: { access: { roles: MAKERS, scope: 'program:write' } },
        schema: {
          tags: ['ledger'],
          summary: 'Sign a checkpoint of the ledger now (audited); the latest one when nothing was added since',
          body: z.object({}).strict().optional(),
        },
      },
      async (request) =>
        request.tenant(async (tx, actor) => {
          const now = ctx.clock.now();
          const before = await latestCheckpoint(tx, actor.orgId);
          const checkpoint = await makeCheckpoint(tx, actor.orgId, now, ctx);
          await recordAudit(tx, actor.orgId, auditWho(actor), request.meta, now, {
            action: 'ledger.checkpointed',
            targetType: 'ledger',
            details: { size: checkpoint.size, rootHash: checkpoint.rootHash, new: before?.size !== checkpoint.size },
          });
          return {
            origin: ledgerOrigin(actor.orgId),
            verifierKey: await orgVerifierKey(tx, actor.orgId),
            checkpoint,
          };
        }),
    );
  };
}
