import type { RequestMeta } from '../../context.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import type { PolicyActor } from './access.js';
import { policyVariables } from './library.js';
import { effectiveValues } from './render.js';

export interface VariableItem {
  name: string;
  description: string;
  /** The library default ("" when there is none; company_name: the organisation's name). */
  default: string;
  /** The organisation's own value, or null when it uses the default. */
  value: string | null;
  /** What publishing would put in the text ("" when the variable has no value yet). */
  effective: string;
}

/** The organisation's own values and the effective values of every variable. */
export async function organisationValues(tx: Tx, orgId: string) {
  const [settings, org] = await Promise.all([
    tx.selectFrom('policy_settings').select('variables').where('org_id', '=', orgId).executeTakeFirst(),
    tx.selectFrom('organizations').select('name').where('id', '=', orgId).executeTakeFirstOrThrow(),
  ]);
  const own = (settings?.variables ?? {}) as Record<string, string>;
  return { own, organisationName: org.name, values: effectiveValues(own, org.name) };
}

export async function listVariables(tx: Tx, orgId: string): Promise<VariableItem[]> {
  const { own, organisationName, values } = await organisationValues(tx, orgId);
  return Object.entries(policyVariables()).map(([name, v]) => ({
    name,
    description: v.description,
    default: v.default ?? (name === 'company_name' ? organisationName : ''),
    value: own[name] ?? null,
    effective: values[name] ?? '',
  }));
}

/**
 * Sets the organisation's values (owners and admins): a name with null or "" goes back to its
 * default. Unknown names are refused. Audited with what changed.
 */
export async function updateVariables(
  tx: Tx,
  actor: PolicyActor,
  input: Record<string, string | null>,
  meta: RequestMeta,
  now: Date,
): Promise<VariableItem[]> {
  const known = policyVariables();
  const unknown = Object.keys(input).filter((name) => !(name in known));
  if (unknown.length > 0) {
    throw new AppError(
      'validation_failed',
      `There is no policy variable ${unknown.join(', ')}. The variables are: ${Object.keys(known).join(', ')}.`,
      { errors: unknown.map((name) => ({ path: `body.values.${name}`, message: 'unknown variable' })) },
    );
  }
  const { own } = await organisationValues(tx, actor.orgId);
  const next = { ...own };
  const changed: Record<string, { from: string | null; to: string | null }> = {};
  for (const [name, raw] of Object.entries(input)) {
    const value = raw?.trim() || null;
    if ((own[name] ?? null) === value) continue;
    changed[name] = { from: own[name] ?? null, to: value };
    if (value === null) delete next[name];
    else next[name] = value;
  }
  if (Object.keys(changed).length > 0) {
    await tx
      .insertInto('policy_settings')
      .values({ org_id: actor.orgId, variables: JSON.stringify(next), updated_by: actor.userId, updated_at: now })
      .onConflict((oc) =>
        oc.column('org_id').doUpdateSet({ variables: JSON.stringify(next), updated_by: actor.userId, updated_at: now }),
      )
      .execute();
    await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
      action: 'policy.variables_updated',
      targetType: 'organisation',
      targetId: actor.orgId,
      details: { changed },
    });
  }
  return listVariables(tx, actor.orgId);
}
