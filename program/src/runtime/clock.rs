//! The Clock sysvar (read through its syscall, no account needed).

use super::syscalls;
use crate::error::ProgramError;

/// The sysvar as the syscall writes it.
#[repr(C)]
pub struct Clock {
    pub slot: u64,
    pub epoch_start_timestamp: i64,
    pub epoch: u64,
    pub leader_schedule_epoch: u64,
    /// Seconds since the Unix epoch, as the cluster's stake-weighted vote time.
    pub unix_timestamp: i64,
}

impl Clock {
    pub fn get() -> Result<Clock, ProgramError> {
        let mut clock = Clock { slot: 0, epoch_start_timestamp: 0, epoch: 0, leader_schedule_epoch: 0, unix_timestamp: 0 };
        // SAFETY: `Clock` has the sysvar's layout and size.
        match unsafe { syscalls::sol_get_clock_sysvar(&mut clock as *mut Clock as *mut u8) } {
            0 => Ok(clock),
            _ => Err(ProgramError::UnsupportedSysvar),
        }
    }
}
