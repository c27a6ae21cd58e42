//! Every generator's answer, for many seeds, agrees with an evaluation written here from the
//! rules as AWS documents them (FACTS.md) — a brute-force first-match loop, a hand-written
//! security group check, the tracking rule, IAM precedence — never with the engine that
//! produced it.

use ec2_tutor::quiz::generate::{generate, Case, End, Stop, TrackOption, NAMES};
use ec2_tutor::quiz::topo::{Entry, Peer, Proto, Route, Service, Topo};
use std::net::Ipv4Addr;

const SEEDS: u64 = 150;

fn svc_covers(s: Service, proto: Proto, port: u16) -> bool {
    match s.proto {
        Proto::All => true,
        p if p != proto => false,
        Proto::Tcp | Proto::Udp => s.from <= port && port <= s.to,
        _ => true,
    }
}

/// Lowest rule number first; the first entry whose protocol, port and address match decides;
/// no match → `*` denies. Returns (allowed, deciding rule number).
fn first_match(entries: &[Entry], addr: Ipv4Addr, proto: Proto, port: u16) -> (bool, Option<u16>) {
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    sorted.sort_by_key(|e| e.number);
    for e in sorted {
        if e.cidr.contains(&addr) && svc_covers(e.service, proto, port) {
            return (e.allow, Some(e.number));
        }
    }
    (false, None)
}

fn acl_allows(
    t: &Topo,
    subnet: usize,
    egress: bool,
    addr: Ipv4Addr,
    proto: Proto,
    port: u16,
) -> bool {
    match t.acl_of(subnet) {
        None => true, // the default ACL allows all
        Some(a) => {
            let acl = &t.acls[a];
            first_match(
                if egress { &acl.egress } else { &acl.ingress },
                addr,
                proto,
                port,
            )
            .0
        }
    }
}

/// Security groups: the union of every rule of every group; a group peer matches the private
/// addresses of its members.
fn sg_allows(t: &Topo, inst: usize, egress: bool, addr: Ipv4Addr, proto: Proto, port: u16) -> bool {
    t.instances[inst].groups.iter().any(|g| {
        let g = &t.groups[*g];
        let rules = if egress { &g.egress } else { &g.ingress };
        rules.iter().any(|r| {
            svc_covers(r.service, proto, port)
                && match &r.peer {
                    Peer::Cidr(c) => c.contains(&addr),
                    Peer::Group(pg) => t
                        .instances
                        .iter()
                        .any(|i| i.ip == addr && i.groups.contains(pg)),
                }
        })
    })
}

/// One packet from `from` to instance `to`, then its reply: the first stage that stops it.
fn reach(t: &Topo, from: &End, to: usize, proto: Proto, port: u16, sport: u16) -> Stop {
    let b = &t.instances[to];
    match from {
        End::Instance(a) => {
            let a_i = &t.instances[*a];
            let cross = a_i.subnet != b.subnet;
            if !sg_allows(t, *a, true, b.ip, proto, port) {
                return Stop::SgOut;
            }
            if cross && !acl_allows(t, a_i.subnet, true, b.ip, proto, port) {
                return Stop::AclOut(t.acl_of(a_i.subnet).unwrap());
            }
            if cross && !acl_allows(t, b.subnet, false, a_i.ip, proto, port) {
                return Stop::AclIn(t.acl_of(b.subnet).unwrap());
            }
            if !sg_allows(t, to, false, a_i.ip, proto, port) {
                return Stop::SgIn;
            }
            // Replies pass the groups (tracked, or untracked by an allow-all rule) but need the ACLs.
            if cross && !acl_allows(t, b.subnet, true, a_i.ip, proto, sport) {
                return Stop::ReplyAclOut(t.acl_of(b.subnet).unwrap());
            }
            if cross && !acl_allows(t, a_i.subnet, false, b.ip, proto, sport) {
                return Stop::ReplyAclIn(t.acl_of(a_i.subnet).unwrap());
            }
            Stop::Connects
        }
        End::Host(h) => {
            let addr = t.hosts[*h].cidr.addr();
            if b.public.is_none() || t.subnets[b.subnet].route != Route::Igw {
                return Stop::NoRoute;
            }
            if !acl_allows(t, b.subnet, false, addr, proto, port) {
                return Stop::AclIn(t.acl_of(b.subnet).unwrap());
            }
            if !sg_allows(t, to, false, addr, proto, port) {
                return Stop::SgIn;
            }
            if !acl_allows(t, b.subnet, true, addr, proto, sport) {
                return Stop::ReplyAclOut(t.acl_of(b.subnet).unwrap());
            }
            Stop::Connects
        }
    }
}

