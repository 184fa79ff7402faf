//! Instruction dispatch by Anchor discriminator (the first 8 bytes of the data). One file
//! per instruction; the others hold what several share.

pub mod account_checks;
pub mod activate_host;
pub mod add_stake;
pub mod claim_rewards;
pub mod close_lease;
pub mod config_args;
pub mod deactivate_host;
pub mod fund_rewards;
pub mod initialize;
pub mod lease_settlement;
pub mod new_program_account;
pub mod open_lease;
pub mod penalize_host;
pub mod post_proof;
pub mod register_host;
pub mod settle_lease;
pub mod signed_message;
pub mod top_up_lease;
pub mod update_config;
pub mod withdraw_stake;
pub mod witness_heartbeat;

use crate::error::{ProgramError, ProgramResult};
use crate::runtime::discriminator;
use crate::runtime::input::Input;

const INITIALIZE: u64 = u64::from_le_bytes(initialize::DISCRIMINATOR);
const FUND_REWARDS: u64 = u64::from_le_bytes(fund_rewards::DISCRIMINATOR);
const REGISTER_HOST: u64 = u64::from_le_bytes(register_host::DISCRIMINATOR);
const ACTIVATE_HOST: u64 = u64::from_le_bytes(activate_host::DISCRIMINATOR);
const DEACTIVATE_HOST: u64 = u64::from_le_bytes(deactivate_host::DISCRIMINATOR);
const OPEN_LEASE: u64 = u64::from_le_bytes(open_lease::DISCRIMINATOR);
const TOP_UP_LEASE: u64 = u64::from_le_bytes(top_up_lease::DISCRIMINATOR);
const POST_PROOF: u64 = u64::from_le_bytes(post_proof::DISCRIMINATOR);
const SETTLE_LEASE: u64 = u64::from_le_bytes(settle_lease::DISCRIMINATOR);
const CLOSE_LEASE: u64 = u64::from_le_bytes(close_lease::DISCRIMINATOR);
const PENALIZE_HOST: u64 = u64::from_le_bytes(penalize_host::DISCRIMINATOR);
const CLAIM_REWARDS: u64 = u64::from_le_bytes(claim_rewards::DISCRIMINATOR);
const WITHDRAW_STAKE: u64 = u64::from_le_bytes(withdraw_stake::DISCRIMINATOR);
const ADD_STAKE: u64 = u64::from_le_bytes(add_stake::DISCRIMINATOR);
const UPDATE_CONFIG: u64 = u64::from_le_bytes(update_config::DISCRIMINATOR);
const WITNESS_HEARTBEAT: u64 = u64::from_le_bytes(witness_heartbeat::DISCRIMINATOR);

pub fn dispatch(input: &Input) -> ProgramResult {
    let data = input.data();
    if data.len() < discriminator::LEN {
        return Err(ProgramError::InvalidInstructionData);
    }
    let mut tag = [0u8; discriminator::LEN];
    tag.copy_from_slice(&data[..discriminator::LEN]);
    let args = &data[discriminator::LEN..];
    // Direct calls only: a table of function pointers would compile to `callx`, which
    // litesvm 0.8.0's VM mishandles after a few transactions.
    match u64::from_le_bytes(tag) {
        INITIALIZE => initialize::process(input, args),
        FUND_REWARDS => fund_rewards::process(input, args),
        REGISTER_HOST => register_host::process(input, args),
        ACTIVATE_HOST => activate_host::process(input, args),
        DEACTIVATE_HOST => deactivate_host::process(input, args),
        OPEN_LEASE => open_lease::process(input, args),
        TOP_UP_LEASE => top_up_lease::process(input, args),
        POST_PROOF => post_proof::process(input, args),
        SETTLE_LEASE => settle_lease::process(input, args),
        CLOSE_LEASE => close_lease::process(input, args),
        PENALIZE_HOST => penalize_host::process(input, args),
        CLAIM_REWARDS => claim_rewards::process(input, args),
        WITHDRAW_STAKE => withdraw_stake::process(input, args),
        ADD_STAKE => add_stake::process(input, args),
        UPDATE_CONFIG => update_config::process(input, args),
        WITNESS_HEARTBEAT => witness_heartbeat::process(input, args),
        _ => Err(ProgramError::UnknownInstruction),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discriminators_are_the_idls() {
        // program/idl/decloud.json (sha256("global:<name>")[..8]).
        assert_eq!(open_lease::DISCRIMINATOR, [187, 79, 139, 164, 14, 110, 255, 127]);
        assert_eq!(post_proof::DISCRIMINATOR, [112, 117, 74, 221, 176, 119, 95, 28]);
        assert_eq!(withdraw_stake::DISCRIMINATOR, [153, 8, 22, 138, 105, 176, 87, 66]);
        assert_eq!(add_stake::DISCRIMINATOR, [58, 135, 189, 105, 160, 120, 165, 224]);
        let all = [
            INITIALIZE, FUND_REWARDS, REGISTER_HOST, ACTIVATE_HOST, DEACTIVATE_HOST, OPEN_LEASE, TOP_UP_LEASE,
            POST_PROOF, SETTLE_LEASE, CLOSE_LEASE, PENALIZE_HOST, CLAIM_REWARDS, WITHDRAW_STAKE, ADD_STAKE,
            UPDATE_CONFIG, WITNESS_HEARTBEAT,
        ];
        for (i, tag) in all.iter().enumerate() {
            assert!(all[i + 1..].iter().all(|other| other != tag), "distinct");
        }
    }
}
