//! What an uptime proof adds to a lease, in unix seconds. A lease's proven time is one
//! interval `[start, proven_until]`: a proof extends it forward, clamped to the lease's
//! max end, and time it skips (a gap before an attestation's epoch) stays unproven.

use crate::error::ProgramError;
use crate::runtime::math::widening_mul;

/// The lease fields a proof is checked against.
pub struct LeaseTimes {
    pub proven_until: i64,
    pub max_end: i64,
}

/// Newly proven time `[from, to)`, and the proof epoch the host is credited with.
pub struct Coverage {
    pub from: i64,
    pub to: i64,
    pub epoch: u64,
}

impl Coverage {
    /// Seconds covered; `to > from` by construction.
    #[inline(always)]
    pub fn secs(&self) -> Result<u64, ProgramError> {
        let secs = self.to.checked_sub(self.from).ok_or(ProgramError::ArithmeticOverflow)?;
        u64::try_from(secs).map_err(|_| ProgramError::ArithmeticOverflow)
    }
}

/// A renter's receipt "the lease ran until `until`": covers `[proven_until, min(until, max_end))`.
/// Its epoch is the one holding the last covered second.
#[inline(always)]
pub fn receipt(until: i64, now: i64, lease: &LeaseTimes, epoch_secs: u64) -> Result<Coverage, ProgramError> {
    if until > now {
        return Err(ProgramError::ProofInFuture);
    }
    let to = until.min(lease.max_end);
    if to <= lease.proven_until {
        return Err(ProgramError::ProofStale);
    }
    let last_second = u64::try_from(to - 1).map_err(|_| ProgramError::ArithmeticOverflow)?;
    Ok(Coverage { from: lease.proven_until, to, epoch: last_second / epoch_secs })
}

/// A witness's attestation "the host answered during `epoch`": covers the epoch
/// `[epoch x L, (epoch + 1) x L)` clamped to `[proven_until, max_end]`.
#[inline(always)]
pub fn attestation(epoch: u64, now: i64, lease: &LeaseTimes, epoch_secs: u64) -> Result<Coverage, ProgramError> {
    let start = epoch_start(epoch, epoch_secs)?;
    let end = epoch_end(epoch, epoch_secs)?;
    if end > now {
        return Err(ProgramError::ProofInFuture);
    }
    let from = start.max(lease.proven_until);
    let to = end.min(lease.max_end);
    if to <= from {
        return Err(ProgramError::ProofStale);
    }
    Ok(Coverage { from, to, epoch })
}

/// `(epoch + 1) x L`: when `epoch` is over.
#[inline(always)]
pub fn epoch_end(epoch: u64, epoch_secs: u64) -> Result<i64, ProgramError> {
    epoch_start(epoch.checked_add(1).ok_or(ProgramError::ArithmeticOverflow)?, epoch_secs)
}

/// `epoch x L` as a timestamp.
#[inline(always)]
fn epoch_start(epoch: u64, epoch_secs: u64) -> Result<i64, ProgramError> {
    match widening_mul(epoch, epoch_secs) {
        (0, start) => i64::try_from(start).map_err(|_| ProgramError::ArithmeticOverflow),
        _ => Err(ProgramError::ArithmeticOverflow),
    }
}

/// The whole proof epochs `first..=last` in which a lease went unproven: those entirely
/// after `proven_until` and before the present (or the max end once it has passed). Empty
/// when `first > last`.
pub struct MissingEpochs {
    pub first: u64,
    pub last: u64,
}

impl MissingEpochs {
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.first > self.last
    }
}

