/**
 * Equivalent mutants: checks whose removal no transaction can observe, each with the reason.
 * They are reported as `equivalent`, not as survivors. They only get the cheap stage (the
 * Rust unit tests); `--run-equivalent` runs them through the SBF build and the TypeScript
 * tests too. A listed mutant that a test kills is reported as killed, with the entry flagged
 * as stale (the reason no longer holds, or a test covers it after all).
 *
 * An entry names the file and the check's exact one-line text as `--list` prints it (not a
 * line number, so edits elsewhere in the file keep it valid); `occurrence` (1-based) picks
 * one when the same text appears more than once in the file.
 */
import type { Check } from './scanner.js';

export interface Equivalent {
  file: string;
  check: string;
  occurrence?: number;
  reason: string;
}

const SYSVAR_ALWAYS_THERE =
  'the runtime provides the sysvar to every program (litesvm and validators alike), so the syscall never fails: the error arm is unreachable';

export const EQUIVALENT_MUTANTS: Equivalent[] = [
  {
    file: 'program/src/runtime/clock.rs',
    check: '_ => Err(ProgramError::UnsupportedSysvar)',
    reason: SYSVAR_ALWAYS_THERE,
  },
  {
    file: 'program/src/runtime/rent.rs',
    check: '_ => Err(ProgramError::UnsupportedSysvar)',
    reason: SYSVAR_ALWAYS_THERE,
  },
  {
    file: 'program/src/runtime/cpi.rs',
    check: '_ => Err(ProgramError::InvalidSyscallArgument)',
    reason:
      'a failed cross-program invocation aborts the whole instruction inside sol_invoke_signed_c: the syscall only ever returns 0 to the program',
  },
  {
    file: 'program/src/runtime/pda.rs',
    check: '_ => Err(ProgramError::InvalidSeeds)',
    occurrence: 1,
    reason:
      'find_program_address: sol_try_find_program_address fails only when none of the 256 bumps gives an off-curve address (probability about 2^-256)',
  },
  {
    file: 'program/src/runtime/pda.rs',
    check: '_ => Err(ProgramError::InvalidSeeds)',
    occurrence: 2,
    reason:
      'create_program_address: for seeds on the curve the mutant returns the all-zero key, which the caller then compares with the account (account_checks::is -> InvalidPda, as the original error is mapped to InvalidPda); only the system program has that address, and it fails account_checks::uninitialized',
  },
  {
    file: 'program/src/state/fields.rs',
    check: 'false => Err(ProgramError::InvalidAccountData)',
    reason:
      'Fields::of_new_account runs right after NewProgramAccount::create allocated exactly LEN bytes for the account: the length always matches',
  },
  {
    file: 'program/src/state/config.rs',
    check: 'if data.len() != LEN || params.witness_count as usize > MAX_WITNESSES { return Err(ProgramError::InvalidAccountData); }',
    reason:
      'config::write runs on the account initialize just created with config::LEN bytes, with parameters whose witness count the argument decoder already bounded',
  },
  {
    file: 'program/src/state/config.rs',
    check: 'if params.witness_count as usize > MAX_WITNESSES { return Err(ProgramError::InvalidAccountData); }',
    reason: 'the parameters come from the argument decoder, which already refuses more than MAX_WITNESSES witnesses (InvalidArgument)',
  },
  {
    file: 'program/src/state/reward_pool.rs',
    check: 'if data.len() != LEN { return Err(ProgramError::InvalidAccountData); }',
    reason: 'reward_pool::write_new runs on the account initialize just created with reward_pool::LEN bytes',
  },
  {
    file: 'program/src/instructions/lease_settlement.rs',
    check: 'if paid > lease.deposit() { return Err(ProgramError::InsufficientFunds); }',
    reason:
      'unreachable: proofs only cover [start, max_end] and the deposit is rate x (max_end - start) (top_up_lease moves both together), so rate x proven seconds never exceeds it; the property tests assert it after every step. Kept as the last guard of the escrow',
  },
  {
    file: 'program/src/runtime/instructions_sysvar.rs',
    check: 'if index >= read_u16(sysvar, 0)? { return None; }',
    reason:
      'the only index asked for is the one before the executing instruction, in sysvar data the runtime writes (the callers check the sysvar address), so it is always below the count; a truncated record is caught by the read_u16 bounds checks that follow',
  },
];

/** The entry that declares `check` equivalent (`checks` is every check of the same file, in order). */
export function equivalentOf(check: Check, checksOfFile: Check[]): Equivalent | undefined {
  return EQUIVALENT_MUTANTS.find((entry) => {
    if (entry.file !== check.file || entry.check !== check.text) return false;
    if (entry.occurrence === undefined) return true;
    const same = checksOfFile.filter((c) => c.text === check.text);
    return same.indexOf(check) === entry.occurrence - 1;
  });
}

/** Entries that match none of `checks` (a whole-program scan): the code changed under them. */
export function staleEquivalents(checks: Check[]): Equivalent[] {
  return EQUIVALENT_MUTANTS.filter((entry) => {
    const same = checks.filter((c) => c.file === entry.file && c.text === entry.check);
    return entry.occurrence === undefined ? same.length === 0 : same.length < entry.occurrence;
  });
}
