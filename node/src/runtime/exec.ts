import type { Container } from 'dockerode';
import type { Duplex } from 'node:stream';
import { abortedError, onAbort, throwIfAborted } from './abort.js';
import { envList } from './create-options.js';
import { RuntimeError } from './errors.js';
import { execExitCode } from './exec-exit.js';
import { killExec } from './exec-kill.js';
import { demultiplex } from './multiplexed-stream.js';
import type { ExecOptions, ExecResult } from './runtime.js';

const DEFAULT_MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

/** Runs a command in a running container and collects its exit code, stdout and stderr apart. */
export async function runExec(container: Container, cmd: string[], options: ExecOptions = {}): Promise<ExecResult> {
  const { signal } = options;
  const hasStdin = options.stdin !== undefined;
  const exec = await container.exec({
    Cmd: cmd,
    ...(options.env ? { Env: envList(options.env) } : {}),
    ...(options.workdir ? { WorkingDir: options.workdir } : {}),
    AttachStdin: hasStdin,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    abortSignal: signal,
  });
  const socket = await exec.start({ hijack: true, stdin: hasStdin, abortSignal: signal });
  // Aborting detaches, then ends the command (Docker has no call to kill an exec).
  const unsubscribe = onAbort(signal, () => {
    socket.destroy(abortedError('exec', signal as AbortSignal));
    void killExec(container, exec).catch(() => false);
  });
  try {
    // Ending our side closes the command's stdin (the hijacked connection is half-closed).
    if (hasStdin) socket.end(options.stdin);
    const output = await collectOutput(socket, options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
    throwIfAborted('exec', signal);
    const exitCode = await execExitCode(exec, signal);
    if (exitCode === null) throw new RuntimeError('ENGINE_ERROR', `exec ${cmd.join(' ')} closed its output but still runs: run it in the background explicitly (sh -c "cmd &")`);
    return { exitCode, ...output };
  } finally {
    unsubscribe();
    socket.destroy();
  }
}

interface CollectedOutput {
  stdout: string;
  stderr: string;
  truncated: boolean;
}

async function collectOutput(socket: Duplex, maxBytes: number): Promise<CollectedOutput> {
  const parts = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  const sizes = { stdout: 0, stderr: 0 };
  let truncated = false;
  for await (const frame of demultiplex(socket)) {
    // Output past the cap is read and dropped, so the command never blocks on a full pipe.
    const room = maxBytes - sizes[frame.stream];
    if (frame.data.length > room) truncated = true;
    const kept = frame.data.subarray(0, Math.max(room, 0));
    if (kept.length > 0) parts[frame.stream].push(Buffer.from(kept));
    sizes[frame.stream] += kept.length;
  }
  return { stdout: Buffer.concat(parts.stdout).toString('utf8'), stderr: Buffer.concat(parts.stderr).toString('utf8'), truncated };
}
