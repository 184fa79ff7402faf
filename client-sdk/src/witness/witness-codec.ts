/**
 * Binary forms of the witness-protocol frames. Each starts with a tag byte (which frame)
 * and a version byte; fields follow in a fixed order (integers big-endian, fixed width;
 * keys, nonces and signatures raw; text as u16 length + UTF-8), so one frame has exactly
 * one encoding and a decoder accepts exactly what an encoder produces:
 *
 *   challenge: tag 1 | u8 version | u64 epoch | nonce 32 | u8 n | n x (lease 32 | u64 epoch | signature 64)
 *   answer:    tag 2 | u8 version | u64 epoch | nonce 32 | leases | signature 64
 *   refusal:   tag 3 | u8 version | u8 reason | text message
 *   leases:    u16 n | n x (lease 32 | u8 containerRunning (0 or 1) | u64 provenUntil)
 */
import { PublicKey } from '@solana/web3.js';
import { ByteReader } from '../codec/byte-reader.js';
import { ByteWriter } from '../codec/byte-writer.js';
import { CodecError } from '../codec/codec-error.js';
import { fieldChecks, U64_MAX } from '../codec/field-checks.js';
import type { FieldChecks } from '../codec/field-checks.js';
import { SIGNATURE_LENGTH } from '../identity/signatures.js';
import { WitnessError } from './witness-error.js';
import { NONCE_LENGTH, WITNESS_LIMITS, WITNESS_REFUSAL_REASONS, WITNESS_VERSION } from './witness-messages.js';
import type { Answer, Challenge, LeaseReport, Refusal } from './witness-messages.js';

export const WITNESS_MESSAGE_TAGS = { challenge: 1, answer: 2, refusal: 3 } as const;
export type WitnessMessageKind = keyof typeof WITNESS_MESSAGE_TAGS;

const I64_MAX = (1n << 63n) - 1n;
const check: FieldChecks = fieldChecks((message) => new WitnessError('OUT_OF_RANGE', message));

/** Which witness frame `bytes` holds, from its tag byte; undefined for anything else. */
export function witnessMessageKind(bytes: Uint8Array): WitnessMessageKind | undefined {
  const tag = bytes[0];
  return (Object.keys(WITNESS_MESSAGE_TAGS) as WitnessMessageKind[]).find((kind) => WITNESS_MESSAGE_TAGS[kind] === tag);
}

export function checkChallenge(challenge: Challenge): void {
  check.object('challenge', challenge);
  check.bigint('challenge.epoch', challenge.epoch, 0n, U64_MAX);
  check.bytes('challenge.nonce', challenge.nonce, NONCE_LENGTH);
  check.list('challenge.attestations', challenge.attestations, 0, WITNESS_LIMITS.maxCarriedAttestations);
  challenge.attestations.forEach((a, i) => {
    check.object(`challenge.attestations[${i}]`, a);
    if (!(a.lease instanceof PublicKey)) check.fail(`challenge.attestations[${i}].lease`, 'must be a PublicKey');
    check.bigint(`challenge.attestations[${i}].epoch`, a.epoch, 0n, U64_MAX);
    check.bytes(`challenge.attestations[${i}].signature`, a.signature, SIGNATURE_LENGTH);
  });
}

export function checkLeaseReports(leases: LeaseReport[]): void {
  check.list('answer.leases', leases, 0, WITNESS_LIMITS.maxLeases);
  leases.forEach((l, i) => {
    check.object(`answer.leases[${i}]`, l);
    if (!(l.lease instanceof PublicKey)) check.fail(`answer.leases[${i}].lease`, 'must be a PublicKey');
    if (typeof l.containerRunning !== 'boolean') check.fail(`answer.leases[${i}].containerRunning`, 'must be a boolean');
    check.bigint(`answer.leases[${i}].provenUntil`, l.provenUntil, 0n, I64_MAX);
  });
}

export function checkRefusal(refusal: Refusal): void {
  check.object('refusal', refusal);
  check.oneOf('refusal.reason', refusal.reason, WITNESS_REFUSAL_REASONS);
  check.text('refusal.message', refusal.message, 0, WITNESS_LIMITS.maxRefusalMessageBytes);
}

export function encodeChallenge(challenge: Challenge): Uint8Array {
  checkChallenge(challenge);
  const w = header('challenge').u64(challenge.epoch).fixed(challenge.nonce).u8(challenge.attestations.length);
  for (const a of challenge.attestations) w.fixed(a.lease.toBytes()).u64(a.epoch).fixed(a.signature);
  return checkSize(w.finish());
}

export function decodeChallenge(bytes: Uint8Array): Challenge {
  const challenge = readFrame(bytes, 'challenge', (r) => ({
    epoch: r.u64(),
    nonce: r.fixed(NONCE_LENGTH),
    attestations: readList(r.u8(), () => ({ lease: new PublicKey(r.fixed(32)), epoch: r.u64(), signature: r.fixed(SIGNATURE_LENGTH) })),
  }));
  checkChallenge(challenge);
  return challenge;
}

