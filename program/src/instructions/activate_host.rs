//! `activate_host()`: Registered or Inactive -> Active, when the stake is at least the
//! config's minimum (it may have been withdrawn, or the minimum raised).
//!
//! Accounts: 0 operator (signer), 1 config, 2 host (writable, the operator's).

use super::account_checks;
use crate::error::{ProgramError, ProgramResult};
use crate::runtime::discriminator;
use crate::runtime::input::Input;
use crate::runtime::log::log;
use crate::runtime::reader::BorshReader;
use crate::state::config::Config;
use crate::state::host::{Host, HostStatus};

pub const DISCRIMINATOR: [u8; 8] = discriminator::instruction("activate_host");

#[inline(never)]
pub fn process(input: &Input, args: &[u8]) -> ProgramResult {
    log("Instruction: ActivateHost");
    BorshReader::new(args).finish()?;
    let [operator, config, host_account] = input.accounts::<3>()?;
    account_checks::signer(&operator)?;
    account_checks::writable(&host_account)?;
    let program_id = input.program_id();
    let config = Config::from_account(&config, program_id)?;
    let mut host = Host::from_account(&host_account, program_id)?;
    account_checks::is(&operator, &host.operator(), ProgramError::Unauthorized)?;
    match host.status()? {
        HostStatus::Jailed => Err(ProgramError::HostJailed),
        HostStatus::Active => Err(ProgramError::InvalidHostStatus),
        HostStatus::Registered | HostStatus::Inactive if host.stake() < config.min_host_stake() => Err(ProgramError::StakeTooLow),
        HostStatus::Registered | HostStatus::Inactive => {
            host.set_status(HostStatus::Active);
            Ok(())
        }
    }
}
