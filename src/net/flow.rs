//! Flow evaluation end to end (SPEC §5), over *sets* of sources and ports, with the hops that
//! explain the verdict.
//!
//! A flow from A to B becomes a [`Path`]: an ordered list of stages (security group out,
//! network ACL out, routing, network ACL in, security group in, connection tracking, then the
//! reply's ACL stages). Routing stages are decided when the path is built; rule stages are
//! evaluated three ways from the same path:
//! - [`Path::decide`]: one packet against the compiled regions, no allocation (the fast path);
//! - [`Path::trace`]: one packet against the raw rules, recording each hop and the rule that
//!   matched (the explanation);
//! - [`evaluate`]: every (source address, source port, destination port) in the flow's sets,
//!   giving `allow`, `deny` or `partial` with one failing example.
//!
//! **Invariant:** no I/O, no clock, no randomness; the same account and flow give the same
//! result.

use super::compile::{v4, Compiled, V4Region};
use super::intervals::IntervalSet;
use super::types::{ephemeral_ports, ports_of, AddrSet, Os, PortSet, Ports, Protocol, V4Set};
use crate::model::{
    Account, AclEntry, Instance, InstanceState, InternetRoute, NetworkAcl, Peer, RuleAction,
    SgRule, Subnet,
};
use ipnet::IpNet;
use serde::Serialize;
use serde_json::{json, Value};
use std::net::Ipv4Addr;

/// One end of a flow.
#[derive(Clone, Debug, PartialEq)]
pub enum Endpoint {
    /// An instance, addressed by its private address (same VPC) or its public one.
    Instance { index: usize, public: bool },
    /// Anything outside every VPC: a host, `internet`, a literal address or CIDR.
    Outside {
        label: String,
        addrs: AddrSet,
        os: Option<Os>,
    },
}

impl Endpoint {
    pub fn label(&self, acct: &Account) -> String {
        match self {
            Endpoint::Instance { index, .. } => acct.instances[*index].label().to_string(),
            Endpoint::Outside { label, .. } => label.clone(),
        }
    }
}

/// What a goal, `probe` or `connect` asks about.
#[derive(Clone, Debug)]
pub struct FlowSpec {
    pub from: Endpoint,
    pub to: Endpoint,
    pub protocol: Protocol,
    pub ports: Ports,
    /// Client ports; default: the client's ephemeral range by OS.
    pub src_ports: Option<(u16, u16)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Component {
    Instance,
    SecurityGroup,
    NetworkAcl,
    RouteTable,
    InternetGateway,
    NatGateway,
    ConnectionTracking,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Ingress,
    Egress,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HopVerdict {
    Allow,
    Deny,
}

/// One component a packet passed or was stopped by.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hop {
    pub component: Component,
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    pub verdict: HopVerdict,
    /// The matching rule in the API's shape, or null.
    pub rule: Option<Value>,
    pub reason: String,
    /// Part of the reply path.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub reply: bool,
    /// For security-group hops: the instance whose interface the groups are on.
    #[serde(skip)]
    pub instance: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Allow,
    Deny,
    Partial,
}

/// One packet of a flow that fails.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Example {
    pub source: String,
    pub port: String,
    pub src_port: u16,
}

/// A flow's verdict with the hops of one packet (a failing one when there is one).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FlowResult {
    pub verdict: Verdict,
    pub hops: Vec<Hop>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<Example>,
    pub summary: String,
    /// Whether security groups track the flow at the destination (None when the destination is
    /// outside every VPC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracked: Option<bool>,
    /// The packet the hops trace.
    #[serde(skip)]
    pub packet: Packet,
    /// For a partial verdict: one packet that gets through, and its hops.
    #[serde(skip)]
    pub passing: Option<(String, Vec<Hop>)>,
}

/// A concrete packet (request direction).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Packet {
    pub src: u32,
    pub dst: u32,
    pub proto: u8,
    pub sport: u16,
    /// Destination port; for ICMP `type << 8 | code`.
    pub dport: u16,
}

/// Which address of a packet a stage matches on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AddrRef {
    Fixed(u32),
    /// The outside party's address (varies over the flow's address set).
    Remote,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PortRef {
    /// The request's destination port.
    Dst,
    /// The client's port: what a reply is addressed to.
    Src,
}

#[derive(Clone, Debug)]
enum StageKind {
    /// The interface's groups, ingress (`egress: false`) or egress.
    Groups { instance: usize, egress: bool },
    Acl {
        acl: String,
        subnet: String,
        egress: bool,
    },
}

#[derive(Clone, Debug)]
struct RuleStage {
    kind: StageKind,
    region: V4Region,
    addr: AddrRef,
    port: PortRef,
    /// Part of the reply path.
    reply: bool,
}

#[derive(Clone, Debug)]
enum Stage {
    /// Decided when the path was built (routing, gateways, tracking).
    Fixed(Hop),
    Rules(RuleStage),
}

/// A flow's route through the account, ready to evaluate packets.
#[derive(Clone, Debug)]
pub struct Path {
    stages: Vec<Stage>,
    /// Source addresses (as the destination sees them).
    pub src_set: V4Set,
    /// Destination addresses (as the source sends to them).
    pub dst_set: V4Set,
    /// The remote (varying) side: true when the source varies, false when the destination does.
    remote_is_src: bool,
    pub proto: u8,
    /// Request ports and the ports the replies go to.
    pub dports: PortSet,
    pub sports: PortSet,
    /// Replies must pass (false for one-way ICMP types).
    pub needs_reply: bool,
    pub tracked: Option<bool>,
    pub blocked: bool,
    pub from_label: String,
    pub to_label: String,
}

/// Why a flow cannot be asked about at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FlowError {
    #[error("{0}")]
    Invalid(String),
}

