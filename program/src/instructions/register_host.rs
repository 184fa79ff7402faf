//! `register_host(peer_id: [u8; 38], spec_hash: [u8; 32], stake: u64)`: creates the
//! operator's Host account at `["host", operator]` with the canonical bump (found here, so
//! an operator has one host account for good: a jailed operator cannot register again),
//! holding its rent plus the stake (paid by the operator), status Registered. `peer_id` must
//! be the operator key's libp2p identity, so an offer signed on the network is bound to this
//! account. The owner (payout address) must be able to receive: writable in this transaction
//! (the runtime demotes sysvars and programs to read-only), not executable, and not the host
//! account itself.
//!
//! Accounts: 0 operator (signer, writable), 1 owner (writable), 2 config, 3 host (writable,
//! PDA), 4 system program.

use super::account_checks;
use super::new_program_account::NewProgramAccount;
use crate::error::{ProgramError, ProgramResult};
use crate::runtime::clock::Clock;
use crate::runtime::discriminator;
use crate::runtime::input::Input;
use crate::runtime::log::log;
use crate::runtime::pda::find_program_address;
use crate::runtime::reader::BorshReader;
use crate::runtime::system_program;
use crate::state::config::Config;
use crate::state::host::{self, expected_peer_id, Host, NewHost, PEER_ID_LEN};

pub const DISCRIMINATOR: [u8; 8] = discriminator::instruction("register_host");

struct Args<'a> {
    peer_id: &'a [u8; PEER_ID_LEN],
    spec_hash: &'a [u8; 32],
    stake: u64,
}

#[inline(never)]
pub fn process(input: &Input, args: &[u8]) -> ProgramResult {
    log("Instruction: RegisterHost");
    let mut reader = BorshReader::new(args);
    let args = Args { peer_id: reader.read_bytes()?, spec_hash: reader.read_bytes()?, stake: reader.read_u64()? };
    reader.finish()?;
    let [operator, owner, config, host_account, system] = input.accounts::<5>()?;
    account_checks::writable_signer(&operator)?;
    account_checks::writable(&host_account)?;
    system_program::check_id(&system)?;
    // The host account itself would pay its owner by moving lamports to itself: nothing would ever leave.
    if !owner.is_writable() || owner.executable() || *owner.key() == *host_account.key() {
        log("the owner must be an address that can receive lamports: a wallet, not a sysvar, a program or the host account");
        return Err(ProgramError::OwnerCannotReceive);
    }
    let program_id = input.program_id();
    let config = Config::from_account(&config, program_id)?;
    if args.stake < config.min_host_stake() {
        return Err(ProgramError::StakeTooLow);
    }
    if *args.peer_id != expected_peer_id(operator.key()) {
        log("peer_id must be the libp2p identity multihash of the operator key: 0x00 0x24 0x08 0x01 0x12 0x20 ++ operator");
        return Err(ProgramError::InvalidArgument);
    }
    let address = find_program_address(&[host::SEED, operator.key().as_bytes()], program_id)?;
    account_checks::is(&host_account, &address.key, ProgramError::InvalidPda)?;
    account_checks::uninitialized(&host_account, program_id)?;
    let seeds: [&[u8]; 3] = [host::SEED, operator.key().as_bytes(), &[address.bump]];
    let new_account = NewProgramAccount { payer: &operator, account: &host_account, space: host::LEN, holding: args.stake, program_id };
    new_account.create(&seeds)?;
    let now = Clock::get()?.unix_timestamp;
    let new_host = NewHost {
        operator: operator.key(),
        owner: owner.key(),
        peer_id: args.peer_id,
        spec_hash: args.spec_hash,
        stake: args.stake,
        registered_at: now,
        bump: address.bump,
    };
    Host::write_new(&host_account, &new_host)
}
