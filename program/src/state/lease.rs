//! The Lease account, at the PDA `["lease", renter, lease_id (u64 LE), 255]`: the escrow of one
//! rental. Its lamports are its rent plus the unpaid part of the deposit; closing it pays
//! the proven part to the host and the rest to the renter, and deletes it.
//!
//! Layout (borsh, little-endian, no padding; the IDL's `Lease` type):
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0   | 8  | discriminator = `sha256("account:Lease")[..8]` |
//! | 8   | 32 | renter: Pubkey |
//! | 40  | 32 | host: Pubkey (the Host account's address) |
//! | 72  | 32 | delegate: Pubkey (a session key whose receipts count as the renter's; zero = none) |
//! | 104 | 8  | lease_id: u64 |
//! | 112 | 8  | rate: u64 (lamports per second) |
//! | 120 | 8  | deposit: u64 (rate x every second paid for) |
//! | 128 | 8  | start: i64 |
//! | 136 | 8  | max_end: i64 |
//! | 144 | 8  | proven_until: i64 (proofs cover time up to here) |
//! | 152 | 8  | proven_secs: u64 |
//! | 160 | 8  | settled_secs: u64 (proven seconds already paid) |
//! | 168 | 8  | paid: u64 (lamports paid to the host and the fee) |
//! | 176 | 2  | fee_bps: u16 (the config's at open: later changes never apply) |
//! | 178 | 4  | grace_epochs: u32 (likewise) |
//! | 182 | 32 | terms_hash: [u8; 32] (hash of the host's quote, which the host signed) |
//! | 214 | 1  | status: LeaseStatus (Open; a closed lease no longer exists) |
//! | 215 | 1  | bump: u8 (always 255) |
//!
//! Total: 216 bytes.

use super::fields::Fields;
use crate::error::{ProgramError, ProgramResult};
use crate::runtime::account::AccountView;
use crate::runtime::discriminator;
use crate::runtime::pubkey::Pubkey;

pub const SEED: &[u8] = b"lease";
pub const DISCRIMINATOR: [u8; 8] = discriminator::account("Lease");

/// The only bump a lease address may have: canonical whenever it exists, and checking one
/// address costs the same for every lease id (clients draw ids until it exists).
pub const BUMP_SEED: u8 = 255;

const RENTER: usize = 8;
const HOST: usize = 40;
const DELEGATE: usize = 72;
const LEASE_ID: usize = 104;
const RATE: usize = 112;
const DEPOSIT: usize = 120;
const START: usize = 128;
const MAX_END: usize = 136;
const PROVEN_UNTIL: usize = 144;
const PROVEN_SECS: usize = 152;
const SETTLED_SECS: usize = 160;
const PAID: usize = 168;
const FEE_BPS: usize = 176;
const GRACE_EPOCHS: usize = 178;
const TERMS_HASH: usize = 182;
const STATUS: usize = 214;
const BUMP: usize = 215;
pub const LEN: usize = BUMP + 1;

/// `LeaseStatus::Open`; `Closed` (1) is never stored: closing deletes the account.
const STATUS_OPEN: u8 = 0;

/// What `open_lease` stores; the proof and payment fields start at zero.
pub struct NewLease<'a> {
    pub renter: &'a Pubkey,
    pub host: &'a Pubkey,
    pub delegate: &'a Pubkey,
    pub lease_id: u64,
    pub rate: u64,
    pub deposit: u64,
    pub start: i64,
    pub max_end: i64,
    pub fee_bps: u16,
    pub grace_epochs: u32,
    pub terms_hash: &'a [u8; 32],
}

/// A Lease account's data, read and written in place.
pub struct Lease<'a> {
    fields: Fields<'a>,
}

impl<'a> Lease<'a> {
    /// The lease in `account`: owned by the program, `LEN` bytes, Lease discriminator.
    pub fn from_account(account: &AccountView<'a>, program_id: &Pubkey) -> Result<Self, ProgramError> {
        Ok(Self { fields: Fields::of_program_account(account, program_id, &DISCRIMINATOR, LEN)? })
    }

    pub fn from_bytes(bytes: &'a mut [u8]) -> Result<Self, ProgramError> {
        Ok(Self { fields: Fields::of_bytes(bytes, &DISCRIMINATOR, LEN)? })
    }

