import type { Database } from '../../src/db/connect.js';
import type { TestOrg } from '../helpers/factories.js';

/** A row in every table of the trust center (0020), for the catalogue test's two organisations. */
export async function seedTrust(database: Database, org: TestOrg): Promise<void> {
  const settings = JSON.stringify({ title: `${org.name} trust center` });
  await database.query(
    `INSERT INTO trust_centers (org_id, draft, published, published_at, published_by, host_name, updated_by, updated_at)
     VALUES ($1, $2::jsonb, $2::jsonb, now(), $3, $4, $3, now())`,
    [org.id, settings, org.users.admin.id, `trust.${org.slug}.example`],
  );
}
