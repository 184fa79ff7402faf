//! SHA-256 of runtime data through the `sol_sha256` syscall (85 CU + 1 per 2 bytes).

use super::syscalls::{self, SolBytes};

/// SHA-256 of the concatenation of `parts`.
pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut hash = [0u8; 32];
    // SAFETY: `&[&[u8]]` has the layout of `[SolBytes]`; `hash` is 32 writable bytes.
    // The syscall fails only on bad pointers, which these cannot be.
    unsafe { syscalls::sol_sha256(parts.as_ptr() as *const SolBytes, parts.len() as u64, hash.as_mut_ptr()) };
    hash
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashes_the_concatenation_of_the_parts() {
        // On the host the syscall is the crate's own SHA-256 (see host_syscalls.rs).
        assert_eq!(super::sha256(&[b"glo", b"bal:", b"initialize"]), super::super::sha256::sha256(b"global:initialize"));
        assert_eq!(super::sha256(&[]), super::super::sha256::sha256(b""));
    }
}
