/**
 * Refusals of the `decloud` command line itself (configuration, arguments). `code` is
 * stable; the message names the cause and the fix.
 */
export type CliErrorCode = 'BAD_CONFIG' | 'BAD_ARGUMENT' | 'NO_BOOTSTRAP' | 'WALLET_FILE' | 'NO_HOST_LIST';

export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(readonly code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