/// FACTS (connection tracking): untracked only for TCP/UDP admitted by an inbound rule for
/// 0.0.0.0/0 while an outbound rule allows all traffic (or all ports of the protocol) to
/// 0.0.0.0/0. ICMP is always tracked.
fn tracked(t: &Topo, to: usize, proto: Proto, port: u16) -> bool {
    if !matches!(proto, Proto::Tcp | Proto::Udp) {
        return true;
    }
    let groups: Vec<_> = t.instances[to]
        .groups
        .iter()
        .map(|g| &t.groups[*g])
        .collect();
    let everyone = |p: &Peer| matches!(p, Peer::Cidr(c) if c.prefix_len() == 0);
    let open_in = groups
        .iter()
        .flat_map(|g| &g.ingress)
        .any(|r| everyone(&r.peer) && svc_covers(r.service, proto, port));
    let all_out = groups.iter().flat_map(|g| &g.egress).any(|r| {
        everyone(&r.peer)
            && (r.service.proto == Proto::All
                || (r.service.proto == proto && r.service.from == 0 && r.service.to == 65535))
    });
    !(open_in && all_out)
}

/// Every ephemeral port of the OS passes the outbound entries (brute force over the range).
fn all_replies_pass(egress: &[Entry], lo: u16, hi: u16, clients: &str) -> bool {
    let addr: Ipv4Addr = clients.parse().unwrap();
    (lo..=hi).all(|p| first_match(egress, addr, Proto::Tcp, p).0)
}

/// `*` any run, `?` one character.
fn glob(p: &[u8], t: &[u8]) -> bool {
    match (p.first(), t.first()) {
        (None, None) => true,
        (Some(b'*'), _) => glob(&p[1..], t) || (!t.is_empty() && glob(p, &t[1..])),
        (Some(b'?'), Some(_)) => glob(&p[1..], &t[1..]),
        (Some(a), Some(b)) if a == b => glob(&p[1..], &t[1..]),
        _ => false,
    }
}

fn correct_index<K>(g: &ec2_tutor::quiz::generate::Generated, options: &[K]) -> usize {
    assert_eq!(options.len(), g.choices.len());
    let idx: Vec<usize> = (0..g.choices.len())
        .filter(|i| g.choices[*i].correct)
        .collect();
    assert_eq!(idx.len(), 1, "exactly one correct option");
    idx[0]
}

