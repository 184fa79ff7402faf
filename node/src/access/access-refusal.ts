/**
 * Why a stream was refused, as the renter will read it. Handlers throw AccessRefusal for
 * what they decide themselves; refusalOf() names the reason for anything else they meet
 * (codec, lease, runtime and prover errors), so every failure reaches the renter as one
 * clear refusal and nothing of the host's internals beyond the error's own message.
 */
import { AccessError, refusalText } from '@decloud/sdk/access/index';
import type { AccessErrorCode, Refusal, RefusalReason } from '@decloud/sdk/access/index';
import { LeaseError, LeaseRejectedError } from '../leases/index.js';
import type { LeaseErrorCode } from '../leases/index.js';
import { ProverError } from '../prover/index.js';
import type { ProverErrorCode } from '../prover/index.js';
import { RuntimeError } from '../runtime/index.js';
import type { RuntimeErrorCode } from '../runtime/index.js';

export class AccessRefusal extends Error {
  override readonly name = 'AccessRefusal';

  constructor(readonly reason: RefusalReason, message: string) {
    super(message);
  }
}

/** A renter's bytes the codec refused; any other AccessError here is the host's own fault. */
const ACCESS_REASONS: Partial<Record<AccessErrorCode, RefusalReason>> = {
  MALFORMED: 'MALFORMED',
  BAD_VERSION: 'MALFORMED',
  TOO_LARGE: 'TOO_LARGE',
};

const LEASE_REASONS: Partial<Record<LeaseErrorCode, RefusalReason>> = {
  LEASE_NOT_FOUND: 'UNKNOWN_LEASE',
  LEASE_ENDED: 'LEASE_CLOSED',
  BAD_ADDRESS: 'MALFORMED',
  CONTAINER_FAILED: 'RUNTIME',
};

const RUNTIME_REASONS: Partial<Record<RuntimeErrorCode, RefusalReason>> = {
  BAD_SPEC: 'MALFORMED',
  ABORTED: 'TIMEOUT',
  CONTAINER_NOT_FOUND: 'NOT_ACTIVE',
  CONTAINER_NOT_RUNNING: 'NOT_ACTIVE',
};

const PROVER_REASONS: Partial<Record<ProverErrorCode, RefusalReason>> = {
  MALFORMED_PROOF: 'MALFORMED',
  FORGED_RECEIPT: 'UNAUTHORIZED',
  UNKNOWN_LEASE: 'UNKNOWN_LEASE',
  WRONG_HOST: 'WRONG_HOST',
  RECEIPT_IN_FUTURE: 'RECEIPT_IN_FUTURE',
};

/** A length prefix past the cap (lpStream's check), or longer than any allowed length needs (frameOptions'). */
const OVERSIZED_FRAME = new Set(['InvalidDataLengthError', 'InvalidDataLengthLengthError', 'FrameLengthError']);

export function refusalOf(err: unknown): Refusal {
  const refusal = (reason: RefusalReason, message: string): Refusal => ({ reason, message: refusalText(message) });
  if (err instanceof AccessRefusal) return refusal(err.reason, err.message);
  if (err instanceof AccessError) return refusal(ACCESS_REASONS[err.code] ?? 'INTERNAL', err.message);
  if (err instanceof LeaseRejectedError) return refusal('REJECTED', err.message);
  if (err instanceof LeaseError) return refusal(LEASE_REASONS[err.code] ?? 'INTERNAL', err.message);
  if (err instanceof RuntimeError) return refusal(RUNTIME_REASONS[err.code] ?? 'RUNTIME', err.message);
  if (err instanceof ProverError) return refusal(PROVER_REASONS[err.code] ?? 'INTERNAL', err.message);
  const name = (err as Error | undefined)?.name ?? '';
  if (OVERSIZED_FRAME.has(name)) return refusal('TOO_LARGE', `frame refused: ${(err as Error).message}`);
  if (name === 'TimeoutError') return refusal('TIMEOUT', 'the request did not complete in time: the renter was too slow to answer, or the host is overloaded; try again');
  return refusal('INTERNAL', 'the host failed to serve the request (details in its log); try again later');
}
