//! The Config account: protocol parameters, one per program, at the PDA `["config"]`.
//!
//! Layout (borsh, little-endian, no padding; the IDL's `Config` type):
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0   | 8   | discriminator = `sha256("account:Config")[..8]` |
//! | 8   | 32  | authority: Pubkey (the program's upgrade authority at `initialize`) |
//! | 40  | 2   | fee_bps: u16 (protocol fee on settlements; a lease keeps the one it opened under) |
//! | 42  | 8   | min_host_stake: u64 (lamports) |
//! | 50  | 8   | proof_epoch_secs: u64 (length of an uptime-proof epoch; never changes) |
//! | 58  | 4   | grace_epochs: u32 (witness-alive unproven epochs before a penalty; a lease keeps its own) |
//! | 62  | 2   | slash_bps: u16 (share of the stake at jailing one penalty takes) |
//! | 64  | 2   | reward_bps: u16 (cap of one epoch's reward, as a share of the pool) |
//! | 66  | 8   | epoch_reward: u64 (lamports a host earns per witness-attested epoch, at most) |
//! | 74  | 8   | jail_secs: u64 (how long a jailed host's stake stays locked) |
//! | 82  | 1   | witness_count: u8 |
//! | 83  | 128 | witnesses: [Pubkey; 4] (unused slots are zero) |
//! | 211 | 1   | next_witness_count: u8 |
//! | 212 | 128 | next_witnesses: [Pubkey; 4] (the set `update_config` rotates in) |
//! | 340 | 8   | next_witnesses_at: i64 (from then on the next set counts; 0 = none pending) |
//! | 348 | 32  | reward_pool: Pubkey (PDA `["reward_pool"]`) |
//! | 380 | 1   | bump: u8 (of this account's PDA) |
//! | 381 | 1   | pool_bump: u8 |
//! | 382 | 64  | reserved: [u8; 64] (zero; room for later fields) |
//!
//! Total: 446 bytes.

use crate::error::{ProgramError, ProgramResult};
use crate::runtime::account::AccountView;
use crate::runtime::discriminator;
use crate::runtime::pubkey::Pubkey;

pub const SEED: &[u8] = b"config";
pub const DISCRIMINATOR: [u8; 8] = discriminator::account("Config");
pub const MAX_WITNESSES: usize = 4;
pub const MAX_BPS: u16 = 10_000;
/// A lease is penalizable after more than `grace_epochs` witness-alive unproven epochs, and
/// the program remembers the last 64 epochs' liveness (`RewardPool::alive_bits`).
pub const MIN_GRACE_EPOCHS: u32 = 2;
pub const MAX_GRACE_EPOCHS: u32 = 32;
pub const MAX_PROOF_EPOCH_SECS: u64 = 7 * 24 * 3600;
pub const MAX_JAIL_SECS: u64 = 10 * 365 * 24 * 3600;

const AUTHORITY: usize = 8;
const FEE_BPS: usize = 40;
const MIN_HOST_STAKE: usize = 42;
const PROOF_EPOCH_SECS: usize = 50;
const GRACE_EPOCHS: usize = 58;
const SLASH_BPS: usize = 62;
const REWARD_BPS: usize = 64;
const EPOCH_REWARD: usize = 66;
const JAIL_SECS: usize = 74;
const WITNESS_COUNT: usize = 82;
const WITNESSES: usize = 83;
const NEXT_WITNESS_COUNT: usize = 211;
const NEXT_WITNESSES: usize = 212;
const NEXT_WITNESSES_AT: usize = 340;
const REWARD_POOL: usize = 348;
const BUMP: usize = 380;
const POOL_BUMP: usize = 381;
const RESERVED: usize = 382;
const RESERVED_LEN: usize = 64;
pub const LEN: usize = RESERVED + RESERVED_LEN;

/// The parameters an authority chooses (`initialize` and `update_config` arguments).
pub struct ConfigParams {
    pub fee_bps: u16,
    pub min_host_stake: u64,
    pub proof_epoch_secs: u64,
    pub grace_epochs: u32,
    pub slash_bps: u16,
    pub reward_bps: u16,
    pub epoch_reward: u64,
    pub jail_secs: u64,
    pub witness_count: u8,
    pub witnesses: [Pubkey; MAX_WITNESSES],
}

