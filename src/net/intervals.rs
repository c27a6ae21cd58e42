//! Interval sets over ordered integer domains (ports, IPv4 and IPv6 addresses, services).
//!
//! An [`IntervalSet`] is a sorted list of disjoint, non-adjacent inclusive ranges. It is the
//! algebra every "set of addresses" or "set of ports" in the engine is built on: union,
//! intersection, difference and complement are exact, and the canonical form makes equality
//! structural.

use std::fmt::Debug;

/// An integer domain with a least and greatest element.
pub trait Point: Copy + Ord + Debug + std::hash::Hash {
    const MIN: Self;
    const MAX: Self;
    /// The next point; only called on values below `MAX`.
    fn succ(self) -> Self;
    /// The previous point; only called on values above `MIN`.
    fn pred(self) -> Self;
}

macro_rules! point {
    ($($t:ty),*) => {$(
        impl Point for $t {
            const MIN: Self = <$t>::MIN;
            const MAX: Self = <$t>::MAX;
            fn succ(self) -> Self { self + 1 }
            fn pred(self) -> Self { self - 1 }
        }
    )*};
}
point!(u8, u16, u32, u64, u128);

/// A set of points, as sorted disjoint non-adjacent inclusive ranges.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct IntervalSet<T: Point> {
    ranges: Vec<(T, T)>,
}

impl<T: Point> Debug for IntervalSet<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set()
            .entries(self.ranges.iter().map(|(a, b)| a..=b))
            .finish()
    }
}

impl<T: Point> IntervalSet<T> {
    pub const fn empty() -> Self {
        IntervalSet { ranges: Vec::new() }
    }

    pub fn full() -> Self {
        Self::range(T::MIN, T::MAX)
    }

    /// `lo..=hi`; empty when `lo > hi`.
    pub fn range(lo: T, hi: T) -> Self {
        if lo > hi {
            Self::empty()
        } else {
            IntervalSet {
                ranges: vec![(lo, hi)],
            }
        }
    }

    pub fn single(p: T) -> Self {
        Self::range(p, p)
    }

    /// Builds a set from arbitrary (possibly overlapping, unordered) ranges.
    pub fn from_ranges(mut ranges: Vec<(T, T)>) -> Self {
        ranges.retain(|(a, b)| a <= b);
        ranges.sort_unstable();
        let mut out: Vec<(T, T)> = Vec::with_capacity(ranges.len());
        for (lo, hi) in ranges {
            match out.last_mut() {
                Some(last) if last.1 == T::MAX || lo <= last.1.succ() => {
                    if hi > last.1 {
                        last.1 = hi;
                    }
                }
                _ => out.push((lo, hi)),
            }
        }
        IntervalSet { ranges: out }
    }

