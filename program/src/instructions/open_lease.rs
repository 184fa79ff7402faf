//! `open_lease(lease_id: u64, rate: u64, duration_secs: u64, terms_hash: [u8; 32], bump: u8)`:
//! the renter locks `rate x duration_secs` lamports in a new Lease account at
//! `["lease", renter, lease_id, bump]` (plus its rent), bound to an Active host, the rate,
//! the max end (now + duration) and the hash of the host's quote.
//!
//! The caller gives the bump (clients find it off-chain, as `findProgramAddressSync` does):
//! checking one address costs the same whatever the lease id, where searching for the
//! bump on-chain costs ~1,500 CU more for every bump below 255.
//!
//! Accounts: 0 renter (signer, writable), 1 config, 2 host (writable), 3 lease (writable,
//! PDA), 4 system program.

use super::account_checks;
use super::new_program_account::NewProgramAccount;
use crate::error::{ProgramError, ProgramResult};
use crate::protocol::amounts::deposit_for;
use crate::runtime::clock::Clock;
use crate::runtime::discriminator;
use crate::runtime::input::Input;
use crate::runtime::log::log;
use crate::runtime::pda::create_program_address;
use crate::runtime::reader::BorshReader;
use crate::runtime::system_program;
use crate::state::config::Config;
use crate::state::host::{Host, HostStatus};
use crate::state::lease::{self, Lease, NewLease};

pub const DISCRIMINATOR: [u8; 8] = discriminator::instruction("open_lease");

struct Args<'a> {
    lease_id: u64,
    rate: u64,
    duration_secs: u64,
    terms_hash: &'a [u8; 32],
    bump: u8,
}

#[inline(never)]
pub fn process(input: &Input, args: &[u8]) -> ProgramResult {
    log("Instruction: OpenLease");
    let mut reader = BorshReader::new(args);
    let (lease_id, rate, duration_secs) = (reader.read_u64()?, reader.read_u64()?, reader.read_u64()?);
    let args = Args { lease_id, rate, duration_secs, terms_hash: reader.read_bytes()?, bump: reader.read_u8()? };
    reader.finish()?;
    let [renter, config, host_account, lease_account, system] = input.accounts::<5>()?;
    account_checks::writable_signer(&renter)?;
    account_checks::writable(&host_account)?;
    account_checks::writable(&lease_account)?;
    system_program::check_id(&system)?;
    let program_id = input.program_id();
    Config::from_account(&config, program_id)?;
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
    let deposit = deposit_for(args.rate, args.duration_secs)?;
    let start = Clock::get()?.unix_timestamp;
    let duration = i64::try_from(args.duration_secs).map_err(|_| ProgramError::ArithmeticOverflow)?;
    let max_end = start.checked_add(duration).ok_or(ProgramError::ArithmeticOverflow)?;

    let id = args.lease_id.to_le_bytes();
    let seeds: [&[u8]; 4] = [lease::SEED, renter.key().as_bytes(), &id, &[args.bump]];
    // A bump that gives no address (a point on the curve) is a wrong PDA too.
    let address = create_program_address(&seeds, program_id).map_err(|_| ProgramError::InvalidPda)?;
    account_checks::is(&lease_account, &address, ProgramError::InvalidPda)?;
    account_checks::uninitialized(&lease_account, program_id)?;
    let new_account = NewProgramAccount { payer: &renter, account: &lease_account, space: lease::LEN, holding: deposit, program_id };
    new_account.create(&seeds)?;
    let new_lease = NewLease {
        renter: renter.key(),
        host: host_account.key(),
        lease_id: args.lease_id,
        rate: args.rate,
        deposit,
        start,
        max_end,
        terms_hash: args.terms_hash,
        bump: args.bump,
    };
    Lease::write_new(&lease_account, &new_lease)?;
    host.add_open_lease()
}
