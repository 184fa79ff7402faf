//! In-place access to fixed-offset little-endian fields of an account's data.
//!
//! The typed views (`Host`, `Lease`, `RewardPool`) keep a raw pointer to the data instead
//! of a `&mut [u8]`: a handler reads and writes several accounts (and moves their
//! lamports) in any order, and raw pointers let those views coexist without aliasing
//! `&mut` borrows. Each view checks the data length once, when it is made; its field
//! offsets are constants inside that length.

use core::marker::PhantomData;

use crate::runtime::account::AccountView;
use crate::runtime::pubkey::Pubkey;
use crate::error::ProgramError;

/// `len` bytes of account data at `ptr`, valid for reads and writes for `'a`.
#[derive(Clone, Copy)]
pub struct Fields<'a> {
    ptr: *mut u8,
    len: usize,
    _data: PhantomData<&'a mut [u8]>,
}

impl<'a> Fields<'a> {
    /// The data of a program account of type `discriminator` and exactly `len` bytes:
    /// owner first (WrongAccountOwner), then size (InvalidAccountData), then type
    /// (InvalidDiscriminator).
    #[inline(never)]
    pub fn of_program_account(
        account: &AccountView<'a>,
        program_id: &Pubkey,
        discriminator: &[u8; 8],
        len: usize,
    ) -> Result<Self, ProgramError> {
        if !account.is_owned_by(program_id) {
            return Err(ProgramError::WrongAccountOwner);
        }
        Self::checked(account.data_ptr(), account.data_len(), discriminator, len)
    }

    /// The data in `bytes` (unit tests build accounts in plain buffers).
    pub fn of_bytes(bytes: &'a mut [u8], discriminator: &[u8; 8], len: usize) -> Result<Self, ProgramError> {
        Self::checked(bytes.as_mut_ptr(), bytes.len(), discriminator, len)
    }

    /// Without the discriminator check: for writing a new account's first bytes.
    pub fn of_new_account(account: &AccountView<'a>, len: usize) -> Result<Self, ProgramError> {
        match account.data_len() == len {
            true => Ok(Self { ptr: account.data_ptr(), len, _data: PhantomData }),
            false => Err(ProgramError::InvalidAccountData),
        }
    }

    fn checked(ptr: *mut u8, actual_len: usize, discriminator: &[u8; 8], len: usize) -> Result<Self, ProgramError> {
        if actual_len != len {
            return Err(ProgramError::InvalidAccountData);
        }
        let fields = Self { ptr, len, _data: PhantomData };
        match fields.bytes::<8>(0) == discriminator {
            true => Ok(fields),
            false => Err(ProgramError::InvalidDiscriminator),
        }
    }

    /// `N` bytes at `offset`. Offsets are the views' constants, inside `len`.
    #[inline(always)]
    pub fn bytes<const N: usize>(&self, offset: usize) -> &'a [u8; N] {
        debug_assert!(offset + N <= self.len);
        // SAFETY: inside the checked length; `[u8; N]` has alignment 1.
        unsafe { &*(self.ptr.add(offset) as *const [u8; N]) }
    }

    #[inline(always)]
    pub fn set_bytes<const N: usize>(&mut self, offset: usize, value: &[u8; N]) {
        debug_assert!(offset + N <= self.len);
        // SAFETY: as `bytes`; the source is a different allocation (a value or a key).
        unsafe { core::ptr::copy_nonoverlapping(value.as_ptr(), self.ptr.add(offset), N) }
    }

    #[inline(always)]
    pub fn u8(&self, offset: usize) -> u8 {
        self.bytes::<1>(offset)[0]
    }

    #[inline(always)]
    pub fn set_u8(&mut self, offset: usize, value: u8) {
        self.set_bytes(offset, &[value]);
    }

    #[inline(always)]
    pub fn u32(&self, offset: usize) -> u32 {
        u32::from_le_bytes(*self.bytes(offset))
    }

    #[inline(always)]
    pub fn set_u32(&mut self, offset: usize, value: u32) {
        self.set_bytes(offset, &value.to_le_bytes());
    }

    #[inline(always)]
    pub fn u64(&self, offset: usize) -> u64 {
        u64::from_le_bytes(*self.bytes(offset))
    }

    #[inline(always)]
    pub fn set_u64(&mut self, offset: usize, value: u64) {
        self.set_bytes(offset, &value.to_le_bytes());
    }

    #[inline(always)]
    pub fn i64(&self, offset: usize) -> i64 {
        i64::from_le_bytes(*self.bytes(offset))
    }

    #[inline(always)]
    pub fn set_i64(&mut self, offset: usize, value: i64) {
        self.set_bytes(offset, &value.to_le_bytes());
    }

    #[inline(always)]
    pub fn pubkey(&self, offset: usize) -> Pubkey {
        Pubkey::from_bytes(self.bytes(offset))
    }

    /// Zeroes `offset..len` (a new account's fields after the ones written).
    #[inline(always)]
    pub fn zero_from(&mut self, offset: usize) {
        // SAFETY: inside the checked length.
        unsafe { core::ptr::write_bytes(self.ptr.add(offset), 0, self.len - offset) }
    }
}
