/**
 * Frames of the long-lived streams (shell, logs), after `accepted`:
 *
 *   data:   tag 13 | u8 version | payload (the rest, 0..maxChunkBytes)   both ways on a shell; host -> renter on logs
 *   resize: tag 14 | u8 version | u16 cols | u16 rows                     renter -> host on a shell
 *   exit:   tag 15 | u8 version | u8 hasCode | u32 code (two's complement) host -> renter: the shell's command ended
 *   end:    tag 16 | u8 version                                          host -> renter: no more log output
 *
 * A host may also end either stream with a refusal (the session failed).
 */
import { CodecError } from '../codec/codec-error.js';
import { checkTerminalSize, rules } from './field-rules.js';
import { ACCESS_LIMITS } from './limits.js';
import type { TerminalSize } from './types.js';
import { finishMessage, messageWriter, readAccessMessage, readFlag } from './wire.js';

export function encodeData(payload: Uint8Array): Uint8Array {
  if (!(payload instanceof Uint8Array)) rules('BAD_REQUEST').fail('data', 'must be bytes');
  return finishMessage('data', messageWriter('data').fixed(payload));
}

export function decodeData(bytes: Uint8Array): Uint8Array {
  return readAccessMessage(bytes, 'data', (r) => r.fixed(r.remaining));
}

/** `bytes` cut into payloads of at most maxChunkBytes (data frames). */
export function chunks(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += ACCESS_LIMITS.maxChunkBytes) out.push(bytes.subarray(at, at + ACCESS_LIMITS.maxChunkBytes));
  return out;
}

export function encodeResize(size: TerminalSize): Uint8Array {
  checkTerminalSize(rules('BAD_REQUEST'), 'resize', size);
  return finishMessage('resize', messageWriter('resize').u16(size.cols).u16(size.rows));
}

export function decodeResize(bytes: Uint8Array): TerminalSize {
  const size = readAccessMessage(bytes, 'resize', (r) => ({ cols: r.u16(), rows: r.u16() }));
  checkTerminalSize(rules('MALFORMED'), 'resize', size);
  return size;
}

/** The exit code of the shell's command; null when the host lost it (the engine's connection broke). */
export function encodeExit(exitCode: number | null): Uint8Array {
  if (exitCode !== null) rules('BAD_REQUEST').integer('exit code', exitCode, -(2 ** 31), 2 ** 31 - 1);
  return finishMessage('exit', messageWriter('exit').u8(exitCode === null ? 0 : 1).u32(exitCode === null ? 0 : exitCode >>> 0));
}

export function decodeExit(bytes: Uint8Array): number | null {
  return readAccessMessage(bytes, 'exit', (r) => {
    const hasCode = readFlag(r, 'exit.hasCode');
    const at = r.position;
    const code = r.u32() | 0;
    if (!hasCode && code !== 0) throw new CodecError('exit code must be 0 when there is none', at);
    return hasCode ? code : null;
  });
}

export function encodeEnd(): Uint8Array {
  return finishMessage('end', messageWriter('end'));
}

export function decodeEnd(bytes: Uint8Array): void {
  readAccessMessage(bytes, 'end', () => undefined);
}
