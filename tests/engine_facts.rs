//! Every network rule of SPEC §5 and every network fact of FACTS.md, as data-driven cases.
//! Each case names the fact it checks.

mod common;
use common::*;
use ec2_tutor::net::flow::Verdict::{self, Allow, Deny, Partial};

struct Case {
    fact: &'static str,
    world: &'static str,
    from: &'static str,
    to: &'static str,
    proto: &'static str,
    ports: &'static str,
    want: Verdict,
}

fn run(cases: &[Case]) {
    let mut failures = Vec::new();
    for c in cases {
        let acct = account(&format!("{BASE}{}", c.world));
        let r = flow(&acct, c.from, c.to, c.proto, c.ports);
        if r.verdict != c.want {
            failures.push(format!(
                "{}: {} -> {} {} {}: got {:?}, want {:?}\n   {}",
                c.fact, c.from, c.to, c.proto, c.ports, r.verdict, c.want, r.summary
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

const WEB_443: &str = r#"
  security_groups:
    - name: web
      vpc: main
      ingress: [{protocol: tcp, ports: "443", cidr: 0.0.0.0/0}]
  instances:
    - {name: web, subnet: public, private_ip: 10.0.1.10, public_ip: 54.0.0.10, security_groups: [web]}
"#;

#[test]
fn security_group_facts() {
    run(&[
        Case { fact: "SG: allow rules only; what no rule allows is denied", world: WEB_443, from: "internet", to: "web", proto: "tcp", ports: "22", want: Deny },
        Case { fact: "SG: a rule from 0.0.0.0/0 admits every internet address", world: WEB_443, from: "internet", to: "web", proto: "tcp", ports: "443", want: Allow },
        Case { fact: "SG: all rules of all groups on an interface form one set", world: r#"
  security_groups:
    - {name: a, vpc: main, ingress: [{protocol: tcp, ports: "22", cidr: 203.0.113.0/24}]}
    - {name: b, vpc: main, ingress: [{protocol: tcp, ports: "443", cidr: 0.0.0.0/0}]}
  instances:
    - {name: web, subnet: public, private_ip: 10.0.1.10, public_ip: 54.0.0.10, security_groups: [a, b]}
"#, from: "office", to: "web", proto: "tcp", ports: "22", want: Allow },
        Case { fact: "SG: where rules overlap the most permissive wins", world: r#"
  security_groups:
    - name: a
      vpc: main
      ingress:
        - {protocol: tcp, ports: "22", cidr: 203.0.113.5/32}
        - {protocol: tcp, ports: "0-65535", cidr: 203.0.113.0/24}
  instances:
    - {name: web, subnet: public, private_ip: 10.0.1.10, public_ip: 54.0.0.10, security_groups: [a]}
"#, from: "office", to: "web", proto: "tcp", ports: "22", want: Allow },
        Case { fact: "SG: stateful — replies pass with no outbound rule at all (egress: [])", world: r#"
  security_groups:
    - {name: web, vpc: main, ingress: [{protocol: tcp, ports: "443", cidr: 0.0.0.0/0}], egress: []}
  instances:
    - {name: web, subnet: public, private_ip: 10.0.1.10, public_ip: 54.0.0.10, security_groups: [web]}
"#, from: "internet", to: "web", proto: "tcp", ports: "443", want: Allow },
        Case { fact: "SG: with egress: [] the instance cannot start outbound flows", world: r#"
  security_groups:
    - {name: web, vpc: main, egress: []}
  instances:
    - {name: web, subnet: public, private_ip: 10.0.1.10, public_ip: 54.0.0.10, security_groups: [web]}
"#, from: "web", to: "internet", proto: "tcp", ports: "443", want: Deny },
        Case { fact: "SG: a new group has one outbound rule allowing all traffic to 0.0.0.0/0", world: r#"
  security_groups:
    - {name: web, vpc: main}
  instances:
    - {name: web, subnet: public, private_ip: 10.0.1.10, public_ip: 54.0.0.10, security_groups: [web]}
"#, from: "web", to: "internet", proto: "udp", ports: "53", want: Allow },
        Case { fact: "SG: a new group has no inbound rules", world: r#"
  security_groups:
    - {name: web, vpc: main}
  instances:
    - {name: web, subnet: public, private_ip: 10.0.1.10, public_ip: 54.0.0.10, security_groups: [web]}
"#, from: "internet", to: "web", proto: "tcp", ports: "80", want: Deny },
        Case { fact: "SG: the default group lets in all traffic from its own members", world: r#"
  instances:
    - {name: a, subnet: public, private_ip: 10.0.1.10}
    - {name: b, subnet: private, private_ip: 10.0.2.10}
"#, from: "a", to: "b", proto: "udp", ports: "5000", want: Allow },
        Case { fact: "SG: an instance launched with no group gets the default group (nothing from outside it)", world: r#"
  instances:
    - {name: a, subnet: public, private_ip: 10.0.1.10, public_ip: 54.0.0.10}
"#, from: "internet", to: "a", proto: "tcp", ports: "22", want: Deny },
        Case { fact: "SG: a group reference matches the private addresses of the group's members", world: r#"
  security_groups:
    - {name: app, vpc: main}
    - {name: db, vpc: main, ingress: [{protocol: tcp, ports: "5432", group: app}]}
    - {name: other, vpc: main}
  instances:
    - {name: app, subnet: public, private_ip: 10.0.1.10, security_groups: [app]}
    - {name: report, subnet: public, private_ip: 10.0.1.11, security_groups: [other]}
    - {name: db, subnet: private, private_ip: 10.0.2.10, security_groups: [db]}
"#, from: "app", to: "db", proto: "tcp", ports: "5432", want: Allow },
        Case { fact: "SG: a group reference does not match instances outside the group", world: r#"
  security_groups:
    - {name: app, vpc: main}
    - {name: db, vpc: main, ingress: [{protocol: tcp, ports: "5432", group: app}]}
    - {name: other, vpc: main}
  instances:
    - {name: app, subnet: public, private_ip: 10.0.1.10, security_groups: [app]}
    - {name: report, subnet: public, private_ip: 10.0.1.11, security_groups: [other]}
    - {name: db, subnet: private, private_ip: 10.0.2.10, security_groups: [db]}
"#, from: "report", to: "db", proto: "tcp", ports: "5432", want: Deny },
        Case { fact: "SG: a group reference does not match public addresses (traffic to the public IP)", world: r#"
  security_groups:
    - {name: app, vpc: main}
    - {name: web, vpc: main, ingress: [{protocol: tcp, ports: "443", group: app}]}
  instances:
    - {name: app, subnet: public, private_ip: 10.0.1.10, public_ip: 54.0.0.11, security_groups: [app]}
    - {name: web, subnet: public, private_ip: 10.0.1.20, public_ip: 54.0.0.20, security_groups: [web]}
"#, from: "app", to: "54.0.0.20", proto: "tcp", ports: "443", want: Deny },
        Case { fact: "SG: protocol -1 (all) allows every protocol and port", world: r#"
  security_groups:
    - {name: web, vpc: main, ingress: [{protocol: "-1", cidr: 203.0.113.0/24}]}
  instances:
    - {name: web, subnet: public, private_ip: 10.0.1.10, public_ip: 54.0.0.10, security_groups: [web]}
"#, from: "office", to: "web", proto: "udp", ports: "161", want: Allow },
        Case { fact: "SG: a protocol number other than 6/17/1/58 allows all its traffic whatever the range", world: r#"
  security_groups:
    - {name: web, vpc: main, ingress: [{protocol: "47", ports: "10-20", cidr: 203.0.113.0/24}]}
  instances:
    - {name: web, subnet: public, private_ip: 10.0.1.10, public_ip: 54.0.0.10, security_groups: [web]}
"#, from: "office", to: "web", proto: "47", ports: "all", want: Allow },
        Case { fact: "SG: ICMP type/code — an echo-request rule admits ping", world: r#"
  security_groups:
    - {name: web, vpc: main, ingress: [{protocol: icmp, ports: "8/-1", cidr: 0.0.0.0/0}]}
  instances:
    - {name: web, subnet: public, private_ip: 10.0.1.10, public_ip: 54.0.0.10, security_groups: [web]}
"#, from: "internet", to: "web", proto: "icmp", ports: "8/0", want: Allow },
        Case { fact: "SG: an echo-request rule does not admit other ICMP types", world: r#"
  security_groups:
    - {name: web, vpc: main, ingress: [{protocol: icmp, ports: "8/-1", cidr: 0.0.0.0/0}]}
  instances:
    - {name: web, subnet: public, private_ip: 10.0.1.10, public_ip: 54.0.0.10, security_groups: [web]}
"#, from: "internet", to: "web", proto: "icmp", ports: "13/0", want: Deny },
        Case { fact: "SPEC: a source set is allowed only if every address gets through (else partial)", world: r#"
  security_groups:
    - {name: web, vpc: main, ingress: [{protocol: tcp, ports: "22", cidr: 203.0.113.0/25}]}
  instances:
    - {name: web, subnet: public, private_ip: 10.0.1.10, public_ip: 54.0.0.10, security_groups: [web]}
"#, from: "office", to: "web", proto: "tcp", ports: "22", want: Partial },
        Case { fact: "SPEC: a port range is allowed only if every port gets through (else partial)", world: WEB_443, from: "internet", to: "web", proto: "tcp", ports: "443-444", want: Partial },
        Case { fact: "SPEC: internet excludes private ranges, so a rule for 10.0.0.0/8 does not admit it", world: r#"
  security_groups:
    - {name: web, vpc: main, ingress: [{protocol: tcp, ports: "22", cidr: 10.0.0.0/8}]}
  instances:
    - {name: web, subnet: public, private_ip: 10.0.1.10, public_ip: 54.0.0.10, security_groups: [web]}
"#, from: "internet", to: "web", proto: "tcp", ports: "22", want: Deny },
    ]);
}

const ACL_WEB: &str = r#"
  security_groups:
    - {name: web, vpc: main, ingress: [{protocol: tcp, ports: "443", cidr: 0.0.0.0/0}, {protocol: tcp, ports: "22", cidr: 10.0.0.0/16}]}
  instances:
    - {name: web, subnet: public, private_ip: 10.0.1.10, public_ip: 54.0.0.10, security_groups: [web]}
    - {name: admin, subnet: public, private_ip: 10.0.1.20}
    - {name: ops, subnet: private, private_ip: 10.0.2.20}
"#;

fn acl_world(ingress: &str, egress: &str) -> String {
    format!("{ACL_WEB}  network_acls:\n    - name: strict\n      vpc: main\n      subnets: [public]\n      ingress: {ingress}\n      egress: {egress}\n")
}

fn run_acl(
    fact: &str,
    ingress: &str,
    egress: &str,
    from: &str,
    to: &str,
    ports: &str,
    want: Verdict,
) {
    let acct = account(&format!("{BASE}{}", acl_world(ingress, egress)));
    let r = flow(&acct, from, to, "tcp", ports);
    assert_eq!(r.verdict, want, "{fact}: {}", r.summary);
}

const ALLOW_ALL: &str = "[{rule: 100, action: allow, protocol: all, cidr: 0.0.0.0/0}]";

#[test]
fn network_acl_facts() {
    run_acl("ACL: rules are evaluated lowest number first; the first match decides (allow at 100 beats deny at 200)",
        "[{rule: 100, action: allow, protocol: tcp, ports: \"443\", cidr: 0.0.0.0/0}, {rule: 200, action: deny, protocol: tcp, ports: \"443\", cidr: 203.0.113.0/24}]",
        ALLOW_ALL, "office", "web", "443", Allow);
    run_acl("ACL: a deny with a lower number wins",
        "[{rule: 90, action: deny, protocol: tcp, ports: \"443\", cidr: 203.0.113.0/24}, {rule: 100, action: allow, protocol: tcp, ports: \"443\", cidr: 0.0.0.0/0}]",
        ALLOW_ALL, "office", "web", "443", Deny);
    run_acl(
        "ACL: the final * rule denies what no numbered rule matches",
        "[]",
        ALLOW_ALL,
        "office",
        "web",
        "443",
        Deny,
    );
    run_acl(
        "ACL: stateless — the reply needs an outbound rule to the client's ephemeral ports",
        ALLOW_ALL,
        "[{rule: 100, action: allow, protocol: tcp, ports: \"443\", cidr: 0.0.0.0/0}]",
        "office",
        "web",
        "443",
        Deny,
    );
    run_acl(
        "ACL: AWS's advice, outbound 1024-65535, lets every client's replies out",
        ALLOW_ALL,
        "[{rule: 100, action: allow, protocol: tcp, ports: 1024-65535, cidr: 0.0.0.0/0}]",
        "internet",
        "web",
        "443",
        Allow,
    );
    run_acl(
        "ACL: ephemeral ports — Linux clients use 32768-61000",
        ALLOW_ALL,
        "[{rule: 100, action: allow, protocol: tcp, ports: 32768-61000, cidr: 0.0.0.0/0}]",
        "office",
        "web",
        "443",
        Allow,
    );
    run_acl("ACL: ephemeral ports — Windows clients (49152-65535) are partly cut by an outbound 32768-61000",
        ALLOW_ALL, "[{rule: 100, action: allow, protocol: tcp, ports: 32768-61000, cidr: 0.0.0.0/0}]", "laptop", "web", "443", Partial);
    run_acl(
        "ACL: ephemeral ports — Windows clients use 49152-65535",
        ALLOW_ALL,
        "[{rule: 100, action: allow, protocol: tcp, ports: 49152-65535, cidr: 0.0.0.0/0}]",
        "laptop",
        "web",
        "443",
        Allow,
    );
    run_acl(
        "ACL: ephemeral ports — Linux clients are partly cut by an outbound 49152-65535",
        ALLOW_ALL,
        "[{rule: 100, action: allow, protocol: tcp, ports: 49152-65535, cidr: 0.0.0.0/0}]",
        "office",
        "web",
        "443",
        Partial,
    );
    run_acl(
        "ACL: ephemeral ports — unknown clients use 1024-65535",
        ALLOW_ALL,
        "[{rule: 100, action: allow, protocol: tcp, ports: 32768-65535, cidr: 0.0.0.0/0}]",
        "partner",
        "web",
        "443",
        Partial,
    );
    run_acl(
        "ACL: applied where traffic crosses a subnet boundary, not inside the subnet",
        "[]",
        "[]",
        "admin",
        "web",
        "22",
        Allow,
    );
    run_acl(
        "ACL: traffic between subnets passes both subnets' ACLs",
        "[]",
        "[]",
        "ops",
        "web",
        "22",
        Deny,
    );
    run_acl("ACL: a deny for one source leaves others allowed",
        "[{rule: 50, action: deny, protocol: all, cidr: 198.51.100.0/24}, {rule: 100, action: allow, protocol: all, cidr: 0.0.0.0/0}]",
        ALLOW_ALL, "office", "web", "443", Allow);
}

#[test]
fn default_network_acl_allows_all_both_ways() {
    // FACTS: Default ACL: rule 100 allows all in and out.
    let acct = account(&format!("{BASE}{ACL_WEB}"));
    assert_eq!(verdict(&acct, "ops", "web", "tcp", "22"), Allow);
    assert_eq!(verdict(&acct, "internet", "web", "tcp", "443"), Allow);
}

#[test]
fn routing_facts() {
    let w = |subnet: &str, public: bool| {
        format!(
            "{BASE}  security_groups:\n    - {{name: web, vpc: main, ingress: [{{protocol: tcp, ports: \"443\", cidr: 0.0.0.0/0}}]}}\n  instances:\n    - {{name: web, subnet: {subnet}, private_ip: {}, {}security_groups: [web]}}\n",
            match subnet { "public" => "10.0.1.10", "private" => "10.0.2.10", _ => "10.0.3.10" },
            if public { "public_ip: 54.0.0.10, " } else { "" }
        )
    };
    // SPEC §5.3: from the internet, B needs a public IPv4 address.
    assert_eq!(
        verdict(
            &account(&w("public", false)),
            "internet",
            "web",
            "tcp",
            "443"
        ),
        Deny
    );
    assert_eq!(
        verdict(
            &account(&w("public", true)),
            "internet",
            "web",
            "tcp",
            "443"
        ),
        Allow
    );
    // SPEC §5.3: and a route 0.0.0.0/0 -> igw (a NAT route is outbound only).
    assert_eq!(
        verdict(
            &account(&w("private", true)),
            "internet",
            "web",
            "tcp",
            "443"
        ),
        Deny
    );
    assert_eq!(
        verdict(
            &account(&w("isolated", true)),
            "internet",
            "web",
            "tcp",
            "443"
        ),
        Deny
    );
    // To the internet: igw + public address, or a NAT gateway route.
    assert_eq!(
        verdict(
            &account(&w("public", true)),
            "web",
            "internet",
            "tcp",
            "443"
        ),
        Allow
    );
    assert_eq!(
        verdict(
            &account(&w("public", false)),
            "web",
            "internet",
            "tcp",
            "443"
        ),
        Deny
    );
    assert_eq!(
        verdict(
            &account(&w("private", false)),
            "web",
            "internet",
            "tcp",
            "443"
        ),
        Allow
    );
    assert_eq!(
        verdict(
            &account(&w("isolated", false)),
            "web",
            "internet",
            "tcp",
            "443"
        ),
        Deny
    );
    // The gateway must be attached.
    let detached = w("public", true)
        .replace("internet_gateway: true", "internet_gateway: false")
        .replace("route_internet: igw", "route_internet: none");
    assert_eq!(
        verdict(&account(&detached), "internet", "web", "tcp", "443"),
        Deny
    );
}

#[test]
fn a_stopped_instance_is_unreachable() {
    let acct = account(&format!(
        "{BASE}{}",
        WEB_443.replace(
            "security_groups: [web]}",
            "security_groups: [web], state: stopped}"
        )
    ));
    let r = flow(&acct, "internet", "web", "tcp", "443");
    assert_eq!(r.verdict, Deny);
    assert!(r.summary.contains("stopped"), "{}", r.summary);
}

#[test]
fn icmp_echo_replies_need_the_acl_to_allow_type_0() {
    // ACLs are stateless for ICMP too: the echo reply (type 0) must be allowed out.
    let world = format!(
        "{BASE}{}",
        r#"
  security_groups:
    - {name: web, vpc: main, ingress: [{protocol: icmp, ports: "8/-1", cidr: 0.0.0.0/0}]}
  instances:
    - {name: web, subnet: public, private_ip: 10.0.1.10, public_ip: 54.0.0.10, security_groups: [web]}
  network_acls:
    - name: strict
      vpc: main
      subnets: [public]
      ingress: [{rule: 100, action: allow, protocol: icmp, ports: "8/-1", cidr: 0.0.0.0/0}]
      egress: [{rule: 100, action: allow, protocol: icmp, ports: "8/-1", cidr: 0.0.0.0/0}]
"#
    );
    assert_eq!(
        verdict(&account(&world), "internet", "web", "icmp", "8/0"),
        Deny
    );
    let fixed = world.replace(
        "egress: [{rule: 100, action: allow, protocol: icmp, ports: \"8/-1\"",
        "egress: [{rule: 100, action: allow, protocol: icmp, ports: \"0/-1\"",
    );
    assert_eq!(
        verdict(&account(&fixed), "internet", "web", "icmp", "8/0"),
        Allow
    );
}

#[test]
fn partial_verdicts_carry_a_failing_example() {
    let acct = account(&format!(
        "{BASE}{}",
        r#"
  security_groups:
    - {name: web, vpc: main, ingress: [{protocol: tcp, ports: "22", cidr: 203.0.113.0/25}]}
  instances:
    - {name: web, subnet: public, private_ip: 10.0.1.10, public_ip: 54.0.0.10, security_groups: [web]}
"#
    ));
    let r = flow(&acct, "office", "web", "tcp", "22");
    assert_eq!(r.verdict, Partial);
    let ex = r
        .example
        .expect("a partial verdict names a failing example");
    let addr: std::net::Ipv4Addr = ex.source.parse().unwrap();
    assert!(
        u32::from(addr) >= u32::from(std::net::Ipv4Addr::new(203, 0, 113, 128)),
        "{addr}"
    );
    assert_eq!(
        r.hops.last().unwrap().verdict,
        ec2_tutor::net::flow::HopVerdict::Deny
    );
}

#[test]
fn protocol_all_flows_are_judged_protocol_by_protocol() {
    let acct = account(&format!("{BASE}{WEB_443}"));
    // Only tcp 443 is open: "all" is partly allowed from the internet.
    assert_eq!(verdict(&acct, "internet", "web", "all", "all"), Partial);
    // Egress allow-all: everything goes out.
    assert_eq!(verdict(&acct, "web", "internet", "all", "all"), Allow);
}
