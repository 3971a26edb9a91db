import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecordType } from '../../integrations/types.js';
import type { Check, CheckContext, CheckOutcome, StoredRecord } from '../types.js';
import { ALL_CHECKS, checkById } from './index.js';
import {
  account,
  cloud,
  context,
  dateDaysAgo,
  daysAgo,
  endpoint,
  finding,
  NOW,
  person,
  rootAccount,
} from './test-factories.js';

function check(id: string): Check {
  const found = checkById(id);
  assert.ok(found, `check ${id} exists`);
  return found;
}

/** Runs a record check the way the evaluator does, insisting that it applies. */
function run(id: string, record: StoredRecord, ctx: CheckContext = context()): CheckOutcome {
  const c = check(id);
  assert.equal(c.scope, 'record');
  if (c.scope !== 'record') throw new Error('unreachable');
  assert.ok(c.resourceType === record.type && c.applies(record), `${id} applies to ${record.name}`);
  return c.evaluate(record, ctx);
}

function runOrganisation(id: string, ctx: CheckContext): CheckOutcome {
  const c = check(id);
  if (c.scope !== 'organisation') throw new Error(`${id} is not an organisation check`);
  return c.evaluate(ctx);
}

describe('vulnerability deadlines', () => {
  it('passes a critical vulnerability inside its deadline and says how many days are left', () => {
    const result = run('vuln.sla.critical', finding({ severity: 'critical' }, 6));
    assert.equal(result.outcome, 'pass');
    assert.match(result.reason, /due in 9 days/);
    assert.match(result.reason, /CVE-2024-0001 in openssl 3\.0\.1 on registry\.northwind\.example\/api:1\.4/);
  });

  it('fails once the days since first seen exceed the deadline, not before', () => {
    assert.equal(run('vuln.sla.high', finding({ severity: 'high' }, 30)).outcome, 'pass');
    const late = run('vuln.sla.high', finding({ severity: 'high' }, 31));
    assert.equal(late.outcome, 'fail');
    assert.match(late.reason, /open 31 days, past its 30-day deadline/);
  });

  it("follows the organisation's own deadlines", () => {
    const strict = context({ settings: { slaDays: { critical: 7, high: 30, medium: 90, low: 180, info: 365 } } });
    assert.equal(run('vuln.sla.critical', finding({ severity: 'critical' }, 10), strict).outcome, 'fail');
    assert.equal(run('vuln.sla.critical', finding({ severity: 'critical' }, 10)).outcome, 'pass');
  });

  it('judges each vulnerability by exactly one deadline check', () => {
    const record = finding({ severity: 'medium' });
    const judging = ALL_CHECKS.filter((c) => c.id.startsWith('vuln.sla.') && c.scope === 'record' && c.applies(record));
    assert.deepEqual(
      judging.map((c) => c.id),
      ['vuln.sla.medium'],
    );
  });
});

describe('accounts of people who left', () => {
  it('allows the set hours after the end date, then fails', () => {
    const leftToday = context({ people: [person({ endDate: dateDaysAgo(0) })] });
    const within = run('identity.no_active_accounts_for_departed', account(), leftToday);
    assert.equal(within.outcome, 'pass');
    assert.match(within.reason, /within the limit/);

    const leftTwoDaysAgo = context({ people: [person({ endDate: dateDaysAgo(2) })] });
    const late = run('identity.no_active_accounts_for_departed', account(), leftTwoDaysAgo);
    assert.equal(late.outcome, 'fail');
    assert.match(
      late.reason,
      /alice@northwind\.example \(Google Workspace\) is still active although Alice Example left/,
    );
  });

  it('uses the configured number of hours', () => {
    const ctx = context({ people: [person({ endDate: dateDaysAgo(2) })], settings: { departedAccountHours: 72 } });
    assert.equal(run('identity.no_active_accounts_for_departed', account(), ctx).outcome, 'pass');
  });

  it('passes a disabled account of someone who left', () => {
    const ctx = context({ people: [person({ endDate: dateDaysAgo(30) })] });
    assert.equal(run('identity.no_active_accounts_for_departed', account({ active: false }), ctx).outcome, 'pass');
  });

  it('declares that it depends on people', () => {
    const c = check('identity.no_active_accounts_for_departed');
    assert.ok(c.scope === 'record' && c.dependsOn?.includes('person'));
  });
});

describe('accounts linked to people', () => {
  /** A context whose people inventory may be read for its first record only. */
  function firstPersonOnly(): CheckContext {
    const base = context({ people: [person()] });
    return {
      ...base,
      records: <T extends RecordType>(type: T): Iterable<StoredRecord<T>> => {
        assert.equal(type, 'person');
        return (function* () {
          yield* [...base.records(type)].slice(0, 1);
          throw new Error('read past the first person');
        })();
      },
    };
  }

  it('looks at the first person only to learn that the HRIS is not empty', () => {
    const result = run(
      'identity.accounts_linked_to_people',
      account({ email: 'ghost@northwind.example' }),
      firstPersonOnly(),
    );
    assert.equal(result.outcome, 'fail');
    assert.match(result.reason, /ghost@northwind\.example/);
  });

  it('is not applicable while no people have been imported', () => {
    const result = run('identity.accounts_linked_to_people', account(), context());
    assert.equal(result.outcome, 'not_applicable');
  });
});

