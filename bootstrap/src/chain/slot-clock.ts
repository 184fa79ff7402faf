/**
 * Slots that advance with wall-clock time, like a validator producing a block every
 * ~400 ms. Computed on demand from the time elapsed since an anchor, so no timer is
 * needed to keep the slot current.
 */
export const SLOT_DURATION_MS = 400;

export class SlotClock {
  constructor(
    private readonly anchorSlot: number,
    private readonly anchorTimeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  slot(): number {
    const elapsed = Math.max(0, this.now() - this.anchorTimeMs);
    return this.anchorSlot + Math.floor(elapsed / SLOT_DURATION_MS);
  }

  /** Wall-clock time (ms) at which `slot` started; slots before the anchor are extrapolated. */
  timeOfSlotMs(slot: number): number {
    return this.anchorTimeMs + (slot - this.anchorSlot) * SLOT_DURATION_MS;
  }

  nowMs(): number {
    return this.now();
  }
}
