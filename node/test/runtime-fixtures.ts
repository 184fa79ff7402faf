// Shared set-up of the runtime tests: a DockerRuntime on the real engine (the test runner
// points DOCKER_HOST at the project's private engine), specs tagged with a per-file renter
// so cleanup removes exactly this file's containers.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { DockerRuntime } from '../src/runtime/index.js';
import type { ContainerHandle, ContainerSpec, ContainerState, DockerRuntimeConfig } from '../src/runtime/index.js';

export const IMAGE = 'decloud/busybox:local';

/** A renter key unique to this test process: its label finds every container the file made. */
export function testRenter(file: string): string {
  return `test-${file}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/**
 * Removes containers left by earlier runs of a test file whose process died before its
 * after hook (a crash): their renter label carries the pid of a process that is gone.
 */
export async function removeStaleTestContainers(runtime: DockerRuntime, file: string): Promise<void> {
  const pattern = new RegExp(`^test-${file}-(\\d+)-`);
  for (const { handle } of await runtime.listByLabel({})) {
    const pid = Number(pattern.exec(handle.renter)?.[1] ?? NaN);
    if (Number.isInteger(pid) && !processAlive(pid)) await runtime.remove(handle);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function connectTestRuntime(config: Partial<DockerRuntimeConfig> = {}): Promise<DockerRuntime> {
  return DockerRuntime.connect({ allowedImages: [IMAGE], logger: pino({ level: 'silent' }), ...config });
}

let leaseCounter = 0;

/** A spec for a fresh lease id; defaults: a long sleep under small limits. */
export function specFor(renter: string, overrides: Partial<ContainerSpec> = {}): ContainerSpec {
  leaseCounter += 1;
  return {
    leaseId: `${renter}-l${leaseCounter}`,
    renter,
    image: IMAGE,
    cmd: ['sleep', '300'],
    limits: { cpus: 0.5, memoryMiB: 64, pids: 64 },
    ...overrides,
  };
}

export async function startContainer(runtime: DockerRuntime, spec: ContainerSpec): Promise<ContainerHandle> {
  const handle = await runtime.create(spec);
  await runtime.start(handle);
  return handle;
}

export async function removeRenterContainers(runtime: DockerRuntime, renter: string): Promise<void> {
  for (const { handle } of await runtime.listByLabel({ 'decloud.renter': renter })) await runtime.remove(handle);
}

export async function waitUntilStopped(runtime: DockerRuntime, handle: ContainerHandle, timeoutMs = 20_000): Promise<ContainerState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await runtime.inspect(handle);
    if (!state.running) return state;
    if (Date.now() > deadline) throw new Error(`container ${handle.name} still runs after ${timeoutMs} ms`);
    await sleep(100);
  }
}
