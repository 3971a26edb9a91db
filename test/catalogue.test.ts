import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Database } from '../src/db/connect.js';
import { APP_ROLE, AppRoleMisconfigured, checkAppRole, withScope } from '../src/db/tenancy.js';
import { appendToLedger, makeCheckpoint } from '../src/ledger/service.js';
import { SCOPE_NAMES } from '../src/modules/tokens/service.js';
import { seedAudits } from './catalogue/audits.js';
import { seedQuestionnaires } from './catalogue/questionnaires.js';
import { seedTrust } from './catalogue/trust.js';
import { seedTrustDocuments } from './catalogue/trust-documents.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { createTestDatabase, ENGINES } from './helpers/db.js';
import { makeOrg, signIn, type TestOrg } from './helpers/factories.js';

/**
 * Tenancy rests on the database, not on every query remembering a WHERE: these tests read
 * PostgreSQL's catalogue and then try, as the app role, what row-level security must stop.
 */

/**
 * Tables that belong to no organisation (ARCHITECTURE.md, Tenancy). A new table must either
 * have org_id (and so fall under the checks below) or be added here on purpose.
 */
const INSTANCE_WIDE = [
  'backup_runs',
  'instance_settings',
  'keyring_keks',
  'login_throttle',
  'organizations',
  'schema_migrations',
  'sessions',
  'system_audit_log',
  'user_totp',
  'users',
  'webauthn_credentials',
];

/**
 * Tables holding built-in rows (owner_org_id NULL, everyone's) and rows one organisation
 * imported (owner_org_id set, its own): checked on their own below.
 */
const BUILTIN_OR_OWNED = ['framework_requirements', 'frameworks'];

interface TableRow {
  name: string;
  relrowsecurity: boolean;
  relforcerowsecurity: boolean;
  has_org_id: boolean;
}

interface PolicyRow {
  polname: string;
  polpermissive: boolean;
  polcmd: string;
  to_public: boolean;
  using_expr: string | null;
  check_expr: string | null;
}

async function publicTables(database: Database): Promise<TableRow[]> {
  const { rows } = await database.query(
    `SELECT c.relname AS name, c.relrowsecurity, c.relforcerowsecurity,
            EXISTS (SELECT 1 FROM pg_attribute a
                     WHERE a.attrelid = c.oid AND a.attname = 'org_id' AND a.attnum > 0 AND NOT a.attisdropped) AS has_org_id
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
      ORDER BY c.relname`,
  );
  return rows as unknown as TableRow[];
}

async function policiesOf(database: Database, table: string): Promise<PolicyRow[]> {
  const { rows } = await database.query(
    `SELECT p.polname, p.polpermissive, p.polcmd::text AS polcmd, 0::oid = ANY (p.polroles) AS to_public,
            pg_get_expr(p.polqual, p.polrelid) AS using_expr, pg_get_expr(p.polwithcheck, p.polrelid) AS check_expr
       FROM pg_policy p WHERE p.polrelid = format('public.%I', $1::text)::regclass
      ORDER BY p.polname`,
    [table],
  );
  return rows as unknown as PolicyRow[];
}

const count = async (database: Database, query: string, params: unknown[] = []) =>
  Number((await database.query(query, params)).rows[0]?.n);

/** Counts a table's rows as the app role, in a transaction scoped as given. */
const countAsApp = (database: Database, scope: { orgId?: string }, table: string) =>
  withScope(database, scope, async (tx) => {
    const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(tx);
    return Number(r.rows[0]?.n);
  });

/** Inserts, as the app role, a copy of an existing row (identity and generated columns left to their defaults). */
async function insertCopyAsApp(
  database: Database,
  scope: { orgId?: string },
  table: string,
  row: Record<string, unknown>,
): Promise<void> {
  const { rows } = await database.query(
    `SELECT attname FROM pg_attribute
      WHERE attrelid = format('public.%I', $1::text)::regclass AND attnum > 0 AND NOT attisdropped
        AND attidentity = '' AND attgenerated = ''
      ORDER BY attnum`,
    [table],
  );
  const columns = sql.join(rows.map((r) => sql.ref(String(r.attname))));
  await withScope(database, scope, (tx) =>
    sql`INSERT INTO ${sql.table(table)} (${columns})
        SELECT ${columns} FROM json_populate_record(NULL::${sql.table(table)}, ${JSON.stringify(row)}::json)`.execute(
      tx,
    ),
  );
}

