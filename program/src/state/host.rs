//! The Host account, at the PDA `["host", operator]` (canonical bump): one per operator key,
//! for good. Its lamports are its rent, the stake and `payable` (plus anything sent to it by
//! mistake): the host's earnings stay here, under the program, until the owner claims them,
//! so no renter's settlement ever touches an address the host chose.
//!
//! Layout (borsh, little-endian, no padding; the IDL's `Host` type, then reserved bytes
//! Anchor's decoder ignores):
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0   | 8  | discriminator = `sha256("account:Host")[..8]` |
//! | 8   | 32 | operator: Pubkey (signs host instructions; its key is the libp2p identity) |
//! | 40  | 32 | owner: Pubkey (receives payments, rewards and the stake) |
//! | 72  | 38 | peer_id: [u8; 38] (libp2p identity multihash of the operator key) |
//! | 110 | 8  | stake: u64 (lamports) |
//! | 118 | 1  | status: HostStatus (Registered, Active, Inactive, Jailed) |
//! | 119 | 32 | spec_hash: [u8; 32] |
//! | 151 | 8  | proven_epochs: u64 (distinct witness-attested epochs, counted in increasing order) |
//! | 159 | 8  | last_proof_epoch: u64 (latest attested epoch + 1; 0 = never) |
//! | 167 | 8  | last_proof_at: i64 |
//! | 175 | 8  | earned: u64 (settled payments, after fees, all time) |
//! | 183 | 8  | rewards_earned: u64 (uptime rewards, all time) |
//! | 191 | 8  | payable: u64 (earned and rewarded lamports this account holds for the owner) |
//! | 199 | 4  | open_leases: u32 |
//! | 203 | 8  | registered_at: i64 |
//! | 211 | 8  | jailed_until: i64 (the stake stays locked until then) |
//! | 219 | 8  | slash_base: u64 (the stake when first jailed: every penalty slashes a share of it) |
//! | 227 | 1  | bump: u8 (canonical) |
//! | 228 | 64 | reserved: [u8; 64] (zero; room for later fields) |
//!
//! Total: 292 bytes.

use super::fields::Fields;
use crate::error::{ProgramError, ProgramResult};
use crate::runtime::account::AccountView;
use crate::runtime::discriminator;
use crate::runtime::pubkey::Pubkey;

pub const SEED: &[u8] = b"host";
pub const DISCRIMINATOR: [u8; 8] = discriminator::account("Host");
pub const PEER_ID_LEN: usize = 38;
/// A libp2p identity multihash of an Ed25519 key: identity hash (0x00), length 36 (0x24),
/// then the protobuf `PublicKey { Type: Ed25519 (0x08 0x01), Data: 32 bytes (0x12 0x20) }`.
pub const PEER_ID_PREFIX: [u8; 6] = [0x00, 0x24, 0x08, 0x01, 0x12, 0x20];

const OPERATOR: usize = 8;
const OWNER: usize = 40;
const PEER_ID: usize = 72;
const STAKE: usize = 110;
const STATUS: usize = 118;
const SPEC_HASH: usize = 119;
const PROVEN_EPOCHS: usize = 151;
const LAST_PROOF_EPOCH: usize = 159;
const LAST_PROOF_AT: usize = 167;
const EARNED: usize = 175;
const REWARDS_EARNED: usize = 183;
const PAYABLE: usize = 191;
const OPEN_LEASES: usize = 199;
const REGISTERED_AT: usize = 203;
const JAILED_UNTIL: usize = 211;
const SLASH_BASE: usize = 219;
const BUMP: usize = 227;
const RESERVED: usize = 228;
const RESERVED_LEN: usize = 64;
pub const LEN: usize = RESERVED + RESERVED_LEN;

#[derive(Clone, Copy, PartialEq, Eq)]
#[cfg_attr(test, derive(Debug))]
pub enum HostStatus {
    Registered = 0,
    Active = 1,
    Inactive = 2,
    Jailed = 3,
}

/// `libp2p identity multihash(operator)`: what `register_host` requires as `peer_id`.
pub fn expected_peer_id(operator: &Pubkey) -> [u8; PEER_ID_LEN] {
    let mut peer_id = [0u8; PEER_ID_LEN];
    peer_id[..PEER_ID_PREFIX.len()].copy_from_slice(&PEER_ID_PREFIX);
    peer_id[PEER_ID_PREFIX.len()..].copy_from_slice(operator.as_bytes());
    peer_id
}

