import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../errors.js';
import {
  assertAcceptablePassword,
  hashPassword,
  needsRehash,
  PASSWORD_MIN,
  passwordProblem,
  verifyPassword,
} from './password.js';

const GOOD = 'plausible-horse-lantern-42';

describe('password policy', () => {
  it('refuses fewer than 12 characters and accepts exactly 12', () => {
    assert.equal(PASSWORD_MIN, 12);
    assert.match(passwordProblem('tangerine-9') ?? '', /at least 12 characters/);
    assert.equal(passwordProblem('')?.includes('at least 12'), true);
    assert.equal(passwordProblem('tangerine-9q'), null);
  });

  it('counts characters as Unicode code points, not UTF-16 units', () => {
    // Six emoji are twelve UTF-16 units but six characters: too short.
    assert.match(passwordProblem('🔑🌲🐙🎻🚲🧭') ?? '', /at least 12 characters/);
    assert.equal(passwordProblem('ñandú-café-größe'), null);
  });

  it('accepts long passphrases (64 and 100 characters)', () => {
    const long = 'violet marmot juggles seventeen copper kettles beside a sleepy harbour at dusk, twice a week';
    assert.ok(long.length >= 64);
    assert.equal(passwordProblem(long.slice(0, 64)), null);
    const hundred = `${long} & more!`.padEnd(100, 'z').slice(0, 100);
    assert.equal(hundred.length, 100);
    assert.equal(passwordProblem(hundred), null);
  });

  it('refuses common passwords, in any case and with digits or symbols added at the end', () => {
    for (const p of [
      'password1234',
      'PASSWORD1234',
      'password123456!',
      'qwertyuiop123',
      'Password2024!!',
      'iloveyou1234567',
    ]) {
      assert.match(passwordProblem(p) ?? '', /common or breached/, p);
    }
  });

  it('refuses passwords of too few different characters', () => {
    assert.match(passwordProblem('abababababababab') ?? '', /too few characters/);
  });

  it('refuses passwords built from the name, the email or the organisation', () => {
    const context = ['grace.hopper', 'Grace Hopper', 'Navy Research Lab'];
    for (const p of [
      'grace.hopper-1906!',
      'my name is grace hopper',
      'GraceHopper-cobol-1906',
      'hopper-cobol-compiler',
      'tangerine-research-bolt',
    ]) {
      assert.match(passwordProblem(p, context) ?? '', /name, email or organisation/, p);
    }
    // Short words of the context (under four characters) are not held against the password.
    assert.equal(passwordProblem('lab-tangerine-bolt', context), null);
    assert.equal(passwordProblem(GOOD, context), null);
  });

  it('throws weak_password with the reason as a field error', () => {
    assert.throws(
      () => assertAcceptablePassword('short'),
      (error: unknown) =>
        error instanceof AppError &&
        error.code === 'weak_password' &&
        error.status === 422 &&
        error.extra.errors?.[0]?.path === 'password',
    );
    assert.doesNotThrow(() => assertAcceptablePassword(GOOD));
  });
});

describe('password hashing', () => {
  it('hashes with argon2id, 19 MiB, two passes, one lane, and a random salt', async () => {
    const hash = await hashPassword(GOOD);
    // PHC string format: $argon2id$v=19$<name=value,…>$<salt>$<hash> (parameter order varies).
    const [empty, id, version, params, salt, digest, ...rest] = hash.split('$');
    assert.deepEqual([empty, id, version, rest], ['', 'argon2id', 'v=19', []], hash);
    const settings = Object.fromEntries((params ?? '').split(',').map((kv) => kv.split('=')));
    assert.deepEqual(settings, { m: '19456', t: '2', p: '1' });
    assert.ok(Buffer.from(salt ?? '', 'base64').length >= 16, 'salt of at least 128 bits');
    assert.ok(Buffer.from(digest ?? '', 'base64').length >= 32, 'hash of at least 256 bits');
    assert.notEqual(await hashPassword(GOOD), hash, 'each hash has its own salt');
    assert.equal(needsRehash(hash), false);
  });

  it('verifies the right password and refuses a wrong or malformed one', async () => {
    const hash = await hashPassword(GOOD);
    assert.equal(await verifyPassword(hash, GOOD), true);
    assert.equal(await verifyPassword(hash, `${GOOD} `), false);
    assert.equal(await verifyPassword(hash, ''), false);
    assert.equal(await verifyPassword('not-a-hash', GOOD), false);
  });

  it('asks for a rehash of hashes made with weaker settings', async () => {
    const argon2 = (await import('argon2')).default;
    const weak = await argon2.hash(GOOD, { type: argon2.argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    assert.equal(needsRehash(weak), true);
    assert.equal(await verifyPassword(weak, GOOD), true);
  });
});
