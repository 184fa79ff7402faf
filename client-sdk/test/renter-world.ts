/**
 * A whole DeCloud network for the renter tests, every part a real separate process started
 * through its bin, as an operator would: the local chain (`decloud-chain`, port 0), a
 * bootstrap peer (`decloud-bootstrap --json`) and a host (`decloud-node init` + `start`)
 * on the project's Docker engine (DOCKER_HOST, set by the test runner).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { Connection, Keypair, LAMPORTS_PER_SOL } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import { fundedKeypair as funded } from '@decloud/bootstrap/src/chain/faucet.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const IMAGE = 'decloud/busybox:local';
export const SOL = BigInt(LAMPORTS_PER_SOL);

const BINS = {
  chain: join(ROOT, 'bootstrap/bin/decloud-chain.js'),
  bootstrap: join(ROOT, 'bootstrap/bin/decloud-bootstrap.js'),
  node: join(ROOT, 'node/bin/decloud-node.js'),
  decloud: join(ROOT, 'client-sdk/bin/decloud.js'),
};

/** A child process whose stdout lines are kept and can be waited for. */
export class Proc {
  readonly lines: string[] = [];
  private errText = '';
  private readonly waiters = new Set<() => void>();
  readonly exited: Promise<number | null>;

  constructor(readonly name: string, readonly child: ChildProcess) {
    child.stderr?.on('data', (chunk: Buffer) => { this.errText += chunk.toString(); });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      for (const wake of this.waiters) wake();
    });
    this.exited = new Promise((resolve) => child.on('exit', (code) => {
      for (const wake of this.waiters) wake();
      resolve(code);
    }));
  }

  get stderr(): string {
    return this.errText;
  }

  /** The first stdout line (seen or future) matching `match`. */
  line(match: (line: string) => boolean, timeoutMs = 60_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`${this.name}: no matching line within ${timeoutMs} ms; stdout: ${this.lines.join('\n').slice(-3000)}; stderr: ${this.errText.slice(-3000)}`)), timeoutMs);
      const finish = (error?: Error, line?: string): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (error) reject(error); else resolve(line!);
      };
      const check = (): void => {
        const found = this.lines.find(match);
        if (found !== undefined) return finish(undefined, found);
        if (this.child.exitCode !== null || this.child.signalCode !== null) finish(new Error(`${this.name} exited (${this.child.exitCode ?? this.child.signalCode}) first; stderr: ${this.errText.slice(-3000)}`));
      };
      this.waiters.add(check);
      check();
    });
  }

  /** The first stdout JSON line matching `match`. */
  async json<T extends object>(match: (value: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<T> {
    const parse = (line: string): Record<string, unknown> | undefined => {
      try {
        const value = JSON.parse(line) as unknown;
        return typeof value === 'object' && value !== null ? value as Record<string, unknown> : undefined;
      } catch {
        return undefined;
      }
    };
    return parse(await this.line((line) => { const v = parse(line); return v !== undefined && match(v); }, timeoutMs)) as T;
  }

  async stop(timeoutMs = 20_000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

export function spawnBin(name: string, bin: keyof typeof BINS, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  return new Proc(name, spawn(process.execPath, [BINS[bin], ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] }));
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `decloud ...args` to its end, with `input` on stdin; killed after `timeoutMs`. */
export async function runDecloud(args: string[], env: NodeJS.ProcessEnv, input?: string, timeoutMs = 90_000): Promise<RunResult> {
  const child = spawn(process.execPath, [BINS.decloud, ...args], { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  if (input !== undefined) child.stdin.write(input);
  child.stdin.end();
  // A command that does not exit by itself is a failure (null code), not a hung test.
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

export interface HostInfo {
  peerId: string;
  operator: string;
  dataDir: string;
}

export interface World {
  dir: string;
  rpcUrl: string;
  /** The bootstrap's TCP multiaddr. */
  bootstrap: string[];
  connection: Connection;
  host: HostInfo;
  processes: Proc[];
  stop(): Promise<void>;
}

/** Host intervals for tests: receipts posted within half a second; no settlement before a lease ends, so a close settles everything proven. */
const HOST_INTERVALS = { receiptFlushMs: 500, leaseTickMs: 1000, settleMs: 3_600_000 };

export async function startWorld(): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), 'decloud-renter-'));
  const processes: Proc[] = [];
  const stop = async (): Promise<void> => {
    for (const p of [...processes].reverse()) await p.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const chain = spawnBin('chain', 'chain', ['--port', '0']);
    processes.push(chain);
    const rpcUrl = (await chain.line((l) => l.includes('RPC:'))).split('RPC:')[1]!.trim();

    const boot = spawnBin('bootstrap', 'bootstrap', ['--state', join(dir, 'bootstrap'), '--tcp-port', '0', '--ws-port', '0', '--webrtc-port', '0', '--json']);
    processes.push(boot);
    const { multiaddrs } = await boot.json<{ multiaddrs: string[] }>((v) => Array.isArray(v.multiaddrs));
    const bootstrap = [multiaddrs.find((a) => a.includes('/tcp/') && !a.includes('/ws'))!];

    const dataDir = join(dir, 'host');
    const init = spawnBin('host init', 'node', [
      '--data', dataDir, 'init', '--country', 'DE', '--label', 'test rack', '--rpc-url', rpcUrl, '--bootstrap', bootstrap[0]!,
      '--listen', '/ip4/127.0.0.1/tcp/0', '--metrics-port', '0', '--airdrop', '5', '--json',
    ]);
    const initialized = await init.json<{ operator: string; peerId: string }>((v) => typeof v.operator === 'string');
    if ((await init.exited) !== 0) throw new Error(`decloud-node init failed: ${init.stderr}`);
    const configFile = join(dataDir, 'config.json');
    const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
    await writeFile(configFile, JSON.stringify({ ...config, webrtc: false, intervals: HOST_INTERVALS }, null, 2));

    const host = spawnBin('host', 'node', ['--data', dataDir, 'start', '--json']);
    processes.push(host);
    await host.json((v) => v.event === 'ready', 180_000);
    return {
      dir, rpcUrl, bootstrap, connection: new Connection(rpcUrl, 'confirmed'),
      host: { peerId: initialized.peerId, operator: initialized.operator, dataDir },
      processes,
      stop: async () => {
        await stop();
        await removeContainersOf(initialized.operator);
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Containers a test left behind (a failed assertion before end()): the host keeps them across restarts on purpose. */
async function removeContainersOf(operator: string): Promise<void> {
  const docker = new Docker();
  const left = await docker.listContainers({ all: true, filters: { label: [`decloud.host=${operator}`] } });
  for (const info of left) await docker.getContainer(info.Id).remove({ force: true });
}

export { funded };

export async function balanceOf(connection: Connection, key: PublicKey): Promise<bigint> {
  return BigInt(await connection.getBalance(key, 'confirmed'));
}

/** The fee a confirmed transaction charged its payer. */
export async function feeOf(connection: Connection, signature: string): Promise<bigint> {
  const tx = await connection.getTransaction(signature, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 });
  if (!tx?.meta) throw new Error(`transaction ${signature} not found`);
  return BigInt(tx.meta.fee);
}

/** Polls `probe` until it returns a value `done` accepts. */
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still not true after ${timeoutMs} ms (last: ${String(value)})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
