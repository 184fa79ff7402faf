//! Parsing the entrypoint input (the aligned format of the BPF upgradeable loader):
//!
//! ```text
//! u64                       number of accounts
//! per account               a record (see `account.rs`), or for a duplicate:
//!                           u8 index of the original + 7 bytes of padding
//! u64                       instruction data length
//! [u8]                      instruction data
//! [u8; 32]                  program id (unaligned: it follows the data)
//! ```

use super::account::{self, AccountView};
use super::pubkey::Pubkey;
use crate::error::ProgramError;

/// Accounts kept per instruction; later ones are walked over but not reachable.
/// DeCloud's instructions take fewer, and this bounds the entrypoint's stack frame.
pub const MAX_ACCOUNTS: usize = 16;
const NON_DUP_MARKER: u8 = 0xff;
const DUPLICATE_RECORD_LEN: usize = 8;

/// The parsed input: account records, instruction data and program id.
pub struct Input<'a> {
    records: [*mut u8; MAX_ACCOUNTS],
    account_count: usize,
    data: &'a [u8],
    program_id: Pubkey,
}

impl<'a> Input<'a> {
    /// # Safety
    /// `input` must point at a well-formed, 8-byte aligned input region for `'a`.
    pub unsafe fn parse(input: *mut u8) -> Self {
        let account_count = *(input as *const u64) as usize;
        let mut records = [core::ptr::null_mut(); MAX_ACCOUNTS];
        let mut cursor = input.add(8);
        let mut index = 0;
        while index < account_count {
            let marker = *cursor;
            let record = if marker == NON_DUP_MARKER {
                let record = cursor;
                let data_len = *(record.add(80) as *const u64) as usize;
                cursor = record.add(account::rent_epoch_offset(data_len) + 8);
                record
            } else {
                // A duplicate names an earlier account; one past MAX_ACCOUNTS is not kept.
                cursor = cursor.add(DUPLICATE_RECORD_LEN);
                records.get(marker as usize).copied().unwrap_or(core::ptr::null_mut())
            };
            if index < MAX_ACCOUNTS {
                records[index] = record;
            }
            index += 1;
        }
        let data_len = *(cursor as *const u64) as usize;
        let data = core::slice::from_raw_parts(cursor.add(8), data_len);
        let program_id = Pubkey::from_bytes(&*(cursor.add(8 + data_len) as *const [u8; 32]));
        Self { records, account_count, data, program_id }
    }

    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    pub fn program_id(&self) -> &Pubkey {
        &self.program_id
    }

    /// How many accounts the transaction passed to the instruction.
    pub fn account_count(&self) -> usize {
        self.account_count
    }

