/**
 * `npm start` driven the way a newcomer drives it: a child process in its own process
 * group (a terminal's foreground job), Ctrl-C as SIGINT to that whole group, and the
 * `decloud` CLI run with the environment the start prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface NpmStartOptions {
  /** DECLOUD_LOCAL_STATE */
  state: string;
  /** DECLOUD_EPOCH_SECS, DECLOUD_GRACE_EPOCHS and the like */
  env?: Record<string, string>;
}

/** What the start prints for the renter: DECLOUD_RPC_URL, DECLOUD_BOOTSTRAP, DECLOUD_WALLET. */
export type RenterEnv = Record<string, string>;

export class NpmStart {
  private readonly lines: string[] = [];
  private readonly waiters = new Set<() => void>();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(readonly child: ChildProcess) {
    let partial = '';
    const onData = (chunk: Buffer): void => {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) this.lines.push(line.replace(/\x1b\[[0-9;]*m/g, ''));
      for (const wake of this.waiters) wake();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    void this.exited.then(() => { for (const wake of this.waiters) wake(); });
  }

  static run(options: NpmStartOptions): NpmStart {
    const child = spawn('npm', ['start'], {
      cwd: ROOT,
      // Its own process group, like a job in a terminal: Ctrl-C reaches every process in it.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env, DECLOUD_LOCAL_STATE: options.state, FORCE_COLOR: '0', npm_config_update_notifier: 'false' },
    });
    return new NpmStart(child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  output(): string {
    return this.lines.join('\n');
  }

  tail(n = 40): string {
    return this.lines.slice(-n).map((l) => `    │ ${l}`).join('\n');
  }

  /** The first output line that matches, waiting up to `timeoutMs`. */
  async waitForLine(match: (line: string) => boolean, timeoutMs: number, what: string): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(match);
      if (found !== undefined) return found;
      if (!this.running) throw new Error(`npm start exited before ${what}:\n${this.tail()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`npm start did not print ${what} within ${timeoutMs / 1000} s:\n${this.tail()}`);
      await new Promise<void>((resolve) => {
        const wake = (): void => { this.waiters.delete(wake); clearTimeout(timer); resolve(); };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }

  /** Waits for "DeCloud is running" and returns the variables of the printed `export` line. */
  async untilRunning(timeoutMs = 180_000): Promise<RenterEnv> {
    await this.waitForLine((l) => l.startsWith('DeCloud is running'), timeoutMs, '"DeCloud is running"');
    const line = await this.waitForLine((l) => l.trim().startsWith('export DECLOUD_'), 5_000, 'the export line');
    return Object.fromEntries(line.trim().slice('export '.length).split(/\s+/).map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)];
    }));
  }

  /** Ctrl-C: SIGINT to the whole group, then the exit of npm. */
  async interrupt(timeoutMs = 60_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) process.kill(-this.pid, 'SIGINT');
    const timer = setTimeout(() => this.killGroup(), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  killGroup(): void {
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // the group is gone already
    }
  }
}

export interface CliResult { code: number | null; stdout: string; stderr: string }

/** `npx decloud <args>` as a renter types it, with the printed environment and its own home (~/.decloud). */
export function decloud(args: string[], env: RenterEnv, home: string, timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['decloud', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env, HOME: home, FORCE_COLOR: '0', npm_config_update_notifier: 'false' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`decloud ${args.join(' ')} did not finish within ${timeoutMs / 1000} s:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

/** Like `decloud`, but a non-zero exit is an error that shows what the command printed. */
export async function decloudOk(args: string[], env: RenterEnv, home: string): Promise<CliResult> {
  const result = await decloud(args, env, home);
  if (result.code !== 0) throw new Error(`decloud ${args.join(' ')} exited with ${result.code}:\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** `decloud-node <args>` (the host operator's CLI, from the repository's bin); a non-zero exit is an error showing its output. */
export function decloudNodeOk(args: string[], timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'node/bin/decloud-node.js'), ...args], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`decloud-node ${args.join(' ')} did not finish within ${timeoutMs / 1000} s:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`decloud-node ${args.join(' ')} exited with ${code}:\n${stdout}\n${stderr}`));
      else resolve({ code, stdout, stderr });
    });
  });
}

/** The value of a `  label  value` line of the CLI's output. */
export function field(output: string, label: string): string {
  const line = output.split('\n').find((l) => l.trimStart().startsWith(`${label} `));
  if (line === undefined) throw new Error(`no "${label}" line in the output:\n${output}`);
  return line.trimStart().slice(label.length).trim();
}

/** Live processes (pid and command line) whose command line contains `text`, or that belong to process group `pgid`. */
export function processesOf(text: string, pgid?: number): Array<{ pid: number; cmd: string }> {
  const found: Array<{ pid: number; cmd: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmd = readFileSync(join('/proc', entry, 'cmdline'), 'utf8').split('\0').join(' ').trim();
      // Field 5 of /proc/<pid>/stat is the process group; the command name (2) may hold spaces.
      const stat = readFileSync(join('/proc', entry, 'stat'), 'utf8');
      const group = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      const zombie = stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
      if (!zombie && cmd !== '' && (cmd.includes(text) || group === pgid)) found.push({ pid: Number(entry), cmd });
    } catch {
      // it ended while we looked
    }
  }
  return found;
}

/** SIGKILLs each process by pid and waits until none is left (at most 10 s). */
export async function killProcesses(processes: Array<{ pid: number }>): Promise<void> {
  for (const { pid } of processes) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  for (let i = 0; i < 100 && processes.some(({ pid }) => alive(pid)); i++) await sleep(100);
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/**
 * Ctrl-C, then everything a clean stop leaves: what is wrong, or nothing. npm must exit 0,
 * no process of the network (its group, or naming `state`) may live on, every port is free.
 */
export async function interruptProblems(run: NpmStart, state: string, busyPorts: () => Promise<string[]>): Promise<string[]> {
  const exit = await run.interrupt();
  const problems: string[] = [];
  if (exit.code !== 0) problems.push(`npm start ended with ${exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`}, not 0`);
  if (!run.output().includes('stopping')) problems.push('it never said it was stopping');
  for (let i = 0; i < 100 && processesOf(state, run.pid).length > 0; i++) await sleep(100);
  for (const { pid, cmd } of processesOf(state, run.pid)) problems.push(`process ${pid} still runs: ${cmd}`);
  for (const port of await busyPorts()) problems.push(`${port} is still taken`);
  return problems;
}
