import { readFile } from 'node:fs/promises';
import { writeFileAtomically } from '../config/index.js';

/**
 * The offer sequence number, kept in a file so it grows across restarts: peers drop an offer
 * whose seq is not above the one they hold. It never falls below the wall clock in ms, so
 * even a lost file cannot make a restarted host publish "old" offers.
 */
export class OfferSeq {
  private constructor(private readonly file: string, private last: bigint) {}

  static async open(file: string): Promise<OfferSeq> {
    return new OfferSeq(file, await readSeq(file));
  }

  get current(): bigint {
    return this.last;
  }

  /** The next seq, written to the file before it is returned (so it is never issued twice). */
  async next(now: number): Promise<bigint> {
    const candidate = this.last + 1n;
    const floor = BigInt(Math.floor(now));
    const seq = candidate > floor ? candidate : floor;
    await writeFileAtomically(this.file, `${seq}\n`);
    this.last = seq;
    return seq;
  }
}

async function readSeq(file: string): Promise<bigint> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0n;
    throw err;
  }
  // A damaged file only costs the counter: the wall-clock floor still keeps seqs growing.
  return /^\d+$/.test(text.trim()) ? BigInt(text.trim()) : 0n;
}
