import type { Logger } from 'pino';

/**
 * Runs `task` every `intervalMs` until stopped; a run never overlaps the previous one and
 * its failure is logged, not thrown (the next run tries again). stop() aborts the signal
 * the running task got and waits for it to finish.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private controller: AbortController | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly task: (signal: AbortSignal) => Promise<unknown>,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (this.timer) return;
    this.controller = new AbortController();
    this.timer = setInterval(() => this.runOnce(), this.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.controller?.abort(new Error(`${this.name} stopped`));
    await this.running;
  }

  private runOnce(): void {
    const signal = this.controller?.signal;
    if (this.running || !signal || signal.aborted) return;
    this.running = this.task(signal)
      .then(() => undefined, (err: unknown) => {
        if (!signal.aborted) this.log.warn({ task: this.name, err: String((err as Error)?.message ?? err) }, `${this.name} failed; retrying next interval`);
      })
      .finally(() => { this.running = undefined; });
  }
}