/// Why parameters were rejected; the instruction logs the reason and fails with
/// `InvalidArgument`.
#[derive(Clone, Copy, PartialEq, Eq)]
#[cfg_attr(test, derive(Debug))]
pub enum InvalidParams {
    BasisPointsAboveMax,
    EpochLengthOutOfRange,
    GraceOutOfRange,
    ZeroMinStake,
    JailTooLong,
    WitnessCountOutOfRange,
    DuplicateWitness,
}

impl InvalidParams {
    pub const fn reason(self) -> &'static str {
        match self {
            Self::BasisPointsAboveMax => "fee_bps, slash_bps and reward_bps must be at most 10000",
            Self::EpochLengthOutOfRange => "proof_epoch_secs must be 1 to 604800 (a week)",
            Self::GraceOutOfRange => "grace_epochs must be 2 to 32",
            Self::ZeroMinStake => "min_host_stake must be greater than zero",
            Self::JailTooLong => "jail_secs must be at most 10 years",
            Self::WitnessCountOutOfRange => "the config lists 1 to 4 witnesses",
            Self::DuplicateWitness => "a witness is listed twice",
        }
    }
}

impl ConfigParams {
    pub const fn zeroed() -> Self {
        Self {
            fee_bps: 0,
            min_host_stake: 0,
            proof_epoch_secs: 0,
            grace_epochs: 0,
            slash_bps: 0,
            reward_bps: 0,
            epoch_reward: 0,
            jail_secs: 0,
            witness_count: 0,
            witnesses: [Pubkey::new([0; 32]); MAX_WITNESSES],
        }
    }

    pub fn witnesses(&self) -> &[Pubkey] {
        &self.witnesses[..(self.witness_count as usize).min(MAX_WITNESSES)]
    }

