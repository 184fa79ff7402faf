//! `claim_rewards()`: pays the owner what the host account holds for it (`payable`: settled
//! payments and uptime rewards), signed by the operator or the owner. A jailed host's
//! earnings are still its own. `NothingToClaim` when nothing is payable.
//!
//! Accounts: 0 signer (the operator or the owner), 1 owner (writable, `host.owner`),
//! 2 host (writable).

use super::account_checks;
use crate::error::{ProgramError, ProgramResult};
use crate::runtime::discriminator;
use crate::runtime::input::Input;
use crate::runtime::lamports::move_lamports;
use crate::runtime::log::log;
use crate::runtime::reader::BorshReader;
use crate::runtime::rent::Rent;
use crate::state::host::Host;

pub const DISCRIMINATOR: [u8; 8] = discriminator::instruction("claim_rewards");

#[inline(never)]
pub fn process(input: &Input, args: &[u8]) -> ProgramResult {
    log("Instruction: ClaimRewards");
    BorshReader::new(args).finish()?;
    let [signer, mut owner, mut host_account] = input.accounts::<3>()?;
    account_checks::signer(&signer)?;
    account_checks::writable(&owner)?;
    account_checks::writable(&host_account)?;
    let mut host = Host::from_account(&host_account, input.program_id())?;
    if *signer.key() != host.operator() && *signer.key() != host.owner() {
        return Err(ProgramError::Unauthorized);
    }
    account_checks::is(&owner, &host.owner(), ProgramError::WrongOwner)?;
    let amount = host.payable();
    if amount == 0 {
        return Err(ProgramError::NothingToClaim);
    }
    // The runtime refuses to leave an account below its rent-exempt minimum.
    let minimum = Rent::get()?.minimum_balance(owner.data_len() as u64).ok_or(ProgramError::ArithmeticOverflow)?;
    if owner.lamports().saturating_add(amount) < minimum {
        log("the owner address holds less than its rent-exempt minimum: send it some SOL first, or claim once more is payable");
        return Err(ProgramError::InsufficientFunds);
    }
    move_lamports(&mut host_account, &mut owner, amount)?;
    host.take_payable();
    Ok(())
}
