import type { Database } from '../../src/db/connect.js';
import type { TestOrg } from '../helpers/factories.js';

/** A row in every table of the auditor portal (0023), for the catalogue test's two organisations. */
export async function seedAudits(database: Database, org: TestOrg): Promise<void> {
  const one = async (text: string, params: unknown[]) =>
    ((await database.query(text, params)).rows[0] as { id: string }).id;
  const audit = await one(
    `INSERT INTO audits (id, org_id, title, framework_id, kind, window_start, window_end, access_expires_at,
                         created_at, updated_at)
     SELECT gen_random_uuid(), $1, 'Catalogue audit', framework_id, 'soc2_type2', current_date - 90, current_date,
            now() + interval '30 days', now(), now()
       FROM org_frameworks WHERE org_id = $1 LIMIT 1
     RETURNING id`,
    [org.id],
  );
  await database.query(
    `INSERT INTO audit_auditors (id, org_id, audit_id, email, user_id, added_at)
     VALUES (gen_random_uuid(), $1, $2, $3, $4, now())`,
    [org.id, audit, org.users.auditor.email, org.users.auditor.id],
  );
  const request = await one(
    `INSERT INTO audit_requests (id, org_id, audit_id, number, title, raised_by, raised_at, updated_at)
     VALUES (gen_random_uuid(), $1, $2, 1, 'Catalogue request', $3, now(), now()) RETURNING id`,
    [org.id, audit, org.users.auditor.id],
  );
  await database.query(
    `INSERT INTO audit_request_messages (id, org_id, request_id, kind, body, author_user_id, created_at)
     VALUES (gen_random_uuid(), $1, $2, 'answer', 'Attached.', $3, now())`,
    [org.id, request, org.users.admin.id],
  );
  await database.query(
    `INSERT INTO audit_request_evidence (org_id, request_id, evidence_id, linked_by, linked_at)
     SELECT $1, $2, id, $3, now() FROM evidence WHERE org_id = $1 LIMIT 1`,
    [org.id, request, org.users.admin.id],
  );
}
