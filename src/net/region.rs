//! Two-dimensional traffic sets: addresses × services.
//!
//! A [`Region`] maps disjoint address ranges to the set of services (protocol, port) allowed
//! for them. It is the compiled form of a security group's rules or a network ACL's entries,
//! the basis of fast decisions, and what exposure (least-privilege) goals compare.
//! **Invariant:** ranges are sorted, disjoint, never map to an empty service set, and
//! touching ranges with equal sets are merged — so two equal regions are structurally equal.

use super::intervals::{IntervalSet, Point};
use super::types::ServiceSet;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region<A: Point> {
    pieces: Vec<(A, A, ServiceSet)>,
}

impl<A: Point> Default for Region<A> {
    fn default() -> Self {
        Region { pieces: Vec::new() }
    }
}

impl<A: Point> Region<A> {
    pub fn empty() -> Self {
        Self::default()
    }

    pub fn pieces(&self) -> &[(A, A, ServiceSet)] {
        &self.pieces
    }

    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    /// The union of boxes `addresses × services`.
    pub fn from_boxes<'a, I>(boxes: I) -> Self
    where
        I: IntoIterator<Item = (&'a IntervalSet<A>, &'a ServiceSet)>,
        A: 'a,
    {
        // Flatten to (lo, hi, service index) then sweep over the boundaries.
        let mut flat: Vec<(A, A, &ServiceSet)> = Vec::new();
        for (addrs, svc) in boxes {
            if svc.is_empty() {
                continue;
            }
            for &(lo, hi) in addrs.ranges() {
                flat.push((lo, hi, svc));
            }
        }
        if flat.is_empty() {
            return Self::empty();
        }
        let mut bounds: Vec<A> = Vec::with_capacity(flat.len() * 2);
        for &(lo, hi, _) in &flat {
            bounds.push(lo);
            if hi < A::MAX {
                bounds.push(hi.succ());
            }
        }
        bounds.sort_unstable();
        bounds.dedup();
        flat.sort_unstable_by_key(|a| a.0);
        let mut out = Region::empty();
        let mut active: Vec<(A, &ServiceSet)> = Vec::new(); // (hi, set)
        let mut next = 0;
        for (i, &lo) in bounds.iter().enumerate() {
            let hi = match bounds.get(i + 1) {
                Some(&b) => b.pred(),
                None => A::MAX,
            };
            active.retain(|&(h, _)| h >= lo);
            while next < flat.len() && flat[next].0 <= lo {
                if flat[next].1 >= lo {
                    active.push((flat[next].1, flat[next].2));
                }
                next += 1;
            }
            if active.is_empty() {
                continue;
            }
            let mut set = active[0].1.clone();
            for (_, s) in &active[1..] {
                if !s.is_subset(&set) {
                    set = set.union(s);
                }
            }
            out.push(lo, hi, set);
        }
        out
    }

    fn push(&mut self, lo: A, hi: A, set: ServiceSet) {
        if set.is_empty() {
            return;
        }
        if let Some(last) = self.pieces.last_mut() {
            if last.1 < A::MAX && last.1.succ() == lo && last.2 == set {
                last.1 = hi;
                return;
            }
        }
        self.pieces.push((lo, hi, set));
    }

    /// The services allowed for one address.
    pub fn lookup(&self, a: A) -> Option<&ServiceSet> {
        let i = self.pieces.partition_point(|p| p.1 < a);
        match self.pieces.get(i) {
            Some(p) if p.0 <= a => Some(&p.2),
            _ => None,
        }
    }

    pub fn allows(&self, a: A, service: u32) -> bool {
        self.lookup(a).is_some_and(|s| s.contains(service))
    }

