//! Question generators: each builds a random but readable topology (or policy set) from a seed,
//! shows it in the prompt, and takes the answer and the explanation from the engines — the
//! flow engine (`net::flow`), the network ACL first match (`Compiled::acl_match`), connection
//! tracking, and the IAM evaluator — so a generated question cannot be wrong where the engine
//! is right.
//!
//! Every generated question has exactly `choose` correct options and no two options with the
//! same text: a draw that would give an ambiguous question (two deciding statements, a partial
//! flow) is thrown away and the next draw from the same seed is tried.
//!
//! Each result carries a [`Case`]: the structured inputs and the meaning of every option, so
//! the tests can check the answer with an evaluation of their own.
//!
//! **Invariant:** pure: the same name and seed give the same question; no I/O, no clock.

use super::dice::{mix, Dice};
use super::question::Choice;
use super::topo::{
    Acl, Entry, Group, Host, Instance, Peer, Proto, Route, Rule, Service, Subnet, Topo,
};
use crate::iam;
use crate::net::compile::Compiled;
use crate::net::endpoint::resolve_endpoint;
use crate::net::flow::{self, Component, Direction, FlowSpec, Hop, HopVerdict, Verdict};
use crate::net::types::{ephemeral_ports, Os, Ports, Protocol};
use ipnet::Ipv4Net;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::net::Ipv4Addr;

/// The generators this build has, by the name a question file's `generator:` uses.
pub const NAMES: &[&str] = &[
    "flow-verdict",
    "nacl-first-match",
    "nacl-ephemeral-replies",
    "conntrack-tracked",
    "iam-deciding-statement",
];

/// A generated question: what the learner sees, and what the options mean.
#[derive(Clone, Debug)]
pub struct Generated {
    pub prompt: String,
    pub multiple: bool,
    pub choose: usize,
    pub choices: Vec<Choice>,
    pub explanation: String,
    pub case: Case,
}

/// The inputs of a generated question and the meaning of each option (parallel to
/// `Generated::choices`), for independent checking.
#[derive(Clone, Debug)]
pub enum Case {
    Reach {
        topo: Topo,
        from: End,
        to: usize,
        proto: Proto,
        port: u16,
        sport: u16,
        options: Vec<Stop>,
    },
    AclMatch {
        entries: Vec<Entry>,
        egress: bool,
        /// The remote address: the source of an inbound packet, the destination of an outbound one.
        remote: Ipv4Addr,
        proto: Proto,
        port: u16,
        /// A rule number, or None for `*`.
        options: Vec<Option<u16>>,
    },
    Tracked {
        topo: Topo,
        client: Ipv4Addr,
        to: usize,
        proto: Proto,
        port: u16,
        options: Vec<TrackOption>,
    },
    Replies {
        topo: Topo,
        /// The outbound entries of the server's subnet.
        egress: Vec<Entry>,
        port: u16,
        /// (every Linux client works, every Windows client works)
        options: Vec<(bool, bool)>,
    },
    Iam {
        policies: Vec<(String, Vec<Statement>)>,
        action: String,
        resource: String,
        /// (policy, sid) of the deciding statement, or None: implicit deny.
        options: Vec<Option<(String, String)>>,
    },
}

/// The source of a generated flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum End {
    Instance(usize),
    Host(usize),
}

/// Where a flow stops (or that it does not).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    Connects,
    SgOut,
    AclOut(usize),
    NoRoute,
    AclIn(usize),
    SgIn,
    ReplyAclOut(usize),
    ReplyAclIn(usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrackOption {
    Tracked,
    Untracked,
    /// Always wrong.
    OnlyOutbound,
    /// Always wrong.
    AclTracks,
}

/// One IAM policy statement as generated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub sid: String,
    pub allow: bool,
    pub actions: Vec<String>,
    pub resource: String,
}

impl Statement {
    fn json(&self) -> Value {
        let action = if self.actions.len() == 1 {
            json!(self.actions[0])
        } else {
            json!(self.actions)
        };
        json!({"Sid": self.sid, "Effect": if self.allow {"Allow"} else {"Deny"}, "Action": action, "Resource": self.resource})
    }
}

/// Builds the question of generator `name` for `seed`.
pub fn generate(name: &str, seed: u64) -> Result<Generated, String> {
    let f: fn(&mut Dice) -> Result<Option<Generated>, String> = match name {
        "flow-verdict" => flow_verdict,
        "nacl-first-match" => nacl_first_match,
        "nacl-ephemeral-replies" => nacl_ephemeral_replies,
        "conntrack-tracked" => conntrack_tracked,
        "iam-deciding-statement" => iam_deciding_statement,
        other => return Err(format!("unknown generator '{other}'")),
    };
    for attempt in 0..200u32 {
        let mut d = Dice::new(mix(seed, &format!("{name}#{attempt}")));
        if let Some(g) = f(&mut d)? {
            debug_assert_eq!(g.choices.iter().filter(|c| c.correct).count(), g.choose);
            return Ok(g);
        }
    }
    Err(format!(
        "generator {name} found no unambiguous question for seed {seed}"
    ))
}

fn net(s: &str) -> Ipv4Net {
    s.parse().unwrap_or_default()
}

fn ip(s: &str) -> Ipv4Addr {
    s.parse().unwrap_or(Ipv4Addr::UNSPECIFIED)
}

fn choice(text: impl Into<String>, correct: bool, why: impl Into<String>) -> Choice {
    Choice {
        text: text.into(),
        correct,
        why: why.into(),
    }
}

/// Keeps the correct options and enough others to reach `max`, in their original order;
/// drops options whose text repeats an earlier one.
fn trim<K: Clone>(items: Vec<(K, Choice)>, max: usize, d: &mut Dice) -> Vec<(K, Choice)> {
    let mut seen = std::collections::HashSet::new();
    let items: Vec<(K, Choice)> = items
        .into_iter()
        .filter(|(_, c)| seen.insert(c.text.clone()))
        .collect();
    let correct = items.iter().filter(|(_, c)| c.correct).count();
    let mut wrong: Vec<usize> = (0..items.len()).filter(|i| !items[*i].1.correct).collect();
    d.shuffle(&mut wrong);
    wrong.truncate(max.saturating_sub(correct));
    items
        .into_iter()
        .enumerate()
        .filter(|(i, (_, c))| c.correct || wrong.contains(i))
        .map(|(_, x)| x)
        .collect()
}

fn split<K>(items: Vec<(K, Choice)>) -> (Vec<K>, Vec<Choice>) {
    items.into_iter().unzip()
}

