//! `settle_lease()`: pays the lease's newly proven seconds into the host account (payable
//! to its owner), minus the lease's fee into the reward pool. Anyone may call it.
//!
//! Accounts: 0 config, 1 host (writable), 2 lease (writable), 3 reward_pool (writable).

use super::lease_settlement::LeaseAccounts;
use crate::error::ProgramResult;
use crate::runtime::discriminator;
use crate::runtime::input::Input;
use crate::runtime::log::log;
use crate::runtime::reader::BorshReader;

pub const DISCRIMINATOR: [u8; 8] = discriminator::instruction("settle_lease");

#[inline(never)]
pub fn process(input: &Input, args: &[u8]) -> ProgramResult {
    log("Instruction: SettleLease");
    BorshReader::new(args).finish()?;
    LeaseAccounts::check(input.accounts::<4>()?, input.program_id())?.settle()
}
