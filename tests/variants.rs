//! Scenario variants: parameters drawn from the seed, substituted as `${name}`; every
//! combination proven.

use ec2_tutor::lint::prove_variants;
use ec2_tutor::scenario::load::load_scenario;
use std::sync::Arc;

const FILE: &str = r#"id: v
title: t
topic: network-acls
difficulty: 1
parameters:
  port: {one_of: [8080, 8443]}
  range: {one_of: [203.0.113.0/24, 192.0.2.0/24]}
brief: Open ${port} to ${range}.
world:
  vpcs: [{name: main, id: vpc-0aaaaaaaaaaaaaaa1, cidr: 10.0.0.0/16, internet_gateway: true}]
  subnets: [{name: pub, vpc: main, cidr: 10.0.1.0/24, route_internet: igw}]
  security_groups: [{name: web, id: sg-0aaaaaaaaaaaaaaa2, vpc: main}]
  instances: [{name: web, subnet: pub, private_ip: 10.0.1.10, public_ip: 54.0.0.10, security_groups: [web]}]
  hosts: [{name: office, cidr: "${range}"}]
goals:
  - {id: open, text: "office reaches web on ${port}", flow: {from: office, to: web, protocol: tcp, ports: "${port}"}, expect: allow}
hints: [a]
solution:
  - aws ec2 authorize-security-group-ingress --group-id sg-0aaaaaaaaaaaaaaa2 --protocol tcp --port ${port} --cidr ${range}
debrief: d
"#;

#[test]
fn seeds_pick_variants_and_every_variant_is_proven() {
    let s = load_scenario("v.yaml", FILE, true).unwrap();
    assert_eq!(s.variants, 4);
    let briefs: Vec<String> = (0..4)
        .map(|seed| s.instantiate(seed).unwrap().brief)
        .collect();
    assert_eq!(
        briefs,
        [
            "Open 8080 to 203.0.113.0/24.",
            "Open 8443 to 203.0.113.0/24.",
            "Open 8080 to 192.0.2.0/24.",
            "Open 8443 to 192.0.2.0/24."
        ]
    );
    // The same seed always gives the same variant.
    assert_eq!(s.instantiate(6).unwrap().brief, briefs[2]);
    assert!(prove_variants(&Arc::new(s)).is_empty());
}

#[test]
fn a_variant_whose_solution_fails_is_reported() {
    // The solution hard-codes 8080: the 8443 variants fail.
    let broken = FILE.replace("--port ${port}", "--port 8080");
    let s = load_scenario("v.yaml", &broken, true).unwrap();
    let d = prove_variants(&Arc::new(s));
    assert!(
        d.iter().any(|d| d
            .message
            .starts_with("variant 1 (port=8443, range=203.0.113.0/24)")),
        "{d:?}"
    );
    assert!(
        !d.iter().any(|d| d.message.starts_with("variant 0 ")),
        "{d:?}"
    );
}

#[test]
fn an_unknown_parameter_is_an_error_at_its_place() {
    let e = load_scenario(
        "v.yaml",
        &FILE.replace("Open ${port}", "Open ${prot}"),
        true,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("v.yaml:8:13: unknown parameter 'prot'; did you mean 'port'?"),
        "{e}"
    );
}
