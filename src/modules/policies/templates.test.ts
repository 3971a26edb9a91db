import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { POLICY_KEYS } from '../controls/library.js';
import { loadPolicyTemplates, placeholdersIn, policyVariables, templateHash, validateTemplates } from './library.js';
import { effectiveValues, renderPolicy } from './render.js';
import { diffTexts } from './versions.js';

const templates = loadPolicyTemplates();
const byKey = new Map(templates.map((t) => [t.key, t]));
const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** Topics each template must cover: what the seed documents require of it. */
const TOPICS: Record<(typeof POLICY_KEYS)[number], RegExp[]> = {
  'information-security': [/SOC 2/, /need it for their work/, /logically separate/, /portable storage/, /accept/],
  'access-control': [/multi-factor authentication/i, /SSH keys/, /least privilege/i, /password manager/, /reviews?/],
  encryption: [/AES/, /256-bit/, /TLS 1\.2/, /rotated/, /at rest/],
  'incident-response': [
    /breach notification/i,
    /without undue delay/,
    /law enforcement/,
    /date of the breach and the date it was discovered/,
    /scope of the breach/,
    /escalated/,
  ],
  'business-continuity': [/disaster recovery/i, /failover/, /restore from backup is tested/, /{{rto_hours}}/],
  'vendor-management': [/before .*approved/i, /subprocessors?/, /SOC 2/, /{{data_region}}/],
  'risk-management': [/fraud/, /likelihood/, /impact/, /at least every {{review_period}}/],
  'acceptable-use': [/portable storage/, /password manager/, /phishing/, /screen lock/],
  'data-classification': [/Restricted/, /Confidential/, /Public/, /need to know/, /destroyed|destruction/],
  'personnel-security': [
    /background checks?/i,
    /criminal background check/,
    /confidentiality agreement/,
    /before their first day/,
    /training/,
    /phishing/,
    /{{offboarding_hours}} hours/,
    /physical facilities/,
  ],
  'secure-development': [/pull request/, /SQL injection/, /cross-site scripting/, /[Ee]mergency/, /penetration test/],
  'logging-monitoring': [/privileged/, /audit trails/, /{{log_retention_days}} days/, /alert/i],
  'vulnerability-management': [
    /at least monthly/,
    /penetration test/,
    /{{vuln_sla_critical_days}}/,
    /{{vuln_sla_low_days}}/,
    /date of the most recent assessment/,
  ],
};

describe('the policy templates', () => {
  it('are exactly the thirteen policies controls link to', () => {
    assert.deepEqual(templates.map((t) => t.key).sort(), [...POLICY_KEYS].sort());
  });

  it('are substantial policies with purpose, scope, roles, requirements, exceptions and review', () => {
    for (const t of templates) {
      assert.ok(words(t.body) >= 350, `${t.key} has ${words(t.body)} words`);
      for (const heading of [
        /^## Purpose$/m,
        /^## Scope$/m,
        /^## (Roles and responsibilities|Responsibilities)$/m,
        /^## Exceptions$/m,
        /^## Review$/m,
      ]) {
        assert.match(t.body, heading, `${t.key}: ${heading}`);
      }
      assert.match(
        t.body,
        /^## (Requirements|Policy|Response process|Handling requirements)$/m,
        `${t.key}: requirements`,
      );
      assert.ok(t.body.includes('{{company_name}}'), `${t.key} names the company`);
      assert.ok(t.body.includes('{{review_period}}'), `${t.key} states its review period`);
    }
  });

  it('use only declared variables, and every declared variable has a description', () => {
    const declared = policyVariables();
    for (const t of templates) {
      for (const name of placeholdersIn(t.body)) assert.ok(name in declared, `${t.key} uses undeclared {{${name}}}`);
      assert.deepEqual(
        [...t.variables].sort(),
        placeholdersIn(t.body).sort(),
        `${t.key}: index.json lists what it uses`,
      );
    }
    for (const [name, v] of Object.entries(declared)) assert.ok(v.description.length >= 10, name);
  });

  it('cover the topics the seed documents require', () => {
    for (const key of POLICY_KEYS) {
      const t = byKey.get(key);
      assert.ok(t, key);
      for (const topic of TOPICS[key]) assert.match(t.body, topic, `${key} covers ${topic}`);
    }
  });

  it('render completely once the security contact is set, and not before', () => {
    const values = effectiveValues({}, 'Acme Cloud');
    assert.equal(values.company_name, 'Acme Cloud');
    assert.throws(() => renderPolicy(byKey.get('incident-response')?.body ?? '', values), /security_contact/);
    const filled = effectiveValues({ security_contact: 'security@acme.test' }, 'Acme Cloud');
    for (const t of templates) {
      const text = renderPolicy(t.body, filled);
      assert.ok(!text.includes('{{'), t.key);
      assert.ok(text.includes('Acme Cloud'), t.key);
    }
    assert.throws(() => renderPolicy('Call {{ pager }} now.', filled), /\{\{pager\}\}, which is not a policy variable/);
  });

  it('are validated on load: an undeclared variable or a missing template is reported', () => {
    const index = {
      variables: { company_name: { description: 'The company name.', default: null } },
      policies: [
        { key: 'encryption' as const, title: 'Encryption', summary: 'x'.repeat(20), variables: ['company_name'] },
      ],
    };
    const problems = validateTemplates(index, new Map([['encryption', '{{company_name}} uses {{cipher}}.']]));
    assert.ok(problems.some((p) => p.includes('undeclared variable {{cipher}}')));
    assert.ok(problems.some((p) => p.startsWith('access-control: no entry')));
  });

  it('hash title and text together, so an edit to either shows', () => {
    assert.notEqual(templateHash('A', 'b'), templateHash('A', 'c'));
    assert.notEqual(templateHash('A', 'b'), templateHash('B', 'b'));
  });
});

describe('the version diff', () => {
  it('marks added, removed and changed lines, with the words that changed', () => {
    const d = diffTexts('one\ntwo three\nfour\n', 'one\ntwo 3\nfour\nfive\n');
    assert.deepEqual(
      d.hunks.map((h) => h.kind),
      ['same', 'changed', 'same', 'added'],
    );
    const words = d.hunks[1]?.words ?? [];
    assert.ok(words.some((w) => w.kind === 'removed' && w.text === 'three'));
    assert.ok(words.some((w) => w.kind === 'added' && w.text === '3'));
    assert.equal(d.added, 2);
    assert.equal(d.removed, 1);
  });
});
