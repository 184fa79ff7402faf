//! Paying a host's owner. The runtime refuses a transaction that leaves an account holding
//! some lamports but less than its rent-exempt minimum, so an owner address that holds
//! nothing cannot receive a small payout. Such a payout joins the host's stake instead
//! (the owner takes it out with `withdraw_stake`): a renter's settlement, close or
//! penalty never depends on what the owner address holds.

use crate::error::{ProgramError, ProgramResult};
use crate::runtime::account::AccountView;
use crate::runtime::lamports::move_lamports;
use crate::runtime::rent::Rent;
use crate::state::host::Host;

/// Moves `amount` from `from` to `owner`, or into the host's stake when `owner` could
/// not hold it.
#[inline(never)]
pub fn pay_owner(from: &mut AccountView, owner: &mut AccountView, host_account: &mut AccountView, host: &mut Host, amount: u64) -> ProgramResult {
    if amount == 0 {
        return Ok(());
    }
    let after = owner.lamports().checked_add(amount).ok_or(ProgramError::ArithmeticOverflow)?;
    let minimum = Rent::get()?.minimum_balance(owner.data_len() as u64).ok_or(ProgramError::ArithmeticOverflow)?;
    if after >= minimum {
        return move_lamports(from, owner, amount);
    }
    move_lamports(from, host_account, amount)?;
    host.add_stake(amount)
}