    /// Writes a whole new lease into `account` (just created, `LEN` zeroed bytes).
    #[inline(never)]
    pub fn write_new(account: &AccountView<'a>, lease: &NewLease) -> ProgramResult {
        let mut fields = Fields::of_new_account(account, LEN)?;
        fields.set_bytes(0, &DISCRIMINATOR);
        fields.set_bytes(RENTER, lease.renter.as_bytes());
        fields.set_bytes(HOST, lease.host.as_bytes());
        fields.set_bytes(DELEGATE, lease.delegate.as_bytes());
        fields.set_u64(LEASE_ID, lease.lease_id);
        fields.set_u64(RATE, lease.rate);
        fields.set_u64(DEPOSIT, lease.deposit);
        fields.set_i64(START, lease.start);
        fields.set_i64(MAX_END, lease.max_end);
        fields.set_i64(PROVEN_UNTIL, lease.start);
        fields.zero_from(PROVEN_SECS);
        fields.set_bytes(FEE_BPS, &lease.fee_bps.to_le_bytes());
        fields.set_u32(GRACE_EPOCHS, lease.grace_epochs);
        fields.set_bytes(TERMS_HASH, lease.terms_hash);
        fields.set_u8(STATUS, STATUS_OPEN);
        fields.set_u8(BUMP, BUMP_SEED);
        Ok(())
    }

