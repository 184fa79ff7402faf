//! The RewardPool account, at the PDA `["reward_pool"]`: holds the lamports hosts are
//! rewarded from (protocol fees and donations) and the running totals.
//!
//! Layout (borsh, little-endian; the IDL's `RewardPool` type):
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0  | 8 | discriminator = `sha256("account:RewardPool")[..8]` |
//! | 8  | 8 | total_funded: u64 |
//! | 16 | 8 | total_fees: u64 |
//! | 24 | 8 | total_claimed: u64 |
//! | 32 | 1 | bump: u8 |
//!
//! Total: 33 bytes.

use super::fields::Fields;
use crate::error::{ProgramError, ProgramResult};
use crate::runtime::account::AccountView;
use crate::runtime::discriminator;
use crate::runtime::pubkey::Pubkey;

pub const SEED: &[u8] = b"reward_pool";
pub const DISCRIMINATOR: [u8; 8] = discriminator::account("RewardPool");

const TOTAL_FUNDED: usize = 8;
const TOTAL_FEES: usize = 16;
const TOTAL_CLAIMED: usize = 24;
const BUMP: usize = 32;
pub const LEN: usize = BUMP + 1;

/// A RewardPool account's data, read and written in place.
pub struct RewardPool<'a> {
    fields: Fields<'a>,
}

impl<'a> RewardPool<'a> {
    /// The pool in `account`: owned by the program, `LEN` bytes, RewardPool discriminator.
    /// The pool is only ever created at its PDA, so this proves it is the pool.
    pub fn from_account(account: &AccountView<'a>, program_id: &Pubkey) -> Result<Self, ProgramError> {
        Ok(Self { fields: Fields::of_program_account(account, program_id, &DISCRIMINATOR, LEN)? })
    }

    /// Checks the size and discriminator.
    pub fn from_bytes(data: &'a mut [u8]) -> Result<Self, ProgramError> {
        Ok(Self { fields: Fields::of_bytes(data, &DISCRIMINATOR, LEN)? })
    }

    pub fn total_funded(&self) -> u64 {
        self.fields.u64(TOTAL_FUNDED)
    }
    pub fn total_fees(&self) -> u64 {
        self.fields.u64(TOTAL_FEES)
    }
    pub fn total_claimed(&self) -> u64 {
        self.fields.u64(TOTAL_CLAIMED)
    }
    pub fn bump(&self) -> u8 {
        self.fields.u8(BUMP)
    }

    pub fn add_funded(&mut self, amount: u64) -> ProgramResult {
        self.add(TOTAL_FUNDED, amount)
    }
    pub fn add_fees(&mut self, amount: u64) -> ProgramResult {
        self.add(TOTAL_FEES, amount)
    }
    pub fn add_claimed(&mut self, amount: u64) -> ProgramResult {
        self.add(TOTAL_CLAIMED, amount)
    }

    fn add(&mut self, offset: usize, amount: u64) -> ProgramResult {
        let total = self.fields.u64(offset).checked_add(amount).ok_or(ProgramError::ArithmeticOverflow)?;
        self.fields.set_u64(offset, total);
        Ok(())
    }
}

/// Writes a new, empty pool (zero totals) into `data`.
pub fn write_new(data: &mut [u8], bump: u8) -> ProgramResult {
    if data.len() != LEN {
        return Err(ProgramError::InvalidAccountData);
    }
    data[..8].copy_from_slice(&DISCRIMINATOR);
    data[TOTAL_FUNDED..BUMP].fill(0);
    data[BUMP] = bump;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_pool_has_zero_totals_and_its_bump() {
        let mut data = [0xaau8; LEN];
        write_new(&mut data, 251).unwrap();
        // node -e "crypto.createHash('sha256').update('account:RewardPool').digest('hex')"
        assert_eq!(data[..8], [0x86, 0x79, 0xc5, 0xd3, 0x85, 0x9a, 0x52, 0x20]);
        let pool = RewardPool::from_bytes(&mut data).unwrap();
        assert_eq!((pool.total_funded(), pool.total_fees(), pool.total_claimed(), pool.bump()), (0, 0, 0, 251));
    }

    #[test]
    fn from_bytes_rejects_wrong_size_and_discriminator() {
        let mut data = [0u8; LEN];
        write_new(&mut data, 1).unwrap();
        assert!(matches!(RewardPool::from_bytes(&mut data[..LEN - 1]), Err(ProgramError::InvalidAccountData)));
        data[7] ^= 1;
        assert!(matches!(RewardPool::from_bytes(&mut data), Err(ProgramError::InvalidDiscriminator)));
    }

    #[test]
    fn totals_add_up_and_are_checked() {
        let mut data = [0u8; LEN];
        write_new(&mut data, 1).unwrap();
        let mut pool = RewardPool::from_bytes(&mut data).unwrap();
        pool.add_funded(5).unwrap();
        pool.add_fees(7).unwrap();
        pool.add_fees(u64::MAX - 7).unwrap();
        pool.add_claimed(3).unwrap();
        assert_eq!(pool.add_fees(1), Err(ProgramError::ArithmeticOverflow));
        assert_eq!((pool.total_funded(), pool.total_fees(), pool.total_claimed()), (5, u64::MAX, 3));
        assert_eq!(&data[16..24], &u64::MAX.to_le_bytes());
    }
}
