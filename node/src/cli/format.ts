/** How the host CLI writes amounts, times and keys: the renter CLI's formats, and a few of its own. */
import { duration as durationText, solText, unixTime } from '@decloud/sdk/cli/format';

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

/** When a jailed host's stake unlocks: "2026-01-01T00:00:00Z (in 2h05m)", or that it is over; "-" when never jailed. */
export function jailText(jailedUntil: bigint, nowSecs: bigint = BigInt(Math.floor(Date.now() / 1000))): string {
  if (jailedUntil === 0n) return '-';
  const left = jailedUntil - nowSecs;
  return left > 0n ? `${unixTime(jailedUntil)} (in ${durationText(left)})` : `${unixTime(jailedUntil)} (over)`;
}
