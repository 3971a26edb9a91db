import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { CLI_META } from '../src/context.js';
import { seedDemoQuestionnaires } from '../src/modules/questionnaires/demo.js';
import type { Client, TestApp } from './helpers/app.js';
import { count, problem, rows, withApp } from './helpers/assertions.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, signIn, type TestOrg } from './helpers/factories.js';
import { multipart } from './helpers/multipart.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/questionnaires/${name}`, import.meta.url));
const CSV = fixture('acme-vendor-assessment.csv');
const XLSX = fixture('northwind-security.xlsx');

interface Suggestion {
  source: { kind: 'library'; entryId: string; question: string } | { kind: 'control'; key: string; health: string };
  short: string | null;
  answer: string;
  confidence: number;
  note: string;
}
interface Item {
  id: string;
  rowNumber: number;
  question: string;
  status: string;
  short: string | null;
  answer: string | null;
  finalAnswer: string | null;
  suggestions: Suggestion[];
  libraryEntryId: string | null;
}
interface Detail {
  id: string;
  format: string;
  progress: { total: number; accepted: number; edited: number; suggested: number; unanswered: number };
  items: Item[];
}
interface Entry {
  id: string;
  question: string;
  variants: string[];
  starterKey: string | null;
  answer: string;
  short: string | null;
  controls: { key: string }[];
}

function upload(client: Client, url: string, fields: Record<string, string>, name: string, data: Buffer) {
  const { body, headers } = multipart(fields, { name, data });
  return client.request('POST', url, body, headers);
}

async function importFile(client: Client, fields: Record<string, string>, name: string, data: Buffer): Promise<Detail> {
  const res = await upload(client, '/api/v1/questionnaires', fields, name, data);
  assert.equal(res.statusCode, 201, res.body);
  const detail = await client.get(`/api/v1/questionnaires/${res.json().id}`);
  assert.equal(detail.statusCode, 200, detail.body);
  return detail.json();
}

