/** How the CLI writes amounts, sizes, times and tables. */
import Table from 'cli-table3';
import { sol } from '../renter/sol-amounts.js';

/** "1.5 SOL" */
export function solText(lamports: bigint): string {
  return `${sol(lamports)} SOL`;
}

/** A per-second rate as SOL per hour: what people compare. */
export function solPerHour(lamportsPerSecond: bigint): string {
  return `${sol(lamportsPerSecond * 3600n)} SOL/h`;
}

/** unix seconds as ISO text without milliseconds */
export function unixTime(secs: bigint): string {
  return new Date(Number(secs) * 1000).toISOString().replace('.000Z', 'Z');
}

/** "2h05m", "3m07s", "12s" */
export function duration(secs: number | bigint): string {
  const total = Math.max(0, Math.round(Number(secs)));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

/** "512 MiB", "2 GiB" */
export function mib(value: number): string {
  return value >= 1024 && value % 1024 === 0 ? `${value / 1024} GiB` : value >= 1024 ? `${(value / 1024).toFixed(1)} GiB` : `${value} MiB`;
}

export function bytes(value: number): string {
  if (value < 1024) return `${value} B`;
  if (value < 1024 * 1024) return `${(value / 1024).toFixed(1)} KiB`;
  if (value < 1024 ** 3) return `${(value / 1024 ** 2).toFixed(1)} MiB`;
  return `${(value / 1024 ** 3).toFixed(2)} GiB`;
}

/** "12D3KooW…x9Zq" for a long key in a narrow column. */
export function short(key: string): string {
  return key.length > 16 ? `${key.slice(0, 8)}…${key.slice(-4)}` : key;
}

/** A table with the given header, no colours (output is often piped or read by scripts). */
export function table(head: string[], rows: string[][]): string {
  const t = new Table({ head, style: { head: [], border: [] } });
  t.push(...rows);
  return t.toString();
}

/** Aligned "label  value" lines. */
export function fields(rows: Array<[string, string]>): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n');
}
