//! The symbol the loader calls, and the panic handler.

use crate::instructions;
use crate::runtime::input::Input;

/// Returned to the runtime when the instruction succeeded.
const SUCCESS: u64 = 0;

/// Called by the loader with the serialized instruction (see `runtime::input`).
///
/// # Safety
/// `input` must point at the aligned-format input region the loader prepares.
#[no_mangle]
pub unsafe extern "C" fn entrypoint(input: *mut u8) -> u64 {
    let input = Input::parse(input);
    match instructions::dispatch(&input) {
        Ok(()) => SUCCESS,
        Err(error) => {
            error.log();
            error.code()
        }
    }
}

#[cfg(not(test))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    crate::runtime::log::log("DeCloud: panicked");
    // SAFETY: `abort` takes no arguments and never returns.
    unsafe { crate::runtime::syscalls::abort() }
}
