//! Anchor's 8-byte discriminators, computed at compile time.

use super::sha256::Sha256;

pub const LEN: usize = 8;

/// `sha256("global:<instruction>")[..8]`: the first 8 bytes of an instruction's data.
pub const fn instruction(name: &str) -> [u8; LEN] {
    first_eight(Sha256::new().update(b"global:").update(name.as_bytes()).finish())
}

/// `sha256("account:<Type>")[..8]`: the first 8 bytes of an account's data.
pub const fn account(type_name: &str) -> [u8; LEN] {
    first_eight(Sha256::new().update(b"account:").update(type_name.as_bytes()).finish())
}

const fn first_eight(hash: [u8; 32]) -> [u8; LEN] {
    [hash[0], hash[1], hash[2], hash[3], hash[4], hash[5], hash[6], hash[7]]
}

#[cfg(test)]
mod tests {
    #[test]
    fn matches_anchor_values_computed_with_node() {
        // node -e "crypto.createHash('sha256').update('global:initialize').digest('hex')"
        assert_eq!(super::instruction("initialize"), [0xaf, 0xaf, 0x6d, 0x1f, 0x0d, 0x98, 0x9b, 0xed]);
        assert_eq!(super::account("Config"), [0x9b, 0x0c, 0xaa, 0xe0, 0x1e, 0xfa, 0xcc, 0x82]);
    }
}
