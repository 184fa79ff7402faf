/** The program's numbered errors, surfaced as typed errors with name and message. */
import { IDL } from './idl.js';

const byCode = new Map<number, { name: string; msg: string }>(IDL.errors.map((e) => [e.code, { name: e.name, msg: e.msg }]));
export type DecloudErrorName = (typeof IDL.errors)[number]['name'];

export class DecloudProgramError extends Error {
  override readonly name = 'DecloudProgramError';
  constructor(readonly code: number, readonly errorName: string, message: string, readonly logs: string[] = []) {
    super(`${errorName} (${code}): ${message}`);
  }
}

const customCode = /custom program error: 0x([0-9a-f]+)/i;

/** Finds the program's error in whatever web3.js or Anchor threw; returns null when there is none. */
export function programErrorOf(err: unknown): DecloudProgramError | null {
  const e = err as { logs?: string[]; transactionLogs?: string[]; message?: string; error?: { errorCode?: { number?: number } }; code?: number };
  const logs = e?.logs ?? e?.transactionLogs ?? [];
  let code: number | undefined = e?.error?.errorCode?.number ?? (typeof e?.code === 'number' ? e.code : undefined);
  if (code === undefined || !byCode.has(code)) {
    for (const text of [e?.message ?? '', ...logs]) {
      const m = customCode.exec(text);
      if (m) { code = parseInt(m[1]!, 16); break; }
    }
  }
  const known = code === undefined ? undefined : byCode.get(code);
  return known && code !== undefined ? new DecloudProgramError(code, known.name, known.msg, logs) : null;
}

/**
 * The program's error in a failed transaction's status (`{ InstructionError: [i, { Custom: n }] }`,
 * as confirmTransaction and getTransaction report it), with the transaction's logs.
 */
export function programErrorOfStatus(status: unknown, logs: string[] = []): DecloudProgramError | null {
  const failure = (status as { InstructionError?: [number, unknown] } | null)?.InstructionError?.[1];
  const code = (failure as { Custom?: unknown } | undefined)?.Custom;
  const known = typeof code === 'number' ? byCode.get(code) : undefined;
  return known && typeof code === 'number' ? new DecloudProgramError(code, known.name, known.msg, logs) : null;
}

/** Runs a chain call and rethrows the program's own error when it failed with one. */
export async function withProgramErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw programErrorOf(err) ?? err;
  }
}
