//! Paying a lease's proven time, penalizing its host, and closing it: shared by
//! `settle_lease`, `close_lease` and `penalize_host`, whose accounts end with the same four:
//! config, host (writable), lease (writable), reward_pool (writable). No account the host
//! chose takes part: the host's share stays in the host account until its owner claims it.

use super::account_checks;
use crate::error::{ProgramError, ProgramResult};
use crate::protocol::amounts::{bps_of, Settlement};
use crate::protocol::coverage::{missing_epochs, LeaseTimes};
use crate::runtime::account::AccountView;
use crate::runtime::lamports::{close_into, move_lamports};
use crate::runtime::pubkey::Pubkey;
use crate::state::config::Config;
use crate::state::host::Host;
use crate::state::lease::Lease;
use crate::state::reward_pool::RewardPool;

/// The four accounts, checked: each is the program's account of its type, and the lease
/// belongs to the host.
pub struct LeaseAccounts<'a> {
    pub config: Config<'a>,
    pub host: Host<'a>,
    pub host_account: AccountView<'a>,
    pub lease: Lease<'a>,
    pub lease_account: AccountView<'a>,
    pub pool: RewardPool<'a>,
    pub pool_account: AccountView<'a>,
}

impl<'a> LeaseAccounts<'a> {
    #[inline(never)]
    pub fn check(accounts: [AccountView<'a>; 4], program_id: &Pubkey) -> Result<Self, ProgramError> {
        let [config_account, host_account, lease_account, pool_account] = accounts;
        for account in [&host_account, &lease_account, &pool_account] {
            account_checks::writable(account)?;
        }
        let config = Config::from_account(&config_account, program_id)?;
        let host = Host::from_account(&host_account, program_id)?;
        let lease = Lease::from_account(&lease_account, program_id)?;
        account_checks::is(&host_account, &lease.host(), ProgramError::LeaseHostMismatch)?;
        let pool = RewardPool::from_account(&pool_account, program_id)?;
        Ok(Self { config, host, host_account, lease, lease_account, pool, pool_account })
    }

    /// Pays `rate x` the proven seconds not paid yet: the lease's fee to the reward pool, the
    /// rest into the host account for its owner. Nothing to pay is a success that changes
    /// nothing.
    #[inline(never)]
    pub fn settle(&mut self) -> ProgramResult {
        let lease = &mut self.lease;
        let settlement = Settlement::of(lease.rate(), lease.proven_secs(), lease.settled_secs(), lease.fee_bps())?;
        if settlement.amount == 0 {
            return Ok(());
        }
        // Proven time lies within [start, max_end], so this holds; checked all the same
        // because it is what keeps the renter's escrow safe.
        let paid = lease.paid().checked_add(settlement.amount).ok_or(ProgramError::ArithmeticOverflow)?;
        if paid > lease.deposit() {
            return Err(ProgramError::InsufficientFunds);
        }
        move_lamports(&mut self.lease_account, &mut self.host_account, settlement.host_share())?;
        move_lamports(&mut self.lease_account, &mut self.pool_account, settlement.fee)?;
        lease.record_settled(settlement.amount)?;
        self.host.add_earned(settlement.host_share())?;
        self.pool.add_fees(settlement.fee)
    }

    /// More whole epochs went unproven, while the witnesses were seen alive, than the
    /// lease's grace allows.
    #[inline(never)]
    pub fn penalizable(&self, now: i64) -> bool {
        let times = LeaseTimes { proven_until: self.lease.proven_until(), max_end: self.lease.max_end() };
        let missing = missing_epochs(now, &times, self.config.proof_epoch_secs());
        !missing.is_empty() && self.pool.alive_epochs(missing.first, missing.last) > self.lease.grace_epochs() as u64
    }

    /// Jails the host until `now + jail_secs` and moves `slash_bps` of its stake at the first
    /// jailing (what is left of it at most) into the reward pool: nobody who can trigger a
    /// penalty is paid by it.
    #[inline(never)]
    pub fn penalize(&mut self, now: i64) -> ProgramResult {
        let jail = i64::try_from(self.config.jail_secs()).map_err(|_| ProgramError::ArithmeticOverflow)?;
        let host = &mut self.host;
        host.jail(now.checked_add(jail).ok_or(ProgramError::ArithmeticOverflow)?);
        let slash = bps_of(host.slash_base(), self.config.slash_bps() as u64).min(host.stake());
        move_lamports(&mut self.host_account, &mut self.pool_account, slash)?;
        host.set_stake(host.stake() - slash);
        self.pool.add_slashed(slash)
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
