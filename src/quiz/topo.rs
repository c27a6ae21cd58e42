//! Small topologies for generated questions: plain data a generator fills from its seed, then
//! turns into a scenario `world` (YAML, loaded by the same loader as every scenario, so the
//! engines see exactly what a learner's scenario would give them) and into the text shown in
//! the prompt.
//!
//! **Invariant:** the topology is the single description of a generated question's world: the
//! prompt, the account the engine evaluates and the independent checks in the tests all read
//! it. Nothing here decides a flow; that is the engines' job.

use crate::model::Account;
use crate::net::types::Os;
use crate::scenario::load::{load_scenario_with, Options};
use ipnet::Ipv4Net;
use std::fmt::Write as _;
use std::net::Ipv4Addr;

/// A protocol as generated rules use it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proto {
    Tcp,
    Udp,
    /// ICMP, every type and code.
    Icmp,
    /// Every protocol.
    All,
}

impl Proto {
    pub fn name(self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
            Proto::Icmp => "icmp",
            Proto::All => "all",
        }
    }

    /// The IANA number; `None` for all.
    pub fn number(self) -> Option<u8> {
        match self {
            Proto::Tcp => Some(6),
            Proto::Udp => Some(17),
            Proto::Icmp => Some(1),
            Proto::All => None,
        }
    }

    pub fn has_ports(self) -> bool {
        matches!(self, Proto::Tcp | Proto::Udp)
    }
}

/// Protocol and ports of a rule or entry: `from..=to` for TCP/UDP, ignored otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Service {
    pub proto: Proto,
    pub from: u16,
    pub to: u16,
}

impl Service {
    pub fn tcp(from: u16, to: u16) -> Service {
        Service {
            proto: Proto::Tcp,
            from,
            to,
        }
    }
    pub fn udp(from: u16, to: u16) -> Service {
        Service {
            proto: Proto::Udp,
            from,
            to,
        }
    }
    pub fn all() -> Service {
        Service {
            proto: Proto::All,
            from: 0,
            to: 65535,
        }
    }
    pub fn icmp() -> Service {
        Service {
            proto: Proto::Icmp,
            from: 0,
            to: 65535,
        }
    }

    /// Every port of the protocol.
    pub fn all_ports(self) -> bool {
        !self.proto.has_ports() || (self.from == 0 && self.to == 65535)
    }

    /// PORTS text for the YAML file.
    fn yaml_ports(self) -> String {
        if self.all_ports() {
            "all".into()
        } else if self.from == self.to {
            self.from.to_string()
        } else {
            format!("{}-{}", self.from, self.to)
        }
    }

    /// `tcp 22`, `tcp 1024-65535`, `all traffic`, `icmp (all types)`.
    pub fn text(self) -> String {
        match self.proto {
            Proto::All => "all traffic".into(),
            Proto::Icmp => "icmp (all types)".into(),
            p if self.all_ports() => format!("{} all ports", p.name()),
            p => format!("{} {}", p.name(), self.yaml_ports()),
        }
    }
}

/// The other side of a security group rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Peer {
    Cidr(Ipv4Net),
    /// A group of the topology, by index.
    Group(usize),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub service: Service,
    pub peer: Peer,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub name: String,
    pub id: String,
    pub ingress: Vec<Rule>,
    pub egress: Vec<Rule>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub number: u16,
    pub allow: bool,
    pub service: Service,
    pub cidr: Ipv4Net,
}