    /// Pointwise combination of two regions.
    pub fn combine(
        &self,
        other: &Self,
        f: impl Fn(Option<&ServiceSet>, Option<&ServiceSet>) -> ServiceSet,
    ) -> Self {
        let mut bounds: Vec<A> = Vec::with_capacity(2 * (self.pieces.len() + other.pieces.len()));
        for p in self.pieces.iter().chain(other.pieces.iter()) {
            bounds.push(p.0);
            if p.1 < A::MAX {
                bounds.push(p.1.succ());
            }
        }
        bounds.sort_unstable();
        bounds.dedup();
        let mut out = Region::empty();
        let (mut i, mut j) = (0, 0);
        for (k, &lo) in bounds.iter().enumerate() {
            let hi = match bounds.get(k + 1) {
                Some(&b) => b.pred(),
                None => A::MAX,
            };
            while i < self.pieces.len() && self.pieces[i].1 < lo {
                i += 1;
            }
            while j < other.pieces.len() && other.pieces[j].1 < lo {
                j += 1;
            }
            let a = self.pieces.get(i).filter(|p| p.0 <= lo).map(|p| &p.2);
            let b = other.pieces.get(j).filter(|p| p.0 <= lo).map(|p| &p.2);
            if a.is_none() && b.is_none() {
                continue;
            }
            out.push(lo, hi, f(a, b));
        }
        out
    }

    pub fn union(&self, other: &Self) -> Self {
        self.combine(other, |a, b| match (a, b) {
            (Some(a), Some(b)) => a.union(b),
            (Some(a), None) | (None, Some(a)) => a.clone(),
            (None, None) => ServiceSet::empty(),
        })
    }

    pub fn intersection(&self, other: &Self) -> Self {
        self.combine(other, |a, b| match (a, b) {
            (Some(a), Some(b)) => a.intersection(b),
            _ => ServiceSet::empty(),
        })
    }

    pub fn difference(&self, other: &Self) -> Self {
        self.combine(other, |a, b| match (a, b) {
            (Some(a), Some(b)) => a.difference(b),
            (Some(a), None) => a.clone(),
            _ => ServiceSet::empty(),
        })
    }

    /// Keeps only the addresses in `addrs`.
    pub fn restrict(&self, addrs: &IntervalSet<A>) -> Self {
        let all = ServiceSet::range(0, super::types::SERVICE_MAX);
        self.intersection(&Region::from_boxes([(addrs, &all)]))
    }

    /// Every address that has at least one service.
    pub fn domain(&self) -> IntervalSet<A> {
        IntervalSet::from_ranges(self.pieces.iter().map(|p| (p.0, p.1)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    type R = Region<u8>;

    fn arb_box() -> impl Strategy<Value = (IntervalSet<u8>, ServiceSet)> {
        (any::<u8>(), any::<u8>(), 0u32..16, 0u32..16).prop_map(|(a, b, c, d)| {
            (
                IntervalSet::range(a.min(b), a.max(b)),
                ServiceSet::range(c.min(d), c.max(d)),
            )
        })
    }

    fn arb_region() -> impl Strategy<Value = R> {
        prop::collection::vec(arb_box(), 0..5)
            .prop_map(|bs| R::from_boxes(bs.iter().map(|(a, s)| (a, s))))
    }

    fn has(r: &R, a: u8, s: u32) -> bool {
        r.allows(a, s)
    }

    proptest! {
        #[test]
        fn from_boxes_is_the_pointwise_union(bs in prop::collection::vec(arb_box(), 0..6)) {
            let r = R::from_boxes(bs.iter().map(|(a, s)| (a, s)));
            for a in 0..=255u8 {
                for s in 0..16u32 {
                    let want = bs.iter().any(|(x, y)| x.contains(a) && y.contains(s));
                    prop_assert_eq!(has(&r, a, s), want);
                }
            }
        }

        #[test]
        fn algebra_agrees_pointwise(x in arb_region(), y in arb_region()) {
            let (u, i, d) = (x.union(&y), x.intersection(&y), x.difference(&y));
            for a in (0..=255u8).step_by(3) {
                for s in 0..16u32 {
                    prop_assert_eq!(has(&u, a, s), has(&x, a, s) || has(&y, a, s));
                    prop_assert_eq!(has(&i, a, s), has(&x, a, s) && has(&y, a, s));
                    prop_assert_eq!(has(&d, a, s), has(&x, a, s) && !has(&y, a, s));
                }
            }
            // Canonical form: equal sets are equal structures.
            prop_assert_eq!(x.union(&y), y.union(&x));
            prop_assert_eq!(x.difference(&y).union(&x.intersection(&y)), x.clone());
        }
    }
}
