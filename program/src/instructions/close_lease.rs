//! `close_lease()`: ends a lease. The renter may close it any time, and so may the host's
//! operator (a lease it cannot serve: the renter gets every unproven lamport back). Settles
//! the proven time, refunds the rest (unproven deposit and rent) to the renter and closes
//! the lease for good. An operator closing a lease it let go unproven past its grace is
//! penalized first, as `penalize_host` would: ending the lease is no escape.
//!
//! Accounts: 0 signer (signer), 1 renter (writable, `lease.renter`), 2 config, 3 host
//! (writable), 4 lease (writable), 5 reward_pool (writable).

use super::account_checks;
use super::lease_settlement::LeaseAccounts;
use crate::error::{ProgramError, ProgramResult};
use crate::runtime::clock::Clock;
use crate::runtime::discriminator;
use crate::runtime::input::Input;
use crate::runtime::log::log;
use crate::runtime::reader::BorshReader;

pub const DISCRIMINATOR: [u8; 8] = discriminator::instruction("close_lease");

#[inline(never)]
pub fn process(input: &Input, args: &[u8]) -> ProgramResult {
    log("Instruction: CloseLease");
    BorshReader::new(args).finish()?;
    let [signer, mut renter, config, host, lease, pool] = input.accounts::<6>()?;
    account_checks::signer(&signer)?;
    account_checks::writable(&renter)?;
    let mut accounts = LeaseAccounts::check([config, host, lease, pool], input.program_id())?;
    let lease_renter = accounts.lease.renter();
    account_checks::is(&renter, &lease_renter, ProgramError::WrongRenter)?;
    let by_operator = *signer.key() == accounts.host.operator();
    if !by_operator && *signer.key() != lease_renter {
        return Err(ProgramError::Unauthorized);
    }
    if by_operator {
        let now = Clock::get()?.unix_timestamp;
        if accounts.penalizable(now) {
            log("the lease is past its grace: the host is penalized");
            accounts.penalize(now)?;
        }
    }
    accounts.settle_and_close(&mut renter)
}