    /// Views of the first `N` accounts; fails when the instruction got fewer.
    /// Extra accounts are allowed (Anchor's "remaining accounts").
    pub fn accounts<const N: usize>(&self) -> Result<[AccountView<'a>; N], ProgramError> {
        if N > MAX_ACCOUNTS || self.account_count < N {
            return Err(ProgramError::NotEnoughAccountKeys);
        }
        // SAFETY: the first `account_count` (capped) slots hold records parsed above.
        Ok(core::array::from_fn(|i| unsafe { AccountView::from_record(self.records[i]) }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::account::MAX_PERMITTED_DATA_INCREASE;

    struct TestAccount {
        key: u8,
        owner: u8,
        lamports: u64,
        data: Vec<u8>,
        signer: bool,
        writable: bool,
        executable: bool,
    }

    enum Entry {
        Account(TestAccount),
        DuplicateOf(u8),
    }

    /// Serializes like the upgradeable loader does.
    fn serialize(accounts: &[Entry], data: &[u8], program_id: u8) -> Vec<u64> {
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&(accounts.len() as u64).to_le_bytes());
        for account in accounts {
            match account {
                Entry::DuplicateOf(original) => bytes.extend_from_slice(&[*original, 0, 0, 0, 0, 0, 0, 0]),
                Entry::Account(a) => {
                    bytes.extend_from_slice(&[0xff, a.signer as u8, a.writable as u8, a.executable as u8, 0, 0, 0, 0]);
                    bytes.extend_from_slice(&[a.key; 32]);
                    bytes.extend_from_slice(&[a.owner; 32]);
                    bytes.extend_from_slice(&a.lamports.to_le_bytes());
                    bytes.extend_from_slice(&(a.data.len() as u64).to_le_bytes());
                    bytes.extend_from_slice(&a.data);
                    bytes.resize(bytes.len() + MAX_PERMITTED_DATA_INCREASE, 0);
                    bytes.resize((bytes.len() + 7) & !7, 0);
                    bytes.extend_from_slice(&u64::MAX.to_le_bytes());
                }
            }
        }
        bytes.extend_from_slice(&(data.len() as u64).to_le_bytes());
        bytes.extend_from_slice(data);
        bytes.extend_from_slice(&[program_id; 32]);
        bytes.resize((bytes.len() + 7) & !7, 0);
        // u64 storage keeps the buffer 8-byte aligned, as the loader's is.
        bytes.chunks(8).map(|c| u64::from_le_bytes(c.try_into().unwrap())).collect()
    }

    fn account(key: u8, data_len: usize) -> TestAccount {
        TestAccount {
            key,
            owner: key + 100,
            lamports: key as u64 * 1_000,
            data: (0..data_len).map(|i| i as u8).collect(),
            signer: matches!(key, 1 | 3),
            writable: matches!(key, 3 | 6),
            executable: key == 6,
        }
    }

    #[test]
    fn parses_accounts_duplicates_data_and_program_id() {
        // Odd data lengths exercise the 8-byte padding after the realloc room.
        let accounts = [Entry::Account(account(1, 5)), Entry::Account(account(3, 0)), Entry::DuplicateOf(0), Entry::Account(account(6, 17))];
        let mut buffer = serialize(&accounts, &[9, 8, 7], 42);
        let input = unsafe { Input::parse(buffer.as_mut_ptr() as *mut u8) };
        assert_eq!(input.account_count(), 4);
        assert_eq!(input.data(), &[9, 8, 7]);
        assert!(*input.program_id() == Pubkey::new([42; 32]));
        let [first, second, duplicate, fourth] = input.accounts::<4>().unwrap();
        assert!(*first.key() == Pubkey::new([1; 32]) && first.owner() == Pubkey::new([101; 32]));
        assert_eq!((first.lamports(), first.data(), first.is_signer(), first.is_writable()), (1_000, &[0, 1, 2, 3, 4][..], true, false));
        assert_eq!((second.data_len(), second.is_signer(), second.is_writable()), (0, true, true));
        assert!(*duplicate.key() == *first.key());
        assert_eq!(duplicate.lamports(), 1_000);
        assert_eq!((fourth.data().len(), fourth.executable(), fourth.lamports()), (17, true, 6_000));
        assert_eq!(fourth.data()[16], 16);
    }

    #[test]
    fn writes_go_to_the_input_region() {
        let mut buffer = serialize(&[Entry::Account(account(3, 4))], &[], 1);
        let input = unsafe { Input::parse(buffer.as_mut_ptr() as *mut u8) };
        let [mut view] = input.accounts::<1>().unwrap();
        view.set_lamports(77);
        view.data_mut()[3] = 0xaa;
        let again = unsafe { Input::parse(buffer.as_mut_ptr() as *mut u8) };
        let [reread] = again.accounts::<1>().unwrap();
        assert_eq!((reread.lamports(), reread.data()[3]), (77, 0xaa));
        let info = reread.to_account_info();
        assert_eq!(info.data_len, 4);
        assert_eq!(unsafe { *info.lamports }, 77);
    }

    #[test]
    fn too_few_accounts_is_not_enough_account_keys() {
        let mut buffer = serialize(&[Entry::Account(account(1, 0))], &[1], 2);
        let input = unsafe { Input::parse(buffer.as_mut_ptr() as *mut u8) };
        assert!(matches!(input.accounts::<2>(), Err(ProgramError::NotEnoughAccountKeys)));
    }

    #[test]
    fn no_accounts_and_empty_data() {
        let mut buffer = serialize(&[], &[], 5);
        let input = unsafe { Input::parse(buffer.as_mut_ptr() as *mut u8) };
        assert_eq!((input.account_count(), input.data().len()), (0, 0));
        assert!(*input.program_id() == Pubkey::new([5; 32]));
    }
}
