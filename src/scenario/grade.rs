//! Grading: each goal of a scenario evaluated against an account and its connections, with
//! a one-line detail and the full trace where there is one.
//!
//! **Invariant:** pure — the account, connections and scenario go in, results come out.

use super::{AccessMethod, Goal, GoalKind, StateExpect};
use crate::model::{Account, HttpTokens, RootDevice};
use crate::net::compile::Compiled;
use crate::net::conntrack::Connection;
use crate::net::endpoint::{find_instance, resolve_endpoint, resolve_source};
use crate::net::exposure::{self, Allowed};
use crate::net::flow::{self, FlowResult, FlowSpec, Verdict};
use crate::net::types::{Os, Ports, Protocol};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GoalResult {
    pub id: String,
    pub met: bool,
    pub detail: String,
    /// The flow evaluation behind a flow goal (for `explain`).
    #[serde(skip)]
    pub trace: Option<FlowResult>,
}

/// Every protocol that must be evaluated separately to cover `all`: the protocols rules in
/// the account name, plus one that none names (all unnamed protocols behave alike).
fn protocols_for_all(acct: &Account) -> Vec<Protocol> {
    let mut named: Vec<u8> = vec![6, 17, 1];
    let rules = acct
        .security_groups
        .iter()
        .flat_map(|g| g.ingress.iter().chain(&g.egress))
        .filter_map(|r| r.protocol.number());
    let entries = acct
        .network_acls
        .iter()
        .flat_map(|a| &a.entries)
        .filter_map(|e| e.protocol.number());
    named.extend(rules.chain(entries));
    named.sort_unstable();
    named.dedup();
    // TCP first: its trace is the one shown when the protocols agree.
    named.sort_by_key(|n| (*n != 6, *n != 17, *n));
    // Last: one protocol no rule names, standing for all of them.
    if let Some(other) = (0..=255u8).find(|n| !named.contains(n)) {
        named.push(other);
    }
    named.into_iter().map(Protocol::from_number).collect()
}

/// Evaluates a flow; `all` is evaluated protocol by protocol and combined (allow only if
/// every protocol is allowed, deny only if none is).
pub fn evaluate_flow(
    c: &Compiled<'_>,
    from: &str,
    to: &str,
    protocol: Protocol,
    ports: Ports,
    src_ports: Option<(u16, u16)>,
) -> Result<FlowResult, String> {
    let from_e = resolve_endpoint(c.account, from)?;
    let to_e = resolve_endpoint(c.account, to)?;
    let protos: Vec<Protocol> = if protocol == Protocol::All {
        protocols_for_all(c.account)
    } else {
        vec![protocol]
    };
    let mut results = Vec::new();
    for &p in &protos {
        let spec = FlowSpec {
            from: from_e.clone(),
            to: to_e.clone(),
            protocol: p,
            ports: if protocol == Protocol::All {
                Ports::All
            } else {
                ports
            },
            src_ports,
        };
        results.push(flow::evaluate(c, &spec).map_err(|e| e.to_string())?);
    }
    if results.len() == 1 {
        return Ok(results.remove(0));
    }
    let allows = results
        .iter()
        .filter(|r| r.verdict == Verdict::Allow)
        .count();
    let denies = results
        .iter()
        .filter(|r| r.verdict == Verdict::Deny)
        .count();
    let verdict = if allows == results.len() {
        Verdict::Allow
    } else if denies == results.len() {
        Verdict::Deny
    } else {
        Verdict::Partial
    };
    if verdict != Verdict::Partial {
        // All agree: the first (TCP) trace stands for them.
        let mut r = results.swap_remove(0);
        r.verdict = verdict;
        return Ok(r);
    }
    // Mixed: name the protocols each way; trace a failing one, and keep a passing packet.
    // The last protocol of the list stands for every protocol no rule names.
    let last = protos.len().saturating_sub(1);
    let name = |i: usize, p: &Protocol| match p {
        _ if i == last => "every other protocol".to_string(),
        Protocol::Number(n) => format!("protocol {n}"),
        p => p.api_name(),
    };
    let group = |v: Verdict| -> Vec<String> {
        protos
            .iter()
            .enumerate()
            .zip(&results)
            .filter(|(_, r)| r.verdict == v)
            .map(|((i, p), _)| name(i, p))
            .collect()
    };
    let mut parts = Vec::new();
    for (label, v) in [
        ("allowed", Verdict::Allow),
        ("partly allowed", Verdict::Partial),
        ("denied", Verdict::Deny),
    ] {
        let g = group(v);
        if !g.is_empty() {
            parts.push(format!("{label}: {}", g.join(", ")));
        }
    }
    let passing = results.iter().find_map(|r| match r.verdict {
        Verdict::Allow => Some((crate::net::flow::describe_packet(&r.packet), r.hops.clone())),
        Verdict::Partial => r.passing.clone(),
        Verdict::Deny => None,
    });
    let fail_at = results
        .iter()
        .position(|r| r.verdict != Verdict::Allow)
        .unwrap_or(0);
    let mut r = results.swap_remove(fail_at);
    r.summary = format!("{} — {}", parts.join("; "), r.summary);
    r.verdict = Verdict::Partial;
    r.passing = passing;
    Ok(r)
}

