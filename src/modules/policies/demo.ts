import type { RequestMeta } from '../../context.js';
import type { Role } from '../../db/schema.js';
import type { Tx } from '../../db/tenancy.js';
import { acceptPolicy } from './acceptance.js';
import type { PolicyActor } from './access.js';
import { updateVariables } from './variables.js';
import { decidePolicy, publishPolicy, submitPolicy } from './workflow.js';

const META: RequestMeta = { ip: '203.0.113.24', userAgent: 'Mozilla/5.0 (Macintosh) demo', requestId: null };

export interface DemoPolicyPeople {
  admin: { id: string; email: string };
  reviewer: { id: string; email: string };
  /** Members who accept, each with how many of the published policies they accepted. */
  acceptors: { id: string; email: string; role: Role; accepts: number }[];
}

const PUBLISHED = ['information-security', 'access-control', 'acceptable-use', 'incident-response'];

/**
 * `attest demo`: a few policies published through the real workflow (submitted by the admin,
 * approved by the reviewer), accepted by some members and still pending for others, and one
 * draft waiting in review.
 */
export async function seedDemoPolicies(tx: Tx, orgId: string, people: DemoPolicyPeople, now: Date): Promise<void> {
  const actor = (id: string, email: string, role: Role): PolicyActor => ({
    userId: id,
    email,
    orgId,
    role,
    stage: 'full',
    via: 'session',
  });
  const admin = actor(people.admin.id, people.admin.email, 'admin');
  const reviewer = actor(people.reviewer.id, people.reviewer.email, 'reviewer');
  const day = (d: number) => new Date(now.getTime() - d * 86_400_000);
  await updateVariables(
    tx,
    admin,
    { security_contact: 'security@northwind.demo', data_region: 'the United States (AWS us-east-1)' },
    META,
    day(12),
  );
  const ids = new Map(
    (await tx.selectFrom('policies').select(['id', 'key']).execute()).map((p) => [p.key, p.id] as const),
  );
  for (const [i, key] of PUBLISHED.entries()) {
    const id = ids.get(key);
    if (!id) continue;
    await submitPolicy(tx, admin, id, { reviewerUserId: reviewer.userId, material: true }, META, day(11 - i));
    await decidePolicy(tx, reviewer, id, { approve: true, comment: 'Matches how we work.' }, META, day(10 - i));
    await publishPolicy(tx, admin, id, META, day(9 - i));
  }
  for (const p of people.acceptors) {
    for (const [i, key] of PUBLISHED.slice(0, p.accepts).entries()) {
      const id = ids.get(key);
      if (id) await acceptPolicy(tx, actor(p.id, p.email, p.role), id, 1, META, day(5 - i));
    }
  }
  const vendor = ids.get('vendor-management');
  if (vendor) await submitPolicy(tx, admin, vendor, { reviewerUserId: reviewer.userId, material: true }, META, day(1));
}