impl Entry {
    pub fn text(&self) -> String {
        format!(
            "{:<5} {:<5} {:<20} {}",
            self.number,
            if self.allow { "allow" } else { "deny" },
            self.service.text(),
            self.cidr
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acl {
    pub name: String,
    pub id: String,
    /// Subnets (by index) associated with it.
    pub subnets: Vec<usize>,
    pub ingress: Vec<Entry>,
    pub egress: Vec<Entry>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    Igw,
    Nat,
    None,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subnet {
    pub name: String,
    pub cidr: Ipv4Net,
    pub route: Route,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    pub name: String,
    pub subnet: usize,
    pub ip: Ipv4Addr,
    pub public: Option<Ipv4Addr>,
    pub groups: Vec<usize>,
    pub os: Os,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Host {
    pub name: String,
    pub cidr: Ipv4Net,
    pub os: Option<Os>,
}

/// One VPC (10.0.0.0/16, internet gateway attached) and what is in it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Topo {
    pub subnets: Vec<Subnet>,
    pub acls: Vec<Acl>,
    pub groups: Vec<Group>,
    pub instances: Vec<Instance>,
    pub hosts: Vec<Host>,
}

/// A short AWS-shaped id (`PREFIX-` + 8 hex digits), stable for a seed and a name.
pub fn short_id(prefix: &str, seed: u64, name: &str) -> String {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for b in prefix.bytes().chain([0]).chain(name.bytes()) {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{prefix}-{:08x}", (h ^ (h >> 32)) as u32)
}

fn os_name(os: Os) -> &'static str {
    match os {
        Os::Linux => "linux",
        Os::Windows => "windows",
    }
}

impl Topo {
    /// The custom network ACL of a subnet, if it has one (else the VPC's default ACL, which
    /// allows everything both ways).
    pub fn acl_of(&self, subnet: usize) -> Option<usize> {
        self.acls.iter().position(|a| a.subnets.contains(&subnet))
    }

    pub fn instance(&self, name: &str) -> Option<usize> {
        self.instances.iter().position(|i| i.name == name)
    }

    fn peer_yaml(&self, p: &Peer) -> String {
        match p {
            Peer::Cidr(c) => format!("cidr: {c}"),
            Peer::Group(g) => format!("group: {}", self.groups[*g].name),
        }
    }

    fn peer_text(&self, p: &Peer) -> String {
        match p {
            Peer::Cidr(c) => c.to_string(),
            Peer::Group(g) => format!("group {}", self.groups[*g].name),
        }
    }

    /// The scenario `world:` this topology stands for (indented two spaces).
    pub fn world_yaml(&self) -> String {
        let mut y = String::new();
        y.push_str("  vpcs:\n    - {name: main, cidr: 10.0.0.0/16, internet_gateway: true}\n");
        y.push_str("  subnets:\n");
        for s in &self.subnets {
            let r = match s.route {
                Route::Igw => "igw",
                Route::Nat => "nat",
                Route::None => "none",
            };
            let _ = writeln!(
                y,
                "    - {{name: {}, vpc: main, cidr: {}, route_internet: {r}}}",
                s.name, s.cidr
            );
        }
        if !self.acls.is_empty() {
            y.push_str("  network_acls:\n");
            for a in &self.acls {
                let subnets: Vec<&str> = a
                    .subnets
                    .iter()
                    .map(|s| self.subnets[*s].name.as_str())
                    .collect();
                let _ = writeln!(
                    y,
                    "    - name: {}\n      id: {}\n      vpc: main\n      subnets: [{}]",
                    a.name,
                    a.id,
                    subnets.join(", ")
                );
                for (dir, entries) in [("ingress", &a.ingress), ("egress", &a.egress)] {
                    if entries.is_empty() {
                        let _ = writeln!(y, "      {dir}: []");
                        continue;
                    }
                    let _ = writeln!(y, "      {dir}:");
                    for e in entries {
                        let _ = writeln!(
                            y,
                            "        - {{rule: {}, action: {}, protocol: {}, ports: \"{}\", cidr: {}}}",
                            e.number,
                            if e.allow { "allow" } else { "deny" },
                            e.service.proto.name(),
                            e.service.yaml_ports(),
                            e.cidr
                        );
                    }
                }
            }
        }
        y.push_str(if self.groups.is_empty() {
            "  security_groups: []\n"
        } else {
            "  security_groups:\n"
        });
        for g in &self.groups {
            let _ = writeln!(
                y,
                "    - name: {}\n      id: {}\n      vpc: main",
                g.name, g.id
            );
            for (dir, rules) in [("ingress", &g.ingress), ("egress", &g.egress)] {
                if rules.is_empty() {
                    let _ = writeln!(y, "      {dir}: []");
                    continue;
                }
                let _ = writeln!(y, "      {dir}:");
                for r in rules {
                    let _ = writeln!(
                        y,
                        "        - {{protocol: {}, ports: \"{}\", {}}}",
                        r.service.proto.name(),
                        r.service.yaml_ports(),
                        self.peer_yaml(&r.peer)
                    );
                }
            }
        }
        y.push_str(if self.instances.is_empty() {
            "  instances: []\n"
        } else {
            "  instances:\n"
        });
        for i in &self.instances {
            let groups: Vec<&str> = i
                .groups
                .iter()
                .map(|g| self.groups[*g].name.as_str())
                .collect();
            let public = i
                .public
                .map(|p| format!(", public_ip: {p}"))
                .unwrap_or_default();
            let _ = writeln!(
                y,
                "    - {{name: {}, subnet: {}, private_ip: {}{public}, security_groups: [{}], platform: {}}}",
                i.name,
                self.subnets[i.subnet].name,
                i.ip,
                groups.join(", "),
                os_name(i.os)
            );
        }
        if !self.hosts.is_empty() {
            y.push_str("  hosts:\n");
            for h in &self.hosts {
                let os =
                    h.os.map(|o| format!(", os: {}", os_name(o)))
                        .unwrap_or_default();
                let _ = writeln!(y, "    - {{name: {}, cidr: {}{os}}}", h.name, h.cidr);
            }
        }
        y
    }

    /// Builds the account through the scenario loader.
    pub fn account(&self) -> Result<Account, String> {
        let text = format!(
            "id: generated\ntitle: generated\ntopic: security-groups\ndifficulty: 1\nbrief: generated\nworld:\n{}",
            self.world_yaml()
        );
        load_scenario_with(
            "generated.yaml",
            &text,
            Options {
                bank: false,
                require_goals: false,
            },
        )
        .map(|s| s.account)
        .map_err(|e| format!("generated topology does not load: {e}"))
    }

    /// The entries of an ACL direction as lines, lowest number first, with the final `*`.
    pub fn entries_text(entries: &[Entry], indent: &str) -> String {
        let mut sorted: Vec<&Entry> = entries.iter().collect();
        sorted.sort_by_key(|e| e.number);
        let mut s = String::new();
        for e in sorted {
            let _ = writeln!(s, "{indent}{}", e.text());
        }
        let _ = writeln!(
            s,
            "{indent}{:<5} {:<5} {:<20} 0.0.0.0/0",
            "*", "deny", "all traffic"
        );
        s
    }

    /// The topology as the prompt shows it.
    pub fn render(&self) -> String {
        let mut s = String::new();
        s.push_str("VPC main 10.0.0.0/16, internet gateway attached\n");
        for (i, sub) in self.subnets.iter().enumerate() {
            let route = match sub.route {
                Route::Igw => "0.0.0.0/0 -> internet gateway",
                Route::Nat => "0.0.0.0/0 -> NAT gateway",
                Route::None => "local route only",
            };
            let acl = match self.acl_of(i) {
                Some(a) => format!("network ACL {}", self.acls[a].name),
                None => "default network ACL (allows all both ways)".into(),
            };
            let _ = writeln!(
                s,
                "  subnet {:<8} {:<14} {route}; {acl}",
                sub.name,
                sub.cidr.to_string()
            );
        }
        s.push_str("Instances\n");
        for i in &self.instances {
            let groups: Vec<&str> = i
                .groups
                .iter()
                .map(|g| self.groups[*g].name.as_str())
                .collect();
            let public = i
                .public
                .map(|p| format!(", public {p}"))
                .unwrap_or_else(|| ", no public IP".into());
            let _ = writeln!(
                s,
                "  {:<6} {}{public}, subnet {}, {}, groups: {}",
                i.name,
                i.ip,
                self.subnets[i.subnet].name,
                os_name(i.os),
                groups.join(", ")
            );
        }
        if !self.hosts.is_empty() {
            s.push_str("Outside the VPC\n");
            for h in &self.hosts {
                let os = h.os.map(os_name).unwrap_or("unknown OS");
                let _ = writeln!(s, "  {:<6} {} ({os})", h.name, h.cidr);
            }
        }
        s.push_str("Security groups\n");
        for g in &self.groups {
            let _ = writeln!(s, "  {} ({})", g.name, g.id);
            for (label, rules, toward) in [
                ("inbound ", &g.ingress, "from"),
                ("outbound", &g.egress, "to"),
            ] {
                if rules.is_empty() {
                    let _ = writeln!(s, "    {label}  (no rules)");
                }
                for r in rules {
                    let _ = writeln!(
                        s,
                        "    {label}  {} {toward} {}",
                        r.service.text(),
                        self.peer_text(&r.peer)
                    );
                }
            }
        }
        for a in &self.acls {
            let subnets: Vec<&str> = a
                .subnets
                .iter()
                .map(|x| self.subnets[*x].name.as_str())
                .collect();
            let _ = writeln!(
                s,
                "Network ACL {} ({}), subnets: {}",
                a.name,
                a.id,
                subnets.join(", ")
            );
            s.push_str("  inbound  (rule action service source)\n");
            s.push_str(&Self::entries_text(&a.ingress, "    "));
            s.push_str("  outbound (rule action service destination)\n");
            s.push_str(&Self::entries_text(&a.egress, "    "));
        }
        s
    }
}
