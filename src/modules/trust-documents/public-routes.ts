import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { withScope } from '../../db/tenancy.js';
import { AppError, notFound } from '../../errors.js';
import { contentDisposition } from '../evidence/routes.js';
import { type PublishedOrg, publishedTrustOrg } from '../trust/published.js';
import { readDocumentFile } from './documents.js';
import { RequestForm } from './model.js';
import { ensureNda, getSettings } from './nda.js';
import { errorPage, type FormView, grantPage, message, type PageOrg, requestForm } from './page.js';
import { logDownload, openGrant, recordRequest, sendGrantMail } from './requests.js';
import { watermarkLine, watermarkPdf } from './watermark.js';

const docParams = z.object({ slug: z.string().min(1).max(100), documentId: z.uuid() });
const grantParams = z.object({ slug: z.string().min(1).max(100), token: z.string().min(1).max(200) });

/**
 * Per client address. The global limiter skips paths outside /api/, so each route sets its own,
 * with an allow-list that lets nothing through.
 */
const never = () => false;
const PAGE_LIMIT = { max: 60, timeWindow: '1 minute', allowList: never };
const POST_LIMIT = { max: 20, timeWindow: '1 hour', allowList: never };
const DOWNLOAD_LIMIT = { max: 30, timeWindow: '1 minute', allowList: never };
const access = { public: true } as const;
const tags = ['trust documents'];

/** The organisation a page belongs to, once known, so an error page can carry its header. */
const pageOrgs = new WeakMap<FastifyRequest, PageOrg>();

async function published(ctx: AppContext, request: FastifyRequest, slug: string): Promise<PublishedOrg> {
  const org = await publishedTrustOrg(ctx, slug);
  if (!org) throw new AppError('not_found', 'There is no published trust center here.');
  pageOrgs.set(request, org);
  return org;
}

/** The pages run no script and load nothing: a policy tighter than the web app's (as the trust page's). */
const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const html = (reply: FastifyReply, status: number, body: string) =>
  reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'private, no-store')
    .header('content-security-policy', PAGE_CSP)
    .send(body);

const origin = (ctx: AppContext, request: FastifyRequest) =>
  ctx.config.publicUrl?.replace(/\/+$/, '') ?? `${request.protocol}://${request.host}`;

const base = (org: PageOrg) => `/trust/${encodeURIComponent(org.slug)}/documents`;

function toAppError(error: FastifyError): AppError {
  if (error instanceof AppError) return error;
  // A malformed id or token is a page that does not exist.
  if (error.validation) return new AppError('not_found', 'This page does not exist. Check the link.');
  if (error.statusCode === 429) {
    return new AppError('rate_limited', 'Too many requests from your address. Wait a while and try again.');
  }
  if (error.statusCode === 413) return new AppError('payload_too_large', 'The form is too large.');
  if (error.statusCode === 415) {
    return new AppError('unsupported_media_type', 'Send the form from the request page.');
  }
  return new AppError('internal', 'Something went wrong on our side. Try again later.');
}

