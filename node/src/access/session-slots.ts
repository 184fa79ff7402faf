import { AccessRefusal } from './access-refusal.js';

/** A host-wide cap on long-lived streams (shells, log streams): each holds engine connections. */
export class SessionSlots {
  private open = 0;

  constructor(private readonly max: number) {}

  /** Takes a slot (AccessRefusal BUSY when none is free); call the returned function to give it back, once. */
  take(): () => void {
    if (this.open >= this.max) throw new AccessRefusal('BUSY', `this host serves ${this.max} shells and log streams already: try again later`);
    this.open += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.open -= 1;
    };
  }
}