fn rule(service: Service, peer: Peer) -> Rule {
    Rule { service, peer }
}

fn cidr(s: &str) -> Peer {
    Peer::Cidr(net(s))
}

fn entry(number: u16, allow: bool, service: Service, c: &str) -> Entry {
    Entry {
        number,
        allow,
        service,
        cidr: net(c),
    }
}

fn public_ip(d: &mut Dice) -> Ipv4Addr {
    Ipv4Addr::new(54, 0, d.between(1, 250) as u8, d.between(2, 250) as u8)
}

fn pick_os(d: &mut Dice) -> Os {
    if d.chance(1, 3) {
        Os::Windows
    } else {
        Os::Linux
    }
}

/// Engine text names subnets by id; the prompt names them: `subnet-0ab… ` → `public`.
fn humanize(text: &str, acct: &crate::model::Account) -> String {
    let mut s = text.replace("subnet subnet-", "subnet-");
    for sub in &acct.subnets {
        if let Some(name) = &sub.name {
            s = s.replace(&sub.id, &format!("subnet {name}"));
        }
    }
    s
}

fn trace_text(hops: &[Hop]) -> String {
    let mut s = String::from("The simulator's trace:\n");
    for (i, h) in hops.iter().enumerate() {
        let dir = match h.direction {
            Some(Direction::Ingress) => " in",
            Some(Direction::Egress) => " out",
            None => "",
        };
        let comp = match h.component {
            Component::Instance => "instance",
            Component::SecurityGroup => "security group",
            Component::NetworkAcl => "network ACL",
            Component::RouteTable => "route table",
            Component::InternetGateway => "internet gateway",
            Component::NatGateway => "NAT gateway",
            Component::ConnectionTracking => "connection tracking",
        };
        let verdict = match h.verdict {
            HopVerdict::Allow => "pass",
            HopVerdict::Deny => "STOP",
        };
        let reply = if h.reply { " (reply)" } else { "" };
        let _ = writeln!(
            s,
            "  {}. {comp}{dir}{reply}: {verdict} — {}",
            i + 1,
            h.reason
        );
    }
    s
}

fn protocol_of(p: Proto) -> Protocol {
    match p {
        Proto::Tcp => Protocol::Tcp,
        Proto::Udp => Protocol::Udp,
        Proto::Icmp => Protocol::Icmp,
        Proto::All => Protocol::All,
    }
}

// ---------------------------------------------------------------------------------------------
// flow-verdict: can A reach B on tcp/N, and if not, what stops it first?

fn three_tier(d: &mut Dice, seed: u64) -> Topo {
    let mut t = Topo::default();
    let data = d.chance(1, 2);
    t.subnets.push(Subnet {
        name: "public".into(),
        cidr: net("10.0.1.0/24"),
        route: Route::Igw,
    });
    t.subnets.push(Subnet {
        name: "app".into(),
        cidr: net("10.0.2.0/24"),
        route: *d.pick(&[Route::Nat, Route::None]),
    });
    if data {
        t.subnets.push(Subnet {
            name: "data".into(),
            cidr: net("10.0.3.0/24"),
            route: Route::None,
        });
    }
    let names = ["web-sg", "app-sg", "db-sg"];
    for (i, n) in names.iter().enumerate().take(t.subnets.len()) {
        let _ = i;
        t.groups.push(Group {
            name: n.to_string(),
            id: super::topo::short_id("sg", seed, n),
            ingress: vec![],
            egress: vec![],
        });
    }
    // web-sg
    let office = *d.pick(&["203.0.113.0/24", "203.0.113.7/32", "198.51.100.0/24"]);
    let mut web_in = vec![];
    if d.chance(4, 5) {
        web_in.push(rule(Service::tcp(443, 443), cidr("0.0.0.0/0")));
    }
    if d.chance(2, 5) {
        web_in.push(rule(Service::tcp(80, 80), cidr("0.0.0.0/0")));
    }
    if d.chance(3, 5) {
        web_in.push(rule(Service::tcp(22, 22), cidr(office)));
    }
    t.groups[0].ingress = web_in;
    t.groups[0].egress = match d.below(5) {
        0 | 1 => vec![rule(Service::all(), cidr("0.0.0.0/0"))],
        2 => vec![rule(Service::tcp(8080, 8080), Peer::Group(1))],
        3 => vec![rule(Service::tcp(8080, 8080), cidr("10.0.2.0/24"))],
        _ => vec![rule(Service::tcp(0, 65535), cidr("10.0.0.0/16"))],
    };
    // app-sg
    let mut app_in = vec![match d.below(3) {
        0 => rule(Service::tcp(8080, 8080), Peer::Group(0)),
        1 => rule(Service::tcp(8080, 8080), cidr("10.0.1.0/24")),
        _ => rule(Service::tcp(8000, 8100), cidr("10.0.1.10/32")),
    }];
    if d.chance(1, 2) {
        app_in.push(rule(Service::tcp(22, 22), Peer::Group(0)));
    }
    t.groups[1].ingress = app_in;
    t.groups[1].egress = if data {
        match d.below(3) {
            0 => vec![rule(Service::all(), cidr("0.0.0.0/0"))],
            1 => vec![rule(Service::tcp(5432, 5432), Peer::Group(2))],
            _ => vec![rule(Service::tcp(5432, 5432), cidr("10.0.3.0/24"))],
        }
    } else {
        vec![rule(Service::all(), cidr("0.0.0.0/0"))]
    };
    if data {
        t.groups[2].ingress = vec![match d.below(3) {
            0 => rule(Service::tcp(5432, 5432), Peer::Group(1)),
            1 => rule(Service::tcp(5432, 5432), cidr("10.0.2.0/24")),
            _ => rule(Service::tcp(3306, 3306), Peer::Group(1)),
        }];
        t.groups[2].egress = if d.chance(1, 2) {
            vec![rule(Service::all(), cidr("0.0.0.0/0"))]
        } else {
            vec![]
        };
    }
    // Instances.
    let web_public = if d.chance(9, 10) {
        Some(public_ip(d))
    } else {
        None
    };
    t.instances.push(Instance {
        name: "web".into(),
        subnet: 0,
        ip: ip("10.0.1.10"),
        public: web_public,
        groups: vec![0],
        os: pick_os(d),
    });
    t.instances.push(Instance {
        name: "app".into(),
        subnet: 1,
        ip: ip("10.0.2.20"),
        public: None,
        groups: vec![1],
        os: pick_os(d),
    });
    if data {
        t.instances.push(Instance {
            name: "db".into(),
            subnet: 2,
            ip: ip("10.0.3.30"),
            public: None,
            groups: vec![2],
            os: Os::Linux,
        });
    }
    let host_os = *d.pick(&[Some(Os::Linux), Some(Os::Windows), None]);
    t.hosts.push(Host {
        name: "office".into(),
        cidr: net("203.0.113.7/32"),
        os: host_os,
    });
    // Network ACLs: each subnet has a custom one half the time.
    let eph = [(1024, 65535), (32768, 61000), (49152, 65535), (1024, 65535)];
    let service_in: [(&str, Service, &str); 3] = [
        ("public", Service::tcp(443, 443), "0.0.0.0/0"),
        ("app", Service::tcp(8080, 8080), "10.0.1.0/24"),
        ("data", Service::tcp(5432, 5432), "10.0.2.0/24"),
    ];
    let service_out: [Option<(Service, &str)>; 3] = [
        Some((Service::tcp(8080, 8080), "10.0.2.0/24")),
        Some((Service::tcp(5432, 5432), "10.0.3.0/24")),
        None,
    ];
    for s in 0..t.subnets.len() {
        if !d.chance(1, 2) {
            continue;
        }
        let name = format!("{}-acl", t.subnets[s].name);
        let mut ingress = vec![];
        let mut n = 100;
        if d.chance(1, 3) {
            let deny = *d.pick(&[
                (Service::tcp(22, 22), "0.0.0.0/0"),
                (Service::all(), "10.0.1.0/24"),
                (Service::tcp(8080, 8080), "10.0.1.0/24"),
                (Service::all(), "203.0.113.0/24"),
            ]);
            ingress.push(entry(90, false, deny.0, deny.1));
        }
        let (_, svc, src) = service_in[s];
        ingress.push(entry(n, true, svc, src));
        n += 10;
        if s == 0 && d.chance(1, 2) {
            ingress.push(entry(n, true, Service::tcp(22, 22), office));
            n += 10;
        }
        if s == 1 && d.chance(1, 2) {
            ingress.push(entry(n, true, Service::tcp(22, 22), "10.0.1.0/24"));
            n += 10;
        }
        let (lo, hi) = *d.pick(&eph);
        if d.chance(4, 5) {
            ingress.push(entry(n, true, Service::tcp(lo, hi), "0.0.0.0/0"));
        }
        let mut egress = vec![];
        let mut n = 100;
        if let Some((svc, dst)) = service_out[s] {
            if d.chance(3, 4) {
                egress.push(entry(n, true, svc, dst));
                n += 10;
            }
        }
        if s == 0 && d.chance(1, 3) {
            egress.push(entry(n, true, Service::tcp(443, 443), "0.0.0.0/0"));
            n += 10;
        }
        let (lo, hi) = *d.pick(&eph);
        if d.chance(4, 5) {
            egress.push(entry(
                n,
                true,
                Service::tcp(lo, hi),
                d.pick::<&str>(&["0.0.0.0/0", "10.0.0.0/16"]),
            ));
        }
        t.acls.push(Acl {
            id: super::topo::short_id("acl", seed, &name),
            name,
            subnets: vec![s],
            ingress,
            egress,
        });
    }
    t
}

