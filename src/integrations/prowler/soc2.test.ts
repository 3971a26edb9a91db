import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { soc2CellIds } from './csv.js';
import { isSoc2Framework, normaliseSoc2Id, soc2Criteria, soc2Ids } from './soc2.js';

/**
 * Prowler's SOC 2 framework file for AWS (Apache-2.0), a test fixture only: its names and
 * descriptions quote the AICPA criteria, so the tests read just the leading criterion id of each
 * Name ("CC6.1 …") and never show the rest.
 */
interface Framework {
  Framework: string;
  Requirements: { Id: string; Name: string; Checks: string[] }[];
}
const framework = JSON.parse(
  readFileSync(new URL('../../../test/fixtures/prowler/soc2_aws.json', import.meta.url), 'utf8'),
) as Framework;
const criterionOf = (name: string) => name.split(' ', 1)[0] as string;

describe('normaliseSoc2Id', () => {
  it('spells Prowler ids as the criteria are keyed', () => {
    const cases: [string, string][] = [
      ['cc_1_3', 'CC1.3'],
      ['cc_6_1', 'CC6.1'],
      ['cc_9_2', 'CC9.2'],
      ['cc_a_1_2', 'A1.2'],
      ['cc_a_1_3', 'A1.3'],
      ['cc_c_1_1', 'C1.1'],
      ['cc_c_1_2', 'C1.2'],
      ['pi_1_3', 'PI1.3'],
      ['cc_pi_1_5', 'PI1.5'],
      ['p_6_7', 'P6.7'],
      ['CC6.1', 'CC6.1'],
      ['cc6.1', 'CC6.1'],
      [' CC_7_2 ', 'CC7.2'],
    ];
    for (const [id, criterion] of cases) assert.equal(normaliseSoc2Id(id), criterion, id);
  });

  it('follows Prowler in reading cc_a_1_1 as A1.2', () => {
    assert.equal(normaliseSoc2Id('cc_a_1_1'), 'A1.2');
  });

  it('returns null for what is not a criterion', () => {
    for (const id of ['', 'soc2', 'cc_6', 'cc_6_1_2', 'cc_10_1', 'cc_0_1', 'a_2_1', 'p_9_1', 'x_1_1', '6.1']) {
      assert.equal(normaliseSoc2Id(id), null, id);
    }
  });

  it("agrees with every requirement of Prowler's soc2_aws.json", () => {
    assert.equal(framework.Framework, 'SOC2');
    assert.equal(framework.Requirements.length, 27);
    for (const requirement of framework.Requirements) {
      assert.equal(normaliseSoc2Id(requirement.Id), criterionOf(requirement.Name), requirement.Id);
    }
  });

  it('gives each check the criteria Prowler maps it to, as Prowler tags its findings', () => {
    const byCheck = new Map<string, string[]>();
    for (const requirement of framework.Requirements) {
      for (const check of requirement.Checks) byCheck.set(check, [...(byCheck.get(check) ?? []), requirement.Id]);
    }
    const unknown = new Set<string>();
    for (const [check, ids] of byCheck) {
      const expected = [
        ...new Set(ids.map((id) => criterionOf(framework.Requirements.find((r) => r.Id === id)!.Name))),
      ];
      assert.deepEqual(soc2Criteria(ids, unknown), expected.sort(), check);
    }
    assert.deepEqual(unknown, new Set());
    // Two checks worth naming: SSH open to the internet, and RDS backups (the A1.2 quirk).
    assert.deepEqual(
      soc2Criteria(byCheck.get('ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22') ?? [], unknown),
      ['CC6.6', 'CC7.2'],
    );
    assert.deepEqual(soc2Criteria(byCheck.get('rds_instance_backup_enabled') ?? [], unknown), ['A1.2', 'CC7.4']);
  });
});

describe('soc2Criteria', () => {
  it('reads only the SOC 2 framework, sorted and without repeats, collecting ids it cannot read', () => {
    const unknown = new Set<string>();
    const ids = soc2Ids({
      'CIS-3.0': ['1.20'],
      SOC2: ['cc_7_2', 'cc_6_6', 'cc_7_2', 'bogus'],
      'SOC2-2017': ['cc_a_1_1'],
      ISO27001: ['A.9'],
    });
    assert.deepEqual(ids, ['cc_7_2', 'cc_6_6', 'cc_7_2', 'bogus', 'cc_a_1_1']);
    assert.deepEqual(soc2Criteria(ids, unknown), ['A1.2', 'CC6.6', 'CC7.2']);
    assert.deepEqual([...unknown], ['bogus']);
  });

  it('knows the framework keys Prowler writes', () => {
    assert.ok(isSoc2Framework('SOC2'));
    assert.ok(isSoc2Framework('soc2'));
    assert.ok(isSoc2Framework('SOC2-2017'));
    assert.ok(!isSoc2Framework('SOC2X'));
    assert.ok(!isSoc2Framework('ISO27001-2013'));
  });
});

describe("the CSV's COMPLIANCE column", () => {
  it('yields the SOC 2 entries only', () => {
    const cell =
      'CIS-1.4: 1.20 | AWS-Account-Security-Onboarding: Billing, emergency, security contacts | SOC2: cc_6_6, cc_7_2 | CIS-3.0: 1.20';
    assert.deepEqual(soc2CellIds(cell), ['cc_6_6', 'cc_7_2']);
    assert.deepEqual(soc2CellIds('CIS-1.4: 1.20 | CIS-1.5: 1.20'), []);
    assert.deepEqual(soc2CellIds(''), []);
  });
});
