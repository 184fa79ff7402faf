//! Checked unsigned arithmetic the upstream BPF backend can compile: `u64::checked_mul`
//! lowers to a 128-bit multiply (`__multi3`), which it cannot call.

/// The 128-bit product of `a` and `b` as (high, low) words, from 32-bit limbs.
#[inline(always)]
pub fn widening_mul(a: u64, b: u64) -> (u64, u64) {
    const LOW: u64 = 0xffff_ffff;
    let (a1, a0, b1, b0) = (a >> 32, a & LOW, b >> 32, b & LOW);
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    let middle = (p00 >> 32) + (p01 & LOW) + (p10 & LOW);
    let low = (p00 & LOW) | (middle << 32);
    let high = p11 + (p01 >> 32) + (p10 >> 32) + (middle >> 32);
    (high, low)
}

/// `a * b`, or `None` when it does not fit in 64 bits.
#[inline(always)]
pub fn checked_mul(a: u64, b: u64) -> Option<u64> {
    match widening_mul(a, b) {
        (0, low) => Some(low),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widening_mul_matches_u128() {
        let samples = [0, 1, 2, 3, 0xffff_ffff, 0x1_0000_0000, 0xdead_beef_1234_5678, u64::MAX - 1, u64::MAX];
        for &a in &samples {
            for &b in &samples {
                let wide = (a as u128) * (b as u128);
                assert_eq!(widening_mul(a, b), ((wide >> 64) as u64, wide as u64), "{a} * {b}");
                assert_eq!(checked_mul(a, b), a.checked_mul(b), "{a} * {b}");
            }
        }
    }
}
