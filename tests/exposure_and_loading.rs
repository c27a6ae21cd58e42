//! Least privilege (exposure sets) and scenario loading diagnostics.

mod common;
use common::*;
use ec2_tutor::net::compile::Compiled;
use ec2_tutor::net::endpoint::{find_instance, resolve_source};
use ec2_tutor::net::exposure::{check, Allowed};
use ec2_tutor::net::types::{Ports, Protocol};
use ec2_tutor::scenario::load::load_scenario;

const WORLD: &str = r#"
  security_groups:
    - {name: bastion, vpc: main, ingress: [{protocol: tcp, ports: "22", cidr: 203.0.113.0/24}]}
    - name: web
      vpc: main
      ingress:
        - {protocol: tcp, ports: "443", cidr: 0.0.0.0/0}
        - {protocol: tcp, ports: "22", group: bastion}
  instances:
    - {name: bastion, subnet: public, private_ip: 10.0.1.5, public_ip: 54.0.0.5, security_groups: [bastion]}
    - {name: web, subnet: public, private_ip: 10.0.1.10, public_ip: 54.0.0.10, security_groups: [web]}
"#;

fn allowed(acct: &ec2_tutor::model::Account, list: &[(&str, &str, &str)]) -> Vec<Allowed> {
    list.iter()
        .map(|(p, ports, from)| {
            let protocol = Protocol::parse(p).unwrap();
            Allowed {
                addrs: resolve_source(acct, "web", from).unwrap(),
                protocol,
                ports: Ports::parse(protocol, Some(ports)).unwrap(),
            }
        })
        .collect()
}

#[test]
fn exposure_within_allow_only_is_met() {
    let acct = account(&format!("{BASE}{WORLD}"));
    let c = Compiled::new(&acct);
    let web = find_instance(&acct, "web").unwrap();
    let r = check(
        &c,
        web,
        &allowed(
            &acct,
            &[("tcp", "443", "0.0.0.0/0"), ("tcp", "22", "bastion")],
        ),
    );
    assert!(r.met, "{:?}", r.excess);
}

#[test]
fn excess_names_the_rule_that_grants_it() {
    let world = WORLD.replace(
        "{protocol: tcp, ports: \"22\", group: bastion}",
        "{protocol: tcp, ports: \"22\", cidr: 0.0.0.0/0, id: sgr-0aaaaaaaaaaaaaaaa}",
    );
    let acct = account(&format!("{BASE}{world}"));
    let c = Compiled::new(&acct);
    let web = find_instance(&acct, "web").unwrap();
    let r = check(
        &c,
        web,
        &allowed(
            &acct,
            &[("tcp", "443", "0.0.0.0/0"), ("tcp", "22", "bastion")],
        ),
    );
    assert!(!r.met);
    assert_eq!(r.excess.len(), 1, "{:?}", r.excess);
    assert!(
        r.excess[0].starts_with("also allows tcp 22 from 0.0.0.0/0 via sg-"),
        "{}",
        r.excess[0]
    );
    assert!(
        r.excess[0].ends_with("rule sgr-0aaaaaaaaaaaaaaaa"),
        "{}",
        r.excess[0]
    );
}

#[test]
fn an_acl_can_narrow_exposure_and_routing_bounds_it() {
    // Outside sources reach only a public instance in a public subnet; the ACL narrows it.
    let world = WORLD.replace(
        "{protocol: tcp, ports: \"22\", group: bastion}",
        "{protocol: tcp, ports: \"22\", cidr: 0.0.0.0/0}",
    );
    let acct = account(&format!("{BASE}{world}  network_acls:\n    - name: strict\n      vpc: main\n      subnets: [public]\n      ingress: [{{rule: 100, action: allow, protocol: tcp, ports: \"443\", cidr: 0.0.0.0/0}}, {{rule: 110, action: allow, protocol: tcp, ports: \"22\", cidr: 10.0.0.0/16}}]\n      egress: [{{rule: 100, action: allow, protocol: all, cidr: 0.0.0.0/0}}]\n"));
    let c = Compiled::new(&acct);
    let web = find_instance(&acct, "web").unwrap();
    // The group allows 22 from anywhere, but the ACL lets 22 in only from the VPC, and the
    // bastion in the same subnet is not behind the ACL at all.
    let r = check(
        &c,
        web,
        &allowed(
            &acct,
            &[("tcp", "443", "0.0.0.0/0"), ("tcp", "22", "10.0.0.0/16")],
        ),
    );
    assert!(r.met, "{:?}", r.excess);
}

