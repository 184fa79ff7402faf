/**
 * What the host answers on success:
 *
 *   accessDetails: tag 5 | u8 version | lease 32 | renter 32 | text container | text image | u64 maxEnd
 *   execResult:    tag 7 | u8 version | u32 exitCode (two's complement) | u8 truncated | bytes stdout | bytes stderr
 *   leaseStats:    tag 11 | u8 version | u32 cpu (hundredths of a percent) | u64 memoryBytes | u64 memoryLimit
 *                  | u64 netRx | u64 netTx | u32 pids | u64 uptimeSecs | u64 provenUntil | u64 costSoFar
 *                  | u64 provenCost | u64 deposit | u64 maxEnd
 *   accepted:      tag 12 | u8 version                        (a shell or log stream starts)
 */
import { base58Encode, solanaPublicKeyFromBase58 } from '../identity/base58.js';
import { U32_MAX } from '../codec/field-checks.js';
import type { FieldChecks } from '../codec/field-checks.js';
import { rules } from './field-rules.js';
import { ACCESS_LIMITS } from './limits.js';
import type { AccessDetails, ExecResult, LeaseStats } from './types.js';
import { finishMessage, messageWriter, readAccessMessage, readBytes, readFlag, writeBytes } from './wire.js';

const I64_MAX = (1n << 63n) - 1n;
const I32_MIN = -(2 ** 31);
const I32_MAX = 2 ** 31 - 1;
const utf8 = new TextEncoder();
const lenientUtf8 = new TextDecoder();

export function encodeAccessDetails(details: AccessDetails): Uint8Array {
  checkAccessDetails(rules('BAD_REQUEST'), details);
  const w = messageWriter('accessDetails')
    .fixed(solanaPublicKeyFromBase58(details.lease))
    .fixed(solanaPublicKeyFromBase58(details.renter))
    .text(details.container)
    .text(details.image)
    .u64(details.maxEnd);
  return finishMessage('accessDetails', w);
}

export function decodeAccessDetails(bytes: Uint8Array): AccessDetails {
  const details = readAccessMessage(bytes, 'accessDetails', (r) => ({
    lease: base58Encode(r.fixed(32)),
    renter: base58Encode(r.fixed(32)),
    container: r.text(),
    image: r.text(),
    maxEnd: r.u64(),
  }));
  checkAccessDetails(rules('MALFORMED'), details);
  return details;
}

function checkAccessDetails(check: FieldChecks, details: AccessDetails): void {
  check.object('details', details);
  check.solanaAddress('details.lease', details.lease);
  check.solanaAddress('details.renter', details.renter);
  check.token('details.container', details.container, 1, ACCESS_LIMITS.maxNameBytes);
  check.token('details.image', details.image, 1, ACCESS_LIMITS.maxNameBytes);
  check.bigint('details.maxEnd', details.maxEnd, 0n, I64_MAX);
}

/**
 * Output is cut to ACCESS_LIMITS.maxExecOutputBytes of UTF-8 per stream here, whatever the
 * runtime kept: its text may grow when re-encoded (binary output decodes to U+FFFD).
 */
export function encodeExecResult(result: ExecResult): Uint8Array {
  const check: FieldChecks = rules('BAD_REQUEST');
  check.object('exec result', result);
  check.integer('exec result.exitCode', result.exitCode, I32_MIN, I32_MAX);
  const stdout = capped(result.stdout);
  const stderr = capped(result.stderr);
  const truncated = result.truncated || stdout.cut || stderr.cut;
  const w = messageWriter('execResult').u32(result.exitCode >>> 0).u8(truncated ? 1 : 0);
  writeBytes(w, stdout.bytes);
  writeBytes(w, stderr.bytes);
  return finishMessage('execResult', w);
}

export function decodeExecResult(bytes: Uint8Array): ExecResult {
  const result = readAccessMessage(bytes, 'execResult', (r) => ({
    exitCode: r.u32() | 0,
    truncated: readFlag(r, 'exec result.truncated'),
    stdout: readBytes(r),
    stderr: readBytes(r),
  }));
  const check: FieldChecks = rules('MALFORMED');
  for (const stream of ['stdout', 'stderr'] as const) {
    if (result[stream].length > ACCESS_LIMITS.maxExecOutputBytes) check.fail(`exec result.${stream}`, `exceeds ${ACCESS_LIMITS.maxExecOutputBytes} bytes`);
  }
  return { exitCode: result.exitCode, stdout: lenientUtf8.decode(result.stdout), stderr: lenientUtf8.decode(result.stderr), truncated: result.truncated };
}

function capped(text: string): { bytes: Uint8Array; cut: boolean } {
  const bytes = utf8.encode(text);
  const max = ACCESS_LIMITS.maxExecOutputBytes;
  return bytes.length <= max ? { bytes, cut: false } : { bytes: bytes.subarray(0, max), cut: true };
}

export function encodeLeaseStats(stats: LeaseStats): Uint8Array {
  checkLeaseStats(rules('BAD_REQUEST'), stats);
  const w = messageWriter('leaseStats')
    .u32(Math.round(stats.cpuPercent * 100))
    .u64Number(stats.memoryBytes)
    .u64Number(stats.memoryLimit)
    .u64Number(stats.netRx)
    .u64Number(stats.netTx)
    .u32(stats.pids)
    .u64Number(stats.uptimeSecs)
    .u64(stats.provenUntil)
    .u64(stats.costSoFar)
    .u64(stats.provenCost)
    .u64(stats.deposit)
    .u64(stats.maxEnd);
  return finishMessage('leaseStats', w);
}

export function decodeLeaseStats(bytes: Uint8Array): LeaseStats {
  const stats = readAccessMessage(bytes, 'leaseStats', (r) => ({
    cpuPercent: r.u32() / 100,
    memoryBytes: r.u64Number(),
    memoryLimit: r.u64Number(),
    netRx: r.u64Number(),
    netTx: r.u64Number(),
    pids: r.u32(),
    uptimeSecs: r.u64Number(),
    provenUntil: r.u64(),
    costSoFar: r.u64(),
    provenCost: r.u64(),
    deposit: r.u64(),
    maxEnd: r.u64(),
  }));
  checkLeaseStats(rules('MALFORMED'), stats);
  return stats;
}

function checkLeaseStats(check: FieldChecks, stats: LeaseStats): void {
  check.object('stats', stats);
  if (typeof stats.cpuPercent !== 'number' || !(stats.cpuPercent >= 0) || stats.cpuPercent * 100 > U32_MAX) {
    check.fail('stats.cpuPercent', `must be a number in 0..${U32_MAX / 100}, got ${String(stats.cpuPercent)}`);
  }
  for (const field of ['memoryBytes', 'memoryLimit', 'netRx', 'netTx', 'uptimeSecs'] as const) {
    check.integer(`stats.${field}`, stats[field], 0, Number.MAX_SAFE_INTEGER);
  }
  check.integer('stats.pids', stats.pids, 0, U32_MAX);
  for (const field of ['provenUntil', 'costSoFar', 'provenCost', 'deposit', 'maxEnd'] as const) {
    check.bigint(`stats.${field}`, stats[field], 0n, I64_MAX);
  }
}

export function encodeAccepted(): Uint8Array {
  return finishMessage('accepted', messageWriter('accepted'));
}

export function decodeAccepted(bytes: Uint8Array): void {
  readAccessMessage(bytes, 'accepted', () => undefined);
}
