//! Lamport amounts: settlements, fees, slashes and reward shares. Basis points are
//! clamped to 10 000, which makes every share exact and overflow-free.

use crate::error::ProgramError;
use crate::runtime::math::checked_mul;

pub const MAX_BPS: u64 = 10_000;

/// `floor(amount * bps / 10 000)` for `bps <= 10 000` (larger values count as 10 000),
/// without a 128-bit product: with `amount = q * 10 000 + r`, it is `q * bps + r * bps / 10 000`,
/// and `q * bps <= amount`.
#[inline(always)]
pub fn bps_of(amount: u64, bps: u64) -> u64 {
    let bps = if bps > MAX_BPS { MAX_BPS } else { bps };
    (amount / MAX_BPS) * bps + (amount % MAX_BPS) * bps / MAX_BPS
}

/// What one settlement moves out of a lease: `amount` in total, `fee` of it to the pool.
pub struct Settlement {
    pub amount: u64,
    pub fee: u64,
}

impl Settlement {
    /// `rate x (proven_secs - settled_secs)`, `fee_bps` of it as the fee.
    #[inline(always)]
    pub fn of(rate: u64, proven_secs: u64, settled_secs: u64, fee_bps: u16) -> Result<Self, ProgramError> {
        let secs = proven_secs.checked_sub(settled_secs).ok_or(ProgramError::InvalidAccountData)?;
        let amount = checked_mul(rate, secs).ok_or(ProgramError::ArithmeticOverflow)?;
        Ok(Self { amount, fee: bps_of(amount, fee_bps as u64) })
    }

    /// What the host's owner gets.
    #[inline(always)]
    pub fn host_share(&self) -> u64 {
        self.amount - self.fee
    }
}

/// The deposit of `secs` seconds at `rate` lamports per second.
#[inline(always)]
pub fn deposit_for(rate: u64, secs: u64) -> Result<u64, ProgramError> {
    checked_mul(rate, secs).ok_or(ProgramError::ArithmeticOverflow)
}

/// The reward of one witness-attested epoch: `epoch_reward`, at most `reward_bps` of what
/// the pool holds above its rent. A fixed share per epoch, so no number of leases, wallets
/// or claims earns a host more, and what one host earned never shrinks another's.
#[inline(always)]
pub fn epoch_reward(pool_available: u64, epoch_reward: u64, reward_bps: u16) -> u64 {
    bps_of(pool_available, reward_bps as u64).min(epoch_reward)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bps_of_matches_wide_arithmetic() {
        let amounts = [0, 1, 9_999, 10_000, 10_001, 123_456_789, u64::MAX / 3, u64::MAX - 1, u64::MAX];
        for &amount in &amounts {
            for bps in [0, 1, 250, 5_000, 9_999, 10_000] {
                let wide = (amount as u128 * bps as u128 / 10_000) as u64;
                assert_eq!(bps_of(amount, bps), wide, "{amount} x {bps} bps");
            }
            assert_eq!(bps_of(amount, 65_535), amount, "clamped to 10000");
        }
    }

    #[test]
    fn a_settlement_pays_the_new_seconds_minus_the_fee() {
        let s = Settlement::of(1_000, 3_600, 600, 250).unwrap();
        assert_eq!((s.amount, s.fee, s.host_share()), (3_000_000, 75_000, 2_925_000));
        let nothing = Settlement::of(1_000, 600, 600, 250).unwrap();
        assert_eq!((nothing.amount, nothing.fee), (0, 0));
        let fee_rounds_down = Settlement::of(1, 3, 0, 2_500).unwrap();
        assert_eq!((fee_rounds_down.amount, fee_rounds_down.fee, fee_rounds_down.host_share()), (3, 0, 3));
        assert!(matches!(Settlement::of(u64::MAX, 2, 0, 0), Err(ProgramError::ArithmeticOverflow)));
        assert!(matches!(Settlement::of(1, 1, 2, 0), Err(ProgramError::InvalidAccountData)), "settled beyond proven");
    }

    #[test]
    fn deposits_are_checked() {
        assert_eq!(deposit_for(1_000, 3_600), Ok(3_600_000));
        assert_eq!(deposit_for(1 << 32, 1 << 32), Err(ProgramError::ArithmeticOverflow));
    }

    #[test]
    fn an_epoch_reward_is_the_smaller_of_the_budget_and_the_pool_share() {
        assert_eq!(epoch_reward(1_000_000, 5_000, 100), 5_000);
        assert_eq!(epoch_reward(100_000, 5_000, 100), 1_000, "1% of the pool");
        assert_eq!(epoch_reward(0, 5_000, 100), 0);
        assert_eq!(epoch_reward(u64::MAX, u64::MAX, 10_000), u64::MAX);
        assert_eq!(epoch_reward(1_000, 5_000, 0), 0);
    }
}