    pub fn renter(&self) -> Pubkey {
        self.fields.pubkey(RENTER)
    }
    pub fn host(&self) -> Pubkey {
        self.fields.pubkey(HOST)
    }
    pub fn delegate(&self) -> Pubkey {
        self.fields.pubkey(DELEGATE)
    }
    pub fn lease_id(&self) -> u64 {
        self.fields.u64(LEASE_ID)
    }
    pub fn rate(&self) -> u64 {
        self.fields.u64(RATE)
    }
    pub fn deposit(&self) -> u64 {
        self.fields.u64(DEPOSIT)
    }
    pub fn start(&self) -> i64 {
        self.fields.i64(START)
    }
    pub fn max_end(&self) -> i64 {
        self.fields.i64(MAX_END)
    }
    pub fn proven_until(&self) -> i64 {
        self.fields.i64(PROVEN_UNTIL)
    }
    pub fn proven_secs(&self) -> u64 {
        self.fields.u64(PROVEN_SECS)
    }
    pub fn settled_secs(&self) -> u64 {
        self.fields.u64(SETTLED_SECS)
    }
    pub fn paid(&self) -> u64 {
        self.fields.u64(PAID)
    }
    pub fn fee_bps(&self) -> u16 {
        u16::from_le_bytes(*self.fields.bytes(FEE_BPS))
    }
    pub fn grace_epochs(&self) -> u32 {
        self.fields.u32(GRACE_EPOCHS)
    }
    pub fn terms_hash(&self) -> &'a [u8; 32] {
        self.fields.bytes(TERMS_HASH)
    }
    pub fn status(&self) -> u8 {
        self.fields.u8(STATUS)
    }
    pub fn bump(&self) -> u8 {
        self.fields.u8(BUMP)
    }

    /// A top-up bought `extra_secs` more for `amount` lamports.
    pub fn extend(&mut self, amount: u64, extra_secs: i64) -> ProgramResult {
        let deposit = self.deposit().checked_add(amount).ok_or(ProgramError::ArithmeticOverflow)?;
        let max_end = self.max_end().checked_add(extra_secs).ok_or(ProgramError::ArithmeticOverflow)?;
        self.fields.set_u64(DEPOSIT, deposit);
        self.fields.set_i64(MAX_END, max_end);
        Ok(())
    }

    /// Proofs now cover `[.., to]`; `secs` of it is new.
    pub fn record_proven(&mut self, secs: u64, to: i64) -> ProgramResult {
        let proven = self.proven_secs().checked_add(secs).ok_or(ProgramError::ArithmeticOverflow)?;
        self.fields.set_u64(PROVEN_SECS, proven);
        self.fields.set_i64(PROVEN_UNTIL, to);
        Ok(())
    }

    /// A settlement paid `amount` for every proven second.
    pub fn record_settled(&mut self, amount: u64) -> ProgramResult {
        let paid = self.paid().checked_add(amount).ok_or(ProgramError::ArithmeticOverflow)?;
        self.fields.set_u64(PAID, paid);
        self.fields.set_u64(SETTLED_SECS, self.proven_secs());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_lease(buffer: &mut [u8]) -> Lease<'_> {
        buffer[..8].copy_from_slice(&DISCRIMINATOR);
        let mut lease = Lease::from_bytes(buffer).unwrap();
        let fields = &mut lease.fields;
        fields.set_bytes(RENTER, &[1; 32]);
        fields.set_bytes(HOST, &[2; 32]);
        fields.set_bytes(DELEGATE, &[4; 32]);
        fields.set_u64(LEASE_ID, 77);
        fields.set_u64(RATE, 10);
        fields.set_u64(DEPOSIT, 1_000);
        fields.set_i64(START, 500);
        fields.set_i64(MAX_END, 600);
        fields.set_i64(PROVEN_UNTIL, 500);
        fields.zero_from(PROVEN_SECS);
        fields.set_bytes(FEE_BPS, &250u16.to_le_bytes());
        fields.set_u32(GRACE_EPOCHS, 3);
        fields.set_bytes(TERMS_HASH, &[3; 32]);
        fields.set_u8(BUMP, 255);
        lease
    }

    #[test]
    fn layout_is_216_bytes_at_the_documented_offsets() {
        assert_eq!(LEN, 216);
        assert_eq!(DISCRIMINATOR, [14, 103, 218, 61, 248, 234, 105, 84], "the IDL's Lease discriminator");
        let mut buffer = vec![0xaau8; LEN];
        let lease = new_lease(&mut buffer);
        assert!(lease.renter() == Pubkey::new([1; 32]) && lease.host() == Pubkey::new([2; 32]));
        assert!(lease.delegate() == Pubkey::new([4; 32]));
        assert_eq!((lease.fee_bps(), lease.grace_epochs()), (250, 3));
        assert_eq!((lease.lease_id(), lease.rate(), lease.deposit()), (77, 10, 1_000));
        assert_eq!((lease.start(), lease.max_end(), lease.proven_until()), (500, 600, 500));
        assert_eq!((lease.proven_secs(), lease.settled_secs(), lease.paid()), (0, 0, 0));
        assert_eq!((lease.terms_hash(), lease.status(), lease.bump()), (&[3; 32], 0, 255));
        assert_eq!(&buffer[136..144], &600i64.to_le_bytes());
        assert_eq!(&buffer[176..182], &[250, 0, 3, 0, 0, 0]);
        assert_eq!(buffer[215], 255);
    }

    #[test]
    fn proofs_settlements_and_top_ups_update_their_fields() {
        let mut buffer = vec![0u8; LEN];
        let mut lease = new_lease(&mut buffer);
        lease.record_proven(30, 530).unwrap();
        lease.record_proven(20, 560).unwrap();
        assert_eq!((lease.proven_secs(), lease.proven_until()), (50, 560));
        lease.record_settled(500).unwrap();
        assert_eq!((lease.settled_secs(), lease.paid()), (50, 500));
        lease.extend(400, 40).unwrap();
        assert_eq!((lease.deposit(), lease.max_end()), (1_400, 640));
        assert_eq!(lease.extend(u64::MAX, 1), Err(ProgramError::ArithmeticOverflow));
        assert_eq!(lease.extend(1, i64::MAX), Err(ProgramError::ArithmeticOverflow));
        assert_eq!((lease.deposit(), lease.max_end()), (1_400, 640), "a failed top-up changes nothing");
    }

    #[test]
    fn from_bytes_rejects_wrong_size_and_discriminator() {
        let mut buffer = vec![0u8; LEN + 1];
        buffer[..8].copy_from_slice(&DISCRIMINATOR);
        assert!(matches!(Lease::from_bytes(&mut buffer), Err(ProgramError::InvalidAccountData)));
        buffer[0] ^= 1;
        assert!(matches!(Lease::from_bytes(&mut buffer[..LEN]), Err(ProgramError::InvalidDiscriminator)));
    }
}
