import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MasterKey, unwrapKey, wrapKey } from './master-key.js';
import { openWithKey, sealWithKey } from './seal.js';

/** The keyring's primitives (the database side is in test/keyring.test.ts). */
const keys = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((a) => Buffer.from(a));

describe('key wrapping and sealing under a data key', () => {
  it('unwraps what it wrapped, and refuses a wrong key-encrypting key or any flipped bit', () => {
    fc.assert(
      fc.property(keys, keys, keys, fc.nat(), (kek, other, key, bit) => {
        fc.pre(!kek.equals(other));
        const wrapped = wrapKey(kek, key);
        assert.equal(wrapped.length, 40);
        assert.ok(unwrapKey(kek, wrapped).equals(key));
        assert.ok(!wrapped.includes(key.subarray(0, 16)), 'the key is not in its wrapping');
        assert.throws(() => unwrapKey(other, wrapped));
        const flipped = Buffer.from(wrapped);
        const at = bit % (flipped.length * 8);
        flipped[at >> 3] = (flipped[at >> 3] as number) ^ (1 << (at & 7));
        assert.throws(() => unwrapKey(kek, flipped));
      }),
      { numRuns: 200 },
    );
  });

  it('a master key refuses key-encrypting keys another master key wrapped', () => {
    const [a, b] = [MasterKey.generate(), MasterKey.generate()];
    const kek = randomBytes(32);
    assert.ok(a.unwrapKey(a.wrapKey(kek)).equals(kek));
    assert.throws(() => b.unwrapKey(a.wrapKey(kek)));
  });

  it('seals values under a data key: never in the clear, bound to their context, any flipped bit refused', () => {
    fc.assert(
      fc.property(keys, fc.uint8Array({ minLength: 16, maxLength: 4096 }), fc.nat(), (key, data, bit) => {
        const plain = Buffer.from(data);
        const context = 'task-file:org:task';
        const sealed = sealWithKey(key, plain, context);
        assert.ok(openWithKey(key, sealed, context).equals(plain));
        assert.ok(!sealed.includes(plain));
        assert.ok(!sealed.equals(sealWithKey(key, plain, context)), 'a fresh nonce each time');
        assert.throws(() => openWithKey(key, sealed, 'task-file:org:other-task'));
        assert.throws(() => openWithKey(randomBytes(32), sealed, context));
        const flipped = Buffer.from(sealed);
        const at = bit % (flipped.length * 8);
        flipped[at >> 3] = (flipped[at >> 3] as number) ^ (1 << (at & 7));
        assert.throws(() => openWithKey(key, flipped, context));
      }),
      { numRuns: 200 },
    );
  });
});