/** The error PostgreSQL raises when row-level security refuses a row. */
const rlsRefusal = (table: string) => (error: unknown) => {
  const e = error as { code?: string; message?: string };
  assert.match(e.message ?? '', new RegExp(`new row violates row-level security policy.*"${table}"`));
  if (e.code) assert.equal(e.code, '42501');
  return true;
};

const permissionDenied = (error: unknown) => {
  const e = error as { code?: string; message?: string };
  assert.match(e.message ?? '', /permission denied/);
  if (e.code) assert.equal(e.code, '42501');
  return true;
};

for (const engine of ENGINES) {
  describe(`the database enforces tenancy (${engine})`, () => {
    let t: TestApp;
    let database: Database;
    let a: TestOrg;
    let tables: TableRow[];
    let orgTables: string[];

    before(async () => {
      t = await startTestApp(engine);
      database = t.rt.database;
      // Two organisations with rows in every organisation table: members, audit rows (from
      // creating the organisation and signing in), an invitation and an API token each.
      a = await makeOrg(t, 'alpha');
      const b = await makeOrg(t, 'beta');
      for (const org of [a, b]) {
        const owner = await signIn(t, org.users.owner);
        const inv = await owner.post('/api/v1/invitations', { email: `new.${org.slug}@example.test`, role: 'member' });
        assert.equal(inv.statusCode, 201, inv.body);
        const tok = await owner.post('/api/v1/tokens', { name: 'catalogue', scopes: SCOPE_NAMES });
        assert.equal(tok.statusCode, 201, tok.body);
        // Rows the capabilities write later (reminders, check evaluations), seeded directly.
        await database.query(
          `INSERT INTO notifications (id, org_id, user_id, kind, title, created_at)
           VALUES (gen_random_uuid(), $1, $2, 'catalogue', 'A notice', now())`,
          [org.id, org.users.member.id],
        );
        await database.query(
          `INSERT INTO check_results (id, org_id, check_id, resource, outcome, observed_at)
           VALUES (gen_random_uuid(), $1, 'catalogue.check', 'resource-1', 'pass', now())`,
          [org.id],
        );
        // The organisation's first data key (the keyring creates it on first use).
        await t.rt.keyring.currentDataKey(org.id);
        // A file that completed one of the evidence tasks organisation creation opened.
        await database.query(
          `INSERT INTO task_files (id, org_id, task_id, name, content_type, size, sha256, sealed, uploaded_at)
           SELECT gen_random_uuid(), org_id, id, 'evidence.txt', 'text/plain', 1, 'catalogue', '\\x01'::bytea, now()
             FROM evidence_tasks WHERE org_id = $1 LIMIT 1`,
          [org.id],
        );
        // A published policy version and a member's acceptance (the policies come with the organisation).
        await database.query(
          `INSERT INTO policy_versions (org_id, policy_id, version, title, body, source, variables, material,
                                        change_summary, published_at)
           SELECT org_id, id, 1, title, body, body, '{}', true, 'First version.', now()
             FROM policies WHERE org_id = $1 AND key = 'encryption'`,
          [org.id],
        );
        await database.query(
          `INSERT INTO policy_acceptances (org_id, policy_id, version, user_id, accepted_at)
           SELECT org_id, policy_id, 1, $2, now() FROM policy_versions WHERE org_id = $1`,
          [org.id, org.users.member.id],
        );
        // A framework each organisation imported, under the same id (ids are unique per organisation).
        await database.query(
          `INSERT INTO frameworks (id, name, version, categories, source, owner_org_id, oscal_uuid, oscal_model)
           VALUES ('catalogue-import', 'Imported', '1', '[]', 'oscal', $1, gen_random_uuid(), 'catalog')`,
          [org.id],
        );
        await database.query(
          `INSERT INTO framework_requirements (framework_id, owner_org_id, ref, category, grouping, title, sort)
           VALUES ('catalogue-import', $1, 'x-1', 'x', 'X', 'One', 0), ('catalogue-import', $1, 'x-1.1', 'x', 'X', 'Two', 1)`,
          [org.id],
        );
        await database.query(
          `INSERT INTO readiness_snapshots (org_id, framework_id, day, controls, implemented, passing, failing, overdue,
                                            requirements, requirements_met, taken_at)
           VALUES ($1, 'soc2-2017', current_date, 1, 1, 1, 0, 0, 1, 1, now())`,
          [org.id],
        );
        // The organisation's ledger: its counter, two leaves, its signing key and a checkpoint.
        await withScope(database, { orgId: org.id }, async (tx) => {
          for (const ref of ['catalogue-1', 'catalogue-2']) {
            const entry = { kind: 'evidence', refId: ref, contentHash: '0'.repeat(64) };
            await appendToLedger(tx, org.id, entry, t.clock.now());
          }
          await makeCheckpoint(tx, org.id, t.clock.now(), t.rt);
        });
        // Monitoring: a source with a push and a record, an exception, a control status, settings.
        const [source] = (
          await database.query(
            `INSERT INTO monitoring_sources (id, org_id, kind, name, created_at, updated_at)
             VALUES (gen_random_uuid(), $1, 'hris-csv', 'catalogue', now(), now()) RETURNING id`,
            [org.id],
          )
        ).rows as { id: string }[];
        await database.query(
          `INSERT INTO monitoring_pushes (id, org_id, source_id, request_hash, format, received_at, summary)
           VALUES (gen_random_uuid(), $1, $2, 'catalogue', 'catalogue', now(), '{}')`,
          [org.id, source?.id],
        );
        await database.query(
          `INSERT INTO inventory_records (id, org_id, source_id, scope, type, external_id, name, data, content_hash,
                                          first_seen_at, last_seen_at)
           VALUES (gen_random_uuid(), $1, $2, 'people', 'person', 'p-1', 'A person', '{}', 'catalogue', now(), now())`,
          [org.id, source?.id],
        );
        await database.query(
          `INSERT INTO check_exceptions (id, org_id, check_id, justification, requested_by, approved_by, created_at,
                                         expires_at)
           VALUES (gen_random_uuid(), $1, 'catalogue.check', 'accepted for the catalogue test', $2, $2, now(),
                   now() + interval '1 day')`,
          [org.id, org.users.owner.id],
        );
        await database.query(
          `INSERT INTO control_monitor_status (org_id, control_id, health, changed_at, ledger_index)
           SELECT $1, id, 'passing', now(), 0 FROM controls WHERE org_id = $1 ORDER BY key LIMIT 1`,
          [org.id],
        );
        await database.query(
          `INSERT INTO monitoring_settings (org_id, settings, updated_at) VALUES ($1, '{}', now())`,
          [org.id],
        );
        // An evidence item on the ledger's first leaf (its blob is not needed here).
        await database.query(
          `INSERT INTO evidence (id, org_id, name, content_type, size, sha256, key_term, blob_key, control_id,
                                 effective_from, uploaded_at, ledger_index)
           SELECT gen_random_uuid(), $1, 'catalogue.txt', 'text/plain', 1, repeat('0', 64),
                  (SELECT max(term) FROM org_data_keys WHERE org_id = $1), 'org/catalogue', id, now(), now(), 0
             FROM controls WHERE org_id = $1 ORDER BY key LIMIT 1`,
          [org.id],
        );
        // People and access: a person in a group, settings, a background check, an agreement and
        // a signature, a training module and an attempt, a system with a request, a review.
        const one = async (text: string, params: unknown[]) =>
          ((await database.query(text, params)).rows[0] as { id: string }).id;
        const person = await one(
          `INSERT INTO people (id, org_id, email, name, source, created_at, updated_at)
           VALUES (gen_random_uuid(), $1, 'catalogue@example.test', 'Catalogue', 'manual', now(), now()) RETURNING id`,
          [org.id],
        );
        const group = await one(
          `INSERT INTO people_groups (id, org_id, display_name, created_at, updated_at)
           VALUES (gen_random_uuid(), $1, 'Catalogue', now(), now()) RETURNING id`,
          [org.id],
        );
        await database.query('INSERT INTO people_group_members (org_id, group_id, person_id) VALUES ($1, $2, $3)', [
          org.id,
          group,
          person,
        ]);
        await database.query(`INSERT INTO people_settings (org_id, settings, updated_at) VALUES ($1, '{}', now())`, [
          org.id,
        ]);
        await database.query(
          `INSERT INTO background_checks (id, org_id, person_id, status, created_at, updated_at)
           VALUES (gen_random_uuid(), $1, $2, 'in_progress', now(), now())`,
          [org.id, person],
        );
        const agreement = await one(
          `INSERT INTO agreements (id, org_id, version, title, body, sha256, published_at)
           VALUES (gen_random_uuid(), $1, 1, 'NDA', 'Keep it secret.', repeat('0', 64), now()) RETURNING id`,
          [org.id],
        );
        await database.query(
          `INSERT INTO agreement_signatures (id, org_id, agreement_id, person_id, kind, signed_at, document_sha256,
                                             created_at)
           VALUES (gen_random_uuid(), $1, $2, $3, 'signed', now(), repeat('0', 64), now())`,
          [org.id, agreement, person],
        );
        const module = await one(
          `INSERT INTO training_modules (id, org_id, slug, title, body, questions, pass_mark, created_at, updated_at)
           VALUES (gen_random_uuid(), $1, 'catalogue', 'Catalogue', 'Lesson', '[]', 80, now(), now()) RETURNING id`,
          [org.id],
        );
        await database.query(
          `INSERT INTO training_attempts (id, org_id, module_id, module_version, user_id, answers, score, passed,
                                          completed_at)
           VALUES (gen_random_uuid(), $1, $2, 1, $3, '[]', 100, true, now())`,
          [org.id, module, org.users.member.id],
        );
        const system = await one(
          `INSERT INTO systems (id, org_id, name, created_at, updated_at)
           VALUES (gen_random_uuid(), $1, 'Catalogue', now(), now()) RETURNING id`,
          [org.id],
        );
        await database.query(
          `INSERT INTO access_requests (id, org_id, system_id, requester_id, justification, duration_days, status,
                                        created_at, updated_at)
           VALUES (gen_random_uuid(), $1, $2, $3, 'for the catalogue test', 1, 'pending', now(), now())`,
          [org.id, system, org.users.member.id],
        );
        const campaign = await one(
          `INSERT INTO access_review_campaigns (id, org_id, name, status, system_ids, started_at, due_at)
           VALUES (gen_random_uuid(), $1, 'Catalogue', 'open', ARRAY[$2::uuid], now(), now()) RETURNING id`,
          [org.id, system],
        );
        await database.query(
          `INSERT INTO access_review_items (id, org_id, campaign_id, system_id, record_id, account)
           SELECT gen_random_uuid(), $1, $2, $3, id, '{}' FROM inventory_records WHERE org_id = $1 LIMIT 1`,
          [org.id, campaign, system],
        );
        await database.query(
          `INSERT INTO access_review_schedules (org_id, system_ids, next_start_on, updated_at)
           VALUES ($1, ARRAY[$2::uuid], current_date, now())`,
          [org.id, system],
        );
        // Vendors, risks, incidents, assessments and continuity (migrations 0015–0018).
        const evidenceId = await one(`SELECT id FROM evidence WHERE org_id = $1 LIMIT 1`, [org.id]);
        const vendor = await one(
          `INSERT INTO vendors (id, org_id, name, tier, created_at, updated_at)
           VALUES (gen_random_uuid(), $1, 'Catalogue vendor', 'low', now(), now()) RETURNING id`,
          [org.id],
        );
        await database.query(
          `INSERT INTO vendor_settings (org_id, review_days_high, review_days_medium, review_days_low, updated_at)
           VALUES ($1, 365, 730, 1095, now())`,
          [org.id],
        );
        await database.query(
          `INSERT INTO vendor_questionnaires (id, org_id, vendor_id, token_hash, questions, created_at, expires_at)
           VALUES (gen_random_uuid(), $1, $2, gen_random_uuid()::text::bytea, '[]', now(), now() + interval '1 day')`,
          [org.id, vendor],
        );
        await database.query(
          `INSERT INTO vendor_documents (id, org_id, vendor_id, kind, evidence_id, created_at)
           VALUES (gen_random_uuid(), $1, $2, 'other', $3, now())`,
          [org.id, vendor, evidenceId],
        );
        await database.query(
          `INSERT INTO vendor_reviews (id, org_id, vendor_id, reviewer_user_id, examined, outcome, completed_on, created_at)
           VALUES (gen_random_uuid(), $1, $2, $3, 'Their security page', 'approved', current_date, now())`,
          [org.id, vendor, org.users.owner.id],
        );
        const risk = await one(
          `INSERT INTO risks (id, org_id, title, category, inherent_likelihood, inherent_impact, residual_likelihood,
                              residual_impact, review_on, created_at, updated_at)
           VALUES (gen_random_uuid(), $1, 'Catalogue risk', 'fraud', 3, 3, 2, 2, current_date, now(), now()) RETURNING id`,
          [org.id],
        );
        await database.query(
          `INSERT INTO risk_controls (org_id, risk_id, control_id) SELECT $1, $2, id FROM controls WHERE org_id = $1 LIMIT 1`,
          [org.id, risk],
        );
        const riskAssessment = await one(
          `INSERT INTO risk_assessments (id, org_id, name, status, due_on, started_at)
           VALUES (gen_random_uuid(), $1, 'Catalogue', 'open', current_date, now()) RETURNING id`,
          [org.id],
        );
        await database.query(
          `INSERT INTO risk_assessment_items (id, org_id, assessment_id, risk_id, before) VALUES (gen_random_uuid(), $1, $2, $3, '{}')`,
          [org.id, riskAssessment, risk],
        );
        await database.query(`INSERT INTO incident_settings (org_id, updated_at) VALUES ($1, now())`, [org.id]);
        await database.query(
          `INSERT INTO incident_escalation_rules (id, org_id, severity, target_minutes, created_at, updated_at)
           VALUES (gen_random_uuid(), $1, 'sev1', 30, now(), now())`,
          [org.id],
        );
        const incident = await one(
          `INSERT INTO incidents (id, org_id, number, title, severity, status, detected_at, reported_at, created_at,
                                  updated_at)
           VALUES (gen_random_uuid(), $1, 1, 'Catalogue incident', 'sev1', 'reported', now(), now(), now(), now())
           RETURNING id`,
          [org.id],
        );
        await database.query(`INSERT INTO incident_systems (org_id, incident_id, system_id) VALUES ($1, $2, $3)`, [
          org.id,
          incident,
          system,
        ]);
        await database.query(
          `INSERT INTO incident_events (id, org_id, incident_id, kind, occurred_at, recorded_at)
           VALUES (gen_random_uuid(), $1, $2, 'note', now(), now())`,
          [org.id, incident],
        );
        await database.query(
          `INSERT INTO incident_escalations (id, org_id, incident_id, severity, reason, triggered_at, target_minutes,
                                             webhook_status)
           VALUES (gen_random_uuid(), $1, $2, 'sev1', 'reported', now(), 30, 'none')`,
          [org.id, incident],
        );
        await database.query(
          `INSERT INTO incident_breaches (incident_id, org_id, discovered_at, deadline_hours, marked_at, updated_at)
           VALUES ($2, $1, now(), 72, now(), now())`,
          [org.id, incident],
        );
        await database.query(
          `INSERT INTO incident_notice_delays (id, org_id, incident_id, basis, reason, requested_by, hours, recorded_at)
           VALUES (gen_random_uuid(), $1, $2, 'legal', 'Catalogue', 'Counsel', 24, now())`,
          [org.id, incident],
        );
        const customer = await one(
          `INSERT INTO incident_customers (id, org_id, incident_id, name, contact_email, created_at)
           VALUES (gen_random_uuid(), $1, $2, 'Customer', 'customer@example.test', now()) RETURNING id`,
          [org.id, incident],
        );
        await database.query(
          `INSERT INTO incident_notices (id, org_id, incident_id, customer_id, status, created_at, updated_at)
           VALUES (gen_random_uuid(), $1, $2, $3, 'draft', now(), now())`,
          [org.id, incident, customer],
        );
        await database.query(
          `INSERT INTO incident_reviews (incident_id, org_id, created_at, updated_at) VALUES ($2, $1, now(), now())`,
          [org.id, incident],
        );
        const assessment = await one(
          `INSERT INTO assessments (id, org_id, kind, title, status, created_at, updated_at)
           VALUES (gen_random_uuid(), $1, 'pentest', 'Catalogue', 'planned', now(), now()) RETURNING id`,
          [org.id],
        );
        await database.query(
          `INSERT INTO assessment_findings (id, org_id, assessment_id, title, severity, due_date, status, created_at,
                                            updated_at)
           VALUES (gen_random_uuid(), $1, $2, 'Finding', 'low', current_date, 'open', now(), now())`,
          [org.id, assessment],
        );
        await database.query(
          `INSERT INTO dr_exercises (id, org_id, title, kind, exercised_on, status, created_at, updated_at)
           VALUES (gen_random_uuid(), $1, 'Catalogue', 'tabletop', current_date, 'planned', now(), now())`,
          [org.id],
        );
        // Trust center, its documents, questionnaires and audits (migrations 0020–0023).
        for (const seed of [seedTrust, seedTrustDocuments, seedQuestionnaires, seedAudits]) await seed(database, org);
      }
      tables = await publicTables(database);
      orgTables = tables.filter((r) => r.has_org_id).map((r) => r.name);
    });

    after(async () => {
      await t?.close();
    });

    it('knows every table: one with org_id, or one of the instance-wide tables', () => {
      assert.ok(orgTables.length >= 4, `organisation tables: ${orgTables.join(', ')}`);
      for (const expected of ['memberships', 'invitations', 'api_tokens', 'audit_log']) {
        assert.ok(orgTables.includes(expected), `${expected} has org_id`);
      }
      const unknown = tables
        .filter((r) => !r.has_org_id && !INSTANCE_WIDE.includes(r.name) && !BUILTIN_OR_OWNED.includes(r.name))
        .map((r) => r.name);
      assert.deepEqual(unknown, [], 'a table without org_id: give it org_id and RLS, or list it as instance-wide');
    });

    it('forces row-level security on every org_id table and on organizations', () => {
      for (const name of [...orgTables, 'organizations']) {
        const row = tables.find((r) => r.name === name);
        assert.ok(row, name);
        assert.equal(row.relrowsecurity, true, `${name}: row-level security is enabled`);
        assert.equal(row.relforcerowsecurity, true, `${name}: row-level security is forced (owner included)`);
      }
    });

    it('limits every org_id table and organizations with a restrictive policy on the current organisation', async () => {
      for (const name of [...orgTables, 'organizations']) {
        const policies = await policiesOf(database, name);
        const restrictive = policies.filter((p) => !p.polpermissive);
        assert.ok(restrictive.length >= 1, `${name}: at least one RESTRICTIVE policy (${JSON.stringify(policies)})`);
        // One of them applies to every command and every role, reading and writing.
        const tenant = restrictive.find((p) => p.polcmd === '*' && p.to_public);
        assert.ok(tenant, `${name}: a restrictive policy FOR ALL TO PUBLIC`);
        assert.match(tenant.using_expr ?? '', /app_current_org\(\)/, `${name}: USING reads app.org_id`);
        assert.match(tenant.check_expr ?? '', /app_current_org\(\)/, `${name}: WITH CHECK reads app.org_id`);
      }
    });

    it(`runs requests as ${APP_ROLE}: not superuser, no BYPASSRLS, owns nothing, belongs to no role`, async () => {
      const { rows } = await database.query(
        `SELECT r.rolsuper, r.rolbypassrls,
                (SELECT count(*)::int FROM pg_class c WHERE c.relowner = r.oid) AS relations,
                (SELECT count(*)::int FROM pg_namespace s WHERE s.nspowner = r.oid) AS schemas,
                (SELECT count(*)::int FROM pg_proc p WHERE p.proowner = r.oid) AS functions,
                (SELECT count(*)::int FROM pg_auth_members m WHERE m.member = r.oid) AS memberships
           FROM pg_roles r WHERE r.rolname = $1`,
        [APP_ROLE],
      );
      assert.deepEqual(rows[0], {
        rolsuper: false,
        rolbypassrls: false,
        relations: 0,
        schemas: 0,
        functions: 0,
        memberships: 0,
      });
      // withScope really switches to it.
      const who = await withScope(
        database,
        {},
        async (tx) => (await sql<{ u: string }>`SELECT current_user AS u`.execute(tx)).rows[0]?.u,
      );
      assert.equal(who, APP_ROLE);
    });

    it(`gives ${APP_ROLE} no way around row-level security: no TRUNCATE, no CREATE in public, no views`, async () => {
      const truncatable = await database.query(
        `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND has_table_privilege($1, c.oid, 'TRUNCATE')`,
        [APP_ROLE],
      );
      assert.deepEqual(truncatable.rows, [], 'TRUNCATE ignores row-level security');
      const create = await count(database, `SELECT has_schema_privilege($1, 'public', 'CREATE')::int AS n`, [APP_ROLE]);
      assert.equal(create, 0, 'the app role cannot create objects (which it would own)');
      // A view runs with its owner's rights unless security_invoker: it would read around RLS.
      const views = await database.query(
        `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm')
            AND has_table_privilege($1, c.oid, 'SELECT')
            AND NOT coalesce('security_invoker=true' = ANY (c.reloptions), false)`,
        [APP_ROLE],
      );
      assert.deepEqual(views.rows, [], 'views the app role can read must be security_invoker');
    });

    it('shows no row of any organisation table without an organisation set, though rows exist', async () => {
      for (const name of [...orgTables, 'organizations']) {
        const total = await count(database, `SELECT count(*)::int AS n FROM "${name}"`);
        assert.ok(total > 0, `${name} has rows to hide (seed some in this test when adding a table)`);
        assert.equal(await countAsApp(database, {}, name), 0, `${name}: rows visible with no organisation`);
      }
    });

    it("shows exactly the organisation's own rows when it is set", async () => {
      for (const name of orgTables) {
        const own = await count(database, `SELECT count(*)::int AS n FROM "${name}" WHERE org_id = $1`, [a.id]);
        const total = await count(database, `SELECT count(*)::int AS n FROM "${name}"`);
        assert.ok(own > 0 && own < total, `${name}: A has some of the rows`);
        assert.equal(await countAsApp(database, { orgId: a.id }, name), own, name);
      }
      assert.equal(await countAsApp(database, { orgId: a.id }, 'organizations'), 1);
    });

    it('refuses an INSERT into every organisation table with no organisation set, or with another one', async () => {
      const b = (await database.query('SELECT id FROM organizations WHERE id <> $1 LIMIT 1', [a.id])).rows[0]?.id;
      for (const name of orgTables) {
        const row = (
          await database.query(`SELECT row_to_json(x) AS r FROM "${name}" x WHERE org_id = $1 LIMIT 1`, [a.id])
        ).rows[0]?.r as Record<string, unknown>;
        assert.ok(row, name);
        const insertable = await count(database, `SELECT has_table_privilege($1, $2, 'INSERT')::int AS n`, [
          APP_ROLE,
          `public.${name}`,
        ]);
        const refusal = insertable ? rlsRefusal(name) : permissionDenied;
        await assert.rejects(insertCopyAsApp(database, {}, name, row), refusal, `${name}: no organisation set`);
        await assert.rejects(
          insertCopyAsApp(database, { orgId: String(b) }, name, row),
          refusal,
          `${name}: a row of A while B is set`,
        );
      }
      // organizations too: a new organisation only under its own id.
      await assert.rejects(
        withScope(database, {}, (tx) =>
          tx
            .insertInto('organizations')
            .values({ id: '00000000-0000-4000-8000-000000000001', slug: 'sneaky', name: 'Sneaky' })
            .execute(),
        ),
        rlsRefusal('organizations'),
      );
    });

    it('shows built-in frameworks to everyone, an imported one only to its organisation, which alone may write it', async () => {
      const b = String(
        (await database.query('SELECT id FROM organizations WHERE id <> $1 LIMIT 1', [a.id])).rows[0]?.id,
      );
      for (const name of BUILTIN_OR_OWNED) {
        const row = tables.find((r) => r.name === name);
        assert.ok(row?.relrowsecurity && row.relforcerowsecurity, `${name}: row-level security enabled and forced`);
        const tenant = (await policiesOf(database, name)).find((p) => !p.polpermissive && p.polcmd === '*');
        assert.ok(tenant, `${name}: a restrictive policy for every command`);
        assert.match(tenant.using_expr ?? '', /owner_org_id IS NULL\) OR \(owner_org_id = app_current_org\(\)/);
        assert.equal(tenant.check_expr, '(owner_org_id = app_current_org())', `${name}: writes only as its own`);

        const builtin = await count(database, `SELECT count(*)::int AS n FROM "${name}" WHERE owner_org_id IS NULL`);
        const own = await count(database, `SELECT count(*)::int AS n FROM "${name}" WHERE owner_org_id = $1`, [a.id]);
        const total = await count(database, `SELECT count(*)::int AS n FROM "${name}"`);
        assert.ok(builtin > 0 && own > 0 && builtin + own < total, `${name}: built-in rows, A's rows and B's rows`);
        assert.equal(await countAsApp(database, {}, name), builtin, `${name}: no organisation set, built-in rows only`);
        assert.equal(await countAsApp(database, { orgId: a.id }, name), builtin + own, `${name}: built-in and A's own`);

        const of = async (where: string, params: unknown[] = []) =>
          (await database.query(`SELECT row_to_json(x) AS r FROM "${name}" x WHERE ${where} LIMIT 1`, params)).rows[0]
            ?.r as Record<string, unknown>;
        const aRow = await of('owner_org_id = $1', [a.id]);
        await assert.rejects(insertCopyAsApp(database, {}, name, aRow), rlsRefusal(name), `${name}: A's row, none set`);
        await assert.rejects(
          insertCopyAsApp(database, { orgId: b }, name, aRow),
          rlsRefusal(name),
          `${name}: A's row as B`,
        );
        const builtinRow = await of('owner_org_id IS NULL');
        await assert.rejects(
          insertCopyAsApp(database, { orgId: a.id }, name, { ...builtinRow, framework_id: 'sneaky', id: 'sneaky' }),
          rlsRefusal(name),
          `${name}: a built-in row written by the app role`,
        );
      }
      // Neither B nor A can change or remove what is not its own: those rows are out of reach.
      const touched = async (orgId: string, statement: ReturnType<typeof sql>) =>
        withScope(database, { orgId }, async (tx) => (await statement.execute(tx)).rows.length);
      const attempts = [
        { orgId: b, statement: sql`UPDATE frameworks SET name = 'taken' WHERE owner_org_id = ${a.id} RETURNING 1` },
        { orgId: b, statement: sql`DELETE FROM framework_requirements WHERE owner_org_id = ${a.id} RETURNING 1` },
        { orgId: a.id, statement: sql`UPDATE frameworks SET name = 'taken' WHERE owner_org_id IS NULL RETURNING 1` },
        { orgId: a.id, statement: sql`DELETE FROM framework_requirements WHERE owner_org_id IS NULL RETURNING 1` },
      ];
      for (const { orgId, statement } of attempts) assert.equal(await touched(orgId, statement), 0);
      // Nobody may move a framework to another organisation, or off to the built-in ones.
      await assert.rejects(
        touched(a.id, sql`UPDATE frameworks SET owner_org_id = NULL WHERE owner_org_id = ${a.id} RETURNING 1`),
        permissionDenied,
      );
      assert.equal(await count(database, `SELECT count(*)::int AS n FROM frameworks WHERE name = 'taken'`), 0);
      assert.equal(
        await countAsApp(database, { orgId: a.id }, 'framework_requirements'),
        await count(
          database,
          'SELECT count(*)::int AS n FROM framework_requirements WHERE owner_org_id IS NULL OR owner_org_id = $1',
          [a.id],
        ),
      );
      // A's own rows are A's to change.
      assert.equal(
        await touched(a.id, sql`UPDATE frameworks SET name = 'Renamed' WHERE owner_org_id = ${a.id} RETURNING 1`),
        1,
      );
    });

    it('never lets the app role change or remove audit rows, even of its own organisation', async () => {
      const own = await count(database, 'SELECT count(*)::int AS n FROM audit_log WHERE org_id = $1', [a.id]);
      assert.equal(await countAsApp(database, { orgId: a.id }, 'audit_log'), own, 'it can read them');
      const attempts = [
        sql`UPDATE audit_log SET action = 'tampered' WHERE org_id = ${a.id}`,
        sql`DELETE FROM audit_log WHERE org_id = ${a.id}`,
        sql`TRUNCATE audit_log`,
      ];
      for (const attempt of attempts) {
        await assert.rejects(
          withScope(database, { orgId: a.id }, (tx) => attempt.execute(tx)),
          permissionDenied,
        );
      }
      assert.equal(
        await count(database, `SELECT count(*)::int AS n FROM audit_log WHERE org_id = $1 AND action = 'tampered'`, [
          a.id,
        ]),
        0,
      );
      assert.equal(await count(database, 'SELECT count(*)::int AS n FROM audit_log WHERE org_id = $1', [a.id]), own);
    });
  });

  describe(`checkAppRole refuses a misconfigured app role (${engine})`, () => {
    it('accepts the migrated database, refuses while the app role owns a table, accepts again once it is gone', async () => {
      // Roles are cluster-wide on PostgreSQL, and other test files run beside this one: the
      // role itself is left alone, only this fresh database gets a table owned by it.
      const test = await createTestDatabase(engine);
      try {
        await checkAppRole(test.database);
        await test.database.exec(
          `CREATE TABLE owned_by_app (id integer); ALTER TABLE owned_by_app OWNER TO ${APP_ROLE}`,
        );
        await assert.rejects(checkAppRole(test.database), (error: Error) => {
          assert.ok(error instanceof AppRoleMisconfigured, String(error));
          assert.match(error.message, new RegExp(`${APP_ROLE} owns 1 relation`));
          return true;
        });
        await test.database.exec('DROP TABLE owned_by_app');
        await checkAppRole(test.database);
      } finally {
        await test.drop();
      }
    });

    if (engine === 'pglite') {
      // An embedded database is this process's own: its roles can be changed freely.
      it('refuses an app role that is a superuser, has BYPASSRLS or does not exist', async () => {
        const test = await createTestDatabase(engine);
        try {
          const cases = [
            { alter: 'BYPASSRLS', undo: 'NOBYPASSRLS', problem: /has BYPASSRLS/ },
            { alter: 'SUPERUSER', undo: 'NOSUPERUSER', problem: /is a superuser/ },
          ];
          for (const c of cases) {
            await test.database.exec(`ALTER ROLE ${APP_ROLE} ${c.alter}`);
            await assert.rejects(checkAppRole(test.database), (error: Error) => {
              assert.ok(error instanceof AppRoleMisconfigured, String(error));
              assert.match(error.message, c.problem);
              return true;
            });
            await test.database.exec(`ALTER ROLE ${APP_ROLE} ${c.undo}`);
            await checkAppRole(test.database);
          }
          await test.database.exec(`DROP OWNED BY ${APP_ROLE}; DROP ROLE ${APP_ROLE}`);
          await assert.rejects(checkAppRole(test.database), /does not exist/);
        } finally {
          await test.drop();
        }
      });
    }
  });
}
