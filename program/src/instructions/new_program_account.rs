//! Creating one of the program's accounts at its PDA: rent-exempt, plus what it holds
//! (a host's stake, a lease's deposit), paid by `payer`.

use crate::error::{ProgramError, ProgramResult};
use crate::runtime::account::AccountView;
use crate::runtime::pubkey::Pubkey;
use crate::runtime::rent::Rent;
use crate::runtime::system_program::CreateProgramAccount;

/// (A struct, not arguments: the BPF backend takes at most five.)
pub struct NewProgramAccount<'a, 'b> {
    pub payer: &'a AccountView<'b>,
    pub account: &'a AccountView<'b>,
    pub space: usize,
    /// Lamports on top of the rent-exempt minimum.
    pub holding: u64,
    pub program_id: &'a Pubkey,
}

impl NewProgramAccount<'_, '_> {
    /// `signer` is the PDA's seeds including its bump.
    #[inline(never)]
    pub fn create(&self, signer: &[&[u8]]) -> ProgramResult {
        let space = self.space as u64;
        let rent = Rent::get()?.minimum_balance(space).ok_or(ProgramError::ArithmeticOverflow)?;
        let lamports = rent.checked_add(self.holding).ok_or(ProgramError::ArithmeticOverflow)?;
        let create = CreateProgramAccount { payer: self.payer, new_account: self.account, lamports, space, owner: self.program_id };
        create.invoke_signed(signer)
    }
}
