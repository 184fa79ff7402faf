//! `initialize(fee_bps: u16, min_host_stake: u64, proof_epoch_secs: u64, grace_epochs: u32,
//! slash_bps: u16, reward_bps: u16, witnesses: Vec<Pubkey>)`: creates the Config and the
//! RewardPool accounts, once.
//!
//! Accounts: 0 authority (signer, writable: pays the rent, becomes the config authority),
//! 1 config (writable, PDA `["config"]`), 2 reward_pool (writable, PDA `["reward_pool"]`),
//! 3 system program.

use super::account_checks;
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
use crate::state::config::{self, ConfigAddresses, ConfigParams, InvalidParams, MAX_WITNESSES};
use crate::state::reward_pool;

pub const DISCRIMINATOR: [u8; 8] = discriminator::instruction("initialize");

#[inline(never)]
pub fn process(input: &Input, args: &[u8]) -> ProgramResult {
    log("Instruction: Initialize");
    let [authority, mut config_account, mut pool_account, system] = input.accounts::<4>()?;
    check_accounts(&authority, &[&config_account, &pool_account], &system)?;
    let params = decode_args(args)?;
    params.check().map_err(invalid_argument)?;
    let program_id = input.program_id();
    let config_address = program_address(&config_account, config::SEED, program_id)?;
    let pool_address = program_address(&pool_account, reward_pool::SEED, program_id)?;
    account_checks::uninitialized(&config_account, program_id)?;
    account_checks::uninitialized(&pool_account, program_id)?;

    let payer = &authority;
    let config_new = NewProgramAccount { payer, account: &config_account, space: config::LEN, holding: 0, program_id };
    config_new.create(&[config::SEED, &[config_address.bump]])?;
    let pool_new = NewProgramAccount { payer, account: &pool_account, space: reward_pool::LEN, holding: 0, program_id };
    pool_new.create(&[reward_pool::SEED, &[pool_address.bump]])?;

    let addresses = addresses(authority.key(), &config_address, &pool_address);
    config::write(config_account.data_mut(), &params, &addresses)?;
    reward_pool::write_new(pool_account.data_mut(), pool_address.bump)
}

fn check_accounts(authority: &AccountView, created: &[&AccountView; 2], system: &AccountView) -> ProgramResult {
    account_checks::writable_signer(authority)?;
    if created.iter().any(|account| !account.is_writable()) {
        return Err(ProgramError::NotWritable);
    }
    system_program::check_id(system)
}

fn invalid_argument(reason: InvalidParams) -> ProgramError {
    log(reason.reason());
    ProgramError::InvalidArgument
}

/// Borsh: u16, u64, u64, u32, u16, u16, then `Vec<Pubkey>` (u32 length + keys).
#[inline(never)]
pub fn decode_args(args: &[u8]) -> Result<ConfigParams, ProgramError> {
    let mut reader = BorshReader::new(args);
    let fee_bps = reader.read_u16()?;
    let min_host_stake = reader.read_u64()?;
    let proof_epoch_secs = reader.read_u64()?;
    let grace_epochs = reader.read_u32()?;
    let slash_bps = reader.read_u16()?;
    let reward_bps = reader.read_u16()?;
    let witness_count = reader.read_u32()?;
    if witness_count as usize > MAX_WITNESSES {
        return Err(invalid_argument(InvalidParams::TooManyWitnesses));
    }
    let mut witnesses = [Pubkey::new([0; 32]); MAX_WITNESSES];
    for witness in witnesses.iter_mut().take(witness_count as usize) {
        *witness = reader.read_pubkey()?;
    }
    reader.finish()?;
    Ok(ConfigParams {
        fee_bps,
        min_host_stake,
        proof_epoch_secs,
        grace_epochs,
        slash_bps,
        reward_bps,
        witness_count: witness_count as u8,
        witnesses,
    })
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

fn addresses(authority: &Pubkey, config_address: &ProgramAddress, pool_address: &ProgramAddress) -> ConfigAddresses {
    ConfigAddresses { authority: *authority, reward_pool: pool_address.key, bump: config_address.bump, pool_bump: pool_address.bump }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode_args(fee_bps: u16, witnesses: &[[u8; 32]]) -> Vec<u8> {
        let mut data = Vec::new();
        data.extend_from_slice(&fee_bps.to_le_bytes());
        data.extend_from_slice(&5_000_000_000u64.to_le_bytes());
        data.extend_from_slice(&600u64.to_le_bytes());
        data.extend_from_slice(&4u32.to_le_bytes());
        data.extend_from_slice(&2_500u16.to_le_bytes());
        data.extend_from_slice(&75u16.to_le_bytes());
        data.extend_from_slice(&(witnesses.len() as u32).to_le_bytes());
        for witness in witnesses {
            data.extend_from_slice(witness);
        }
        data
    }

    #[test]
    fn decodes_anchor_borsh_arguments() {
        let params = decode_args(&encode_args(300, &[[1; 32], [2; 32]])).unwrap();
        assert_eq!(params.fee_bps, 300);
        assert_eq!(params.min_host_stake, 5_000_000_000);
        assert_eq!(params.proof_epoch_secs, 600);
        assert_eq!(params.grace_epochs, 4);
        assert_eq!(params.slash_bps, 2_500);
        assert_eq!(params.reward_bps, 75);
        assert_eq!(params.witness_count, 2);
        assert!(params.witnesses[0] == Pubkey::new([1; 32]) && params.witnesses[1] == Pubkey::new([2; 32]));
        assert!(params.witnesses[2] == Pubkey::new([0; 32]));
    }

    #[test]
    fn rejects_short_trailing_and_oversized_arguments() {
        let good = encode_args(300, &[[1; 32]]);
        assert!(matches!(decode_args(&good[..good.len() - 1]), Err(ProgramError::InvalidInstructionData)));
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(matches!(decode_args(&trailing), Err(ProgramError::InvalidInstructionData)));
        assert!(matches!(decode_args(&encode_args(300, &[[1; 32]; 5])), Err(ProgramError::InvalidArgument)));
    }

    #[test]
    fn discriminator_is_anchors() {
        assert_eq!(DISCRIMINATOR, [0xaf, 0xaf, 0x6d, 0x1f, 0x0d, 0x98, 0x9b, 0xed]);
    }
}
