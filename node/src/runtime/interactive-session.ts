import type { Container, Exec } from 'dockerode';
import type { Duplex } from 'node:stream';
import { HeldOutput } from '@decloud/sdk/access/held-output';
import { onAbort } from './abort.js';
import { envList } from './create-options.js';
import { RuntimeError } from './errors.js';
import { execExitCode } from './exec-exit.js';
import { killExec } from './exec-kill.js';
import type { InteractiveSession, TerminalSize, TtyExecOptions } from './runtime.js';

const MAX_TERMINAL_SIDE = 1000;

/** Starts a command on a pseudo-terminal in a running container. */
export async function openSession(
  container: Container,
  cmd: string[],
  options: TtyExecOptions,
  toError: (err: unknown, action: string) => RuntimeError,
): Promise<InteractiveSession> {
  const { signal } = options;
  const exec = await container.exec({
    Cmd: cmd,
    ...(options.env ? { Env: envList(options.env) } : {}),
    ...(options.workdir ? { WorkingDir: options.workdir } : {}),
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
    abortSignal: signal,
  });
  const socket = await exec.start({ hijack: true, stdin: true, Tty: true, abortSignal: signal });
  const session = new DockerSession(container, exec, socket, toError);
  const unsubscribe = onAbort(signal, () => session.close());
  void session.exit.then(unsubscribe);
  if (options.size) {
    try {
      await session.resize(options.size);
    } catch (err) {
      session.close();
      throw err;
    }
  }
  return session;
}

class DockerSession implements InteractiveSession {
  readonly exit: Promise<{ exitCode: number | null }>;
  private readonly output = new HeldOutput();
  private hungUp = false;

  constructor(
    container: Container,
    private readonly exec: Exec,
    private readonly socket: Duplex,
    private readonly toError: (err: unknown, action: string) => RuntimeError,
  ) {
    socket.on('data', (chunk: Buffer) => this.output.deliver(chunk));
    // A broken connection ends the session like a closed one: `exit` reports it.
    socket.on('error', () => socket.destroy());
    // Never rejects: nobody has to await `exit` for the node to stay up.
    this.exit = new Promise((resolve) => {
      socket.once('close', () => {
        // Hung up from our side: the command may ignore its lost input, so end it (a terminal hang-up).
        const ending = this.hungUp ? killExec(container, exec).catch(() => false) : Promise.resolve(false);
        ending.then(() => execExitCode(exec)).then(
          (exitCode) => resolve({ exitCode }),
          () => resolve({ exitCode: null }),
        );
      });
    });
  }

  write(data: string | Uint8Array): void {
    // Keys typed after the shell has gone are lost, as on any terminal.
    if (this.socket.writable) this.socket.write(data);
  }

  async resize(size: TerminalSize): Promise<void> {
    checkSize(size);
    try {
      await this.exec.resize({ h: size.rows, w: size.cols });
    } catch (err) {
      throw this.toError(err, 'resizing the terminal');
    }
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    return this.output.subscribe(listener);
  }

  close(): void {
    if (!this.socket.destroyed) this.hungUp = true;
    this.socket.end();
    this.socket.destroy();
  }
}

function checkSize(size: TerminalSize): void {
  const ok = (n: number) => Number.isInteger(n) && n >= 1 && n <= MAX_TERMINAL_SIDE;
  if (!ok(size.cols) || !ok(size.rows)) {
    throw new RuntimeError('BAD_SPEC', `terminal size must be whole numbers of 1..${MAX_TERMINAL_SIDE} columns and rows, got ${size.cols}x${size.rows}`);
  }
}
