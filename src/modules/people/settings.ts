import type { RequestMeta } from '../../context.js';
import type { Tx } from '../../db/tenancy.js';
import type { AuditWho } from '../audit/service.js';
import { recordAudit } from '../audit/service.js';

/** What onboarding asks of each new person; an organisation changes it, defaults otherwise. */
export interface PeopleSettings {
  /** Background checks, by employment type (the seeds ask them of employees and contractors). */
  backgroundCheck: { employee: boolean; contractor: boolean; other: boolean };
  /** A signed confidentiality agreement before the first day. */
  agreement: boolean;
  /** Security awareness training: required, days a new person has, how long a completion lasts. */
  training: boolean;
  trainingGraceDays: number;
  trainingValidityDays: number;
}

export const DEFAULT_PEOPLE_SETTINGS: PeopleSettings = {
  backgroundCheck: { employee: true, contractor: true, other: false },
  agreement: true,
  training: true,
  trainingGraceDays: 30,
  trainingValidityDays: 365,
};

export async function loadPeopleSettings(tx: Tx): Promise<PeopleSettings> {
  const row = await tx.selectFrom('people_settings').select('settings').executeTakeFirst();
  const saved = (row?.settings ?? {}) as Partial<PeopleSettings>;
  return {
    ...DEFAULT_PEOPLE_SETTINGS,
    ...saved,
    backgroundCheck: { ...DEFAULT_PEOPLE_SETTINGS.backgroundCheck, ...(saved.backgroundCheck ?? {}) },
  };
}

export async function savePeopleSettings(
  tx: Tx,
  orgId: string,
  settings: PeopleSettings,
  who: AuditWho,
  meta: RequestMeta,
  now: Date,
): Promise<PeopleSettings> {
  const value = JSON.stringify(settings);
  await tx
    .insertInto('people_settings')
    .values({ org_id: orgId, settings: value, updated_by: who.userId, updated_at: now })
    .onConflict((oc) => oc.column('org_id').doUpdateSet({ settings: value, updated_by: who.userId, updated_at: now }))
    .execute();
  await recordAudit(tx, orgId, who, meta, now, {
    action: 'people.settings_changed',
    targetType: 'people_settings',
    targetId: orgId,
    details: { ...settings },
  });
  return settings;
}
