/** How the CLI writes amounts, times and keys. */
const LAMPORTS_PER_SOL = 1_000_000_000n;

/** Lamports as SOL with every significant decimal: 1500000000n -> "1.5 SOL". */
export function sol(lamports: bigint): string {
  const sign = lamports < 0n ? '-' : '';
  const abs = lamports < 0n ? -lamports : lamports;
  const whole = abs / LAMPORTS_PER_SOL;
  const fraction = (abs % LAMPORTS_PER_SOL).toString().padStart(9, '0').replace(/0+$/, '');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''} SOL`;
}

/** "1.5 SOL (1500000000 lamports)": exact and readable. */
export function solAndLamports(lamports: bigint): string {
  return `${sol(lamports)} (${lamports} lamports)`;
}

/** A SOL amount typed by a person ("1", "0.25") in lamports; undefined when it is not one. */
export function lamportsOfSol(text: string): bigint | undefined {
  const match = /^(\d+)(?:\.(\d{1,9}))?$/.exec(text.trim());
  if (!match) return undefined;
  return BigInt(match[1]!) * LAMPORTS_PER_SOL + BigInt((match[2] ?? '').padEnd(9, '0'));
}

/** A unix-seconds time as ISO text; "-" for 0 (never). */
export function unixSecs(secs: bigint): string {
  return secs === 0n ? '-' : new Date(Number(secs) * 1000).toISOString().replace('.000Z', 'Z');
}

/** "abcd1234…wxyz" for a long base58 key in a table column. */
export function short(key: string): string {
  return key.length > 14 ? `${key.slice(0, 8)}…${key.slice(-4)}` : key;
}

export function duration(ms: number): string {
  const secs = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(secs / 3600);
  const m = Math.floor((secs % 3600) / 60);
  const s = secs % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

/** Aligned "label   value" lines. */
export function fields(rows: Array<[string, string]>): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n');
}

/** JSON with bigints as decimal strings. */
export function json(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
