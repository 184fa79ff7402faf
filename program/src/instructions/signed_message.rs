//! The signed message an instruction relies on: verified by the Ed25519 program in the
//! instruction right before it (the runtime checked the signature before the program ran;
//! the program checks who signed what, through the instructions sysvar). Shared by
//! `open_lease` (the host's terms), `post_proof` (receipts, attestations) and
//! `witness_heartbeat`.

use crate::error::ProgramError;
use crate::runtime::account::AccountView;
use crate::runtime::ed25519_instruction::{self, VerifiedSignature};
use crate::runtime::instructions_sysvar;

/// The signature the Ed25519 instruction just before this one verified, or `missing` when
/// there is none (no previous instruction, another program's, several signatures, data
/// read from other instructions). `sysvar` must be the instructions sysvar.
#[inline(always)]
pub fn previous_signature<'a>(sysvar: &AccountView<'a>, missing: ProgramError) -> Result<VerifiedSignature<'a>, ProgramError> {
    if *sysvar.key() != instructions_sysvar::ID {
        return Err(ProgramError::UnsupportedSysvar);
    }
    let previous = instructions_sysvar::previous_instruction(sysvar.data()).ok_or(missing)?;
    if previous.program_id != ed25519_instruction::PROGRAM_ID.as_bytes() {
        return Err(missing);
    }
    ed25519_instruction::single_inline_signature(previous.data).ok_or(missing)
}

/// Matches a message part by part: `Message::new(m).part(a).part(b).is_exactly()` holds
/// when `m == a ++ b`.
pub struct Message<'a> {
    rest: &'a [u8],
    matches: bool,
}

impl<'a> Message<'a> {
    #[inline(always)]
    pub fn new(message: &'a [u8]) -> Self {
        Self { rest: message, matches: true }
    }

    #[inline(always)]
    pub fn part(self, expected: &[u8]) -> Self {
        match self.matches && self.rest.len() >= expected.len() && &self.rest[..expected.len()] == expected {
            true => Self { rest: &self.rest[expected.len()..], matches: true },
            false => Self { rest: &[], matches: false },
        }
    }

    /// Every part matched and nothing is left over.
    #[inline(always)]
    pub fn is_exactly(self) -> bool {
        self.matches && self.rest.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_must_be_exactly_its_parts() {
        let message = b"domain/v1keyvalue";
        assert!(Message::new(message).part(b"domain/v1").part(b"key").part(b"value").is_exactly());
        assert!(!Message::new(message).part(b"domain/v1").part(b"key").is_exactly(), "left over");
        assert!(!Message::new(message).part(b"domain/v2").part(b"key").part(b"value").is_exactly());
        assert!(!Message::new(message).part(b"domain/v1").part(b"kez").part(b"value").is_exactly());
        assert!(!Message::new(message).part(b"domain/v1").part(b"key").part(b"value!").is_exactly(), "too short");
        assert!(!Message::new(b"").part(b"x").is_exactly());
        assert!(Message::new(b"").is_exactly());
    }
}
