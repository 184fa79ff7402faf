/**
 * The shape of every module's error: a stable `code` callers branch on, and a message that
 * starts with the code and names the cause and the fix. Modules subclass it with their
 * own code union and name.
 */
export class CodedError<Code extends string> extends Error {
  constructor(readonly code: Code, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
  }
}