/// The stop a trace hop stands for.
fn stop_of(h: &Hop, t: &Topo) -> Option<Stop> {
    match h.component {
        Component::SecurityGroup => Some(match h.direction {
            Some(Direction::Egress) => Stop::SgOut,
            _ => Stop::SgIn,
        }),
        Component::RouteTable | Component::InternetGateway => {
            (h.verdict == HopVerdict::Deny).then_some(Stop::NoRoute)
        }
        Component::NetworkAcl => {
            // The VPC's default ACL is no custom ACL of the topology: it allows everything.
            let a = t.acls.iter().position(|a| a.id == h.id)?;
            Some(match (h.direction, h.reply) {
                (Some(Direction::Egress), false) => Stop::AclOut(a),
                (_, false) => Stop::AclIn(a),
                (Some(Direction::Egress), true) => Stop::ReplyAclOut(a),
                (_, true) => Stop::ReplyAclIn(a),
            })
        }
        _ => None,
    }
}

fn flow_verdict(d: &mut Dice) -> Result<Option<Generated>, String> {
    let seed = d.next_u64();
    let t = three_tier(d, seed);
    let data = t.subnets.len() == 3;
    let mut flows: Vec<(End, usize, u16)> = vec![
        (End::Host(0), 0, 443),
        (End::Host(0), 0, 22),
        (End::Instance(0), 1, 8080),
        (End::Instance(0), 1, 22),
        (End::Host(0), 1, 22),
    ];
    if data {
        flows.push((End::Instance(1), 2, 5432));
        flows.push((End::Instance(0), 2, 5432));
    }
    let (from, to, port) = d.pick(&flows).clone();
    let from_os = match &from {
        End::Instance(i) => Some(t.instances[*i].os),
        End::Host(h) => t.hosts[*h].os,
    };
    let (lo, hi) = ephemeral_ports(from_os);
    let sport = d.between(lo, hi);
    let acct = t.account()?;
    let c = Compiled::new(&acct);
    let from_name = match &from {
        End::Instance(i) => t.instances[*i].name.clone(),
        End::Host(h) => t.hosts[*h].name.clone(),
    };
    let to_inst = &t.instances[to];
    let spec = FlowSpec {
        from: resolve_endpoint(&acct, &from_name)?,
        to: resolve_endpoint(&acct, &to_inst.name)?,
        protocol: Protocol::Tcp,
        ports: Ports::Range(port, port),
        src_ports: Some((sport, sport)),
    };
    let mut r = flow::evaluate(&c, &spec).map_err(|e| e.to_string())?;
    for h in &mut r.hops {
        h.reason = humanize(&h.reason, &acct);
    }
    r.summary = humanize(&r.summary, &acct);
    let answer = match r.verdict {
        Verdict::Allow => Stop::Connects,
        Verdict::Partial => return Ok(None),
        Verdict::Deny => {
            let Some(h) = r.hops.iter().find(|h| h.verdict == HopVerdict::Deny) else {
                return Ok(None);
            };
            match stop_of(h, &t) {
                Some(s) => s,
                None => return Ok(None),
            }
        }
    };
    // The stages of this path, in order, and every option worth offering.
    let from_subnet = match &from {
        End::Instance(i) => Some(t.instances[*i].subnet),
        End::Host(_) => None,
    };
    let to_subnet = to_inst.subnet;
    let (a_acl, b_acl) = (from_subnet.and_then(|s| t.acl_of(s)), t.acl_of(to_subnet));
    let cross = from_subnet != Some(to_subnet);
    let mut candidates = vec![Stop::Connects];
    if matches!(from, End::Instance(_)) {
        candidates.push(Stop::SgOut);
        if let Some(a) = a_acl {
            candidates.push(Stop::AclOut(a));
        }
    } else {
        candidates.push(Stop::NoRoute);
    }
    if let Some(b) = b_acl {
        candidates.push(Stop::AclIn(b));
    }
    candidates.push(Stop::SgIn);
    if let Some(b) = b_acl {
        candidates.push(Stop::ReplyAclOut(b));
    }
    if let Some(a) = a_acl {
        candidates.push(Stop::ReplyAclIn(a));
    }
    let from_sub_name = from_subnet
        .map(|s| t.subnets[s].name.clone())
        .unwrap_or_default();
    let to_sub_name = t.subnets[to_subnet].name.clone();
    let acl_name = |a: usize| t.acls[a].name.clone();
    let text = |s: Stop| -> String {
        match s {
            Stop::Connects => "Yes: the request gets in and the reply gets back".into(),
            Stop::SgOut => format!("No: {from_name}'s security group does not let the request out"),
            Stop::AclOut(a) => format!(
                "No: network ACL {} drops the request leaving subnet {from_sub_name}",
                acl_name(a)
            ),
            Stop::NoRoute => format!(
                "No: {} cannot be reached from the internet at all (public address or route)",
                to_inst.name
            ),
            Stop::AclIn(a) => format!(
                "No: network ACL {} drops the request entering subnet {to_sub_name}",
                acl_name(a)
            ),
            Stop::SgIn => format!(
                "No: {}'s security group does not let the request in",
                to_inst.name
            ),
            Stop::ReplyAclOut(a) => format!(
                "No: network ACL {} drops the reply leaving subnet {to_sub_name}",
                acl_name(a)
            ),
            Stop::ReplyAclIn(a) => format!(
                "No: network ACL {} drops the reply entering subnet {from_sub_name}",
                acl_name(a)
            ),
        }
    };
    let hop_keys: Vec<(Option<Stop>, &Hop)> = r.hops.iter().map(|h| (stop_of(h, &t), h)).collect();
    let deny_hop = r.hops.iter().find(|h| h.verdict == HopVerdict::Deny);
    let why = |s: Stop| -> String {
        if s == answer {
            return match deny_hop {
                Some(h) => h.reason.clone(),
                None => format!("every hop passes: {}", r.summary),
            };
        }
        if s == Stop::Connects {
            return format!(
                "it does not connect: {}",
                deny_hop.map(|h| h.reason.clone()).unwrap_or_default()
            );
        }
        if let Some((_, h)) = hop_keys.iter().find(|(k, _)| *k == Some(s)) {
            if h.verdict == HopVerdict::Allow {
                return format!("this hop lets the packet pass: {}", h.reason);
            }
        }
        let same_subnet_acl = !cross
            && matches!(
                s,
                Stop::AclOut(_) | Stop::AclIn(_) | Stop::ReplyAclOut(_) | Stop::ReplyAclIn(_)
            );
        if same_subnet_acl {
            return format!("{from_name} and {} share subnet {to_sub_name}: network ACLs filter only traffic that crosses a subnet boundary", to_inst.name);
        }
        match deny_hop {
            Some(h) => format!("the packet never gets that far: {}", h.reason),
            None => "this hop lets the packet pass".into(),
        }
    };
    let items: Vec<(Stop, Choice)> = candidates
        .into_iter()
        .map(|s| (s, choice(text(s), s == answer, why(s))))
        .collect();
    let (options, choices) = split(trim(items, 5, d));
    let target = match &from {
        End::Host(_) => match to_inst.public {
            Some(p) => format!("its public address {p}"),
            None => "it (it has no public address)".to_string(),
        },
        End::Instance(_) => format!("its private address {}", to_inst.ip),
    };
    let prompt = format!(
        "{}\n{from_name} opens a TCP connection from client port {sport} to {} on port {port} ({target}).\nDoes the connection work (the request gets in and the reply gets back)? If not, what stops it first?",
        t.render(),
        to_inst.name
    );
    let explanation = format!(
        "{}\nSecurity groups are stateful: a reply passes them because the connection is tracked. Network ACLs are stateless: where the flow crosses a subnet boundary, the reply to client port {sport} needs its own allow rule in each ACL it crosses.",
        trace_text(&r.hops)
    );
    Ok(Some(Generated {
        prompt,
        multiple: false,
        choose: 1,
        choices,
        explanation,
        case: Case::Reach {
            topo: t,
            from,
            to,
            proto: Proto::Tcp,
            port,
            sport,
            options,
        },
    }))
}

