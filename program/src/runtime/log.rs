//! Program logs (`Program log: ...` lines in the transaction's log messages).

use super::syscalls;

pub fn log(message: &str) {
    // SAFETY: the syscall only reads `len` bytes at `message`.
    unsafe { syscalls::sol_log_(message.as_ptr(), message.len() as u64) }
}

/// Logs five numbers as one hex line (`Program log: 0x1, 0x2, ...`).
pub fn log_u64s(values: &[u64; 5]) {
    // SAFETY: plain values.
    unsafe { syscalls::sol_log_64_(values[0], values[1], values[2], values[3], values[4]) }
}

/// Logs the compute units left (`Program consumption: N units remaining`).
pub fn log_compute_units() {
    // SAFETY: no arguments.
    unsafe { syscalls::sol_log_compute_units_() }
}
