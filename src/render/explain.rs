//! `explain`: every hop of a trace with every rule of its component, in evaluation order,
//! marking the rules that match the packet and the one that decides.

use crate::model::{Account, RuleAction};
use crate::net::compile::Compiled;
use crate::net::flow::{
    acl_entry_matches, fmt_port, peer_text, rule_matches, service_text, Component, FlowResult,
    HopVerdict,
};
use crate::net::types::Protocol;
use crate::session::{Explain, ExplainHop, ExplainRule};
use ipnet::IpNet;
use std::net::Ipv4Addr;

fn component_name(c: Component) -> String {
    serde_json::to_value(c)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// Builds the rule-by-rule explanation of a flow result.
pub fn explain(acct: &Account, subject: &str, r: &FlowResult) -> Explain {
    let c = Compiled::new(acct);
    let p = r.packet;
    let proto = p.proto;
    let mut hops = Vec::new();
    for h in &r.hops {
        let egress = h.direction == Some(crate::net::flow::Direction::Egress);
        // Which address and port the component looked at.
        let (addr, port) = match (h.reply, egress) {
            (false, true) => (p.dst, p.dport),
            (false, false) => (p.src, p.dport),
            (true, true) => (p.src, p.sport),
            (true, false) => (p.dst, p.sport),
        };
        let mut rules = Vec::new();
        match h.component {
            Component::SecurityGroup => {
                // Every rule of every group on the interface: together they are one set.
                let groups: Vec<String> = h
                    .instance
                    .as_deref()
                    .and_then(|i| acct.instance(i))
                    .map(|i| i.security_groups.clone())
                    .unwrap_or_else(|| h.id.split(',').map(String::from).collect());
                let decided = h
                    .rule
                    .as_ref()
                    .and_then(|r| r.get("SecurityGroupRuleId"))
                    .and_then(|v| v.as_str())
                    .map(String::from);
                for (g, rule) in c.rules_of(&groups, egress) {
                    rules.push(ExplainRule {
                        rule: format!(
                            "{} {} {} {} ({})",
                            rule.id,
                            service_text(rule.protocol, rule.ports),
                            if egress { "to" } else { "from" },
                            peer_text(&rule.peer),
                            acct.group(g).map(|g| g.name.as_str()).unwrap_or(g)
                        ),
                        matched: rule_matches(&c, rule, addr, proto, port),
                        decides: decided.as_deref() == Some(rule.id.as_str()),
                    });
                }
            }
            Component::NetworkAcl => {
                if let Some(nacl) = acct.acl(&h.id) {
                    let decider = c
                        .acl_match(nacl, egress, addr, proto, port)
                        .map(|e| e.rule_number);
                    let mut entries: Vec<_> = nacl.direction(egress).collect();
                    entries.sort_by_key(|e| e.rule_number);
                    for e in entries {
                        if !matches!(e.cidr, IpNet::V4(_)) {
                            continue;
                        }
                        let matched = acl_entry_matches(e, addr, proto, port);
                        // First match wins: entries after the deciding one are never looked at.
                        let unreached = decider.is_some_and(|d| e.rule_number > d);
                        rules.push(ExplainRule {
                            rule: format!(
                                "{:>5} {} {} {} {}{}",
                                e.rule_number,
                                if e.action == RuleAction::Allow {
                                    "allow"
                                } else {
                                    "deny "
                                },
                                service_text(e.protocol, e.ports),
                                if egress { "to" } else { "from" },
                                e.cidr,
                                if unreached { " (not reached)" } else { "" }
                            ),
                            matched: matched && !unreached,
                            decides: decider == Some(e.rule_number),
                        });
                    }
                    rules.push(ExplainRule {
                        rule: format!(
                            "    * deny  all traffic{}",
                            if decider.is_some() {
                                " (not reached)"
                            } else {
                                ""
                            }
                        ),
                        matched: decider.is_none(),
                        decides: decider.is_none(),
                    });
                }
            }
            _ => {}
        }
        hops.push(ExplainHop {
            component: component_name(h.component),
            id: h.id.clone(),
            direction: h.direction.map(|d| {
                if d == crate::net::flow::Direction::Egress {
                    "egress".into()
                } else {
                    "ingress".into()
                }
            }),
            verdict: if h.verdict == HopVerdict::Allow {
                "allow".into()
            } else {
                "deny".into()
            },
            reason: if h.reply {
                format!("(reply) {}", h.reason)
            } else {
                h.reason.clone()
            },
            rules,
        });
    }
    let pname = Protocol::from_number(proto).api_name();
    Explain {
        subject: subject.to_string(),
        verdict: r.verdict,
        packet: format!(
            "{pname} {}:{} → {}:{}",
            Ipv4Addr::from(p.src),
            p.sport,
            Ipv4Addr::from(p.dst),
            fmt_port(proto, p.dport)
        ),
        hops,
    }
}
