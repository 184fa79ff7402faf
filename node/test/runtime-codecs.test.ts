// The runtime's pure parts: the multiplexed-stream decoder, stats arithmetic, the create
// request, storage-quota detection and the image allow-list.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import type { ContainerStats as DockerStats } from 'dockerode';
import { containerCreateOptions, imageAllowed } from '../src/runtime/index.js';
import { demultiplex } from '../src/runtime/multiplexed-stream.js';
import type { OutputFrame } from '../src/runtime/multiplexed-stream.js';
import { statsOf } from '../src/runtime/stats.js';
import { isStorageQuotaRefusal, storageQuotaSupport } from '../src/runtime/storage-quota.js';

function encodeFrame(stream: 'stdout' | 'stderr', data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream === 'stdout' ? 1 : 2;
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}

async function* chunked(bytes: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let start = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    yield bytes.subarray(start, cut);
    start = cut;
  }
  yield bytes.subarray(start);
}

async function decodeAll(source: AsyncIterable<Buffer>): Promise<OutputFrame[]> {
  const frames: OutputFrame[] = [];
  for await (const frame of demultiplex(source)) frames.push({ stream: frame.stream, data: Buffer.from(frame.data) });
  return frames;
}

test('demultiplex: any frames split at any points decode to the same frames, in order', async () => {
  const frame = fc.record({ stream: fc.constantFrom('stdout' as const, 'stderr' as const), data: fc.uint8Array({ maxLength: 300 }) }).map((f) => ({ stream: f.stream, data: Buffer.from(f.data) }));
  await fc.assert(
    fc.asyncProperty(fc.array(frame, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 20 }), async (frames, cuts) => {
      const bytes = Buffer.concat(frames.map((f) => encodeFrame(f.stream, f.data)));
      assert.equal(await decodeAll(chunked(bytes, cuts)), frames);
    }),
    { numRuns: 300 },
  );
});

test('demultiplex: a TTY (raw) stream or a stream cut inside a frame is an error, not garbage', async () => {
  const raw = (async function* () { yield Buffer.from('hello from a tty\n'); })();
  try {
    await decodeAll(raw);
    assert.unreachable('raw output should be refused');
  } catch (err) {
    assert.match((err as Error).message, /not multiplexed/);
  }
  const cut = (async function* () { yield encodeFrame('stdout', Buffer.from('abcdef')).subarray(0, 11); })();
  try {
    await decodeAll(cut);
    assert.unreachable('a cut frame should be refused');
  } catch (err) {
    assert.match((err as Error).message, /ended inside a frame/);
  }
});

const sample = (memoryStats: Record<string, number>): DockerStats => ({
  cpu_stats: { cpu_usage: { total_usage: 3_000_000_000, percpu_usage: [], usage_in_kernelmode: 0, usage_in_usermode: 0 }, system_cpu_usage: 104_000_000_000, online_cpus: 2, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } },
  precpu_stats: { cpu_usage: { total_usage: 2_500_000_000, percpu_usage: [], usage_in_kernelmode: 0, usage_in_usermode: 0 }, system_cpu_usage: 102_000_000_000, online_cpus: 2, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } },
  memory_stats: { usage: 50_000_000, limit: 67_108_864, max_usage: 0, failcnt: 0, stats: memoryStats as unknown as DockerStats['memory_stats']['stats'] },
  pids_stats: { current: 7 },
  networks: { eth0: { rx_bytes: 1000, tx_bytes: 200 } as DockerStats['networks'][string], eth1: { rx_bytes: 24, tx_bytes: 6 } as DockerStats['networks'][string] },
} as unknown as DockerStats);

test('stats: CPU share over the sample window, memory without page cache (cgroup v1 and v2), summed networks', () => {
  // 0.5 s of container CPU over 2 s of machine time on 2 cores: 25 % of the machine = 50 % of a core.
  assert.equal(statsOf(sample({ total_inactive_file: 10_000_000 })), { cpuPercent: 50, memoryBytes: 40_000_000, memoryLimit: 67_108_864, netRx: 1024, netTx: 206, pids: 7 });
  assert.is(statsOf(sample({ inactive_file: 20_000_000 })).memoryBytes, 30_000_000);
  const stopped = { ...sample({}), precpu_stats: {} } as unknown as DockerStats;
  assert.is(statsOf(stopped).cpuPercent, 0);
});

test('create request: limits, hardening, labels, name and network in one place', () => {
  const options = containerCreateOptions(
    { leaseId: 'L1', renter: 'R1', image: 'decloud/busybox:local', cmd: ['sleep', '1'], env: { A: '1' }, limits: { cpus: 1.5, memoryMiB: 512, pids: 100, diskGiB: 10 } },
    { networkMode: 'none', readonlyRootfs: true, storageQuota: true },
  );
  assert.is(options.name, 'decloud-L1');
  assert.equal(options.Env, ['A=1']);
  assert.equal(options.Labels, { 'decloud.managed': '1', 'decloud.lease': 'L1', 'decloud.renter': 'R1' });
  const host = options.HostConfig ?? {};
  assert.equal(
    [host.NanoCpus, host.Memory, host.MemorySwap, host.PidsLimit, host.StorageOpt],
    [1_500_000_000, 512 * 1024 * 1024, 512 * 1024 * 1024, 100, { size: '10G' }],
  );
  assert.equal([host.Privileged, host.CapDrop, host.SecurityOpt, host.Init, host.ReadonlyRootfs, host.NetworkMode], [false, ['ALL'], ['no-new-privileges'], true, true, 'none']);
  assert.equal(host.Tmpfs, { '/tmp': 'rw,nosuid,nodev,size=64m' });
  const noQuota = containerCreateOptions({ leaseId: 'L2', renter: 'R1', image: 'x', limits: { cpus: 1, memoryMiB: 64, pids: 8, diskGiB: 10 } }, { networkMode: 'host', readonlyRootfs: false, storageQuota: false });
  assert.is(noQuota.HostConfig?.StorageOpt, undefined);
  assert.is(noQuota.HostConfig?.Tmpfs, undefined);
  assert.is(noQuota.Cmd, undefined);
});

test('storage quota detection follows the driver and its backing file system', () => {
  assert.is(storageQuotaSupport({ Driver: 'overlay2', DriverStatus: [['Backing Filesystem', 'extfs']] }).supported, false);
  assert.is(storageQuotaSupport({ Driver: 'overlay2', DriverStatus: [['Backing Filesystem', 'xfs']] }).supported, true);
  assert.is(storageQuotaSupport({ Driver: 'btrfs' }).supported, true);
  assert.is(storageQuotaSupport({ Driver: 'vfs' }).supported, false);
  assert.ok(isStorageQuotaRefusal(new Error("(HTTP code 500) server error - --storage-opt is supported only for overlay over xfs with 'pquota' mount option")));
  assert.not.ok(isStorageQuotaRefusal(new Error('No such image')));
});

test('image allow-list: exact names, prefixes ending in *, nothing else', () => {
  const allowed = ['decloud/busybox:local', 'docker.io/library/*'];
  assert.ok(imageAllowed(allowed, 'decloud/busybox:local'));
  assert.ok(imageAllowed(allowed, 'docker.io/library/ubuntu:24.04'));
  assert.not.ok(imageAllowed(allowed, 'decloud/busybox'));
  assert.not.ok(imageAllowed(allowed, 'ubuntu:24.04'));
  assert.not.ok(imageAllowed([], 'decloud/busybox:local'));
  assert.ok(imageAllowed(['*'], 'anything:1'));
});

test.run();
