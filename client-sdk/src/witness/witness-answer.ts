/**
 * A host's signed answer to a challenge: the operator key signs
 * WITNESS_ANSWER_DOMAIN || nonce || u64 epoch (big-endian) || sha256(encoded leases),
 * so an answer proves the host itself was online for this very challenge (the nonce is
 * fresh) and vouches for the lease states it lists.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { ByteWriter } from '../codec/byte-writer.js';
import { equalBytes } from '../codec/equal-bytes.js';
import { signWithSolanaSecret, verifySolanaSignature } from '../identity/signatures.js';
import { base58FromSolanaPublicKey } from '../identity/base58.js';
import { decodeAnswer, encodeLeaseReports } from './witness-codec.js';
import { WitnessError } from './witness-error.js';
import { WITNESS_ANSWER_DOMAIN } from './witness-messages.js';
import type { Answer, Challenge, LeaseReport } from './witness-messages.js';

/** The bytes after the domain that an answer's signature covers. */
export function answerSigningBody(nonce: Uint8Array, epoch: bigint, leases: LeaseReport[]): Uint8Array {
  return new ByteWriter().fixed(nonce).u64(epoch).fixed(sha256(encodeLeaseReports(leases))).finish();
}

/** The host's answer to `challenge`, signed with its 64-byte Solana operator secret key. */
export function signAnswer(challenge: Pick<Challenge, 'epoch' | 'nonce'>, leases: LeaseReport[], operatorSecret: Uint8Array): Answer {
  const body = answerSigningBody(challenge.nonce, challenge.epoch, leases);
  return { epoch: challenge.epoch, nonce: challenge.nonce, leases, signature: signWithSolanaSecret(WITNESS_ANSWER_DOMAIN, body, operatorSecret) };
}

/**
 * Decodes an answer and checks it belongs to `challenge` (same epoch, same nonce) and is
 * signed by `operator` (32-byte host operator key). Throws WitnessError (MALFORMED,
 * WRONG_EPOCH, WRONG_NONCE, FORGED_ANSWER, ...).
 */
export function verifyAnswer(bytes: Uint8Array, challenge: Pick<Challenge, 'epoch' | 'nonce'>, operator: Uint8Array): Answer {
  const answer = decodeAnswer(bytes);
  const host = base58FromSolanaPublicKey(operator);
  if (answer.epoch !== challenge.epoch) {
    throw new WitnessError('WRONG_EPOCH', `host ${host} answered for epoch ${answer.epoch}, the challenge was for epoch ${challenge.epoch}`);
  }
  if (!equalBytes(answer.nonce, challenge.nonce)) {
    throw new WitnessError('WRONG_NONCE', `host ${host} answered another challenge's nonce: a replayed or relayed answer`);
  }
  if (!verifySolanaSignature(WITNESS_ANSWER_DOMAIN, answerSigningBody(answer.nonce, answer.epoch, answer.leases), answer.signature, operator)) {
    throw new WitnessError('FORGED_ANSWER', `the answer is not signed by host ${host}'s operator key`);
  }
  return answer;
}
