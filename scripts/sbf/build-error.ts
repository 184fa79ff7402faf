/** Why the offline program build failed; each code names one cause the caller can act on. */
export type SbfBuildErrorCode =
  | 'TOOL_MISSING'
  | 'TOOL_MISMATCH'
  | 'TOOL_FAILED'
  | 'RUST_SRC_MISSING'
  | 'IR_REWRITE'
  | 'UNKNOWN_IMPORT'
  | 'CHECK_MISMATCH';

/** The error every build step throws: a code plus a message naming the cause and the fix. */
export class SbfBuildError extends Error {
  readonly code: SbfBuildErrorCode;

  constructor(code: SbfBuildErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'SbfBuildError';
    this.code = code;
  }
}
