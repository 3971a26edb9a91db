import type { Database } from '../../src/db/connect.js';
import type { TestOrg } from '../helpers/factories.js';

/** A row in every table of the questionnaires (0022), for the catalogue test's two organisations. */
export async function seedQuestionnaires(_database: Database, _org: TestOrg): Promise<void> {}
