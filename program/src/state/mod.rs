//! Account layouts (borsh-compatible bytes at fixed offsets, read and written in place).

pub mod config;
pub mod fields;
pub mod host;
pub mod lease;
pub mod reward_pool;