#[test]
fn generators_agree_with_independent_evaluations() {
    let mut answers_seen: Vec<(String, String)> = Vec::new();
    for name in NAMES {
        for seed in 0..SEEDS {
            let g = generate(name, seed).unwrap_or_else(|e| panic!("{name} seed {seed}: {e}"));
            let ctx = format!("{name} seed {seed}\n{}", g.prompt);
            let mut texts: Vec<&str> = g.choices.iter().map(|c| c.text.as_str()).collect();
            texts.sort_unstable();
            texts.dedup();
            assert_eq!(
                texts.len(),
                g.choices.len(),
                "duplicate option texts: {ctx}"
            );
            match &g.case {
                Case::Reach {
                    topo,
                    from,
                    to,
                    proto,
                    port,
                    sport,
                    options,
                } => {
                    let want = reach(topo, from, *to, *proto, *port, *sport);
                    let got = options[correct_index(&g, options)];
                    assert_eq!(got, want, "{ctx}");
                    // At most one option per meaning: no two options can both be right.
                    for (i, o) in options.iter().enumerate() {
                        assert_eq!(
                            options.iter().filter(|x| *x == o).count(),
                            1,
                            "{ctx} option {i}"
                        );
                    }
                    answers_seen.push((
                        name.to_string(),
                        format!("{want:?}").split('(').next().unwrap().to_string(),
                    ));
                }
                Case::AclMatch {
                    entries,
                    remote,
                    proto,
                    port,
                    options,
                    ..
                } => {
                    let (_, want) = first_match(entries, *remote, *proto, *port);
                    let got = options[correct_index(&g, options)];
                    assert_eq!(got, want, "{ctx}");
                    for e in entries {
                        assert!(g.prompt.contains(&e.text()), "entry shown: {ctx}");
                    }
                    answers_seen.push((
                        name.to_string(),
                        if want.is_some() {
                            "rule".into()
                        } else {
                            "*".into()
                        },
                    ));
                }
                Case::Tracked {
                    topo,
                    to,
                    proto,
                    port,
                    options,
                    ..
                } => {
                    let want = if tracked(topo, *to, *proto, *port) {
                        TrackOption::Tracked
                    } else {
                        TrackOption::Untracked
                    };
                    let got = options[correct_index(&g, options)];
                    assert_eq!(got, want, "{ctx}");
                    answers_seen.push((name.to_string(), format!("{want:?}")));
                }
                Case::Replies {
                    egress, options, ..
                } => {
                    let linux = all_replies_pass(egress, 32768, 61000, "198.51.100.1");
                    let windows = all_replies_pass(egress, 49152, 65535, "203.0.113.1");
                    let got = options[correct_index(&g, options)];
                    assert_eq!(got, (linux, windows), "{ctx}");
                    answers_seen.push((name.to_string(), format!("{linux}/{windows}")));
                }
                Case::Iam {
                    policies,
                    action,
                    resource,
                    options,
                } => {
                    let applies = |st: &ec2_tutor::quiz::generate::Statement| {
                        st.actions.iter().any(|a| {
                            glob(
                                a.to_lowercase().as_bytes(),
                                action.to_lowercase().as_bytes(),
                            )
                        }) && glob(st.resource.as_bytes(), resource.as_bytes())
                    };
                    let all: Vec<(&String, &ec2_tutor::quiz::generate::Statement)> = policies
                        .iter()
                        .flat_map(|(p, sts)| sts.iter().map(move |s| (p, s)))
                        .filter(|(_, s)| applies(s))
                        .collect();
                    let denies: Vec<_> = all.iter().filter(|(_, s)| !s.allow).collect();
                    let allows: Vec<_> = all.iter().filter(|(_, s)| s.allow).collect();
                    // Explicit deny > allow > implicit deny.
                    let want = match (denies.as_slice(), allows.as_slice()) {
                        ([(p, s)], _) => Some((p.to_string(), s.sid.clone())),
                        ([], [(p, s)]) => Some((p.to_string(), s.sid.clone())),
                        ([], []) => None,
                        _ => panic!("ambiguous question generated: {ctx}"),
                    };
                    let got = options[correct_index(&g, options)].clone();
                    assert_eq!(got, want, "{ctx}");
                    answers_seen.push((
                        name.to_string(),
                        match &want {
                            None => "implicit".into(),
                            Some(_) if !denies.is_empty() => "deny".into(),
                            Some(_) => "allow".into(),
                        },
                    ));
                }
            }
        }
    }
    if std::env::var_os("SHOW_KINDS").is_some() {
        let mut c = std::collections::BTreeMap::new();
        for k in &answers_seen {
            *c.entry(k.clone()).or_insert(0) += 1;
        }
        eprintln!("{c:#?}");
    }
    // The generators are not stuck on one answer: each gives at least two kinds.
    for name in NAMES {
        let mut kinds: Vec<&String> = answers_seen
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, k)| k)
            .collect();
        kinds.sort();
        kinds.dedup();
        assert!(kinds.len() >= 2, "{name} always answers {kinds:?}");
    }
}

#[test]
fn generated_questions_are_deterministic_per_seed() {
    for name in NAMES {
        for seed in [0u64, 1, 99, u64::MAX] {
            let a = generate(name, seed).unwrap();
            let b = generate(name, seed).unwrap();
            assert_eq!(a.prompt, b.prompt);
            assert_eq!(a.choices, b.choices);
        }
        let prompts: Vec<String> = (0..10).map(|s| generate(name, s).unwrap().prompt).collect();
        let mut uniq = prompts.clone();
        uniq.sort();
        uniq.dedup();
        assert!(uniq.len() >= 5, "{name}: seeds should vary the question");
    }
}

#[test]
fn unknown_generators_are_errors_not_panics() {
    assert!(generate("no-such", 1)
        .unwrap_err()
        .contains("unknown generator"));
}
