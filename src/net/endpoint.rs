//! Naming the ends of a flow: an instance (Name or id), a host declared by the scenario,
//! `internet`, or a literal IPv4/IPv6 address or CIDR (SPEC §4).

use super::flow::Endpoint;
use super::types::{parse_cidr, v4_range, AddrSet, V4Set};
use crate::model::Account;
use crate::suggest;
use ipnet::IpNet;
use std::net::IpAddr;

/// Finds an instance by Name tag or id.
pub fn find_instance(acct: &Account, name: &str) -> Option<usize> {
    acct.instances
        .iter()
        .position(|i| i.id == name)
        .or_else(|| {
            acct.instances
                .iter()
                .position(|i| i.name.as_deref() == Some(name))
        })
}

fn known_names(acct: &Account) -> Vec<String> {
    let mut v: Vec<String> = acct
        .instances
        .iter()
        .map(|i| i.label().to_string())
        .collect();
    v.extend(acct.hosts.iter().map(|h| h.name.clone()));
    v.push("internet".into());
    v
}

/// Resolves the text of `--from`/`--to` (or a goal's `from`/`to`).
pub fn resolve_endpoint(acct: &Account, text: &str) -> Result<Endpoint, String> {
    let t = text.trim();
    if t == "internet" {
        return Ok(Endpoint::Outside {
            label: "internet".into(),
            addrs: AddrSet::internet(),
            os: None,
        });
    }
    if let Some(index) = find_instance(acct, t) {
        return Ok(Endpoint::Instance {
            index,
            public: false,
        });
    }
    if let Some(h) = acct.hosts.iter().find(|h| h.name == t) {
        return Ok(Endpoint::Outside {
            label: h.name.clone(),
            addrs: AddrSet::from_net(h.cidr),
            os: h.os,
        });
    }
    if t.contains('.') || t.contains(':') {
        let net = parse_cidr(t)
            .map_err(|_| format!("'{t}' is neither a name nor an IPv4/IPv6 address or CIDR"))?;
        if let IpNet::V4(n) = net {
            if n.prefix_len() == 32 {
                let a = n.addr();
                if let Some(index) = acct.instances.iter().position(|i| i.private_ip == a) {
                    return Ok(Endpoint::Instance {
                        index,
                        public: false,
                    });
                }
                if let Some(index) = acct.instances.iter().position(|i| i.public_ip == Some(a)) {
                    return Ok(Endpoint::Instance {
                        index,
                        public: true,
                    });
                }
            }
            if let Some(v) = acct
                .vpcs
                .iter()
                .find(|v| v.cidr.contains(&n.network()) || n.contains(&v.cidr.network()))
            {
                return Err(format!(
                    "{t} lies inside {} ({}) but is no instance's address: name an instance instead",
                    v.name.clone().unwrap_or_else(|| v.id.clone()),
                    v.cidr
                ));
            }
        }
        return Ok(Endpoint::Outside {
            label: net.to_string(),
            addrs: AddrSet::from_net(net),
            os: None,
        });
    }
    let known = known_names(acct);
    Err(format!(
        "unknown endpoint '{t}' (an instance, a host, internet, or an address){}",
        suggest::hint(t, known.iter().map(|s| s.as_str()))
    ))
}

/// The IPv4 addresses an `allow_only` source stands for, seen from `target`: a security
/// group of the target's VPC (its members' private addresses), an instance, a host,
/// `internet`, or a CIDR. Groups come first, so `from: bastion` means the group where both
/// a group and an instance have that name.
pub fn resolve_source(acct: &Account, target: &str, text: &str) -> Result<V4Set, String> {
    let t = text.trim();
    let vpc = find_instance(acct, target).map(|i| acct.instances[i].vpc_id.clone());
    let group = acct
        .security_groups
        .iter()
        .find(|g| (g.id == t || g.name == t) && vpc.as_deref().is_none_or(|v| v == g.vpc_id));
    if let Some(g) = group {
        let mut s = V4Set::empty();
        for i in &acct.instances {
            if i.security_groups.contains(&g.id) {
                s = s.union(&V4Set::single(u32::from(i.private_ip)));
            }
        }
        return Ok(s);
    }
    if let Some(i) = find_instance(acct, t) {
        let inst = &acct.instances[i];
        let mut s = V4Set::single(u32::from(inst.private_ip));
        if let Some(p) = inst.public_ip {
            s = s.union(&V4Set::single(u32::from(p)));
        }
        return Ok(s);
    }
    match resolve_endpoint(acct, t) {
        Ok(Endpoint::Outside { addrs, .. }) => Ok(addrs.v4),
        Ok(Endpoint::Instance { index, public }) => {
            let inst = &acct.instances[index];
            let a = if public {
                inst.public_ip.unwrap_or(inst.private_ip)
            } else {
                inst.private_ip
            };
            Ok(V4Set::single(u32::from(a)))
        }
        Err(_) => {
            if let Ok(IpNet::V4(n)) = parse_cidr(t) {
                return Ok(v4_range(n));
            }
            let mut known = known_names(acct);
            known.extend(acct.security_groups.iter().map(|g| g.name.clone()));
            Err(format!(
                "unknown source '{t}' (a security group, an instance, a host, internet, or a CIDR){}",
                suggest::hint(t, known.iter().map(|s| s.as_str()))
            ))
        }
    }
}

/// The address of one end for a single connection: an instance's address as the flow uses
/// it, or the first address of a host or CIDR.
pub fn single_address(acct: &Account, e: &Endpoint) -> Option<IpAddr> {
    match e {
        Endpoint::Instance { index, public } => {
            let i = &acct.instances[*index];
            if *public {
                i.public_ip.map(IpAddr::V4)
            } else {
                Some(IpAddr::V4(i.private_ip))
            }
        }
        Endpoint::Outside { addrs, .. } => addrs.first(),
    }
}
