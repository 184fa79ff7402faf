/**
 * Errors of the access protocols. `code` is stable for callers to branch on; the message
 * names the cause and the fix. A host's refusal arrives as AccessRefusedError with the
 * host's reason.
 */
import type { RefusalReason } from './types.js';
import { CodedError } from '../errors/coded-error.js';

export type AccessErrorCode =
  /** Bytes that are not the expected message (wrong tag, truncated, bad field). */
  | 'MALFORMED'
  | 'TOO_LARGE'
  | 'BAD_VERSION'
  /** The caller's own request is invalid (empty command, bad variable name, ...): nothing was sent. */
  | 'BAD_REQUEST'
  /** The host refused; see AccessRefusedError.reason. */
  | 'REFUSED'
  /** The host answered with something this SDK cannot read. */
  | 'BAD_ANSWER'
  /** The stream ended before the host's answer, or a shell or log stream before its closing frame. */
  | 'SESSION_LOST';

export class AccessError extends CodedError<AccessErrorCode> {
  override readonly name: string = 'AccessError';
}

/** The host refused the request; nothing ran. `reason` says what to change. */
export class AccessRefusedError extends AccessError {
  override readonly name = 'AccessRefusedError';

  constructor(readonly reason: RefusalReason, readonly detail: string, readonly host: string, readonly protocol: string) {
    super('REFUSED', `host ${host} refused ${protocol}: ${reason}: ${detail}`);
  }
}
