import type { RequestMeta } from '../../context.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { type Notice, notify } from '../notifications/service.js';
import { auditWho } from '../tokens/service.js';
import {
  acceptorsOf,
  forbidden,
  isEditor,
  notFoundPolicy,
  type PolicyActor,
  REVIEWER_ROLES,
  visible,
} from './access.js';
import { renderPolicy } from './render.js';
import { checkMember, getPolicy, lockPolicy, type PolicyDetail } from './service.js';
import { organisationValues } from './variables.js';

/** Emails to send once the transaction has committed (`mailNotice`). */
export interface Mail {
  to: string[];
  notice: Notice;
}

export interface WithMail<T> {
  result: T;
  mail: Mail | null;
}

const link = (id: string) => `/policies/${id}`;

async function emailsOf(tx: Tx, userIds: string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await tx.selectFrom('users').select('email').where('id', 'in', userIds).execute();
  return rows.map((r) => r.email);
}

async function tell(tx: Tx, actor: PolicyActor, userIds: string[], notice: Notice, now: Date): Promise<Mail | null> {
  const to = userIds.filter((u) => u !== actor.userId);
  if (to.length === 0) return null;
  await notify(tx, actor.orgId, to, notice, now);
  return { to: await emailsOf(tx, to), notice };
}

const NEXT_STEP: Record<string, string> = {
  draft: 'submit it for review first',
  in_review: 'wait for the reviewer to approve or return it',
  approved: 'publish it, or edit it to start again',
  published: 'edit the draft first',
};

function wrongState(title: string, status: string, action: string): AppError {
  return new AppError(
    'conflict',
    `${title} is ${status.replace('_', ' ')}, so it cannot be ${action}: ${NEXT_STEP[status] ?? 'reload it'}.`,
  );
}

export interface Submission {
  reviewerUserId: string;
  /** Members must accept the new version again (a first version always is). */
  material: boolean;
  changeSummary?: string;
}

/** Sends the draft to a named reviewer (owners and admins); it must be publishable as it stands. */
export async function submitPolicy(
  tx: Tx,
  actor: PolicyActor,
  id: string,
  input: Submission,
  meta: RequestMeta,
  now: Date,
): Promise<WithMail<PolicyDetail>> {
  const current = await lockPolicy(tx, id);
  if (current.status === 'published') {
    throw new AppError(
      'conflict',
      `${current.title} has not changed since version ${current.published_version}. Edit the draft first.`,
    );
  }
  if (current.status !== 'draft') throw wrongState(current.title, current.status, 'submitted');
  if (input.reviewerUserId === actor.userId) {
    throw new AppError('validation_failed', 'Name someone other than yourself to review your submission.', {
      errors: [{ path: 'body.reviewerUserId', message: 'the submitter cannot review' }],
    });
  }
  await checkMember(tx, actor.orgId, input.reviewerUserId, 'body.reviewerUserId', REVIEWER_ROLES);
  const changeSummary = input.changeSummary?.trim() ?? '';
  if (current.published_version !== null && changeSummary.length < 3) {
    throw new AppError('validation_failed', 'Say in a few words what changed since the published version.', {
      errors: [{ path: 'body.changeSummary', message: 'required after the first version' }],
    });
  }
  const { values } = await organisationValues(tx, actor.orgId);
  renderPolicy(current.body, values);
  const material = current.published_version === null ? true : input.material;
  await tx
    .updateTable('policies')
    .set({
      status: 'in_review',
      reviewer_user_id: input.reviewerUserId,
      submitted_by: actor.userId,
      submitted_at: now,
      approved_by: null,
      approved_at: null,
      review_comment: null,
      material,
      change_summary: changeSummary,
      lock_version: current.lock_version + 1,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'policy.submitted',
    targetType: 'policy',
    targetId: id,
    details: { key: current.key, reviewerUserId: input.reviewerUserId, material, changeSummary },
  });
  const mail = await tell(
    tx,
    actor,
    [input.reviewerUserId],
    {
      kind: 'policy.review_requested',
      title: `Review requested: ${current.title}`,
      body: `${actor.email} asks you to review the draft of ${current.title} and approve it or return it with a comment.`,
      link: link(id),
    },
    now,
  );
  return { result: await getPolicy(tx, actor, id, now), mail };
}