/** The canonical bytes of a lease list: what an answer's signature covers (hashed). */
export function encodeLeaseReports(leases: LeaseReport[]): Uint8Array {
  checkLeaseReports(leases);
  const w = new ByteWriter();
  writeLeases(w, leases);
  return w.finish();
}

export function encodeAnswer(answer: Answer): Uint8Array {
  check.bigint('answer.epoch', answer.epoch, 0n, U64_MAX);
  check.bytes('answer.nonce', answer.nonce, NONCE_LENGTH);
  checkLeaseReports(answer.leases);
  check.bytes('answer.signature', answer.signature, SIGNATURE_LENGTH);
  const w = header('answer').u64(answer.epoch).fixed(answer.nonce);
  writeLeases(w, answer.leases);
  return checkSize(w.fixed(answer.signature).finish());
}

/** Parses and range-checks an answer without checking its signature (see verifyAnswer). */
export function decodeAnswer(bytes: Uint8Array): Answer {
  const answer = readFrame(bytes, 'answer', (r) => ({
    epoch: r.u64(),
    nonce: r.fixed(NONCE_LENGTH),
    leases: readList(r.u16(), () => ({
      lease: new PublicKey(r.fixed(32)),
      containerRunning: readFlag(r),
      provenUntil: r.u64(),
    })),
    signature: r.fixed(SIGNATURE_LENGTH),
  }));
  checkLeaseReports(answer.leases);
  return answer;
}

export function encodeRefusal(refusal: Refusal): Uint8Array {
  checkRefusal(refusal);
  return checkSize(header('refusal').u8(WITNESS_REFUSAL_REASONS.indexOf(refusal.reason)).text(refusal.message).finish());
}

export function decodeRefusal(bytes: Uint8Array): Refusal {
  const refusal = readFrame(bytes, 'refusal', (r) => ({
    reason: r.oneOf(WITNESS_REFUSAL_REASONS, 'refusal reason'),
    message: r.text(),
  }));
  checkRefusal(refusal);
  return refusal;
}

function header(kind: WitnessMessageKind): ByteWriter {
  return new ByteWriter().u8(WITNESS_MESSAGE_TAGS[kind]).u8(WITNESS_VERSION);
}

function writeLeases(w: ByteWriter, leases: LeaseReport[]): void {
  w.u16(leases.length);
  for (const l of leases) w.fixed(l.lease.toBytes()).u8(l.containerRunning ? 1 : 0).u64(l.provenUntil);
}

function checkSize(bytes: Uint8Array): Uint8Array {
  if (bytes.length > WITNESS_LIMITS.maxMessageBytes) {
    throw new WitnessError('TOO_LARGE', `a witness frame of ${bytes.length} bytes exceeds the ${WITNESS_LIMITS.maxMessageBytes}-byte limit`);
  }
  return bytes;
}

/** Size, tag and version first, then the body; any codec failure becomes WitnessError MALFORMED. */
function readFrame<T>(bytes: Uint8Array, kind: WitnessMessageKind, readBody: (r: ByteReader) => T): T {
  if (!(bytes instanceof Uint8Array)) throw new WitnessError('MALFORMED', `a witness ${kind} must be a Uint8Array`);
  checkSize(bytes);
  if (bytes.length < 2 || bytes[0] !== WITNESS_MESSAGE_TAGS[kind]) {
    throw new WitnessError('MALFORMED', `expected a witness ${kind} (tag ${WITNESS_MESSAGE_TAGS[kind]}), got ${bytes.length === 0 ? 'an empty frame' : `tag ${bytes[0]}`}`);
  }
  if (bytes[1] !== WITNESS_VERSION) {
    throw new WitnessError('BAD_VERSION', `witness protocol version ${bytes[1]} is not supported (this node speaks version ${WITNESS_VERSION}); upgrade the older side`);
  }
  try {
    const r = new ByteReader(bytes.slice());
    r.u8(); // tag and version, checked above
    r.u8();
    const value = readBody(r);
    r.end();
    return value;
  } catch (err) {
    if (err instanceof CodecError) throw new WitnessError('MALFORMED', `witness ${kind}: ${err.message}`, { cause: err });
    throw err;
  }
}

function readList<T>(count: number, readItem: () => T): T[] {
  const items: T[] = [];
  for (let i = 0; i < count; i++) items.push(readItem());
  return items;
}

/** Only 0 and 1, so a flag has one encoding. */
function readFlag(r: ByteReader): boolean {
  const at = r.position;
  const value = r.u8();
  if (value > 1) throw new CodecError(`flag must be 0 or 1, got ${value}`, at);
  return value === 1;
}
