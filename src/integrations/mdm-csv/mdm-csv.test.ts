import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ImportError, type InventoryRecord } from '../types.js';
import { parseMdmCsv, platformOf } from './index.js';

const options = { now: new Date('2026-11-23T12:00:00Z') };
const fixture = (name: string) =>
  readFileSync(new URL(`../../../test/fixtures/synthetic/${name}`, import.meta.url), 'utf8');

function devices(input: string) {
  const push = parseMdmCsv(input, options);
  assert.equal(push.scopes.length, 1);
  assert.equal(push.scopes[0]?.scope, 'mdm');
  const records = (push.scopes[0]?.records ?? []) as InventoryRecord<'device'>[];
  return { push, records, byId: new Map(records.map((r) => [r.externalId, r])) };
}

describe('parseMdmCsv', () => {
  it('reads one device per serial, keeping the row seen last for a device listed twice', () => {
    const { push, records } = devices(fixture('mdm.csv'));
    assert.equal(push.format, 'Device list (CSV)');
    assert.deepEqual(
      records.map((r) => r.externalId),
      ['C02ZK1ABMD6T', 'FVFXQ2LMHV29', 'PF3ABCD1', '5CG1234XYZ', 'build-01'],
    );
    assert.deepEqual(push.warnings, [
      "line 5: the owner 'Sam Ortiz' is not an email address, so SO-XPS has no owner.",
      'lines 3 and 7 are the same device (FVFXQ2LMHV29): kept line 3, skipped line 7.',
    ]);
  });

  it('maps a row to a device', () => {
    const { byId } = devices(fixture('mdm.csv'));
    assert.deepEqual(byId.get('C02ZK1ABMD6T'), {
      type: 'device',
      externalId: 'C02ZK1ABMD6T',
      name: 'MQ-MBP',
      data: {
        hostname: 'MQ-MBP',
        serial: 'C02ZK1ABMD6T',
        ownerEmail: 'mara.quint@example.org',
        platform: 'macos',
        osVersion: '15.1.1',
        diskEncrypted: true,
        screenLock: true,
        screenLockDelaySeconds: 60,
        passwordManager: true,
        osSupported: true,
        antimalware: true,
        lastSeenAt: '2026-11-20T09:00:00.000Z',
      },
    });
    const tobias = byId.get('FVFXQ2LMHV29')?.data;
    assert.equal(tobias?.osVersion, '13.6.9');
    assert.equal(tobias?.osSupported, false);
    assert.equal(tobias?.diskEncrypted, false);
    assert.equal(tobias?.passwordManager, false);
    assert.equal(tobias?.screenLockDelaySeconds, null);
    assert.equal(tobias?.lastSeenAt, '2026-11-18T12:30:00.000Z');
  });

  it('reads Windows and Linux rows, leaving empty cells null', () => {
    const { byId } = devices(fixture('mdm.csv'));
    const lena = byId.get('PF3ABCD1')?.data;
    assert.equal(lena?.platform, 'windows');
    assert.equal(lena?.osSupported, true, 'Windows 11 Enterprise 24H2');
    const sam = byId.get('5CG1234XYZ')?.data;
    assert.equal(sam?.ownerEmail, null);
    assert.equal(sam?.osSupported, true, 'Windows 10 22H2');
    assert.equal(sam?.antimalware, false);
    assert.equal(sam?.lastSeenAt, '2026-11-02T00:00:00.000Z');
    const build = byId.get('build-01');
    assert.equal(build?.name, 'BUILD-01');
    assert.deepEqual(build?.data, {
      hostname: 'BUILD-01',
      serial: null,
      ownerEmail: null,
      platform: 'linux',
      osVersion: '22.04.5 LTS',
      diskEncrypted: true,
      screenLock: null,
      screenLockDelaySeconds: null,
      passwordManager: false,
      osSupported: true,
      antimalware: null,
      lastSeenAt: '2026-11-22T23:00:00.000Z',
    });
  });

  it('names a missing column, a bad date and a bad status', () => {
    assert.throws(
      () => parseMdmCsv(fixture('mdm-missing-column.csv'), options),
      (e: Error) =>
        e instanceof ImportError && /'device name' is missing/.test(e.message) && e.message.includes("'Serial Number'"),
    );
    assert.throws(
      () => parseMdmCsv(fixture('mdm-bad-date.csv'), options),
      (e: Error) => e instanceof ImportError && e.message.startsWith("line 2: 'last seen' is not a date and time"),
    );
    assert.throws(() => parseMdmCsv('device name,encrypted\nA,partly\n', options), /line 2: 'encrypted' is 'partly'/);
    assert.throws(() => parseMdmCsv('device name,screen lock delay\nA,5 min\n', options), /not a number of seconds/);
    assert.throws(() => parseMdmCsv('', options), ImportError);
  });

  it('tells platforms apart from what MDMs write', () => {
    assert.equal(platformOf('macOS 15'), 'macos');
    assert.equal(platformOf('Mac OS X'), 'macos');
    assert.equal(platformOf('Windows 11 Pro'), 'windows');
    assert.equal(platformOf('Linux machine'), 'linux');
    assert.equal(platformOf('Red Hat Enterprise Linux'), 'linux');
    assert.equal(platformOf('iPadOS'), 'other');
    assert.equal(platformOf(''), 'other');
  });

  it('parses the Northwind Labs sample', () => {
    const input = readFileSync(new URL('../../content/samples/mdm.csv', import.meta.url), 'utf8');
    const { push, records } = devices(input);
    assert.equal(records.length, 14);
    assert.deepEqual(push.warnings, []);
    assert.equal(records.filter((r) => r.data.diskEncrypted === false).length, 2);
    assert.equal(records.filter((r) => r.data.osSupported === false).length, 1, 'macOS 14');
    assert.equal(records.filter((r) => r.data.platform === 'windows').length, 3);
    assert.equal(records.find((r) => r.name === 'NW-INGRID-MBA')?.data.screenLock, null);
  });
});
