//! Program-derived addresses.

use super::pubkey::Pubkey;
use super::syscalls::{self, SolBytes};
use crate::error::ProgramError;

/// An address derived from seeds, with the bump seed that made it fall off the curve.
pub struct ProgramAddress {
    pub key: Pubkey,
    pub bump: u8,
}

/// The canonical (highest-bump) program address for `seeds` (~1,500 CU per try).
pub fn find_program_address(seeds: &[&[u8]], program_id: &Pubkey) -> Result<ProgramAddress, ProgramError> {
    let mut address = ProgramAddress { key: Pubkey::new([0; 32]), bump: 0 };
    // SAFETY: `&[&[u8]]` has the layout of `[SolBytes]`; outputs are valid for writes.
    let status = unsafe {
        syscalls::sol_try_find_program_address(
            seeds.as_ptr() as *const SolBytes,
            seeds.len() as u64,
            program_id,
            &mut address.key,
            &mut address.bump,
        )
    };
    match status {
        0 => Ok(address),
        _ => Err(ProgramError::InvalidSeeds),
    }
}

/// The program address for `seeds` including the bump (cheaper than finding it).
pub fn create_program_address(seeds: &[&[u8]], program_id: &Pubkey) -> Result<Pubkey, ProgramError> {
    let mut key = Pubkey::new([0; 32]);
    // SAFETY: as above.
    let status = unsafe {
        syscalls::sol_create_program_address(seeds.as_ptr() as *const SolBytes, seeds.len() as u64, program_id, &mut key)
    };
    match status {
        0 => Ok(key),
        _ => Err(ProgramError::InvalidSeeds),
    }
}