fn fixed(
    component: Component,
    id: &str,
    direction: Option<Direction>,
    allow: bool,
    reason: String,
) -> Stage {
    Stage::Fixed(Hop {
        component,
        id: id.to_string(),
        direction,
        verdict: if allow {
            HopVerdict::Allow
        } else {
            HopVerdict::Deny
        },
        rule: None,
        reason,
        reply: false,
        instance: None,
    })
}

/// The address a NAT gateway in a subnet translates to: derived, stable, public.
pub fn nat_address(subnet: &Subnet) -> Ipv4Addr {
    let mut h: u32 = 2166136261;
    for b in subnet.id.bytes() {
        h = (h ^ b as u32).wrapping_mul(16777619);
    }
    Ipv4Addr::new(
        52,
        4 + (h >> 24) as u8 % 200,
        (h >> 16) as u8,
        (h as u8).max(1),
    )
}

struct Side<'a> {
    inst: &'a Instance,
    index: usize,
    subnet: &'a Subnet,
}

impl<'c> Compiled<'c> {
    fn side(&self, index: usize) -> Result<Side<'c>, FlowError> {
        let inst = &self.account.instances[index];
        let subnet = self.account.subnet(&inst.subnet_id).ok_or_else(|| {
            FlowError::Invalid(format!(
                "{} is in unknown subnet {}",
                inst.label(),
                inst.subnet_id
            ))
        })?;
        Ok(Side {
            inst,
            index,
            subnet,
        })
    }

    fn group_stage(
        &self,
        side: &Side<'c>,
        egress: bool,
        addr: AddrRef,
        port: PortRef,
        reply: bool,
    ) -> Stage {
        Stage::Rules(RuleStage {
            kind: StageKind::Groups {
                instance: side.index,
                egress,
            },
            region: (*self.group_set(&side.inst.security_groups, egress)).clone(),
            addr,
            port,
            reply,
        })
    }

    fn acl_stage(
        &self,
        subnet: &Subnet,
        egress: bool,
        addr: AddrRef,
        port: PortRef,
        reply: bool,
    ) -> Stage {
        Stage::Rules(RuleStage {
            kind: StageKind::Acl {
                acl: subnet.network_acl_id.clone(),
                subnet: subnet.id.clone(),
                egress,
            },
            region: self
                .acl(&subnet.network_acl_id, egress)
                .cloned()
                .unwrap_or_default(),
            addr,
            port,
            reply,
        })
    }

    /// Leaving A: its groups out, then its subnet's ACL out when the traffic leaves the subnet.
    fn depart(&self, sa: &Side<'c>, to: AddrRef, crosses: bool, stages: &mut Vec<Stage>) {
        stages.push(self.group_stage(sa, true, to, PortRef::Dst, false));
        if crosses {
            stages.push(self.acl_stage(sa.subnet, true, to, PortRef::Dst, false));
        }
    }

    /// Arriving at B from `from` (the address B sees, `seen` for tracking): B's subnet ACL in
    /// when crossing, B's groups in, connection tracking, then the reply leaving B's subnet.
    /// Returns whether B tracks the flow.
    #[allow(clippy::too_many_arguments)]
    fn arrive(
        &self,
        sb: &Side<'c>,
        from: AddrRef,
        seen: u32,
        crosses: bool,
        protocol: Protocol,
        dports: &PortSet,
        via_nat: bool,
        stages: &mut Vec<Stage>,
    ) -> bool {
        if crosses {
            stages.push(self.acl_stage(sb.subnet, false, from, PortRef::Dst, false));
        }
        stages.push(self.group_stage(sb, false, from, PortRef::Dst, false));
        let (tracked, reason) = self.tracked_at(sb, seen, protocol, dports, via_nat);
        stages.push(fixed(
            Component::ConnectionTracking,
            &sb.inst.eni_id,
            None,
            true,
            reason,
        ));
        if crosses {
            stages.push(self.acl_stage(sb.subnet, true, from, PortRef::Src, true));
        }
        tracked
    }

    /// The reply entering A's subnet from `from`.
    fn reply_home(&self, sa: &Side<'c>, from: AddrRef, stages: &mut Vec<Stage>) {
        stages.push(self.acl_stage(sa.subnet, false, from, PortRef::Src, true));
    }

    /// Routing out of a subnet towards the internet. Returns the stages and the address the
    /// traffic leaves with, or None when it cannot leave.
    fn route_out(&self, s: &Side<'c>, stages: &mut Vec<Stage>) -> Option<Ipv4Addr> {
        let rtb = &s.subnet.route_table_id;
        let igw = self.account.igw_of(&s.subnet.vpc_id);
        match s.subnet.route_internet {
            InternetRoute::None => {
                stages.push(fixed(
                    Component::RouteTable,
                    rtb,
                    Some(Direction::Egress),
                    false,
                    format!(
                        "{rtb} of subnet {} has only the local route: nothing leaves the VPC",
                        s.subnet.id
                    ),
                ));
                None
            }
            InternetRoute::Nat => {
                let nat = s
                    .subnet
                    .nat_gateway_id
                    .clone()
                    .unwrap_or_else(|| "nat".into());
                let addr = nat_address(s.subnet);
                stages.push(fixed(
                    Component::RouteTable,
                    rtb,
                    Some(Direction::Egress),
                    true,
                    format!("{rtb} sends 0.0.0.0/0 to {nat}"),
                ));
                stages.push(fixed(Component::NatGateway, &nat, Some(Direction::Egress), true, format!(
                    "{nat} translates {} to its public address {addr}; flows through a NAT gateway are always tracked",
                    s.inst.private_ip)));
                Some(addr)
            }
            InternetRoute::Igw => {
                let Some(igw) = igw else {
                    stages.push(fixed(Component::InternetGateway, rtb, Some(Direction::Egress), false, format!(
                        "{rtb} sends 0.0.0.0/0 to an internet gateway, but none is attached to {}", s.subnet.vpc_id)));
                    return None;
                };
                stages.push(fixed(
                    Component::RouteTable,
                    rtb,
                    Some(Direction::Egress),
                    true,
                    format!("{rtb} sends 0.0.0.0/0 to {}", igw.id),
                ));
                match s.inst.public_ip {
                    Some(p) => {
                        stages.push(fixed(
                            Component::InternetGateway,
                            &igw.id,
                            Some(Direction::Egress),
                            true,
                            format!(
                                "{} translates {} to its public address {p}",
                                igw.id, s.inst.private_ip
                            ),
                        ));
                        Some(p)
                    }
                    None => {
                        stages.push(fixed(Component::InternetGateway, &igw.id, Some(Direction::Egress), false, format!(
                            "{} has no public IPv4 address: {} cannot translate its traffic, so nothing it sends reaches the internet",
                            s.inst.label(), igw.id)));
                        None
                    }
                }
            }
        }
    }

    /// Routing into a subnet from the internet, to the instance's public address.
    fn route_in(&self, s: &Side<'c>, stages: &mut Vec<Stage>) -> bool {
        let rtb = &s.subnet.route_table_id;
        let Some(igw) = self.account.igw_of(&s.subnet.vpc_id) else {
            stages.push(fixed(
                Component::InternetGateway,
                &s.subnet.vpc_id,
                Some(Direction::Ingress),
                false,
                format!(
                    "{} has no internet gateway attached: nothing from the internet enters it",
                    s.subnet.vpc_id
                ),
            ));
            return false;
        };
        let Some(public) = s.inst.public_ip else {
            stages.push(fixed(
                Component::InternetGateway,
                &igw.id,
                Some(Direction::Ingress),
                false,
                format!(
                    "{} has no public IPv4 address: it cannot be reached from outside the VPC",
                    s.inst.label()
                ),
            ));
            return false;
        };
        match s.subnet.route_internet {
            InternetRoute::Igw => {
                stages.push(fixed(
                    Component::InternetGateway,
                    &igw.id,
                    Some(Direction::Ingress),
                    true,
                    format!("{} translates {public} to {}", igw.id, s.inst.private_ip),
                ));
                stages.push(fixed(
                    Component::RouteTable,
                    rtb,
                    Some(Direction::Ingress),
                    true,
                    format!(
                        "{rtb} sends 0.0.0.0/0 to {}: replies can return to the internet",
                        igw.id
                    ),
                ));
                true
            }
            InternetRoute::Nat => {
                stages.push(fixed(Component::RouteTable, rtb, Some(Direction::Ingress), false, format!(
                    "{rtb} sends 0.0.0.0/0 to a NAT gateway: the instance can reach out, but the internet cannot open connections in (a public subnet routes 0.0.0.0/0 to an internet gateway)")));
                false
            }
            InternetRoute::None => {
                stages.push(fixed(Component::RouteTable, rtb, Some(Direction::Ingress), false, format!(
                    "{rtb} of subnet {} has no route to an internet gateway: the subnet is private", s.subnet.id)));
                false
            }
        }
    }

    /// Builds the path of a flow.
    pub fn path(&self, spec: &FlowSpec) -> Result<Path, FlowError> {
        let acct = self.account;
        let proto = spec.protocol.number().ok_or_else(|| {
            FlowError::Invalid("a flow names one protocol (tcp, udp, icmp, icmpv6 or a number); `all` is evaluated protocol by protocol".into())
        })?;
        let dports = if spec.protocol.has_ports() || spec.protocol.is_icmp() {
            spec.ports.port_set()
        } else {
            PortSet::single(0)
        };
        let client_os = match &spec.from {
            Endpoint::Instance { index, .. } => Some(acct.instances[*index].platform),
            Endpoint::Outside { os, .. } => *os,
        };
        let (mut needs_reply, sports) = if spec.protocol.has_ports() {
            let (lo, hi) = spec.src_ports.unwrap_or_else(|| ephemeral_ports(client_os));
            (true, PortSet::range(lo, hi))
        } else if spec.protocol.is_icmp() {
            // Echo request (ICMP 8, ICMPv6 128) is answered by echo reply (0 / 129); other types
            // are one-way.
            let echo: u16 = if spec.protocol == Protocol::Icmp {
                8
            } else {
                128
            };
            let reply: u16 = if spec.protocol == Protocol::Icmp {
                0
            } else {
                129
            };
            let echo_set = PortSet::range(echo << 8, echo << 8 | 0xFF);
            (dports.is_subset(&echo_set), PortSet::single(reply << 8))
        } else {
            (true, PortSet::single(0))
        };
        let mut stages = Vec::new();
        let from_label = spec.from.label(acct);
        let to_label = spec.to.label(acct);
        let mut tracked = None;
        let (src_set, dst_set, remote_is_src);
        match (&spec.from, &spec.to) {
            (Endpoint::Outside { .. }, Endpoint::Outside { .. }) => {
                return Err(FlowError::Invalid(format!(
                    "neither {from_label} nor {to_label} is an instance: no VPC lies between them"
                )))
            }
            (Endpoint::Instance { index: a, .. }, Endpoint::Instance { index: b, public }) => {
                if a == b {
                    return Err(FlowError::Invalid(format!(
                        "{from_label} to itself never leaves the instance"
                    )));
                }
                let (sa, sb) = (self.side(*a)?, self.side(*b)?);
                running(&sa, &mut stages);
                running(&sb, &mut stages);
                remote_is_src = true;
                if sa.inst.vpc_id == sb.inst.vpc_id && !public {
                    let (pa, pb) = (v4(sa.inst.private_ip), v4(sb.inst.private_ip));
                    src_set = V4Set::single(pa);
                    dst_set = V4Set::single(pb);
                    let cross = sa.subnet.id != sb.subnet.id;
                    self.depart(&sa, AddrRef::Fixed(pb), cross, &mut stages);
                    let vpc = acct
                        .vpc(&sa.inst.vpc_id)
                        .map(|v| v.cidr.to_string())
                        .unwrap_or_default();
                    stages.push(fixed(Component::RouteTable, &sa.subnet.route_table_id, None, true, if cross {
                        format!("the local route {vpc} delivers inside the VPC")
                    } else {
                        format!("same subnet {}: delivered directly; network ACLs apply only where traffic crosses a subnet boundary", sa.subnet.id)
                    }));
                    tracked = Some(self.arrive(
                        &sb,
                        AddrRef::Fixed(pa),
                        pa,
                        cross,
                        spec.protocol,
                        &dports,
                        false,
                        &mut stages,
                    ));
                    if cross {
                        self.reply_home(&sa, AddrRef::Fixed(pb), &mut stages);
                    }
                } else {
                    // Through the internet: out of A's VPC, in to B's public address.
                    let dst = sb.inst.public_ip.map(v4).unwrap_or(0);
                    self.depart(&sa, AddrRef::Fixed(dst), true, &mut stages);
                    let out = self.route_out(&sa, &mut stages);
                    self.route_in(&sb, &mut stages);
                    let src = out.map(v4).unwrap_or(0);
                    src_set = V4Set::single(src);
                    dst_set = V4Set::single(dst);
                    let nat = sa.subnet.route_internet == InternetRoute::Nat;
                    tracked = Some(self.arrive(
                        &sb,
                        AddrRef::Fixed(src),
                        src,
                        true,
                        spec.protocol,
                        &dports,
                        nat,
                        &mut stages,
                    ));
                    self.reply_home(&sa, AddrRef::Fixed(dst), &mut stages);
                }
            }
            (Endpoint::Outside { addrs, .. }, Endpoint::Instance { index: b, .. }) => {
                let sb = self.side(*b)?;
                running(&sb, &mut stages);
                if addrs.v4.is_empty() {
                    stages.push(fixed(
                        Component::Instance,
                        &sb.inst.id,
                        None,
                        false,
                        format!(
                            "{} has no IPv6 address: IPv6 traffic cannot reach it",
                            sb.inst.label()
                        ),
                    ));
                }
                remote_is_src = true;
                src_set = addrs.v4.clone();
                dst_set = V4Set::single(sb.inst.public_ip.map(v4).unwrap_or(0));
                self.route_in(&sb, &mut stages);
                let rep = src_set.first().unwrap_or(0);
                tracked = Some(self.arrive(
                    &sb,
                    AddrRef::Remote,
                    rep,
                    true,
                    spec.protocol,
                    &dports,
                    false,
                    &mut stages,
                ));
            }
            (Endpoint::Instance { index: a, .. }, Endpoint::Outside { addrs, .. }) => {
                let sa = self.side(*a)?;
                running(&sa, &mut stages);
                if addrs.v4.is_empty() {
                    stages.push(fixed(
                        Component::Instance,
                        &sa.inst.id,
                        None,
                        false,
                        format!(
                            "{} has no IPv6 address: it cannot send IPv6 traffic",
                            sa.inst.label()
                        ),
                    ));
                }
                remote_is_src = false;
                dst_set = addrs.v4.clone();
                self.depart(&sa, AddrRef::Remote, true, &mut stages);
                let out = self.route_out(&sa, &mut stages);
                src_set = V4Set::single(out.map(v4).unwrap_or(v4(sa.inst.private_ip)));
                let nat = sa.subnet.route_internet == InternetRoute::Nat;
                let reason = if nat {
                    "flows through a NAT gateway are always tracked: the reply passes the security groups whatever the inbound rules say".to_string()
                } else {
                    "security groups are stateful: the reply to this outbound flow passes whatever the inbound rules say".to_string()
                };
                stages.push(fixed(
                    Component::ConnectionTracking,
                    &sa.inst.eni_id,
                    None,
                    true,
                    reason,
                ));
                self.reply_home(&sa, AddrRef::Remote, &mut stages);
            }
        }
        if !needs_reply {
            stages.retain(|s| !matches!(s, Stage::Rules(r) if r.reply));
        }
        let blocked = stages
            .iter()
            .any(|s| matches!(s, Stage::Fixed(h) if h.verdict == HopVerdict::Deny));
        if blocked {
            needs_reply = needs_reply && !blocked;
        }
        Ok(Path {
            stages,
            src_set,
            dst_set,
            remote_is_src,
            proto,
            dports,
            sports,
            needs_reply,
            tracked,
            blocked,
            from_label,
            to_label,
        })
    }

    /// Whether security groups track a flow arriving at `side` from `src` (FACTS: Connection
    /// tracking): untracked only for TCP/UDP let in by a rule covering all addresses with a
    /// rule in the other direction allowing all addresses on all ports; ICMP and other
    /// protocols always tracked; NAT-gateway flows always tracked.
    fn tracked_at(
        &self,
        side: &Side<'c>,
        src: u32,
        protocol: Protocol,
        dports: &PortSet,
        via_nat: bool,
    ) -> (bool, String) {
        let label = side.inst.label();
        if via_nat {
            return (true, "flows through a NAT gateway are always tracked: the reply passes the security groups whatever the outbound rules say".into());
        }
        if protocol.is_icmp() {
            return (true, format!("ICMP is always tracked: the reply leaves {label} whatever its outbound rules say"));
        }
        if !protocol.has_ports() {
            return (true, format!("protocol {} is tracked by address pair and protocol (600 s): the reply leaves {label} whatever its outbound rules say", protocol.api_name()));
        }
        let groups = &side.inst.security_groups;
        let dport = dports.first().unwrap_or(0);
        let open_in = self.rules_of(groups, false).find(|(_, r)| {
            rule_matches(self, r, src, protocol.number().unwrap_or(0), dport) && covers_everyone(r)
        });
        let all_out = self.rules_of(groups, true).find(|(_, r)| {
            covers_everyone(r)
                && (r.protocol == Protocol::All
                    || (r.protocol == protocol && r.ports == Ports::All))
        });
        match (open_in, all_out) {
            (Some((gi, ri)), Some((go, ro))) => (false, format!(
                "not tracked: {gi} rule {} lets it in from {} and {go} rule {} allows all replies out, so the reply passes by that rule, not by tracking (and the flow stops at once if either rule goes)",
                ri.id, peer_text(&ri.peer), ro.id)),
            _ => (true, format!(
                "security groups are stateful: {label} tracks this flow, so the reply leaves whatever its outbound rules say")),
        }
    }

    /// Every rule of the groups in one direction, with its group id.
    pub(crate) fn rules_of<'g>(
        &'g self,
        groups: &'g [String],
        egress: bool,
    ) -> impl Iterator<Item = (&'g str, &'g SgRule)> + 'g {
        groups
            .iter()
            .filter_map(|g| self.account.group(g))
            .flat_map(move |g| {
                let rules = if egress { &g.egress } else { &g.ingress };
                rules.iter().map(move |r| (g.id.as_str(), r))
            })
    }

    /// The ACL entry that decides a packet (first match by number), or None for `*`.
    pub(crate) fn acl_match<'n>(
        &self,
        acl: &'n NetworkAcl,
        egress: bool,
        addr: u32,
        proto: u8,
        port: u16,
    ) -> Option<&'n AclEntry> {
        let mut entries: Vec<&AclEntry> = acl.direction(egress).collect();
        entries.sort_by_key(|e| e.rule_number);
        entries
            .into_iter()
            .find(|e| acl_entry_matches(e, addr, proto, port))
    }
}

