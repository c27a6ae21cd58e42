//! Exposure: the full set of (source address × protocol × port) whose requests reach an
//! instance, and least-privilege comparison against an allowed set.
//!
//! Requests from the instance's own subnet meet only its security groups; from elsewhere in
//! the VPC also the subnet's inbound ACL; from outside the VPC also routing (a public address
//! and an internet-gateway route), the inbound ACL and the groups.

use super::compile::{Compiled, V4Region};
use super::flow::{peer_text, service_text};
use super::region::Region;
use super::types::{service_set, v4_range, v4_range_to_cidrs, Ports, Protocol, ServiceSet, V4Set};
use crate::model::{InstanceState, InternetRoute};

/// What reaches instance `index`.
pub fn exposure(c: &Compiled<'_>, index: usize) -> V4Region {
    let acct = c.account;
    let inst = &acct.instances[index];
    if inst.state != InstanceState::Running {
        return V4Region::empty();
    }
    let Some(subnet) = acct.subnet(&inst.subnet_id) else {
        return V4Region::empty();
    };
    let Some(vpc) = acct.vpc(&inst.vpc_id) else {
        return V4Region::empty();
    };
    let groups = c.group_set(&inst.security_groups, false);
    let acl_in = c
        .acl(&subnet.network_acl_id, false)
        .cloned()
        .unwrap_or_default();
    let own = v4_range(subnet.cidr);
    let vpc_set = v4_range(vpc.cidr);
    let mut out = groups.restrict(&own);
    let through_acl = groups.intersection(&acl_in);
    out = out.union(&through_acl.restrict(&vpc_set.difference(&own)));
    let public = inst.public_ip.is_some()
        && subnet.route_internet == InternetRoute::Igw
        && acct.igw_of(&vpc.id).is_some();
    if public {
        out = out.union(&through_acl.restrict(&vpc_set.complement()));
    }
    out
}

/// One allowed entry of an `allow_only` list, resolved.
pub struct Allowed {
    pub addrs: V4Set,
    pub protocol: Protocol,
    pub ports: Ports,
}

/// The result of a least-privilege comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct ExposureCheck {
    pub met: bool,
    /// One sentence per rule that grants more than allowed.
    pub excess: Vec<String>,
}

/// Compares what reaches `index` with what is allowed; names the rules that grant the excess.
pub fn check(c: &Compiled<'_>, index: usize, allowed: &[Allowed]) -> ExposureCheck {
    let exposed = exposure(c, index);
    let boxes: Vec<(V4Set, ServiceSet)> = allowed
        .iter()
        .map(|a| (a.addrs.clone(), service_set(a.protocol, a.ports)))
        .collect();
    let allowed_region = Region::from_boxes(boxes.iter().map(|(a, s)| (a, s)));
    let excess = exposed.difference(&allowed_region);
    if excess.is_empty() {
        return ExposureCheck {
            met: true,
            excess: vec![],
        };
    }
    let acct = c.account;
    let inst = &acct.instances[index];
    let own = acct
        .subnet(&inst.subnet_id)
        .map(|s| v4_range(s.cidr))
        .unwrap_or_default();
    let mut out = Vec::new();
    for gid in &inst.security_groups {
        let Some(g) = acct.group(gid) else { continue };
        for r in &g.ingress {
            let addrs = c.peer_addrs(&r.peer);
            let svc = service_set(r.protocol, r.ports);
            let rule_region = Region::from_boxes([(&addrs, &svc)]);
            let extra = rule_region.intersection(&excess);
            if extra.is_empty() {
                continue;
            }
            let peer = match &r.peer {
                crate::model::Peer::Group(id) => format!("group {}", acct.group_label(id)),
                p => peer_text(p),
            };
            let reached = rule_region.intersection(&exposed).domain();
            let mut line = format!(
                "also allows {} from {peer} via {} rule {}",
                service_text(r.protocol, r.ports),
                acct.group_label(&g.id),
                r.id
            );
            let cidrs = |set: &V4Set| -> String {
                let list: Vec<String> = set
                    .ranges()
                    .iter()
                    .flat_map(|&(lo, hi)| v4_range_to_cidrs(lo, hi, 3))
                    .take(4)
                    .collect();
                list.join(", ")
            };
            if reached != addrs {
                // A network ACL or routing narrows what actually gets in: say how.
                let missing = addrs.difference(&reached);
                if missing.ranges().len() <= reached.ranges().len() {
                    line.push_str(&format!(
                        " (all but {}, which a network ACL or routing stops)",
                        cidrs(&missing)
                    ));
                } else {
                    line.push_str(&format!(" (only {} actually get in)", cidrs(&reached)));
                }
            }
            let reached = extra.domain();
            if reached.is_subset(&own) {
                line.push_str(" — from inside its own subnet, where no network ACL filters");
            }
            out.push(line);
        }
    }
    if out.is_empty() {
        out.push("more reaches it than allowed".into());
    }
    ExposureCheck {
        met: false,
        excess: out,
    }
}
