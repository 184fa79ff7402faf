//! `add_stake(amount: u64)`: the operator adds `amount` lamports to its host's stake, to
//! top it up or to stake again after `withdraw_stake` (then `activate_host` accepts the
//! host once the stake reaches the minimum). Any status but Jailed.
//!
//! Accounts: 0 operator (signer, writable: pays), 1 host (writable, the operator's),
//! 2 system program.

use super::account_checks;
use crate::error::{ProgramError, ProgramResult};
use crate::runtime::discriminator;
use crate::runtime::input::Input;
use crate::runtime::log::log;
use crate::runtime::reader::BorshReader;
use crate::runtime::system_program::{self, Transfer};
use crate::state::host::{Host, HostStatus};

pub const DISCRIMINATOR: [u8; 8] = discriminator::instruction("add_stake");

#[inline(never)]
pub fn process(input: &Input, args: &[u8]) -> ProgramResult {
    log("Instruction: AddStake");
    let mut reader = BorshReader::new(args);
    let amount = reader.read_u64()?;
    reader.finish()?;
    let [operator, host_account, system] = input.accounts::<3>()?;
    account_checks::writable_signer(&operator)?;
    account_checks::writable(&host_account)?;
    system_program::check_id(&system)?;
    let mut host = Host::from_account(&host_account, input.program_id())?;
    account_checks::is(&operator, &host.operator(), ProgramError::Unauthorized)?;
    if amount == 0 {
        log("amount must be greater than zero");
        return Err(ProgramError::InvalidArgument);
    }
    if host.status()? == HostStatus::Jailed {
        return Err(ProgramError::HostJailed);
    }
    host.add_stake(amount)?;
    Transfer { from: &operator, to: &host_account, lamports: amount }.invoke_signed(&[])
}
