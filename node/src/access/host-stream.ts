/**
 * The host's side of one access stream: length-prefixed frames capped at what the protocol
 * may carry, a signal that aborts when the stream closes (the renter went away) or the
 * handlers stop, and a polite end: our side closed, a moment for the renter to close
 * theirs, then a reset.
 */
import type { Stream } from '@libp2p/interface';
import { lpStream } from '@libp2p/utils';
import type { LengthPrefixedStream } from '@libp2p/utils';
import { encodeRefusal, frameOptions } from '@decloud/sdk/access/index';
import type { Refusal } from '@decloud/sdk/access/index';
import { derivedSignal } from '@decloud/sdk/net/abort';

/** How long the renter has to close its side after the host's last frame. */
export const LINGER_MS = 5_000;

export interface FrameLimits {
  /** Largest frame the renter may send on this protocol. */
  maxFrameBytes: number;
  /** Unread bytes allowed before the stream is reset. */
  maxBufferBytes: number;
}

export class HostStream {
  /** Aborts when the stream closes or the handlers stop. */
  readonly signal: AbortSignal;
  private readonly lp: LengthPrefixedStream<Stream>;
  private readonly streamClosed = new AbortController();

  constructor(readonly stream: Stream, limits: FrameLimits, private readonly lifetime: AbortSignal) {
    this.lp = lpStream(stream, frameOptions(limits.maxFrameBytes, limits.maxBufferBytes));
    const onClose = (): void => this.streamClosed.abort(new Error('the stream closed'));
    if (isOver(stream)) onClose();
    else stream.addEventListener('close', onClose, { once: true });
    this.signal = derivedSignal(undefined, lifetime, this.streamClosed.signal);
  }

  /** The stream's signal, bounded by `timeoutMs` too. */
  deadline(timeoutMs: number): AbortSignal {
    return derivedSignal(timeoutMs, this.signal);
  }

  async read(signal: AbortSignal = this.signal): Promise<Uint8Array> {
    return new Uint8Array((await this.lp.read({ signal })).subarray());
  }

  async write(frame: Uint8Array, signal: AbortSignal = this.signal): Promise<void> {
    await this.lp.write(frame, { signal });
  }

  /**
   * Stops reading (whatever else the renter sends is dropped, so an oversized frame cannot
   * pile up), sends the refusal when the stream can still carry it, then ends. Never throws.
   */
  async refuse(refusal: Refusal): Promise<void> {
    await this.stream.closeRead().catch(() => undefined);
    if (this.stream.writeStatus === 'writable') {
      try {
        await this.write(encodeRefusal(refusal), AbortSignal.timeout(LINGER_MS));
      } catch {
        // The renter is gone or not reading: nothing more to tell it.
      }
    }
    await this.end();
  }

  /**
   * Closes our side after what was written, waits briefly for the renter's side (not when
   * the handlers are stopping), then resets. Never throws.
   */
  async end(): Promise<void> {
    if (isOver(this.stream)) return;
    if (!this.lifetime.aborted) {
      try {
        const linger = derivedSignal(LINGER_MS, this.lifetime);
        await this.stream.close({ signal: linger });
        await closed(this.stream, linger);
      } catch {
        // fall through to the reset
      }
    }
    if (!isOver(this.stream)) this.stream.abort(new Error('the stream ended: the renter kept its side open after the answer, or the host is stopping'));
  }
}

function isOver(stream: Stream): boolean {
  return stream.status === 'closed' || stream.status === 'aborted' || stream.status === 'reset';
}

/** Resolves when the stream has closed, or when `signal` aborts. */
function closed(stream: Stream, signal: AbortSignal): Promise<void> {
  if (isOver(stream) || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      stream.removeEventListener('close', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    stream.addEventListener('close', done, { once: true });
    signal.addEventListener('abort', done, { once: true });
  });
}
