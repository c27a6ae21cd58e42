//! `map`: the account drawn as a tree — VPCs, subnets with their routes and ACLs, instances
//! with their groups and what those groups let in — plus the outside hosts.

use crate::model::{Account, InternetRoute, RuleAction};
use crate::net::flow::{peer_text, service_text};
use crate::net::types::Os;
use std::fmt::Write;

fn group_name(acct: &Account, id: &str) -> String {
    acct.group(id)
        .map(|g| g.name.clone())
        .unwrap_or_else(|| id.to_string())
}

/// Draws the account.
pub fn draw(acct: &Account) -> String {
    let mut out = String::new();
    for v in &acct.vpcs {
        let igw = acct
            .igw_of(&v.id)
            .map(|g| format!("  internet gateway {}", g.id))
            .unwrap_or_else(|| "  no internet gateway".into());
        let _ = writeln!(
            out,
            "{} {} {}{}{}",
            v.id,
            v.name.as_deref().unwrap_or(""),
            v.cidr,
            if v.is_default { " (default VPC)" } else { "" },
            igw
        );
        let subnets: Vec<_> = acct.subnets.iter().filter(|s| s.vpc_id == v.id).collect();
        for (si, s) in subnets.iter().enumerate() {
            let last_s = si + 1 == subnets.len();
            let (branch, pipe) = if last_s {
                ("└─", "   ")
            } else {
                ("├─", "│  ")
            };
            let route = match s.route_internet {
                InternetRoute::Igw => "0.0.0.0/0 → igw (public)",
                InternetRoute::Nat => "0.0.0.0/0 → nat (outbound only)",
                InternetRoute::None => "local only (private)",
            };
            let acl = acct.acl(&s.network_acl_id);
            let acl_name = acl
                .map(|a| {
                    if a.is_default {
                        format!("{} (default)", a.id)
                    } else {
                        format!("{} ({})", a.id, a.name.as_deref().unwrap_or(""))
                    }
                })
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "{branch} {} {} {}  route {route}  acl {acl_name}",
                s.id,
                s.name.as_deref().unwrap_or(""),
                s.cidr
            );
            if let Some(a) = acl {
                if !a.is_default {
                    for egress in [false, true] {
                        let entries: Vec<String> = a
                            .direction(egress)
                            .map(|e| {
                                format!(
                                    "{} {} {} {}",
                                    e.rule_number,
                                    if e.action == RuleAction::Allow {
                                        "allow"
                                    } else {
                                        "deny"
                                    },
                                    service_text(e.protocol, e.ports),
                                    e.cidr
                                )
                            })
                            .collect();
                        let _ = writeln!(
                            out,
                            "{pipe}   acl {}: {}; * deny",
                            if egress { "out" } else { "in " },
                            entries.join("; ")
                        );
                    }
                }
            }
            let insts: Vec<_> = acct
                .instances
                .iter()
                .filter(|i| i.subnet_id == s.id)
                .collect();
            for (ii, i) in insts.iter().enumerate() {
                let ib = if ii + 1 == insts.len() {
                    "└─"
                } else {
                    "├─"
                };
                let public = i.public_ip.map(|p| format!(" / {p}")).unwrap_or_default();
                let groups: Vec<String> = i
                    .security_groups
                    .iter()
                    .map(|g| group_name(acct, g))
                    .collect();
                let _ = writeln!(
                    out,
                    "{pipe}{ib} {} {} {}{}  [{}]  {}{}",
                    i.id,
                    i.label(),
                    i.private_ip,
                    public,
                    groups.join(", "),
                    if i.platform == Os::Windows {
                        "windows"
                    } else {
                        "linux"
                    },
                    if i.state.as_str() == "running" {
                        ""
                    } else {
                        " (stopped)"
                    }
                );
                let mut allowed = Vec::new();
                for g in &i.security_groups {
                    if let Some(g) = acct.group(g) {
                        for r in &g.ingress {
                            let from = match &r.peer {
                                crate::model::Peer::Group(id) => {
                                    format!("group {}", group_name(acct, id))
                                }
                                p => peer_text(p),
                            };
                            allowed
                                .push(format!("{} from {from}", service_text(r.protocol, r.ports)));
                        }
                    }
                }
                let inner = if ii + 1 == insts.len() {
                    "   "
                } else {
                    "│  "
                };
                let _ = writeln!(
                    out,
                    "{pipe}{inner}   in: {}",
                    if allowed.is_empty() {
                        "nothing".to_string()
                    } else {
                        allowed.join("; ")
                    }
                );
            }
        }
    }
    if !acct.hosts.is_empty() {
        let _ = writeln!(out, "outside:");
        for h in &acct.hosts {
            let os = match h.os {
                Some(Os::Linux) => " (linux)",
                Some(Os::Windows) => " (windows)",
                None => "",
            };
            let _ = writeln!(out, "   {} {}{os}", h.name, h.cidr);
        }
    }
    out
}

