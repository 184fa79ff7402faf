//! CPIs to the System Program (its instructions are a little-endian u32 tag + fields).

use super::account::AccountView;
use super::cpi::{invoke_signed, Instruction};
use super::pubkey::Pubkey;
use super::syscalls::SolAccountMeta;
use crate::error::{ProgramError, ProgramResult};

/// `11111111111111111111111111111111`.
pub const ID: Pubkey = Pubkey::new([0; 32]);

const CREATE_ACCOUNT: u32 = 0;
const ASSIGN: u32 = 1;
const TRANSFER: u32 = 2;
const ALLOCATE: u32 = 8;

/// Checks that `account` is the System Program.
pub fn check_id(account: &AccountView) -> ProgramResult {
    match *account.key() == ID {
        true => Ok(()),
        false => Err(ProgramError::IncorrectProgramId),
    }
}

/// `create_account`: `payer` funds a new, empty, system-owned `new_account`.
pub struct CreateAccount<'a, 'b> {
    pub payer: &'a AccountView<'b>,
    pub new_account: &'a AccountView<'b>,
    pub lamports: u64,
    pub space: u64,
    pub owner: &'a Pubkey,
}

impl CreateAccount<'_, '_> {
    pub fn invoke_signed(&self, signers: &[&[&[u8]]]) -> ProgramResult {
        let mut data = [0u8; 52];
        data[..4].copy_from_slice(&CREATE_ACCOUNT.to_le_bytes());
        data[4..12].copy_from_slice(&self.lamports.to_le_bytes());
        data[12..20].copy_from_slice(&self.space.to_le_bytes());
        data[20..52].copy_from_slice(self.owner.as_bytes());
        let metas = [SolAccountMeta::new(self.payer, true, true), SolAccountMeta::new(self.new_account, true, true)];
        let infos = [self.payer.to_account_info(), self.new_account.to_account_info()];
        invoke_signed(&Instruction { program_id: &ID, accounts: &metas, data: &data }, &infos, signers)
    }
}

/// `transfer`: moves lamports out of a system-owned `from` that signs.
pub struct Transfer<'a, 'b> {
    pub from: &'a AccountView<'b>,
    pub to: &'a AccountView<'b>,
    pub lamports: u64,
}

impl Transfer<'_, '_> {
    pub fn invoke_signed(&self, signers: &[&[&[u8]]]) -> ProgramResult {
        let mut data = [0u8; 12];
        data[..4].copy_from_slice(&TRANSFER.to_le_bytes());
        data[4..12].copy_from_slice(&self.lamports.to_le_bytes());
        let metas = [SolAccountMeta::new(self.from, true, true), SolAccountMeta::new(self.to, true, false)];
        let infos = [self.from.to_account_info(), self.to.to_account_info()];
        invoke_signed(&Instruction { program_id: &ID, accounts: &metas, data: &data }, &infos, signers)
    }
}

/// `allocate`: gives a system-owned, signing `account` `space` zeroed bytes.
pub struct Allocate<'a, 'b> {
    pub account: &'a AccountView<'b>,
    pub space: u64,
}

impl Allocate<'_, '_> {
    pub fn invoke_signed(&self, signers: &[&[&[u8]]]) -> ProgramResult {
        let mut data = [0u8; 12];
        data[..4].copy_from_slice(&ALLOCATE.to_le_bytes());
        data[4..12].copy_from_slice(&self.space.to_le_bytes());
        let metas = [SolAccountMeta::new(self.account, true, true)];
        let infos = [self.account.to_account_info()];
        invoke_signed(&Instruction { program_id: &ID, accounts: &metas, data: &data }, &infos, signers)
    }
}

/// `assign`: hands a system-owned, signing `account` to `owner`.
pub struct Assign<'a, 'b> {
    pub account: &'a AccountView<'b>,
    pub owner: &'a Pubkey,
}

impl Assign<'_, '_> {
    pub fn invoke_signed(&self, signers: &[&[&[u8]]]) -> ProgramResult {
        let mut data = [0u8; 36];
        data[..4].copy_from_slice(&ASSIGN.to_le_bytes());
        data[4..36].copy_from_slice(self.owner.as_bytes());
        let metas = [SolAccountMeta::new(self.account, true, true)];
        let infos = [self.account.to_account_info()];
        invoke_signed(&Instruction { program_id: &ID, accounts: &metas, data: &data }, &infos, signers)
    }
}

/// A program-owned account at a program address, created the way Anchor's `init`
/// does: with `create_account` when the address is empty, and with transfer +
/// allocate + assign when someone already sent lamports to it (so a stray transfer
/// cannot block the creation).
pub struct CreateProgramAccount<'a, 'b> {
    pub payer: &'a AccountView<'b>,
    pub new_account: &'a AccountView<'b>,
    /// The balance the account gets: its rent-exempt minimum plus what it holds on top
    /// (a stake, a deposit). Lamports already there count towards it.
    pub lamports: u64,
    pub space: u64,
    pub owner: &'a Pubkey,
}

impl CreateProgramAccount<'_, '_> {
    /// `signer` is the new account's seeds including its bump.
    pub fn invoke_signed(&self, signer: &[&[u8]]) -> ProgramResult {
        let current = self.new_account.lamports();
        if current == 0 {
            let create = CreateAccount {
                payer: self.payer,
                new_account: self.new_account,
                lamports: self.lamports,
                space: self.space,
                owner: self.owner,
            };
            return create.invoke_signed(&[signer]);
        }
        if current < self.lamports {
            Transfer { from: self.payer, to: self.new_account, lamports: self.lamports - current }.invoke_signed(&[])?;
        }
        Allocate { account: self.new_account, space: self.space }.invoke_signed(&[signer])?;
        Assign { account: self.new_account, owner: self.owner }.invoke_signed(&[signer])
    }
}
