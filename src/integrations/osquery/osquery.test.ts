import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ImportError, type InventoryRecord } from '../types.js';
import { parseOsquery } from './index.js';

const options = { now: new Date('2026-11-23T12:00:00Z') };
const read = (url: string) => readFileSync(new URL(url, import.meta.url), 'utf8');
const fixture = () => read('../../../test/fixtures/synthetic/osquery-results.jsonl');

function devices(input: string) {
  const push = parseOsquery(input, options);
  assert.equal(push.scopes.length, 1);
  assert.equal(push.scopes[0]?.scope, 'osquery');
  const records = (push.scopes[0]?.records ?? []) as InventoryRecord<'device'>[];
  return { push, records, byId: new Map(records.map((r) => [r.externalId, r])) };
}

describe('parseOsquery', () => {
  it('groups the results log into one device per host, keyed by serial', () => {
    const { push, records } = devices(fixture());
    assert.equal(push.format, 'osquery results log');
    assert.deepEqual(records.map((r) => r.externalId).sort(), ['5CG1234XYZ', 'C02ZK1ABMD6T', 'build-01']);
    assert.deepEqual(push.warnings, ["Skipped 1 result of queries outside Attest's pack."]);
  });

  it('reads a macOS host from snapshot lines, with the owner from a decoration', () => {
    const { byId } = devices(fixture());
    assert.deepEqual(byId.get('C02ZK1ABMD6T'), {
      type: 'device',
      externalId: 'C02ZK1ABMD6T',
      name: "Ana's MacBook Pro",
      data: {
        hostname: 'mac-ana.local',
        serial: 'C02ZK1ABMD6T',
        ownerEmail: 'ana.lima@example.org',
        platform: 'macos',
        osVersion: '15.1.1',
        diskEncrypted: true,
        screenLock: true,
        screenLockDelaySeconds: 5,
        passwordManager: true,
        osSupported: true,
        antimalware: null,
        lastSeenAt: '2026-11-20T09:00:00.000Z',
      },
    });
  });

  it('applies event and batch lines in order (BitLocker turned on later)', () => {
    const { byId } = devices(fixture());
    assert.deepEqual(byId.get('5CG1234XYZ')?.data, {
      hostname: 'WIN-7QK2D3',
      serial: '5CG1234XYZ',
      ownerEmail: null,
      platform: 'windows',
      osVersion: '10.0.22631',
      diskEncrypted: true,
      screenLock: null,
      screenLockDelaySeconds: null,
      passwordManager: false,
      osSupported: false,
      antimalware: true,
      lastSeenAt: '2026-11-22T08:15:00.000Z',
    });
  });

  it('keys a host with a placeholder serial by its identifier, and follows an OS upgrade', () => {
    const { byId } = devices(fixture());
    const linux = byId.get('build-01');
    assert.equal(linux?.data.serial, null);
    assert.equal(linux?.data.platform, 'linux');
    assert.equal(linux?.data.osVersion, '22.04.5 LTS (Jammy Jellyfish)');
    assert.equal(linux?.data.osSupported, true);
    assert.equal(linux?.data.ownerEmail, 'dev.ops@example.org', 'the signed-in user is an email');
    assert.equal(linux?.data.diskEncrypted, true);
    assert.equal(linux?.data.passwordManager, false);
    assert.equal(linux?.data.lastSeenAt, '2026-11-22T23:00:00.000Z');
  });

  it('reads the same results as a JSON array, and in any line order', () => {
    const lines = fixture().trim().split('\n');
    const expected = devices(fixture()).records;
    assert.deepEqual(devices(`[${lines.join(',')}]`).records, expected);
    assert.deepEqual(
      devices(lines.reverse().join('\n')).records.sort((a, b) => a.externalId.localeCompare(b.externalId)),
      [...expected].sort((a, b) => a.externalId.localeCompare(b.externalId)),
    );
  });

  it("reads the TLS logger's body and a snapshot that lists apps instead of counting them", () => {
    const line = (name: string, snapshot: object[]) => ({
      name: `pack/attest/${name}`,
      hostIdentifier: 'h1',
      calendarTime: 'Mon Nov 23 09:00:00 2026 UTC',
      unixTime: '1795424400',
      snapshot,
      action: 'snapshot',
    });
    const body = {
      node_key: 'k',
      log_type: 'result',
      data: [line('attest_password_manager_macos', [{ name: 'Bitwarden.app' }]), line('attest_screenlock', [])],
    };
    const { records } = devices(JSON.stringify(body));
    assert.equal(records[0]?.externalId, 'h1');
    assert.equal(records[0]?.data.platform, 'macos');
    assert.equal(records[0]?.data.passwordManager, true);
    assert.equal(records[0]?.data.screenLock, null);
    assert.equal(records[0]?.data.lastSeenAt, '2026-11-23T09:00:00.000Z');
  });

  it('keeps the host seen last when two report the same serial', () => {
    const at = (host: string, unixTime: number) =>
      JSON.stringify({
        name: 'attest_system_info',
        hostIdentifier: host,
        unixTime,
        snapshot: [{ hostname: host, hardware_serial: 'SER1' }],
        action: 'snapshot',
      });
    const { push, records } = devices(`${at('old', 100)}\n${at('new', 200)}\n`);
    assert.equal(records.length, 1);
    assert.equal(records[0]?.data.hostname, 'new');
    assert.match(push.warnings[0] ?? '', /old and new|new and old/);
  });

  it('refuses truncated, empty and foreign files, saying what to push', () => {
    const cut = fixture().slice(0, 700);
    assert.throws(
      () => parseOsquery(cut, options),
      (e: Error) => e instanceof ImportError && /line 2 is not complete JSON/.test(e.message),
    );
    assert.throws(() => parseOsquery('', options), /The file is empty/);
    assert.throws(
      () => parseOsquery(read('../../../test/fixtures/trivy/alpine-310.json'), options),
      /Trivy report: push it as trivy/,
    );
    assert.throws(
      () => parseOsquery(read('../../../test/fixtures/trivy/alpine-310.sarif.json'), options),
      /SARIF file/,
    );
    const status =
      '{"hostIdentifier":"h","calendarTime":"x","unixTime":"1","severity":"0","filename":"f.cpp","line":"1","message":"m"}';
    assert.throws(() => parseOsquery(status, options), /status log/);
    const other = '{"name":"pack_it_usb","hostIdentifier":"h","unixTime":1,"snapshot":[],"action":"snapshot"}';
    assert.throws(() => parseOsquery(other, options), /None of the 1 results come from Attest's query pack/);
    assert.throws(() => parseOsquery('{"name":"attest_owner","hostIdentifier":"h"}', options), /has no results/);
  });

  it('recognises every query of the pack it ships', () => {
    const pack = JSON.parse(read('../../content/samples/osquery-pack.conf')) as { queries: Record<string, unknown> };
    const names = Object.keys(pack.queries);
    assert.equal(names.length, 11);
    const input = names
      .map((name) =>
        JSON.stringify({
          name: `pack_attest_${name}`,
          hostIdentifier: 'h',
          unixTime: 1,
          snapshot: [],
          action: 'snapshot',
        }),
      )
      .join('\n');
    assert.deepEqual(devices(input).push.warnings, []);
  });

  it('parses the Northwind Labs sample', () => {
    const { push, records } = devices(read('../../content/samples/osquery.jsonl'));
    assert.deepEqual(push.warnings, []);
    assert.equal(records.length, 8);
    assert.equal(records.filter((r) => r.data.platform === 'macos').length, 4);
    assert.equal(records.filter((r) => r.data.diskEncrypted === false).length, 2);
    assert.equal(records.filter((r) => r.data.osSupported === false).length, 1);
    assert.ok(records.every((r) => r.data.ownerEmail === null || r.data.ownerEmail.endsWith('@northwind.example')));
    assert.equal(records.find((r) => r.externalId === 'nw-build-01')?.data.ownerEmail, null);
  });
});

describe('parseOsquery at scale', () => {
  /** Result lines for `hosts` laptops, four queries each. */
  function resultLines(hosts: number): string {
    const lines: string[] = [];
    for (let i = 0; i < hosts; i++) {
      const host = `host-${i}`;
      for (const [name, row] of [
        ['attest_system_info', { hostname: host, hardware_serial: `S${i}` }],
        ['attest_os_version', { name: 'macOS', version: '15.1', platform: 'darwin' }],
        ['attest_disk_encryption_macos', { encrypted: '1' }],
        ['attest_screenlock', { enabled: '1', grace_period: '0' }],
      ] as const) {
        lines.push(
          JSON.stringify({ name, hostIdentifier: host, unixTime: 1795424400 + i, snapshot: [row], action: 'snapshot' }),
        );
      }
    }
    return lines.join('\n');
  }

  /** The best of three runs' CPU time, so a busy machine does not decide the result. */
  function bestCpuMs(input: string): number {
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 3; run++) {
      const start = process.cpuUsage();
      parseOsquery(input, options);
      const used = process.cpuUsage(start);
      best = Math.min(best, (used.user + used.system) / 1000);
    }
    return Math.max(best, 1);
  }

  // Speed itself is for `npm run bench`; here, that ten times the lines cost about ten times as much.
  it('reads result lines in time linear in their number (2,000 and 20,000 lines)', () => {
    const small = resultLines(500);
    const large = resultLines(5000);
    assert.equal(devices(small).records.length, 500);
    assert.equal(devices(large).records.length, 5000);
    const ratio = bestCpuMs(large) / bestCpuMs(small);
    // Linear is about 10x, quadratic about 100x; the margin absorbs garbage collection of the larger input.
    assert.ok(ratio < 50, `10x the lines took ${ratio.toFixed(1)}x the time`);
  });
});