/// Whether an ACL entry matches one packet (its CIDR holds `addr`, its protocol and ports
/// cover the packet's); IPv6 entries never match our IPv4 packets.
pub(crate) fn acl_entry_matches(e: &AclEntry, addr: u32, proto: u8, port: u16) -> bool {
    let IpNet::V4(n) = e.cidr else { return false };
    n.contains(&Ipv4Addr::from(addr)) && super::types::covers(e.protocol, e.ports, proto, port)
}

fn running(s: &Side<'_>, stages: &mut Vec<Stage>) {
    if s.inst.state != InstanceState::Running {
        stages.push(fixed(
            Component::Instance,
            &s.inst.id,
            None,
            false,
            format!(
                "{} is {}: a stopped instance sends and receives nothing",
                s.inst.label(),
                s.inst.state.as_str()
            ),
        ));
    }
}

fn covers_everyone(r: &SgRule) -> bool {
    matches!(&r.peer, Peer::Cidr(n) if n.prefix_len() == 0)
}

pub(crate) fn rule_matches(c: &Compiled<'_>, r: &SgRule, addr: u32, proto: u8, port: u16) -> bool {
    super::types::covers(r.protocol, r.ports, proto, port) && c.peer_contains(&r.peer, addr)
}

pub fn peer_text(p: &Peer) -> String {
    match p {
        Peer::Cidr(n) => n.to_string(),
        Peer::Group(g) => g.clone(),
        Peer::PrefixList(p) => p.clone(),
    }
}

