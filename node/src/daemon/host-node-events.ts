/** What a starting and running host node reports, for the CLI's progress and its log. */
import type { QuoteRefusalReason } from '@decloud/sdk/quotes/types';
import type { LeaseState } from '../leases/index.js';

export const START_STEPS = ['capacity', 'rpc', 'docker', 'registration', 'leases', 'network', 'access', 'witness', 'quotes', 'prover', 'offer', 'metrics'] as const;
export type StartStep = (typeof START_STEPS)[number];

export type HostNodeEvent =
  | { kind: 'step'; step: StartStep; phase: 'start' | 'done' | 'failed'; text: string }
  | { kind: 'warning'; text: string }
  | { kind: 'offer-published'; seq: bigint; gossipRecipients: number; recordStored: boolean }
  | { kind: 'quote'; renter: string; answer: 'quoted' | QuoteRefusalReason; message?: string }
  | { kind: 'lease'; lease: string; from: LeaseState; to: LeaseState; reason?: string }
  /** settled: proven time paid into the host account; claimed: the host account paid out to the owner */
  | { kind: 'paid'; what: 'settled' | 'claimed'; lamports: bigint };

export type HostNodeEventSink = (event: HostNodeEvent) => void;

/** Runs one start step between a 'start' and a 'done' (or 'failed') event. */
export async function runStep<T>(emit: HostNodeEventSink, step: StartStep, text: string, run: () => Promise<T>, done: (result: T) => string): Promise<T> {
  emit({ kind: 'step', step, phase: 'start', text });
  try {
    const result = await run();
    emit({ kind: 'step', step, phase: 'done', text: done(result) });
    return result;
  } catch (err) {
    emit({ kind: 'step', step, phase: 'failed', text: (err as Error)?.message ?? String(err) });
    throw err;
  }
}
