/** SOL amounts as text, exactly: lamports are bigint, SOL has 9 decimals. */
const LAMPORTS_PER_SOL = 1_000_000_000n;

/** `1500000000n` -> `"1.5"`: exact, trailing zeros dropped. */
export function sol(lamports: bigint): string {
  const sign = lamports < 0n ? '-' : '';
  const abs = lamports < 0n ? -lamports : lamports;
  const whole = abs / LAMPORTS_PER_SOL;
  const frac = (abs % LAMPORTS_PER_SOL).toString().padStart(9, '0').replace(/0+$/, '');
  return `${sign}${whole}${frac ? `.${frac}` : ''}`;
}

/** `"1.5"` -> `1500000000n`; undefined for anything but a plain non-negative decimal with at most 9 decimals. */
export function lamportsOfSol(text: string): bigint | undefined {
  const match = /^(\d+)(?:\.(\d{1,9}))?$/.exec(text.trim());
  if (!match) return undefined;
  return BigInt(match[1]!) * LAMPORTS_PER_SOL + BigInt((match[2] ?? '').padEnd(9, '0'));
}