/** A visitor's document request form, its answer and the time-limited download, at the root (/trust/:slug/documents/…). */
export function trustDocumentPublicRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    // Forms post url-encoded fields; this parser exists in this plugin only (the API takes JSON alone).
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 64 * 1024 },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const appError = toAppError(error);
      if (appError.status >= 500) request.log.error({ err: error }, 'trust document page failed');
      if (appError.extra.retryAfterSeconds) reply.header('retry-after', String(appError.extra.retryAfterSeconds));
      return html(reply, appError.status, errorPage(pageOrgs.get(request) ?? null, appError.code, appError.message));
    });

    /** The form's page for a document shared on request (public ones go straight to the file). */
    async function formView(orgId: string, org: PageOrg, documentId: string) {
      return withScope(ctx.database, { orgId }, async (tx) => {
        const document = await tx
          .selectFrom('trust_documents')
          .select(['id', 'title', 'description', 'access'])
          .where('id', '=', documentId)
          .executeTakeFirst();
        if (!document || document.access === 'hidden') throw notFound('This document');
        const nda = await ensureNda(tx, orgId, ctx.clock.now());
        const view: FormView = { org, document, nda };
        return { access: document.access, view };
      });
    }

    app.get(
      '/trust/:slug/documents/:documentId/request',
      {
        config: { access, rateLimit: PAGE_LIMIT },
        schema: { tags, summary: 'The request form for a gated document (HTML, no sign-in)', params: docParams },
      },
      async (request, reply) => {
        const org = await published(ctx, request, request.params.slug);
        const { access: shared, view } = await formView(org.orgId, org, request.params.documentId);
        if (shared === 'public') return reply.redirect(`${base(org)}/${view.document.id}/download`, 303);
        return html(reply, 200, requestForm(view));
      },
    );

    app.post(
      '/trust/:slug/documents/:documentId/request',
      {
        config: { access, rateLimit: POST_LIMIT },
        schema: {
          tags,
          summary:
            'Request a gated document (form-encoded: name, email, company, accept=yes, nda=<sha256 shown>; no sign-in)',
          params: docParams,
        },
      },
      async (request, reply) => {
        const org = await published(ctx, request, request.params.slug);
        const { access: shared, view } = await formView(org.orgId, org, request.params.documentId);
        if (shared === 'public') return reply.redirect(`${base(org)}/${view.document.id}/download`, 303);
        const raw = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
        const text = (key: string) => (typeof raw[key] === 'string' ? (raw[key] as string) : undefined);
        const received = (days: number | null) =>
          message(org, 'Request received', [
            days === null
              ? `Thank you. ${org.name} will review your request for “${view.document.title}” and email you a link once it is approved.`
              : `Thank you. Your request for “${view.document.title}” was approved: we emailed you a link that works for ${days} days.`,
          ]);
        // A filled honeypot is a robot: it is told what a person would be, and nothing is written.
        if (text('website')?.trim()) return html(reply, 200, received(null));
        const values = { name: text('name'), email: text('email'), company: text('company') };
        const parsed = RequestForm.safeParse(raw);
        if (!parsed.success) {
          const errors = [...new Set(parsed.error.issues.map((i) => i.message))];
          return html(reply, 400, requestForm({ ...view, values, errors }));
        }
        const now = ctx.clock.now();
        const outcome = await withScope(ctx.database, { orgId: org.orgId }, async (tx) => {
          const result = await recordRequest(
            tx,
            ctx,
            org,
            view.document.id,
            parsed.data,
            request.meta,
            origin(ctx, request),
            now,
          );
          return { result, days: (await getSettings(tx)).grantDays };
        });
        if (outcome.result.kind === 'nda_changed') {
          const fresh = await formView(org.orgId, org, view.document.id);
          const errors = ['The NDA changed while you were reading it. Read this version and accept it again.'];
          return html(reply, 409, requestForm({ ...fresh.view, values, errors }));
        }
        await sendGrantMail(ctx, outcome.result.mail);
        return html(reply, 200, received(outcome.result.status === 'approved' ? outcome.days : null));
      },
    );

    app.get(
      '/trust/:slug/documents/:documentId/download',
      {
        config: { access, rateLimit: DOWNLOAD_LIMIT },
        schema: { tags, summary: 'Download a public document (logged; no sign-in)', params: docParams },
      },
      async (request, reply) => {
        const org = await published(ctx, request, request.params.slug);
        const id = request.params.documentId;
        const file = await withScope(ctx.database, { orgId: org.orgId }, async (tx) => {
          const found = await readDocumentFile(ctx, tx, org.orgId, id);
          if (found.access === 'hidden') throw notFound('This document');
          if (found.access === 'public') await logDownload(tx, org.orgId, id, null, request.meta, ctx.clock.now());
          return found;
        });
        if (file.access === 'request') return reply.redirect(`${base(org)}/${id}/request`, 303);
        return sendFile(reply, file.name, file.contentType, file.bytes);
      },
    );

    app.get(
      '/trust/:slug/documents/access/:token',
      {
        config: { access, rateLimit: PAGE_LIMIT },
        schema: { tags, summary: 'The page an approval email links to (HTML, no sign-in)', params: grantParams },
      },
      async (request, reply) => {
        const org = await published(ctx, request, request.params.slug);
        const grant = await withScope(ctx.database, { orgId: org.orgId }, (tx) =>
          openGrant(tx, request.params.token, ctx.clock.now()),
        );
        const href = `${base(org)}/access/${encodeURIComponent(request.params.token)}/download`;
        return html(
          reply,
          200,
          grantPage(org, { title: grant.title, email: grant.email, expiresAt: grant.expires_at, href }),
        );
      },
    );

    app.get(
      '/trust/:slug/documents/access/:token/download',
      {
        config: { access, rateLimit: DOWNLOAD_LIMIT },
        schema: {
          tags,
          summary: "Download a granted document, watermarked with the requester's email (logged; no sign-in)",
          params: grantParams,
        },
      },
      async (request, reply) => {
        const org = await published(ctx, request, request.params.slug);
        const now = ctx.clock.now();
        const { grant, file } = await withScope(ctx.database, { orgId: org.orgId }, async (tx) => {
          const found = await openGrant(tx, request.params.token, now);
          const read = await readDocumentFile(ctx, tx, org.orgId, found.document_id);
          await logDownload(tx, org.orgId, found.document_id, found.id, request.meta, now);
          return { grant: found, file: read };
        });
        const bytes =
          file.contentType === 'application/pdf'
            ? await watermarkPdf(file.bytes, watermarkLine(grant.email, org.name, now), grant.email)
            : file.bytes;
        return sendFile(reply, file.name, file.contentType, Buffer.from(bytes));
      },
    );
  };
}

/** Always a download, never rendered in our origin. */
function sendFile(reply: FastifyReply, name: string, contentType: string, bytes: Buffer) {
  return reply
    .header('content-type', contentType === 'application/pdf' ? 'application/pdf' : 'application/octet-stream')
    .header('content-length', String(bytes.length))
    .header('content-disposition', contentDisposition(name))
    .header('cache-control', 'private, no-store')
    .send(bytes);
}
