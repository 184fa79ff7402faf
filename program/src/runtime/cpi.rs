//! Cross-program invocation through the C ABI (`sol_invoke_signed_c`).

use super::account::AccountView;
use super::pubkey::Pubkey;
use super::syscalls::{self, SolAccountInfo, SolAccountMeta, SolInstruction, SolSignerSeeds};
use crate::error::{ProgramError, ProgramResult};

/// An instruction for another program, borrowing everything it points to.
pub struct Instruction<'a> {
    pub program_id: &'a Pubkey,
    pub accounts: &'a [SolAccountMeta],
    pub data: &'a [u8],
}

impl SolAccountMeta {
    pub fn new(account: &AccountView, is_writable: bool, is_signer: bool) -> Self {
        Self { pubkey: account.key(), is_writable, is_signer }
    }
}

/// Calls `instruction` with `accounts`; `signers` are the seeds of program addresses
/// that sign (each `&[&[u8]]` is one address's seeds including its bump). The runtime
/// aborts the whole transaction when the callee fails, so an error here is rare.
pub fn invoke_signed(instruction: &Instruction, accounts: &[SolAccountInfo], signers: &[&[&[u8]]]) -> ProgramResult {
    let raw = SolInstruction {
        program_id: instruction.program_id,
        accounts: instruction.accounts.as_ptr(),
        account_len: instruction.accounts.len() as u64,
        data: instruction.data.as_ptr(),
        data_len: instruction.data.len() as u64,
    };
    // SAFETY: every pointer borrows live data; `&[&[&[u8]]]` has the layout of
    // `[SolSignerSeeds]`.
    let status = unsafe {
        syscalls::sol_invoke_signed_c(
            &raw,
            accounts.as_ptr(),
            accounts.len() as u64,
            signers.as_ptr() as *const SolSignerSeeds,
            signers.len() as u64,
        )
    };
    match status {
        0 => Ok(()),
        _ => Err(ProgramError::InvalidSyscallArgument),
    }
}
