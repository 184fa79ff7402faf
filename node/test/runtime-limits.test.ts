// Limits and hardening hold on the real engine: memory (OOM kill), CPU share, pids, capabilities.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Docker from 'dockerode';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { KEPT_CAPABILITIES } from '../src/runtime/index.js';
import type { DockerRuntime } from '../src/runtime/index.js';
import { connectTestRuntime, removeStaleTestContainers, removeRenterContainers, specFor, startContainer, testRenter, waitUntilStopped } from './runtime-fixtures.js';

const renter = testRenter('limits');
const docker = new Docker();
let runtime: DockerRuntime;

// Linux capability numbers (include/uapi/linux/capability.h).
const CAPABILITY_BITS: Record<string, number> = { CHOWN: 0, DAC_OVERRIDE: 1, FOWNER: 3, KILL: 5, SETGID: 6, SETUID: 7, NET_BIND_SERVICE: 10 };

test.before(async () => {
  runtime = await connectTestRuntime();
  await removeStaleTestContainers(runtime, 'limits');
});

test.after(async () => {
  await removeRenterContainers(runtime, renter);
});

test('memory: a process allocating past the limit is OOM-killed (exit 137); under a larger limit the same command succeeds', async () => {
  // busybox tail keeps the whole newline-free input in memory: it really allocates 100 MiB.
  const cmd = ['sh', '-c', 'head -c 100m /dev/zero | tail > /dev/null'];
  const small = await startContainer(runtime, specFor(renter, { cmd, limits: { cpus: 1, memoryMiB: 32, pids: 32 } }));
  const killed = await waitUntilStopped(runtime, small);
  assert.is(killed.oomKilled, true);
  assert.is(killed.exitCode, 137);

  const large = await startContainer(runtime, specFor(renter, { cmd, limits: { cpus: 1, memoryMiB: 256, pids: 32 } }));
  const finished = await waitUntilStopped(runtime, large);
  assert.is(finished.oomKilled, false);
  assert.is(finished.exitCode, 0);
});

test('memory: no swap on top of the limit (MemorySwap = Memory)', async () => {
  const handle = await runtime.create(specFor(renter, { limits: { cpus: 0.5, memoryMiB: 40, pids: 32 } }));
  const { HostConfig } = await docker.getContainer(handle.id).inspect();
  assert.is(HostConfig.Memory, 40 * 1024 * 1024);
  assert.is(HostConfig.MemorySwap, 40 * 1024 * 1024);
});

test('cpu: at 0.25 CPU a 2 s busy loop gets about 0.5 s of CPU time', async () => {
  const handle = await startContainer(runtime, specFor(renter, { limits: { cpus: 0.25, memoryMiB: 64, pids: 32 } }));
  const result = await runtime.exec(handle, ['time', '-f', 'cpu %U %S', 'timeout', '2', 'sh', '-c', 'while :; do :; done']);
  const match = /cpu ([\d.]+) ([\d.]+)/.exec(result.stderr);
  assert.ok(match, result.stderr);
  const cpuSeconds = Number(match[1]) + Number(match[2]);
  assert.ok(cpuSeconds > 0.3 && cpuSeconds < 0.75, `${cpuSeconds} s of CPU in 2 s at 0.25 CPU`);
  const { HostConfig } = await docker.getContainer(handle.id).inspect();
  assert.is(HostConfig.NanoCpus, 250_000_000);
});

