//! Connection tracking facts (FACTS.md: Connection tracking; SPEC §5), each case naming it.

mod common;
use common::*;
use ec2_tutor::model::{Account, AclEntry, RuleAction};
use ec2_tutor::net::compile::Compiled;
use ec2_tutor::net::conntrack::{self, Connection};
use ec2_tutor::net::types::{parse_cidr, Ports, Protocol};

fn world(ingress: &str, egress: &str) -> Account {
    account(&format!(
        "{BASE}  security_groups:\n    - name: web\n      vpc: main\n      ingress: {ingress}\n      egress: {egress}\n  instances:\n    - {{name: web, subnet: public, private_ip: 10.0.1.10, public_ip: 54.0.0.10, security_groups: [web]}}\n    - {{name: db, subnet: private, private_ip: 10.0.2.10}}\n"
    ))
}

fn open(acct: &Account, from: &str, to: &str, proto: &str, port: &str) -> Connection {
    let c = Compiled::new(acct);
    let p = Protocol::parse(proto).unwrap();
    let ports = Ports::parse(p, Some(port)).unwrap();
    let sport = conntrack::client_port(&c, from, p, 7);
    conntrack::open(&c, "k", from, to, p, ports, sport, 0).unwrap()
}

fn refresh(acct: &Account, k: &Connection, now: u64) -> Connection {
    conntrack::refresh(&Compiled::new(acct), k, now)
}

fn revoke_all_ingress(acct: &mut Account) {
    let g = acct
        .security_groups
        .iter_mut()
        .find(|g| g.name == "web")
        .unwrap();
    g.ingress.clear();
}

const SSH_OFFICE: &str = "[{protocol: tcp, ports: \"22\", cidr: 203.0.113.0/24}]";
const SSH_WORLD: &str = "[{protocol: tcp, ports: \"22\", cidr: 0.0.0.0/0}]";
const ALL_OUT: &str = "[{protocol: all, cidr: 0.0.0.0/0}]";

#[test]
fn a_flow_from_a_narrow_source_is_tracked_and_survives_the_rule_being_removed() {
    // FACTS: tracked flows are not cut when rules change or are removed.
    let mut acct = world(SSH_OFFICE, ALL_OUT);
    let k = open(&acct, "office", "web", "tcp", "22");
    assert!(k.tracked);
    revoke_all_ingress(&mut acct);
    let k = refresh(&acct, &k, 10);
    assert!(k.alive(), "{:?}", k.state);
    // ... until idle past the TCP established timeout (432,000 s).
    assert!(refresh(&acct, &k, 432_000).alive());
    let gone = refresh(&acct, &k, 432_001);
    assert!(!gone.alive());
}

#[test]
fn tcp_from_everywhere_with_all_outbound_is_untracked_and_cut_at_once() {
    // FACTS: untracked — TCP/UDP in from 0.0.0.0/0 and a rule out allowing all response
    // traffic; untracked flows stop at once when the allowing rule goes.
    let mut acct = world(SSH_WORLD, ALL_OUT);
    let k = open(&acct, "office", "web", "tcp", "22");
    assert!(!k.tracked);
    revoke_all_ingress(&mut acct);
    assert!(!refresh(&acct, &k, 1).alive());
}

#[test]
fn without_outbound_allow_all_the_flow_stays_tracked() {
    // FACTS: both conditions are needed for a flow to be untracked.
    let acct = world(
        SSH_WORLD,
        "[{protocol: tcp, ports: \"443\", cidr: 0.0.0.0/0}]",
    );
    assert!(open(&acct, "office", "web", "tcp", "22").tracked);
}

#[test]
fn icmp_is_always_tracked() {
    // FACTS: ICMP is always tracked.
    let acct = world(
        "[{protocol: icmp, ports: \"8/-1\", cidr: 0.0.0.0/0}]",
        ALL_OUT,
    );
    assert!(open(&acct, "office", "web", "icmp", "8/0").tracked);
}

#[test]
fn a_network_acl_change_cuts_even_a_tracked_connection() {
    // FACTS: network ACL changes cut both tracked and untracked flows.
    let mut acct = world(SSH_OFFICE, ALL_OUT);
    let k = open(&acct, "office", "web", "tcp", "22");
    let subnet = acct
        .subnets
        .iter()
        .find(|s| s.name.as_deref() == Some("public"))
        .unwrap()
        .clone();
    let acl = acct.acl_mut(&subnet.network_acl_id).unwrap();
    acl.entries.push(AclEntry {
        rule_number: 50,
        egress: false,
        action: RuleAction::Deny,
        protocol: Protocol::Tcp,
        ports: Ports::Range(22, 22),
        cidr: parse_cidr("203.0.113.0/24").unwrap(),
    });
    acl.sort();
    let k = refresh(&acct, &k, 1);
    assert!(!k.alive());
}

#[test]
fn udp_idles_out_after_30_seconds() {
    // FACTS: idle timeouts — UDP 30 s.
    let mut acct = world(
        "[{protocol: udp, ports: \"53\", cidr: 203.0.113.0/24}]",
        ALL_OUT,
    );
    let k = open(&acct, "office", "web", "udp", "53");
    assert_eq!(k.timeout, 30);
    revoke_all_ingress(&mut acct);
    assert!(refresh(&acct, &k, 30).alive());
    assert!(!refresh(&acct, &k, 31).alive());
}

#[test]
fn other_protocols_are_tracked_for_600_seconds() {
    // FACTS: other protocols — the peer may send back within 600 s.
    let acct = world("[{protocol: \"47\", cidr: 203.0.113.0/24}]", ALL_OUT);
    let k = open(&acct, "office", "web", "47", "all");
    assert!(k.tracked);
    assert_eq!(k.timeout, 600);
}

#[test]
fn an_expired_entry_lives_on_when_the_rules_still_allow_it() {
    // SPEC §5: after the timeout a tracked connection passes only if the rules let it in anew.
    let acct = world(SSH_OFFICE, ALL_OUT);
    let k = open(&acct, "office", "web", "tcp", "22");
    let k2 = refresh(&acct, &k, 500_000);
    assert!(k2.alive());
    assert_eq!(k2.last_active, 500_000);
}

#[test]
fn a_connection_the_rules_refuse_cannot_be_opened() {
    let acct = world("[]", ALL_OUT);
    let c = Compiled::new(&acct);
    let e = conntrack::open(
        &c,
        "k",
        "office",
        "web",
        Protocol::Tcp,
        Ports::Range(22, 22),
        40000,
        0,
    )
    .unwrap_err();
    assert!(e.contains("cannot be opened"), "{e}");
}

#[test]
fn nat_gateway_flows_are_always_tracked() {
    // FACTS: flows through NAT gateways are always tracked.
    let acct = account(&format!("{BASE}  security_groups:\n    - {{name: web, vpc: main, ingress: [{{protocol: tcp, ports: \"22\", cidr: 0.0.0.0/0}}], egress: [{{protocol: all, cidr: 0.0.0.0/0}}]}}\n  instances:\n    - {{name: web, subnet: public, private_ip: 10.0.1.10, public_ip: 54.0.0.10, security_groups: [web]}}\n    - {{name: app, subnet: private, private_ip: 10.0.2.10}}\n  vpcs_extra: []\n").replace("  vpcs_extra: []\n", ""));
    // app (behind NAT) → web's public address: through the NAT gateway.
    let k = open(&acct, "app", "54.0.0.10", "tcp", "22");
    assert!(k.tracked);
}
