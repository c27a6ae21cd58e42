//! `ec2-tutor record`: a session turned into a scenario draft — the starting world as YAML,
//! the commands that changed the account as the solution, and one goal per distinct probe
//! (expecting what the probe answers at the end). The draft loads as it is; the author then
//! writes the brief, hints and debrief and checks it with `ec2-tutor lint`.

use crate::model::{Account, AclEntry, InternetRoute, Peer, RuleAction, SgRule};
use crate::net::flow::Verdict;
use crate::net::types::{Os, Protocol};
use crate::session::Session;
use std::fmt::Write;

/// YAML-quotes a string when needed (always double-quoted: safe for any text).
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn ports(protocol: Protocol, p: crate::net::types::Ports) -> String {
    q(&p.describe(protocol).replace("any", "-1"))
}

fn rule(r: &SgRule) -> String {
    let peer = match &r.peer {
        Peer::Cidr(n) => format!("cidr: {n}"),
        Peer::Group(g) => format!("group: {g}"),
        Peer::PrefixList(p) => format!("prefix_list: {p}"),
    };
    let desc = r
        .description
        .as_ref()
        .map(|d| format!(", description: {}", q(d)))
        .unwrap_or_default();
    format!(
        "{{protocol: {}, ports: {}, {peer}, id: {}{desc}}}",
        q(&r.protocol.api_name()),
        ports(r.protocol, r.ports),
        r.id
    )
}

fn entry(e: &AclEntry) -> String {
    format!(
        "{{rule: {}, action: {}, protocol: {}, ports: {}, cidr: {}}}",
        e.rule_number,
        if e.action == RuleAction::Allow {
            "allow"
        } else {
            "deny"
        },
        q(&e.protocol.api_name()),
        ports(e.protocol, e.ports),
        e.cidr
    )
}

