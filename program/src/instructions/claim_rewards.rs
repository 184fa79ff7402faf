//! `claim_rewards()`: pays the host's owner its share of the reward pool for the epochs
//! proven since the last claim: `reward_bps` of the pool (above its rent) per epoch, at
//! most all of it. Jailed hosts get nothing. A claim that would pay 0 (an empty pool)
//! fails with `NothingToClaim`, so the epochs stay claimable once the pool is funded.
//! An owner address that could not hold the amount gets it in the stake (owner_payout.rs).
//!
//! Accounts: 0 operator (signer), 1 owner (writable, `host.owner`), 2 config, 3 host
//! (writable, the operator's), 4 reward_pool (writable).

use super::account_checks;
use super::owner_payout::pay_owner;
use crate::error::{ProgramError, ProgramResult};
use crate::protocol::amounts::{bps_of, reward_share_bps};
use crate::runtime::discriminator;
use crate::runtime::input::Input;
use crate::runtime::log::log;
use crate::runtime::reader::BorshReader;
use crate::runtime::rent::Rent;
use crate::state::config::Config;
use crate::state::host::{Host, HostStatus};
use crate::state::reward_pool::{self, RewardPool};

pub const DISCRIMINATOR: [u8; 8] = discriminator::instruction("claim_rewards");

#[inline(never)]
pub fn process(input: &Input, args: &[u8]) -> ProgramResult {
    log("Instruction: ClaimRewards");
    BorshReader::new(args).finish()?;
    let [operator, mut owner, config, mut host_account, mut pool_account] = input.accounts::<5>()?;
    account_checks::signer(&operator)?;
    account_checks::writable(&owner)?;
    account_checks::writable(&host_account)?;
    account_checks::writable(&pool_account)?;
    let program_id = input.program_id();
    let config = Config::from_account(&config, program_id)?;
    let mut host = Host::from_account(&host_account, program_id)?;
    account_checks::is(&operator, &host.operator(), ProgramError::Unauthorized)?;
    account_checks::is(&owner, &host.owner(), ProgramError::WrongOwner)?;
    let mut pool = RewardPool::from_account(&pool_account, program_id)?;
    if host.status()? == HostStatus::Jailed {
        return Err(ProgramError::HostJailed);
    }
    let epochs = host.proven_epochs().checked_sub(host.rewarded_epochs()).ok_or(ProgramError::InvalidAccountData)?;
    if epochs == 0 {
        return Err(ProgramError::NothingToClaim);
    }
    let rent = Rent::get()?.minimum_balance(reward_pool::LEN as u64).ok_or(ProgramError::ArithmeticOverflow)?;
    let available = pool_account.lamports().checked_sub(rent).ok_or(ProgramError::InsufficientFunds)?;
    let amount = bps_of(available, reward_share_bps(epochs, config.reward_bps()));
    if amount == 0 {
        return Err(ProgramError::NothingToClaim);
    }
    pay_owner(&mut pool_account, &mut owner, &mut host_account, &mut host, amount)?;
    host.record_claim(amount)?;
    pool.add_claimed(amount)
}
