/** Why a link failed; each code names one cause the caller can act on. */
export type SbfLinkErrorCode =
  | 'NOT_BPF_OBJECT'
  | 'MALFORMED_ELF'
  | 'WRITABLE_DATA'
  | 'UNSUPPORTED_RELOCATION'
  | 'UNDEFINED_SYMBOL'
  | 'NO_ENTRYPOINT'
  | 'OUTPUT_TOO_LARGE';

/** The only error `linkSbf` throws: a code plus a message naming the cause and the fix. */
export class SbfLinkError extends Error {
  readonly code: SbfLinkErrorCode;

  constructor(code: SbfLinkErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'SbfLinkError';
    this.code = code;
  }
}

/** Offsets and values in messages, as readelf prints them. */
export const hex = (n: number): string => `0x${n.toString(16)}`;