fn errors(yaml: &str) -> String {
    match load_scenario("bad.yaml", yaml, false) {
        Ok(_) => panic!("expected errors for:\n{yaml}"),
        Err(e) => e.to_string(),
    }
}

const HEAD: &str = "id: bad\ntitle: t\ntopic: security-groups\ndifficulty: 1\nbrief: b\n";

#[test]
fn unknown_fields_are_errors_with_a_location() {
    let e = errors(&format!("{HEAD}world:\n  vpcs:\n    - {{name: main, cidr: 10.0.0.0/16, internet_gatway: true}}\ngoals: []\n"));
    assert!(e.starts_with("error: bad.yaml:8:"), "{e}");
    assert!(e.contains("internet_gatway"), "{e}");
}

#[test]
fn every_problem_is_reported_with_did_you_mean() {
    let yaml = format!(
        "{HEAD}world:\n  vpcs:\n    - {{name: main, cidr: 10.0.0.0/16}}\n  subnets:\n    - {{name: app, vpc: mian, cidr: 10.0.1.0/24}}\n    - {{name: db, vpc: main, cidr: 10.9.0.0/33}}\n  security_groups:\n    - {{name: web, vpc: main, ingress: [{{protocol: tcp, ports: \"70000\", cidr: 0.0.0.0/0}}]}}\ngoals:\n  - {{id: g, text: t, flow: {{from: internet, to: wbe, protocol: tcp, ports: \"443\"}}, expect: allow}}\n"
    );
    let e = errors(&yaml);
    let lines: Vec<&str> = e.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.contains(":10:") && l.contains("unknown vpc 'mian'; did you mean 'main'?")),
        "{e}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains(":11:") && l.contains("CIDR block 10.9.0.0/33 is malformed")),
        "{e}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains(":13:") && l.contains("invalid port '70000'")),
        "{e}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains(":15:") && l.contains("unknown endpoint 'wbe'")),
        "{e}"
    );
    assert!(lines.len() >= 4, "{e}");
}

#[test]
fn ids_must_have_aws_shape_and_be_unique() {
    let e = errors(&format!("{HEAD}world:\n  vpcs:\n    - {{name: main, id: vpc-123, cidr: 10.0.0.0/16}}\n  subnets:\n    - {{name: a, id: subnet-0123456789abcdef0, vpc: main, cidr: 10.0.1.0/24}}\n    - {{name: b, id: subnet-0123456789abcdef0, vpc: main, cidr: 10.0.2.0/24}}\ngoals: []\n"));
    assert!(e.contains("id 'vpc-123' is not an AWS vpc id"), "{e}");
    assert!(
        e.contains("id 'subnet-0123456789abcdef0' is used twice"),
        "{e}"
    );
}

#[test]
fn addresses_outside_their_subnet_and_reserved_ones_are_refused() {
    let e = errors(&format!("{HEAD}world:\n  vpcs:\n    - {{name: main, cidr: 10.0.0.0/16}}\n  subnets:\n    - {{name: a, vpc: main, cidr: 10.0.1.0/24}}\n  instances:\n    - {{name: x, subnet: a, private_ip: 10.0.2.9}}\n    - {{name: y, subnet: a, private_ip: 10.0.1.2}}\ngoals: []\n"));
    assert!(
        e.contains("private_ip 10.0.2.9 is not inside subnet a"),
        "{e}"
    );
    assert!(e.contains("private_ip 10.0.1.2 is reserved by AWS"), "{e}");
}

#[test]
fn a_group_name_may_not_start_with_sg() {
    // FACTS: name may not start with `sg-`.
    let e = errors(&format!("{HEAD}world:\n  vpcs:\n    - {{name: main, cidr: 10.0.0.0/16}}\n  security_groups:\n    - {{name: sg-web, vpc: main}}\ngoals: []\n"));
    assert!(e.contains("may not start with sg-"), "{e}");
}

#[test]
fn an_unknown_goal_kind_is_a_load_error() {
    let e = errors(&format!(
        "{HEAD}goals:\n  - {{id: g, text: t, reachability: {{to: x}}}}\n"
    ));
    assert!(e.contains("reachability"), "{e}");
}

#[test]
fn hostile_yaml_is_rejected_fast() {
    // An alias bomb and deep nesting fail within the parser's budgets.
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let mut prev = "a".to_string();
    for i in 0..12 {
        let name = format!("b{i}");
        bomb.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        prev = name;
    }
    assert!(load_scenario("bomb.yaml", &bomb, false).is_err());
    let deep = format!("{}{}", "{a: ".repeat(10_000), "}".repeat(10_000));
    assert!(load_scenario("deep.yaml", &deep, false).is_err());
}
