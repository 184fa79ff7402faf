//! `withdraw_stake()`: returns the whole stake to the host's owner once no lease is open
//! and the host is not active; a jailed host's stake stays locked until its jail time is
//! over (StillJailed). The host becomes Inactive (a jailed host stays Jailed); without a
//! stake `activate_host` refuses it (StakeTooLow).
//!
//! Accounts: 0 operator (signer), 1 owner (writable, `host.owner`), 2 host (writable,
//! the operator's).

use super::account_checks;
use crate::error::{ProgramError, ProgramResult};
use crate::runtime::clock::Clock;
use crate::runtime::discriminator;
use crate::runtime::input::Input;
use crate::runtime::lamports::move_lamports;
use crate::runtime::log::log;
use crate::runtime::reader::BorshReader;
use crate::state::host::{Host, HostStatus};

pub const DISCRIMINATOR: [u8; 8] = discriminator::instruction("withdraw_stake");

#[inline(never)]
pub fn process(input: &Input, args: &[u8]) -> ProgramResult {
    log("Instruction: WithdrawStake");
    BorshReader::new(args).finish()?;
    let [operator, mut owner, mut host_account] = input.accounts::<3>()?;
    account_checks::signer(&operator)?;
    account_checks::writable(&owner)?;
    account_checks::writable(&host_account)?;
    let mut host = Host::from_account(&host_account, input.program_id())?;
    account_checks::is(&operator, &host.operator(), ProgramError::Unauthorized)?;
    account_checks::is(&owner, &host.owner(), ProgramError::WrongOwner)?;
    if host.open_leases() > 0 {
        return Err(ProgramError::HostHasOpenLeases);
    }
    let status = host.status()?;
    if status == HostStatus::Active {
        log("deactivate the host first");
        return Err(ProgramError::InvalidHostStatus);
    }
    if status == HostStatus::Jailed && Clock::get()?.unix_timestamp < host.jailed_until() {
        return Err(ProgramError::StillJailed);
    }
    let stake = host.stake();
    if stake == 0 {
        return Err(ProgramError::NothingToClaim);
    }
    move_lamports(&mut host_account, &mut owner, stake)?;
    host.set_stake(0);
    if status != HostStatus::Jailed {
        host.set_status(HostStatus::Inactive);
    }
    Ok(())
}
