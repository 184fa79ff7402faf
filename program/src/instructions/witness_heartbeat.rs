//! `witness_heartbeat(epoch: u64)`: a witness of the config signed
//! `"decloud/alive/v1" ++ epoch (u64 LE)` (Ed25519 instruction right before this one) once
//! the epoch ended: the witnesses were alive then. A host is only penalized for epochs the
//! witnesses were seen alive in, so their silence (an outage) never makes an honest host
//! penalizable, while a host that goes dark cannot hide behind missing attestations of its
//! own. Anyone may post it.
//!
//! Accounts: 0 config, 1 reward_pool (writable), 2 the instructions sysvar.

use super::account_checks;
use super::signed_message::{previous_signature, Message};
use crate::error::{ProgramError, ProgramResult};
use crate::protocol::coverage::epoch_end;
use crate::runtime::clock::Clock;
use crate::runtime::discriminator;
use crate::runtime::input::Input;
use crate::runtime::log::log;
use crate::runtime::reader::BorshReader;
use crate::state::config::Config;
use crate::state::reward_pool::RewardPool;

pub const DISCRIMINATOR: [u8; 8] = discriminator::instruction("witness_heartbeat");
pub const HEARTBEAT_DOMAIN: &[u8] = b"decloud/alive/v1";

#[inline(never)]
pub fn process(input: &Input, args: &[u8]) -> ProgramResult {
    log("Instruction: WitnessHeartbeat");
    let mut reader = BorshReader::new(args);
    let epoch = reader.read_u64()?;
    reader.finish()?;
    let [config, pool_account, instructions] = input.accounts::<3>()?;
    account_checks::writable(&pool_account)?;
    let program_id = input.program_id();
    let config = Config::from_account(&config, program_id)?;
    let mut pool = RewardPool::from_account(&pool_account, program_id)?;
    let signature = previous_signature(&instructions, ProgramError::ProofMissing)?;
    let now = Clock::get()?.unix_timestamp;
    if !config.is_witness(signature.public_key, now) {
        return Err(ProgramError::NotWitness);
    }
    if !Message::new(signature.message).part(HEARTBEAT_DOMAIN).part(&epoch.to_le_bytes()).is_exactly() {
        return Err(ProgramError::ProofInvalid);
    }
    if epoch_end(epoch, config.proof_epoch_secs())? > now {
        return Err(ProgramError::ProofInFuture);
    }
    pool.mark_alive(epoch);
    Ok(())
}