/// `tcp 22`, `udp 1024-65535`, `icmp 8/any`, `all traffic`.
pub fn service_text(protocol: Protocol, ports: Ports) -> String {
    match protocol {
        Protocol::All => "all traffic".into(),
        Protocol::Number(n) => format!("protocol {n}"),
        p => format!("{} {}", p.api_name(), ports.describe(p)),
    }
}

/// A security group rule in the shape of the API's `SecurityGroupRule`.
pub fn sg_rule_json(group_id: &str, egress: bool, r: &SgRule) -> Value {
    let mut v = json!({
        "SecurityGroupRuleId": r.id,
        "GroupId": group_id,
        "IsEgress": egress,
        "IpProtocol": r.protocol.api_name(),
    });
    let (from, to) = r.ports.api_pair(r.protocol).unwrap_or((-1, -1));
    v["FromPort"] = json!(from);
    v["ToPort"] = json!(to);
    match &r.peer {
        Peer::Cidr(IpNet::V4(n)) => v["CidrIpv4"] = json!(n.to_string()),
        Peer::Cidr(IpNet::V6(n)) => v["CidrIpv6"] = json!(n.to_string()),
        Peer::Group(g) => v["ReferencedGroupInfo"] = json!({"GroupId": g}),
        Peer::PrefixList(p) => v["PrefixListId"] = json!(p),
    }
    if let Some(d) = &r.description {
        v["Description"] = json!(d);
    }
    v
}

