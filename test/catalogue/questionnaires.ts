import type { Database } from '../../src/db/connect.js';
import type { TestOrg } from '../helpers/factories.js';

/** A row in every table of the questionnaires (0022), for the catalogue test's two organisations. */
export async function seedQuestionnaires(database: Database, org: TestOrg): Promise<void> {
  const one = async (sql: string, params: unknown[]) =>
    ((await database.query(sql, params)).rows[0] as { id: string }).id;
  const entry = await one(
    `INSERT INTO answer_library_entries (id, org_id, question, short, answer, tags, created_at, updated_at)
     VALUES (gen_random_uuid(), $1, 'Is data encrypted at rest?', 'yes', 'With AES-256.', '{encryption}', now(), now())
     RETURNING id`,
    [org.id],
  );
  await database.query(`INSERT INTO answer_library_state (org_id, seeded_at) VALUES ($1, now())`, [org.id]);
  const questionnaire = await one(
    `INSERT INTO security_questionnaires (id, org_id, title, file_name, format, size, sha256, sealed, key_term,
                                          header_row, question_column, answer_column, answer_column_new,
                                          created_at, updated_at)
     VALUES (gen_random_uuid(), $1, 'Catalogue questionnaire', 'q.csv', 'csv', 10, repeat('a', 64), '\\x00', 1,
             1, 1, 2, false, now(), now())
     RETURNING id`,
    [org.id],
  );
  await database.query(
    `INSERT INTO security_questionnaire_items (id, org_id, questionnaire_id, position, row_number, question, status,
                                               short, answer, library_entry_id)
     VALUES (gen_random_uuid(), $1, $2, 1, 2, 'Is data encrypted at rest?', 'accepted', 'yes', 'With AES-256.', $3)`,
    [org.id, questionnaire, entry],
  );
}