// ---------------------------------------------------------------------------------------------
// nacl-first-match: which rule decides this packet?

fn service_matches(s: Service, proto: Proto, port: u16) -> bool {
    match s.proto {
        Proto::All => true,
        p if p != proto => false,
        p if p.has_ports() => s.from <= port && port <= s.to,
        _ => true,
    }
}

/// Why an entry does or does not match a packet (for the option's explanation).
fn mismatch(e: &Entry, remote: Ipv4Addr, proto: Proto, port: u16, toward: &str) -> Option<String> {
    if !service_matches(e.service, proto, port) {
        return Some(
            if e.service.proto != proto && e.service.proto != Proto::All {
                format!("it covers {}, not {}", e.service.text(), proto.name())
            } else {
                format!("port {port} is outside {}", e.service.text())
            },
        );
    }
    if !e.cidr.contains(&remote) {
        return Some(format!("{remote} is not in {} ({toward})", e.cidr));
    }
    None
}

fn nacl_first_match(d: &mut Dice) -> Result<Option<Generated>, String> {
    let seed = d.next_u64();
    let egress = d.chance(3, 10);
    let services = [
        Service::tcp(22, 22),
        Service::tcp(80, 80),
        Service::tcp(443, 443),
        Service::tcp(0, 1023),
        Service::tcp(1024, 65535),
        Service::tcp(20, 25),
        Service::udp(53, 53),
        Service::udp(1024, 65535),
        Service::all(),
        Service::tcp(0, 65535),
        Service::tcp(3389, 3389),
    ];
    let cidrs = [
        "0.0.0.0/0",
        "0.0.0.0/0",
        "10.0.0.0/8",
        "10.0.1.0/24",
        "203.0.113.0/24",
        "203.0.113.0/25",
        "198.51.100.0/24",
        "192.0.2.44/32",
    ];
    let mut numbers = vec![50u16, 90, 100, 110, 120, 150, 200, 210, 300, 400];
    d.shuffle(&mut numbers);
    let n = 4 + d.below(2);
    let mut numbers: Vec<u16> = numbers[..n].to_vec();
    numbers.sort_unstable();
    let entries: Vec<Entry> = numbers
        .iter()
        .map(|&num| {
            entry(
                num,
                d.chance(1, 2),
                *d.pick(&services),
                d.pick::<&str>(&cidrs),
            )
        })
        .collect();
    let proto = if d.chance(4, 5) {
        Proto::Tcp
    } else {
        Proto::Udp
    };
    let port = match proto {
        Proto::Udp => *d.pick(&[53u16, 123, 514, 33434]),
        _ => *d.pick(&[22u16, 80, 443, 3389, 8080, 25, 49200, 33000]),
    };
    let remote = ip(d.pick::<&str>(&[
        "203.0.113.10",
        "203.0.113.200",
        "198.51.100.7",
        "10.0.1.15",
        "192.0.2.44",
        "54.12.3.4",
    ]));
    let matching = entries
        .iter()
        .filter(|e| mismatch(e, remote, proto, port, "").is_none())
        .count();
    // Mostly questions where the order matters; sometimes the `*` rule decides.
    if matching == 0 && !d.chance(1, 6) || matching == 1 && d.chance(1, 2) {
        return Ok(None);
    }
    let mut t = Topo::default();
    t.subnets.push(Subnet {
        name: "app".into(),
        cidr: net("10.0.2.0/24"),
        route: Route::Nat,
    });
    let other = vec![entry(100, true, Service::all(), "0.0.0.0/0")];
    let name = "app-acl".to_string();
    t.acls.push(Acl {
        id: super::topo::short_id("acl", seed, &name),
        name: name.clone(),
        subnets: vec![0],
        ingress: if egress {
            other.clone()
        } else {
            entries.clone()
        },
        egress: if egress { entries.clone() } else { other },
    });
    let acct = t.account()?;
    let c = Compiled::new(&acct);
    let acl = acct
        .network_acls
        .iter()
        .find(|a| a.name.as_deref() == Some(name.as_str()))
        .ok_or("generated ACL missing")?;
    let proto_n = proto.number().unwrap_or(6);
    let decided = c
        .acl_match(acl, egress, u32::from(remote), proto_n, port)
        .map(|e| e.rule_number);
    let allowed_by = |num: Option<u16>| -> bool {
        num.and_then(|n| entries.iter().find(|e| e.number == n))
            .is_some_and(|e| e.allow)
    };
    let text = |num: Option<u16>| -> String {
        let verdict = if allowed_by(num) { "allowed" } else { "denied" };
        match num {
            Some(n) => format!("rule {n}: the packet is {verdict}"),
            None => "rule *: the packet is denied".into(),
        }
    };
    let toward = if egress {
        "its destination"
    } else {
        "its source"
    };
    let why = |num: Option<u16>| -> String {
        match (num, decided) {
            (None, None) => "no numbered rule matches, so the final * rule denies it".into(),
            (None, Some(m)) => {
                format!("* decides only when no numbered rule matches; rule {m} matches first")
            }
            (Some(n), _) => {
                let e = entries.iter().find(|e| e.number == n).cloned();
                let Some(e) = e else { return String::new() };
                match (mismatch(&e, remote, proto, port, toward), decided) {
                    (Some(m), _) => format!("rule {n} does not match: {m}"),
                    (None, Some(m)) if m == n => format!(
                        "rule {n} is the lowest-numbered rule that matches ({} {} covers {} port {port}), so it decides: {}",
                        e.service.text(), e.cidr, proto.name(),
                        if e.allow { "allow" } else { "deny" }),
                    (None, Some(m)) => format!("rule {n} matches too, but rule {m} has a lower number and decides first"),
                    (None, None) => format!("rule {n} matches"),
                }
            }
        }
    };
    let mut items: Vec<(Option<u16>, Choice)> = numbers
        .iter()
        .map(|&n| {
            (
                Some(n),
                choice(text(Some(n)), decided == Some(n), why(Some(n))),
            )
        })
        .collect();
    items.push((None, choice(text(None), decided.is_none(), why(None))));
    let (options, choices) = split(trim(items, 5, d));
    let dir_text = if egress { "outbound" } else { "inbound" };
    let packet = if egress {
        format!(
            "{} from 10.0.2.20 port {} to {remote} port {port}, leaving subnet app",
            proto.name(),
            if port == 443 { 40112 } else { 443 }
        )
    } else {
        format!(
            "{} from {remote} port 51515 to 10.0.2.20 port {port}, entering subnet app",
            proto.name()
        )
    };
    let shown = Topo::entries_text(&entries, "  ");
    let prompt = format!(
        "Network ACL {name} ({}) is associated with subnet app (10.0.2.0/24). Its {dir_text} rules:\n  (rule action service {})\n{shown}A packet: {packet}.\nWhich rule decides what happens to it?",
        t.acls[0].id,
        if egress { "destination" } else { "source" },
    );
    let explanation = format!(
        "Network ACL rules are evaluated in rule-number order, lowest first; the first rule that matches the packet (protocol, port and {} address) decides, whatever rules come later. When none matches, the final * rule denies.",
        if egress { "destination" } else { "source" }
    );
    Ok(Some(Generated {
        prompt,
        multiple: false,
        choose: 1,
        choices,
        explanation,
        case: Case::AclMatch {
            entries,
            egress,
            remote,
            proto,
            port,
            options,
        },
    }))
}

