/** Named failures of the local chain outside the JSON-RPC surface (start-up, state, options). */
export type ChainErrorCode =
  | 'CHAIN_STATE_UNREADABLE'
  | 'CHAIN_PORT_IN_USE'
  | 'CHAIN_PROGRAM_INVALID'
  | 'CHAIN_PROGRAM_OPTION_INVALID';

export class ChainError extends Error {
  constructor(
    readonly code: ChainErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'ChainError';
  }
}