/// A network ACL entry in the shape of the API's `NetworkAclEntry`; `None` = the `*` rule.
pub fn acl_entry_json(e: Option<&AclEntry>, egress: bool) -> Value {
    match e {
        None => {
            json!({"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": egress, "CidrBlock": "0.0.0.0/0"})
        }
        Some(e) => {
            let mut v = json!({
                "RuleNumber": e.rule_number,
                "Protocol": e.protocol.acl_name(),
                "RuleAction": e.action.as_str(),
                "Egress": e.egress,
            });
            match e.cidr {
                IpNet::V4(n) => v["CidrBlock"] = json!(n.to_string()),
                IpNet::V6(n) => v["Ipv6CidrBlock"] = json!(n.to_string()),
            }
            match (e.protocol, e.ports) {
                (Protocol::Tcp | Protocol::Udp, p) => {
                    let (a, b) = p.api_pair(e.protocol).unwrap_or((0, 65535));
                    v["PortRange"] = json!({"From": a, "To": b});
                }
                (Protocol::Icmp | Protocol::Icmpv6, p) => {
                    let (t, c) = p.api_pair(e.protocol).unwrap_or((-1, -1));
                    v["IcmpTypeCode"] = json!({"Type": t, "Code": c});
                }
                _ => {}
            }
            v
        }
    }
}