fn dot_id(s: &str) -> String {
    format!(
        "\"{}\"",
        s.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
    )
}

/// The account as a Graphviz graph: VPCs and subnets as clusters, instances and hosts as
/// nodes, an edge for every inbound group rule whose source is a host, the internet, or
/// another instance's group.
pub fn dot(acct: &Account) -> String {
    let mut out = String::from("digraph ec2 {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n  internet [shape=ellipse];\n");
    for v in &acct.vpcs {
        let _ = writeln!(
            out,
            "  subgraph {} {{\n    label={};",
            dot_id(&format!("cluster_{}", v.id)),
            dot_id(&format!(
                "{} {} {}",
                v.id,
                v.name.as_deref().unwrap_or(""),
                v.cidr
            ))
        );
        for s in acct.subnets.iter().filter(|s| s.vpc_id == v.id) {
            let _ = writeln!(
                out,
                "    subgraph {} {{\n      label={};",
                dot_id(&format!("cluster_{}", s.id)),
                dot_id(&format!(
                    "{} {} {}",
                    s.name.as_deref().unwrap_or(""),
                    s.cidr,
                    match s.route_internet {
                        InternetRoute::Igw => "public",
                        InternetRoute::Nat => "nat",
                        InternetRoute::None => "private",
                    }
                ))
            );
            for i in acct.instances.iter().filter(|i| i.subnet_id == s.id) {
                let groups: Vec<String> = i
                    .security_groups
                    .iter()
                    .map(|g| group_name(acct, g))
                    .collect();
                let _ = writeln!(
                    out,
                    "      {} [label={}];",
                    dot_id(&i.id),
                    dot_id(&format!(
                        "{}\n{}\n[{}]",
                        i.label(),
                        i.private_ip,
                        groups.join(", ")
                    ))
                );
            }
            out.push_str("    }\n");
        }
        out.push_str("  }\n");
    }
    for h in &acct.hosts {
        let _ = writeln!(
            out,
            "  {} [shape=ellipse, label={}];",
            dot_id(&format!("host:{}", h.name)),
            dot_id(&format!("{}\n{}", h.name, h.cidr))
        );
    }
    for i in &acct.instances {
        for g in &i.security_groups {
            let Some(g) = acct.group(g) else { continue };
            for r in &g.ingress {
                let label = dot_id(&service_text(r.protocol, r.ports));
                match &r.peer {
                    crate::model::Peer::Group(src) => {
                        for m in acct
                            .instances
                            .iter()
                            .filter(|m| m.security_groups.contains(src) && m.id != i.id)
                        {
                            let _ = writeln!(
                                out,
                                "  {} -> {} [label={label}];",
                                dot_id(&m.id),
                                dot_id(&i.id)
                            );
                        }
                    }
                    crate::model::Peer::Cidr(n) if n.prefix_len() == 0 => {
                        let _ = writeln!(out, "  internet -> {} [label={label}];", dot_id(&i.id));
                    }
                    crate::model::Peer::Cidr(n) => {
                        let hosts: Vec<_> = acct
                            .hosts
                            .iter()
                            .filter(|h| n.contains(&h.cidr.network()))
                            .collect();
                        if hosts.is_empty() {
                            let _ = writeln!(
                                out,
                                "  {} [shape=ellipse];\n  {} -> {} [label={label}];",
                                dot_id(&n.to_string()),
                                dot_id(&n.to_string()),
                                dot_id(&i.id)
                            );
                        }
                        for h in hosts {
                            let _ = writeln!(
                                out,
                                "  {} -> {} [label={label}];",
                                dot_id(&format!("host:{}", h.name)),
                                dot_id(&i.id)
                            );
                        }
                    }
                    crate::model::Peer::PrefixList(p) => {
                        let _ =
                            writeln!(out, "  {} -> {} [label={label}];", dot_id(p), dot_id(&i.id));
                    }
                }
            }
        }
    }
    out.push_str("}\n");
    out
}
