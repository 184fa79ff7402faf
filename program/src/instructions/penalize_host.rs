//! `penalize_host()`: anyone may call it once a lease's proofs lag more than the grace
//! period (`grace_epochs x proof_epoch_secs`) behind the present, or behind its max end
//! once that has passed. Settles what was proven, moves `slash_bps` of the host's stake
//! to the renter, jails the host and closes the lease (the rest to the renter).
//!
//! Accounts: 0 caller (signer), 1 renter (writable, `lease.renter`), 2 config, 3 host
//! (writable), 4 lease (writable), 5 owner (writable, `host.owner`), 6 reward_pool (writable).

use super::account_checks;
use super::lease_settlement::LeaseAccounts;
use crate::error::{ProgramError, ProgramResult};
use crate::protocol::amounts::bps_of;
use crate::protocol::coverage::{past_grace, LeaseTimes};
use crate::runtime::clock::Clock;
use crate::runtime::discriminator;
use crate::runtime::input::Input;
use crate::runtime::lamports::move_lamports;
use crate::runtime::log::log;
use crate::runtime::reader::BorshReader;
use crate::state::host::HostStatus;

pub const DISCRIMINATOR: [u8; 8] = discriminator::instruction("penalize_host");

#[inline(never)]
pub fn process(input: &Input, args: &[u8]) -> ProgramResult {
    log("Instruction: PenalizeHost");
    BorshReader::new(args).finish()?;
    let [caller, mut renter, config, host, lease, owner, pool] = input.accounts::<7>()?;
    account_checks::signer(&caller)?;
    account_checks::writable(&renter)?;
    let mut accounts = LeaseAccounts::check([config, host, lease, owner, pool], input.program_id())?;
    account_checks::is(&renter, &accounts.lease.renter(), ProgramError::WrongRenter)?;
    let config = &accounts.config;
    let times = LeaseTimes { proven_until: accounts.lease.proven_until(), max_end: accounts.lease.max_end() };
    if !past_grace(Clock::get()?.unix_timestamp, &times, config.grace_epochs(), config.proof_epoch_secs()) {
        return Err(ProgramError::WithinGrace);
    }
    let slash_bps = config.slash_bps() as u64;
    let host = &mut accounts.host;
    let slash = bps_of(host.stake(), slash_bps);
    move_lamports(&mut accounts.host_account, &mut renter, slash)?;
    host.set_stake(host.stake() - slash);
    host.set_status(HostStatus::Jailed);
    accounts.settle_and_close(&mut renter)
}
