//! `update_config(fee_bps, min_host_stake, grace_epochs, slash_bps, reward_bps, epoch_reward,
//! jail_secs, witnesses)`: the config authority changes the parameters, with the same
//! ranges as `initialize`. `proof_epoch_secs` never changes (epoch numbers would shift).
//! Open leases keep the fee and grace they opened under. A changed witness set takes
//! effect `(grace_epochs + 1)` epochs later (the longer of the old and new grace), so no
//! host loses its witnesses between two epochs.
//!
//! Accounts: 0 authority (signer, `config.authority`), 1 config (writable).

use super::account_checks;
use super::config_args;
use crate::error::{ProgramError, ProgramResult};
use crate::runtime::clock::Clock;
use crate::runtime::discriminator;
use crate::runtime::input::Input;
use crate::runtime::log::log;
use crate::runtime::math::checked_mul;
use crate::runtime::reader::BorshReader;
use crate::state::config::{self, Config, ConfigParams};

pub const DISCRIMINATOR: [u8; 8] = discriminator::instruction("update_config");

#[inline(never)]
pub fn process(input: &Input, args: &[u8]) -> ProgramResult {
    log("Instruction: UpdateConfig");
    let [authority, mut config_account] = input.accounts::<2>()?;
    account_checks::signer(&authority)?;
    account_checks::writable(&config_account)?;
    let config = Config::from_account(&config_account, input.program_id())?;
    account_checks::is(&authority, &config.authority(), ProgramError::Unauthorized)?;
    let (epoch_secs, old_grace) = (config.proof_epoch_secs(), config.grace_epochs());
    let mut params = ConfigParams::zeroed();
    config_args::decode(&mut BorshReader::new(args), epoch_secs, &mut params)?;
    let now = Clock::get()?.unix_timestamp;
    let delay_epochs = old_grace.max(params.grace_epochs) as u64 + 1;
    let delay = checked_mul(delay_epochs, epoch_secs).and_then(|d| i64::try_from(d).ok()).ok_or(ProgramError::ArithmeticOverflow)?;
    let rotate_at = now.checked_add(delay).ok_or(ProgramError::ArithmeticOverflow)?;
    config::update(config_account.data_mut(), &params, now, rotate_at)
}
