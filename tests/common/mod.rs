//! Shared test helpers: build an account from an inline YAML `world`.
#![allow(dead_code)]

use ec2_tutor::model::Account;
use ec2_tutor::net::compile::Compiled;
use ec2_tutor::net::flow::{FlowResult, Verdict};
use ec2_tutor::net::types::{Ports, Protocol};
use ec2_tutor::scenario::grade::evaluate_flow;
use ec2_tutor::scenario::load::{load_scenario_with, Options};

/// A scenario with this world (indented YAML under `world:`) and no goals.
pub fn account(world: &str) -> Account {
    let text = format!(
        "id: t\ntitle: t\ntopic: security-groups\ndifficulty: 1\nbrief: t\nworld:\n{world}"
    );
    match load_scenario_with(
        "test.yaml",
        &text,
        Options {
            bank: false,
            require_goals: false,
        },
    ) {
        Ok(s) => s.account,
        Err(e) => panic!("test world does not load:\n{e}\n---\n{text}"),
    }
}

pub fn flow(acct: &Account, from: &str, to: &str, proto: &str, ports: &str) -> FlowResult {
    let c = Compiled::new(acct);
    let p = Protocol::parse(proto).unwrap();
    let ports = Ports::parse(p, Some(ports)).unwrap();
    evaluate_flow(&c, from, to, p, ports, None).unwrap()
}

pub fn verdict(acct: &Account, from: &str, to: &str, proto: &str, ports: &str) -> Verdict {
    flow(acct, from, to, proto, ports).verdict
}

/// A VPC with a public and a private subnet and an internet gateway.
pub const BASE: &str = r#"
  vpcs:
    - {name: main, cidr: 10.0.0.0/16, internet_gateway: true}
  subnets:
    - {name: public, vpc: main, cidr: 10.0.1.0/24, route_internet: igw}
    - {name: private, vpc: main, cidr: 10.0.2.0/24, route_internet: nat}
    - {name: isolated, vpc: main, cidr: 10.0.3.0/24}
  hosts:
    - {name: office, cidr: 203.0.113.0/24, os: linux}
    - {name: laptop, cidr: 198.51.100.7/32, os: windows}
    - {name: partner, cidr: 192.0.2.0/24}
"#;
