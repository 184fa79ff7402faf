/**
 * Framing shared by every access message: `u8 tag | u8 version | fields`. Integers are
 * big-endian and fixed width, text is u16 length + UTF-8, byte strings are u32 length +
 * bytes, keys and signatures are raw fixed-size bytes; one value has one encoding.
 * Tags are unique across the access protocols, so a message sent on the wrong stream is
 * recognised as such.
 */
import { ByteReader } from '../codec/byte-reader.js';
import { ByteWriter } from '../codec/byte-writer.js';
import { CodecError } from '../codec/codec-error.js';
import { AccessError } from './errors.js';
import { MAX_MESSAGE_BYTES } from './limits.js';
import type { AccessMessageKind } from './limits.js';
import { ACCESS_VERSION } from './types.js';

export const ACCESS_TAGS: Readonly<Record<AccessMessageKind, number>> = {
  challenge: 1,
  auth: 2,
  refusal: 3,
  openRequest: 4,
  accessDetails: 5,
  execRequest: 6,
  execResult: 7,
  shellRequest: 8,
  logsRequest: 9,
  statsRequest: 10,
  leaseStats: 11,
  accepted: 12,
  data: 13,
  resize: 14,
  exit: 15,
  end: 16,
  receipt: 17,
  receiptOutcome: 18,
};

const KINDS = Object.keys(ACCESS_TAGS) as AccessMessageKind[];

/** Which access message `bytes` holds, from its tag byte; undefined for anything else. */
export function accessMessageKind(bytes: Uint8Array): AccessMessageKind | undefined {
  const tag = bytes[0];
  return KINDS.find((kind) => ACCESS_TAGS[kind] === tag);
}

/** A writer with the message's tag and version already written. */
export function messageWriter(kind: AccessMessageKind): ByteWriter {
  return new ByteWriter().u8(ACCESS_TAGS[kind]).u8(ACCESS_VERSION);
}

/** The finished message; throws AccessError TOO_LARGE past the kind's limit (a caller asked for too much). */
export function finishMessage(kind: AccessMessageKind, w: ByteWriter): Uint8Array {
  const bytes = w.finish();
  if (bytes.length > MAX_MESSAGE_BYTES[kind]) {
    throw new AccessError('TOO_LARGE', `${kind} of ${bytes.length} bytes exceeds the ${MAX_MESSAGE_BYTES[kind]}-byte limit: send less`);
  }
  return bytes;
}

/** A u32-length-prefixed byte string. */
export function writeBytes(w: ByteWriter, bytes: Uint8Array): ByteWriter {
  return w.u32(bytes.length).fixed(bytes);
}

export function readBytes(r: ByteReader): Uint8Array {
  return r.fixed(r.u32());
}

/** A 0/1 byte; anything else is malformed (one value, one encoding). */
export function readFlag(r: ByteReader, what: string): boolean {
  const at = r.position;
  const value = r.u8();
  if (value > 1) throw new CodecError(`${what} must be 0 or 1, got ${value}`, at);
  return value === 1;
}

/**
 * Checks size, tag and version, runs `read` on the fields and requires that it consumes
 * every byte. Any defect is AccessError MALFORMED, TOO_LARGE or BAD_VERSION.
 */
export function readAccessMessage<T>(bytes: Uint8Array, kind: AccessMessageKind, read: (r: ByteReader) => T): T {
  if (!(bytes instanceof Uint8Array)) throw new AccessError('MALFORMED', `a ${kind} message must be a Uint8Array`);
  if (bytes.length > MAX_MESSAGE_BYTES[kind]) {
    throw new AccessError('TOO_LARGE', `${kind} of ${bytes.length} bytes exceeds the ${MAX_MESSAGE_BYTES[kind]}-byte limit`);
  }
  const actual = accessMessageKind(bytes);
  if (actual !== kind) {
    throw new AccessError('MALFORMED', `expected a ${kind} message, got ${actual === undefined ? `tag ${bytes[0] ?? '(empty)'}` : `a ${actual}`}`);
  }
  if (bytes.length < 2) throw new AccessError('MALFORMED', `${kind}: truncated before its version byte`);
  if (bytes[1] !== ACCESS_VERSION) {
    throw new AccessError('BAD_VERSION', `${kind} version ${bytes[1]} is not supported (this SDK speaks version ${ACCESS_VERSION}); upgrade the older side`);
  }
  try {
    const reader = new ByteReader(bytes.subarray(2));
    const value = read(reader);
    reader.end();
    return value;
  } catch (err) {
    if (err instanceof CodecError) throw new AccessError('MALFORMED', `${kind}: ${err.message}`, { cause: err });
    throw err;
  }
}
