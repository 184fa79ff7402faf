import type { Refusal } from './witness-messages.js';
import { CodedError } from '../errors/coded-error.js';

/**
 * Errors of the witness protocol and service. `code` is stable for callers to branch on
 * (and names the metric label of a failed challenge); the message names cause and fix.
 */
export type WitnessErrorCode =
  | 'MALFORMED'
  | 'TOO_LARGE'
  | 'BAD_VERSION'
  | 'OUT_OF_RANGE'
  | 'FORGED_ANSWER'
  | 'WRONG_NONCE'
  | 'WRONG_EPOCH'
  | 'REFUSED'
  | 'TIMEOUT'
  | 'UNREACHABLE'
  | 'NOT_A_WITNESS'
  | 'WRONG_IDENTITY'
  | 'CHAIN_UNREADABLE'
  | 'KEY_FILE';

export class WitnessError extends CodedError<WitnessErrorCode> {
  override readonly name: string = 'WitnessError';
}

/** The host answered with a refusal; `refusal.reason` says why. */
export class WitnessRefusedError extends WitnessError {
  override readonly name = 'WitnessRefusedError';

  constructor(readonly refusal: Refusal, host: string) {
    super('REFUSED', `host ${host} refused the challenge: ${refusal.reason}: ${refusal.message}`);
  }
}
