/**
 * The `decloud-node` bin as a child process, the way an operator runs it: one-shot commands
 * (exit code and output) and the long-running `start --json` (its JSON-line events).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/decloud-node.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function spawnCli(args: string[], env: Record<string, string | undefined>): ChildProcess {
  // No colours and no spinner animation: output is compared as text.
  return spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs a command to its end. */
export function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const child = spawnCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

export type CliEvent = Record<string, unknown> & { event: string };

export interface DaemonProcess {
  readonly child: ChildProcess;
  readonly events: CliEvent[];
  /** The first event (seen or to come) matching `match`. */
  next(match: (event: CliEvent) => boolean, timeoutMs?: number): Promise<CliEvent>;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited(): Promise<number | null>;
  stderr(): string;
}

/** Runs `decloud-node start --json` (plus `args`) and reads its events. */
export function startDaemon(args: string[], env: Record<string, string | undefined> = {}): DaemonProcess {
  const child = spawnCli([...args, 'start', '--json'], env);
  const events: CliEvent[] = [];
  const wakers = new Set<() => void>();
  let errText = '';
  child.stderr!.on('data', (chunk: Buffer) => { errText += chunk.toString(); });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      events.push(JSON.parse(line) as CliEvent);
    } catch {
      events.push({ event: 'text', line });
    }
    for (const wake of wakers) wake();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    for (const wake of wakers) wake();
    resolve(code);
  }));
  return {
    child,
    events,
    stderr: () => errText,
    exited: () => exited,
    next(match, timeoutMs = 90_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`no matching event within ${timeoutMs} ms; events: ${JSON.stringify(events).slice(-3000)}; stderr: ${errText.slice(-2000)}`)), timeoutMs);
        const done = (error?: Error, event?: CliEvent): void => {
          clearTimeout(timer);
          wakers.delete(check);
          if (error) reject(error); else resolve(event!);
        };
        const check = (): void => {
          const found = events.find(match);
          if (found) return done(undefined, found);
          if (child.exitCode !== null || child.signalCode !== null) done(new Error(`the node exited (${child.exitCode ?? child.signalCode}) first; stderr: ${errText.slice(-3000)}`));
        };
        wakers.add(check);
        check();
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
}
