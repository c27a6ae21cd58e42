//! Compiles an account's rules into [`Region`]s: one per security group and direction, one per
//! network ACL and direction, and cached unions for the group sets that interfaces carry.
//!
//! **Invariant:** a compiled region allows exactly the packets the raw rules allow — the trace
//! in `flow` scans the raw rules, and a property test checks the two agree.

use super::region::Region;
use super::types::{service_set, v4_range, ServiceSet, V4Set};
use crate::model::{Account, AclEntry, Peer, RuleAction, SgRule};
use ipnet::IpNet;
use std::cell::RefCell;
use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::rc::Rc;

pub type V4Region = Region<u32>;

/// Sorted group ids and the direction (egress = true).
type GroupSetKey<'a> = (Vec<&'a str>, bool);

/// Compiled, read-only view of an account for fast evaluation.
pub struct Compiled<'a> {
    pub account: &'a Account,
    /// Group id → private addresses of the interfaces in it (what a group reference matches).
    pub members: HashMap<&'a str, V4Set>,
    groups: HashMap<&'a str, [V4Region; 2]>,
    acls: HashMap<&'a str, [V4Region; 2]>,
    group_sets: RefCell<HashMap<GroupSetKey<'a>, Rc<V4Region>>>,
}

fn dir(egress: bool) -> usize {
    egress as usize
}

impl<'a> Compiled<'a> {
    pub fn new(account: &'a Account) -> Self {
        let mut members: HashMap<&str, V4Set> = HashMap::new();
        for inst in &account.instances {
            for g in &inst.security_groups {
                let a = u32::from(inst.private_ip);
                let e = members.entry(g.as_str()).or_default();
                *e = e.union(&V4Set::single(a));
            }
        }
        let mut c = Compiled {
            account,
            members,
            groups: HashMap::new(),
            acls: HashMap::new(),
            group_sets: RefCell::new(HashMap::new()),
        };
        let mut groups = HashMap::new();
        for g in &account.security_groups {
            groups.insert(
                g.id.as_str(),
                [c.rules_region(&g.ingress), c.rules_region(&g.egress)],
            );
        }
        c.groups = groups;
        for acl in &account.network_acls {
            let regions = [
                acl_region(acl.direction(false)),
                acl_region(acl.direction(true)),
            ];
            c.acls.insert(acl.id.as_str(), regions);
        }
        c
    }

    /// The IPv4 addresses a rule's peer stands for.
    pub fn peer_addrs(&self, peer: &Peer) -> V4Set {
        match peer {
            Peer::Cidr(IpNet::V4(n)) => v4_range(*n),
            Peer::Cidr(IpNet::V6(_)) => V4Set::empty(),
            Peer::Group(g) => self.members.get(g.as_str()).cloned().unwrap_or_default(),
            // Prefix lists are not modelled as address sets yet: they match nothing.
            Peer::PrefixList(_) => V4Set::empty(),
        }
    }

    /// Whether one address is among those a rule's peer stands for (no set is built).
    pub fn peer_contains(&self, peer: &Peer, addr: u32) -> bool {
        match peer {
            Peer::Cidr(IpNet::V4(n)) => n.contains(&Ipv4Addr::from(addr)),
            Peer::Cidr(IpNet::V6(_)) | Peer::PrefixList(_) => false,
            Peer::Group(g) => self
                .members
                .get(g.as_str())
                .is_some_and(|m| m.contains(addr)),
        }
    }

    fn rules_region(&self, rules: &[SgRule]) -> V4Region {
        let boxes: Vec<(V4Set, ServiceSet)> = rules
            .iter()
            .map(|r| (self.peer_addrs(&r.peer), service_set(r.protocol, r.ports)))
            .collect();
        Region::from_boxes(boxes.iter().map(|(a, s)| (a, s)))
    }

    /// The union of the rules of all `groups` in one direction: what an interface with those
    /// groups allows (FACTS: all rules of all groups on an interface form one set).
    pub fn group_set(&self, groups: &'a [String], egress: bool) -> Rc<V4Region> {
        let mut key: Vec<&str> = groups.iter().map(|s| s.as_str()).collect();
        key.sort_unstable();
        key.dedup();
        let k = (key, egress);
        if let Some(r) = self.group_sets.borrow().get(&k) {
            return r.clone();
        }
        let mut acc = V4Region::empty();
        for g in &k.0 {
            if let Some(r) = self.groups.get(g) {
                acc = acc.union(&r[dir(egress)]);
            }
        }
        let rc = Rc::new(acc);
        self.group_sets.borrow_mut().insert(k, rc.clone());
        rc
    }

    pub fn acl(&self, acl_id: &str, egress: bool) -> Option<&V4Region> {
        self.acls.get(acl_id).map(|r| &r[dir(egress)])
    }
}

/// First match by rule number, `*` denies (FACTS: Network ACLs): the set of packets an ACL's
/// entries in one direction allow.
pub fn acl_region<'e>(entries: impl Iterator<Item = &'e AclEntry>) -> V4Region {
    let mut sorted: Vec<&AclEntry> = entries.collect();
    sorted.sort_by_key(|e| e.rule_number);
    let mut covered = V4Region::empty();
    let mut allowed = V4Region::empty();
    for e in sorted {
        let IpNet::V4(net) = e.cidr else { continue };
        let addrs = v4_range(net);
        let svc = service_set(e.protocol, e.ports);
        let bx = Region::from_boxes([(&addrs, &svc)]);
        if e.action == RuleAction::Allow {
            allowed = allowed.union(&bx.difference(&covered));
        }
        covered = covered.union(&bx);
    }
    allowed
}

pub fn v4(a: Ipv4Addr) -> u32 {
    u32::from(a)
}
