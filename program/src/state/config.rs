//! The Config account: protocol parameters, one per program, at the PDA `["config"]`.
//!
//! Layout (borsh, little-endian, no padding; the IDL's `Config` type, then reserved bytes
//! Anchor's decoder ignores):
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0   | 8   | discriminator = `sha256("account:Config")[..8]` |
//! | 8   | 32  | authority: Pubkey |
//! | 40  | 2   | fee_bps: u16 (protocol fee on settlements, basis points) |
//! | 42  | 8   | min_host_stake: u64 (lamports) |
//! | 50  | 8   | proof_epoch_secs: u64 (length of an uptime-proof epoch) |
//! | 58  | 4   | grace_epochs: u32 (unproven epochs before a host may be penalized) |
//! | 62  | 2   | slash_bps: u16 (share of the stake a penalty takes) |
//! | 64  | 2   | reward_bps: u16 (reward rate in basis points, applied by claim_rewards) |
//! | 66  | 1   | witness_count: u8 |
//! | 67  | 128 | witnesses: [Pubkey; 4] (unused slots are zero) |
//! | 195 | 32  | reward_pool: Pubkey (PDA `["reward_pool"]`) |
//! | 227 | 1   | bump: u8 (of this account's PDA) |
//! | 228 | 1   | pool_bump: u8 |
//! | 229 | 64  | reserved: [u8; 64] (zero; room for later fields) |
//!
//! Total: 293 bytes.

use crate::error::{ProgramError, ProgramResult};
use crate::runtime::account::AccountView;
use crate::runtime::discriminator;
use crate::runtime::pubkey::Pubkey;

pub const SEED: &[u8] = b"config";
pub const DISCRIMINATOR: [u8; 8] = discriminator::account("Config");
pub const MAX_WITNESSES: usize = 4;
pub const MAX_BPS: u16 = 10_000;

const AUTHORITY: usize = 8;
const FEE_BPS: usize = 40;
const MIN_HOST_STAKE: usize = 42;
const PROOF_EPOCH_SECS: usize = 50;
const GRACE_EPOCHS: usize = 58;
const SLASH_BPS: usize = 62;
const REWARD_BPS: usize = 64;
const WITNESS_COUNT: usize = 66;
const WITNESSES: usize = 67;
const REWARD_POOL: usize = 195;
const BUMP: usize = 227;
const POOL_BUMP: usize = 228;
const RESERVED: usize = 229;
const RESERVED_LEN: usize = 64;
pub const LEN: usize = RESERVED + RESERVED_LEN;

/// The parameters an authority chooses (the `initialize` arguments).
pub struct ConfigParams {
    pub fee_bps: u16,
    pub min_host_stake: u64,
    pub proof_epoch_secs: u64,
    pub grace_epochs: u32,
    pub slash_bps: u16,
    pub reward_bps: u16,
    pub witness_count: u8,
    pub witnesses: [Pubkey; MAX_WITNESSES],
}

/// Why parameters were rejected; the instruction logs the reason and fails with
/// `InvalidArgument`.
#[derive(Clone, Copy, PartialEq, Eq)]
#[cfg_attr(test, derive(Debug))]
pub enum InvalidParams {
    BasisPointsAboveMax,
    ZeroEpochLength,
    TooManyWitnesses,
    DuplicateWitness,
}

impl InvalidParams {
    pub const fn reason(self) -> &'static str {
        match self {
            Self::BasisPointsAboveMax => "fee_bps, slash_bps and reward_bps must be at most 10000",
            Self::ZeroEpochLength => "proof_epoch_secs must be greater than zero",
            Self::TooManyWitnesses => "at most 4 witnesses fit in the config",
            Self::DuplicateWitness => "a witness is listed twice",
        }
    }
}

impl ConfigParams {
    pub fn witnesses(&self) -> &[Pubkey] {
        &self.witnesses[..self.witness_count as usize]
    }

    /// Checks the ranges the rest of the protocol relies on.
    pub fn check(&self) -> Result<(), InvalidParams> {
        if self.fee_bps > MAX_BPS || self.slash_bps > MAX_BPS || self.reward_bps > MAX_BPS {
            return Err(InvalidParams::BasisPointsAboveMax);
        }
        if self.proof_epoch_secs == 0 {
            return Err(InvalidParams::ZeroEpochLength);
        }
        if self.witness_count as usize > MAX_WITNESSES {
            return Err(InvalidParams::TooManyWitnesses);
        }
        let witnesses = self.witnesses();
        for (i, witness) in witnesses.iter().enumerate() {
            if witnesses[i + 1..].iter().any(|other| other == witness) {
                return Err(InvalidParams::DuplicateWitness);
            }
        }
        Ok(())
    }
}

/// Read access to a Config account's data.
pub struct Config<'a> {
    data: &'a [u8],
}

