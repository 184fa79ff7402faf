//! `top_up_lease(extra_secs: u64)`: the renter pays `rate x extra_secs` more into the
//! lease and pushes its max end by `extra_secs`, while the lease still runs.
//!
//! Accounts: 0 renter (signer, writable, `lease.renter`), 1 lease (writable), 2 system program.

use super::account_checks;
use crate::error::{ProgramError, ProgramResult};
use crate::protocol::amounts::deposit_for;
use crate::runtime::clock::Clock;
use crate::runtime::discriminator;
use crate::runtime::input::Input;
use crate::runtime::log::log;
use crate::runtime::reader::BorshReader;
use crate::runtime::system_program::{self, Transfer};
use crate::state::lease::Lease;

pub const DISCRIMINATOR: [u8; 8] = discriminator::instruction("top_up_lease");

#[inline(never)]
pub fn process(input: &Input, args: &[u8]) -> ProgramResult {
    log("Instruction: TopUpLease");
    let mut reader = BorshReader::new(args);
    let extra_secs = reader.read_u64()?;
    reader.finish()?;
    let [renter, lease_account, system] = input.accounts::<3>()?;
    account_checks::writable_signer(&renter)?;
    account_checks::writable(&lease_account)?;
    system_program::check_id(&system)?;
    let mut lease = Lease::from_account(&lease_account, input.program_id())?;
    account_checks::is(&renter, &lease.renter(), ProgramError::Unauthorized)?;
    if extra_secs == 0 {
        log("extra_secs must be greater than zero");
        return Err(ProgramError::InvalidArgument);
    }
    if Clock::get()?.unix_timestamp >= lease.max_end() {
        return Err(ProgramError::LeaseExpired);
    }
    let amount = deposit_for(lease.rate(), extra_secs)?;
    let extra = i64::try_from(extra_secs).map_err(|_| ProgramError::ArithmeticOverflow)?;
    lease.extend(amount, extra)?;
    Transfer { from: &renter, to: &lease_account, lamports: amount }.invoke_signed(&[])
}
