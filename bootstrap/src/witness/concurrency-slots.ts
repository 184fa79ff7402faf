/** At most `size` tasks at once; the rest wait in order. `drain` lets every waiter go (at shutdown). */
export class ConcurrencySlots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(size: number) {
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`concurrency must be a whole number of at least 1, got ${size}`);
    this.free = size;
  }

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }

  drain(): void {
    for (const wake of this.waiting.splice(0)) wake();
  }
}
