//! The quiz's only source of randomness: a seeded ChaCha8 stream (portable and stable across
//! platforms and releases, like `model::ids`), with the few draws quizzes need. Shuffling is
//! written here (Fisher–Yates over `next_u64`) rather than taken from `rand`, so the order a
//! seed gives can never change with a `rand` upgrade.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub struct Dice {
    rng: ChaCha8Rng,
}

/// FNV-1a of text, mixed with a seed: derives a sub-seed (e.g. per question id).
pub fn mix(seed: u64, text: &str) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    for b in text.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

impl Dice {
    pub fn new(seed: u64) -> Dice {
        Dice {
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }

    /// A number in `0..n` (0 when n is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.rng.next_u64() % n as u64) as usize
        }
    }

    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: u16, hi: u16) -> u16 {
        let (lo, hi) = (lo.min(hi), lo.max(hi));
        lo + (self.rng.next_u64() % (hi as u64 - lo as u64 + 1)) as u16
    }

    /// True with probability `num / den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        den > 0 && self.rng.next_u64() % den < num
    }

    /// One element (the first when the slice has one).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_draws() {
        let mut a = Dice::new(42);
        let mut b = Dice::new(42);
        let mut xs: Vec<u32> = (0..20).collect();
        let mut ys = xs.clone();
        a.shuffle(&mut xs);
        b.shuffle(&mut ys);
        assert_eq!(xs, ys);
        assert_ne!(xs, (0..20).collect::<Vec<_>>());
        assert_eq!(a.between(5, 9), b.between(5, 9));
        assert_ne!(mix(1, "a"), mix(2, "a"));
        assert_ne!(mix(1, "a"), mix(1, "b"));
    }
}