async function library(client: Client, q?: string): Promise<Entry[]> {
  const res = await client.get(`/api/v1/answer-library${q ? `?q=${encodeURIComponent(q)}` : ''}`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json().items;
}

/** Marks every control implemented, so health comes from checks alone. */
async function implementAll(t: TestApp, org: TestOrg) {
  await rows(t, `UPDATE controls SET status = 'implemented', policies = '{}' WHERE org_id = $1`, [org.id]);
}

function review(client: Client, d: Detail, item: Item, body: unknown) {
  return client.put(`/api/v1/questionnaires/${d.id}/items/${item.id}`, body);
}

async function exportFile(client: Client, id: string): Promise<Buffer> {
  const res = await client.post(`/api/v1/questionnaires/${id}/export`);
  assert.equal(res.statusCode, 200, res.body);
  return res.rawPayload;
}

for (const engine of ENGINES) {
  describe(`security questionnaires (${engine})`, () => {
    it('imports a CSV, suggests answers with sources and confidence, grows the library and exports into the same cells', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'q1');
        await implementAll(t, org);
        const owner = await signIn(t, org.users.owner);

        const preview = await upload(owner, '/api/v1/questionnaires/preview', {}, 'acme.csv', CSV);
        assert.equal(preview.statusCode, 200, preview.body);
        const sheet = preview.json().sheets[0];
        assert.equal(preview.json().format, 'csv');
        assert.deepEqual(sheet.rows[0], ['ID', 'Question', 'Answer', 'Comments']);
        assert.deepEqual(sheet.guess, { headerRow: 1, questionColumn: 2, answerColumn: 3 });
        assert.equal(await count(t, 'security_questionnaires'), 0, 'a preview writes nothing');

        const d = await importFile(owner, { headerRow: '1', questionColumn: '2', answerColumn: '3' }, 'acme.csv', CSV);
        assert.equal(d.format, 'csv');
        assert.deepEqual(
          d.items.map((i) => i.rowNumber),
          [2, 3, 4, 5, 6],
        );
        const starter = new Map((await library(owner)).map((e) => [e.starterKey, e]));
        assert.ok(starter.size >= 40, 'the starter library is in place');

        // The right library entry ranks first for a paraphrase, with its source and a confidence.
        const expected = ['encryption-at-rest', 'mfa-all', 'backups', 'background-checks'];
        expected.forEach((key, i) => {
          const [best] = d.items[i]?.suggestions ?? [];
          assert.ok(best, `a suggestion for ${d.items[i]?.question}`);
          assert.equal(best.source.kind, 'library');
          assert.equal(
            best.source.kind === 'library' && best.source.entryId,
            starter.get(key)?.id,
            d.items[i]?.question,
          );
          assert.ok(best.confidence > 0.2 && best.confidence <= 1, `confidence ${best.confidence}`);
          for (const s of d.items[i]?.suggestions ?? [])
            assert.ok(s.confidence >= 0 && s.confidence <= best.confidence);
        });
        assert.equal(d.items[4]?.status, 'unanswered', 'nothing suggested for an unrelated question');
        assert.deepEqual(d.items[4]?.suggestions, []);
        assert.match(d.items[0]?.suggestions[0]?.answer ?? '', /AES-256/);
        assert.doesNotMatch(d.items[0]?.suggestions[0]?.answer ?? '', /\{\{/, 'placeholders are filled');

        // Accept one suggestion, write another answer.
        const [q1, q2] = d.items as [Item, Item];
        const accepted = await review(owner, d, q1, { decision: 'accept' });
        assert.equal(accepted.statusCode, 200, accepted.body);
        assert.equal(accepted.json().status, 'accepted');
        const edited = await review(owner, d, q2, {
          decision: 'answer',
          short: 'yes',
          answer: 'Every employee account requires a hardware security key; exceptions are not allowed.',
        });
        assert.equal(edited.statusCode, 200, edited.body);
        assert.equal(edited.json().status, 'edited');
        assert.equal(
          edited.json().finalAnswer,
          'Yes. Every employee account requires a hardware security key; exceptions are not allowed.',
        );

        // The library grew: a variant on the accepted entry, a new entry for the written answer.
        const after = await library(owner);
        const encryption = after.find((e) => e.starterKey === 'encryption-at-rest');
        assert.ok(encryption?.variants.includes(q1.question));
        const grown = after.find((e) => e.question === q2.question);
        assert.ok(grown, 'a new entry for the written answer');
        assert.match(grown.answer, /hardware security key/);
        assert.deepEqual(
          grown.controls.map((c) => c.key),
          ['ACC-02'],
          'linked to the controls of the entry suggested first',
        );
        // Editing the item again updates the entry it created rather than adding another.
        await review(owner, d, q2, { decision: 'answer', short: 'yes', answer: 'Hardware keys for everyone.' });
        assert.equal((await library(owner)).filter((e) => e.question === q2.question).length, 1);
        const final = (await owner.get(`/api/v1/questionnaires/${d.id}`)).json() as Detail;
        assert.deepEqual(final.progress, { total: 5, accepted: 1, edited: 1, suggested: 2, unanswered: 1 });

        // Export: the same rows and columns, the reviewed answers in the answer column, nothing else changed.
        const original = parse(CSV.toString('utf8')) as string[][];
        const exported = parse((await exportFile(owner, d.id)).toString('utf8')) as string[][];
        assert.equal(exported.length, original.length);
        const answers = new Map(final.items.filter((i) => i.finalAnswer).map((i) => [i.rowNumber, i.finalAnswer]));
        assert.equal(answers.size, 2);
        original.forEach((row, r) => {
          row.forEach((cell, c) => {
            const want = c === 2 && answers.has(r + 1) ? answers.get(r + 1) : cell;
            assert.equal(exported[r]?.[c], want, `cell ${r + 1},${c + 1}`);
          });
          assert.equal(exported[r]?.length, row.length);
        });

        // A new answer column is appended, with its header.
        const appended = await importFile(
          owner,
          { headerRow: '1', questionColumn: '2', answerColumn: 'new' },
          'acme.csv',
          CSV,
        );
        await review(owner, appended, appended.items[0] as Item, { decision: 'accept' });
        const withColumn = parse((await exportFile(owner, appended.id)).toString('utf8')) as string[][];
        assert.deepEqual(withColumn[0], ['ID', 'Question', 'Answer', 'Comments', 'Answer']);
        assert.equal(
          withColumn[1]?.[4],
          (await owner.get(`/api/v1/questionnaires/${appended.id}`)).json().items[0].finalAnswer,
        );
        assert.deepEqual(withColumn[2], [...(original[2] ?? []), '']);

        const actions = (
          await rows<{ action: string }>(t, `SELECT action FROM audit_log WHERE org_id = $1`, [org.id])
        ).map((r) => r.action);
        for (const action of [
          'answer_library.seeded',
          'questionnaire.imported',
          'questionnaire.item_accepted',
          'questionnaire.item_answered',
          'answer_library.variant_added',
          'answer_library.created',
          'answer_library.updated',
          'questionnaire.exported',
        ]) {
          assert.ok(actions.includes(action), action);
        }
      });
    });

    it('writes answers back into the original XLSX, keeping other sheets, cells and styles', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'q2');
        await implementAll(t, org);
        const owner = await signIn(t, org.users.owner);
        const preview = await upload(owner, '/api/v1/questionnaires/preview', {}, 'northwind.xlsx', XLSX);
        assert.equal(preview.statusCode, 200, preview.body);
        assert.deepEqual(
          preview.json().sheets.map((s: { name: string }) => s.name),
          ['Instructions', 'Security'],
        );
        assert.deepEqual(preview.json().sheets[1].guess, { headerRow: 3, questionColumn: 2, answerColumn: 3 });

        const d = await importFile(
          owner,
          { sheet: 'Security', headerRow: '3', questionColumn: '2', answerColumn: '3', title: 'Northwind review' },
          'northwind.xlsx',
          XLSX,
        );
        assert.equal(d.items.length, 6);
        const pentest = d.items[3] as Item;
        const [best] = pentest.suggestions;
        assert.equal(
          best?.source.kind === 'library' && best.source.question,
          'Do you conduct regular penetration tests?',
        );
        assert.match(best?.answer ?? '', /No penetration test is recorded yet/, 'a missing date is said, not invented');
        for (const item of d.items.slice(0, 3)) {
          const res = await review(owner, d, item, { decision: 'accept' });
          assert.equal(res.statusCode, 200, res.body);
        }
        await review(owner, d, d.items[5] as Item, {
          decision: 'answer',
          short: null,
          answer: 'Not applicable to us.',
        });
        const final = (await owner.get(`/api/v1/questionnaires/${d.id}`)).json() as Detail;

        const before = new ExcelJS.Workbook();
        await before.xlsx.load(XLSX as unknown as ArrayBuffer);
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load((await exportFile(owner, d.id)) as unknown as ArrayBuffer);
        assert.deepEqual(
          wb.worksheets.map((w) => w.name),
          ['Instructions', 'Security'],
        );
        const intro = wb.getWorksheet('Instructions');
        assert.ok(intro);
        assert.equal(intro.getCell('A1').value, 'Answer every question on the Security sheet.');
        assert.equal(intro.getCell('A1').font?.bold, true);
        assert.equal((intro.getCell('B2').value as { formula: string }).formula, 'COUNTA(Security!B4:B9)');
        const ws = wb.getWorksheet('Security');
        const old = before.getWorksheet('Security');
        assert.ok(ws && old);
        assert.equal(ws.getCell('C3').fill?.type, 'pattern', 'header styles kept');
        assert.deepEqual(ws.getCell('C3').fill, old.getCell('C3').fill);
        assert.equal(ws.getCell('A1').value, 'Northwind Traders: supplier security review');
        assert.ok(ws.getCell('A1').isMerged, 'merged title kept');
        assert.equal((ws.getCell('D10').value as { formula: string }).formula, 'COUNTA(C4:C9)');
        const byRow = new Map(final.items.map((i) => [i.rowNumber, i]));
        for (let r = 1; r <= 10; r++) {
          for (let c = 1; c <= 4; c++) {
            const item = byRow.get(r);
            const cell = ws.getRow(r).getCell(c);
            if (c === 2 && item) assert.equal(cell.value, item.question, `question at row ${r}`);
            else if (c === 3 && item?.finalAnswer) assert.equal(cell.value, item.finalAnswer, `answer at row ${r}`);
            else if (r !== 10) assert.deepEqual(cell.value, old.getRow(r).getCell(c).value, `cell ${r},${c} untouched`);
          }
        }
        assert.equal(ws.getCell('C8').value, 'See our incident policy.', 'an unreviewed answer cell keeps its text');
        assert.equal(ws.getCell('C9').value, 'Not applicable to us.');
      });
    });

    it('never suggests "yes" while a matching control fails', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'q3');
        await implementAll(t, org);
        const owner = await signIn(t, org.users.owner);
        const csv = Buffer.from(
          'Question\nIs customer data encrypted at rest with AES-256?\nIs all data encrypted at rest in databases and backups?\n',
        );
        const passing = await importFile(
          owner,
          { headerRow: '1', questionColumn: '1', answerColumn: 'new' },
          'a.csv',
          csv,
        );
        assert.equal(passing.items[0]?.suggestions[0]?.short, 'yes', 'a passing control may say yes');
        assert.ok(passing.items[0]?.suggestions.some((s) => s.source.kind === 'control' && s.source.key === 'CRY-01'));

        await rows(
          t,
          `INSERT INTO check_results (id, org_id, check_id, resource, outcome, reason, observed_at)
           VALUES (gen_random_uuid(), $1, 'cloud.storage.encrypted', 'bucket/customer-exports', 'fail', 'not encrypted', now())`,
          [org.id],
        );
        const failing = await importFile(
          owner,
          { headerRow: '1', questionColumn: '1', answerColumn: 'new' },
          'a.csv',
          csv,
        );
        for (const item of failing.items) {
          assert.ok(item.suggestions.length > 0);
          for (const s of item.suggestions) {
            assert.notEqual(s.short, 'yes', `${item.question}: ${JSON.stringify(s)}`);
          }
          const library = item.suggestions.find((s) => s.source.kind === 'library');
          assert.match(library?.note ?? '', /CRY-01 is failing/);
          const control = item.suggestions.find((s) => s.source.kind === 'control');
          if (control?.source.kind === 'control' && control.source.key === 'CRY-01') {
            assert.equal(control.source.health, 'failing');
            assert.equal(control.short, 'no');
          }
        }
        // Suggesting again after the fix says yes again.
        await rows(t, `UPDATE check_results SET outcome = 'pass' WHERE org_id = $1`, [org.id]);
        const again = await owner.post(`/api/v1/questionnaires/${failing.id}/suggest`);
        assert.equal(again.statusCode, 200, again.body);
        assert.equal(again.json().items[0].suggestions[0].short, 'yes');
      });
    });

    it('lets owners and admins write, members and auditors only read, and hides other organisations', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'q4');
        const other = await makeOrg(t, 'q4x');
        const owner = await signIn(t, org.users.owner);
        const d = await importFile(owner, { headerRow: '1', questionColumn: '2', answerColumn: '3' }, 'acme.csv', CSV);
        const item = d.items[0] as Item;
        const entry = (await library(owner))[0] as Entry;
        // A new organisation's controls are not marked implemented: nothing claims "yes" yet.
        assert.ok(d.items.every((i) => i.suggestions.every((s) => s.short !== 'yes')));
        assert.match(item.suggestions[0]?.note ?? '', /CRY-01 is not marked implemented/);

        const admin = await signIn(t, org.users.admin);
        assert.equal((await review(admin, d, item, { decision: 'accept' })).statusCode, 200);
        const created = await admin.post('/api/v1/answer-library', {
          question: 'Do you carry cyber insurance?',
          short: 'yes',
          answer: 'We hold a cyber liability policy.',
          tags: ['insurance'],
        });
        assert.equal(created.statusCode, 201, created.body);

        for (const role of ['member', 'auditor'] as const) {
          const client = await signIn(t, org.users[role]);
          assert.equal((await client.get('/api/v1/answer-library')).statusCode, 200);
          assert.equal((await client.get(`/api/v1/questionnaires/${d.id}`)).statusCode, 200);
          problem(await review(client, d, item, { decision: 'clear' }), 403, 'forbidden');
          problem(await client.post('/api/v1/answer-library', { question: 'Any?', answer: 'No.' }), 403, 'forbidden');
          problem(await client.patch(`/api/v1/answer-library/${entry.id}`, { answer: 'Changed' }), 403, 'forbidden');
          problem(await client.delete(`/api/v1/answer-library/${entry.id}`), 403, 'forbidden');
          problem(await client.post(`/api/v1/questionnaires/${d.id}/export`), 403, 'forbidden');
          problem(
            await upload(client, '/api/v1/questionnaires', { questionColumn: '2', answerColumn: '3' }, 'a.csv', CSV),
            403,
            'forbidden',
          );
        }

        // Another organisation's owner: every id is unknown, whatever the body.
        const stranger = await signIn(t, other.users.owner);
        problem(await stranger.get(`/api/v1/questionnaires/${d.id}`), 404, 'not_found');
        problem(await review(stranger, d, item, { decision: 'nonsense' }), 404, 'not_found');
        problem(await review(stranger, d, item, { decision: 'accept' }), 404, 'not_found');
        problem(await stranger.post(`/api/v1/questionnaires/${d.id}/export`), 404, 'not_found');
        problem(await stranger.post(`/api/v1/questionnaires/${d.id}/suggest`), 404, 'not_found');
        problem(await stranger.delete(`/api/v1/questionnaires/${d.id}`), 404, 'not_found');
        problem(await stranger.patch(`/api/v1/answer-library/${entry.id}`, { short: 'maybe' }), 404, 'not_found');
        problem(await stranger.get(`/api/v1/answer-library/${entry.id}`), 404, 'not_found');
        problem(await stranger.delete(`/api/v1/answer-library/${entry.id}`), 404, 'not_found');
        assert.equal((await stranger.get('/api/v1/questionnaires')).json().items.length, 0);
        assert.ok(!(await library(stranger)).some((e) => e.id === entry.id));
        // A link to another organisation's control is refused.
        const otherControl = (
          await rows<{ id: string }>(t, `SELECT id FROM controls WHERE org_id = $1 LIMIT 1`, [other.id])
        )[0];
        problem(
          await owner.patch(`/api/v1/answer-library/${entry.id}`, { controlIds: [otherControl?.id] }),
          400,
          'validation_failed',
        );

        // Deleting is audited and leaves the library's learning alone.
        const res = await owner.delete(`/api/v1/questionnaires/${d.id}`);
        assert.equal(res.statusCode, 204);
        assert.equal(await count(t, 'security_questionnaire_items WHERE questionnaire_id = $1', [d.id]), 0);
      });
    });

    it('seeds the demo: the starter library and a half-reviewed questionnaire that exports', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'q6');
        await seedDemoQuestionnaires(t.rt, org.id, CLI_META);
        const owner = await signIn(t, org.users.owner);
        const [summary] = (await owner.get('/api/v1/questionnaires')).json().items;
        assert.equal(summary.title, 'Contoso security review');
        const { progress } = summary;
        assert.equal(progress.total, 10);
        assert.ok(
          progress.accepted + progress.edited >= 3 && progress.accepted + progress.edited <= 5,
          JSON.stringify(progress),
        );
        assert.ok(progress.suggested + progress.unanswered >= 5);
        const exported = parse((await exportFile(owner, summary.id)).toString('utf8')) as string[][];
        assert.equal(exported.length, 11);
        assert.match(exported[10]?.[2] ?? '', /^Yes\. We hold cyber liability insurance/);
        assert.ok((await library(owner)).length >= 45);
      });
    });

    it('refuses bad files with a clear 400 and writes nothing', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'q5');
        const owner = await signIn(t, org.users.owner);
        const openapi = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
        assert.equal(openapi.statusCode, 200);
        assert.ok(openapi.json().paths['/api/v1/questionnaires/{id}/items/{itemId}']?.put, 'the routes are documented');
        const fields = { headerRow: '1', questionColumn: '2', answerColumn: '3' };
        const formulaBook = new ExcelJS.Workbook();
        const ws = formulaBook.addWorksheet('Q');
        ws.getRow(1).values = ['#', 'Question', 'Answer'];
        ws.getRow(2).values = [1, 'Do you encrypt data at rest?', ''];
        ws.getCell('B3').value = { formula: 'B2', result: 'Do you encrypt data at rest?' };
        const formula = Buffer.from(await formulaBook.xlsx.writeBuffer());

        const cases: [string, Buffer, Record<string, string>, RegExp][] = [
          ['empty.csv', Buffer.alloc(0), fields, /file is empty/],
          [
            'header-only.csv',
            Buffer.from('ID,Question,Answer\n'),
            fields,
            /No questions were found in column B below row 1/,
          ],
          ['blank.csv', Buffer.from('\n\n'), fields, /no rows with text/],
          [
            'broken.xlsx',
            Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(200, 7)]),
            fields,
            /could not be read/,
          ],
          ['renamed.xlsx', Buffer.from('Question\nOne?\n'), fields, /not an Excel workbook/],
          ['old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), fields, /\.xls/],
          ['latin1.csv', Buffer.from([0x51, 0x0a, 0xe9, 0x74, 0xe9, 0x0a]), fields, /not UTF-8/],
          ['formula.xlsx', formula, fields, /Cell B3 holds a formula/],
          ['acme.csv', CSV, { headerRow: '1', questionColumn: '9', answerColumn: '3' }, /past the last column/],
          ['acme.csv', CSV, { headerRow: '1', questionColumn: '2', answerColumn: '2' }, /must differ/],
          ['acme.csv', CSV, { headerRow: '1', questionColumn: '2' }, /answer column/],
        ];
        for (const [name, data, f, message] of cases) {
          const res = await upload(owner, '/api/v1/questionnaires', f, name, data);
          assert.equal(res.statusCode, 400, `${name}: ${res.body}`);
          assert.match(res.json().detail, message, name);
        }
        const large = Buffer.from(`Question\n${`Do you ${'really '.repeat(330)}encrypt data?\n`.repeat(1000)}`);
        assert.ok(large.length > 2 * 1024 * 1024);
        const accepted = await upload(owner, '/api/v1/questionnaires/preview', {}, 'large.csv', large);
        assert.equal(accepted.statusCode, 200, 'a file over 1 MiB but under 5 MiB is read');
        const big = Buffer.alloc(5 * 1024 * 1024 + 10, 'a');
        problem(await upload(owner, '/api/v1/questionnaires', fields, 'big.csv', big), 413, 'payload_too_large');
        problem(
          await upload(owner, '/api/v1/questionnaires/preview', {}, 'empty.csv', Buffer.alloc(0)),
          400,
          'bad_request',
        );
        problem(await owner.post('/api/v1/questionnaires', { questionColumn: 2 }), 415, 'unsupported_media_type');
        assert.equal(await count(t, 'security_questionnaires'), 0);
        assert.equal(await count(t, 'security_questionnaire_items'), 0);
        assert.equal(await count(t, `audit_log WHERE action LIKE 'questionnaire.%'`), 0);
      });
    });
  });
}
