/**
 * What the renter asks for, carried inside the auth frame (its sha256 is signed):
 *
 *   openRequest:  tag 4 | u8 version
 *   execRequest:  tag 6 | u8 version | command | environment
 *   shellRequest: tag 8 | u8 version | u16 cols | u16 rows | command | environment
 *   logsRequest:  tag 9 | u8 version | u8 follow | u8 hasTail | u32 tail
 *   statsRequest: tag 10 | u8 version
 *   command:      u16 count | text word ...
 *   environment:  u16 count | (text name | text value) ...   (sorted by name: one encoding)
 */
import type { ByteReader } from '../codec/byte-reader.js';
import type { ByteWriter } from '../codec/byte-writer.js';
import { CodecError } from '../codec/codec-error.js';
import type { FieldChecks } from '../codec/field-checks.js';
import { checkCommand, checkEnv, checkTerminalSize, rules } from './field-rules.js';
import { ACCESS_LIMITS } from './limits.js';
import type { ExecRequest, LogsRequest, ShellRequest } from './types.js';
import { finishMessage, messageWriter, readAccessMessage, readFlag } from './wire.js';

export function encodeOpenRequest(): Uint8Array {
  return finishMessage('openRequest', messageWriter('openRequest'));
}

export function decodeOpenRequest(bytes: Uint8Array): void {
  readAccessMessage(bytes, 'openRequest', () => undefined);
}

export function encodeStatsRequest(): Uint8Array {
  return finishMessage('statsRequest', messageWriter('statsRequest'));
}

export function decodeStatsRequest(bytes: Uint8Array): void {
  readAccessMessage(bytes, 'statsRequest', () => undefined);
}

export function encodeExecRequest(request: ExecRequest): Uint8Array {
  const check: FieldChecks = rules('BAD_REQUEST');
  check.object('exec', request);
  checkCommand(check, 'exec.cmd', request.cmd);
  checkEnv(check, 'exec.env', request.env);
  const w = messageWriter('execRequest');
  writeCommand(w, request.cmd);
  writeEnv(w, request.env ?? {});
  return finishMessage('execRequest', w);
}

export function decodeExecRequest(bytes: Uint8Array): ExecRequest {
  const request = readAccessMessage(bytes, 'execRequest', (r) => ({ cmd: readCommand(r), env: readEnv(r) }));
  const check: FieldChecks = rules('MALFORMED');
  checkCommand(check, 'exec.cmd', request.cmd);
  checkEnv(check, 'exec.env', request.env);
  return request;
}

export function encodeShellRequest(request: ShellRequest): Uint8Array {
  const check: FieldChecks = rules('BAD_REQUEST');
  check.object('shell', request);
  checkTerminalSize(check, 'shell', request);
  checkCommand(check, 'shell.cmd', request.cmd);
  checkEnv(check, 'shell.env', request.env);
  const w = messageWriter('shellRequest').u16(request.cols).u16(request.rows);
  writeCommand(w, request.cmd);
  writeEnv(w, request.env ?? {});
  return finishMessage('shellRequest', w);
}

export function decodeShellRequest(bytes: Uint8Array): ShellRequest {
  const request = readAccessMessage(bytes, 'shellRequest', (r) => ({ cols: r.u16(), rows: r.u16(), cmd: readCommand(r), env: readEnv(r) }));
  const check: FieldChecks = rules('MALFORMED');
  checkTerminalSize(check, 'shell', request);
  checkCommand(check, 'shell.cmd', request.cmd);
  checkEnv(check, 'shell.env', request.env);
  return request;
}

export function encodeLogsRequest(request: LogsRequest): Uint8Array {
  const check: FieldChecks = rules('BAD_REQUEST');
  check.object('logs', request);
  if (typeof request.follow !== 'boolean') check.fail('logs.follow', 'must be true or false');
  if (request.tail !== undefined) check.integer('logs.tail', request.tail, 0, ACCESS_LIMITS.maxTail);
  const w = messageWriter('logsRequest').u8(request.follow ? 1 : 0).u8(request.tail === undefined ? 0 : 1).u32(request.tail ?? 0);
  return finishMessage('logsRequest', w);
}

export function decodeLogsRequest(bytes: Uint8Array): LogsRequest {
  const { follow, hasTail, tail } = readAccessMessage(bytes, 'logsRequest', (r) => ({
    follow: readFlag(r, 'logs.follow'),
    hasTail: readFlag(r, 'logs.hasTail'),
    tail: r.u32(),
  }));
  const check: FieldChecks = rules('MALFORMED');
  if (!hasTail && tail !== 0) check.fail('logs.tail', 'must be 0 when no tail is asked for');
  if (hasTail) check.integer('logs.tail', tail, 0, ACCESS_LIMITS.maxTail);
  return hasTail ? { follow, tail } : { follow };
}

function writeCommand(w: ByteWriter, cmd: string[]): void {
  w.u16(cmd.length);
  for (const word of cmd) w.text(word);
}

function readCommand(r: ByteReader): string[] {
  const at = r.position;
  const count = r.u16();
  if (count > ACCESS_LIMITS.maxArgs) throw new CodecError(`command has ${count} words, more than ${ACCESS_LIMITS.maxArgs}`, at);
  return Array.from({ length: count }, () => r.text());
}

function writeEnv(w: ByteWriter, env: Record<string, string>): void {
  const names = Object.keys(env).sort();
  w.u16(names.length);
  for (const name of names) w.text(name).text(env[name] as string);
}

function readEnv(r: ByteReader): Record<string, string> {
  const at = r.position;
  const count = r.u16();
  if (count > ACCESS_LIMITS.maxEnvVars) throw new CodecError(`environment has ${count} variables, more than ${ACCESS_LIMITS.maxEnvVars}`, at);
  const env: Record<string, string> = Object.create(null) as Record<string, string>;
  let previous: string | undefined;
  for (let i = 0; i < count; i++) {
    const nameAt = r.position;
    const name = r.text();
    // Sorted and unique: one environment has one encoding, and no name can shadow another.
    if (previous !== undefined && name <= previous) throw new CodecError(`environment names must be sorted and unique, got ${JSON.stringify(name)} after ${JSON.stringify(previous)}`, nameAt);
    env[name] = r.text();
    previous = name;
  }
  return { ...env };
}
