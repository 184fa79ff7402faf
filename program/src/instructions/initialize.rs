//! `initialize(proof_epoch_secs: u64, fee_bps, min_host_stake, grace_epochs, slash_bps,
//! reward_bps, epoch_reward, jail_secs, witnesses)`: creates the Config and the RewardPool
//! accounts, once, signed by the program's upgrade authority (so nobody can take the config
//! by calling first). The authority becomes the config authority (`update_config`).
//!
//! Accounts: 0 authority (signer, writable: pays the rent), 1 config (writable, PDA
//! `["config"]`), 2 reward_pool (writable, PDA `["reward_pool"]`), 3 program_data (the
//! program's ProgramData account), 4 system program.

use super::account_checks;
use super::config_args;
use super::new_program_account::NewProgramAccount;
use crate::error::{ProgramError, ProgramResult};
use crate::runtime::account::AccountView;
use crate::runtime::discriminator;
use crate::runtime::input::Input;
use crate::runtime::log::log;
use crate::runtime::pda::{find_program_address, ProgramAddress};
use crate::runtime::pubkey::Pubkey;
use crate::runtime::reader::BorshReader;
use crate::runtime::system_program;
use crate::state::config::{self, ConfigAddresses, ConfigParams};
use crate::state::reward_pool;

pub const DISCRIMINATOR: [u8; 8] = discriminator::instruction("initialize");

/// `BPFLoaderUpgradeab1e11111111111111111111111`, owner of every ProgramData account.
pub const UPGRADEABLE_LOADER: Pubkey = Pubkey::new([
    0x02, 0xa8, 0xf6, 0x91, 0x4e, 0x88, 0xa1, 0xb0, 0xe2, 0x10, 0x15, 0x3e, 0xf7, 0x63, 0xae, 0x2b,
    0x00, 0xc2, 0xb9, 0x3d, 0x16, 0xc1, 0x24, 0xd2, 0xc0, 0x53, 0x7a, 0x10, 0x04, 0x80, 0x00, 0x00,
]);

#[inline(never)]
pub fn process(input: &Input, args: &[u8]) -> ProgramResult {
    log("Instruction: Initialize");
    let [authority, config_account, pool_account, program_data, system] = input.accounts::<5>()?;
    account_checks::writable_signer(&authority)?;
    account_checks::writable(&config_account)?;
    account_checks::writable(&pool_account)?;
    system_program::check_id(&system)?;
    let mut reader = BorshReader::new(args);
    let proof_epoch_secs = reader.read_u64()?;
    let mut params = ConfigParams::zeroed();
    config_args::decode(&mut reader, proof_epoch_secs, &mut params)?;
    let program_id = input.program_id();
    check_upgrade_authority(&program_data, authority.key(), program_id)?;
    create(&mut NewConfig { authority, config_account, pool_account, program_id }, &params)
}

/// The accounts `initialize` creates (a struct: the BPF backend takes at most five arguments).
struct NewConfig<'a, 'b> {
    authority: AccountView<'b>,
    config_account: AccountView<'b>,
    pool_account: AccountView<'b>,
    program_id: &'a Pubkey,
}

#[inline(never)]
fn create(new: &mut NewConfig, params: &ConfigParams) -> ProgramResult {
    let program_id = new.program_id;
    let config_address = program_address(&new.config_account, config::SEED, program_id)?;
    let pool_address = program_address(&new.pool_account, reward_pool::SEED, program_id)?;
    account_checks::uninitialized(&new.config_account, program_id)?;
    account_checks::uninitialized(&new.pool_account, program_id)?;
    let payer = &new.authority;
    let config_new = NewProgramAccount { payer, account: &new.config_account, space: config::LEN, holding: 0, program_id };
    config_new.create(&[config::SEED, &[config_address.bump]])?;
    let pool_new = NewProgramAccount { payer, account: &new.pool_account, space: reward_pool::LEN, holding: 0, program_id };
    pool_new.create(&[reward_pool::SEED, &[pool_address.bump]])?;
    let addresses = ConfigAddresses {
        authority: *new.authority.key(),
        reward_pool: pool_address.key,
        bump: config_address.bump,
        pool_bump: pool_address.bump,
    };
    config::write(new.config_account.data_mut(), params, &addresses)?;
    reward_pool::write_new(new.pool_account.data_mut(), pool_address.bump)
}

/// ProgramData (upgradeable loader state 3): u32 tag | u64 slot | Option<Pubkey> authority.
const PROGRAM_DATA_TAG: u32 = 3;
const AUTHORITY_OPTION: usize = 12;
const AUTHORITY: usize = 13;

/// `program_data` is this program's ProgramData account and names `signer` as its upgrade authority.
#[inline(never)]
fn check_upgrade_authority(program_data: &AccountView, signer: &Pubkey, program_id: &Pubkey) -> ProgramResult {
    let expected = find_program_address(&[program_id.as_bytes()], &UPGRADEABLE_LOADER)?;
    account_checks::is(program_data, &expected.key, ProgramError::InvalidPda)?;
    if !program_data.is_owned_by(&UPGRADEABLE_LOADER) {
        return Err(ProgramError::WrongAccountOwner);
    }
    let data = program_data.data();
    if data.len() < AUTHORITY + 32 || data[..4] != PROGRAM_DATA_TAG.to_le_bytes() {
        return Err(ProgramError::InvalidAccountData);
    }
    match data[AUTHORITY_OPTION] == 1 && &data[AUTHORITY..AUTHORITY + 32] == signer.as_bytes() {
        true => Ok(()),
        false => Err(ProgramError::NotUpgradeAuthority),
    }
}

/// The canonical address for `seed`, which `account` must be.
#[inline(never)]
fn program_address(account: &AccountView, seed: &[u8], program_id: &Pubkey) -> Result<ProgramAddress, ProgramError> {
    let address = find_program_address(&[seed], program_id)?;
    match *account.key() == address.key {
        true => Ok(address),
        false => Err(ProgramError::InvalidPda),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discriminator_is_anchors() {
        assert_eq!(DISCRIMINATOR, [0xaf, 0xaf, 0x6d, 0x1f, 0x0d, 0x98, 0x9b, 0xed]);
    }
}
