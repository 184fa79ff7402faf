// The witness protocol's frames and the answer signature: exact round trips, one encoding
// per frame, and every malformed, oversized, forged or mismatched input refused by name.
import { randomBytes } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair } from '@solana/web3.js';
import {
  WITNESS_LIMITS, WitnessError, decodeAnswer, decodeChallenge, decodeRefusal, encodeAnswer, encodeChallenge, encodeRefusal,
  epochAt, epochStartMs, signAnswer, verifyAnswer, witnessMessageKind,
} from '../src/witness/index.js';
import type { Challenge, LeaseReport } from '../src/witness/index.js';

const host = Keypair.generate();
const lease = (running: boolean, provenUntil = 1_700_000_000n): LeaseReport => ({ lease: Keypair.generate().publicKey, containerRunning: running, provenUntil });
const challenge = (epoch = 12345n): Challenge => ({
  epoch,
  nonce: new Uint8Array(randomBytes(32)),
  attestations: [
    { lease: Keypair.generate().publicKey, epoch: epoch - 1n, signature: new Uint8Array(randomBytes(64)) },
    { lease: Keypair.generate().publicKey, epoch: epoch - 1n, signature: new Uint8Array(randomBytes(64)) },
  ],
});

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    assert.instance(err, WitnessError);
    return (err as WitnessError).code;
  }
  throw new Error('expected a WitnessError');
}

test('a challenge round-trips exactly and its encoding is the only one', () => {
  const c = challenge();
  const bytes = encodeChallenge(c);
  assert.is(witnessMessageKind(bytes), 'challenge');
  assert.equal(decodeChallenge(bytes), c);
  assert.equal(encodeChallenge(decodeChallenge(bytes)), bytes);
  assert.is(codeOf(() => decodeChallenge(Uint8Array.from([...bytes, 0]))), 'MALFORMED', 'a trailing byte');
  assert.is(codeOf(() => decodeChallenge(bytes.subarray(0, bytes.length - 1))), 'MALFORMED', 'a truncated frame');
});

test('an answer signed by the host verifies; lease flags are 0 or 1 only', () => {
  const c = challenge();
  const leases = [lease(true), lease(false, 0n)];
  const bytes = encodeAnswer(signAnswer(c, leases, host.secretKey));
  assert.is(witnessMessageKind(bytes), 'answer');
  const answer = verifyAnswer(bytes, c, host.publicKey.toBytes());
  assert.equal(answer.leases.map((l) => [l.lease.toBase58(), l.containerRunning, l.provenUntil]), leases.map((l) => [l.lease.toBase58(), l.containerRunning, l.provenUntil]));
  const flagAt = 2 + 8 + 32 + 2 + 32;
  const twoFlag = bytes.slice();
  twoFlag[flagAt] = 2;
  assert.is(codeOf(() => decodeAnswer(twoFlag)), 'MALFORMED');
});

test('forged answers are refused: another key, another nonce, another epoch, altered leases', () => {
  const c = challenge();
  const operator = host.publicKey.toBytes();
  const impostor = Keypair.generate();
  assert.is(codeOf(() => verifyAnswer(encodeAnswer(signAnswer(c, [], impostor.secretKey)), c, operator)), 'FORGED_ANSWER');
  const otherNonce = { ...c, nonce: new Uint8Array(randomBytes(32)) };
  assert.is(codeOf(() => verifyAnswer(encodeAnswer(signAnswer(otherNonce, [], host.secretKey)), c, operator)), 'WRONG_NONCE');
  assert.is(codeOf(() => verifyAnswer(encodeAnswer(signAnswer({ ...c, epoch: c.epoch + 1n }, [], host.secretKey)), c, operator)), 'WRONG_EPOCH');
  // A man in the middle flips a container to running: the leases hash no longer matches.
  const honest = signAnswer(c, [lease(false)], host.secretKey);
  const altered = { ...honest, leases: [{ ...honest.leases[0]!, containerRunning: true }] };
  assert.is(codeOf(() => verifyAnswer(encodeAnswer(altered), c, operator)), 'FORGED_ANSWER');
  // A replay of an old answer to a new challenge.
  assert.is(codeOf(() => verifyAnswer(encodeAnswer(honest), challenge(), operator)), 'WRONG_NONCE');
});

test('limits: too many leases or attestations, oversized and unknown frames are refused', () => {
  const c = challenge();
  const tooMany = Array.from({ length: WITNESS_LIMITS.maxLeases + 1 }, () => lease(true));
  assert.is(codeOf(() => signAnswer(c, tooMany, host.secretKey)), 'OUT_OF_RANGE');
  const carried = Array.from({ length: WITNESS_LIMITS.maxCarriedAttestations + 1 }, (_, i) => ({ lease: Keypair.generate().publicKey, epoch: BigInt(i), signature: new Uint8Array(64) }));
  assert.is(codeOf(() => encodeChallenge({ ...c, attestations: carried })), 'OUT_OF_RANGE');
  // The most a challenge carries fits a frame, and names each lease.
  const full = encodeChallenge({ ...c, attestations: carried.slice(1) });
  assert.ok(full.length <= WITNESS_LIMITS.maxMessageBytes, `${full.length} bytes`);
  assert.equal(decodeChallenge(full).attestations.map((a) => a.lease.toBase58()), carried.slice(1).map((a) => a.lease.toBase58()));
  assert.is(codeOf(() => encodeChallenge({ ...c, attestations: [{ ...carried[0]!, lease: 'not a key' as never }] })), 'OUT_OF_RANGE');
  assert.is(codeOf(() => encodeChallenge({ ...c, nonce: new Uint8Array(31) })), 'OUT_OF_RANGE');
  assert.is(codeOf(() => decodeChallenge(new Uint8Array(WITNESS_LIMITS.maxMessageBytes + 1))), 'TOO_LARGE');
  assert.is(codeOf(() => decodeChallenge(new Uint8Array(0))), 'MALFORMED');
  assert.is(codeOf(() => decodeChallenge(Uint8Array.from([1, 9, ...new Uint8Array(41)]))), 'BAD_VERSION');
  assert.is(witnessMessageKind(Uint8Array.from([7, 1])), undefined);
  assert.is(codeOf(() => signAnswer(c, [lease(true, -1n)], host.secretKey)), 'OUT_OF_RANGE');
});

test('a refusal round-trips; its message is capped and its reason must be known', () => {
  const refusal = { reason: 'NOT_A_WITNESS' as const, message: 'peer X is not a witness' };
  assert.equal(decodeRefusal(encodeRefusal(refusal)), refusal);
  assert.is(codeOf(() => encodeRefusal({ reason: 'NOT_A_WITNESS', message: 'x'.repeat(WITNESS_LIMITS.maxRefusalMessageBytes + 1) })), 'OUT_OF_RANGE');
  const bytes = encodeRefusal(refusal);
  bytes[2] = 200;
  assert.is(codeOf(() => decodeRefusal(bytes)), 'MALFORMED');
});

test('epochs are floor(unix seconds / epoch length), as the program counts them', () => {
  assert.is(epochAt(1_700_000_001_999, 60n), 1_700_000_001n / 60n);
  assert.is(epochStartMs(28_333_333n, 60n), 28_333_333 * 60_000);
  assert.is(epochAt(epochStartMs(7n, 3n), 3n), 7n);
  assert.is(epochAt(epochStartMs(7n, 3n) - 1, 3n), 6n);
});

test.run();
