/** Prints each build step with its duration, so a slow or failing step is obvious. */
import { performance } from 'node:perf_hooks';

export interface StepOutcome<T> {
  value: T;
  /** One short line shown after the step's title, e.g. a size or a cache hit. */
  detail: string;
}

export type Step = <T>(title: string, work: () => StepOutcome<T>) => T;

export function progress(total: number, write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Step {
  let index = 0;
  return <T>(title: string, work: () => StepOutcome<T>): T => {
    index += 1;
    const prefix = `[${index}/${total}] ${title}`;
    const started = performance.now();
    try {
      const { value, detail } = work();
      write(`${prefix}: ${detail} (${formatSeconds(performance.now() - started)})`);
      return value;
    } catch (error) {
      write(`${prefix}: failed (${formatSeconds(performance.now() - started)})`);
      throw error;
    }
  };
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
