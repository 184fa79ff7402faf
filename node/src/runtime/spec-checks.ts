import { RuntimeError } from './errors.js';
import type { ContainerSpec, ResourceLimits } from './runtime.js';

// Docker container names allow [a-zA-Z0-9][a-zA-Z0-9_.-]*; lease ids and renter keys are
// base58 in practice. Keeping to this set also keeps label filters unambiguous.
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
// A Docker image reference (name[:tag][@digest]); it becomes part of the engine's URL path.
const IMAGE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._\/:@-]{0,254}$/;
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Docker refuses memory limits below 6 MiB.
const MIN_MEMORY_MIB = 6;
const MIN_CPUS = 0.01;

function bad(message: string): RuntimeError {
  return new RuntimeError('BAD_SPEC', message);
}

/** Throws RuntimeError BAD_SPEC for a spec Docker would refuse or that would weaken isolation. */
export function checkSpec(spec: ContainerSpec): void {
  if (typeof spec !== 'object' || spec === null) throw bad('the container spec must be an object');
  checkId('leaseId', spec.leaseId);
  checkId('renter', spec.renter);
  if (spec.host !== undefined) checkId('host', spec.host);
  if (typeof spec.image !== 'string' || !IMAGE_PATTERN.test(spec.image) || spec.image.split(/[/:]/).includes('..')) {
    throw bad(`spec.image must be an image reference like "decloud/busybox:local", got ${JSON.stringify(spec.image)}`);
  }
  if (spec.cmd !== undefined) checkCommand(spec.cmd, 'spec.cmd');
  if (spec.env !== undefined) checkEnv(spec.env, 'spec.env');
  if (spec.workdir !== undefined && !spec.workdir.startsWith('/')) throw bad(`spec.workdir must be an absolute path, got "${spec.workdir}"`);
  checkLimits(spec.limits);
}

export function checkCommand(cmd: unknown, field: string): asserts cmd is string[] {
  if (!Array.isArray(cmd) || cmd.length === 0 || !cmd.every((part) => typeof part === 'string')) {
    throw bad(`${field} must be a non-empty array of strings, e.g. ["sh", "-c", "echo hi"]`);
  }
}

export function checkEnv(env: Record<string, string>, field: string): void {
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_NAME_PATTERN.test(name)) throw bad(`${field} name "${name}" is not a valid variable name (letters, digits, _)`);
    if (typeof value !== 'string') throw bad(`${field}.${name} must be a string`);
  }
}

function checkId(field: string, value: unknown): void {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    throw bad(`spec.${field} must be 1-128 characters of letters, digits, "_", "." or "-" (starting with a letter or digit), got ${JSON.stringify(value)}`);
  }
}

function checkLimits(limits: ResourceLimits | undefined): void {
  if (typeof limits !== 'object' || limits === null) throw bad('spec.limits is required: { cpus, memoryMiB, pids }');
  if (!Number.isFinite(limits.cpus) || limits.cpus < MIN_CPUS) throw bad(`spec.limits.cpus must be >= ${MIN_CPUS}, got ${limits.cpus}`);
  if (!Number.isInteger(limits.memoryMiB) || limits.memoryMiB < MIN_MEMORY_MIB) {
    throw bad(`spec.limits.memoryMiB must be a whole number >= ${MIN_MEMORY_MIB}, got ${limits.memoryMiB}`);
  }
  if (!Number.isInteger(limits.pids) || limits.pids < 1) throw bad(`spec.limits.pids must be a whole number >= 1, got ${limits.pids}`);
  if (limits.diskGiB !== undefined && (!Number.isInteger(limits.diskGiB) || limits.diskGiB < 1)) {
    throw bad(`spec.limits.diskGiB must be a whole number >= 1 when given, got ${limits.diskGiB}`);
  }
}
