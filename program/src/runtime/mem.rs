//! The C comparison functions rustc calls for slice and array equality, forwarded to
//! the `sol_memcmp_` syscall. (Copies and fills are LLVM intrinsics, which the build's
//! IR rewrite turns into syscalls.) Only for the offline target: `cargo build-sbf`'s
//! compiler_builtins defines them already.

use super::syscalls;

#[no_mangle]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    let mut result = 0i32;
    syscalls::sol_memcmp_(a, b, n as u64, &mut result);
    result
}

#[no_mangle]
pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    memcmp(a, b, n)
}