#[inline(always)]
pub fn missing_epochs(now: i64, lease: &LeaseTimes, epoch_secs: u64) -> MissingEpochs {
    let horizon = now.min(lease.max_end);
    let (from, to) = match (u64::try_from(lease.proven_until), u64::try_from(horizon)) {
        (Ok(from), Ok(to)) if to > from => (from, to),
        _ => return MissingEpochs { first: 1, last: 0 },
    };
    // First epoch starting at or after `from`; last epoch ending at or before `to`.
    let first = from / epoch_secs + (from % epoch_secs != 0) as u64;
    match to / epoch_secs {
        0 => MissingEpochs { first: 1, last: 0 },
        end => MissingEpochs { first, last: end - 1 },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const L: u64 = 600;
    const LEASE: LeaseTimes = LeaseTimes { proven_until: 1_000, max_end: 5_000 };

    fn covered(c: Result<Coverage, ProgramError>) -> (i64, i64, u64, u64) {
        let c = c.unwrap();
        (c.from, c.to, c.epoch, c.secs().unwrap())
    }

    #[test]
    fn a_receipt_covers_from_proven_until_to_its_time() {
        assert_eq!(covered(receipt(1_800, 2_000, &LEASE, L)), (1_000, 1_800, 2, 800));
        // Epoch of the last covered second: 1_799 / 600 = 2; 1_801 -> second 1_800 is epoch 3.
        assert_eq!(covered(receipt(1_801, 2_000, &LEASE, L)).2, 3);
        assert_eq!(covered(receipt(1_200, 1_200, &LEASE, L)), (1_000, 1_200, 1, 200), "until == now is allowed");
    }

    #[test]
    fn a_receipt_is_clamped_to_max_end() {
        assert_eq!(covered(receipt(9_000, 9_000, &LEASE, L)), (1_000, 5_000, 8, 4_000));
    }

    #[test]
    fn a_receipt_in_the_future_or_not_past_proven_until_is_refused() {
        assert!(matches!(receipt(2_001, 2_000, &LEASE, L), Err(ProgramError::ProofInFuture)));
        assert!(matches!(receipt(1_000, 2_000, &LEASE, L), Err(ProgramError::ProofStale)), "replay");
        assert!(matches!(receipt(900, 2_000, &LEASE, L), Err(ProgramError::ProofStale)), "older");
        let ended = LeaseTimes { proven_until: 5_000, max_end: 5_000 };
        assert!(matches!(receipt(6_000, 7_000, &ended, L), Err(ProgramError::ProofStale)), "fully proven");
    }

    #[test]
    fn an_attestation_covers_its_epoch_within_the_lease() {
        // Epoch 1 = [600, 1200): only [1000, 1200) is inside and unproven.
        assert_eq!(covered(attestation(1, 1_200, &LEASE, L)), (1_000, 1_200, 1, 200));
        // Epoch 3 = [1800, 2400): the gap [1000, 1800) is skipped.
        assert_eq!(covered(attestation(3, 3_000, &LEASE, L)), (1_800, 2_400, 3, 600));
        // Epoch 8 = [4800, 5400): clamped to max end.
        assert_eq!(covered(attestation(8, 6_000, &LEASE, L)), (4_800, 5_000, 8, 200));
    }

    #[test]
    fn an_attestation_before_proven_until_after_max_end_or_unfinished_is_refused() {
        assert!(matches!(attestation(1, 1_199, &LEASE, L), Err(ProgramError::ProofInFuture)), "epoch not over");
        assert!(matches!(attestation(0, 9_000, &LEASE, L), Err(ProgramError::ProofStale)), "before proven_until");
        assert!(matches!(attestation(9, 9_000, &LEASE, L), Err(ProgramError::ProofStale)), "after max end");
        assert!(matches!(attestation(u64::MAX, i64::MAX, &LEASE, L), Err(ProgramError::ArithmeticOverflow)));
        assert!(matches!(attestation(u64::MAX / L, i64::MAX, &LEASE, L), Err(ProgramError::ArithmeticOverflow)));
    }

    #[test]
    fn missing_epochs_are_the_whole_unproven_ones_up_to_now_or_max_end() {
        let range = |now, lease: &LeaseTimes| {
            let m = missing_epochs(now, lease, L);
            match m.is_empty() {
                true => None,
                false => Some((m.first, m.last)),
            }
        };
        // proven_until 1000: epoch 1 = [600, 1200) is partly proven, so epoch 2 = [1200, 1800) is the first.
        assert_eq!(range(1_799, &LEASE), None, "epoch 2 not over yet");
        assert_eq!(range(1_800, &LEASE), Some((2, 2)));
        assert_eq!(range(4_000, &LEASE), Some((2, 5)));
        assert_eq!(range(1_000_000, &LEASE), Some((2, 7)), "max end 5000 ends epoch 8 early: 7 is the last whole one");
        let on_boundary = LeaseTimes { proven_until: 1_200, max_end: 5_400 };
        assert_eq!(range(2_400, &on_boundary), Some((2, 3)));
        assert_eq!(range(1_000_000, &on_boundary), Some((2, 8)));
        assert_eq!(range(500, &LEASE), None, "clock before proven_until");
        assert_eq!(range(i64::MAX, &LeaseTimes { proven_until: -5, max_end: i64::MAX }), None, "a negative time proves nothing here");
        assert_eq!(range(599, &LeaseTimes { proven_until: 0, max_end: 10_000 }), None);
        assert_eq!(range(600, &LeaseTimes { proven_until: 0, max_end: 10_000 }), Some((0, 0)));
    }
}
