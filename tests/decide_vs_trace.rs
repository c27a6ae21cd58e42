//! The compiled fast path, the rule-by-rule trace and the set evaluation must agree: for
//! random rules and random packets, `decide` allows exactly when the trace has no deny hop,
//! and a flow's set verdict is `allow` only if every sampled packet is allowed.

mod common;
use common::*;
use ec2_tutor::model::{AclEntry, Peer, RuleAction, SgRule};
use ec2_tutor::net::compile::Compiled;
use ec2_tutor::net::endpoint::resolve_endpoint;
use ec2_tutor::net::flow::{evaluate, FlowSpec, HopVerdict, Packet, Verdict};
use ec2_tutor::net::types::{parse_cidr, Ports, Protocol};
use proptest::prelude::*;

const CIDRS: &[&str] = &[
    "0.0.0.0/0",
    "203.0.113.0/24",
    "203.0.113.0/25",
    "10.0.0.0/16",
    "10.0.2.0/24",
    "10.0.1.10/32",
    "10.0.2.10/32",
    "198.51.100.0/24",
];

fn arb_ports() -> impl Strategy<Value = (Protocol, Ports)> {
    prop_oneof![
        Just((Protocol::All, Ports::All)),
        (0u16..4).prop_map(|i| (
            Protocol::Tcp,
            [
                Ports::Range(22, 22),
                Ports::Range(443, 443),
                Ports::Range(1024, 65535),
                Ports::Range(32768, 61000)
            ][i as usize]
        )),
        Just((Protocol::Udp, Ports::Range(53, 53))),
    ]
}

fn arb_sg_rule() -> impl Strategy<Value = (usize, (Protocol, Ports))> {
    (0..CIDRS.len(), arb_ports())
}

fn arb_acl_entry() -> impl Strategy<Value = (u16, bool, usize, (Protocol, Ports))> {
    (1u16..300, any::<bool>(), 0..CIDRS.len(), arb_ports())
}

const WORLD: &str = r#"
  security_groups:
    - {name: a, vpc: main}
    - {name: b, vpc: main}
  instances:
    - {name: x, subnet: public, private_ip: 10.0.1.10, public_ip: 54.0.0.10, security_groups: [a]}
    - {name: y, subnet: private, private_ip: 10.0.2.10, security_groups: [b]}
  network_acls:
    - {name: n1, vpc: main, subnets: [public]}
    - {name: n2, vpc: main, subnets: [private]}
"#;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn fast_path_trace_and_sets_agree(
        a_in in prop::collection::vec(arb_sg_rule(), 0..5),
        a_out in prop::collection::vec(arb_sg_rule(), 0..3),
        b_in in prop::collection::vec(arb_sg_rule(), 0..5),
        n1 in prop::collection::vec(arb_acl_entry(), 0..6),
        n2 in prop::collection::vec(arb_acl_entry(), 0..6),
        group_ref in any::<bool>(),
        pkts in prop::collection::vec((0usize..4, prop_oneof![Just(22u16), Just(443), Just(53), Just(8080)], 1024u16..65535), 1..12),
    ) {
        let mut acct = account(&format!("{BASE}{WORLD}"));
        let rule = |i: usize, (cidr, (p, ports)): &(usize, (Protocol, Ports))| SgRule {
            id: format!("sgr-{:017x}", i), protocol: *p, ports: *ports, peer: Peer::Cidr(parse_cidr(CIDRS[*cidr]).unwrap()), description: None,
        };
        let ga = acct.security_groups.iter().position(|g| g.name == "a").unwrap();
        let gb = acct.security_groups.iter().position(|g| g.name == "b").unwrap();
        let a_id = acct.security_groups[ga].id.clone();
        acct.security_groups[ga].ingress = a_in.iter().enumerate().map(|(i, r)| rule(i, r)).collect();
        acct.security_groups[ga].egress = a_out.iter().enumerate().map(|(i, r)| rule(100 + i, r)).collect();
        acct.security_groups[gb].ingress = b_in.iter().enumerate().map(|(i, r)| rule(200 + i, r)).collect();
        if group_ref {
            acct.security_groups[gb].ingress.push(SgRule { id: "sgr-0ffffffffffffffff".into(), protocol: Protocol::Tcp, ports: Ports::Range(443, 443), peer: Peer::Group(a_id), description: None });
        }
        for (name, entries) in [("n1", &n1), ("n2", &n2)] {
            let acl = acct.network_acls.iter_mut().find(|a| a.name.as_deref() == Some(name)).unwrap();
            let mut seen = std::collections::HashSet::new();
            acl.entries = entries.iter().filter(|(n, eg, _, _)| seen.insert((*n, *eg))).map(|(n, egress, cidr, (p, ports))| AclEntry {
                rule_number: *n, egress: *egress, action: if n % 3 == 0 { RuleAction::Deny } else { RuleAction::Allow }, protocol: *p, ports: *ports, cidr: parse_cidr(CIDRS[*cidr]).unwrap(),
            }).collect();
            acl.sort();
        }
        let c = Compiled::new(&acct);
        for (from, to) in [("office", "x"), ("x", "y"), ("y", "x"), ("x", "internet"), ("y", "internet"), ("partner", "x")] {
            for proto in [Protocol::Tcp, Protocol::Udp] {
                let spec = FlowSpec { from: resolve_endpoint(&acct, from).unwrap(), to: resolve_endpoint(&acct, to).unwrap(), protocol: proto, ports: Ports::Range(22, 443), src_ports: None };
                let path = c.path(&spec).unwrap();
                let set = evaluate(&c, &spec).unwrap();
                let srcs: Vec<u32> = path.src_set.ranges().iter().flat_map(|&(lo, hi)| [lo, hi, lo + (hi - lo) / 2]).collect();
                let dsts: Vec<u32> = path.dst_set.ranges().iter().flat_map(|&(lo, hi)| [lo, hi, lo + (hi - lo) / 2]).collect();
                let mut any_allowed = false;
                let mut any_denied = false;
                for &(si, dport, sport) in &pkts {
                    let pkt = Packet { src: srcs[si % srcs.len()], dst: dsts[si % dsts.len()], proto: proto.number().unwrap(), sport, dport };
                    let fast = path.decide(&pkt);
                    let hops = path.trace(&c, &pkt);
                    let traced = hops.iter().all(|h| h.verdict == HopVerdict::Allow);
                    prop_assert_eq!(fast, traced, "{} -> {} {:?}: {:?}", from, to, pkt, hops);
                    // Only packets inside the flow's sets count against its verdict.
                    let inside = (22..=443).contains(&dport) && path.sports.contains(sport);
                    if inside { if fast { any_allowed = true } else { any_denied = true } }
                }
                if any_denied { prop_assert_ne!(set.verdict, Verdict::Allow, "{} -> {}", from, to); }
                if any_allowed { prop_assert_ne!(set.verdict, Verdict::Deny, "{} -> {}", from, to); }
                // The set verdict's own trace agrees with it.
                let last_deny = set.hops.iter().any(|h| h.verdict == HopVerdict::Deny);
                prop_assert_eq!(last_deny, set.verdict != Verdict::Allow, "{} -> {}: {:?}", from, to, set);
            }
        }
    }
}
