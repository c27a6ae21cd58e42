//! Connection tracking (FACTS: Connection tracking): connections between single addresses,
//! whether security groups track them, idle timeouts on a simulated clock, and whether each
//! is still alive after rules change or time passes.
//!
//! A tracked connection keeps passing the security groups until it has been idle past its
//! timeout, and after that only if the current rules would let it in anew. An untracked one
//! passes only while the current rules allow it, both ways. Network ACLs and routing are
//! checked on every packet, tracked or not. A connection once dropped stays dropped.

use super::compile::Compiled;
use super::endpoint::{resolve_endpoint, single_address};
use super::flow::{FlowSpec, HopVerdict, Packet};
use super::types::{ephemeral_ports, Ports, Protocol};
use serde::Serialize;
use std::net::IpAddr;

/// Idle timeouts in seconds (FACTS; API_ConnectionTrackingSpecificationResponse):
/// TCP established 432,000; UDP 30; other protocols 600.
/// ICMP: AWS documents no separate timeout — UNCONFIRMED: we use the UDP 30 s.
pub fn idle_timeout(protocol: Protocol) -> u64 {
    match protocol {
        Protocol::Tcp => 432_000,
        Protocol::Udp => 30,
        Protocol::Icmp | Protocol::Icmpv6 => 30,
        _ => 600,
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "lowercase", tag = "state")]
pub enum ConnState {
    Alive,
    Dropped { at: u64, reason: String },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Connection {
    pub id: String,
    pub from: String,
    pub to: String,
    pub protocol: Protocol,
    #[serde(skip)]
    pub ports: Ports,
    pub port: String,
    pub src_addr: String,
    pub src_port: u16,
    pub dst_addr: String,
    pub tracked: bool,
    /// Traffic flows all the time: idle time never builds up.
    pub keepalive: bool,
    pub opened_at: u64,
    pub last_active: u64,
    pub timeout: u64,
    #[serde(flatten)]
    pub state: ConnState,
}

impl Connection {
    pub fn alive(&self) -> bool {
        self.state == ConnState::Alive
    }
}

fn spec(
    c: &Compiled<'_>,
    from: &str,
    to: &str,
    protocol: Protocol,
    ports: Ports,
    sport: Option<u16>,
) -> Result<FlowSpec, String> {
    let from = resolve_endpoint(c.account, from)?;
    let to = resolve_endpoint(c.account, to)?;
    Ok(FlowSpec {
        from,
        to,
        protocol,
        ports,
        src_ports: sport.map(|p| (p, p)),
    })
}

fn packet_of(c: &Compiled<'_>, s: &FlowSpec, path: &super::flow::Path, sport: u16) -> Packet {
    let src = match &s.from {
        super::flow::Endpoint::Instance { .. } => path.src_set.first().unwrap_or(0),
        e => match single_address(c.account, e) {
            Some(IpAddr::V4(a)) => u32::from(a),
            _ => 0,
        },
    };
    let dst = match &s.to {
        super::flow::Endpoint::Instance { .. } => path.dst_set.first().unwrap_or(0),
        e => match single_address(c.account, e) {
            Some(IpAddr::V4(a)) => u32::from(a),
            _ => 0,
        },
    };
    Packet {
        src,
        dst,
        proto: path.proto,
        sport,
        dport: path.dports.first().unwrap_or(0),
    }
}

/// Picks the client port: `pick` chooses an offset in the client's ephemeral range (the
/// caller draws it from the seeded RNG).
pub fn client_port(c: &Compiled<'_>, from: &str, protocol: Protocol, pick: u64) -> u16 {
    if !protocol.has_ports() {
        return 0;
    }
    let os = match resolve_endpoint(c.account, from) {
        Ok(super::flow::Endpoint::Instance { index, .. }) => {
            Some(c.account.instances[index].platform)
        }
        Ok(super::flow::Endpoint::Outside { os, .. }) => os,
        Err(_) => None,
    };
    let (lo, hi) = ephemeral_ports(os);
    lo + (pick % (hi as u64 - lo as u64 + 1)) as u16
}

/// Opens a connection at time `now`; fails with the blocking hop's reason when the flow is
/// not allowed.
#[allow(clippy::too_many_arguments)]
pub fn open(
    c: &Compiled<'_>,
    id: &str,
    from: &str,
    to: &str,
    protocol: Protocol,
    ports: Ports,
    sport: u16,
    now: u64,
) -> Result<Connection, String> {
    let s = spec(c, from, to, protocol, ports, Some(sport))?;
    let path = c.path(&s).map_err(|e| e.to_string())?;
    let pkt = packet_of(c, &s, &path, sport);
    if !path.decide(&pkt) {
        let hops = path.trace(c, &pkt);
        let why = hops
            .iter()
            .find(|h| h.verdict == HopVerdict::Deny)
            .map(|h| h.reason.clone())
            .unwrap_or_else(|| "denied".into());
        return Err(format!(
            "connection from {from} to {to} cannot be opened: {why}"
        ));
    }
    let src = std::net::Ipv4Addr::from(pkt.src).to_string();
    let dst = std::net::Ipv4Addr::from(pkt.dst).to_string();
    Ok(Connection {
        id: id.to_string(),
        from: from.to_string(),
        to: to.to_string(),
        protocol,
        ports,
        port: ports.describe(protocol),
        src_addr: src,
        src_port: sport,
        dst_addr: dst,
        tracked: path.tracked.unwrap_or(true),
        keepalive: false,
        opened_at: now,
        last_active: now,
        timeout: idle_timeout(protocol),
        state: ConnState::Alive,
    })
}

/// Re-evaluates a live connection at time `now` against the current account. Returns the
/// connection as it is now (dropped with a reason, or alive — re-tracked if its entry had
/// expired but the rules let it in anew).
pub fn refresh(c: &Compiled<'_>, conn: &Connection, now: u64) -> Connection {
    let mut out = conn.clone();
    if !conn.alive() {
        return out;
    }
    let drop = |out: &mut Connection, reason: String| {
        out.state = ConnState::Dropped { at: now, reason };
    };
    let s = match spec(
        c,
        &conn.from,
        &conn.to,
        conn.protocol,
        conn.ports,
        Some(conn.src_port),
    ) {
        Ok(s) => s,
        Err(e) => {
            drop(&mut out, e);
            return out;
        }
    };
    let path = match c.path(&s) {
        Ok(p) => p,
        Err(e) => {
            drop(&mut out, e.to_string());
            return out;
        }
    };
    let pkt = packet_of(c, &s, &path, conn.src_port);
    let idle = if conn.keepalive {
        0
    } else {
        now.saturating_sub(conn.last_active)
    };
    let fresh = conn.tracked && idle <= conn.timeout;
    let hops = path.trace(c, &pkt);
    for h in &hops {
        if h.verdict != HopVerdict::Deny {
            continue;
        }
        let sg = h.component == super::flow::Component::SecurityGroup;
        if sg && fresh {
            // A tracked connection passes the groups whatever the rules now say.
            continue;
        }
        let why = if sg && conn.tracked {
            format!("idle {idle} s, past the {} s tracking timeout, and the rules no longer let it in: {}", conn.timeout, h.reason)
        } else if sg {
            format!("untracked, so the rule change cut it at once: {}", h.reason)
        } else {
            format!(
                "{} (network ACLs and routing are checked on every packet, tracked or not)",
                h.reason
            )
        };
        drop(&mut out, why);
        return out;
    }
    // The trace stops at the first deny; when a group denied a fresh tracked flow, the hops
    // after it were not checked: check the ACL stages with the fast path minus the groups.
    if hops.iter().any(|h| h.verdict == HopVerdict::Deny) && !path.decide_acls(&pkt) {
        let why = path
            .trace_without_groups(c, &pkt)
            .into_iter()
            .find(|h| h.verdict == HopVerdict::Deny)
            .map(|h| h.reason)
            .unwrap_or_else(|| "a network ACL now denies it".into());
        drop(
            &mut out,
            format!("{why} (network ACLs are checked on every packet, tracked or not)"),
        );
        return out;
    }
    if !conn.tracked && !path.reply_allowed_untracked(c, &pkt) {
        drop(
            &mut out,
            "untracked, and no outbound rule allows the reply any more".into(),
        );
        return out;
    }
    if conn.keepalive || (conn.tracked && idle > conn.timeout) {
        // Active traffic, or an expired entry the rules let in anew: tracked again from now.
        out.last_active = now;
    }
    out
}
