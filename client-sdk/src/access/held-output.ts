/**
 * Terminal output for listeners that may subscribe late: what arrives before the first
 * listener is held (up to a bound, then dropped) and handed to it on subscription, so a
 * shell's prompt is never lost between opening a session and calling onData.
 */
export const MAX_HELD_BYTES = 1024 * 1024;

export class HeldOutput {
  private readonly listeners = new Set<(chunk: Uint8Array) => void>();
  private held: Uint8Array[] = [];
  private heldBytes = 0;

  constructor(private readonly maxHeldBytes = MAX_HELD_BYTES) {}

  /** Adds a listener (it first receives what was held); returns its removal. */
  subscribe(listener: (chunk: Uint8Array) => void): () => void {
    this.listeners.add(listener);
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    for (const chunk of held) listener(chunk);
    return () => this.listeners.delete(listener);
  }

  deliver(chunk: Uint8Array): void {
    if (this.listeners.size > 0) {
      for (const listener of this.listeners) listener(chunk);
    } else if (this.heldBytes + chunk.length <= this.maxHeldBytes) {
      this.held.push(chunk);
      this.heldBytes += chunk.length;
    }
  }
}
