//! AWS-shaped resource ids: validation, stable derivation from a scenario, and fresh ids from
//! the seeded generator.
//!
//! **Invariant:** nothing here reads a clock or a global RNG. Derived ids depend only on the
//! scenario id, the resource kind and its name; fresh ids only on the generator's seed and how
//! many ids it has drawn.

use rand::RngExt;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The id prefixes this simulator issues.
pub const PREFIXES: &[&str] = &[
    "vpc",
    "subnet",
    "sg",
    "sgr",
    "acl",
    "aclassoc",
    "i",
    "igw",
    "eni",
    "key",
    "rtb",
    "nat",
    "eipalloc",
    "vol",
    "h",
    "iip-assoc",
    "ami",
];

/// True when `id` is `PREFIX-` followed by 8 or 17 lowercase hex digits.
pub fn is_valid(prefix: &str, id: &str) -> bool {
    match id.strip_prefix(prefix).and_then(|r| r.strip_prefix('-')) {
        Some(hex) => {
            (hex.len() == 8 || hex.len() == 17)
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        }
        None => false,
    }
}

/// The shape message AWS gives for a malformed id, e.g.
/// `Invalid id: "web" (expecting "sg-...")`.
pub fn malformed_message(prefix: &str, id: &str) -> String {
    format!("Invalid id: \"{id}\" (expecting \"{prefix}-...\")")
}

/// FNV-1a, 64 bit: a stable hash (std's hasher is not guaranteed stable across releases).
fn fnv(data: &[u8], seed: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for &b in data {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A stable id derived from the scenario id, the kind and the resource's name: the same
/// scenario always gives the same ids.
pub fn derived(prefix: &str, scenario: &str, name: &str) -> String {
    let key = format!("{scenario}\u{0}{prefix}\u{0}{name}");
    let a = fnv(key.as_bytes(), 0);
    let b = fnv(key.as_bytes(), 0x9e37_79b9_7f4a_7c15);
    format!("{prefix}-{:016x}{:x}", a, b & 0xF)
}

/// Draws fresh ids from a seeded ChaCha8 stream (portable and stable across platforms).
#[derive(Clone, Debug)]
pub struct IdGen {
    rng: ChaCha8Rng,
}

impl IdGen {
    pub fn new(seed: u64) -> Self {
        IdGen {
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// `PREFIX-` + 17 hex digits.
    pub fn fresh(&mut self, prefix: &str) -> String {
        let a: u64 = self.rng.random();
        let b: u8 = self.rng.random();
        format!("{prefix}-{:016x}{:x}", a, b & 0xF)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.rng.random()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_id_shapes() {
        // FACTS: ids have AWS's shape: `sg-` + 8 or 17 hex digits.
        assert!(is_valid("sg", "sg-0123456789abcdef0"));
        assert!(is_valid("sg", "sg-1a2b3c4d"));
        assert!(!is_valid("sg", "sg-0123456789ABCDEF0"));
        assert!(!is_valid("sg", "sg-123"));
        assert!(!is_valid("sg", "web"));
        assert!(!is_valid("sg", "sgr-0123456789abcdef0"));
        assert_eq!(
            malformed_message("sg", "web"),
            "Invalid id: \"web\" (expecting \"sg-...\")"
        );
    }

    #[test]
    fn derived_and_fresh_ids_are_stable_and_valid() {
        let a = derived("sg", "demo", "web");
        assert_eq!(a, derived("sg", "demo", "web"));
        assert_ne!(a, derived("sg", "demo", "db"));
        assert!(is_valid("sg", &a));
        let mut g1 = IdGen::new(7);
        let mut g2 = IdGen::new(7);
        let x = g1.fresh("i");
        assert_eq!(x, g2.fresh("i"));
        assert!(is_valid("i", &x));
    }
}
