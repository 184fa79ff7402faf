//! Host stand-ins for the syscalls, so `cargo test` builds the crate for the host.
//! They do on the host what can be done without a validator (logging, hashing,
//! memory); the rest report failure, the way a missing syscall would.
// Same contracts as the syscalls they stand in for (see syscalls.rs).
#![allow(clippy::missing_safety_doc)]

use super::pubkey::Pubkey;
use super::sha256::Sha256;
use super::syscalls::{SolAccountInfo, SolBytes, SolInstruction, SolSignerSeeds};

/// What the stand-ins return for an operation only a validator can do.
const UNAVAILABLE_ON_HOST: u64 = 1;

pub unsafe fn sol_log_(message: *const u8, len: u64) {
    let _bytes = core::slice::from_raw_parts(message, len as usize);
    #[cfg(test)]
    std::eprintln!("Program log: {}", std::string::String::from_utf8_lossy(_bytes));
}

pub unsafe fn sol_log_64_(a: u64, b: u64, c: u64, d: u64, e: u64) {
    let _values = [a, b, c, d, e];
    #[cfg(test)]
    std::eprintln!("Program log: {:#x}, {:#x}, {:#x}, {:#x}, {:#x}", a, b, c, d, e);
}

pub unsafe fn sol_log_compute_units_() {}

pub unsafe fn sol_create_program_address(_: *const SolBytes, _: u64, _: *const Pubkey, _: *mut Pubkey) -> u64 {
    UNAVAILABLE_ON_HOST
}

pub unsafe fn sol_try_find_program_address(_: *const SolBytes, _: u64, _: *const Pubkey, _: *mut Pubkey, _: *mut u8) -> u64 {
    UNAVAILABLE_ON_HOST
}

pub unsafe fn sol_invoke_signed_c(_: *const SolInstruction, _: *const SolAccountInfo, _: u64, _: *const SolSignerSeeds, _: u64) -> u64 {
    UNAVAILABLE_ON_HOST
}

pub unsafe fn sol_memcpy_(dst: *mut u8, src: *const u8, n: u64) {
    core::ptr::copy_nonoverlapping(src, dst, n as usize)
}

pub unsafe fn sol_memmove_(dst: *mut u8, src: *const u8, n: u64) {
    core::ptr::copy(src, dst, n as usize)
}

pub unsafe fn sol_memset_(dst: *mut u8, value: u8, n: u64) {
    core::ptr::write_bytes(dst, value, n as usize)
}

pub unsafe fn sol_memcmp_(a: *const u8, b: *const u8, n: u64, result: *mut i32) {
    let (a, b) = (core::slice::from_raw_parts(a, n as usize), core::slice::from_raw_parts(b, n as usize));
    *result = match a.cmp(b) {
        core::cmp::Ordering::Less => -1,
        core::cmp::Ordering::Equal => 0,
        core::cmp::Ordering::Greater => 1,
    };
}

pub unsafe fn sol_get_clock_sysvar(_: *mut u8) -> u64 {
    UNAVAILABLE_ON_HOST
}

pub unsafe fn sol_get_rent_sysvar(_: *mut u8) -> u64 {
    UNAVAILABLE_ON_HOST
}

pub unsafe fn sol_sha256(values: *const SolBytes, values_len: u64, hash: *mut u8) -> u64 {
    let mut hasher = Sha256::new();
    for value in core::slice::from_raw_parts(values, values_len as usize) {
        hasher = hasher.update(core::slice::from_raw_parts(value.addr, value.len as usize));
    }
    *(hash as *mut [u8; 32]) = hasher.finish();
    0
}

pub unsafe fn abort() -> ! {
    panic!("abort syscall")
}
