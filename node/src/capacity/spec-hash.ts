import { createHash } from 'node:crypto';
import type { Capacity } from './capacity.js';
import { SCORE_OF_REFERENCE } from './score.js';

const SPEC_HASH_VERSION = 'decloud-spec/1';

/** `value` rounded to `digits` significant digits (24105 -> 24000 for 2). */
export function toSignificant(value: number, digits: number): number {
  if (value === 0 || !Number.isFinite(value)) return 0;
  const scale = 10 ** (digits - 1 - Math.floor(Math.log10(Math.abs(value))));
  return Math.round(value * scale) / scale;
}

/**
 * The score's octave relative to the reference machine (0: within x0.71..x1.41 of it).
 * Run-to-run noise of the benchmark is a few percent, so a machine stays in its octave;
 * the exact score is published next to the hash.
 */
export function scoreTier(score: number): number {
  return Math.round(Math.log2(score / SCORE_OF_REFERENCE));
}

/**
 * The canonical encoding of a machine's spec: a JSON array in a fixed field order, sizes to
 * 2 significant digits and the score as its tier, so one machine encodes the same every run.
 * Free disk is left out: it changes by the minute.
 */
export function canonicalSpec(capacity: Capacity, score: number): string {
  const gpus = capacity.gpus.map((g) => [g.model, toSignificant(g.memoryMiB, 2), g.count]);
  return JSON.stringify([
    SPEC_HASH_VERSION,
    capacity.arch,
    capacity.cpuModel,
    capacity.cpuCores,
    toSignificant(capacity.memoryMiB, 2),
    toSignificant(capacity.diskTotalGiB, 2),
    gpus,
    scoreTier(score),
  ]);
}

/** sha256 (hex) of the canonical spec. */
export function specHash(capacity: Capacity, score: number): string {
  return createHash('sha256').update(canonicalSpec(capacity, score)).digest('hex');
}
