//! The protocol's arithmetic, free of accounts so it is unit-tested on its own: what a
//! proof covers, and who gets how many lamports.

pub mod amounts;
pub mod coverage;
