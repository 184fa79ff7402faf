//! The Rent sysvar and the rent-exempt minimum balance, in integer arithmetic (the
//! upstream BPF backend has no floating point; the sysvar's threshold is an f64).

use super::math::widening_mul;
use super::syscalls;
use crate::error::ProgramError;

/// Bytes of account metadata the runtime charges rent for on top of the data.
pub const ACCOUNT_STORAGE_OVERHEAD: u64 = 128;

/// The sysvar as the syscall writes it (`#[repr(C)]`: u64, f64, u8).
#[repr(C)]
pub struct Rent {
    pub lamports_per_byte_year: u64,
    /// The IEEE-754 bits of the `f64` exemption threshold (in years).
    pub exemption_threshold_bits: u64,
    pub burn_percent: u8,
}

impl Rent {
    pub fn get() -> Result<Rent, ProgramError> {
        let mut rent = Rent { lamports_per_byte_year: 0, exemption_threshold_bits: 0, burn_percent: 0 };
        // SAFETY: `Rent` has the sysvar's layout and size.
        match unsafe { syscalls::sol_get_rent_sysvar(&mut rent as *mut Rent as *mut u8) } {
            0 => Ok(rent),
            _ => Err(ProgramError::UnsupportedSysvar),
        }
    }

    /// `Rent::minimum_balance` of the Solana SDK:
    /// `((128 + data_len) * lamports_per_byte_year) as f64 * threshold` truncated.
    #[inline(always)]
    pub fn minimum_balance(&self, data_len: u64) -> Option<u64> {
        let bytes = ACCOUNT_STORAGE_OVERHEAD.checked_add(data_len)?;
        let (high, yearly) = widening_mul(bytes, self.lamports_per_byte_year);
        if high != 0 {
            return None;
        }
        mul_by_f64_floor(yearly, self.exemption_threshold_bits)
    }
}

/// `floor(value * f)` for the non-negative finite `f64` whose bits are `f_bits`,
/// computed exactly; `None` when the result does not fit in 64 bits (or `f` is
/// negative, infinite or NaN).
#[inline(always)]
pub fn mul_by_f64_floor(value: u64, f_bits: u64) -> Option<u64> {
    const FRACTION_BITS: u64 = 52;
    let biased_exponent = (f_bits >> FRACTION_BITS) & 0x7ff;
    if f_bits >> 63 != 0 || biased_exponent == 0x7ff {
        return None;
    }
    if biased_exponent == 0 {
        // Zero or subnormal (< 2^-1022): the product is below 1.
        return Some(0);
    }
    // f = mantissa * 2^shift, mantissa < 2^53.
    let mantissa = (f_bits & ((1 << FRACTION_BITS) - 1)) | (1 << FRACTION_BITS);
    let shift = biased_exponent as i64 - 1075;
    let (high, low) = widening_mul(value, mantissa);
    if shift >= 0 {
        let shift = shift as u32;
        if high != 0 || shift >= 64 || (low >> (63 - shift)) >> 1 != 0 {
            return if low == 0 && high == 0 { Some(0) } else { None };
        }
        return Some(low << shift);
    }
    let shift = shift.unsigned_abs() as u32;
    if shift >= 128 {
        return Some(0);
    }
    if shift >= 64 {
        return Some(high >> (shift - 64));
    }
    if high >> shift != 0 {
        return None;
    }
    // shift is in 1..=63 here (shift 0 is the `>= 0` branch).
    Some((low >> shift) | (high << (64 - shift)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn float_reference(value: u64, f: f64) -> u64 {
        (value as f64 * f) as u64
    }

    #[test]
    fn matches_float_math_where_it_is_exact() {
        let thresholds: [f64; 8] = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 0.25, 1024.0];
        // Products stay below 2^53, where f64 math is exact too.
        let values = [0, 1, 2, 3, 7, 1_000, 3_480, 1_000_003, (1 << 40) + 1];
        for &f in &thresholds {
            for &v in &values {
                assert_eq!(mul_by_f64_floor(v, f.to_bits()), Some(float_reference(v, f)), "{v} * {f}");
            }
        }
    }

    #[test]
    fn truncates_fractions_and_rejects_overflow_and_non_finite() {
        assert_eq!(mul_by_f64_floor(3, 0.5f64.to_bits()), Some(1));
        assert_eq!(mul_by_f64_floor(10, 0.1f64.to_bits()), Some(1));
        assert_eq!(mul_by_f64_floor(u64::MAX, 2.0f64.to_bits()), None);
        assert_eq!(mul_by_f64_floor(u64::MAX, 1.0f64.to_bits()), Some(u64::MAX));
        assert_eq!(mul_by_f64_floor(1, f64::INFINITY.to_bits()), None);
        assert_eq!(mul_by_f64_floor(1, f64::NAN.to_bits()), None);
        assert_eq!(mul_by_f64_floor(1, (-2.0f64).to_bits()), None);
        assert_eq!(mul_by_f64_floor(0, 1e300f64.to_bits()), Some(0));
    }

    #[test]
    fn minimum_balance_matches_the_default_rent() {
        // Solana's default: 3480 lamports per byte-year, 2 years.
        let rent = Rent { lamports_per_byte_year: 3_480, exemption_threshold_bits: 2.0f64.to_bits(), burn_percent: 50 };
        assert_eq!(rent.minimum_balance(0), Some(890_880));
        assert_eq!(rent.minimum_balance(291), Some((128 + 291) * 3_480 * 2));
        assert_eq!(rent.minimum_balance(u64::MAX), None);
    }
}