    /// Checks the ranges the rest of the protocol relies on.
    #[inline(never)]
    pub fn check(&self) -> Result<(), InvalidParams> {
        if self.fee_bps > MAX_BPS || self.slash_bps > MAX_BPS || self.reward_bps > MAX_BPS {
            return Err(InvalidParams::BasisPointsAboveMax);
        }
        if self.proof_epoch_secs == 0 || self.proof_epoch_secs > MAX_PROOF_EPOCH_SECS {
            return Err(InvalidParams::EpochLengthOutOfRange);
        }
        if self.grace_epochs < MIN_GRACE_EPOCHS || self.grace_epochs > MAX_GRACE_EPOCHS {
            return Err(InvalidParams::GraceOutOfRange);
        }
        if self.min_host_stake == 0 {
            return Err(InvalidParams::ZeroMinStake);
        }
        if self.jail_secs > MAX_JAIL_SECS {
            return Err(InvalidParams::JailTooLong);
        }
        if self.witness_count == 0 || self.witness_count as usize > MAX_WITNESSES {
            return Err(InvalidParams::WitnessCountOutOfRange);
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
    pub fn epoch_reward(&self) -> u64 {
        u64::from_le_bytes(self.array(EPOCH_REWARD))
    }
    pub fn jail_secs(&self) -> u64 {
        u64::from_le_bytes(self.array(JAIL_SECS))
    }
    pub fn witness_count(&self) -> u8 {
        self.data[WITNESS_COUNT]
    }
    /// Witness `index` (< MAX_WITNESSES) of the current set; slots past `witness_count` are zero.
    pub fn witness(&self, index: usize) -> Pubkey {
        self.pubkey(WITNESSES + 32 * (index % MAX_WITNESSES))
    }
    pub fn next_witnesses_at(&self) -> i64 {
        i64::from_le_bytes(self.array(NEXT_WITNESSES_AT))
    }
    /// Whether `key` is a witness at `now`: in the next set once it is due, else in the current one.
    #[inline(never)]
    pub fn is_witness(&self, key: &[u8; 32], now: i64) -> bool {
        let due = self.next_witnesses_at();
        let (count, at) = match due != 0 && now >= due {
            true => (self.data[NEXT_WITNESS_COUNT], NEXT_WITNESSES),
            false => (self.data[WITNESS_COUNT], WITNESSES),
        };
        let count = (count as usize).min(MAX_WITNESSES);
        self.data[at..at + 32 * count].chunks_exact(32).any(|witness| witness == key)
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

#[inline(always)]
fn write_witnesses(data: &mut [u8], count_at: usize, at: usize, params: &ConfigParams) {
    data[count_at] = params.witness_count;
    for (slot, witness) in params.witnesses.iter().enumerate() {
        let offset = at + 32 * slot;
        let bytes = match slot < params.witness_count as usize {
            true => witness.as_bytes(),
            false => &[0u8; 32],
        };
        data[offset..offset + 32].copy_from_slice(bytes);
    }
}

#[inline(always)]
fn write_params(data: &mut [u8], params: &ConfigParams) {
    data[FEE_BPS..FEE_BPS + 2].copy_from_slice(&params.fee_bps.to_le_bytes());
    data[MIN_HOST_STAKE..MIN_HOST_STAKE + 8].copy_from_slice(&params.min_host_stake.to_le_bytes());
    data[GRACE_EPOCHS..GRACE_EPOCHS + 4].copy_from_slice(&params.grace_epochs.to_le_bytes());
    data[SLASH_BPS..SLASH_BPS + 2].copy_from_slice(&params.slash_bps.to_le_bytes());
    data[REWARD_BPS..REWARD_BPS + 2].copy_from_slice(&params.reward_bps.to_le_bytes());
    data[EPOCH_REWARD..EPOCH_REWARD + 8].copy_from_slice(&params.epoch_reward.to_le_bytes());
    data[JAIL_SECS..JAIL_SECS + 8].copy_from_slice(&params.jail_secs.to_le_bytes());
}

/// Writes a whole Config (discriminator, fields, zeroed reserved bytes) into `data`.
#[inline(never)]
pub fn write(data: &mut [u8], params: &ConfigParams, addresses: &ConfigAddresses) -> ProgramResult {
    if data.len() != LEN || params.witness_count as usize > MAX_WITNESSES {
        return Err(ProgramError::InvalidAccountData);
    }
    data[..8].copy_from_slice(&DISCRIMINATOR);
    data[AUTHORITY..AUTHORITY + 32].copy_from_slice(addresses.authority.as_bytes());
    data[PROOF_EPOCH_SECS..PROOF_EPOCH_SECS + 8].copy_from_slice(&params.proof_epoch_secs.to_le_bytes());
    write_params(data, params);
    write_witnesses(data, WITNESS_COUNT, WITNESSES, params);
    data[NEXT_WITNESS_COUNT..NEXT_WITNESSES_AT + 8].fill(0);
    data[REWARD_POOL..REWARD_POOL + 32].copy_from_slice(addresses.reward_pool.as_bytes());
    data[BUMP] = addresses.bump;
    data[POOL_BUMP] = addresses.pool_bump;
    data[RESERVED..RESERVED + RESERVED_LEN].fill(0);
    Ok(())
}

/// `update_config`: new parameters now (proof_epoch_secs stays), and a changed witness set
/// from `rotate_at` on. A due rotation first becomes the current set, so a pending set is
/// never lost by a later update.
#[inline(never)]
pub fn update(data: &mut [u8], params: &ConfigParams, now: i64, rotate_at: i64) -> ProgramResult {
    let config = Config::from_bytes(data)?;
    let due = config.next_witnesses_at();
    if params.witness_count as usize > MAX_WITNESSES {
        return Err(ProgramError::InvalidAccountData);
    }
    if due != 0 && now >= due {
        data.copy_within(NEXT_WITNESS_COUNT..NEXT_WITNESSES_AT, WITNESS_COUNT);
        data[NEXT_WITNESS_COUNT..NEXT_WITNESSES_AT + 8].fill(0);
    }
    write_params(data, params);
    let current = &data[WITNESSES..WITNESSES + 32 * data[WITNESS_COUNT] as usize];
    let unchanged = data[WITNESS_COUNT] == params.witness_count
        && current.chunks_exact(32).zip(params.witnesses()).all(|(a, b)| a == b.as_bytes());
    match unchanged {
        true => data[NEXT_WITNESS_COUNT..NEXT_WITNESSES_AT + 8].fill(0),
        false => {
            write_witnesses(data, NEXT_WITNESS_COUNT, NEXT_WITNESSES, params);
            data[NEXT_WITNESSES_AT..NEXT_WITNESSES_AT + 8].copy_from_slice(&rotate_at.to_le_bytes());
        }
    }
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
            epoch_reward: 7_000,
            jail_secs: 86_400,
            witness_count: 2,
            witnesses: [key(1), key(2), key(0xee), key(0xee)],
        }
    }

    fn addresses() -> ConfigAddresses {
        ConfigAddresses { authority: key(9), reward_pool: key(8), bump: 254, pool_bump: 253 }
    }

    #[test]
    fn layout_is_446_bytes() {
        assert_eq!(LEN, 446);
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
        assert_eq!((config.epoch_reward(), config.jail_secs()), (7_000, 86_400));
        assert_eq!(config.witness_count(), 2);
        assert!(config.witness(0) == key(1) && config.witness(1) == key(2));
        assert!(config.witness(2) == key(0) && config.witness(3) == key(0), "unused slots are zeroed");
        assert!(config.is_witness(&[1; 32], 0) && config.is_witness(&[2; 32], 0));
        assert!(!config.is_witness(&[0; 32], 0) && !config.is_witness(&[0xee; 32], 0), "only the first witness_count count");
        assert_eq!(config.next_witnesses_at(), 0);
        assert!(config.reward_pool() == key(8));
        assert_eq!((config.bump(), config.pool_bump()), (254, 253));
        assert!(data[RESERVED..].iter().all(|&b| b == 0));
        assert!(data[NEXT_WITNESS_COUNT..NEXT_WITNESSES_AT + 8].iter().all(|&b| b == 0));
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
        assert_eq!(&data[66..74], &7_000u64.to_le_bytes());
        assert_eq!(&data[74..82], &86_400u64.to_le_bytes());
        assert_eq!(data[82], 2);
        assert_eq!(&data[83..115], &[1u8; 32]);
        assert_eq!(&data[348..380], &[8u8; 32]);
        assert_eq!(&data[380..382], &[254, 253]);
    }

    #[test]
    fn a_changed_witness_set_counts_only_from_its_time() {
        let mut data = vec![0u8; LEN];
        write(&mut data, &params(), &addresses()).unwrap();
        let rotated = ConfigParams { witness_count: 1, witnesses: [key(5), key(0), key(0), key(0)], fee_bps: 100, ..params() };
        update(&mut data, &rotated, 1_000, 5_000).unwrap();
        let config = Config::from_bytes(&data).unwrap();
        assert_eq!(config.fee_bps(), 100, "fees change at once");
        assert!(config.is_witness(&[1; 32], 4_999) && !config.is_witness(&[5; 32], 4_999), "old set until the rotation");
        assert!(!config.is_witness(&[1; 32], 5_000) && config.is_witness(&[5; 32], 5_000), "new set from then on");
        // A later update with the same set promotes the due rotation and clears the pending one.
        update(&mut data, &rotated, 6_000, 9_000).unwrap();
        let config = Config::from_bytes(&data).unwrap();
        assert_eq!((config.witness_count(), config.next_witnesses_at()), (1, 0));
        assert!(config.witness(0) == key(5) && config.is_witness(&[5; 32], 0));
        // Keeping the current set changes no witness.
        update(&mut data, &rotated, 7_000, 10_000).unwrap();
        assert_eq!(Config::from_bytes(&data).unwrap().next_witnesses_at(), 0);
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
        assert_eq!(ConfigParams { proof_epoch_secs: 0, ..params() }.check(), Err(InvalidParams::EpochLengthOutOfRange));
        assert_eq!(ConfigParams { proof_epoch_secs: MAX_PROOF_EPOCH_SECS + 1, ..params() }.check(), Err(InvalidParams::EpochLengthOutOfRange));
        for grace in [0, 1, 33, u32::MAX] {
            assert_eq!(ConfigParams { grace_epochs: grace, ..params() }.check(), Err(InvalidParams::GraceOutOfRange));
        }
        assert_eq!(ConfigParams { grace_epochs: 2, ..params() }.check(), Ok(()));
        assert_eq!(ConfigParams { grace_epochs: 32, ..params() }.check(), Ok(()));
        assert_eq!(ConfigParams { min_host_stake: 0, ..params() }.check(), Err(InvalidParams::ZeroMinStake));
        assert_eq!(ConfigParams { jail_secs: MAX_JAIL_SECS + 1, ..params() }.check(), Err(InvalidParams::JailTooLong));
        assert_eq!(ConfigParams { witness_count: 5, ..params() }.check(), Err(InvalidParams::WitnessCountOutOfRange));
        assert_eq!(ConfigParams { witness_count: 0, ..params() }.check(), Err(InvalidParams::WitnessCountOutOfRange));
        let duplicate = ConfigParams { witness_count: 3, witnesses: [key(1), key(2), key(1), key(0)], ..params() };
        assert_eq!(duplicate.check(), Err(InvalidParams::DuplicateWitness));
    }
}
