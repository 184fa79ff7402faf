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

use crate::error::{ProgramError, ProgramResult};
use crate::runtime::discriminator;

pub const SEED: &[u8] = b"reward_pool";
pub const DISCRIMINATOR: [u8; 8] = discriminator::account("RewardPool");

const TOTAL_FUNDED: usize = 8;
const TOTAL_FEES: usize = 16;
const TOTAL_CLAIMED: usize = 24;
const BUMP: usize = 32;
pub const LEN: usize = BUMP + 1;

/// Read access to a RewardPool account's data.
pub struct RewardPool<'a> {
    data: &'a [u8],
}

impl<'a> RewardPool<'a> {
    /// Checks the size and discriminator.
    pub fn from_bytes(data: &'a [u8]) -> Result<Self, ProgramError> {
        if data.len() != LEN {
            return Err(ProgramError::InvalidAccountData);
        }
        if data[..8] != DISCRIMINATOR[..] {
            return Err(ProgramError::InvalidDiscriminator);
        }
        Ok(Self { data })
    }

    #[inline(always)]
    fn word(&self, offset: usize) -> u64 {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&self.data[offset..offset + 8]);
        u64::from_le_bytes(bytes)
    }

    pub fn total_funded(&self) -> u64 {
        self.word(TOTAL_FUNDED)
    }
    pub fn total_fees(&self) -> u64 {
        self.word(TOTAL_FEES)
    }
    pub fn total_claimed(&self) -> u64 {
        self.word(TOTAL_CLAIMED)
    }
    pub fn bump(&self) -> u8 {
        self.data[BUMP]
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
        let pool = RewardPool::from_bytes(&data).unwrap();
        assert_eq!((pool.total_funded(), pool.total_fees(), pool.total_claimed(), pool.bump()), (0, 0, 0, 251));
        // node -e "crypto.createHash('sha256').update('account:RewardPool').digest('hex')"
        assert_eq!(data[..8], [0x86, 0x79, 0xc5, 0xd3, 0x85, 0x9a, 0x52, 0x20]);
    }

    #[test]
    fn from_bytes_rejects_wrong_size_and_discriminator() {
        let mut data = [0u8; LEN];
        write_new(&mut data, 1).unwrap();
        assert!(matches!(RewardPool::from_bytes(&data[..LEN - 1]), Err(ProgramError::InvalidAccountData)));
        data[7] ^= 1;
        assert!(matches!(RewardPool::from_bytes(&data), Err(ProgramError::InvalidDiscriminator)));
    }
}
