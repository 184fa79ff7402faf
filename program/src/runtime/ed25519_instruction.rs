//! The data of an Ed25519 signature-verification instruction (the native precompile the
//! runtime runs before the program: a transaction with a bad signature never executes).
//!
//! ```text
//! u8                     number of signatures
//! u8                     padding
//! per signature, u16 LE: signature offset, signature instruction index,
//!                        public key offset, public key instruction index,
//!                        message offset, message size, message instruction index
//! bytes                  what the offsets point at
//! ```
//!
//! An instruction index of `u16::MAX` means "this instruction's own data"; any other
//! index makes the precompile read another instruction, which DeCloud refuses: the key
//! and message it checks must be the ones this data carries.

use super::pubkey::Pubkey;

/// `Ed25519SigVerify111111111111111111111111111`.
pub const PROGRAM_ID: Pubkey = Pubkey::new([
    0x03, 0x7d, 0x46, 0xd6, 0x7c, 0x93, 0xfb, 0xbe, 0x12, 0xf9, 0x42, 0x8f, 0x83, 0x8d, 0x40, 0xff,
    0x05, 0x70, 0x74, 0x49, 0x27, 0xf4, 0x8a, 0x64, 0xfc, 0xca, 0x70, 0x44, 0x80, 0x00, 0x00, 0x00,
]);

const OFFSETS_START: usize = 2;
const OFFSETS_LEN: usize = 14;
const THIS_INSTRUCTION: u16 = u16::MAX;
const SIGNATURE_LEN: usize = 64;
const PUBLIC_KEY_LEN: usize = 32;

/// The public key and message of a verified signature, borrowed from the instruction.
pub struct VerifiedSignature<'a> {
    pub public_key: &'a [u8; 32],
    pub message: &'a [u8],
}

/// The one signature `data` verifies, when it verifies exactly one and reads the
/// signature, key and message from its own data; `None` otherwise.
#[inline(always)]
pub fn single_inline_signature(data: &[u8]) -> Option<VerifiedSignature<'_>> {
    if *data.first()? != 1 {
        return None;
    }
    let offsets = data.get(OFFSETS_START..OFFSETS_START + OFFSETS_LEN)?;
    let field = |i: usize| u16::from_le_bytes([offsets[2 * i], offsets[2 * i + 1]]);
    let [signature_at, signature_ix, key_at, key_ix, message_at, message_len, message_ix] =
        [field(0), field(1), field(2), field(3), field(4), field(5), field(6)];
    if signature_ix != THIS_INSTRUCTION || key_ix != THIS_INSTRUCTION || message_ix != THIS_INSTRUCTION {
        return None;
    }
    data.get(signature_at as usize..signature_at as usize + SIGNATURE_LEN)?;
    let key = data.get(key_at as usize..key_at as usize + PUBLIC_KEY_LEN)?;
    let message = data.get(message_at as usize..message_at as usize + message_len as usize)?;
    // SAFETY: `key` is exactly 32 bytes.
    let public_key = unsafe { &*(key.as_ptr() as *const [u8; 32]) };
    Some(VerifiedSignature { public_key, message })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The layout `@solana/web3.js`'s `Ed25519Program.createInstructionWithPublicKey`
    /// writes: header, key at 16, signature at 48, message at 112.
    fn instruction_data(key: [u8; 32], message: &[u8], indexes: [u16; 3]) -> Vec<u8> {
        let (key_at, signature_at, message_at) = (16u16, 48u16, 112u16);
        let mut data = vec![1, 0];
        for value in [signature_at, indexes[0], key_at, indexes[1], message_at, message.len() as u16, indexes[2]] {
            data.extend_from_slice(&value.to_le_bytes());
        }
        data.extend_from_slice(&key);
        data.extend_from_slice(&[0xee; 64]);
        data.extend_from_slice(message);
        data
    }

    const INLINE: [u16; 3] = [u16::MAX; 3];

    #[test]
    fn reads_key_and_message_of_the_single_inline_signature() {
        let data = instruction_data([5; 32], b"decloud/receipt/v1 and more", INLINE);
        let signature = single_inline_signature(&data).unwrap();
        assert_eq!(signature.public_key, &[5; 32]);
        assert_eq!(signature.message, b"decloud/receipt/v1 and more");
    }

    #[test]
    fn refuses_other_counts_and_data_of_other_instructions() {
        let mut two = instruction_data([5; 32], b"m", INLINE);
        two[0] = 2;
        assert!(single_inline_signature(&two).is_none());
        let mut none = instruction_data([5; 32], b"m", INLINE);
        none[0] = 0;
        assert!(single_inline_signature(&none).is_none());
        for i in 0..3 {
            let mut indexes = INLINE;
            indexes[i] = 0;
            assert!(single_inline_signature(&instruction_data([5; 32], b"m", indexes)).is_none(), "index {i}");
        }
    }

    #[test]
    fn refuses_offsets_outside_the_data() {
        let data = instruction_data([5; 32], b"message", INLINE);
        assert!(single_inline_signature(&data[..data.len() - 1]).is_none(), "message cut short");
        assert!(single_inline_signature(&data[..10]).is_none(), "offsets cut short");
        assert!(single_inline_signature(&[]).is_none());
        let mut far = data.clone();
        far[6..8].copy_from_slice(&u16::MAX.to_le_bytes());
        assert!(single_inline_signature(&far).is_none(), "key offset past the end");
    }
}
