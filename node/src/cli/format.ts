/** How the host CLI writes amounts, times and keys: the renter CLI's formats, and a few of its own. */
import { solText, unixTime } from '@decloud/sdk/cli/format';

export { duration, fields, short, solText as sol } from '@decloud/sdk/cli/format';
export { lamportsOfSol } from '@decloud/sdk/renter/sol-amounts';

/** "1.5 SOL (1500000000 lamports)": exact and readable. */
export function solAndLamports(lamports: bigint): string {
  return `${solText(lamports)} (${lamports} lamports)`;
}

/** A unix-seconds time as ISO text; "-" for 0 (never). */
export function unixSecs(secs: bigint): string {
  return secs === 0n ? '-' : unixTime(secs);
}

/** JSON with bigints as decimal strings. */
export function json(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
