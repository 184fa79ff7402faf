//! Reading the instructions sysvar account (instruction introspection). Its data, as the
//! runtime builds it for each transaction:
//!
//! ```text
//! u16                    number of instructions
//! u16 x number           offset of each instruction's record
//! per instruction        u16 account count, (u8 flags + 32-byte key) per account,
//!                        32-byte program id, u16 data length, data
//! u16 (last two bytes)   index of the instruction now executing
//! ```

use super::pubkey::Pubkey;

/// `Sysvar1nstructions1111111111111111111111111`.
pub const ID: Pubkey = Pubkey::new([
    0x06, 0xa7, 0xd5, 0x17, 0x18, 0x7b, 0xd1, 0x66, 0x35, 0xda, 0xd4, 0x04, 0x55, 0xfd, 0xc2, 0xc0,
    0xc1, 0x24, 0xc6, 0x8f, 0x21, 0x56, 0x75, 0xa5, 0xdb, 0xba, 0xcb, 0x5f, 0x08, 0x00, 0x00, 0x00,
]);

const ACCOUNT_META_LEN: usize = 33;

/// One instruction of the transaction, borrowed from the sysvar's data.
pub struct InstructionRecord<'a> {
    pub program_id: &'a [u8; 32],
    pub data: &'a [u8],
}

/// The instruction right before the one executing, or `None` when this one is the
/// first (or the data is malformed, which the runtime never produces).
#[inline(always)]
pub fn previous_instruction(sysvar: &[u8]) -> Option<InstructionRecord<'_>> {
    let current = read_u16(sysvar, sysvar.len().checked_sub(2)?)?;
    let previous = current.checked_sub(1)?;
    instruction_at(sysvar, previous)
}

/// Instruction `index` of the transaction.
#[inline(always)]
pub fn instruction_at(sysvar: &[u8], index: usize) -> Option<InstructionRecord<'_>> {
    if index >= read_u16(sysvar, 0)? {
        return None;
    }
    let start = read_u16(sysvar, 2 + 2 * index)?;
    let account_count = read_u16(sysvar, start)?;
    let program_id_at = start + 2 + ACCOUNT_META_LEN * account_count;
    let program_id = sysvar.get(program_id_at..program_id_at + 32)?;
    let data_len = read_u16(sysvar, program_id_at + 32)?;
    let data_at = program_id_at + 34;
    let data = sysvar.get(data_at..data_at + data_len)?;
    // SAFETY: `program_id` is exactly 32 bytes.
    let program_id = unsafe { &*(program_id.as_ptr() as *const [u8; 32]) };
    Some(InstructionRecord { program_id, data })
}

#[inline(always)]
fn read_u16(bytes: &[u8], at: usize) -> Option<usize> {
    let pair = bytes.get(at..at + 2)?;
    Some(u16::from_le_bytes([pair[0], pair[1]]) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Serializes like the runtime (`construct_instructions_data`): (program id, accounts, data).
    fn sysvar_data(instructions: &[([u8; 32], usize, Vec<u8>)], current: u16) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&(instructions.len() as u16).to_le_bytes());
        let offsets_at = out.len();
        out.resize(out.len() + 2 * instructions.len(), 0);
        for (i, (program_id, accounts, data)) in instructions.iter().enumerate() {
            let start = out.len() as u16;
            out[offsets_at + 2 * i..offsets_at + 2 * i + 2].copy_from_slice(&start.to_le_bytes());
            out.extend_from_slice(&(*accounts as u16).to_le_bytes());
            for a in 0..*accounts {
                out.push(1);
                out.extend_from_slice(&[a as u8; 32]);
            }
            out.extend_from_slice(program_id);
            out.extend_from_slice(&(data.len() as u16).to_le_bytes());
            out.extend_from_slice(data);
        }
        out.extend_from_slice(&current.to_le_bytes());
        out
    }

    #[test]
    fn finds_the_previous_instruction_past_account_metas() {
        let data = sysvar_data(&[([7; 32], 0, vec![1, 2, 3]), ([8; 32], 3, vec![4]), ([9; 32], 4, vec![])], 2);
        let previous = previous_instruction(&data).unwrap();
        assert_eq!((previous.program_id, previous.data), (&[8; 32], &[4u8][..]));
        let first = instruction_at(&data, 0).unwrap();
        assert_eq!((first.program_id, first.data), (&[7; 32], &[1u8, 2, 3][..]));
        assert!(instruction_at(&data, 3).is_none(), "past the last instruction");
    }

    #[test]
    fn the_first_instruction_has_no_previous_one() {
        assert!(previous_instruction(&sysvar_data(&[([7; 32], 1, vec![1])], 0)).is_none());
    }

    #[test]
    fn malformed_data_is_none_not_a_panic() {
        let good = sysvar_data(&[([7; 32], 2, vec![1, 2]), ([8; 32], 0, vec![5; 10])], 1);
        for len in 0..good.len() - 2 {
            // Truncated (keeping a "current index" of 1 at the end).
            let mut cut = good[..len].to_vec();
            cut.extend_from_slice(&1u16.to_le_bytes());
            let _ = previous_instruction(&cut);
        }
        assert!(previous_instruction(&[]).is_none());
        assert!(previous_instruction(&[1]).is_none());
    }
}
