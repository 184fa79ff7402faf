//! The RewardPool account, at the PDA `["reward_pool"]`: holds the lamports hosts are
//! rewarded from (protocol fees, slashes and donations), the running totals, and which of
//! the last 64 proof epochs the witnesses were seen alive in (any attestation or heartbeat).
//!
//! Layout (borsh, little-endian; the IDL's `RewardPool` type):
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0  | 8 | discriminator = `sha256("account:RewardPool")[..8]` |
//! | 8  | 8 | total_funded: u64 |
//! | 16 | 8 | total_fees: u64 |
//! | 24 | 8 | total_rewarded: u64 (moved to hosts) |
//! | 32 | 8 | total_slashed: u64 |
//! | 40 | 8 | alive_epoch: u64 (the newest epoch seen alive) |
//! | 48 | 8 | alive_bits: u64 (bit i: epoch `alive_epoch - i` was seen alive) |
//! | 56 | 1 | bump: u8 |
//!
//! Total: 57 bytes.

use super::fields::Fields;
use crate::error::{ProgramError, ProgramResult};
use crate::runtime::account::AccountView;
use crate::runtime::discriminator;
use crate::runtime::pubkey::Pubkey;

pub const SEED: &[u8] = b"reward_pool";
pub const DISCRIMINATOR: [u8; 8] = discriminator::account("RewardPool");
/// Epochs of liveness the pool remembers.
pub const ALIVE_WINDOW: u64 = 64;

const TOTAL_FUNDED: usize = 8;
const TOTAL_FEES: usize = 16;
const TOTAL_REWARDED: usize = 24;
const TOTAL_SLASHED: usize = 32;
const ALIVE_EPOCH: usize = 40;
const ALIVE_BITS: usize = 48;
const BUMP: usize = 56;
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
    pub fn total_rewarded(&self) -> u64 {
        self.fields.u64(TOTAL_REWARDED)
    }
    pub fn total_slashed(&self) -> u64 {
        self.fields.u64(TOTAL_SLASHED)
    }
    pub fn alive_epoch(&self) -> u64 {
        self.fields.u64(ALIVE_EPOCH)
    }
    pub fn alive_bits(&self) -> u64 {
        self.fields.u64(ALIVE_BITS)
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
    pub fn add_rewarded(&mut self, amount: u64) -> ProgramResult {
        self.add(TOTAL_REWARDED, amount)
    }
    pub fn add_slashed(&mut self, amount: u64) -> ProgramResult {
        self.add(TOTAL_SLASHED, amount)
    }

    fn add(&mut self, offset: usize, amount: u64) -> ProgramResult {
        let total = self.fields.u64(offset).checked_add(amount).ok_or(ProgramError::ArithmeticOverflow)?;
        self.fields.set_u64(offset, total);
        Ok(())
    }

    /// Records that a witness was alive in `epoch`. An epoch older than the window is
    /// forgotten (it can no longer make anyone penalizable).
    #[inline(never)]
    pub fn mark_alive(&mut self, epoch: u64) {
        let (newest, bits) = (self.alive_epoch(), self.alive_bits());
        let (newest, bits) = match epoch > newest {
            true if epoch - newest >= ALIVE_WINDOW => (epoch, 1),
            true => (epoch, (bits << (epoch - newest)) | 1),
            false if newest - epoch >= ALIVE_WINDOW => (newest, bits),
            false => (newest, bits | (1 << (newest - epoch))),
        };
        self.fields.set_u64(ALIVE_EPOCH, newest);
        self.fields.set_u64(ALIVE_BITS, bits);
    }

    /// How many epochs in `first..=last` were seen alive (epochs outside the window count as not).
    #[inline(never)]
    pub fn alive_epochs(&self, first: u64, last: u64) -> u64 {
        alive_in(self.alive_epoch(), self.alive_bits(), first, last)
    }
}

/// `alive_epochs` on plain values (unit-tested without an account).
#[inline(always)]
pub fn alive_in(newest: u64, bits: u64, first: u64, last: u64) -> u64 {
    if last < first || first > newest {
        return 0;
    }
    let last = last.min(newest);
    // Bit i is epoch newest - i: the range is bits (newest - last)..=(newest - first), cut to the window.
    let low = newest - last;
    if low >= ALIVE_WINDOW {
        return 0;
    }
    let high = (newest - first).min(ALIVE_WINDOW - 1);
    let width = high - low + 1;
    let mask = match width >= ALIVE_WINDOW {
        true => u64::MAX,
        false => ((1u64 << width) - 1) << low,
    };
    (bits & mask).count_ones() as u64
}

/// Writes a new, empty pool (zero totals, no epoch seen alive) into `data`.
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
        assert_eq!((pool.total_funded(), pool.total_fees(), pool.total_rewarded(), pool.total_slashed()), (0, 0, 0, 0));
        assert_eq!((pool.alive_epoch(), pool.alive_bits(), pool.bump()), (0, 0, 251));
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
        pool.add_rewarded(3).unwrap();
        pool.add_slashed(4).unwrap();
        assert_eq!(pool.add_fees(1), Err(ProgramError::ArithmeticOverflow));
        assert_eq!((pool.total_funded(), pool.total_fees(), pool.total_rewarded(), pool.total_slashed()), (5, u64::MAX, 3, 4));
    }

    #[test]
    fn liveness_is_remembered_for_64_epochs_in_any_order() {
        let mut data = [0u8; LEN];
        write_new(&mut data, 1).unwrap();
        let mut pool = RewardPool::from_bytes(&mut data).unwrap();
        for epoch in [100, 102, 101, 105, 100] {
            pool.mark_alive(epoch);
        }
        assert_eq!(pool.alive_epoch(), 105);
        assert_eq!(pool.alive_epochs(100, 105), 4, "100, 101, 102, 105");
        assert_eq!(pool.alive_epochs(103, 104), 0);
        assert_eq!(pool.alive_epochs(101, 101), 1);
        assert_eq!(pool.alive_epochs(106, 200), 0, "the future is not alive");
        assert_eq!(pool.alive_epochs(0, u64::MAX), 4);
        assert_eq!(pool.alive_epochs(104, 103), 0, "empty range");
        pool.mark_alive(30);
        assert_eq!(pool.alive_epochs(0, 99), 0, "older than the window: forgotten");
        pool.mark_alive(168);
        assert_eq!(pool.alive_epochs(100, 168), 2, "105 is 63 back: kept; 100..=102 dropped out");
        pool.mark_alive(1_000);
        assert_eq!((pool.alive_epoch(), pool.alive_bits()), (1_000, 1));
    }

    #[test]
    fn alive_in_matches_a_plain_count() {
        let bits = 0xf0f0_1234_8000_0001u64;
        for first in 0..80u64 {
            for last in 0..80u64 {
                let newest = 70;
                let plain = (first..=last).filter(|&e| e <= newest && newest - e < 64 && bits >> (newest - e) & 1 == 1).count() as u64;
                assert_eq!(alive_in(newest, bits, first, last), plain, "{first}..={last}");
            }
        }
    }
}
