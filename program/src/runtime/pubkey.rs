//! Account addresses.

/// A 32-byte account address. 8-byte aligned (like every key in the input region), so
/// equality is four word compares instead of a `memcmp` call.
#[derive(Clone, Copy)]
#[cfg_attr(test, derive(Debug))]
#[repr(C, align(8))]
pub struct Pubkey(pub [u8; 32]);

impl Pubkey {
    pub const LEN: usize = 32;

    pub const fn new(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Copies an address out of unaligned bytes (account data, instruction data).
    #[inline(always)]
    pub fn from_bytes(bytes: &[u8; 32]) -> Self {
        Self(*bytes)
    }

    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    #[inline(always)]
    fn words(&self) -> &[u64; 4] {
        // SAFETY: same size, and `Pubkey` is 8-byte aligned.
        unsafe { &*(self.0.as_ptr() as *const [u64; 4]) }
    }
}

impl PartialEq for Pubkey {
    #[inline(always)]
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.words(), other.words());
        a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3]
    }
}

impl Eq for Pubkey {}