// ---------------------------------------------------------------------------------------------
// conntrack-tracked: is this flow tracked?

fn conntrack_tracked(d: &mut Dice) -> Result<Option<Generated>, String> {
    let seed = d.next_u64();
    let mut t = Topo::default();
    t.subnets.push(Subnet {
        name: "public".into(),
        cidr: net("10.0.1.0/24"),
        route: Route::Igw,
    });
    let ingress_pool = [
        rule(Service::tcp(443, 443), cidr("0.0.0.0/0")),
        rule(Service::tcp(80, 80), cidr("0.0.0.0/0")),
        rule(Service::tcp(22, 22), cidr("203.0.113.0/24")),
        rule(Service::tcp(22, 22), cidr("0.0.0.0/0")),
        rule(Service::udp(53, 53), cidr("0.0.0.0/0")),
        rule(Service::udp(514, 514), cidr("198.51.100.0/24")),
        rule(Service::icmp(), cidr("0.0.0.0/0")),
        rule(Service::tcp(3389, 3389), cidr("198.51.100.0/24")),
        rule(Service::tcp(8443, 8443), cidr("0.0.0.0/0")),
    ];
    let egress_pool: [Vec<Rule>; 8] = [
        vec![rule(Service::all(), cidr("0.0.0.0/0"))],
        vec![rule(Service::all(), cidr("0.0.0.0/0"))],
        vec![rule(Service::tcp(0, 65535), cidr("0.0.0.0/0"))],
        vec![rule(Service::tcp(443, 443), cidr("0.0.0.0/0"))],
        vec![rule(Service::udp(0, 65535), cidr("0.0.0.0/0"))],
        vec![],
        vec![rule(Service::all(), cidr("10.0.0.0/16"))],
        vec![rule(Service::tcp(1024, 65535), cidr("0.0.0.0/0"))],
    ];
    let mut idx: Vec<usize> = (0..ingress_pool.len()).collect();
    d.shuffle(&mut idx);
    let n_in = 2 + d.below(2);
    let two_groups = d.chance(2, 5);
    let mut groups = vec![Group {
        name: "web-sg".into(),
        id: super::topo::short_id("sg", seed, "web-sg"),
        ingress: vec![],
        egress: d.pick(&egress_pool).clone(),
    }];
    if two_groups {
        groups.push(Group {
            name: "ops-sg".into(),
            id: super::topo::short_id("sg", seed, "ops-sg"),
            ingress: vec![],
            egress: d.pick(&egress_pool).clone(),
        });
    }
    for (k, &i) in idx[..n_in].iter().enumerate() {
        let g = if two_groups { k % 2 } else { 0 };
        groups[g].ingress.push(ingress_pool[i].clone());
    }
    let gcount = groups.len();
    t.groups = groups;
    t.instances.push(Instance {
        name: "web".into(),
        subnet: 0,
        ip: ip("10.0.1.10"),
        public: Some(public_ip(d)),
        groups: (0..gcount).collect(),
        os: Os::Linux,
    });
    // The flow: one of the inbound rules, a port inside it, a client inside its range.
    let chosen = ingress_pool[idx[d.below(n_in)]].clone();
    let Peer::Cidr(range) = chosen.peer else {
        return Ok(None);
    };
    let client = if range.contains(&ip("203.0.113.10")) {
        ip("203.0.113.10")
    } else {
        ip("198.51.100.23")
    };
    let proto = chosen.service.proto;
    let port = if proto.has_ports() {
        chosen.service.from
    } else {
        8 << 8
    };
    t.hosts.push(Host {
        name: "client".into(),
        cidr: Ipv4Net::new(client, 32).unwrap_or_default(),
        os: Some(Os::Linux),
    });
    let acct = t.account()?;
    let c = Compiled::new(&acct);
    let spec = FlowSpec {
        from: resolve_endpoint(&acct, "client")?,
        to: resolve_endpoint(&acct, "web")?,
        protocol: protocol_of(proto),
        ports: if proto == Proto::Icmp {
            Ports::Icmp(Some(8), None)
        } else {
            Ports::Range(port, port)
        },
        src_ports: None,
    };
    let r = flow::evaluate(&c, &spec).map_err(|e| e.to_string())?;
    let Some(tracked) = r.tracked else {
        return Ok(None);
    };
    let reason = r
        .hops
        .iter()
        .find(|h| h.component == Component::ConnectionTracking)
        .map(|h| h.reason.clone())
        .unwrap_or_default();
    let service = if proto == Proto::Icmp {
        "ICMP echo (ping)".to_string()
    } else {
        format!("{} port {port}", proto.name())
    };
    let why_untracked_needs = "a flow goes untracked only when it is TCP or UDP, the inbound rule that admits it covers 0.0.0.0/0 (all addresses), and an outbound rule allows all traffic (or every port of the protocol) to 0.0.0.0/0";
    let items: Vec<(TrackOption, Choice)> = vec![
        (
            TrackOption::Tracked,
            choice(
                "Tracked: the replies leave because the connection is tracked, whatever the outbound rules say",
                tracked,
                if tracked { reason.clone() } else { format!("not here: {reason}") },
            ),
        ),
        (
            TrackOption::Untracked,
            choice(
                "Not tracked: it is let in from all addresses and an outbound rule allows all replies to all addresses",
                !tracked,
                if tracked { format!("{why_untracked_needs}; that does not hold here: {reason}") } else { reason.clone() },
            ),
        ),
        (
            TrackOption::OnlyOutbound,
            choice(
                "Not tracked: security groups track only connections the instance opens itself",
                false,
                "security groups track inbound connections too; that is what lets replies out without an outbound rule",
            ),
        ),
        (
            TrackOption::AclTracks,
            choice(
                "Tracked by the subnet's network ACL rather than by the security group",
                false,
                "network ACLs are stateless: they track nothing and check every packet, requests and replies alike",
            ),
        ),
    ];
    let (options, choices) = split(items);
    let prompt = format!(
        "{}\nA client at {client} sends {service} to web's public address. Does web's security group connection tracking track this flow?",
        t.render()
    );
    let explanation = format!(
        "{}. AWS tracks every flow except TCP and UDP flows admitted by a rule for 0.0.0.0/0 (or ::/0) when a rule in the other direction allows all replies to 0.0.0.0/0 on all ports; ICMP is always tracked. An untracked flow stops at once when the rule that allows it is removed; a tracked one lasts until it is idle past its timeout.",
        reason
    );
    Ok(Some(Generated {
        prompt,
        multiple: false,
        choose: 1,
        choices,
        explanation,
        case: Case::Tracked {
            topo: t,
            client,
            to: 0,
            proto,
            port,
            options,
        },
    }))
}

