//! The program's errors. The enum's discriminant is the value the entrypoint returns:
//! Solana's built-in `ProgramError`s are `n << 32` (for runtime-level failures), DeCloud's
//! own are custom errors from 6000, which `@coral-xyz/anchor` maps to names through the
//! IDL. Each error is logged once, in Anchor's format for custom errors, before the
//! instruction fails.

use crate::runtime::log;

pub type ProgramResult = Result<(), ProgramError>;

macro_rules! program_errors {
    (
        builtin { $( $(#[$bdoc:meta])* $bname:ident = $bnum:literal => $bmsg:literal, )* }
        custom { $( $(#[$cdoc:meta])* $cname:ident = $cnum:literal => $cmsg:literal, )* }
    ) => {
        #[derive(Clone, Copy, PartialEq, Eq)]
        #[cfg_attr(test, derive(Debug))]
        #[repr(u64)]
        pub enum ProgramError {
            $( $(#[$bdoc])* $bname = $bnum << 32, )*
            $( $(#[$cdoc])* $cname = $cnum, )*
        }

        impl ProgramError {
            /// Every error, in declaration order.
            pub const ALL: &'static [ProgramError] = &[$(Self::$bname,)* $(Self::$cname,)*];

            pub const fn name(self) -> &'static str {
                match self { $(Self::$bname => stringify!($bname),)* $(Self::$cname => stringify!($cname),)* }
            }

            pub const fn message(self) -> &'static str {
                match self { $(Self::$bname => $bmsg,)* $(Self::$cname => $cmsg,)* }
            }

            /// The whole log line, built at compile time so failing costs one log syscall.
            pub const fn log_line(self) -> &'static str {
                match self {
                    $(Self::$bname => concat!("Error: ", stringify!($bname), ". ", $bmsg, "."),)*
                    $(Self::$cname => concat!(
                        "AnchorError occurred. Error Code: ", stringify!($cname),
                        ". Error Number: ", stringify!($cnum), ". Error Message: ", $cmsg, "."
                    ),)*
                }
            }
        }
    };
}

program_errors! {
    builtin {
        /// Solana's `InvalidArgument`: a syscall rejected its arguments (a failing CPI
        /// callee aborts the whole transaction instead).
        InvalidSyscallArgument = 2 => "a syscall rejected its arguments",
        /// A program account is not the program the instruction calls.
        IncorrectProgramId = 7 => "a program account is not the program the instruction calls",
        NotEnoughAccountKeys = 11 => "the instruction got fewer accounts than it needs",
        /// The PDA syscall found no address for the seeds.
        InvalidSeeds = 14 => "no program address exists for these seeds",
        /// The sysvar syscall failed.
        UnsupportedSysvar = 17 => "the runtime did not provide a sysvar the program reads",
    }
    // Numbers, names and messages are the IDL's (scripts/idl/program-interface.ts).
    custom {
        AlreadyInitialized = 6000 => "The account already exists (config, host or lease)",
        InvalidArgument = 6001 => "An instruction argument is out of range",
        InvalidPda = 6002 => "An account is not the expected program address",
        MissingSigner = 6003 => "A required signature is missing",
        NotWritable = 6004 => "An account that must be writable is not",
        WrongAccountOwner = 6005 => "An account is not owned by the expected program",
        InvalidDiscriminator = 6006 => "An account has the wrong type discriminator",
        InvalidAccountData = 6007 => "An account has the wrong size or content",
        InvalidInstructionData = 6008 => "The instruction data cannot be decoded",
        UnknownInstruction = 6009 => "No instruction has this discriminator",
        ArithmeticOverflow = 6010 => "An amount would overflow",
        Unauthorized = 6011 => "The signer may not do this",
        StakeTooLow = 6012 => "The stake is below the minimum host stake",
        HostNotActive = 6013 => "The host is not active",
        HostJailed = 6014 => "The host is jailed",
        InvalidHostStatus = 6015 => "The host status does not allow this",
        HostHasOpenLeases = 6016 => "The host still has open leases",
        LeaseExpired = 6017 => "The lease has reached its max end",
        LeaseHostMismatch = 6018 => "The lease belongs to another host",
        WrongOwner = 6019 => "The owner account is not the host's payout address",
        WrongRenter = 6020 => "The renter account is not the lease's renter",
        ProofMissing = 6021 => "No Ed25519 instruction precedes this proof",
        ProofInvalid = 6022 => "The signed proof does not match the lease, host or signer",
        ProofStale = 6023 => "The proof is replayed or older than what is already proven",
        ProofInFuture = 6024 => "The proof covers time that has not passed yet",
        NotWitness = 6025 => "The attestation signer is not a configured witness",
        WithinGrace = 6026 => "The host is still within its grace period",
        NothingToClaim = 6027 => "There is nothing to claim",
        InsufficientFunds = 6028 => "Not enough lamports for this",
        TermsNotSigned = 6029 => "The host operator's signature over the lease terms is missing or does not match",
        QuoteExpired = 6030 => "The quote expired before the lease was opened",
        StillJailed = 6031 => "The host's jail time has not ended",
        OwnerCannotReceive = 6032 => "The owner address cannot receive lamports (read-only or executable)",
        NotUpgradeAuthority = 6033 => "The signer is not the program's upgrade authority",
    }
}

impl ProgramError {
    /// The value the entrypoint returns to the runtime.
    pub const fn code(self) -> u64 {
        self as u64
    }

    pub fn log(self) {
        log::log(self.log_line());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_follow_the_conventions() {
        // Custom errors are numbered 6000, 6001, ... without gaps, like the IDL's.
        let custom: Vec<u64> = ProgramError::ALL.iter().map(|e| e.code()).filter(|c| *c < 1 << 32).collect();
        assert_eq!(custom, (6000..6000 + custom.len() as u64).collect::<Vec<_>>());
        for (i, error) in ProgramError::ALL.iter().enumerate() {
            assert!(ProgramError::ALL[i + 1..].iter().all(|other| other.code() != error.code()), "{}", error.name());
            let code = error.code();
            assert!(code >> 32 != 0 && code & 0xffff_ffff == 0 || (6000..7000).contains(&code), "{} = {code}", error.name());
        }
        assert_eq!(ProgramError::AlreadyInitialized.code(), 6000);
        assert_eq!(ProgramError::NotEnoughAccountKeys.code(), 11 << 32);
    }

    #[test]
    fn log_lines_use_anchors_format_for_custom_errors() {
        assert_eq!(
            ProgramError::AlreadyInitialized.log_line(),
            "AnchorError occurred. Error Code: AlreadyInitialized. Error Number: 6000. Error Message: The account already exists (config, host or lease)."
        );
        assert_eq!(ProgramError::InvalidSeeds.log_line(), "Error: InvalidSeeds. no program address exists for these seeds.");
    }
}