test('pids: spawning 100 processes stops at the limit and the container lives on', async () => {
  const handle = await startContainer(runtime, specFor(renter, { limits: { cpus: 0.5, memoryMiB: 64, pids: 24 } }));
  const spawn = await runtime.exec(handle, ['sh', '-c', 'for i in $(seq 1 100); do sleep 120 & done']);
  assert.is.not(spawn.exitCode, 0, 'the shell cannot fork past the limit');
  assert.match(spawn.stderr, /can't fork|Resource temporarily unavailable/);
  const stats = await runtime.stats(handle);
  assert.ok(stats.pids <= 24 && stats.pids >= 20, `pids ${stats.pids}`);
  assert.is((await runtime.inspect(handle)).running, true);
  const { HostConfig } = await docker.getContainer(handle.id).inspect();
  assert.is(HostConfig.PidsLimit, 24);
});

test('hardening is visible in inspect: not privileged, ALL dropped, minimal adds, no-new-privileges, init, no network', async () => {
  const handle = await runtime.create(specFor(renter));
  const info = await docker.getContainer(handle.id).inspect();
  const host = info.HostConfig;
  assert.is(host.Privileged, false);
  assert.equal(host.CapDrop, ['ALL']);
  assert.equal([...(host.CapAdd ?? [])].sort(), [...KEPT_CAPABILITIES].sort());
  assert.equal(host.SecurityOpt, ['no-new-privileges']);
  assert.is((host as { Init?: boolean }).Init, true);
  assert.is(host.NetworkMode, 'none');
  assert.equal(host.LogConfig, { Type: 'json-file', Config: { 'max-file': '3', 'max-size': '10m' } });
  assert.equal(info.Config.Labels, { 'decloud.managed': '1', 'decloud.lease': handle.leaseId, 'decloud.renter': renter });
  assert.is(info.Name, `/decloud-${handle.leaseId}`);
});

test('hardening from inside: only the kept capabilities are effective, NoNewPrivs is set, mknod is refused, no network but lo', async () => {
  const handle = await startContainer(runtime, specFor(renter));
  const status = await runtime.exec(handle, ['cat', '/proc/self/status']);
  const capEff = BigInt(`0x${/CapEff:\s*([0-9a-f]+)/.exec(status.stdout)?.[1] ?? 'ffff'}`);
  const expected = KEPT_CAPABILITIES.reduce((mask, cap) => mask | (1n << BigInt(CAPABILITY_BITS[cap] ?? 63)), 0n);
  assert.is(capEff.toString(16), expected.toString(16));
  assert.match(status.stdout, /NoNewPrivs:\s*1/);
  const mknod = await runtime.exec(handle, ['mknod', '/tmp/null2', 'c', '1', '3']);
  assert.is.not(mknod.exitCode, 0, 'CAP_MKNOD is dropped (Docker keeps it by default)');
  const chown = await runtime.exec(handle, ['sh', '-c', 'touch /tmp/f && chown 65534:65534 /tmp/f && stat -c %u /tmp/f']);
  assert.equal([chown.exitCode, chown.stdout.trim()], [0, '65534'], 'CAP_CHOWN is kept');
  const interfaces = await runtime.exec(handle, ['sh', '-c', "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"]);
  assert.is(interfaces.stdout.trim(), 'lo');
});

test('read-only root file system (optional): the image cannot be written, /tmp can', async () => {
  const readonly = await connectTestRuntime({ readonlyRootfs: true });
  const handle = await startContainer(readonly, specFor(renter));
  const result = await readonly.exec(handle, ['sh', '-c', 'touch /etc/x 2>/dev/null && echo etc-writable; touch /tmp/x && echo tmp-writable']);
  assert.is(result.stdout, 'tmp-writable\n');
});

test('host network mode (optional) shares the host network', async () => {
  const hostNet = await connectTestRuntime({ networkMode: 'host' });
  const handle = await runtime.create(specFor(renter));
  const shared = await hostNet.create(specFor(renter));
  assert.is((await docker.getContainer(shared.id).inspect()).HostConfig.NetworkMode, 'host');
  assert.is((await docker.getContainer(handle.id).inspect()).HostConfig.NetworkMode, 'none');
});

test('a disk limit on a driver without quotas is skipped with a warning, the container still runs', async () => {
  const warnings: string[] = [];
  const sink = new Writable({ write(line, _enc, done) { warnings.push(String(line)); done(); } });
  const logged = await connectTestRuntime({ logger: pino({ level: 'warn' }, sink) });
  const { Driver, DriverStatus } = (await docker.info()) as { Driver: string; DriverStatus: [string, string][] };
  const backing = DriverStatus.find(([key]) => key === 'Backing Filesystem')?.[1];
  const handle = await startContainer(logged, specFor(renter, { limits: { cpus: 0.5, memoryMiB: 64, pids: 32, diskGiB: 1 } }));
  const { HostConfig } = await docker.getContainer(handle.id).inspect();
  if (Driver === 'overlay2' && backing !== 'xfs') {
    assert.is(HostConfig.StorageOpt ?? null, null);
    assert.ok(warnings.some((w) => w.includes('disk limits are not enforced')), warnings.join('\n'));
  } else {
    assert.equal(HostConfig.StorageOpt, { size: '1G' });
  }
  assert.is((await logged.inspect(handle)).running, true);
});

test.run();
