//! Moving lamports out of accounts this program owns, by direct arithmetic (no CPI: the
//! runtime lets an owner debit its accounts and anyone credit a writable account, and
//! checks after the instruction that the total is unchanged).
//!
//! Each function finishes one account before it reads the next, so it stays correct
//! when the transaction passed the same account as both ends.

use super::account::AccountView;
use super::system_program;
use crate::error::{ProgramError, ProgramResult};

/// Moves `amount` from `from` (owned by this program) to `to`.
#[inline(never)]
pub fn move_lamports(from: &mut AccountView, to: &mut AccountView, amount: u64) -> ProgramResult {
    let rest = from.lamports().checked_sub(amount).ok_or(ProgramError::InsufficientFunds)?;
    from.set_lamports(rest);
    let credited = to.lamports().checked_add(amount).ok_or(ProgramError::ArithmeticOverflow)?;
    to.set_lamports(credited);
    Ok(())
}

/// Closes `account` (owned by this program) for good: every lamport goes to `receiver`, the
/// data is zeroed and dropped, and the System Program owns it (so it cannot be revived as a
/// program account, and its address can be created again).
#[inline(never)]
pub fn close_into(account: &mut AccountView, receiver: &mut AccountView) -> ProgramResult {
    account.data_mut().fill(0);
    let all = account.lamports();
    move_lamports(account, receiver, all)?;
    account.close_to_system(&system_program::ID);
    Ok(())
}
