//! The program's own runtime layer: what `solana-program` would provide, reduced to
//! what DeCloud uses. One concept per module.

pub mod account;
pub mod clock;
pub mod cpi;
pub mod discriminator;
pub mod ed25519_instruction;
pub mod hash;
pub mod input;
pub mod instructions_sysvar;
pub mod lamports;
pub mod log;
pub mod math;
pub mod pda;
pub mod pubkey;
pub mod reader;
pub mod rent;
pub mod sha256;
pub mod syscalls;
pub mod system_program;

#[cfg(not(any(target_arch = "bpf", target_arch = "sbf")))]
mod host_syscalls;

// The offline target has no compiler_builtins memory functions; `cargo build-sbf`'s does.
#[cfg(all(any(target_arch = "bpf", target_arch = "sbf"), not(target_os = "solana")))]
mod mem;
