/** Lease durations as renters give them: hours (fractions allowed) or whole seconds. */
import { U32_MAX } from '../codec/field-checks.js';
import { RenterError } from './renter-error.js';

export type Duration = { hours: number } | { durationSecs: number };

const SECONDS_PER_HOUR = 3600;

/** Whole seconds (1..u32 max); throws RenterError BAD_OPTION naming the field. */
export function secondsOf(duration: Duration): number {
  if ('hours' in duration && 'durationSecs' in duration) {
    throw new RenterError('BAD_OPTION', 'give the duration once: either hours or durationSecs');
  }
  if ('hours' in duration) {
    const { hours } = duration;
    if (typeof hours !== 'number' || !Number.isFinite(hours) || hours <= 0) {
      throw new RenterError('BAD_OPTION', `hours must be a number above 0, got ${String(hours)}`);
    }
    return inRange('hours (in seconds)', Math.round(hours * SECONDS_PER_HOUR));
  }
  return inRange('durationSecs', duration.durationSecs);
}

function inRange(field: string, secs: unknown): number {
  if (typeof secs !== 'number' || !Number.isSafeInteger(secs) || secs < 1 || secs > U32_MAX) {
    throw new RenterError('BAD_OPTION', `${field} must be a whole number of seconds in 1..${U32_MAX}, got ${String(secs)}`);
  }
  return secs;
}