/// The `world:` section describing an account, with every id explicit.
pub fn world_yaml(a: &Account) -> String {
    let mut o = String::from("world:\n");
    let _ = writeln!(o, "  account: {}\n  region: {}", q(&a.account_id), a.region);
    let vpc_name = |id: &str| {
        a.vpc(id)
            .and_then(|v| v.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    o.push_str("  vpcs:\n");
    for v in &a.vpcs {
        let _ = writeln!(
            o,
            "    - {{name: {}, id: {}, cidr: {}, internet_gateway: {}{}{}}}",
            q(&vpc_name(&v.id)),
            v.id,
            v.cidr,
            a.igw_of(&v.id).is_some(),
            if v.is_default { ", default: true" } else { "" },
            if v.tenancy == crate::model::Tenancy::Dedicated {
                ", tenancy: dedicated"
            } else {
                ""
            }
        );
    }
    o.push_str("  subnets:\n");
    for s in &a.subnets {
        let route = match s.route_internet {
            InternetRoute::Igw => "igw",
            InternetRoute::Nat => "nat",
            InternetRoute::None => "none",
        };
        let _ = writeln!(
            o,
            "    - {{name: {}, id: {}, vpc: {}, cidr: {}, route_internet: {route}, availability_zone: {}}}",
            q(s.name.as_deref().unwrap_or(&s.id)),
            s.id,
            s.vpc_id,
            s.cidr,
            s.availability_zone
        );
    }
    o.push_str("  network_acls:\n");
    for n in &a.network_acls {
        let subnets: Vec<String> = a
            .subnets
            .iter()
            .filter(|s| s.network_acl_id == n.id)
            .map(|s| s.id.clone())
            .collect();
        let name = n
            .name
            .clone()
            .unwrap_or_else(|| format!("{}-default-acl", vpc_name(&n.vpc_id)));
        let _ = writeln!(
            o,
            "    - name: {}\n      id: {}\n      vpc: {}",
            q(&name),
            n.id,
            n.vpc_id
        );
        if n.is_default {
            o.push_str("      default: true\n");
        } else {
            let _ = writeln!(o, "      subnets: [{}]", subnets.join(", "));
        }
        for (label, egress) in [("ingress", false), ("egress", true)] {
            let list: Vec<String> = n.direction(egress).map(entry).collect();
            let _ = writeln!(o, "      {label}: [{}]", list.join(", "));
        }
    }
    o.push_str("  security_groups:\n");
    for g in &a.security_groups {
        let _ = writeln!(
            o,
            "    - name: {}\n      id: {}\n      vpc: {}\n      description: {}",
            q(&g.name),
            g.id,
            g.vpc_id,
            q(&g.description)
        );
        for (label, rules) in [("ingress", &g.ingress), ("egress", &g.egress)] {
            let _ = writeln!(o, "      {label}:");
            if rules.is_empty() {
                let _ = writeln!(o, "        []");
            }
            for r in rules {
                let _ = writeln!(o, "        - {}", rule(r));
            }
        }
    }
    if !a.instances.is_empty() {
        o.push_str("  instances:\n");
    }
    for i in &a.instances {
        let _ = write!(
            o,
            "    - {{name: {}, id: {}, subnet: {}, private_ip: {}, security_groups: [{}], instance_type: {}, platform: {}, state: {}",
            q(i.label()),
            i.id,
            i.subnet_id,
            i.private_ip,
            i.security_groups.join(", "),
            i.instance_type,
            if i.platform == Os::Windows { "windows" } else { "linux" },
            i.state.as_str()
        );
        if let Some(p) = i.public_ip {
            let _ = write!(o, ", public_ip: {p}");
        }
        if let Some(k) = &i.key_name {
            let _ = write!(o, ", key_name: {}", q(k));
        }
        if let Some(p) = &i.iam_instance_profile {
            let _ = write!(o, ", iam_instance_profile: {}", q(p));
        }
        o.push_str("}\n");
    }
    if !a.hosts.is_empty() {
        o.push_str("  hosts:\n");
    }
    for h in &a.hosts {
        let os = match h.os {
            Some(Os::Linux) => ", os: linux",
            Some(Os::Windows) => ", os: windows",
            None => "",
        };
        let _ = writeln!(o, "    - {{name: {}, cidr: {}{os}}}", q(&h.name), h.cidr);
    }
    if !a.key_pairs.is_empty() {
        o.push_str("  key_pairs:\n");
        for k in &a.key_pairs {
            let _ = writeln!(o, "    - {{name: {}, type: {}}}", q(&k.name), k.key_type);
        }
    }
    let iam = &a.iam;
    if !(iam.policies.is_empty() && iam.roles.is_empty() && iam.instance_profiles.is_empty()) {
        o.push_str("  iam:\n    policies:\n");
        for p in &iam.policies {
            let _ = writeln!(
                o,
                "      - {{name: {}, document: {}}}",
                q(&p.name),
                p.document
            );
        }
        o.push_str("    roles:\n");
        for r in &iam.roles {
            let _ = writeln!(
                o,
                "      - {{name: {}, trust: [{}], policies: [{}]}}",
                q(&r.name),
                r.trust.iter().map(|t| q(t)).collect::<Vec<_>>().join(", "),
                r.policies
                    .iter()
                    .map(|t| q(t))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        o.push_str("    instance_profiles:\n");
        for p in &iam.instance_profiles {
            let role = p
                .role
                .as_ref()
                .map(|r| format!(", role: {}", q(r)))
                .unwrap_or_default();
            let _ = writeln!(o, "      - {{name: {}{role}}}", q(&p.name));
        }
    }
    o
}

/// The draft of a scenario recorded from `session`, which started from `start`.
pub fn draft(id: &str, start: &Account, session: &Session) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "# Recorded by `ec2-tutor record`. Fill in the brief, hints and debrief,"
    );
    let _ = writeln!(
        o,
        "# check the goals say what you mean, then prove it: ec2-tutor lint THIS_FILE"
    );
    let _ = writeln!(
        o,
        "id: {id}\ntitle: {}\ntopic: security-groups\ndifficulty: 2",
        q(&format!("Recorded scenario {id}"))
    );
    let _ = writeln!(o, "brief: |\n  Describe the situation the learner finds and what must be true when they are done.");
    o.push_str(&world_yaml(start));
    o.push_str("goals:\n");
    // One goal per distinct probe, in the order first run, expecting its last answer.
    let mut keys: Vec<(String, String, String, String)> = Vec::new();
    for e in session.journal() {
        if let Some(p) = &e.probe {
            let key = (
                p.from.clone(),
                p.to.clone(),
                p.protocol.clone(),
                p.ports.clone(),
            );
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    let mut n = 0;
    for key in &keys {
        let Some(p) = session
            .journal()
            .iter()
            .rev()
            .filter_map(|e| e.probe.as_ref())
            .find(|p| (&p.from, &p.to, &p.protocol, &p.ports) == (&key.0, &key.1, &key.2, &key.3))
        else {
            continue;
        };
        let expect = match p.result.verdict {
            Verdict::Allow => "allow",
            Verdict::Deny => "deny",
            Verdict::Partial => {
                let _ = writeln!(o, "  # partly allowed at the end, so no goal: probe --from {} --to {} --protocol {} --port {}", p.from, p.to, p.protocol, p.ports);
                continue;
            }
        };
        n += 1;
        let _ = writeln!(
            o,
            "  - id: flow-{n}\n    text: {}\n    flow: {{from: {}, to: {}, protocol: {}, ports: {}}}\n    expect: {expect}",
            q(&format!("{} {} {} {} {}", p.from, if expect == "allow" { "reaches" } else { "does not reach" }, p.to, p.protocol, p.ports)),
            q(&p.from),
            q(&p.to),
            q(&p.protocol),
            q(&p.ports.replace("any", "-1"))
        );
    }
    if n == 0 {
        o.push_str(
            "  # No probes were run: add goals (flow, exposure, connection, iam, state).\n  []\n",
        );
    }
    o.push_str("hints:\n  - \"First hint: a nudge.\"\n  - \"Second hint: where to look.\"\n  - \"Third hint: nearly the answer.\"\n");
    o.push_str("solution:\n");
    for e in session.journal().iter().filter(|e| e.changed) {
        let _ = writeln!(o, "  - {}", q(&e.line));
    }
    o.push_str("debrief: |\n  Teach the AWS fact behind the scenario here.\n");
    o
}
