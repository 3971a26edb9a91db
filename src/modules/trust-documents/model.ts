/** Shapes, limits and the default NDA of trust center documents. */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Actor } from '../../context.js';

export type DocumentActor = Actor & { orgId: string };

/** Who manages documents, the NDA and the rules; who reads them and their requests. */
export const MANAGERS = ['owner', 'admin'] as const;
export const READERS = ['owner', 'admin', 'auditor'] as const;

/** Documents are read whole to be watermarked: a report or a summary, not an archive. */
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;
/** Requests per email address per hour, per organisation. */
export const EMAIL_LIMIT = 5;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const DEFAULT_GRANT_DAYS = 7;

export const ACCESS = ['public', 'request', 'hidden'] as const;

export const sha256Hex = (text: string | Uint8Array) => createHash('sha256').update(text).digest('hex');

/** The default NDA: short, plain, our own words. Admins replace it with their own. */
export const DEFAULT_NDA = `Confidentiality terms for shared security documents

1. What is covered. The documents {organisation} shares with you through this page, and what they say about its systems, are confidential.

2. How you may use them. Use them only to assess {organisation} as a supplier or partner. Share them only with your colleagues and advisers who need them for that assessment and who are bound to keep them confidential.

3. What you must not do. Do not publish them, post them online, or pass them to anyone else. Do not remove or alter the marks that identify you as the recipient.

4. How long. These terms last for three years from the day you accept them. When {organisation} asks, or when you no longer need the documents, delete your copies.

5. Nothing more. These terms grant no licence and no other rights. Information that is already public, or that you had before without a duty of confidence, is not covered.

By ticking "I accept" you agree to these terms for yourself and for the company you name.`;

export const defaultNda = (organisation: string) => DEFAULT_NDA.replaceAll('{organisation}', organisation);

const domain = z
  .string()
  .trim()
  .toLowerCase()
  .transform((d) => d.replace(/^@/, ''))
  .pipe(
    z
      .string()
      .max(253)
      .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a domain like example.com'),
  );

export const DocumentFields = z.object({
  title: z.string().trim().min(1, 'Give the document a title.').max(200),
  description: z.string().trim().max(2000).default(''),
  access: z.enum(ACCESS).default('request'),
  position: z.coerce.number().int().min(0).max(10000).default(0),
});

export const DocumentPatch = z
  .object({
    title: z.string().trim().min(1, 'Give the document a title.').max(200),
    description: z.string().trim().max(2000),
    access: z.enum(ACCESS),
    position: z.number().int().min(0).max(10000),
  })
  .partial()
  .strict();

export const NdaBody = z
  .object({ text: z.string().trim().min(20, 'The NDA needs some text (20 characters or more).').max(20000) })
  .strict();

export const SettingsBody = z
  .object({
    autoApproveDomains: z.array(domain).max(200),
    grantDays: z.number().int().min(1, 'At least 1 day.').max(90, 'At most 90 days.'),
  })
  .strict();

export const ApproveBody = z
  .object({ expiresInDays: z.number().int().min(1, 'At least 1 day.').max(90, 'At most 90 days.').optional() })
  .strict();

export const DenyBody = z.object({ note: z.string().trim().max(1000).optional() }).strict();

/** The visitor's form, as posted (form-encoded strings). */
export const RequestForm = z.object({
  name: z.string().trim().min(1, 'Give your name.').max(200, 'Your name can be up to 200 characters.'),
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(320)
    .pipe(z.email('Give a valid work email address, like you@company.com.')),
  company: z.string().trim().min(1, 'Give your company.').max(200, 'The company can be up to 200 characters.'),
  accept: z.literal('yes', { error: 'Tick "I accept" to accept the NDA.' }),
  nda: z.string().max(64).default(''),
  website: z.string().max(2000).default(''),
});

/** Whether an email's domain matches a rule: the domain itself or one of its subdomains. */
export function matchingRule(email: string, domains: readonly string[]): string | null {
  const at = email.lastIndexOf('@');
  if (at < 0) return null;
  const host = email.slice(at + 1).toLowerCase();
  return domains.find((d) => host === d || host.endsWith(`.${d}`)) ?? null;
}