impl<'a> Config<'a> {
    /// The config in `account`: owned by the program (WrongAccountOwner), then as
    /// `from_bytes`. The config is only ever created at its PDA, so this proves it is it.
    pub fn from_account(account: &AccountView<'a>, program_id: &Pubkey) -> Result<Self, ProgramError> {
        if !account.is_owned_by(program_id) {
            return Err(ProgramError::WrongAccountOwner);
        }
        Self::from_bytes(account.data())
    }

    /// Checks the size and discriminator.
    pub fn from_bytes(data: &'a [u8]) -> Result<Self, ProgramError> {
        if data.len() != LEN {
            return Err(ProgramError::InvalidAccountData);
        }
        if data[..8] != DISCRIMINATOR[..] {
            return Err(ProgramError::InvalidDiscriminator);
        }
        Ok(Self { data })
    }

    #[inline(always)]
    fn array<const N: usize>(&self, offset: usize) -> [u8; N] {
        let mut out = [0u8; N];
        out.copy_from_slice(&self.data[offset..offset + N]);
        out
    }

    #[inline(always)]
    fn pubkey(&self, offset: usize) -> Pubkey {
        Pubkey::new(self.array(offset))
    }

    pub fn authority(&self) -> Pubkey {
        self.pubkey(AUTHORITY)
    }
    pub fn fee_bps(&self) -> u16 {
        u16::from_le_bytes(self.array(FEE_BPS))
    }
    pub fn min_host_stake(&self) -> u64 {
        u64::from_le_bytes(self.array(MIN_HOST_STAKE))
    }
    pub fn proof_epoch_secs(&self) -> u64 {
        u64::from_le_bytes(self.array(PROOF_EPOCH_SECS))
    }
    pub fn grace_epochs(&self) -> u32 {
        u32::from_le_bytes(self.array(GRACE_EPOCHS))
    }
    pub fn slash_bps(&self) -> u16 {
        u16::from_le_bytes(self.array(SLASH_BPS))
    }
    pub fn reward_bps(&self) -> u16 {
        u16::from_le_bytes(self.array(REWARD_BPS))
    }
    pub fn witness_count(&self) -> u8 {
        self.data[WITNESS_COUNT]
    }
    /// Witness `index` (< MAX_WITNESSES); slots past `witness_count` are zero.
    pub fn witness(&self, index: usize) -> Pubkey {
        self.pubkey(WITNESSES + 32 * (index % MAX_WITNESSES))
    }
    /// Whether `key` is one of the first `witness_count` witnesses.
    pub fn is_witness(&self, key: &[u8; 32]) -> bool {
        let count = (self.witness_count() as usize).min(MAX_WITNESSES);
        let listed = &self.data[WITNESSES..WITNESSES + 32 * count];
        listed.chunks_exact(32).any(|witness| witness == key)
    }
    pub fn reward_pool(&self) -> Pubkey {
        self.pubkey(REWARD_POOL)
    }
    pub fn bump(&self) -> u8 {
        self.data[BUMP]
    }
    pub fn pool_bump(&self) -> u8 {
        self.data[POOL_BUMP]
    }
}

/// The addresses `initialize` derives, stored next to the parameters.
pub struct ConfigAddresses {
    pub authority: Pubkey,
    pub reward_pool: Pubkey,
    pub bump: u8,
    pub pool_bump: u8,
}