// ---------------------------------------------------------------------------------------------
// nacl-ephemeral-replies: what does this outbound ACL do to replies for Linux / Windows clients?

fn nacl_ephemeral_replies(d: &mut Dice) -> Result<Option<Generated>, String> {
    let seed = d.next_u64();
    let mut t = Topo::default();
    t.subnets.push(Subnet {
        name: "public".into(),
        cidr: net("10.0.1.0/24"),
        route: Route::Igw,
    });
    let port = *d.pick(&[443u16, 443, 80, 8443]);
    let allows = [
        (1024, 65535),
        (1024, 65535),
        (32768, 61000),
        (32768, 61000),
        (49152, 65535),
        (49152, 65535),
        (32768, 65535),
        (1024, 49151),
        (1025, 61000),
        (port, port),
    ];
    let denies = [
        (32768, 40000),
        (49152, 50000),
        (60000, 61000),
        (61001, 65535),
        (1024, 32767),
        (50000, 65535),
    ];
    let mut egress = vec![];
    if d.chance(1, 2) {
        let (lo, hi) = *d.pick(&denies);
        egress.push(entry(90, false, Service::tcp(lo, hi), "0.0.0.0/0"));
    }
    let (lo, hi) = *d.pick(&allows);
    egress.push(entry(100, true, Service::tcp(lo, hi), "0.0.0.0/0"));
    if d.chance(1, 4) {
        egress.push(entry(110, true, Service::udp(1024, 65535), "0.0.0.0/0"));
    }
    if d.chance(1, 4) {
        let (lo, hi) = *d.pick(&allows);
        egress.push(entry(120, true, Service::tcp(lo, hi), "0.0.0.0/0"));
    }
    let name = "public-acl".to_string();
    t.acls.push(Acl {
        id: super::topo::short_id("acl", seed, &name),
        name,
        subnets: vec![0],
        ingress: vec![entry(100, true, Service::tcp(port, port), "0.0.0.0/0")],
        egress: egress.clone(),
    });
    t.groups.push(Group {
        name: "web-sg".into(),
        id: super::topo::short_id("sg", seed, "web-sg"),
        ingress: vec![rule(Service::tcp(port, port), cidr("0.0.0.0/0"))],
        egress: vec![rule(Service::all(), cidr("0.0.0.0/0"))],
    });
    t.instances.push(Instance {
        name: "web".into(),
        subnet: 0,
        ip: ip("10.0.1.10"),
        public: Some(public_ip(d)),
        groups: vec![0],
        os: Os::Linux,
    });
    t.hosts.push(Host {
        name: "linux-pcs".into(),
        cidr: net("198.51.100.0/24"),
        os: Some(Os::Linux),
    });
    t.hosts.push(Host {
        name: "windows-pcs".into(),
        cidr: net("203.0.113.0/24"),
        os: Some(Os::Windows),
    });
    let acct = t.account()?;
    let c = Compiled::new(&acct);
    let mut results = vec![];
    for host in ["linux-pcs", "windows-pcs"] {
        let spec = FlowSpec {
            from: resolve_endpoint(&acct, host)?,
            to: resolve_endpoint(&acct, "web")?,
            protocol: Protocol::Tcp,
            ports: Ports::Range(port, port),
            src_ports: None,
        };
        let mut r = flow::evaluate(&c, &spec).map_err(|e| e.to_string())?;
        for h in &mut r.hops {
            h.reason = humanize(&h.reason, &acct);
        }
        results.push(r);
    }
    let linux_ok = results[0].verdict == Verdict::Allow;
    let windows_ok = results[1].verdict == Verdict::Allow;
    let detail = |k: usize, label: &str, range: &str| -> String {
        let r = &results[k];
        match (&r.verdict, &r.example) {
            (Verdict::Allow, _) => format!("{label} clients ({range}): every reply passes"),
            (_, Some(e)) => {
                let stop = r
                    .hops
                    .iter()
                    .find(|h| h.verdict == HopVerdict::Deny)
                    .map(|h| h.reason.clone())
                    .unwrap_or_default();
                format!(
                    "{label} clients ({range}): {} — e.g. the reply to port {}: {stop}",
                    if r.verdict == Verdict::Deny {
                        "no reply passes"
                    } else {
                        "some replies are dropped"
                    },
                    e.src_port
                )
            }
            _ => format!("{label} clients ({range}): replies are dropped"),
        }
    };
    let lin = detail(0, "Linux", "32768-61000");
    let win = detail(1, "Windows", "49152-65535");
    let texts = [
        (
            (true, true),
            "Both: every Linux and every Windows client gets its replies",
        ),
        (
            (true, false),
            "Linux clients only: some Windows connections lose their replies",
        ),
        (
            (false, true),
            "Windows clients only: some Linux connections lose their replies",
        ),
        (
            (false, false),
            "Neither: some connections from both lose their replies",
        ),
    ];
    let items: Vec<((bool, bool), Choice)> = texts
        .iter()
        .map(|&((l, w), text)| {
            let right = (l, w) == (linux_ok, windows_ok);
            let why = if right {
                format!("{lin}; {win}")
            } else if l != linux_ok {
                lin.clone()
            } else {
                win.clone()
            };
            ((l, w), choice(text, right, why))
        })
        .collect();
    let (options, choices) = split(items);
    let prompt = format!(
        "{}\nClients on the internet open tcp port {port} on web's public address. Linux clients (linux-pcs) use ephemeral ports 32768-61000, Windows clients (windows-pcs) 49152-65535. The security group and the inbound network ACL let the requests in.\nWith public-acl's outbound rules, whose connections all work?",
        t.render()
    );
    let explanation = format!(
        "Network ACLs are stateless: the reply from web goes to the client's ephemeral port and must match an outbound allow rule before any deny, rule by rule. {lin}. {win}. AWS's advice: allow 1024-65535 outbound and deny unwanted ports with lower-numbered rules."
    );
    Ok(Some(Generated {
        prompt,
        multiple: false,
        choose: 1,
        choices,
        explanation,
        case: Case::Replies {
            topo: t,
            egress,
            port,
            options,
        },
    }))
}

