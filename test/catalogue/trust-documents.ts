import type { Database } from '../../src/db/connect.js';
import type { TestOrg } from '../helpers/factories.js';

/** A row in every table of the trust center documents (0021), for the catalogue test's two organisations. */
export async function seedTrustDocuments(database: Database, org: TestOrg): Promise<void> {
  const one = async (text: string, params: unknown[]) => {
    const { rows } = await database.query(text, params);
    return String((rows[0] as { id: string }).id);
  };
  const document = await one(
    `INSERT INTO trust_documents (id, org_id, title, access, file_name, content_type, size, sha256, sealed, key_term,
                                  created_at, updated_at)
     VALUES (gen_random_uuid(), $1, 'Catalogue document', 'request', 'c.pdf', 'application/pdf', 1, repeat('0', 64),
             '\\x00', (SELECT max(term) FROM org_data_keys WHERE org_id = $1), now(), now()) RETURNING id`,
    [org.id],
  );
  const nda = await one(
    `INSERT INTO trust_ndas (id, org_id, version, body, sha256, created_at)
     VALUES (gen_random_uuid(), $1, 1, 'Catalogue NDA', repeat('0', 64), now()) RETURNING id`,
    [org.id],
  );
  await database.query(
    `INSERT INTO trust_document_settings (org_id, auto_approve_domains, grant_days, updated_at)
     VALUES ($1, '{example.com}', 7, now())`,
    [org.id],
  );
  const request = await one(
    `INSERT INTO trust_document_requests (id, org_id, document_id, name, email, company, nda_id, nda_sha256, accepted_at)
     VALUES (gen_random_uuid(), $1, $2, 'Visitor', 'visitor@example.com', 'Example', $3, repeat('0', 64), now())
     RETURNING id`,
    [org.id, document, nda],
  );
  const grant = await one(
    `INSERT INTO trust_document_grants (id, org_id, request_id, document_id, email, token_hash, created_at, expires_at)
     VALUES (gen_random_uuid(), $1, $2, $3, 'visitor@example.com', gen_random_uuid()::text::bytea, now(),
             now() + interval '7 days') RETURNING id`,
    [org.id, request, document],
  );
  await database.query(
    `INSERT INTO trust_document_downloads (id, org_id, document_id, grant_id, at)
     VALUES (gen_random_uuid(), $1, $2, $3, now())`,
    [org.id, document, grant],
  );
}