pub fn fmt_port(proto: u8, port: u16) -> String {
    match proto {
        1 | 58 => format!("{}/{}", port >> 8, port & 0xFF),
        6 | 17 => port.to_string(),
        _ => "all".into(),
    }
}

/// `tcp 443`, `icmp 8/0`, `protocol 47`: one packet's service, for people.
pub fn packet_service(proto: u8, port: u16) -> String {
    match proto {
        1 | 6 | 17 | 58 => format!("{} {}", proto_name(proto), fmt_port(proto, port)),
        n => format!("protocol {n}"),
    }
}

fn proto_name(proto: u8) -> String {
    Protocol::from_number(proto).api_name()
}

impl Path {
    fn stage_addr(&self, r: &RuleStage, pkt: &Packet) -> u32 {
        match r.addr {
            AddrRef::Fixed(a) => a,
            AddrRef::Remote => {
                if self.remote_is_src {
                    pkt.src
                } else {
                    pkt.dst
                }
            }
        }
    }

    fn stage_port(r: &RuleStage, pkt: &Packet) -> u16 {
        match r.port {
            PortRef::Dst => pkt.dport,
            PortRef::Src => pkt.sport,
        }
    }

    /// One packet against the compiled regions: the fast path, with no trace.
    pub fn decide(&self, pkt: &Packet) -> bool {
        if self.blocked {
            return false;
        }
        self.stages.iter().all(|s| match s {
            Stage::Fixed(_) => true,
            Stage::Rules(r) => r.region.allows(
                self.stage_addr(r, pkt),
                (self.proto as u32) << 16 | Self::stage_port(r, pkt) as u32,
            ),
        })
    }

    /// One packet against routing and the network ACLs only (what applies to every packet,
    /// tracked or not).
    pub fn decide_acls(&self, pkt: &Packet) -> bool {
        !self.blocked
            && self.stages.iter().all(|s| match s {
                Stage::Rules(r) if matches!(r.kind, StageKind::Acl { .. }) => r.region.allows(
                    self.stage_addr(r, pkt),
                    (self.proto as u32) << 16 | Self::stage_port(r, pkt) as u32,
                ),
                _ => true,
            })
    }

    /// For an untracked flow: does the destination's outbound rule set let the reply out?
    pub fn reply_allowed_untracked(&self, c: &Compiled<'_>, pkt: &Packet) -> bool {
        self.stages.iter().all(|s| match s {
            Stage::Rules(r) => match r.kind {
                StageKind::Groups {
                    instance,
                    egress: false,
                } => {
                    let inst = &c.account.instances[instance];
                    c.group_set(&inst.security_groups, true).allows(
                        self.stage_addr(r, pkt),
                        (self.proto as u32) << 16 | pkt.sport as u32,
                    )
                }
                _ => true,
            },
            _ => true,
        })
    }

    /// One packet against the raw rules, hop by hop, stopping at the first deny.
    pub fn trace(&self, c: &Compiled<'_>, pkt: &Packet) -> Vec<Hop> {
        self.trace_with(c, pkt, false)
    }

    /// The trace without the security groups: what routing and the ACLs say of a packet
    /// (for tracked connections, which pass the groups).
    pub fn trace_without_groups(&self, c: &Compiled<'_>, pkt: &Packet) -> Vec<Hop> {
        self.trace_with(c, pkt, true)
    }

