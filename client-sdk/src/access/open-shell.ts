import type { PeerId } from '@libp2p/interface';
import type { Keypair, PublicKey } from '@solana/web3.js';
import { derivedSignal } from '../net/abort.js';
import { AccessConnection, DEFAULT_HANDSHAKE_TIMEOUT_MS, leaseOf } from './access-connection.js';
import type { AccessNode } from './access-connection.js';
import { decodeAccepted } from './answer-messages.js';
import { AccessError } from './errors.js';
import { HeldOutput } from './held-output.js';
import { DATA_STREAM_BUFFER_BYTES } from './limits.js';
import { SHELL_PROTOCOL } from './protocol-ids.js';
import { encodeShellRequest } from './request-messages.js';
import { chunks, decodeData, decodeExit, encodeData, encodeResize } from './session-frames.js';
import { accessMessageKind } from './wire.js';

export const DEFAULT_SHELL_COMMAND = ['/bin/sh'];
export const DEFAULT_TERMINAL = { cols: 80, rows: 24 } as const;
/** After close(), how long the host has to report the exit code before the stream is cut. */
export const SHELL_CLOSE_GRACE_MS = 5_000;

export interface ShellOptions {
  cols?: number;
  rows?: number;
  /** The command on the terminal; default /bin/sh. */
  cmd?: string[];
  env?: Record<string, string>;
  /** Aborting cuts the session; `exited` rejects with the signal's reason. */
  signal?: AbortSignal;
  handshakeTimeoutMs?: number;
}

/** An interactive terminal in the lease's container. */
export interface ShellSession {
  /** Keys for the terminal; ignored once the session is over (as on any terminal). */
  write(data: string | Uint8Array): void;
  /** Throws AccessError BAD_REQUEST for a size outside 1..1000. */
  resize(cols: number, rows: number): void;
  /** Terminal output; output produced before the first listener is kept for it. Returns the unsubscribe. */
  onData(listener: (chunk: Uint8Array) => void): () => void;
  /** The command's exit code; rejects when the session is lost, refused mid-way or aborted. */
  readonly exited: Promise<number>;
  /** Hangs up: the host closes the terminal and reports the exit code. */
  close(): void;
}

/** Starts `cmd` (default /bin/sh) on a pseudo-terminal; resolves once the host has it running. */
export async function openShell(
  node: AccessNode, hostPeer: PeerId | string, lease: PublicKey | string, signer: Keypair, options: ShellOptions = {},
): Promise<ShellSession> {
  const address = leaseOf(lease);
  const request = encodeShellRequest({
    cmd: options.cmd ?? DEFAULT_SHELL_COMMAND,
    cols: options.cols ?? DEFAULT_TERMINAL.cols,
    rows: options.rows ?? DEFAULT_TERMINAL.rows,
    ...(options.env ? { env: options.env } : {}),
  });
  const handshake = derivedSignal(options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS, options.signal);
  const connection = await AccessConnection.dial(node, hostPeer, SHELL_PROTOCOL, ['challenge', 'accepted', 'data', 'exit'], handshake, DATA_STREAM_BUFFER_BYTES);
  try {
    await connection.authenticate(address, signer, request, handshake);
    await connection.expect('accepted', decodeAccepted, handshake);
  } catch (err) {
    connection.abort(err as Error);
    handshake.throwIfAborted();
    throw err;
  }
  return new RemoteShell(connection, options.signal);
}

class RemoteShell implements ShellSession {
  readonly exited: Promise<number>;
  private settle!: { resolve(code: number): void; reject(error: Error): void };
  private over = false;
  private closing = false;
  private sending: Promise<void> = Promise.resolve();
  private readonly output = new HeldOutput();
  private readonly stopWatching: () => void;

  constructor(private readonly connection: AccessConnection, signal: AbortSignal | undefined) {
    this.exited = new Promise<number>((resolve, reject) => { this.settle = { resolve, reject }; });
    // Nobody has to await `exited` for the process to stay up.
    this.exited.catch(() => undefined);
    const onAbort = (): void => this.fail(signal?.reason instanceof Error ? signal.reason : new Error('the shell was aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    this.stopWatching = () => signal?.removeEventListener('abort', onAbort);
    if (signal?.aborted) onAbort();
    void this.readLoop();
  }

  write(data: string | Uint8Array): void {
    if (this.over || this.closing) return;
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    for (const chunk of chunks(bytes)) this.send(encodeData(chunk));
  }

  resize(cols: number, rows: number): void {
    const frame = encodeResize({ cols, rows });
    if (!this.over && !this.closing) this.send(frame);
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    return this.output.subscribe(listener);
  }

  close(): void {
    if (this.over || this.closing) return;
    this.closing = true;
    // Half-close after the queued input: the host hangs up the terminal and sends the exit code.
    this.sending = this.sending.then(() => this.connection.finish());
    const timer = setTimeout(() => this.fail(new AccessError('SESSION_LOST', `host ${this.connection.host} did not report the exit code within ${SHELL_CLOSE_GRACE_MS} ms of the hang-up`)), SHELL_CLOSE_GRACE_MS);
    void this.exited.finally(() => clearTimeout(timer)).catch(() => undefined);
  }

  private send(frame: Uint8Array): void {
    this.sending = this.sending.then(() => this.connection.write(frame)).catch((err: Error) => this.fail(err));
  }

  private async readLoop(): Promise<void> {
    try {
      for (;;) {
        const frame = await this.connection.read();
        if (accessMessageKind(frame) === 'exit') return this.exit(this.connection.decodeAnswer(frame, 'exit', decodeExit));
        this.output.deliver(this.connection.decodeAnswer(frame, 'data', decodeData));
      }
    } catch (err) {
      this.fail(lost(this.connection.host, err));
    }
  }

  private exit(code: number | null): void {
    if (code === null) {
      this.fail(new AccessError('SESSION_LOST', `host ${this.connection.host} lost the exit code of the shell's command (its container engine connection broke)`));
      return;
    }
    this.end();
    void this.connection.finish();
    this.settle.resolve(code);
  }

  private fail(error: Error): void {
    if (this.over) return;
    this.end();
    this.connection.abort(error);
    this.settle.reject(error);
  }

  private end(): void {
    this.over = true;
    this.stopWatching();
  }
}

function lost(host: string, err: unknown): Error {
  if (err instanceof AccessError) return err;
  return new AccessError('SESSION_LOST', `the shell stream to host ${host} broke before the exit code: ${(err as Error).message}`, { cause: err });
}