// ---------------------------------------------------------------------------------------------
// iam-deciding-statement: which statement decides this IAM request?

const ORDERS: &str = "arn:aws:dynamodb:us-east-1:123456789012:table/Orders";

fn statement_pool() -> Vec<Statement> {
    let s = |sid: &str, allow: bool, actions: &[&str], resource: &str| Statement {
        sid: sid.into(),
        allow,
        actions: actions.iter().map(|a| a.to_string()).collect(),
        resource: resource.into(),
    };
    vec![
        s(
            "ReadReports",
            true,
            &["s3:GetObject"],
            "arn:aws:s3:::reports/*",
        ),
        s(
            "ListReports",
            true,
            &["s3:ListBucket"],
            "arn:aws:s3:::reports",
        ),
        s("S3Everything", true, &["s3:*"], "*"),
        s(
            "WriteReports",
            true,
            &["s3:PutObject"],
            "arn:aws:s3:::reports/2026/*",
        ),
        s(
            "WriteOrders",
            true,
            &["dynamodb:PutItem", "dynamodb:UpdateItem"],
            ORDERS,
        ),
        s(
            "ReadOrders",
            true,
            &["dynamodb:Get*", "dynamodb:Query"],
            ORDERS,
        ),
        s("AllDynamo", true, &["dynamodb:*"], "*"),
        s("NoDeletes", false, &["s3:Delete*"], "*"),
        s(
            "ProtectArchive",
            false,
            &["s3:*"],
            "arn:aws:s3:::reports/archive/*",
        ),
        s("NoTableDrop", false, &["dynamodb:DeleteTable"], "*"),
        s("NoOrderWrites", false, &["dynamodb:PutItem"], ORDERS),
    ]
}