    fn trace_with(&self, c: &Compiled<'_>, pkt: &Packet, skip_groups: bool) -> Vec<Hop> {
        let acct = c.account;
        let mut hops = Vec::new();
        let proto = self.proto;
        for s in &self.stages {
            if skip_groups
                && matches!(
                    s,
                    Stage::Rules(RuleStage {
                        kind: StageKind::Groups { .. },
                        ..
                    })
                )
            {
                continue;
            }
            let hop = match s {
                Stage::Fixed(h) => h.clone(),
                Stage::Rules(r) => {
                    let addr = Ipv4Addr::from(self.stage_addr(r, pkt));
                    let port = Self::stage_port(r, pkt);
                    let svc = packet_service(proto, port);
                    match &r.kind {
                        StageKind::Groups { instance, egress } => {
                            let inst = &acct.instances[*instance];
                            let dir = if *egress {
                                Direction::Egress
                            } else {
                                Direction::Ingress
                            };
                            let (toward, verb) = if *egress {
                                ("to", "out")
                            } else {
                                ("from", "in")
                            };
                            let found =
                                c.rules_of(&inst.security_groups, *egress)
                                    .find(|(_, rule)| {
                                        rule_matches(c, rule, u32::from(addr), proto, port)
                                    });
                            match found {
                                Some((g, rule)) => Hop {
                                    component: Component::SecurityGroup,
                                    id: g.to_string(),
                                    direction: Some(dir),
                                    verdict: HopVerdict::Allow,
                                    rule: Some(sg_rule_json(g, *egress, rule)),
                                    reply: false,
                                    instance: Some(inst.id.clone()),
                                    reason: format!(
                                        "{} rule {} allows {} {toward} {}{}",
                                        acct.group_label(g),
                                        rule.id,
                                        service_text(rule.protocol, rule.ports),
                                        peer_text(&rule.peer),
                                        match &rule.peer {
                                            Peer::Group(_) => format!(
                                                " (its members' private addresses include {addr})"
                                            ),
                                            _ => String::new(),
                                        }
                                    ),
                                },
                                None => {
                                    let names: Vec<String> = inst
                                        .security_groups
                                        .iter()
                                        .map(|g| acct.group_label(g))
                                        .collect();
                                    Hop {
                                        component: Component::SecurityGroup,
                                        id: inst.security_groups.join(","),
                                        direction: Some(dir),
                                        verdict: HopVerdict::Deny,
                                        rule: None,
                                        reply: false,
                                        instance: Some(inst.id.clone()),
                                        reason: format!(
                                            "no rule of {} lets {svc} {verb} {toward} {addr}: security groups only allow, and deny whatever no rule allows",
                                            if names.is_empty() { "its (no) groups".to_string() } else { names.join(", ") }),
                                    }
                                }
                            }
                        }
                        StageKind::Acl {
                            acl,
                            subnet,
                            egress,
                        } => {
                            let dir = if *egress {
                                Direction::Egress
                            } else {
                                Direction::Ingress
                            };
                            let toward = if *egress { "to" } else { "from" };
                            let Some(nacl) = acct.acl(acl) else {
                                hops.push(Hop {
                                    component: Component::NetworkAcl,
                                    id: acl.clone(),
                                    direction: Some(dir),
                                    verdict: HopVerdict::Deny,
                                    rule: None,
                                    reason: format!("network ACL {acl} does not exist"),
                                    reply: r.reply,
                                    instance: None,
                                });
                                break;
                            };
                            let m = c.acl_match(nacl, *egress, u32::from(addr), proto, port);
                            let allow = m.is_some_and(|e| e.action == RuleAction::Allow);
                            let what = if r.reply {
                                let what = match proto {
                                    6 | 17 => format!("the reply ({svc}, the client's port)"),
                                    1 | 58 => format!("the echo reply ({svc})"),
                                    _ => format!("the reply ({svc})"),
                                };
                                format!(
                                    "{what} {} subnet {subnet} {toward} {addr}",
                                    if *egress { "leaving" } else { "entering" }
                                )
                            } else {
                                format!(
                                    "{svc} {} subnet {subnet} {toward} {addr}",
                                    if *egress { "leaving" } else { "entering" }
                                )
                            };
                            let reason = match m {
                                Some(e) => format!(
                                    "{what}: rule {} {} {} {toward} {} (first match by rule number)",
                                    e.rule_number, if e.action == RuleAction::Allow { "allows" } else { "denies" },
                                    service_text(e.protocol, e.ports), e.cidr),
                                None => format!(
                                    "{what}: no numbered rule matches, so rule * denies{}",
                                    if r.reply { " — network ACLs are stateless: replies need their own allow rule" } else { "" }),
                            };
                            Hop {
                                component: Component::NetworkAcl,
                                id: acl.clone(),
                                direction: Some(dir),
                                verdict: if allow {
                                    HopVerdict::Allow
                                } else {
                                    HopVerdict::Deny
                                },
                                rule: Some(acl_entry_json(m, *egress)),
                                reason,
                                reply: r.reply,
                                instance: None,
                            }
                        }
                    }
                }
            };
            let deny = hop.verdict == HopVerdict::Deny;
            hops.push(hop);
            if deny {
                break;
            }
        }
        hops
    }

    /// Pieces of the remote address set on which every stage is uniform.
    fn pieces(&self) -> Vec<(u32, u32)> {
        let remote = if self.remote_is_src {
            &self.src_set
        } else {
            &self.dst_set
        };
        let mut bounds: Vec<u32> = Vec::new();
        for s in &self.stages {
            if let Stage::Rules(r) = s {
                if r.addr == AddrRef::Remote {
                    for p in r.region.pieces() {
                        bounds.push(p.0);
                        if p.1 < u32::MAX {
                            bounds.push(p.1 + 1);
                        }
                    }
                }
            }
        }
        let mut out = Vec::new();
        for &(lo, hi) in remote.ranges() {
            let mut cuts: Vec<u32> = bounds
                .iter()
                .copied()
                .filter(|&b| b > lo && b <= hi)
                .collect();
            cuts.sort_unstable();
            cuts.dedup();
            let mut start = lo;
            for c in cuts {
                out.push((start, c - 1));
                start = c;
            }
            out.push((start, hi));
        }
        out
    }

    /// The request ports and reply ports that pass for one remote address.
    fn ok_sets(&self, addr: u32) -> (PortSet, PortSet) {
        let mut d = self.dports.clone();
        let mut s = self.sports.clone();
        for st in &self.stages {
            if let Stage::Rules(r) = st {
                let a = match r.addr {
                    AddrRef::Fixed(a) => a,
                    AddrRef::Remote => addr,
                };
                let ok = r
                    .region
                    .lookup(a)
                    .map(|svc| ports_of(svc, self.proto))
                    .unwrap_or_default();
                match r.port {
                    PortRef::Dst => d = d.intersection(&ok),
                    PortRef::Src => s = s.intersection(&ok),
                }
            }
        }
        (d, s)
    }

    /// A readable address from a range of remote addresses: a documentation address when the
    /// range has one (203.0.113.10, 198.51.100.10, 192.0.2.10), else the first host address.
    fn nice(lo: u32, hi: u32) -> u32 {
        for doc in PREFERRED {
            if lo <= *doc && *doc <= hi {
                return *doc;
            }
        }
        if lo & 0xFF == 0 && hi > lo {
            lo + 1
        } else {
            lo
        }
    }

    /// Rank of a range for examples: ranges holding a documentation address first.
    fn rank(lo: u32, hi: u32) -> usize {
        PREFERRED
            .iter()
            .position(|d| lo <= *d && *d <= hi)
            .unwrap_or(PREFERRED.len())
    }

