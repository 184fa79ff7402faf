/**
 * The handshake of the authenticated access protocols, and the refusal any host answer may be:
 *
 *   challenge: tag 1 | u8 version | challenge 32              host -> renter, first frame
 *   auth:      tag 2 | u8 version | lease 32 | signature 64 | request (the rest)
 *   refusal:   tag 3 | u8 version | u8 reason | text message
 */
import { PublicKey } from '@solana/web3.js';
import type { FieldChecks } from '../codec/field-checks.js';
import { SIGNATURE_LENGTH } from '../identity/signatures.js';
import { rules } from './field-rules.js';
import { ACCESS_LIMITS } from './limits.js';
import { REFUSAL_REASONS } from './types.js';
import type { AccessAuth, Refusal } from './types.js';
import { finishMessage, messageWriter, readAccessMessage } from './wire.js';

export function encodeChallenge(challenge: Uint8Array): Uint8Array {
  rules('BAD_REQUEST').bytes('challenge', challenge, ACCESS_LIMITS.challengeBytes);
  return finishMessage('challenge', messageWriter('challenge').fixed(challenge));
}

export function decodeChallenge(bytes: Uint8Array): Uint8Array {
  return readAccessMessage(bytes, 'challenge', (r) => r.fixed(ACCESS_LIMITS.challengeBytes));
}

export function encodeAuth(auth: AccessAuth): Uint8Array {
  const check: FieldChecks = rules('BAD_REQUEST');
  check.bytes('auth.signature', auth.signature, SIGNATURE_LENGTH);
  if (!(auth.request instanceof Uint8Array)) check.fail('auth.request', 'must be the encoded request bytes');
  const w = messageWriter('auth').fixed(auth.lease.toBytes()).fixed(auth.signature).fixed(auth.request);
  return finishMessage('auth', w);
}

export function decodeAuth(bytes: Uint8Array): AccessAuth {
  return readAccessMessage(bytes, 'auth', (r) => ({
    lease: new PublicKey(r.fixed(32)),
    signature: r.fixed(SIGNATURE_LENGTH),
    request: r.fixed(r.remaining),
  }));
}

export function encodeRefusal(refusal: Refusal): Uint8Array {
  const check: FieldChecks = rules('BAD_REQUEST');
  check.oneOf('refusal.reason', refusal.reason, REFUSAL_REASONS);
  check.text('refusal.message', refusal.message, 0, ACCESS_LIMITS.maxRefusalMessageBytes);
  return finishMessage('refusal', messageWriter('refusal').u8(REFUSAL_REASONS.indexOf(refusal.reason)).text(refusal.message));
}

export function decodeRefusal(bytes: Uint8Array): Refusal {
  const refusal = readAccessMessage(bytes, 'refusal', (r) => ({ reason: r.oneOf(REFUSAL_REASONS, 'refusal reason'), message: r.text() }));
  rules('MALFORMED').text('refusal.message', refusal.message, 0, ACCESS_LIMITS.maxRefusalMessageBytes);
  return refusal;
}

/**
 * A refusal message cut to the wire limit (keeping the start, which names the cause), with
 * control characters replaced: error texts from engines may carry newlines.
 */
export function refusalText(message: string): string {
  const clean = message.replace(/[\p{Cc}\p{Cs}]/gu, ' ');
  const max = ACCESS_LIMITS.maxRefusalMessageBytes;
  const bytes = new TextEncoder().encode(clean);
  if (bytes.length <= max) return clean;
  return new TextDecoder().decode(bytes.subarray(0, max - 3)).replace(/\uFFFD+$/, '') + '...';
}

