import type { Tx } from '../../db/tenancy.js';
import type { Obligation, ObligationUser } from '../me/obligation.js';
import { personForUser } from '../people/register.js';
import { loadPeopleSettings } from '../people/settings.js';
import { currentAgreement, signatureOf } from './service.js';

/**
 * The agreement a user still has to sign: one obligation when they are in the register (and
 * have not left), the organisation asks for the agreement, a version is published and they have
 * not signed it. It is due at the start of their first day and overdue from then on; with no
 * start date it has no deadline.
 */
export async function agreementObligations(tx: Tx, user: ObligationUser, now: Date): Promise<Obligation[]> {
  const person = await personForUser(tx, user.email, now);
  if (!person || person.status === 'departed') return [];
  if (!(await loadPeopleSettings(tx)).agreement) return [];
  const agreement = await currentAgreement(tx);
  if (!agreement || (await signatureOf(tx, person.id, agreement.id))) return [];
  const dueAt = person.startDate ? new Date(`${person.startDate}T00:00:00Z`) : null;
  const upcoming = dueAt !== null && dueAt > now;
  return [
    {
      kind: 'agreement',
      id: agreement.id,
      title: `${agreement.title} (version ${agreement.version})`,
      detail: upcoming
        ? 'Read and sign the agreement before your first day.'
        : dueAt
          ? 'The agreement was due before your first day: read and sign it now.'
          : 'Read and sign the agreement.',
      href: '/agreement',
      dueAt: dueAt?.toISOString() ?? null,
      overdue: dueAt !== null && !upcoming,
    },
  ];
}
