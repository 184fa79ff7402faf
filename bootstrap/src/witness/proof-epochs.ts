/** Proof epochs as the program counts them: epoch = floor(unix seconds / proof_epoch_secs). */

export function epochAt(unixMs: number, epochSecs: bigint): bigint {
  return BigInt(Math.floor(unixMs / 1000)) / epochSecs;
}

/** Unix ms at which `epoch` begins (and `epoch - 1` has ended, so it may be attested). */
export function epochStartMs(epoch: bigint, epochSecs: bigint): number {
  return Number(epoch * epochSecs) * 1000;
}