/// A one-line account of a flow verdict: the rule that lets it in, or the hop that stops it.
pub fn flow_detail(r: &FlowResult, expect_allow: bool) -> String {
    match r.verdict {
        Verdict::Partial if !expect_allow => match &r.passing {
            Some((pkt, hops)) => {
                let by = hops
                    .iter()
                    .rev()
                    .find(|h| {
                        h.component == flow::Component::SecurityGroup
                            && h.verdict == flow::HopVerdict::Allow
                    })
                    .map(|h| format!(": {}", h.reason))
                    .unwrap_or_default();
                format!("partly allowed: for example {pkt} gets through{by}")
            }
            None => format!("partly allowed: {}", r.summary),
        },
        Verdict::Allow => {
            let by = r
                .hops
                .iter()
                .rev()
                .find(|h| h.component == flow::Component::SecurityGroup)
                .map(|h| h.reason.clone())
                .unwrap_or_else(|| r.summary.clone());
            format!("allowed: {by}")
        }
        Verdict::Deny => format!("denied: {}", r.summary),
        Verdict::Partial => format!("partly allowed: {}", r.summary),
    }
}

fn instance_field(acct: &Account, idx: usize, field: &str) -> StateExpect {
    let i = &acct.instances[idx];
    let one = |s: &str| StateExpect::One(s.to_string());
    match field {
        "http_tokens" => one(match i.http_tokens {
            HttpTokens::Optional => "optional",
            HttpTokens::Required => "required",
        }),
        "instance_profile" | "iam_instance_profile" => {
            one(i.iam_instance_profile.as_deref().unwrap_or(""))
        }
        "key_name" => one(i.key_name.as_deref().unwrap_or("")),
        "tenancy" => one(i.tenancy.as_str()),
        "security_groups" => {
            let mut names: Vec<String> = i
                .security_groups
                .iter()
                .map(|g| acct.group(g).map(|g| g.name.clone()).unwrap_or(g.clone()))
                .collect();
            names.sort();
            StateExpect::Many(names)
        }
        "instance_type" => one(&i.instance_type),
        "state" => one(i.state.as_str()),
        "platform" => one(match i.platform {
            Os::Linux => "linux",
            Os::Windows => "windows",
        }),
        "root_device" => one(match i.root_device {
            RootDevice::Ebs => "ebs",
            RootDevice::InstanceStore => "instance-store",
        }),
        "ssm_agent" => one(if i.ssm_agent { "true" } else { "false" }),
        "public_ip" => one(&i.public_ip.map(|p| p.to_string()).unwrap_or_default()),
        "ssm_managed" => one(if crate::access::ssm_missing(acct, i).is_empty() {
            "true"
        } else {
            "false"
        }),
        "missing_patches" => one(&i.details.missing_patches.to_string()),
        "http_put_response_hop_limit" => one(&i.details.http_put_response_hop_limit.to_string()),
        "host_id" => one(i.details.host_id.as_deref().unwrap_or("")),
        "key_pair_exists" => one(
            if i.key_name
                .as_ref()
                .is_some_and(|k| acct.key_pairs.iter().any(|p| &p.name == k))
            {
                "true"
            } else {
                "false"
            },
        ),
        "vpc_tenancy" => one(acct
            .vpc(&i.vpc_id)
            .map(|v| v.tenancy.as_str())
            .unwrap_or("")),
        "authorized_keys" => {
            // Each key in ~/.ssh/authorized_keys by the name of the local key or key pair
            // holding it.
            let mut names: Vec<String> = acct
                .authorized_keys(i)
                .iter()
                .map(|k| {
                    acct.workstation
                        .iter()
                        .find(|w| crate::keys::same_key(&w.public_key, k))
                        .map(|w| w.name.clone())
                        .or_else(|| {
                            acct.key_pairs
                                .iter()
                                .find(|p| {
                                    p.public_key
                                        .as_deref()
                                        .is_some_and(|x| crate::keys::same_key(x, k))
                                })
                                .map(|p| p.name.clone())
                        })
                        .unwrap_or_else(|| "unknown-key".into())
                })
                .collect();
            names.sort();
            StateExpect::Many(names)
        }
        "subnet" => one(acct
            .subnet(&i.subnet_id)
            .and_then(|s| s.name.clone())
            .as_deref()
            .unwrap_or(&i.subnet_id)),
        _ => one(""),
    }
}

