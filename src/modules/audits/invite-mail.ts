import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';

/**
 * Mails an auditor's invitation link (as the members' invitation route does), or hands it back
 * when no mail server is set or sending failed, so an admin can pass it on.
 */
export async function mailAuditorInvitation(
  ctx: AppContext,
  request: FastifyRequest,
  invitation: { token: string; email: string; expiresAt: string; orgName: string; auditTitle: string },
): Promise<{ emailed: boolean; link: string }> {
  const base = ctx.config.publicUrl ?? `${request.protocol}://${request.host}`;
  const link = `${base.replace(/\/$/, '')}/invite#token=${encodeURIComponent(invitation.token)}`;
  if (!ctx.mailer.enabled) return { emailed: false, link };
  try {
    await ctx.mailer.send({
      to: invitation.email,
      subject: `You are invited to audit ${invitation.orgName} on Attest`,
      text: `${request.actor?.email ?? 'An admin'} invited you to ${invitation.orgName} on Attest as an auditor for "${invitation.auditTitle}".\n\nOpen this link to accept (it works once and expires on ${invitation.expiresAt}):\n${link}\n`,
    });
    return { emailed: true, link };
  } catch (error) {
    request.log.warn({ err: error }, 'auditor invitation email failed; returning the link instead');
    return { emailed: false, link };
  }
}
