//! `post_proof(proof: Proof)`: extends a lease's proven time with a signed proof, checked
//! through the Ed25519 instruction right before this one (the runtime verified its
//! signature before the program ran; the program checks who signed what):
//!
//! - `Receipt { until }`: the lease's renter signed `"decloud/receipt/v1" ++ lease ++ until (i64 LE)`;
//! - `Attestation { epoch }`: a config witness signed `"decloud/attest/v1" ++ host.operator ++ epoch (u64 LE)`.
//!
//! Anyone may post (usually the host). See `protocol::coverage` for what a proof covers.
//!
//! Accounts: 0 config, 1 host (writable, `lease.host`), 2 lease (writable), 3 the
//! instructions sysvar.

use super::account_checks;
use crate::error::{ProgramError, ProgramResult};
use crate::protocol::coverage::{self, LeaseTimes};
use crate::runtime::clock::Clock;
use crate::runtime::discriminator;
use crate::runtime::ed25519_instruction::{self, VerifiedSignature};
use crate::runtime::input::Input;
use crate::runtime::instructions_sysvar;
use crate::runtime::log::log;
use crate::runtime::reader::BorshReader;
use crate::state::config::Config;
use crate::state::host::Host;
use crate::state::lease::Lease;

pub const DISCRIMINATOR: [u8; 8] = discriminator::instruction("post_proof");
pub const RECEIPT_DOMAIN: &[u8] = b"decloud/receipt/v1";
pub const ATTESTATION_DOMAIN: &[u8] = b"decloud/attest/v1";

/// The IDL's `Proof` enum (borsh: a u8 variant index, then the variant's field).
enum Proof {
    Receipt { until: i64 },
    Attestation { epoch: u64 },
}

#[inline(always)]
fn decode_args(args: &[u8]) -> Result<Proof, ProgramError> {
    let mut reader = BorshReader::new(args);
    let proof = match reader.read_u8()? {
        0 => Proof::Receipt { until: reader.read_i64()? },
        1 => Proof::Attestation { epoch: reader.read_u64()? },
        _ => return Err(ProgramError::InvalidInstructionData),
    };
    reader.finish()?;
    Ok(proof)
}

#[inline(never)]
pub fn process(input: &Input, args: &[u8]) -> ProgramResult {
    log("Instruction: PostProof");
    let proof = decode_args(args)?;
    let [config, host_account, lease_account, instructions] = input.accounts::<4>()?;
    account_checks::writable(&host_account)?;
    account_checks::writable(&lease_account)?;
    let program_id = input.program_id();
    let config = Config::from_account(&config, program_id)?;
    let mut host = Host::from_account(&host_account, program_id)?;
    let mut lease = Lease::from_account(&lease_account, program_id)?;
    account_checks::is(&host_account, &lease.host(), ProgramError::LeaseHostMismatch)?;
    if *instructions.key() != instructions_sysvar::ID {
        return Err(ProgramError::UnsupportedSysvar);
    }
    let signature = previous_signature(instructions.data()).ok_or(ProgramError::ProofMissing)?;

    let now = Clock::get()?.unix_timestamp;
    let times = LeaseTimes { proven_until: lease.proven_until(), max_end: lease.max_end() };
    let epoch_secs = config.proof_epoch_secs();
    let covered = match proof {
        Proof::Receipt { until } => {
            if signature.public_key != lease.renter().as_bytes() {
                return Err(ProgramError::ProofInvalid);
            }
            check_message(signature.message, RECEIPT_DOMAIN, lease_account.key().as_bytes(), &until.to_le_bytes())?;
            coverage::receipt(until, now, &times, epoch_secs)?
        }
        Proof::Attestation { epoch } => {
            if !config.is_witness(signature.public_key) {
                return Err(ProgramError::NotWitness);
            }
            check_message(signature.message, ATTESTATION_DOMAIN, host.operator().as_bytes(), &epoch.to_le_bytes())?;
            coverage::attestation(epoch, now, &times, epoch_secs)?
        }
    };
    lease.record_proven(covered.secs()?, covered.to)?;
    host.record_proof(covered.epoch, now)
}

/// The signature the Ed25519 instruction just before this one verified.
#[inline(always)]
fn previous_signature(sysvar: &[u8]) -> Option<VerifiedSignature<'_>> {
    let previous = instructions_sysvar::previous_instruction(sysvar)?;
    if previous.program_id != ed25519_instruction::PROGRAM_ID.as_bytes() {
        return None;
    }
    ed25519_instruction::single_inline_signature(previous.data)
}

/// `message == domain ++ key ++ value`, or ProofInvalid. (Inlined: six arguments.)
#[inline(always)]
fn check_message(message: &[u8], domain: &[u8], key: &[u8; 32], value: &[u8; 8]) -> ProgramResult {
    let (key_at, value_at) = (domain.len(), domain.len() + 32);
    let matches = message.len() == value_at + 8
        && &message[..key_at] == domain
        && &message[key_at..value_at] == key
        && &message[value_at..] == value;
    match matches {
        true => Ok(()),
        false => Err(ProgramError::ProofInvalid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_both_proof_variants_and_nothing_else() {
        let mut receipt = vec![0];
        receipt.extend_from_slice(&(-5i64).to_le_bytes());
        assert!(matches!(decode_args(&receipt), Ok(Proof::Receipt { until: -5 })));
        let mut attestation = vec![1];
        attestation.extend_from_slice(&7u64.to_le_bytes());
        assert!(matches!(decode_args(&attestation), Ok(Proof::Attestation { epoch: 7 })));
        let mut unknown = attestation.clone();
        unknown[0] = 2;
        assert!(matches!(decode_args(&unknown), Err(ProgramError::InvalidInstructionData)));
        assert!(matches!(decode_args(&attestation[..8]), Err(ProgramError::InvalidInstructionData)));
        attestation.push(0);
        assert!(matches!(decode_args(&attestation), Err(ProgramError::InvalidInstructionData)));
    }

    #[test]
    fn a_message_must_be_exactly_domain_key_value() {
        let key = [4u8; 32];
        let value = 9u64.to_le_bytes();
        let mut message = RECEIPT_DOMAIN.to_vec();
        message.extend_from_slice(&key);
        message.extend_from_slice(&value);
        assert_eq!(check_message(&message, RECEIPT_DOMAIN, &key, &value), Ok(()));
        assert_eq!(check_message(&message, ATTESTATION_DOMAIN, &key, &value), Err(ProgramError::ProofInvalid));
        assert_eq!(check_message(&message, RECEIPT_DOMAIN, &[5; 32], &value), Err(ProgramError::ProofInvalid));
        assert_eq!(check_message(&message, RECEIPT_DOMAIN, &key, &8u64.to_le_bytes()), Err(ProgramError::ProofInvalid));
        assert_eq!(check_message(&message[..message.len() - 1], RECEIPT_DOMAIN, &key, &value), Err(ProgramError::ProofInvalid));
        message.push(0);
        assert_eq!(check_message(&message, RECEIPT_DOMAIN, &key, &value), Err(ProgramError::ProofInvalid));
    }
}
