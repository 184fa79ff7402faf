//! Paying a lease's proven time, and closing a lease: shared by `settle_lease`,
//! `close_lease` and `penalize_host`, whose accounts end with the same five:
//! config, host (writable), lease (writable), owner (writable), reward_pool (writable).

use super::account_checks;
use super::owner_payout::pay_owner;
use crate::error::{ProgramError, ProgramResult};
use crate::protocol::amounts::Settlement;
use crate::runtime::account::AccountView;
use crate::runtime::lamports::{close_into, move_lamports};
use crate::runtime::pubkey::Pubkey;
use crate::state::config::Config;
use crate::state::host::Host;
use crate::state::lease::Lease;
use crate::state::reward_pool::RewardPool;

/// The five accounts, checked: each is the program's account of its type, the lease
/// belongs to the host, the owner is the host's payout address.
pub struct LeaseAccounts<'a> {
    pub config: Config<'a>,
    pub host: Host<'a>,
    pub host_account: AccountView<'a>,
    pub lease: Lease<'a>,
    pub lease_account: AccountView<'a>,
    pub owner_account: AccountView<'a>,
    pub pool: RewardPool<'a>,
    pub pool_account: AccountView<'a>,
}

impl<'a> LeaseAccounts<'a> {
    #[inline(never)]
    pub fn check(accounts: [AccountView<'a>; 5], program_id: &Pubkey) -> Result<Self, ProgramError> {
        let [config_account, host_account, lease_account, owner_account, pool_account] = accounts;
        for account in [&host_account, &lease_account, &owner_account, &pool_account] {
            account_checks::writable(account)?;
        }
        let config = Config::from_account(&config_account, program_id)?;
        let host = Host::from_account(&host_account, program_id)?;
        let lease = Lease::from_account(&lease_account, program_id)?;
        account_checks::is(&host_account, &lease.host(), ProgramError::LeaseHostMismatch)?;
        account_checks::is(&owner_account, &host.owner(), ProgramError::WrongOwner)?;
        let pool = RewardPool::from_account(&pool_account, program_id)?;
        Ok(Self { config, host, host_account, lease, lease_account, owner_account, pool, pool_account })
    }

    /// Pays `rate x` the proven seconds not paid yet: the fee to the reward pool, the
    /// rest to the owner (or its stake, see owner_payout.rs). Nothing to pay is a success
    /// that changes nothing.
    #[inline(never)]
    pub fn settle(&mut self) -> ProgramResult {
        let lease = &mut self.lease;
        let settlement = Settlement::of(lease.rate(), lease.proven_secs(), lease.settled_secs(), self.config.fee_bps())?;
        if settlement.amount == 0 {
            return Ok(());
        }
        // Proven time lies within [start, max_end], so this holds; checked all the same
        // because it is what keeps the renter's escrow safe.
        let paid = lease.paid().checked_add(settlement.amount).ok_or(ProgramError::ArithmeticOverflow)?;
        if paid > lease.deposit() {
            return Err(ProgramError::InsufficientFunds);
        }
        pay_owner(&mut self.lease_account, &mut self.owner_account, &mut self.host_account, &mut self.host, settlement.host_share())?;
        move_lamports(&mut self.lease_account, &mut self.pool_account, settlement.fee)?;
        lease.record_settled(settlement.amount)?;
        self.host.add_earned(settlement.host_share())?;
        self.pool.add_fees(settlement.fee)
    }

    /// Settles, then closes the lease: everything left in it (the unproven deposit and
    /// the rent) goes to `renter`, and the host has one open lease less.
    #[inline(never)]
    pub fn settle_and_close(&mut self, renter: &mut AccountView) -> ProgramResult {
        self.settle()?;
        close_into(&mut self.lease_account, renter)?;
        self.host.remove_open_lease()
    }
}
