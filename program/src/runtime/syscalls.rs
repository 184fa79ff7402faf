//! Raw Solana syscall bindings. On BPF/SBF they are imported symbols the loader
//! resolves by name; on the host (`cargo test`) `host_syscalls` provides the same
//! functions so the pure logic compiles and runs in unit tests.
//!
//! The build (`scripts/sbf/rewrite-ir.ts`) also emits calls to `sol_memcpy_`,
//! `sol_memmove_` and `sol_memset_` with exactly these signatures.

use super::pubkey::Pubkey;

/// A byte slice as syscalls see it; the same layout as `&[u8]` on a 64-bit target.
#[repr(C)]
pub struct SolBytes {
    pub addr: *const u8,
    pub len: u64,
}

/// `SolAccountMeta` of the C CPI ABI.
#[repr(C)]
pub struct SolAccountMeta {
    pub pubkey: *const Pubkey,
    pub is_writable: bool,
    pub is_signer: bool,
}

/// `SolInstruction` of the C CPI ABI.
#[repr(C)]
pub struct SolInstruction {
    pub program_id: *const Pubkey,
    pub accounts: *const SolAccountMeta,
    pub account_len: u64,
    pub data: *const u8,
    pub data_len: u64,
}

/// `SolAccountInfo` of the C CPI ABI. Its pointers must point into the input region:
/// the runtime writes the callee's changes (lamports, owner, data length) back there.
#[repr(C)]
pub struct SolAccountInfo {
    pub key: *const Pubkey,
    pub lamports: *mut u64,
    pub data_len: u64,
    pub data: *mut u8,
    pub owner: *const Pubkey,
    pub rent_epoch: u64,
    pub is_signer: bool,
    pub is_writable: bool,
    pub executable: bool,
}

/// One signer's seeds; the same layout as `&[&[u8]]`.
#[repr(C)]
pub struct SolSignerSeeds {
    pub addr: *const SolBytes,
    pub len: u64,
}

#[cfg(any(target_arch = "bpf", target_arch = "sbf"))]
extern "C" {
    pub fn sol_log_(message: *const u8, len: u64);
    pub fn sol_log_64_(a: u64, b: u64, c: u64, d: u64, e: u64);
    pub fn sol_log_compute_units_();
    pub fn sol_create_program_address(seeds: *const SolBytes, seeds_len: u64, program_id: *const Pubkey, address: *mut Pubkey) -> u64;
    pub fn sol_try_find_program_address(
        seeds: *const SolBytes,
        seeds_len: u64,
        program_id: *const Pubkey,
        address: *mut Pubkey,
        bump: *mut u8,
    ) -> u64;
    pub fn sol_invoke_signed_c(
        instruction: *const SolInstruction,
        account_infos: *const SolAccountInfo,
        account_infos_len: u64,
        signers_seeds: *const SolSignerSeeds,
        signers_seeds_len: u64,
    ) -> u64;
    pub fn sol_memcpy_(dst: *mut u8, src: *const u8, n: u64);
    pub fn sol_memmove_(dst: *mut u8, src: *const u8, n: u64);
    pub fn sol_memset_(dst: *mut u8, value: u8, n: u64);
    pub fn sol_memcmp_(a: *const u8, b: *const u8, n: u64, result: *mut i32);
    pub fn sol_get_clock_sysvar(clock: *mut u8) -> u64;
    pub fn sol_get_rent_sysvar(rent: *mut u8) -> u64;
    pub fn sol_sha256(values: *const SolBytes, values_len: u64, hash: *mut u8) -> u64;
    pub fn abort() -> !;
}

#[cfg(not(any(target_arch = "bpf", target_arch = "sbf")))]
pub use super::host_syscalls::*;
