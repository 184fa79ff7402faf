//! A borsh reader over instruction data (little-endian, no padding). Every failure is
//! `InstructionDidNotDeserialize`, Anchor's error for malformed arguments.

use super::pubkey::Pubkey;
use crate::error::{ProgramError, ProgramResult};

pub struct BorshReader<'a> {
    data: &'a [u8],
    offset: usize,
}

impl<'a> BorshReader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Self { data, offset: 0 }
    }

    #[inline(always)]
    fn take<const N: usize>(&mut self) -> Result<&'a [u8; N], ProgramError> {
        let end = self.offset.checked_add(N).ok_or(ProgramError::InvalidInstructionData)?;
        let bytes = self.data.get(self.offset..end).ok_or(ProgramError::InvalidInstructionData)?;
        self.offset = end;
        // SAFETY: `bytes` is exactly N long.
        Ok(unsafe { &*(bytes.as_ptr() as *const [u8; N]) })
    }

    #[inline(always)]
    pub fn read_u8(&mut self) -> Result<u8, ProgramError> {
        Ok(self.take::<1>()?[0])
    }

    #[inline(always)]
    pub fn read_u16(&mut self) -> Result<u16, ProgramError> {
        Ok(u16::from_le_bytes(*self.take::<2>()?))
    }

    #[inline(always)]
    pub fn read_u32(&mut self) -> Result<u32, ProgramError> {
        Ok(u32::from_le_bytes(*self.take::<4>()?))
    }

    #[inline(always)]
    pub fn read_u64(&mut self) -> Result<u64, ProgramError> {
        Ok(u64::from_le_bytes(*self.take::<8>()?))
    }

    #[inline(always)]
    pub fn read_i64(&mut self) -> Result<i64, ProgramError> {
        Ok(i64::from_le_bytes(*self.take::<8>()?))
    }

    /// A fixed-size byte array (`[u8; N]` in the IDL), borrowed from the data.
    #[inline(always)]
    pub fn read_bytes<const N: usize>(&mut self) -> Result<&'a [u8; N], ProgramError> {
        self.take::<N>()
    }

    #[inline(always)]
    pub fn read_pubkey(&mut self) -> Result<Pubkey, ProgramError> {
        Ok(Pubkey::from_bytes(self.take::<32>()?))
    }

    /// Fails unless every byte was read (Anchor ignores trailing bytes; DeCloud does not).
    pub fn finish(&self) -> ProgramResult {
        match self.offset == self.data.len() {
            true => Ok(()),
            false => Err(ProgramError::InvalidInstructionData),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_little_endian_fields_in_order() {
        let mut data = vec![7u8];
        data.extend_from_slice(&0xbeefu16.to_le_bytes());
        data.extend_from_slice(&0xdead_beefu32.to_le_bytes());
        data.extend_from_slice(&0x0102_0304_0506_0708u64.to_le_bytes());
        data.extend_from_slice(&[9u8; 32]);
        data.extend_from_slice(&(-2i64).to_le_bytes());
        data.extend_from_slice(&[1, 2, 3]);
        let mut reader = BorshReader::new(&data);
        assert_eq!(reader.read_u8(), Ok(7));
        assert_eq!(reader.read_u16(), Ok(0xbeef));
        assert_eq!(reader.read_u32(), Ok(0xdead_beef));
        assert_eq!(reader.read_u64(), Ok(0x0102_0304_0506_0708));
        assert!(reader.read_pubkey() == Ok(Pubkey::new([9; 32])));
        assert_eq!(reader.read_i64(), Ok(-2));
        assert_eq!(reader.read_bytes::<3>(), Ok(&[1, 2, 3]));
        assert_eq!(reader.finish(), Ok(()));
        assert_eq!(reader.read_u8(), Err(ProgramError::InvalidInstructionData));
    }

    #[test]
    fn short_and_trailing_input_fail() {
        assert_eq!(BorshReader::new(&[1, 2, 3]).read_u32(), Err(ProgramError::InvalidInstructionData));
        let mut reader = BorshReader::new(&[1, 2, 3]);
        assert_eq!(reader.read_u16(), Ok(0x0201));
        assert_eq!(reader.finish(), Err(ProgramError::InvalidInstructionData));
    }
}
