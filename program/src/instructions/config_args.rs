//! The parameters `initialize` and `update_config` take, in the IDL's order (borsh): u16
//! fee_bps, u64 min_host_stake, u32 grace_epochs, u16 slash_bps, u16 reward_bps, u64
//! epoch_reward, u64 jail_secs, `Vec<Pubkey>` witnesses (u32 length + keys).

use crate::error::{ProgramError, ProgramResult};
use crate::runtime::log::log;
use crate::runtime::pubkey::Pubkey;
use crate::runtime::reader::BorshReader;
use crate::state::config::{ConfigParams, InvalidParams, MAX_WITNESSES};

/// Decodes the parameters after `proof_epoch_secs` (read by the caller, or kept) into
/// `params`, checks that nothing follows and that every range holds. (An out parameter:
/// the BPF backend's 512-byte frames hold one ConfigParams, not two.)
#[inline(never)]
pub fn decode(reader: &mut BorshReader, proof_epoch_secs: u64, params: &mut ConfigParams) -> ProgramResult {
    params.proof_epoch_secs = proof_epoch_secs;
    params.fee_bps = reader.read_u16()?;
    params.min_host_stake = reader.read_u64()?;
    params.grace_epochs = reader.read_u32()?;
    params.slash_bps = reader.read_u16()?;
    params.reward_bps = reader.read_u16()?;
    params.epoch_reward = reader.read_u64()?;
    params.jail_secs = reader.read_u64()?;
    let witness_count = reader.read_u32()?;
    if witness_count as usize > MAX_WITNESSES {
        return Err(invalid_argument(InvalidParams::WitnessCountOutOfRange));
    }
    params.witness_count = witness_count as u8;
    for (slot, witness) in params.witnesses.iter_mut().enumerate() {
        *witness = match slot < witness_count as usize {
            true => reader.read_pubkey()?,
            false => Pubkey::new([0; 32]),
        };
    }
    reader.finish()?;
    params.check().map_err(invalid_argument)
}

fn invalid_argument(reason: InvalidParams) -> ProgramError {
    log(reason.reason());
    ProgramError::InvalidArgument
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn encode(grace_epochs: u32, witnesses: &[[u8; 32]]) -> Vec<u8> {
        let mut data = Vec::new();
        data.extend_from_slice(&300u16.to_le_bytes());
        data.extend_from_slice(&5_000_000_000u64.to_le_bytes());
        data.extend_from_slice(&grace_epochs.to_le_bytes());
        data.extend_from_slice(&2_500u16.to_le_bytes());
        data.extend_from_slice(&75u16.to_le_bytes());
        data.extend_from_slice(&9_000u64.to_le_bytes());
        data.extend_from_slice(&3_600u64.to_le_bytes());
        data.extend_from_slice(&(witnesses.len() as u32).to_le_bytes());
        for witness in witnesses {
            data.extend_from_slice(witness);
        }
        data
    }

    fn decoded(data: &[u8], proof_epoch_secs: u64) -> Result<ConfigParams, ProgramError> {
        let mut params = ConfigParams::zeroed();
        decode(&mut BorshReader::new(data), proof_epoch_secs, &mut params).map(|()| params)
    }

    #[test]
    fn decodes_anchor_borsh_arguments() {
        let data = encode(4, &[[1; 32], [2; 32]]);
        let params = decoded(&data, 600).unwrap();
        assert_eq!((params.fee_bps, params.min_host_stake, params.proof_epoch_secs), (300, 5_000_000_000, 600));
        assert_eq!((params.grace_epochs, params.slash_bps, params.reward_bps), (4, 2_500, 75));
        assert_eq!((params.epoch_reward, params.jail_secs, params.witness_count), (9_000, 3_600, 2));
        assert!(params.witnesses[0] == Pubkey::new([1; 32]) && params.witnesses[1] == Pubkey::new([2; 32]));
        assert!(params.witnesses[2] == Pubkey::new([0; 32]));
    }

    #[test]
    fn rejects_short_trailing_oversized_and_out_of_range_arguments() {
        let good = encode(4, &[[1; 32]]);
        assert!(matches!(decoded(&good[..good.len() - 1], 600), Err(ProgramError::InvalidInstructionData)));
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(matches!(decoded(&trailing, 600), Err(ProgramError::InvalidInstructionData)));
        assert!(matches!(decoded(&encode(4, &[[1; 32]; 5]), 600), Err(ProgramError::InvalidArgument)));
        assert!(matches!(decoded(&encode(1, &[[1; 32]]), 600), Err(ProgramError::InvalidArgument)));
        assert!(matches!(decoded(&encode(4, &[]), 600), Err(ProgramError::InvalidArgument)));
        assert!(matches!(decoded(&good, 0), Err(ProgramError::InvalidArgument)));
    }
}