/// Writes a whole Config (discriminator, fields, zeroed reserved bytes) into `data`.
#[inline(never)]
pub fn write(data: &mut [u8], params: &ConfigParams, addresses: &ConfigAddresses) -> ProgramResult {
    if data.len() != LEN || params.witness_count as usize > MAX_WITNESSES {
        return Err(ProgramError::InvalidAccountData);
    }
    data[..8].copy_from_slice(&DISCRIMINATOR);
    data[AUTHORITY..AUTHORITY + 32].copy_from_slice(addresses.authority.as_bytes());
    data[FEE_BPS..FEE_BPS + 2].copy_from_slice(&params.fee_bps.to_le_bytes());
    data[MIN_HOST_STAKE..MIN_HOST_STAKE + 8].copy_from_slice(&params.min_host_stake.to_le_bytes());
    data[PROOF_EPOCH_SECS..PROOF_EPOCH_SECS + 8].copy_from_slice(&params.proof_epoch_secs.to_le_bytes());
    data[GRACE_EPOCHS..GRACE_EPOCHS + 4].copy_from_slice(&params.grace_epochs.to_le_bytes());
    data[SLASH_BPS..SLASH_BPS + 2].copy_from_slice(&params.slash_bps.to_le_bytes());
    data[REWARD_BPS..REWARD_BPS + 2].copy_from_slice(&params.reward_bps.to_le_bytes());
    data[WITNESS_COUNT] = params.witness_count;
    for (slot, witness) in params.witnesses.iter().enumerate() {
        let offset = WITNESSES + 32 * slot;
        let bytes = match slot < params.witness_count as usize {
            true => witness.as_bytes(),
            false => &[0u8; 32],
        };
        data[offset..offset + 32].copy_from_slice(bytes);
    }
    data[REWARD_POOL..REWARD_POOL + 32].copy_from_slice(addresses.reward_pool.as_bytes());
    data[BUMP] = addresses.bump;
    data[POOL_BUMP] = addresses.pool_bump;
    data[RESERVED..RESERVED + RESERVED_LEN].fill(0);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> Pubkey {
        Pubkey::new([byte; 32])
    }

    fn params() -> ConfigParams {
        ConfigParams {
            fee_bps: 250,
            min_host_stake: 1_000_000_000,
            proof_epoch_secs: 3_600,
            grace_epochs: 3,
            slash_bps: 1_000,
            reward_bps: 50,
            witness_count: 2,
            witnesses: [key(1), key(2), key(0xee), key(0xee)],
        }
    }

    fn addresses() -> ConfigAddresses {
        ConfigAddresses { authority: key(9), reward_pool: key(8), bump: 254, pool_bump: 253 }
    }

    #[test]
    fn layout_is_293_bytes() {
        assert_eq!(LEN, 293);
    }

    #[test]
    fn write_then_read_round_trips_every_field() {
        let mut data = vec![0xffu8; LEN];
        write(&mut data, &params(), &addresses()).unwrap();
        let config = Config::from_bytes(&data).unwrap();
        assert!(config.authority() == key(9));
        assert_eq!(config.fee_bps(), 250);
        assert_eq!(config.min_host_stake(), 1_000_000_000);
        assert_eq!(config.proof_epoch_secs(), 3_600);
        assert_eq!(config.grace_epochs(), 3);
        assert_eq!(config.slash_bps(), 1_000);
        assert_eq!(config.reward_bps(), 50);
        assert_eq!(config.witness_count(), 2);
        assert!(config.witness(0) == key(1) && config.witness(1) == key(2));
        assert!(config.witness(2) == key(0) && config.witness(3) == key(0), "unused slots are zeroed");
        assert!(config.is_witness(&[1; 32]) && config.is_witness(&[2; 32]));
        assert!(!config.is_witness(&[0; 32]) && !config.is_witness(&[0xee; 32]), "only the first witness_count count");
        assert!(config.reward_pool() == key(8));
        assert_eq!((config.bump(), config.pool_bump()), (254, 253));
        assert!(data[RESERVED..].iter().all(|&b| b == 0));
    }

    #[test]
    fn fields_sit_at_the_documented_borsh_offsets() {
        let mut data = vec![0u8; LEN];
        write(&mut data, &params(), &addresses()).unwrap();
        assert_eq!(&data[..8], &[0x9b, 0x0c, 0xaa, 0xe0, 0x1e, 0xfa, 0xcc, 0x82]);
        assert_eq!(&data[40..42], &250u16.to_le_bytes());
        assert_eq!(&data[42..50], &1_000_000_000u64.to_le_bytes());
        assert_eq!(&data[50..58], &3_600u64.to_le_bytes());
        assert_eq!(&data[58..62], &3u32.to_le_bytes());
        assert_eq!(&data[62..64], &1_000u16.to_le_bytes());
        assert_eq!(&data[64..66], &50u16.to_le_bytes());
        assert_eq!(data[66], 2);
        assert_eq!(&data[67..99], &[1u8; 32]);
        assert_eq!(&data[195..227], &[8u8; 32]);
        assert_eq!(&data[227..229], &[254, 253]);
    }

    #[test]
    fn from_bytes_rejects_wrong_size_and_discriminator() {
        let mut data = vec![0u8; LEN];
        write(&mut data, &params(), &addresses()).unwrap();
        assert!(matches!(Config::from_bytes(&data[..LEN - 1]), Err(ProgramError::InvalidAccountData)));
        data[0] ^= 1;
        assert!(matches!(Config::from_bytes(&data), Err(ProgramError::InvalidDiscriminator)));
    }

    #[test]
    fn check_rejects_out_of_range_params_and_duplicates() {
        assert_eq!(params().check(), Ok(()));
        let at_max = ConfigParams { fee_bps: 10_000, slash_bps: 10_000, reward_bps: 10_000, ..params() };
        assert_eq!(at_max.check(), Ok(()));
        for over in [
            ConfigParams { fee_bps: 10_001, ..params() },
            ConfigParams { slash_bps: 10_001, ..params() },
            ConfigParams { reward_bps: u16::MAX, ..params() },
        ] {
            assert_eq!(over.check(), Err(InvalidParams::BasisPointsAboveMax));
        }
        assert_eq!(ConfigParams { proof_epoch_secs: 0, ..params() }.check(), Err(InvalidParams::ZeroEpochLength));
        assert_eq!(ConfigParams { witness_count: 5, ..params() }.check(), Err(InvalidParams::TooManyWitnesses));
        let duplicate = ConfigParams { witness_count: 3, witnesses: [key(1), key(2), key(1), key(0)], ..params() };
        assert_eq!(duplicate.check(), Err(InvalidParams::DuplicateWitness));
        // Equal keys beyond witness_count are ignored.
        assert_eq!(ConfigParams { witness_count: 0, ..params() }.check(), Ok(()));
    }
}
