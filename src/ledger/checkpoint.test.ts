import assert from 'node:assert/strict';
import { createHash, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  checkpointBody,
  ledgerOrigin,
  parseCheckpointBody,
  parseVerifierKey,
  signNote,
  verifierKey,
  verifyNote,
} from './checkpoint.js';

/** An Ed25519 private key from its 32-byte seed (PKCS #8 DER). */
function fromSeed(seed: Buffer) {
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

/**
 * The example of Go's golang.org/x/mod/sumdb/note package documentation (BSD-3-Clause), the
 * reference implementation of C2SP signed notes: Ed25519 is deterministic, so signing the
 * same text with the same key must give the same note, byte for byte.
 */
const GO_SIGNER = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_VERIFIER = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

const orgId = '0b5c7e6e-2f7e-4c55-9d2a-9a0c1e7b1c11';
const origin = ledgerOrigin(orgId);
const root = createHash('sha256').update('a root').digest();

function keyPair(name = origin) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { name, privateKey, verifier: { name, publicKey: verifierKey(name, publicKey) } };
}

describe('signed checkpoints (C2SP tlog-checkpoint in a signed note)', () => {
  it("signs and writes keys exactly as Go's sumdb/note does (known answer)", () => {
    const seed = Buffer.from(GO_SIGNER.split('+').slice(4).join('+'), 'base64').subarray(1);
    const privateKey = fromSeed(seed);
    assert.equal(verifierKey('PeterNeumann', privateKey), GO_VERIFIER);
    assert.equal(signNote(GO_TEXT, { name: 'PeterNeumann', privateKey }), GO_NOTE);
    const parsed = parseVerifierKey(GO_VERIFIER);
    assert.equal(parsed.name, 'PeterNeumann');
    assert.equal(parsed.keyHash.toString('hex'), 'c74f20a3');
    // The Go note is not a checkpoint, so it verifies and then fails as a body.
    assert.throws(() => verifyNote(GO_NOTE, [{ name: 'PeterNeumann', publicKey: GO_VERIFIER }]), /checkpoint: /);
  });

  it('round-trips a checkpoint: body, signature, verification', () => {
    const k = keyPair();
    const body = checkpointBody({ origin, size: 42, rootHash: root });
    assert.equal(body, `${origin}\n42\n${root.toString('base64')}\n`);
    const note = signNote(body, k);
    assert.match(
      note,
      new RegExp(
        `^${body.replace(/[.+/]/g, '\\$&')}\\n\u2014 ${origin.replace(/[.+/]/g, '\\$&')} [A-Za-z0-9+/]+=*\\n$`,
      ),
    );
    const cp = verifyNote(note, [k.verifier]);
    assert.equal(cp.origin, origin);
    assert.equal(cp.size, 42);
    assert.deepEqual(cp.rootHash, root);
    assert.deepEqual(parseCheckpointBody(body), cp);
    // The raw public key works too, given the name.
    // The key's base64 may itself contain "+": it is everything after the second one.
    const material = k.verifier.publicKey.split('+').slice(2).join('+');
    const raw = Buffer.from(material, 'base64').subarray(1).toString('base64');
    assert.equal(verifyNote(note, [{ name: origin, publicKey: raw }]).size, 42);
  });

  it('ignores signatures from unknown keys, but needs one from a known key', () => {
    const ours = keyPair();
    const witness = keyPair('witness.example/w1');
    const body = checkpointBody({ origin, size: 7, rootHash: root });
    const ourNote = signNote(body, ours);
    const theirLine = signNote(body, witness).slice(body.length + 1);
    const cosigned = `${ourNote}${theirLine}`;
    assert.equal(verifyNote(cosigned, [ours.verifier]).size, 7);
    assert.equal(verifyNote(cosigned, [witness.verifier]).size, 7);
    // A key with the same name but another key hash is someone else: ignored, so nothing verifies.
    const impostor = keyPair();
    assert.throws(() => verifyNote(cosigned, [impostor.verifier]), /not signed by a known key/);
    assert.throws(() => verifyNote(signNote(body, impostor), [ours.verifier]), /not signed by a known key/);
  });

  it('refuses a changed body, a changed signature, a forged line and malformed notes', () => {
    const k = keyPair();
    const note = signNote(checkpointBody({ origin, size: 9, rootHash: root }), k);
    const tamperedBody = note.replace('\n9\n', '\n10\n');
    assert.throws(() => verifyNote(tamperedBody, [k.verifier]), /does not verify/);
    const sigStart = note.lastIndexOf(' ') + 1;
    const sig = Buffer.from(note.slice(sigStart, -1), 'base64');
    sig[10] = (sig[10] as number) ^ 1;
    assert.throws(
      () => verifyNote(`${note.slice(0, sigStart)}${sig.toString('base64')}\n`, [k.verifier]),
      /does not verify/,
    );
    // Someone else's signature under our name and key hash.
    const forger = keyPair();
    const forged = signNote(checkpointBody({ origin, size: 10, rootHash: root }), forger);
    const ourId = Buffer.from(note.slice(sigStart, -1), 'base64').subarray(0, 4);
    const blob = Buffer.from(forged.slice(forged.lastIndexOf(' ') + 1, -1), 'base64');
    ourId.copy(blob, 0);
    assert.throws(
      () => verifyNote(`${forged.slice(0, forged.lastIndexOf(' ') + 1)}${blob.toString('base64')}\n`, [k.verifier]),
      /does not verify/,
    );
    for (const bad of [
      note.replace('\n\n', '\n'), // no blank line
      note.slice(0, -1), // no final newline
      note.replace('\u2014 ', '- '), // not an em dash
      `${note}\u2014 ${origin}\n`, // signature without a blob
      note.replace(origin, `${origin}\u0007`), // a control character
      `${note}${note.slice(note.lastIndexOf('\n\n') + 2)}`, // the same key twice
    ]) {
      assert.throws(() => verifyNote(bad, [k.verifier]), Error, JSON.stringify(bad));
    }
  });

  it('refuses malformed checkpoint bodies and verifier keys', () => {
    for (const body of [
      `${origin}\n`,
      `${origin}\n01\n${root.toString('base64')}\n`,
      `${origin}\n-1\n${root.toString('base64')}\n`,
      `${origin}\n1\n${root.subarray(1).toString('base64')}\n`,
      `${origin}\n1\n${root.toString('base64')}`,
      `\n1\n${root.toString('base64')}\n`,
    ]) {
      assert.throws(() => parseCheckpointBody(body), Error, JSON.stringify(body));
    }
    assert.equal(parseCheckpointBody(`${origin}\n1\n${root.toString('base64')}\nextension line\n`).size, 1);
    assert.throws(() => parseVerifierKey(GO_VERIFIER.replace('c74f20a3', 'c74f20a4')), /key hash does not match/);
    assert.throws(() => parseVerifierKey(GO_VERIFIER.replace('PeterNeumann', 'PeterNewman')), /key hash/);
    assert.throws(() => parseVerifierKey('PeterNeumann+c74f20a3'), /expected/);
    assert.throws(() => checkpointBody({ origin: 'has space', size: 1, rootHash: root }), /origin/);
  });
});
