import {
  SHELL_PROTOCOL, accessMessageKind, chunks, decodeData, decodeResize, decodeShellRequest, encodeAccepted, encodeData, encodeExit,
} from '@decloud/sdk/access/index';
import type { Logger } from 'pino';
import type { InteractiveSession } from '../runtime/index.js';
import { AccessRefusal } from './access-refusal.js';
import { authenticate } from './challenge-handshake.js';
import { FrameQueue } from './frame-queue.js';
import type { AccessHandler } from './handler-context.js';
import type { HostStream } from './host-stream.js';
import { runningContainer } from './running-container.js';

/**
 * `/decloud/shell/1.0.0`: a command on a pseudo-terminal. Renter -> host: data and resize
 * frames; closing its side hangs up. Host -> renter: data frames, then `exit` with the
 * command's exit code. A renter that vanishes (the stream closes) hangs up too.
 *
 * Docker keeps an exec's process running when its connection closes (it never closes the
 * terminal, so no SIGHUP comes), so a hang-up is typed instead: interrupt the foreground
 * job, then end of input, which ends a shell. A program that ignores both (an editor in
 * raw mode) outlives the session until the container stops.
 */
const HANG_UP_KEYS = '\x03\x04';
/** How long a hung-up command has to end before the host lets go of its terminal. */
const HANG_UP_GRACE_MS = 2_000;

export const serveShell: AccessHandler = async (stream, { c, init, handshake, sessions, lifetime }) => {
  const { lease, request } = await authenticate(stream, SHELL_PROTOCOL, handshake, decodeShellRequest);
  const container = await runningContainer(c.leases, lease);
  const release = sessions.take();
  try {
    const env = request.env && Object.keys(request.env).length > 0 ? { env: request.env } : {};
    // Bound by the handlers' lifetime, not the stream's: a renter that vanishes gets the hang-up below.
    const session = await c.runtime.exec(container, request.cmd, { tty: true, size: { cols: request.cols, rows: request.rows }, ...env, signal: lifetime });
    await stream.write(encodeAccepted());
    const output = new FrameQueue(
      (frame) => stream.write(frame),
      init.maxShellBacklogBytes,
      () => new AccessRefusal('TIMEOUT', `terminal output piled up past ${init.maxShellBacklogBytes} bytes: the renter reads too slowly for this output; the session was closed`),
      // The input pump sees the stream go and hangs up.
      (error) => stream.stream.abort(error),
    );
    const unsubscribe = session.onData((chunk) => {
      for (const piece of chunks(chunk)) output.push(encodeData(piece));
    });
    const exited = session.exit.then(() => 'exited' as const);
    const inputEnded = pumpInput(stream, session, c.log);
    const first = await Promise.race([exited, inputEnded]);
    // The renter hung up, vanished or sent junk: the session ends.
    if (first !== 'exited') await hangUp(session);
    const { exitCode } = await session.exit;
    unsubscribe();
    await output.drained();
    if (first instanceof Error) throw first;
    if (output.failure) throw output.failure;
    // A renter that vanished gets no exit code; its session was still ended properly.
    if (stream.signal.aborted) return lease.toBase58();
    await stream.write(encodeExit(exitCode));
    await stream.end();
    return lease.toBase58();
  } finally {
    release();
  }
};

async function hangUp(session: InteractiveSession): Promise<void> {
  session.write(HANG_UP_KEYS);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([session.exit, new Promise((resolve) => { timer = setTimeout(resolve, HANG_UP_GRACE_MS); })]);
  clearTimeout(timer);
  session.close();
}

/**
 * Feeds the renter's frames to the terminal. Resolves undefined when the renter hangs up
 * (or is gone), or with the error that makes its input unacceptable.
 */
async function pumpInput(stream: HostStream, session: InteractiveSession, log: Logger): Promise<Error | undefined> {
  try {
    for (;;) {
      const frame = await stream.read();
      const kind = accessMessageKind(frame);
      if (kind === 'data') {
        session.write(decodeData(frame));
      } else if (kind === 'resize') {
        // A resize racing the command's end fails; the session goes on either way.
        await session.resize(decodeResize(frame)).catch((err: Error) => log.debug({ err: err.message }, 'terminal resize failed'));
      } else {
        return new AccessRefusal('MALFORMED', `a shell takes data and resize frames from the renter, got ${kind ?? `a frame with tag ${String(frame[0])}`}`);
      }
    }
  } catch (err) {
    if (stream.signal.aborted || (err as Error).name === 'UnexpectedEOFError') return undefined;
    return err as Error;
  }
}