/**
 * The named reviewer, or an owner or admin, approves the draft in review or returns it with a
 * comment. Whoever submitted it may return it but never approve it.
 */
export async function decidePolicy(
  tx: Tx,
  actor: PolicyActor,
  id: string,
  decision: { approve: boolean; comment?: string },
  meta: RequestMeta,
  now: Date,
): Promise<WithMail<PolicyDetail>> {
  const current = await lockPolicy(tx, id);
  if (!visible(actor, current)) throw notFoundPolicy();
  if (current.reviewer_user_id !== actor.userId && !isEditor(actor)) {
    throw forbidden('Only the reviewer this draft was sent to, or an owner or admin, may decide on it.');
  }
  if (current.status !== 'in_review')
    throw wrongState(current.title, current.status, decision.approve ? 'approved' : 'returned');
  if (decision.approve && current.submitted_by === actor.userId) {
    throw forbidden('You submitted this draft, so someone else must approve it. You may return it instead.');
  }
  const comment = decision.comment?.trim() || null;
  await tx
    .updateTable('policies')
    .set(
      decision.approve
        ? { status: 'approved', approved_by: actor.userId, approved_at: now, review_comment: comment }
        : { status: 'draft', approved_by: null, approved_at: null, review_comment: comment },
    )
    .set({ lock_version: current.lock_version + 1, updated_at: now })
    .where('id', '=', id)
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: decision.approve ? 'policy.approved' : 'policy.returned',
    targetType: 'policy',
    targetId: id,
    details: { key: current.key, comment },
  });
  const mail = await tell(
    tx,
    actor,
    current.submitted_by ? [current.submitted_by] : [],
    decision.approve
      ? {
          kind: 'policy.approved',
          title: `Approved: ${current.title}`,
          body: `${actor.email} approved the draft of ${current.title}. It can now be published.`,
          link: link(id),
        }
      : {
          kind: 'policy.returned',
          title: `Returned: ${current.title}`,
          body: `${actor.email} returned the draft of ${current.title}${comment ? `: "${comment}"` : '.'}`,
          link: link(id),
        },
    now,
  );
  return { result: await getPolicy(tx, actor, id, now), mail };
}

/**
 * Publishes the approved draft (owners and admins) as the next immutable version, with the
 * variables filled in. A material version (and every first version) asks every member to
 * accept it: each is notified in the app now, and by email after the commit.
 */
export async function publishPolicy(
  tx: Tx,
  actor: PolicyActor,
  id: string,
  meta: RequestMeta,
  now: Date,
): Promise<WithMail<PolicyDetail>> {
  const current = await lockPolicy(tx, id);
  if (current.status !== 'approved') throw wrongState(current.title, current.status, 'published');
  const { values } = await organisationValues(tx, actor.orgId);
  const body = renderPolicy(current.body, values);
  const title = renderPolicy(current.title, values);
  const version = (current.published_version ?? 0) + 1;
  const material = version === 1 || current.material;
  await tx
    .insertInto('policy_versions')
    .values({
      org_id: actor.orgId,
      policy_id: id,
      version,
      title,
      body,
      source: current.body,
      variables: JSON.stringify(values),
      material,
      change_summary: current.change_summary || (version === 1 ? 'First version.' : ''),
      submitted_by: current.submitted_by,
      approved_by: current.approved_by,
      published_by: actor.userId,
      published_at: now,
    })
    .execute();
  await tx
    .updateTable('policies')
    .set({
      status: 'published',
      published_version: version,
      material_version: material ? version : current.material_version,
      lock_version: current.lock_version + 1,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'policy.published',
    targetType: 'policy',
    targetId: id,
    details: { key: current.key, version, material, changeSummary: current.change_summary },
  });
  let mail: Mail | null = null;
  if (material) {
    const everyone = await acceptorsOf(tx, actor.orgId, now);
    const notice: Notice = {
      kind: 'policy.acceptance_requested',
      title: `Please read and accept: ${title}`,
      body: `${title} version ${version} was published. Read it and accept it on your policies page.`,
      link: '/my-policies',
    };
    await notify(
      tx,
      actor.orgId,
      everyone.map((m) => m.id),
      notice,
      now,
    );
    mail = { to: everyone.map((m) => m.email), notice };
  }
  return { result: await getPolicy(tx, actor, id, now), mail };
}