/// What `register_host` stores; everything else starts at zero.
pub struct NewHost<'a> {
    pub operator: &'a Pubkey,
    pub owner: &'a Pubkey,
    pub peer_id: &'a [u8; PEER_ID_LEN],
    pub spec_hash: &'a [u8; 32],
    pub stake: u64,
    pub registered_at: i64,
    pub bump: u8,
}

/// A Host account's data, read and written in place.
pub struct Host<'a> {
    fields: Fields<'a>,
}

impl<'a> Host<'a> {
    /// The host in `account`: owned by the program, `LEN` bytes, Host discriminator.
    pub fn from_account(account: &AccountView<'a>, program_id: &Pubkey) -> Result<Self, ProgramError> {
        Ok(Self { fields: Fields::of_program_account(account, program_id, &DISCRIMINATOR, LEN)? })
    }

    pub fn from_bytes(bytes: &'a mut [u8]) -> Result<Self, ProgramError> {
        Ok(Self { fields: Fields::of_bytes(bytes, &DISCRIMINATOR, LEN)? })
    }

    /// Writes a whole new host into `account` (just created, `LEN` zeroed bytes).
    #[inline(never)]
    pub fn write_new(account: &AccountView<'a>, host: &NewHost) -> ProgramResult {
        let mut fields = Fields::of_new_account(account, LEN)?;
        fields.set_bytes(0, &DISCRIMINATOR);
        fields.set_bytes(OPERATOR, host.operator.as_bytes());
        fields.set_bytes(OWNER, host.owner.as_bytes());
        fields.set_bytes(PEER_ID, host.peer_id);
        fields.set_u64(STAKE, host.stake);
        fields.set_u8(STATUS, HostStatus::Registered as u8);
        fields.set_bytes(SPEC_HASH, host.spec_hash);
        fields.zero_from(PROVEN_EPOCHS);
        fields.set_i64(REGISTERED_AT, host.registered_at);
        fields.set_u8(BUMP, host.bump);
        Ok(())
    }

