//! Instruction dispatch by Anchor discriminator (the first 8 bytes of the data).

pub mod initialize;

use crate::error::{ProgramError, ProgramResult};
use crate::runtime::discriminator;
use crate::runtime::input::Input;

const INITIALIZE: u64 = u64::from_le_bytes(initialize::DISCRIMINATOR);

pub fn dispatch(input: &Input) -> ProgramResult {
    let data = input.data();
    if data.len() < discriminator::LEN {
        return Err(ProgramError::InvalidInstructionData);
    }
    let mut tag = [0u8; discriminator::LEN];
    tag.copy_from_slice(&data[..discriminator::LEN]);
    let args = &data[discriminator::LEN..];
    match u64::from_le_bytes(tag) {
        INITIALIZE => initialize::process(input, args),
        _ => Err(ProgramError::UnknownInstruction),
    }
}