fn iam_deciding_statement(d: &mut Dice) -> Result<Option<Generated>, String> {
    let mut pool = statement_pool();
    d.shuffle(&mut pool);
    let n = 3 + d.below(3);
    let chosen: Vec<Statement> = pool.into_iter().take(n).collect();
    let cut = 1 + d.below(n - 1);
    let policies: Vec<(String, Vec<Statement>)> = vec![
        ("app-access".to_string(), chosen[..cut].to_vec()),
        ("guardrails".to_string(), chosen[cut..].to_vec()),
    ];
    let requests = [
        ("s3:GetObject", "arn:aws:s3:::reports/2026/q1.csv"),
        ("s3:GetObject", "arn:aws:s3:::reports/archive/2019.csv"),
        ("s3:DeleteObject", "arn:aws:s3:::reports/tmp.csv"),
        ("s3:PutObject", "arn:aws:s3:::reports/2026/new.csv"),
        ("s3:PutObject", "arn:aws:s3:::reports/archive/new.csv"),
        ("s3:ListBucket", "arn:aws:s3:::reports"),
        ("dynamodb:PutItem", ORDERS),
        ("dynamodb:GetItem", ORDERS),
        ("dynamodb:DeleteTable", ORDERS),
        (
            "dynamodb:PutItem",
            "arn:aws:dynamodb:us-east-1:123456789012:table/Customers",
        ),
    ];
    let (action, resource) = *d.pick(&requests);
    let docs: Vec<(String, Value)> = policies
        .iter()
        .map(|(name, sts)| {
            let st: Vec<Value> = sts.iter().map(Statement::json).collect();
            (
                name.clone(),
                json!({"Version": "2012-10-17", "Statement": st}),
            )
        })
        .collect();
    let e = iam::evaluate(&docs, action, resource);
    let answer: Option<(String, String)> = match e.decision {
        iam::Decision::ImplicitDeny => {
            if !d.chance(1, 3) {
                return Ok(None);
            }
            None
        }
        _ if e.deciding.len() != 1 => return Ok(None),
        _ => Some((e.deciding[0].policy.clone(), e.deciding[0].sid.clone())),
    };
    let applies = |st: &Statement| {
        st.actions.iter().any(|a| iam::wildcard(a, action, true))
            && iam::wildcard(&st.resource, resource, false)
    };
    let deny_sid = policies
        .iter()
        .flat_map(|(p, sts)| sts.iter().map(move |s| (p, s)))
        .find(|(_, s)| !s.allow && applies(s))
        .map(|(p, s)| format!("{p} / {}", s.sid));
    let mut items: Vec<(Option<(String, String)>, Choice)> = vec![];
    for (p, sts) in &policies {
        for st in sts {
            let key = Some((p.clone(), st.sid.clone()));
            let right = key == answer;
            let text = format!(
                "{p} / {} ({}): the call is {}",
                st.sid,
                if st.allow { "Allow" } else { "Deny" },
                if st.allow { "allowed" } else { "denied" }
            );
            let why = if !st.actions.iter().any(|a| iam::wildcard(a, action, true)) {
                format!(
                    "{} does not apply: its actions ({}) do not match {action}",
                    st.sid,
                    st.actions.join(", ")
                )
            } else if !iam::wildcard(&st.resource, resource, false) {
                format!(
                    "{} does not apply: its resource {} does not match {resource}",
                    st.sid, st.resource
                )
            } else if !st.allow {
                format!(
                    "{} applies and is a Deny: an explicit deny wins over every allow",
                    st.sid
                )
            } else if let Some(dn) = &deny_sid {
                format!("{} applies, but {dn} explicitly denies the call, and an explicit deny wins over any allow", st.sid)
            } else {
                format!(
                    "{} applies and allows the call; no statement denies it",
                    st.sid
                )
            };
            items.push((key, choice(text, right, why)));
        }
    }
    let implicit_why = match &answer {
        None => format!("no statement's action and resource both match {action} on {resource}, so the call is implicitly denied (the default)"),
        Some((p, s)) => format!("{p} / {s} applies, so the call is decided explicitly, not by the default deny"),
    };
    items.push((
        None,
        choice(
            "No statement applies: the call is implicitly denied",
            answer.is_none(),
            implicit_why,
        ),
    ));
    let (options, choices) = split(trim(items, 5, d));
    let mut shown = String::new();
    for (name, doc) in &docs {
        let _ = writeln!(shown, "policy {name}:");
        if let Some(Value::Array(sts)) = doc.get("Statement") {
            for st in sts {
                let _ = writeln!(shown, "  {st}");
            }
        }
    }
    let prompt = format!(
        "Instance app has instance profile app-profile with role app-role (trusted by ec2.amazonaws.com). The role has two policies:\n{shown}Software on app calls {action} on {resource}.\nWhich statement decides the call, and what is the outcome?"
    );
    let explanation = "IAM evaluates every applicable statement of every policy: an explicit Deny in any of them wins; otherwise an Allow is needed; with neither the call is implicitly denied. Order of statements and policies does not matter.".to_string();
    Ok(Some(Generated {
        prompt,
        multiple: false,
        choose: 1,
        choices,
        explanation,
        case: Case::Iam {
            policies,
            action: action.into(),
            resource: resource.into(),
            options,
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_generator_gives_one_correct_option_and_unique_texts() {
        for name in NAMES {
            for seed in 0..40 {
                let g = generate(name, seed).unwrap_or_else(|e| panic!("{name} {seed}: {e}"));
                let correct = g.choices.iter().filter(|c| c.correct).count();
                assert_eq!(correct, g.choose, "{name} {seed}");
                let mut texts: Vec<&str> = g.choices.iter().map(|c| c.text.as_str()).collect();
                texts.sort_unstable();
                texts.dedup();
                assert_eq!(texts.len(), g.choices.len(), "{name} {seed}");
                assert!(g.choices.len() >= 2);
                assert!(
                    g.choices.iter().all(|c| !c.why.trim().is_empty()),
                    "{name} {seed}"
                );
                // Deterministic.
                let again = generate(name, seed).unwrap();
                assert_eq!(again.prompt, g.prompt);
                assert_eq!(again.choices, g.choices);
            }
        }
    }
}
