/**
 * `npm run bench:rent [rentals=10]`: how long a renter waits from `rent()` to the first
 * successful `exec` (`echo ok`), on the local chain with a real host node (chain, bootstrap
 * and host each their own process, started through their bins, containers on the project's
 * Docker engine). In the same run, a plain `docker run` + `exec` of the same image through
 * dockerode, for the ratio. One warm-up rental (image and code paths cold) is shown but not
 * counted. Prints tables; writes bench/results/rent.json.
 *
 * Targets: median <= 1.5 s, <= 3x plain Docker. For scale: Akash took ~27 s from create to
 * running on a local devnet.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import Docker from 'dockerode';
import { DeCloud } from '../client-sdk/src/renter/decloud.js';
import type { RentProgress } from '../client-sdk/src/renter/rent-progress.js';
import { funded, IMAGE, ROOT, startWorld } from '../client-sdk/test/renter-world.js';

const RESULTS = fileURLToPath(new URL('./results/rent.json', import.meta.url));
const TARGET_P50_MS = 1500;
const TARGET_RATIO = 3;
/** leaseTickMs of the test host (renter-world.ts). */
const HOST_TICK_MS = 1000;

const rentals = Number(process.argv[2] ?? 10);
if (!Number.isSafeInteger(rentals) || rentals < 1) throw new Error(`rentals must be a whole number >= 1, got ${process.argv[2]}`);

// The project's private engine (scripts/docker-engine.sh), as the test runner finds it.
const privateDocker = join(ROOT, '.state/docker/docker.sock');
if (!process.env.DOCKER_HOST && existsSync(privateDocker)) process.env.DOCKER_HOST = `unix://${privateDocker}`;

/** Nearest-rank percentile. */
function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const ms = (value: number): string => value.toFixed(0);

interface RentalTiming {
  total: number;
  /** ms from rent() to each step's start, and to the exec answer */
  quote: number;
  fund: number;
  start: number;
  exec: number;
}

async function timedRental(decloud: DeCloud, offer: Awaited<ReturnType<DeCloud['findHosts']>>[number]): Promise<RentalTiming> {
  const marks = new Map<RentProgress['step'], number>();
  const t0 = performance.now();
  const lease = await decloud.rent(offer, { image: IMAGE, durationSecs: 600 }, {
    receiptIntervalMs: false,
    onProgress: (p) => marks.set(p.step, performance.now() - t0),
  });
  const running = performance.now() - t0;
  const result = await lease.exec(['echo', 'ok']);
  const total = performance.now() - t0;
  if (result.exitCode !== 0 || result.stdout !== 'ok\n') throw new Error(`exec answered ${JSON.stringify(result)}`);
  await lease.end();
  // The host frees the lease's capacity at its next lease check (every second here): wait for it, untimed.
  await new Promise((resolve) => setTimeout(resolve, HOST_TICK_MS + 500));
  return {
    total,
    quote: marks.get('quoted')!,
    fund: marks.get('funded')! - marks.get('funding')!,
    start: running - marks.get('starting')!,
    exec: total - running,
  };
}

async function dockerRunExec(docker: Docker): Promise<number> {
  const t0 = performance.now();
  const container = await docker.createContainer({ Image: IMAGE, Cmd: ['sleep', 'infinity'], HostConfig: { NetworkMode: 'none', Init: true } });
  try {
    await container.start();
    const exec = await container.exec({ Cmd: ['echo', 'ok'], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (chunk: Buffer) => { output += chunk.toString(); });
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    const elapsed = performance.now() - t0;
    if (!output.includes('ok')) throw new Error(`docker exec printed ${JSON.stringify(output)}`);
    return elapsed;
  } finally {
    await container.remove({ force: true });
  }
}

const world = await startWorld();
try {
  const renter = await funded(world.connection, 50);
  const decloud = await DeCloud.connect({ rpcUrl: world.rpcUrl, bootstrap: world.bootstrap, wallet: renter });
  try {
    const [offer] = await decloud.findHosts({ image: IMAGE });
    if (!offer) throw new Error('the host\'s offer was not found');
    const warmUp = await timedRental(decloud, offer);
    const timings: RentalTiming[] = [];
    for (let i = 0; i < rentals; i++) timings.push(await timedRental(decloud, offer));

    const docker = new Docker();
    await dockerRunExec(docker);
    const plain: number[] = [];
    for (let i = 0; i < rentals; i++) plain.push(await dockerRunExec(docker));

    const totals = timings.map((t) => t.total);
    const p50 = percentile(totals, 50);
    const p95 = percentile(totals, 95);
    const dockerP50 = percentile(plain, 50);
    const ratio = p50 / dockerP50;
    const plainStyle = { head: [], border: [] };

    const steps = new Table({ head: ['step of rent() -> exec', 'p50 ms', 'p95 ms'], style: plainStyle });
    for (const key of ['quote', 'fund', 'start', 'exec'] as const) {
      const values = timings.map((t) => t[key]);
      steps.push([{ quote: 'quote (libp2p round trip)', fund: 'open lease on-chain (confirmed)', start: 'activation (host checks chain, creates + starts container)', exec: 'first exec (echo ok)' }[key], ms(percentile(values, 50)), ms(percentile(values, 95))]);
    }
    const summary = new Table({ head: ['measure', 'p50 ms', 'p95 ms', 'target', 'met'], style: plainStyle });
    summary.push(['rent() -> first exec', ms(p50), ms(p95), `<= ${TARGET_P50_MS} ms median`, p50 <= TARGET_P50_MS ? 'yes' : 'NO']);
    summary.push(['docker run + exec (dockerode)', ms(dockerP50), ms(percentile(plain, 95)), '', '']);
    summary.push(['ratio', ratio.toFixed(2), '', `<= ${TARGET_RATIO}x`, ratio <= TARGET_RATIO ? 'yes' : 'NO']);
    console.log(`rent() -> first exec over ${rentals} rentals (warm-up rental, not counted: ${ms(warmUp.total)} ms); Akash: ~27 s create -> running on a local devnet`);
    console.log(summary.toString());
    console.log(steps.toString());

    mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
    const json = { rentToExecMs: { p50: Math.round(p50), p95: Math.round(p95) }, dockerRunExecMs: { p50: Math.round(dockerP50) }, ratio: Number(ratio.toFixed(2)) };
    writeFileSync(RESULTS, `${JSON.stringify(json, null, 2)}\n`);
    console.log('written to bench/results/rent.json');
  } finally {
    await decloud.close();
  }
} finally {
  await world.stop();
}
