export type IdentityErrorCode = 'BAD_KEY' | 'BAD_PEER_ID' | 'NOT_ED25519';

/** A key or peer id that cannot stand for a DeCloud host; `code` says which kind of problem. */
export class IdentityError extends Error {
  override readonly name = 'IdentityError';
  constructor(readonly code: IdentityErrorCode, message: string) {
    super(message);
  }
}
