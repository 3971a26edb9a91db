import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generate } from 'otplib';
import { matchTotp, newTotpSecret, TOTP_PERIOD, totpUri } from './totp.js';

/** RFC 6238 Appendix B: ASCII seeds of 20, 32 and 64 bytes, 8 digits, 30-second steps. */
const SEEDS = {
  sha1: '12345678901234567890',
  sha256: '12345678901234567890123456789012',
  sha512: '1234567890123456789012345678901234567890123456789012345678901234',
} as const;

const VECTORS: { time: number; sha1: string; sha256: string; sha512: string }[] = [
  { time: 59, sha1: '94287082', sha256: '46119246', sha512: '90693936' },
  { time: 1111111109, sha1: '07081804', sha256: '68084774', sha512: '25091201' },
  { time: 1111111111, sha1: '14050471', sha256: '67062674', sha512: '99943326' },
  { time: 1234567890, sha1: '89005924', sha256: '91819424', sha512: '93441116' },
  { time: 2000000000, sha1: '69279037', sha256: '90698825', sha512: '38618901' },
  { time: 20000000000, sha1: '65353130', sha256: '77737706', sha512: '47863826' },
];

describe('TOTP (RFC 6238)', () => {
  it('otplib produces every RFC 6238 Appendix B test vector', async () => {
    for (const v of VECTORS) {
      for (const algorithm of ['sha1', 'sha256', 'sha512'] as const) {
        const code = await generate({
          strategy: 'totp',
          secret: new TextEncoder().encode(SEEDS[algorithm]),
          algorithm,
          digits: 8,
          epoch: v.time,
        });
        assert.equal(code, v[algorithm], `${algorithm} at T=${v.time}`);
      }
    }
  });

  // A time in the middle of a step, so the window edges are not what is being tested.
  const at = new Date(1_800_000_015_000);
  const stepAt = (offsetSteps: number) => Math.floor(at.getTime() / 1000 / TOTP_PERIOD) + offsetSteps;
  const codeAt = (secret: string, offsetSteps: number) =>
    generate({ strategy: 'totp', secret, epoch: Math.floor(at.getTime() / 1000) + offsetSteps * TOTP_PERIOD });

  it('accepts the current code and one step either side, returning the step it matched', async () => {
    const secret = newTotpSecret();
    for (const offset of [-1, 0, 1]) {
      assert.equal(await matchTotp(secret, await codeAt(secret, offset), at), stepAt(offset), `offset ${offset}`);
    }
  });

  it('accepts ±1 step at both edges of the current step', async () => {
    const secret = newTotpSecret();
    for (const edge of [new Date(1_800_000_000_000), new Date(1_800_000_029_999)]) {
      const epoch = Math.floor(edge.getTime() / 1000);
      const step = Math.floor(epoch / TOTP_PERIOD);
      for (const offset of [-1, 1]) {
        const code = await generate({ strategy: 'totp', secret, epoch: epoch + offset * TOTP_PERIOD });
        assert.equal(await matchTotp(secret, code, edge), step + offset, `offset ${offset} at ${edge.toISOString()}`);
      }
    }
  });

  /** The codes accepted at `at`: a code made otherwise may equal one of them by chance. */
  const window = async (secret: string) => Promise.all([-1, 0, 1].map((o) => codeAt(secret, o)));

  it('refuses codes two or more steps away', async () => {
    const secret = newTotpSecret();
    const accepted = await window(secret);
    for (const offset of [-3, -2, 2, 3]) {
      const code = await codeAt(secret, offset);
      if (accepted.includes(code)) continue;
      assert.equal(await matchTotp(secret, code, at), null, `offset ${offset}`);
    }
  });

  it('refuses a code made with another secret', async () => {
    const secret = newTotpSecret();
    const accepted = await window(secret);
    let other = await codeAt(newTotpSecret(), 0);
    while (accepted.includes(other)) other = await codeAt(newTotpSecret(), 0);
    assert.equal(await matchTotp(secret, other, at), null);
  });

  it('refuses input that is not exactly six digits', async () => {
    const secret = newTotpSecret();
    const good = await codeAt(secret, 0);
    assert.notEqual(await matchTotp(secret, good, at), null);
    for (const bad of [
      '',
      'abcdef',
      `${good.slice(0, 5)}a`,
      good.slice(0, 5),
      `${good}0`,
      ` ${good}`,
      `${good.slice(0, 3)} ${good.slice(3)}`,
      `-${good.slice(1)}`,
      '１２３４５６',
    ]) {
      assert.equal(await matchTotp(secret, bad, at), null, JSON.stringify(bad));
    }
  });

  it('makes 160-bit base32 secrets and an otpauth URI for 6 digits every 30 seconds', () => {
    const secret = newTotpSecret();
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.notEqual(newTotpSecret(), secret);
    const uri = new URL(totpUri(secret, 'ada@example.test'));
    assert.equal(uri.protocol, 'otpauth:');
    assert.equal(uri.host, 'totp');
    assert.equal(uri.searchParams.get('secret'), secret);
    assert.equal(uri.searchParams.get('issuer'), 'Attest');
    assert.equal(uri.searchParams.get('digits') ?? '6', '6');
    assert.equal(uri.searchParams.get('period') ?? '30', '30');
  });
});
