//! `deactivate_host()`: Active -> Inactive. The host gets no new leases; open ones go on.
//!
//! Accounts: 0 operator (signer), 1 host (writable, the operator's).

use super::account_checks;
use crate::error::{ProgramError, ProgramResult};
use crate::runtime::discriminator;
use crate::runtime::input::Input;
use crate::runtime::log::log;
use crate::runtime::reader::BorshReader;
use crate::state::host::{Host, HostStatus};

pub const DISCRIMINATOR: [u8; 8] = discriminator::instruction("deactivate_host");

#[inline(never)]
pub fn process(input: &Input, args: &[u8]) -> ProgramResult {
    log("Instruction: DeactivateHost");
    BorshReader::new(args).finish()?;
    let [operator, host_account] = input.accounts::<2>()?;
    account_checks::signer(&operator)?;
    account_checks::writable(&host_account)?;
    let mut host = Host::from_account(&host_account, input.program_id())?;
    account_checks::is(&operator, &host.operator(), ProgramError::Unauthorized)?;
    match host.status()? {
        HostStatus::Active => {
            host.set_status(HostStatus::Inactive);
            Ok(())
        }
        _ => Err(ProgramError::InvalidHostStatus),
    }
}