    pub fn operator(&self) -> Pubkey {
        self.fields.pubkey(OPERATOR)
    }
    pub fn owner(&self) -> Pubkey {
        self.fields.pubkey(OWNER)
    }
    pub fn peer_id(&self) -> &'a [u8; PEER_ID_LEN] {
        self.fields.bytes(PEER_ID)
    }
    pub fn stake(&self) -> u64 {
        self.fields.u64(STAKE)
    }
    /// Fails with InvalidAccountData on a byte no variant has.
    pub fn status(&self) -> Result<HostStatus, ProgramError> {
        match self.fields.u8(STATUS) {
            0 => Ok(HostStatus::Registered),
            1 => Ok(HostStatus::Active),
            2 => Ok(HostStatus::Inactive),
            3 => Ok(HostStatus::Jailed),
            _ => Err(ProgramError::InvalidAccountData),
        }
    }
    pub fn spec_hash(&self) -> &'a [u8; 32] {
        self.fields.bytes(SPEC_HASH)
    }
    pub fn proven_epochs(&self) -> u64 {
        self.fields.u64(PROVEN_EPOCHS)
    }
    pub fn last_proof_epoch(&self) -> u64 {
        self.fields.u64(LAST_PROOF_EPOCH)
    }
    pub fn last_proof_at(&self) -> i64 {
        self.fields.i64(LAST_PROOF_AT)
    }
    pub fn earned(&self) -> u64 {
        self.fields.u64(EARNED)
    }
    pub fn rewards_earned(&self) -> u64 {
        self.fields.u64(REWARDS_EARNED)
    }
    pub fn payable(&self) -> u64 {
        self.fields.u64(PAYABLE)
    }
    pub fn jailed_until(&self) -> i64 {
        self.fields.i64(JAILED_UNTIL)
    }
    pub fn slash_base(&self) -> u64 {
        self.fields.u64(SLASH_BASE)
    }
    pub fn open_leases(&self) -> u32 {
        self.fields.u32(OPEN_LEASES)
    }
    pub fn registered_at(&self) -> i64 {
        self.fields.i64(REGISTERED_AT)
    }
    pub fn bump(&self) -> u8 {
        self.fields.u8(BUMP)
    }

    pub fn set_status(&mut self, status: HostStatus) {
        self.fields.set_u8(STATUS, status as u8);
    }
    pub fn set_stake(&mut self, stake: u64) {
        self.fields.set_u64(STAKE, stake);
    }

    pub fn add_stake(&mut self, amount: u64) -> ProgramResult {
        let stake = self.stake().checked_add(amount).ok_or(ProgramError::ArithmeticOverflow)?;
        self.set_stake(stake);
        Ok(())
    }

    pub fn add_open_lease(&mut self) -> ProgramResult {
        let count = self.open_leases().checked_add(1).ok_or(ProgramError::ArithmeticOverflow)?;
        self.fields.set_u32(OPEN_LEASES, count);
        Ok(())
    }

    pub fn remove_open_lease(&mut self) -> ProgramResult {
        let count = self.open_leases().checked_sub(1).ok_or(ProgramError::ArithmeticOverflow)?;
        self.fields.set_u32(OPEN_LEASES, count);
        Ok(())
    }

    /// A settlement paid `amount` into this account for the owner.
    pub fn add_earned(&mut self, amount: u64) -> ProgramResult {
        let earned = self.earned().checked_add(amount).ok_or(ProgramError::ArithmeticOverflow)?;
        self.fields.set_u64(EARNED, earned);
        self.add_payable(amount)
    }

    /// An uptime reward of `amount` moved into this account for the owner.
    pub fn add_reward(&mut self, amount: u64) -> ProgramResult {
        let rewards = self.rewards_earned().checked_add(amount).ok_or(ProgramError::ArithmeticOverflow)?;
        self.fields.set_u64(REWARDS_EARNED, rewards);
        self.add_payable(amount)
    }

    fn add_payable(&mut self, amount: u64) -> ProgramResult {
        let payable = self.payable().checked_add(amount).ok_or(ProgramError::ArithmeticOverflow)?;
        self.fields.set_u64(PAYABLE, payable);
        Ok(())
    }

    /// Everything payable, now paid out: returns the amount.
    pub fn take_payable(&mut self) -> u64 {
        let payable = self.payable();
        self.fields.set_u64(PAYABLE, 0);
        payable
    }

    /// Jails the host until `until`. The first jailing fixes the base every penalty
    /// slashes a share of, so the order in which penalties land changes no slash.
    pub fn jail(&mut self, until: i64) {
        if self.fields.u8(STATUS) != HostStatus::Jailed as u8 {
            self.fields.set_u64(SLASH_BASE, self.stake());
        }
        self.set_status(HostStatus::Jailed);
        self.fields.set_i64(JAILED_UNTIL, until);
    }

    /// A receipt was accepted at `now`.
    pub fn note_proof_at(&mut self, now: i64) {
        self.fields.set_i64(LAST_PROOF_AT, now);
    }

    /// A witness attested `epoch` at `now`: the epoch counts once, and only when it is later
    /// than every epoch counted before (so epochs are never counted twice, whichever lease
    /// proves them). Returns whether it counted (and so earns the epoch's reward).
    #[inline(always)]
    pub fn record_attested_epoch(&mut self, epoch: u64, now: i64) -> Result<bool, ProgramError> {
        let next = epoch.checked_add(1).ok_or(ProgramError::ArithmeticOverflow)?;
        self.fields.set_i64(LAST_PROOF_AT, now);
        if next <= self.last_proof_epoch() {
            return Ok(false);
        }
        let proven = self.proven_epochs().checked_add(1).ok_or(ProgramError::ArithmeticOverflow)?;
        self.fields.set_u64(PROVEN_EPOCHS, proven);
        self.fields.set_u64(LAST_PROOF_EPOCH, next);
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_host(buffer: &mut [u8]) -> Host<'_> {
        buffer[..8].copy_from_slice(&DISCRIMINATOR);
        let mut host = Host::from_bytes(buffer).unwrap();
        let (operator, owner) = (Pubkey::new([1; 32]), Pubkey::new([2; 32]));
        let fields = &mut host.fields;
        fields.set_bytes(OPERATOR, operator.as_bytes());
        fields.set_bytes(OWNER, owner.as_bytes());
        fields.set_bytes(PEER_ID, &expected_peer_id(&operator));
        fields.set_u64(STAKE, 5_000);
        fields.set_u8(STATUS, HostStatus::Registered as u8);
        fields.set_bytes(SPEC_HASH, &[3; 32]);
        fields.zero_from(PROVEN_EPOCHS);
        fields.set_i64(REGISTERED_AT, -7);
        fields.set_u8(BUMP, 250);
        host
    }

    #[test]
    fn layout_is_292_bytes_at_the_documented_offsets() {
        assert_eq!(LEN, 292);
        assert_eq!(DISCRIMINATOR, [141, 195, 28, 93, 45, 127, 175, 216], "the IDL's Host discriminator");
        let mut buffer = vec![0xaau8; LEN];
        let host = new_host(&mut buffer);
        assert!(host.operator() == Pubkey::new([1; 32]) && host.owner() == Pubkey::new([2; 32]));
        assert_eq!(host.peer_id()[..6], PEER_ID_PREFIX);
        assert_eq!((host.stake(), host.status(), host.spec_hash()), (5_000, Ok(HostStatus::Registered), &[3; 32]));
        assert_eq!((host.registered_at(), host.bump(), host.open_leases(), host.earned()), (-7, 250, 0, 0));
        assert_eq!(&buffer[110..118], &5_000u64.to_le_bytes());
        assert_eq!(&buffer[203..211], &(-7i64).to_le_bytes());
        assert_eq!(buffer[227], 250);
        assert!(buffer[228..].iter().all(|&b| b == 0), "reserved bytes are zero");
    }

    #[test]
    fn attested_epochs_count_each_later_epoch_once() {
        let mut buffer = vec![0u8; LEN];
        let mut host = new_host(&mut buffer);
        assert_eq!(host.record_attested_epoch(0, 100), Ok(true));
        assert_eq!((host.proven_epochs(), host.last_proof_epoch(), host.last_proof_at()), (1, 1, 100));
        assert_eq!(host.record_attested_epoch(0, 101), Ok(false), "same epoch: not again");
        assert_eq!((host.proven_epochs(), host.last_proof_epoch(), host.last_proof_at()), (1, 1, 101));
        assert_eq!(host.record_attested_epoch(5, 102), Ok(true));
        assert_eq!(host.record_attested_epoch(3, 103), Ok(false), "an older epoch does not count");
        assert_eq!((host.proven_epochs(), host.last_proof_epoch()), (2, 6));
        assert_eq!(host.record_attested_epoch(u64::MAX, 104), Err(ProgramError::ArithmeticOverflow));
    }

    #[test]
    fn counters_are_checked_and_payable_adds_up() {
        let mut buffer = vec![0u8; LEN];
        let mut host = new_host(&mut buffer);
        assert_eq!(host.remove_open_lease(), Err(ProgramError::ArithmeticOverflow));
        host.add_open_lease().unwrap();
        host.add_open_lease().unwrap();
        host.remove_open_lease().unwrap();
        assert_eq!(host.open_leases(), 1);
        host.add_earned(30).unwrap();
        host.add_reward(12).unwrap();
        assert_eq!((host.earned(), host.rewards_earned(), host.payable()), (30, 12, 42));
        assert_eq!(host.take_payable(), 42);
        assert_eq!((host.earned(), host.payable()), (30, 0));
        host.add_earned(u64::MAX - 30).unwrap();
        assert_eq!(host.add_earned(1), Err(ProgramError::ArithmeticOverflow));
    }

    #[test]
    fn the_first_jailing_fixes_the_slash_base() {
        let mut buffer = vec![0u8; LEN];
        let mut host = new_host(&mut buffer);
        host.jail(900);
        assert_eq!((host.status(), host.slash_base(), host.jailed_until()), (Ok(HostStatus::Jailed), 5_000, 900));
        host.set_stake(1_000);
        host.jail(1_200);
        assert_eq!((host.slash_base(), host.jailed_until()), (5_000, 1_200), "a later penalty keeps the base");
    }

    #[test]
    fn an_unknown_status_byte_is_invalid_account_data() {
        let mut buffer = vec![0u8; LEN];
        new_host(&mut buffer);
        buffer[STATUS] = 4;
        assert_eq!(Host::from_bytes(&mut buffer).unwrap().status(), Err(ProgramError::InvalidAccountData));
    }

    #[test]
    fn the_peer_id_is_the_identity_multihash_of_the_operator() {
        let peer_id = expected_peer_id(&Pubkey::new([9; 32]));
        assert_eq!(peer_id[..6], [0x00, 0x24, 0x08, 0x01, 0x12, 0x20]);
        assert_eq!(peer_id[6..], [9; 32]);
    }
}
