/**
 * Progress on stderr (ora spinners on a terminal, one line per step otherwise), so stdout
 * carries only the command's result and stays pipeable.
 */
import ora from 'ora';
import type { Ora } from 'ora';

export function spinner(text: string): Ora {
  return ora({ text, stream: process.stderr, discardStdin: false }).start();
}

/** Runs one step behind a spinner: ✔ with `done`'s text, or ✖ with the error. */
export async function step<T>(text: string, run: () => Promise<T>, done?: (result: T) => string): Promise<T> {
  const shown = spinner(text);
  try {
    const result = await run();
    shown.succeed(done?.(result) ?? text);
    return result;
  } catch (err) {
    shown.fail(`${text}: failed`);
    throw err;
  }
}

export function note(text: string): void {
  ora({ stream: process.stderr }).info(text);
}

export function warn(text: string): void {
  ora({ stream: process.stderr }).warn(text);
}

/** A spinner that steps through named phases: each new phase ends the previous one as done. */
export class PhaseSpinner {
  private current: Ora | undefined;

  begin(text: string): void {
    this.current?.succeed();
    this.current = spinner(text);
  }

  done(text: string): void {
    if (this.current) this.current.succeed(text);
    else ora({ stream: process.stderr }).succeed(text);
    this.current = undefined;
  }

  /** Marks the running phase failed; the error itself is printed once, by the command line's error handler. */
  fail(): void {
    this.current?.fail(`${this.current.text}: failed`);
    this.current = undefined;
  }
}
