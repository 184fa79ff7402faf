//! Zero-copy views of the accounts in the entrypoint input.
//!
//! A non-duplicate account record of the aligned input format (all offsets from the
//! record start, which is 8-byte aligned):
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0  | 1  | duplicate marker: `0xff` (a duplicate holds the original's index instead) |
//! | 1  | 1  | is_signer |
//! | 2  | 1  | is_writable |
//! | 3  | 1  | executable |
//! | 4  | 4  | padding |
//! | 8  | 32 | key |
//! | 40 | 32 | owner |
//! | 72 | 8  | lamports |
//! | 80 | 8  | data length (updated by the runtime after a CPI) |
//! | 88 | n  | data, then 10 KiB of realloc room, padding to 8, rent epoch (u64) |

use core::marker::PhantomData;

use super::pubkey::Pubkey;
use super::syscalls::SolAccountInfo;

const IS_SIGNER: usize = 1;
const IS_WRITABLE: usize = 2;
const EXECUTABLE: usize = 3;
const KEY: usize = 8;
const OWNER: usize = 40;
const LAMPORTS: usize = 72;
const DATA_LEN: usize = 80;
pub(crate) const DATA: usize = 88;
/// Room the loader leaves after the data so an instruction may grow the account.
pub const MAX_PERMITTED_DATA_INCREASE: usize = 10 * 1024;

/// Bytes from a record's start to its rent epoch, for the data length at entry.
pub(crate) const fn rent_epoch_offset(original_data_len: usize) -> usize {
    (DATA + original_data_len + MAX_PERMITTED_DATA_INCREASE + 7) & !7
}

/// One account of the instruction, read and written in place in the input region.
/// Two views may alias when the transaction passed the same account twice: handlers
/// that write through two views check that their keys differ.
pub struct AccountView<'a> {
    record: *mut u8,
    _input: PhantomData<&'a mut [u8]>,
}

impl<'a> AccountView<'a> {
    /// # Safety
    /// `record` must point at a non-duplicate account record that lives for `'a`.
    pub(crate) unsafe fn from_record(record: *mut u8) -> Self {
        Self { record, _input: PhantomData }
    }

    #[inline(always)]
    fn byte(&self, offset: usize) -> u8 {
        // SAFETY: offsets are inside the record header.
        unsafe { *self.record.add(offset) }
    }

    #[inline(always)]
    fn word(&self, offset: usize) -> u64 {
        // SAFETY: 8-aligned offset inside the record header.
        unsafe { *(self.record.add(offset) as *const u64) }
    }

    #[inline(always)]
    pub fn key(&self) -> &'a Pubkey {
        // SAFETY: the key is 8-aligned inside the record.
        unsafe { &*(self.record.add(KEY) as *const Pubkey) }
    }

    /// The owner, read now: a CPI (e.g. `assign`) may change it.
    #[inline(always)]
    pub fn owner(&self) -> Pubkey {
        // SAFETY: the owner is 8-aligned inside the record.
        unsafe { *(self.record.add(OWNER) as *const Pubkey) }
    }

    pub fn is_owned_by(&self, program: &Pubkey) -> bool {
        self.owner() == *program
    }

    pub fn is_signer(&self) -> bool {
        self.byte(IS_SIGNER) != 0
    }

    pub fn is_writable(&self) -> bool {
        self.byte(IS_WRITABLE) != 0
    }

    pub fn executable(&self) -> bool {
        self.byte(EXECUTABLE) != 0
    }

    pub fn lamports(&self) -> u64 {
        self.word(LAMPORTS)
    }

    /// Sets the balance; the runtime rejects the instruction unless the account is
    /// writable, owned by this program (for debits) and lamports are conserved.
    pub fn set_lamports(&mut self, lamports: u64) {
        // SAFETY: 8-aligned offset inside the record header.
        unsafe { *(self.record.add(LAMPORTS) as *mut u64) = lamports }
    }

    /// Closes this program-owned account for good: no lamports (move them out first), no data,
    /// owned by the System Program. The runtime deletes it at the end of the transaction; a
    /// transfer in the same transaction leaves a plain empty system account, never a
    /// program account with zeroed data.
    pub fn close_to_system(&mut self, system_program: &Pubkey) {
        // SAFETY: 8-aligned offsets inside the record header; the runtime reads the owner and
        // data length back from here, and accepts shrinking and an owner change of empty data.
        unsafe {
            *(self.record.add(DATA_LEN) as *mut u64) = 0;
            *(self.record.add(OWNER) as *mut Pubkey) = *system_program;
        }
    }

    pub fn data_len(&self) -> usize {
        self.word(DATA_LEN) as usize
    }

    #[inline(always)]
    pub fn data(&self) -> &'a [u8] {
        // SAFETY: the loader placed `data_len` bytes at DATA.
        unsafe { core::slice::from_raw_parts(self.record.add(DATA), self.data_len()) }
    }

    /// Where the data starts (8-byte aligned), for the typed views in `state/`.
    #[inline(always)]
    pub(crate) fn data_ptr(&self) -> *mut u8 {
        // SAFETY: DATA is inside the record.
        unsafe { self.record.add(DATA) }
    }

    #[inline(always)]
    pub fn data_mut(&mut self) -> &mut [u8] {
        // SAFETY: as `data`; `&mut self` keeps this view's borrows exclusive.
        unsafe { core::slice::from_raw_parts_mut(self.record.add(DATA), self.data_len()) }
    }

    /// The C-ABI account info for a CPI, pointing into this record so the runtime
    /// writes the callee's changes back where the views read them.
    pub fn to_account_info(&self) -> SolAccountInfo {
        // SAFETY: all offsets are inside the record.
        unsafe {
            SolAccountInfo {
                key: self.record.add(KEY) as *const Pubkey,
                lamports: self.record.add(LAMPORTS) as *mut u64,
                data_len: self.data_len() as u64,
                data: self.record.add(DATA),
                owner: self.record.add(OWNER) as *const Pubkey,
                // Not read by the runtime's CPI; the record's copy stays authoritative.
                rent_epoch: 0,
                is_signer: self.is_signer(),
                is_writable: self.is_writable(),
                executable: self.executable(),
            }
        }
    }
}
