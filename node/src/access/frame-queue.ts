/**
 * Frames written one after another from a source that cannot wait (a terminal's output
 * events). The backlog is bounded: past `maxBacklogBytes` the queue fails once, and
 * everything after is dropped, so a renter that stops reading cannot make the host buffer
 * without end.
 */
export class FrameQueue {
  private tail: Promise<void> = Promise.resolve();
  private backlog = 0;
  private failed: Error | undefined;

  constructor(
    private readonly send: (frame: Uint8Array) => Promise<void>,
    private readonly maxBacklogBytes: number,
    private readonly overflow: () => Error,
    private readonly onFailure: (error: Error) => void,
  ) {}

  push(frame: Uint8Array): void {
    if (this.failed) return;
    if (this.backlog + frame.length > this.maxBacklogBytes) return this.fail(this.overflow());
    this.backlog += frame.length;
    this.tail = this.tail.then(async () => {
      try {
        if (!this.failed) await this.send(frame);
      } catch (err) {
        this.fail(err as Error);
      } finally {
        this.backlog -= frame.length;
      }
    });
  }

  /** Resolves when everything pushed so far was written (or dropped after a failure). */
  drained(): Promise<void> {
    return this.tail;
  }

  get failure(): Error | undefined {
    return this.failed;
  }

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = error;
    this.onFailure(error);
  }
}
