/** The library test's cases for the incidents checks (incidents.ts): a pass and a fail for each. */
import { context, daysAgo, incident, NOW } from '../test-factories.js';
import { bad, na, ok, type Spec } from './spec.js';

const MINUTE = 60_000;
const minutesAfter = (iso: string, n: number) => new Date(Date.parse(iso) + n * MINUTE).toISOString();

type Breach = NonNullable<ReturnType<typeof incident>['data']['breach']>;
type Customer = Breach['customers'][number];

const customer = (name: string, sentAt: string | null, extra: Partial<Customer> = {}): Customer => ({
  name,
  hasNotice: true,
  sentAt,
  missingFields: [],
  ...extra,
});

/** A breach discovered three days before NOW with a 72-hour deadline (ending at NOW). */
const breach = (customers: Customer[], extra: Partial<Breach> = {}): Breach => ({
  discoveredAt: daysAgo(3),
  deadlineAt: daysAgo(0),
  delays: 0,
  customers,
  ...extra,
});

const afterDeadline = context({ now: new Date(NOW.getTime() + 60 * MINUTE) });

export const INCIDENT_CASES: Record<string, Spec> = {
  'incident.escalated_on_time': {
    cases: [
      ok(incident()),
      bad(
        incident({
          name: '#8 Late page',
          firstEscalation: {
            severity: 'sev1',
            triggeredAt: daysAgo(2),
            targetMinutes: 15,
            sentAt: minutesAfter(daysAgo(2), 45),
          },
        }),
      ),
      bad(
        incident({
          name: '#9 Webhook down',
          firstEscalation: { severity: 'sev1', triggeredAt: daysAgo(1), targetMinutes: 15, sentAt: null },
        }),
      ),
      na(
        incident({
          name: '#10 Just reported',
          firstEscalation: {
            severity: 'sev1',
            triggeredAt: minutesAfter(NOW.toISOString(), -5),
            targetMinutes: 15,
            sentAt: null,
          },
        }),
      ),
      na(incident({ name: '#11 Low noise', severity: 'sev4', firstEscalation: null })),
    ],
  },
  'incident.breach_notice_deadline': {
    cases: [
      ok(
        incident({
          name: '#20 Bucket exposed',
          breach: breach([customer('Acme', daysAgo(1)), customer('Globex', daysAgo(2))]),
        }),
      ),
      // Not yet due: the notices still to send are on time.
      ok(
        incident({ name: '#21 Still counting', breach: breach([customer('Acme', null)], { deadlineAt: daysAgo(-1) }) }),
      ),
      bad(
        incident({ name: '#22 Missed', breach: breach([customer('Acme', daysAgo(1)), customer('Initech', null)]) }),
        afterDeadline,
      ),
      bad(incident({ name: '#23 Sent late', breach: breach([customer('Acme', daysAgo(-0.01))]) })),
      // A delay moved the deadline: the late-looking notice is in time.
      ok(
        incident({
          name: '#24 Held by police',
          breach: breach([customer('Acme', daysAgo(-2))], { deadlineAt: daysAgo(-3), delays: 1 }),
        }),
        context({ now: new Date(NOW.getTime() + 4 * 86_400_000) }),
      ),
      na(incident({ name: '#25 Who is affected', breach: breach([]) })),
    ],
    skip: [incident({ name: '#26 Not a breach' })],
  },
  'incident.breach_notice_complete': {
    cases: [
      ok(incident({ name: '#30 Complete', breach: breach([customer('Acme', daysAgo(1)), customer('Globex', null)]) })),
      bad(
        incident({
          name: '#31 Gap',
          breach: breach([customer('Acme', daysAgo(1), { missingFields: ['scope', 'response'] })]),
        }),
      ),
      bad(incident({ name: '#32 No notice', breach: breach([customer('Umbrella', null, { hasNotice: false })]) })),
    ],
    skip: [incident({ name: '#33 Not a breach' })],
  },
  'incident.post_incident_review': {
    cases: [
      ok(incident({ name: '#40 Reviewed' })),
      ok(incident({ name: '#41 Closed and reviewed', status: 'closed', severity: 'sev1', closedAt: daysAgo(5) })),
      bad(incident({ name: '#42 Never reviewed', resolvedAt: daysAgo(45), reviewCompletedAt: null })),
      bad(incident({ name: '#43 Reviewed late', resolvedAt: daysAgo(60), reviewCompletedAt: daysAgo(5) })),
      na(incident({ name: '#44 Fresh', resolvedAt: daysAgo(3), reviewCompletedAt: null })),
    ],
    skip: [
      incident({ name: '#45 Minor', severity: 'sev3', reviewCompletedAt: null }),
      incident({ name: '#46 Open', status: 'contained', resolvedAt: null, reviewCompletedAt: null }),
    ],
  },
};
