//! `open_lease(lease_id: u64, rate: u64, duration_secs: u64, quote_expires_at: i64,
//! delegate: Pubkey, terms_hash: [u8; 32])`: the renter locks `rate x duration_secs` lamports
//! in a new Lease account at `["lease", renter, lease_id, 255]` (plus its rent), bound to an
//! Active host, the rate, the max end (now + duration), the delegate and the hash of the
//! host's quote. Both sides consent: the instruction right before this one is the Ed25519
//! verification of the host operator's signature over
//! `"decloud/terms/v1" ++ renter ++ operator ++ lease_id ++ rate ++ duration_secs ++
//! quote_expires_at ++ delegate ++ terms_hash` (integers little-endian), and the quote must
//! not have expired. The lease keeps the config's fee and grace of now.
//!
//! The lease address uses bump 255 only: canonical whenever it exists, one address check
//! for any lease id (clients draw a lease id that has it).
//!
//! Accounts: 0 renter (signer, writable), 1 config, 2 host (writable), 3 lease (writable,
//! PDA), 4 system program, 5 the instructions sysvar.

use super::account_checks;
use super::new_program_account::NewProgramAccount;
use super::signed_message::{previous_signature, Message};
use crate::error::{ProgramError, ProgramResult};
use crate::protocol::amounts::deposit_for;
use crate::runtime::account::AccountView;
use crate::runtime::clock::Clock;
use crate::runtime::discriminator;
use crate::runtime::input::Input;
use crate::runtime::log::log;
use crate::runtime::pda::create_program_address;
use crate::runtime::pubkey::Pubkey;
use crate::runtime::reader::BorshReader;
use crate::runtime::system_program;
use crate::state::config::Config;
use crate::state::host::{Host, HostStatus};
use crate::state::lease::{self, Lease, NewLease};

pub const DISCRIMINATOR: [u8; 8] = discriminator::instruction("open_lease");
pub const TERMS_DOMAIN: &[u8] = b"decloud/terms/v1";

struct Args<'a> {
    lease_id: u64,
    rate: u64,
    duration_secs: u64,
    quote_expires_at: i64,
    delegate: Pubkey,
    terms_hash: &'a [u8; 32],
}

#[inline(always)]
fn decode_args(args: &[u8]) -> Result<Args<'_>, ProgramError> {
    let mut reader = BorshReader::new(args);
    let (lease_id, rate, duration_secs) = (reader.read_u64()?, reader.read_u64()?, reader.read_u64()?);
    let quote_expires_at = reader.read_i64()?;
    let delegate = reader.read_pubkey()?;
    let args = Args { lease_id, rate, duration_secs, quote_expires_at, delegate, terms_hash: reader.read_bytes()? };
    reader.finish()?;
    Ok(args)
}

#[inline(never)]
pub fn process(input: &Input, args: &[u8]) -> ProgramResult {
    log("Instruction: OpenLease");
    let args = decode_args(args)?;
    let [renter, config, host_account, lease_account, system, instructions] = input.accounts::<6>()?;
    account_checks::writable_signer(&renter)?;
    account_checks::writable(&host_account)?;
    account_checks::writable(&lease_account)?;
    system_program::check_id(&system)?;
    let program_id = input.program_id();
    let config = Config::from_account(&config, program_id)?;
    let mut host = Host::from_account(&host_account, program_id)?;
    match host.status()? {
        HostStatus::Active => {}
        HostStatus::Jailed => return Err(ProgramError::HostJailed),
        HostStatus::Registered | HostStatus::Inactive => return Err(ProgramError::HostNotActive),
    }
    if args.rate == 0 || args.duration_secs == 0 {
        log("rate and duration_secs must be greater than zero");
        return Err(ProgramError::InvalidArgument);
    }
    check_host_signed(&instructions, renter.key(), &host.operator(), &args)?;
    let start = Clock::get()?.unix_timestamp;
    if start > args.quote_expires_at {
        return Err(ProgramError::QuoteExpired);
    }
    let deposit = deposit_for(args.rate, args.duration_secs)?;
    let duration = i64::try_from(args.duration_secs).map_err(|_| ProgramError::ArithmeticOverflow)?;
    let max_end = start.checked_add(duration).ok_or(ProgramError::ArithmeticOverflow)?;

    let id = args.lease_id.to_le_bytes();
    let seeds: [&[u8]; 4] = [lease::SEED, renter.key().as_bytes(), &id, &[lease::BUMP_SEED]];
    // An id whose bump-255 address is on the curve has no lease address.
    let address = create_program_address(&seeds, program_id).map_err(|_| ProgramError::InvalidPda)?;
    account_checks::is(&lease_account, &address, ProgramError::InvalidPda)?;
    account_checks::uninitialized(&lease_account, program_id)?;
    let new_account = NewProgramAccount { payer: &renter, account: &lease_account, space: lease::LEN, holding: deposit, program_id };
    new_account.create(&seeds)?;
    let new_lease = NewLease {
        renter: renter.key(),
        host: host_account.key(),
        delegate: &args.delegate,
        lease_id: args.lease_id,
        rate: args.rate,
        deposit,
        start,
        max_end,
        fee_bps: config.fee_bps(),
        grace_epochs: config.grace_epochs(),
        terms_hash: args.terms_hash,
    };
    Lease::write_new(&lease_account, &new_lease)?;
    host.add_open_lease()
}

/// The host operator signed exactly these terms for this renter: TermsNotSigned otherwise.
#[inline(never)]
fn check_host_signed(instructions: &AccountView, renter: &Pubkey, operator: &Pubkey, args: &Args) -> ProgramResult {
    let signature = previous_signature(instructions, ProgramError::TermsNotSigned)?;
    let signed_terms = signature.public_key == operator.as_bytes()
        && Message::new(signature.message)
            .part(TERMS_DOMAIN)
            .part(renter.as_bytes())
            .part(operator.as_bytes())
            .part(&args.lease_id.to_le_bytes())
            .part(&args.rate.to_le_bytes())
            .part(&args.duration_secs.to_le_bytes())
            .part(&args.quote_expires_at.to_le_bytes())
            .part(args.delegate.as_bytes())
            .part(args.terms_hash)
            .is_exactly();
    match signed_terms {
        true => Ok(()),
        false => Err(ProgramError::TermsNotSigned),
    }
}
