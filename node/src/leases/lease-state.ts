/**
 * The life of a lease on this host, as a pure transition table:
 *
 *   quoted -> funded -> starting -> running -> ending -> closed
 *
 * `quoted`: the host signed terms; `funded`: a lease account matching them was verified
 * on-chain; `starting`: its container is being created; `running`: it serves the renter;
 * `ending`: max end passed, the host is closing it on-chain; `closed`: done. Any live state
 * may go to `failed` (with a reason). A running lease may go back to `starting` when its
 * container has to be brought up again (after a host restart), and a live lease goes
 * straight to `closed` when its account disappears (closed by the renter, or penalized).
 */
import { LeaseError } from './errors.js';

export const LEASE_STATES = ['quoted', 'funded', 'starting', 'running', 'ending', 'closed', 'failed'] as const;
export type LeaseState = (typeof LEASE_STATES)[number];

const NEXT: Readonly<Record<LeaseState, readonly LeaseState[]>> = {
  quoted: ['funded', 'failed'],
  funded: ['starting', 'ending', 'closed', 'failed'],
  starting: ['running', 'ending', 'closed', 'failed'],
  running: ['starting', 'ending', 'closed', 'failed'],
  ending: ['closed', 'failed'],
  closed: [],
  failed: [],
};

/** States in which the host still owes the renter something (a container, a close). */
export const LIVE_STATES: readonly LeaseState[] = ['funded', 'starting', 'running', 'ending'];

export function isLive(state: LeaseState): boolean {
  return LIVE_STATES.includes(state);
}

export function canTransition(from: LeaseState, to: LeaseState): boolean {
  return NEXT[from]?.includes(to) ?? false;
}

/** Returns `to` when the move is allowed; throws LeaseError ILLEGAL_TRANSITION otherwise. */
export function transition(from: LeaseState, to: LeaseState, lease = '(lease)'): LeaseState {
  if (!canTransition(from, to)) {
    const allowed = NEXT[from]?.length ? NEXT[from].join(', ') : 'nothing (it is final)';
    throw new LeaseError('ILLEGAL_TRANSITION', `lease ${lease} cannot go from ${from} to ${to}; from ${from} it may go to ${allowed}`);
  }
  return to;
}
