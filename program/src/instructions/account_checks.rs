//! The checks every instruction makes on the accounts it is given, each failing with
//! the program error that names it.

use crate::error::{ProgramError, ProgramResult};
use crate::runtime::account::AccountView;
use crate::runtime::pubkey::Pubkey;
use crate::runtime::system_program;

pub fn signer(account: &AccountView) -> ProgramResult {
    match account.is_signer() {
        true => Ok(()),
        false => Err(ProgramError::MissingSigner),
    }
}

pub fn writable(account: &AccountView) -> ProgramResult {
    match account.is_writable() {
        true => Ok(()),
        false => Err(ProgramError::NotWritable),
    }
}

/// A wallet that signs and pays.
pub fn writable_signer(account: &AccountView) -> ProgramResult {
    signer(account)?;
    writable(account)
}

/// `account` must be the address an account field names (`host.owner`, `lease.renter`):
/// `error` otherwise.
pub fn is(account: &AccountView, expected: &Pubkey, error: ProgramError) -> ProgramResult {
    match *account.key() == *expected {
        true => Ok(()),
        false => Err(error),
    }
}

/// Only an empty, system-owned account may become one of the program's; one the program
/// already owns exists already.
pub fn uninitialized(account: &AccountView, program_id: &Pubkey) -> ProgramResult {
    if account.is_owned_by(program_id) {
        return Err(ProgramError::AlreadyInitialized);
    }
    if !account.is_owned_by(&system_program::ID) {
        return Err(ProgramError::WrongAccountOwner);
    }
    if account.data_len() != 0 {
        return Err(ProgramError::InvalidAccountData);
    }
    Ok(())
}
