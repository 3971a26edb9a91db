import type { AppContext, RequestMeta } from '../../context.js';

/** The demo organisation's sample data for this module. */
export async function seedDemoQuestionnaires(_ctx: AppContext, _orgId: string, _meta: RequestMeta): Promise<void> {}
