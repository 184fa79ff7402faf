/**
 * The syscalls the Solana runtime registers for sBPF v0 programs. The loader accepts a
 * call to any name and fails only when it runs, so the build checks names up front.
 */
import { SbfBuildError } from './build-error.js';

export const SOLANA_SYSCALLS: ReadonlySet<string> = new Set([
  'abort',
  'sol_panic_',
  'sol_log_',
  'sol_log_64_',
  'sol_log_compute_units_',
  'sol_log_pubkey',
  'sol_log_data',
  'sol_create_program_address',
  'sol_try_find_program_address',
  'sol_sha256',
  'sol_keccak256',
  'sol_blake3',
  'sol_secp256k1_recover',
  'sol_curve_validate_point',
  'sol_curve_group_op',
  'sol_curve_multiscalar_mul',
  'sol_alt_bn128_group_op',
  'sol_alt_bn128_compression',
  'sol_big_mod_exp',
  'sol_poseidon',
  'sol_get_clock_sysvar',
  'sol_get_epoch_schedule_sysvar',
  'sol_get_fees_sysvar',
  'sol_get_rent_sysvar',
  'sol_get_epoch_rewards_sysvar',
  'sol_get_last_restart_slot',
  'sol_get_sysvar',
  'sol_get_epoch_stake',
  'sol_memcpy_',
  'sol_memmove_',
  'sol_memcmp_',
  'sol_memset_',
  'sol_invoke_signed_c',
  'sol_invoke_signed_rust',
  'sol_set_return_data',
  'sol_get_return_data',
  'sol_get_processed_sibling_instruction',
  'sol_get_stack_height',
  'sol_remaining_compute_units',
]);

/** Throws UNKNOWN_IMPORT when the program calls a function that is neither defined nor a syscall. */
export function checkImports(imports: readonly string[]): void {
  const unknown = imports.filter((name) => !SOLANA_SYSCALLS.has(name));
  if (unknown.length > 0) {
    throw new SbfBuildError(
      'UNKNOWN_IMPORT',
      `the program calls ${unknown.map((n) => `\`${n}\``).join(', ')}, defined neither in the crate nor by the Solana runtime: ` +
        'fix the syscall name in program/src/runtime/syscalls.rs, or avoid what makes rustc call it ' +
        '(e.g. u128 or checked_mul -> __multi3: use runtime::math; floats -> __*df3)',
    );
  }
}
