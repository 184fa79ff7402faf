/** Undo steps of a start, run newest first: a failed start leaves nothing running, and stop() undoes everything once. */
export class Teardown {
  private readonly steps: Array<{ what: string; undo: () => unknown }> = [];

  add(what: string, undo: () => unknown): void {
    this.steps.push({ what, undo });
  }

  /** Runs every step even when some fail; returns the failures ("<what>: <message>"). */
  async run(): Promise<string[]> {
    const failures: string[] = [];
    for (const { what, undo } of this.steps.splice(0).reverse()) {
      try {
        await undo();
      } catch (err) {
        failures.push(`${what}: ${(err as Error)?.message ?? String(err)}`);
      }
    }
    return failures;
  }
}
