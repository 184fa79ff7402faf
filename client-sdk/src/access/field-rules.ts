/**
 * Rules on request fields, shared by the encoder (a caller's mistake: BAD_REQUEST, nothing
 * is sent) and the decoder (a peer's bytes: MALFORMED, nothing runs).
 */
import { fieldChecks } from '../codec/field-checks.js';
import type { FieldChecks } from '../codec/field-checks.js';
import { AccessError } from './errors.js';
import type { AccessErrorCode } from './errors.js';
import { ACCESS_LIMITS } from './limits.js';
import type { TerminalSize } from './types.js';

export type RuleViolation = Extract<AccessErrorCode, 'BAD_REQUEST' | 'MALFORMED'>;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function rules(code: RuleViolation): FieldChecks {
  return fieldChecks((message) => new AccessError(code, message));
}

/** A command: 1..maxArgs words, none holding a NUL byte (execve cannot pass one). */
export function checkCommand(check: FieldChecks, path: string, cmd: unknown): asserts cmd is string[] {
  check.list(path, cmd, 1, ACCESS_LIMITS.maxArgs);
  cmd.forEach((word, i) => {
    if (typeof word !== 'string') check.fail(`${path}[${i}]`, 'must be a string');
    if (word.includes('\0')) check.fail(`${path}[${i}]`, 'must not contain a NUL byte');
  });
  if (cmd[0] === '') check.fail(`${path}[0]`, 'must name a program');
}

export function checkEnv(check: FieldChecks, path: string, env: unknown): asserts env is Record<string, string> | undefined {
  if (env === undefined) return;
  check.object(path, env);
  const entries = Object.entries(env);
  if (entries.length > ACCESS_LIMITS.maxEnvVars) check.fail(path, `must have at most ${ACCESS_LIMITS.maxEnvVars} variables, got ${entries.length}`);
  for (const [name, value] of entries) {
    if (!ENV_NAME.test(name)) check.fail(`${path}.${name}`, 'is not a variable name (letters, digits and _, not starting with a digit)');
    if (typeof value !== 'string') check.fail(`${path}.${name}`, 'must be a string');
    if (value.includes('\0')) check.fail(`${path}.${name}`, 'must not contain a NUL byte');
  }
}

export function checkTerminalSize(check: FieldChecks, path: string, size: TerminalSize): void {
  check.object(path, size);
  check.integer(`${path}.cols`, size.cols, 1, ACCESS_LIMITS.maxTerminalSide);
  check.integer(`${path}.rows`, size.rows, 1, ACCESS_LIMITS.maxTerminalSide);
}
