//! `close_lease()`: ends a lease. The renter may close it any time, the host's operator
//! once its max end has passed. Settles the proven time, refunds the rest (unproven
//! deposit and rent) to the renter and deletes the lease.
//!
//! Accounts: 0 signer (signer), 1 renter (writable, `lease.renter`), 2 config, 3 host
//! (writable), 4 lease (writable), 5 owner (writable, `host.owner`), 6 reward_pool (writable).

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
    let [signer, mut renter, config, host, lease, owner, pool] = input.accounts::<7>()?;
    account_checks::signer(&signer)?;
    account_checks::writable(&renter)?;
    let mut accounts = LeaseAccounts::check([config, host, lease, owner, pool], input.program_id())?;
    let lease_renter = accounts.lease.renter();
    account_checks::is(&renter, &lease_renter, ProgramError::WrongRenter)?;
    let by_renter = *signer.key() == lease_renter;
    if !by_renter {
        let by_operator = *signer.key() == accounts.host.operator();
        if !by_operator || Clock::get()?.unix_timestamp < accounts.lease.max_end() {
            return Err(ProgramError::Unauthorized);
        }
    }
    accounts.settle_and_close(&mut renter)
}
