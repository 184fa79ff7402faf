/** A long-running child process of the local network: its output is kept (and shown on failure), its lines can be awaited. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  /** resolves with the first output line that matches, rejects if the child exits first or time runs out */
  waitForLine(match: (line: string) => boolean, timeoutMs: number): Promise<string>;
  /** the last lines it printed, for error messages */
  tail(lines?: number): string;
  readonly exited: Promise<number>;
  /** SIGINT, then SIGKILL after the grace period */
  stop(graceMs?: number): Promise<number>;
}

export function startChild(name: string, command: string, args: string[], options: { env?: NodeJS.ProcessEnv; echo?: boolean } = {}): Child {
  const child = spawn(command, args, { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters = new Set<(line: string) => void>();
  let partial = '';
  const onData = (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      if (lines.length > 200) lines.shift();
      if (options.echo) process.stdout.write(`  ${name} │ ${line}\n`);
      for (const waiter of waiters) waiter(line);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 0))));
  const tail = (n = 15) => lines.slice(-n).map((l) => `    ${l}`).join('\n');

  return {
    name,
    process: child,
    exited,
    tail,
    waitForLine(match, timeoutMs) {
      const seen = lines.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const done = () => { waiters.delete(waiter); clearTimeout(timer); };
        const waiter = (line: string) => { if (match(line)) { done(); resolve(line); } };
        const timer = setTimeout(() => { done(); reject(new Error(`${name} did not get ready within ${timeoutMs / 1000} s:\n${tail()}`)); }, timeoutMs);
        waiters.add(waiter);
        void exited.then((code) => { done(); reject(new Error(`${name} exited with code ${code}:\n${tail()}`)); });
      });
    },
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