    fn packet(&self, remote: u32, sport: u16, dport: u16) -> Packet {
        let (src, dst) = if self.remote_is_src {
            (remote, self.dst_set.first().unwrap_or(0))
        } else {
            (self.src_set.first().unwrap_or(0), remote)
        };
        Packet {
            src,
            dst,
            proto: self.proto,
            sport,
            dport,
        }
    }
}

/// Documentation addresses (RFC 5737), preferred in examples.
const PREFERRED: &[u32] = &[0xCB00_710A, 0xC633_640A, 0xC000_020A];

/// Evaluates a flow over all its sources and ports.
pub fn evaluate(c: &Compiled<'_>, spec: &FlowSpec) -> Result<FlowResult, FlowError> {
    let path = c.path(spec)?;
    Ok(evaluate_path(c, &path))
}

pub fn evaluate_path(c: &Compiled<'_>, path: &Path) -> FlowResult {
    let first_d = path.dports.first().unwrap_or(0);
    let first_s = path.sports.first().unwrap_or(0);
    let remote_set = if path.remote_is_src {
        &path.src_set
    } else {
        &path.dst_set
    };
    let first_r = remote_set
        .ranges()
        .iter()
        .min_by_key(|&&(lo, hi)| Path::rank(lo, hi))
        .map(|&(lo, hi)| Path::nice(lo, hi))
        .unwrap_or(0);
    if path.blocked || remote_set.is_empty() {
        let pkt = path.packet(first_r, first_s, first_d);
        let hops = path.trace(c, &pkt);
        let summary = hops
            .iter()
            .find(|h| h.verdict == HopVerdict::Deny)
            .map(|h| h.reason.clone())
            .unwrap_or_else(|| "nothing to evaluate".into());
        return FlowResult {
            verdict: Verdict::Deny,
            hops,
            example: Some(example(path, &pkt)),
            summary,
            tracked: path.tracked,
            packet: pkt,
            passing: None,
        };
    }
    let mut any_ok = false;
    let mut fail: Option<Packet> = None;
    let mut fail_rank = usize::MAX;
    let mut pass: Option<Packet> = None;
    let mut pass_rank = usize::MAX;
    let mut denied_addrs = V4Set::empty();
    for (lo, hi) in path.pieces() {
        let (d, s) = path.ok_sets(lo);
        let full = d == path.dports && s == path.sports;
        if !d.is_empty() && !s.is_empty() {
            any_ok = true;
            if pass.is_none() || Path::rank(lo, hi) < pass_rank {
                pass_rank = Path::rank(lo, hi);
                pass = Some(path.packet(
                    Path::nice(lo, hi),
                    s.first().unwrap_or(first_s),
                    d.first().unwrap_or(first_d),
                ));
            }
        }
        if !full {
            denied_addrs = denied_addrs.union(&IntervalSet::range(lo, hi));
            if fail.is_none() || Path::rank(lo, hi) < fail_rank {
                fail_rank = Path::rank(lo, hi);
                let dport = path.dports.difference(&d).first().unwrap_or(first_d);
                let sport = if d != path.dports {
                    s.first().unwrap_or(first_s)
                } else {
                    path.sports.difference(&s).first().unwrap_or(first_s)
                };
                fail = Some(path.packet(Path::nice(lo, hi), sport, dport));
            }
        }
        if any_ok && fail.is_some() {
            // Keep scanning only to collect the denied addresses for the summary.
        }
    }
    match fail {
        None => {
            let pkt = path.packet(first_r, first_s, first_d);
            let hops = path.trace(c, &pkt);
            FlowResult {
                verdict: Verdict::Allow,
                summary: if path.needs_reply {
                    format!(
                        "{} reaches {} and the replies come back",
                        path.from_label, path.to_label
                    )
                } else {
                    format!(
                        "{} reaches {} (this ICMP type expects no reply)",
                        path.from_label, path.to_label
                    )
                },
                hops,
                example: None,
                tracked: path.tracked,
                packet: pkt,
                passing: None,
            }
        }
        Some(pkt) => {
            let hops = path.trace(c, &pkt);
            let verdict = if any_ok {
                Verdict::Partial
            } else {
                Verdict::Deny
            };
            let stop = hops
                .iter()
                .find(|h| h.verdict == HopVerdict::Deny)
                .map(|h| h.reason.clone())
                .unwrap_or_default();
            let summary = match verdict {
                Verdict::Partial => format!(
                    "only part of the flow gets through; for example {}: {stop}",
                    describe_packet(&pkt)
                ),
                _ => stop,
            };
            FlowResult {
                verdict,
                hops,
                example: Some(example(path, &pkt)),
                summary,
                tracked: path.tracked,
                packet: pkt,
                passing: pass
                    .filter(|_| verdict == Verdict::Partial)
                    .map(|p| (describe_packet(&p), path.trace(c, &p))),
            }
        }
    }
}

/// `from 203.0.113.10 port 40000 to tcp 22` (ports only where the protocol has them).
pub fn describe_packet(pkt: &Packet) -> String {
    match pkt.proto {
        6 | 17 => format!(
            "from {} port {} to {}",
            Ipv4Addr::from(pkt.src),
            pkt.sport,
            packet_service(pkt.proto, pkt.dport)
        ),
        _ => format!(
            "from {} to {}",
            Ipv4Addr::from(pkt.src),
            packet_service(pkt.proto, pkt.dport)
        ),
    }
}

fn example(path: &Path, pkt: &Packet) -> Example {
    Example {
        source: Ipv4Addr::from(pkt.src).to_string(),
        port: fmt_port(path.proto, pkt.dport),
        src_port: pkt.sport,
    }
}
