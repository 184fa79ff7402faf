import { createHash } from 'node:crypto';
import bs58 from 'bs58';

/**
 * Recent blockhashes: one per slot, derived from the genesis hash and the slot number, so
 * the same chain state always yields the same blockhashes (also across restarts). A
 * blockhash stays valid for 150 slots after its own, as on a validator; litesvm itself
 * only knows one "latest" blockhash, so the ledger checks age here and disables litesvm's
 * own check.
 */
export const BLOCKHASH_VALIDITY_SLOTS = 150;

function blockhashForSlot(genesisHash: string, slot: number): string {
  const slotBytes = Buffer.alloc(8);
  slotBytes.writeBigUInt64LE(BigInt(slot));
  const digest = createHash('sha256').update('decloud-chain/blockhash').update(bs58.decode(genesisHash)).update(slotBytes).digest();
  return bs58.encode(digest);
}

export interface LatestBlockhash {
  blockhash: string;
  lastValidBlockHeight: number;
}

export class BlockhashWindow {
  /** blockhash -> slot it was produced in, for slots in [current - 150, current]. */
  private readonly slotByHash = new Map<string, number>();
  private newestSlot = -1;

  constructor(private readonly genesisHash: string) {}

  latest(currentSlot: number): LatestBlockhash {
    this.advanceTo(currentSlot);
    return { blockhash: blockhashForSlot(this.genesisHash, currentSlot), lastValidBlockHeight: currentSlot + BLOCKHASH_VALIDITY_SLOTS };
  }

  isValid(blockhash: string, currentSlot: number): boolean {
    this.advanceTo(currentSlot);
    const slot = this.slotByHash.get(blockhash);
    return slot !== undefined && slot <= currentSlot && currentSlot <= slot + BLOCKHASH_VALIDITY_SLOTS;
  }

  private advanceTo(currentSlot: number): void {
    if (currentSlot <= this.newestSlot) return;
    const oldest = Math.max(0, currentSlot - BLOCKHASH_VALIDITY_SLOTS);
    for (const [hash, slot] of this.slotByHash) if (slot < oldest) this.slotByHash.delete(hash);
    for (let slot = Math.max(oldest, this.newestSlot + 1); slot <= currentSlot; slot++) {
      this.slotByHash.set(blockhashForSlot(this.genesisHash, slot), slot);
    }
    this.newestSlot = currentSlot;
  }
}
