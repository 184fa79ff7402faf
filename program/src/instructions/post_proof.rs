//! `post_proof(proof: Proof)`: extends a lease's proven time with a signed proof, checked
//! through the Ed25519 instruction right before this one (signed_message.rs):
//!
//! - `Receipt { until }`: the lease's renter or its delegate signed
//!   `"decloud/receipt/v1" ++ lease ++ until (i64 LE)`;
//! - `Attestation { epoch }`: a witness of the config signed
//!   `"decloud/attest/v2" ++ host.operator ++ lease ++ epoch (u64 LE)`: it saw this lease's
//!   container running on this host during the epoch.
//!
//! Receipts come from wallets a host may control, so only attestations count for rewards:
//! the first attestation of an epoch credits the host one proven epoch and, unless it is
//! jailed, that epoch's reward (amounts.rs), moved from the pool into the host account.
//! Every attestation also marks its epoch as one the witnesses were alive in.
//!
//! Anyone may post (usually the host). See `protocol::coverage` for what a proof covers.
//!
//! Accounts: 0 config, 1 host (writable, `lease.host`), 2 lease (writable), 3 reward_pool
//! (writable), 4 the instructions sysvar.

use super::account_checks;
use super::signed_message::{previous_signature, Message};
use crate::error::{ProgramError, ProgramResult};
use crate::protocol::amounts::epoch_reward;
use crate::protocol::coverage::{self, Coverage, LeaseTimes};
use crate::runtime::account::AccountView;
use crate::runtime::clock::Clock;
use crate::runtime::discriminator;
use crate::runtime::input::Input;
use crate::runtime::lamports::move_lamports;
use crate::runtime::log::log;
use crate::runtime::pubkey::Pubkey;
use crate::runtime::reader::BorshReader;
use crate::runtime::rent::Rent;
use crate::state::config::Config;
use crate::state::host::{Host, HostStatus};
use crate::state::lease::Lease;
use crate::state::reward_pool::{self, RewardPool};

pub const DISCRIMINATOR: [u8; 8] = discriminator::instruction("post_proof");
pub const RECEIPT_DOMAIN: &[u8] = b"decloud/receipt/v1";
pub const ATTESTATION_DOMAIN: &[u8] = b"decloud/attest/v2";

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
    let [config, mut host_account, lease_account, mut pool_account, instructions] = input.accounts::<5>()?;
    account_checks::writable(&host_account)?;
    account_checks::writable(&lease_account)?;
    account_checks::writable(&pool_account)?;
    let program_id = input.program_id();
    let config = Config::from_account(&config, program_id)?;
    let mut host = Host::from_account(&host_account, program_id)?;
    let mut lease = Lease::from_account(&lease_account, program_id)?;
    let mut pool = RewardPool::from_account(&pool_account, program_id)?;
    account_checks::is(&host_account, &lease.host(), ProgramError::LeaseHostMismatch)?;
    let signature = previous_signature(&instructions, ProgramError::ProofMissing)?;

    let now = Clock::get()?.unix_timestamp;
    let times = LeaseTimes { proven_until: lease.proven_until(), max_end: lease.max_end() };
    let epoch_secs = config.proof_epoch_secs();
    match proof {
        Proof::Receipt { until } => {
            if !signed_for_renter(signature.public_key, &lease) {
                return Err(ProgramError::ProofInvalid);
            }
            let signed = Message::new(signature.message).part(RECEIPT_DOMAIN).part(lease_account.key().as_bytes()).part(&until.to_le_bytes());
            if !signed.is_exactly() {
                return Err(ProgramError::ProofInvalid);
            }
            let covered = coverage::receipt(until, now, &times, epoch_secs)?;
            record(&mut lease, &covered)?;
            host.note_proof_at(now);
            Ok(())
        }
        Proof::Attestation { epoch } => {
            if !config.is_witness(signature.public_key, now) {
                return Err(ProgramError::NotWitness);
            }
            let signed = Message::new(signature.message)
                .part(ATTESTATION_DOMAIN)
                .part(host.operator().as_bytes())
                .part(lease_account.key().as_bytes())
                .part(&epoch.to_le_bytes());
            if !signed.is_exactly() {
                return Err(ProgramError::ProofInvalid);
            }
            let covered = coverage::attestation(epoch, now, &times, epoch_secs)?;
            record(&mut lease, &covered)?;
            pool.mark_alive(epoch);
            let counted = host.record_attested_epoch(epoch, now)?;
            match counted && host.status()? != HostStatus::Jailed {
                true => reward(&config, &mut pool_account, &mut pool, &mut host_account, &mut host),
                false => Ok(()),
            }
        }
    }
}

/// The renter or, when the lease names one, its delegate.
#[inline(always)]
fn signed_for_renter(signer: &[u8; 32], lease: &Lease) -> bool {
    let delegate = lease.delegate();
    signer == lease.renter().as_bytes() || (delegate != Pubkey::new([0; 32]) && signer == delegate.as_bytes())
}

#[inline(always)]
fn record(lease: &mut Lease, covered: &Coverage) -> ProgramResult {
    lease.record_proven(covered.secs()?, covered.to)
}

/// One attested epoch's reward, from the pool into the host account (payable to the owner).
#[inline(never)]
fn reward(config: &Config, pool_account: &mut AccountView, pool: &mut RewardPool, host_account: &mut AccountView, host: &mut Host) -> ProgramResult {
    let rent = Rent::get()?.minimum_balance(reward_pool::LEN as u64).ok_or(ProgramError::ArithmeticOverflow)?;
    let available = pool_account.lamports().saturating_sub(rent);
    let amount = epoch_reward(available, config.epoch_reward(), config.reward_bps());
    if amount == 0 {
        return Ok(());
    }
    move_lamports(pool_account, host_account, amount)?;
    host.add_reward(amount)?;
    pool.add_rewarded(amount)
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
}
