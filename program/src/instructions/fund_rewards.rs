//! `fund_rewards(amount: u64)`: anyone adds lamports to the reward pool.
//!
//! Accounts: 0 funder (signer, writable), 1 config, 2 reward_pool (writable), 3 system program.

use super::account_checks;
use crate::error::{ProgramError, ProgramResult};
use crate::runtime::discriminator;
use crate::runtime::input::Input;
use crate::runtime::log::log;
use crate::runtime::reader::BorshReader;
use crate::runtime::system_program::{self, Transfer};
use crate::state::config::Config;
use crate::state::reward_pool::RewardPool;

pub const DISCRIMINATOR: [u8; 8] = discriminator::instruction("fund_rewards");

#[inline(never)]
pub fn process(input: &Input, args: &[u8]) -> ProgramResult {
    log("Instruction: FundRewards");
    let mut reader = BorshReader::new(args);
    let amount = reader.read_u64()?;
    reader.finish()?;
    let [funder, config, pool_account, system] = input.accounts::<4>()?;
    account_checks::writable_signer(&funder)?;
    account_checks::writable(&pool_account)?;
    system_program::check_id(&system)?;
    let program_id = input.program_id();
    Config::from_account(&config, program_id)?;
    let mut pool = RewardPool::from_account(&pool_account, program_id)?;
    if amount == 0 {
        log("amount must be greater than zero");
        return Err(ProgramError::InvalidArgument);
    }
    pool.add_funded(amount)?;
    Transfer { from: &funder, to: &pool_account, lamports: amount }.invoke_signed(&[])
}