fn state_matches(acct: &Account, idx: usize, field: &str, want: &StateExpect) -> bool {
    let have = instance_field(acct, idx, field);
    match (want, have) {
        (StateExpect::One(w), StateExpect::One(h)) => w == &h,
        (StateExpect::Many(w), StateExpect::Many(h)) => {
            // Names or ids, in any order.
            let inst = &acct.instances[idx];
            let mut want: Vec<String> = w
                .iter()
                .map(|x| {
                    acct.group(x)
                        .filter(|g| g.vpc_id == inst.vpc_id)
                        .map(|g| g.name.clone())
                        .unwrap_or(x.clone())
                })
                .collect();
            want.sort();
            want == h
        }
        (StateExpect::One(w), StateExpect::Many(h)) => h.len() == 1 && &h[0] == w,
        _ => false,
    }
}

fn show(v: &StateExpect) -> String {
    match v {
        StateExpect::One(s) if s.is_empty() => "(none)".into(),
        StateExpect::One(s) => s.clone(),
        StateExpect::Many(m) => format!("[{}]", m.join(", ")),
    }
}

/// Grades one goal.
pub fn grade_goal(c: &Compiled<'_>, connections: &[Connection], goal: &Goal) -> GoalResult {
    let acct = c.account;
    let mut trace = None;
    let (met, detail) = match &goal.kind {
        GoalKind::Flow { flow, expect_allow } => {
            match evaluate_flow(c, &flow.from, &flow.to, flow.protocol, flow.ports, None) {
                Ok(r) => {
                    let met = if *expect_allow {
                        r.verdict == Verdict::Allow
                    } else {
                        r.verdict == Verdict::Deny
                    };
                    let d = flow_detail(&r, *expect_allow);
                    trace = Some(r);
                    (met, d)
                }
                Err(e) => (false, e),
            }
        }
        GoalKind::Exposure { to, allow_only } => match find_instance(acct, to) {
            None => (false, format!("instance {to} no longer exists")),
            Some(idx) => {
                let mut allowed = Vec::new();
                let mut err = None;
                for a in allow_only {
                    match resolve_source(acct, to, &a.from) {
                        Ok(addrs) => allowed.push(Allowed {
                            addrs,
                            protocol: a.protocol,
                            ports: a.ports,
                        }),
                        Err(e) => err = Some(e),
                    }
                }
                match err {
                    Some(e) => (false, e),
                    None => {
                        let r = exposure::check(c, idx, &allowed);
                        if r.met {
                            (true, format!("nothing beyond what is allowed reaches {to}"))
                        } else {
                            (false, r.excess.join("; "))
                        }
                    }
                }
            }
        },
        GoalKind::Connection { id, expect_alive } => {
            match connections.iter().find(|k| &k.id == id) {
                None => (false, format!("connection {id} was never opened")),
                Some(k) => {
                    let alive = k.alive();
                    let d = match &k.state {
                        crate::net::conntrack::ConnState::Alive => format!(
                            "{id} is alive ({})",
                            if k.tracked { "tracked" } else { "untracked" }
                        ),
                        crate::net::conntrack::ConnState::Dropped { at, reason } => {
                            format!("{id} was dropped at t={at}s: {reason}")
                        }
                    };
                    (alive == *expect_alive, d)
                }
            }
        }
        GoalKind::Iam {
            instance,
            action,
            resource,
            expect_allow,
        } => match crate::iam::instance_may(acct, instance, action, resource) {
            Ok(d) => (d.allowed == *expect_allow, d.detail),
            Err(e) => (false, e),
        },
        GoalKind::Access {
            instance,
            method,
            from,
            key,
            expect_allow,
        } => match find_instance(acct, instance) {
            None => (false, format!("instance {instance} no longer exists")),
            Some(idx) => {
                let inst = &acct.instances[idx];
                let r = match method {
                    AccessMethod::Ssh => {
                        let keys: Vec<&crate::model::LocalKey> = acct
                            .workstation
                            .iter()
                            .filter(|w| key.as_deref() == Some(w.name.as_str()))
                            .collect();
                        crate::access::ssh(
                            acct,
                            inst,
                            &crate::access::SshAttempt {
                                from,
                                user: crate::access::LINUX_USER,
                                keys,
                            },
                        )
                        .map(|_| {
                            format!(
                                "ssh from {from} with {} reaches {instance}",
                                key.clone().unwrap_or_default()
                            )
                        })
                    }
                    AccessMethod::Ssm => {
                        let m = crate::access::ssm_missing(acct, inst);
                        if m.is_empty() {
                            Ok(format!(
                                "Session Manager reaches {instance} (managed, online)"
                            ))
                        } else {
                            Err(format!(
                                "Session Manager cannot reach {instance}: {}",
                                m.join("; ")
                            ))
                        }
                    }
                };
                match r {
                    Ok(d) => (*expect_allow, d),
                    Err(e) => (!*expect_allow, e),
                }
            }
        },
        GoalKind::State {
            instance,
            fields,
            expect,
        } => match find_instance(acct, instance) {
            None => (false, format!("instance {instance} no longer exists")),
            Some(idx) => {
                let mut wrong = Vec::new();
                for (f, want) in fields {
                    if !state_matches(acct, idx, f, want) {
                        wrong.push(format!(
                            "{f} is {} (wanted {})",
                            show(&instance_field(acct, idx, f)),
                            show(want)
                        ));
                    }
                }
                let all = wrong.is_empty();
                let d = if all {
                    let list: Vec<String> = fields
                        .iter()
                        .map(|(f, v)| format!("{f} = {}", show(v)))
                        .collect();
                    format!("{instance}: {}", list.join(", "))
                } else {
                    format!("{instance}: {}", wrong.join(", "))
                };
                (all == *expect, d)
            }
        },
    };
    GoalResult {
        id: goal.id.clone(),
        met,
        detail,
        trace,
    }
}

/// Grades every goal.
pub fn grade(acct: &Account, connections: &[Connection], goals: &[Goal]) -> Vec<GoalResult> {
    let c = Compiled::new(acct);
    goals
        .iter()
        .map(|g| grade_goal(&c, connections, g))
        .collect()
}
