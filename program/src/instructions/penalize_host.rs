//! `penalize_host()`: anyone may call it once more whole epochs of a lease went unproven,
//! while the witnesses were seen alive (attestations or heartbeats of those epochs), than
//! the lease's grace. Settles what was proven, moves the slash into the reward pool (never
//! to the caller or the renter, so nobody profits from faking a penalty), jails the host
//! with its stake locked for the config's jail time, and closes the lease (the unproven
//! deposit back to the renter).
//!
//! Accounts: 0 caller (signer), 1 renter (writable, `lease.renter`), 2 config, 3 host
//! (writable), 4 lease (writable), 5 reward_pool (writable).

use super::account_checks;
use super::lease_settlement::LeaseAccounts;
use crate::error::{ProgramError, ProgramResult};
use crate::runtime::clock::Clock;
use crate::runtime::discriminator;
use crate::runtime::input::Input;
use crate::runtime::log::log;
use crate::runtime::reader::BorshReader;

pub const DISCRIMINATOR: [u8; 8] = discriminator::instruction("penalize_host");

#[inline(never)]
pub fn process(input: &Input, args: &[u8]) -> ProgramResult {
    log("Instruction: PenalizeHost");
    BorshReader::new(args).finish()?;
    let [caller, mut renter, config, host, lease, pool] = input.accounts::<6>()?;
    account_checks::signer(&caller)?;
    account_checks::writable(&renter)?;
    let mut accounts = LeaseAccounts::check([config, host, lease, pool], input.program_id())?;
    account_checks::is(&renter, &accounts.lease.renter(), ProgramError::WrongRenter)?;
    let now = Clock::get()?.unix_timestamp;
    if !accounts.penalizable(now) {
        return Err(ProgramError::WithinGrace);
    }
    accounts.penalize(now)?;
    accounts.settle_and_close(&mut renter)
}