describe('security groups', () => {
  it('names the admin port and the rule range that exposes it', () => {
    const group = cloud('security_group', 'sg-42 (legacy)', {
      ingress: [{ protocol: 'tcp', fromPort: 3000, toPort: 3400, cidrs: ['10.0.0.0/8', '0.0.0.0/0'] }],
    });
    const result = run('network.sg.no_open_admin_ports', group);
    assert.equal(result.outcome, 'fail');
    assert.match(result.reason, /sg-42 \(legacy\)/);
    assert.match(result.reason, /MySQL \(3306\) via ports 3000-3400 to 0\.0\.0\.0\/0/);
    assert.match(result.reason, /RDP \(3389\)/);
  });

  it('treats a rule without ports as every port', () => {
    const group = cloud('security_group', 'sg-43', {
      ingress: [{ protocol: 'tcp', fromPort: null, toPort: null, cidrs: ['::/0'] }],
    });
    assert.match(run('network.sg.no_open_admin_ports', group).reason, /SSH \(22\) via all ports to ::\/0/);
    assert.equal(run('network.sg.no_open_all_ports', group).outcome, 'fail');
  });
});

describe('TLS endpoints', () => {
  it('fails only reachability when the probe could not connect', () => {
    const record = endpoint({ error: 'Could not connect to api.northwind.example:443: the connection was refused.' });
    const tlsChecks = ALL_CHECKS.filter((c) => c.scope === 'record' && c.resourceType === 'endpoint');
    assert.ok(tlsChecks.length >= 6);
    for (const c of tlsChecks) {
      const result = run(c.id, record);
      assert.equal(result.outcome, c.id === 'tls.endpoint.reachable' ? 'fail' : 'not_applicable', c.id);
    }
  });

  it('says when the certificate expires and in how many days', () => {
    const record = endpoint({
      certificate: {
        subject: 'api.northwind.example',
        issuer: 'CN=R11',
        notAfter: daysAgo(-8),
        trusted: true,
        selfSigned: false,
        hostnameMatches: true,
      },
    });
    const result = run('tls.certificate.expiry', record);
    assert.equal(result.outcome, 'fail');
    assert.equal(result.reason, 'Certificate for api.northwind.example:443 expires 2026-03-23, in 8 days.');
    assert.equal(
      run('tls.certificate.expiry', record, context({ settings: { certificateExpiryDays: 7 } })).outcome,
      'pass',
    );
  });

  it('counts from the time it is given, not the clock', () => {
    const record = endpoint();
    assert.equal(run('tls.certificate.expiry', record).outcome, 'pass');
    const later = new Date(NOW.getTime() + 55 * 86_400_000);
    assert.equal(run('tls.certificate.expiry', record, context({ now: later })).outcome, 'fail');
  });

  it('rejects TLS 1.0 and 1.1 even when 1.2 is offered too', () => {
    const result = run('tls.endpoint.modern', endpoint({ protocols: ['TLSv1.1', 'TLSv1.2', 'TLSv1.3'] }));
    assert.equal(result.outcome, 'fail');
    assert.match(result.reason, /TLSv1\.1/);
  });
});

describe('organisation checks', () => {
  it('fails the monthly scan when no scanner ever pushed, and names the latest otherwise', () => {
    assert.match(runOrganisation('vuln.scan.monthly', context()).reason, /No vulnerability scan has been pushed/);
    const result = runOrganisation('vuln.scan.monthly', context({ pushes: { sarif: daysAgo(2), trivy: daysAgo(20) } }));
    assert.equal(result.outcome, 'pass');
    assert.match(result.reason, /\(sarif\).*2 days ago/);
  });

  it('needs a multi-region trail that is logging once there is cloud inventory', () => {
    assert.equal(runOrganisation('cloud.cloudtrail.enabled', context()).outcome, 'not_applicable');
    const stopped = context({ records: [cloud('cloudtrail_trail', 'main', { logging: false })] });
    assert.equal(runOrganisation('cloud.cloudtrail.enabled', stopped).outcome, 'fail');
    const both = context({
      records: [cloud('cloudtrail_trail', 'main', { logging: false }), cloud('cloudtrail_trail', 'org-trail')],
    });
    assert.match(runOrganisation('cloud.cloudtrail.enabled', both).reason, /org-trail logs every region/);
  });

  it('lets a small team keep a few administrators', () => {
    const team = [
      account({ isAdmin: true }),
      account({ email: 'b@northwind.example', isAdmin: true }),
      account({ email: 'c@northwind.example' }),
    ];
    assert.equal(runOrganisation('identity.admins.limited', context({ records: team })).outcome, 'pass');
  });

  it('ignores root users and disabled accounts when counting administrators', () => {
    const records = [
      rootAccount(),
      ...Array.from({ length: 6 }, (_, i) =>
        account({ email: `old${i}@northwind.example`, isAdmin: true, active: false }),
      ),
      account({ email: 'solo@northwind.example', isAdmin: true }),
    ];
    const result = runOrganisation('identity.admins.limited', context({ records }));
    assert.equal(result.outcome, 'pass');
    assert.match(result.reason, /1 of 1 Google Workspace accounts/);
  });
});

describe('unknown data', () => {
  it('is not applicable rather than a guess when the source does not report MFA', () => {
    const result = run('identity.mfa.all_accounts', account({ mfaEnabled: null }));
    assert.equal(result.outcome, 'not_applicable');
    assert.match(result.reason, /does not report MFA for alice@northwind\.example/);
  });
});