    pub fn ranges(&self) -> &[(T, T)] {
        &self.ranges
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    pub fn is_full(&self) -> bool {
        self.ranges.len() == 1 && self.ranges[0] == (T::MIN, T::MAX)
    }

    pub fn first(&self) -> Option<T> {
        self.ranges.first().map(|r| r.0)
    }

    pub fn contains(&self, p: T) -> bool {
        // Index of the first range whose end is >= p.
        let i = self.ranges.partition_point(|r| r.1 < p);
        i < self.ranges.len() && self.ranges[i].0 <= p
    }

    /// True when every point of `lo..=hi` is in the set.
    pub fn contains_range(&self, lo: T, hi: T) -> bool {
        let i = self.ranges.partition_point(|r| r.1 < lo);
        i < self.ranges.len() && self.ranges[i].0 <= lo && self.ranges[i].1 >= hi
    }

    /// True when some point of `lo..=hi` is in the set.
    pub fn intersects_range(&self, lo: T, hi: T) -> bool {
        let i = self.ranges.partition_point(|r| r.1 < lo);
        i < self.ranges.len() && self.ranges[i].0 <= hi
    }

    pub fn is_subset(&self, other: &Self) -> bool {
        self.ranges
            .iter()
            .all(|&(lo, hi)| other.contains_range(lo, hi))
    }

    pub fn intersects(&self, other: &Self) -> bool {
        let (mut i, mut j) = (0, 0);
        while i < self.ranges.len() && j < other.ranges.len() {
            let (a, b) = (self.ranges[i], other.ranges[j]);
            if a.1 < b.0 {
                i += 1;
            } else if b.1 < a.0 {
                j += 1;
            } else {
                return true;
            }
        }
        false
    }

    pub fn union(&self, other: &Self) -> Self {
        if other.is_empty() {
            return self.clone();
        }
        if self.is_empty() {
            return other.clone();
        }
        let mut all = Vec::with_capacity(self.ranges.len() + other.ranges.len());
        all.extend_from_slice(&self.ranges);
        all.extend_from_slice(&other.ranges);
        Self::from_ranges(all)
    }

    pub fn intersection(&self, other: &Self) -> Self {
        let mut out = Vec::new();
        let (mut i, mut j) = (0, 0);
        while i < self.ranges.len() && j < other.ranges.len() {
            let (a, b) = (self.ranges[i], other.ranges[j]);
            let lo = a.0.max(b.0);
            let hi = a.1.min(b.1);
            if lo <= hi {
                out.push((lo, hi));
            }
            if a.1 < b.1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        IntervalSet { ranges: out }
    }

    pub fn complement(&self) -> Self {
        let mut out = Vec::with_capacity(self.ranges.len() + 1);
        let mut next = Some(T::MIN);
        for &(lo, hi) in &self.ranges {
            if let Some(n) = next {
                if lo > n {
                    out.push((n, lo.pred()));
                }
            }
            next = if hi == T::MAX { None } else { Some(hi.succ()) };
        }
        if let Some(n) = next {
            out.push((n, T::MAX));
        }
        IntervalSet { ranges: out }
    }

    pub fn difference(&self, other: &Self) -> Self {
        if other.is_empty() || self.is_empty() {
            return self.clone();
        }
        self.intersection(&other.complement())
    }

    pub fn insert_range(&mut self, lo: T, hi: T) {
        *self = self.union(&Self::range(lo, hi));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn set(r: &[(u8, u8)]) -> IntervalSet<u8> {
        IntervalSet::from_ranges(r.to_vec())
    }

    fn members(s: &IntervalSet<u8>) -> Vec<bool> {
        (0..=255u8).map(|p| s.contains(p)).collect()
    }

    #[test]
    fn canonical_form_merges_adjacent_and_overlapping() {
        assert_eq!(set(&[(5, 9), (1, 4), (8, 12)]).ranges(), &[(1, 12)]);
        assert_eq!(set(&[(0, 0), (2, 2)]).ranges(), &[(0, 0), (2, 2)]);
        assert!(set(&[(0, 255)]).is_full());
        assert_eq!(
            set(&[(250, 255), (0, 3)]).complement().ranges(),
            &[(4, 249)]
        );
    }

    fn arb_set() -> impl Strategy<Value = IntervalSet<u8>> {
        prop::collection::vec((any::<u8>(), any::<u8>()), 0..6).prop_map(IntervalSet::from_ranges)
    }

    proptest! {
        #[test]
        fn operations_agree_with_pointwise_membership(a in arb_set(), b in arb_set()) {
            let (ma, mb) = (members(&a), members(&b));
            let u = members(&a.union(&b));
            let i = members(&a.intersection(&b));
            let d = members(&a.difference(&b));
            let c = members(&a.complement());
            for p in 0..256 {
                prop_assert_eq!(u[p], ma[p] || mb[p]);
                prop_assert_eq!(i[p], ma[p] && mb[p]);
                prop_assert_eq!(d[p], ma[p] && !mb[p]);
                prop_assert_eq!(c[p], !ma[p]);
            }
            prop_assert_eq!(a.is_subset(&b), (0..256).all(|p| !ma[p] || mb[p]));
            prop_assert_eq!(a.intersects(&b), (0..256).any(|p| ma[p] && mb[p]));
        }

        #[test]
        fn set_laws(a in arb_set(), b in arb_set(), c in arb_set()) {
            // Commutativity, associativity, distributivity, De Morgan, double complement.
            prop_assert_eq!(a.union(&b), b.union(&a));
            prop_assert_eq!(a.intersection(&b), b.intersection(&a));
            prop_assert_eq!(a.union(&b).union(&c), a.union(&b.union(&c)));
            prop_assert_eq!(a.intersection(&b.union(&c)), a.intersection(&b).union(&a.intersection(&c)));
            prop_assert_eq!(a.union(&b).complement(), a.complement().intersection(&b.complement()));
            prop_assert_eq!(a.complement().complement(), a.clone());
            prop_assert_eq!(a.difference(&b).union(&a.intersection(&b)), a.clone());
        }
    }
}
