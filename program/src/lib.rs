//! DeCloud on-chain program.
//!
//! `no_std` and dependency-free: `runtime/` is the program's own small runtime layer
//! (entrypoint input, account views, syscalls, PDAs, CPI, instruction introspection),
//! `state/` the account layouts, `protocol/` the arithmetic of proofs and payments (pure,
//! unit-tested), `instructions/` the handlers. The interface is Anchor-compatible (8-byte
//! discriminators, borsh arguments, custom errors from 6000) so `@coral-xyz/anchor`
//! drives it through `program/idl/decloud.json`.
//!
//! Rules the offline toolchain (upstream LLVM BPF backend) imposes on this code:
//! - a function that is not inlined returns at most one scalar: no `Option<u64>`,
//!   `Result<u64, _>`, tuples or slices (mark such helpers `#[inline(always)]`,
//!   or return a large struct, which goes through memory);
//! - stack frames under 512 bytes (`llc` fails the build otherwise);
//! - at most 5 arguments, counted after LLVM splits slices into (pointer, length) and
//!   small by-reference structs into their fields: pass one struct of 4+ fields instead;
//! - no `u128`, no floats, no signed division, no `checked_mul` (it lowers to a
//!   128-bit multiply): use `runtime::math`;
//! - no writable statics;
//! - no function pointers or `dyn` (an indirect `callx`): litesvm 0.8.0's VM crashes on
//!   them after a few transactions. Dispatch with `match` and direct calls.
#![cfg_attr(not(test), no_std)]

pub mod entrypoint;
pub mod error;
pub mod instructions;
pub mod protocol;
pub mod runtime;
pub mod state;

use runtime::pubkey::Pubkey;

/// The program's address: `8zfMLQeWjnFyfqzLuGkdQopCVoZdmsyfGL2ama1PiDGt`
/// (`program/deploy/decloud-keypair.json`).
pub const ID: Pubkey = Pubkey::new([
    0x76, 0xc7, 0x47, 0x1b, 0x44, 0x5e, 0xdd, 0xa4, 0xe2, 0xf3, 0xea, 0xda, 0x62, 0x62, 0x3b, 0x2a,
    0x51, 0x0b, 0x93, 0x25, 0x60, 0x0b, 0x1d, 0xa1, 0x31, 0x05, 0x8f, 0xe8, 0x57, 0x5f, 0x6c, 0x51,
]);
