import { z } from 'zod';
import { DEFAULT_MONITORING_SETTINGS, type MonitoringSettings } from '../../checks/types.js';
import type { Tx } from '../../db/tenancy.js';

const days = z.number().int().min(1).max(3650);

/** What an organisation may set; anything left out keeps its default. */
export const SettingsInput = z
  .object({
    slaDays: z.object({ critical: days, high: days, medium: days, low: days, info: days }).partial().optional(),
    departedAccountHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 90)
      .optional(),
    certificateExpiryDays: days.optional(),
    unusedCredentialDays: days.optional(),
    accessKeyMaxAgeDays: days.optional(),
    scanMaxAgeDays: days.optional(),
  })
  .strict();
export type SettingsInput = z.infer<typeof SettingsInput>;

export function mergeSettings(stored: SettingsInput | undefined): MonitoringSettings {
  const d = DEFAULT_MONITORING_SETTINGS;
  return {
    ...d,
    ...stored,
    slaDays: { ...d.slaDays, ...stored?.slaDays },
  } as MonitoringSettings;
}

/** The organisation's settings (RLS picks the organisation), defaults filled in. */
export async function loadSettings(tx: Tx): Promise<MonitoringSettings> {
  const row = await tx.selectFrom('monitoring_settings').select('settings').executeTakeFirst();
  const parsed = SettingsInput.safeParse(row?.settings ?? {});
  return mergeSettings(parsed.success ? parsed.data : undefined);
}
