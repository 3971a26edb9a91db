/**
 * Who does what with questionnaires and the answer library: everyone in the organisation reads
 * (tokens: trust:read); owners and admins change the library, import, review and export
 * (tokens: trust:write). Auditors and members change nothing.
 */
import type { Actor } from '../../context.js';
import { AppError } from '../../errors.js';

export type QuestionnaireActor = Actor & { orgId: string };

export const MANAGERS = ['owner', 'admin'] as const;

export const invalid = (path: string, message: string) =>
  new AppError('validation_failed', message, { errors: [{ path, message }] });
