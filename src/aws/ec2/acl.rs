//! Network ACL commands: describe, create and delete ACLs; create, replace and delete
//! entries; replace a subnet's association.
//!
//! Shapes: API_NetworkAcl.html, API_NetworkAclEntry.html (keys in model order). The entry
//! commands and delete-network-acl return nothing; the CLI prints nothing for them (`{}`).
//! FACTS: rules 1–32766, 20 per direction per family, entries are replaced, not modified; a
//! new ACL denies everything and has no subnets; one ACL per subnet.

use super::super::args::{fields, int_member, Args};
use super::super::filters::{self, Filter};
use super::super::perm::reorder;
use super::super::{AwsError, Ctx};
use super::{check_id, name_tags, not_found};
use crate::model::{AclEntry, NetworkAcl, RuleAction};
use crate::net::flow::acl_entry_json;
use crate::net::types::{parse_cidr, Ports, Protocol};
use ipnet::IpNet;
use serde_json::{json, Value};

/// FACTS: 20 entries per direction (IPv4 and IPv6 apart).
pub const ENTRIES_PER_DIRECTION: usize = 20;
/// FACTS: 200 network ACLs per VPC.
pub const ACLS_PER_VPC: usize = 200;

/// `NetworkAclEntry` members in model order.
const ENTRY_ORDER: &[&str] = &[
    "CidrBlock",
    "Egress",
    "IcmpTypeCode",
    "Ipv6CidrBlock",
    "PortRange",
    "Protocol",
    "RuleAction",
    "RuleNumber",
];

fn existing_acl<'a>(
    ctx: &'a Ctx<'_>,
    args: &Args<'_>,
    id: &str,
) -> Result<&'a NetworkAcl, AwsError> {
    check_id(args, "acl", "InvalidNetworkAclID", id)?;
    ctx.account
        .acl(id)
        .ok_or_else(|| not_found(args, "InvalidNetworkAclID", "networkAcl", id))
}

/// The rule number, checked against 1–32766 (FACTS). UNCONFIRMED message wording.
fn rule_number(args: &Args<'_>) -> Result<u16, AwsError> {
    let n = args.int("rule-number")?.unwrap_or(0);
    if (1..=32766).contains(&n) {
        Ok(n as u16)
    } else {
        Err(args.err(
            "InvalidParameterValue",
            format!("Value ({n}) for parameter ruleNumber is invalid. Rule number must be between 1 and 32766."),
        ))
    }
}

/// The entry the flags describe. The CLI turns tcp/udp/icmp/all into 6/17/1/-1
/// (awscli/customizations/ec2/protocolarg.py).
fn entry_from_args(args: &Args<'_>) -> Result<AclEntry, AwsError> {
    let rule_number = rule_number(args)?;
    let proto_text = args.str("protocol").unwrap_or_default();
    let protocol = Protocol::parse(proto_text).map_err(|_| {
        args.err(
            "InvalidParameterValue",
            format!("Invalid value '{proto_text}' for protocol. Specify a protocol number, or -1 for all protocols."),
        )
    })?;
    let action = match args.str("rule-action").unwrap_or_default() {
        "allow" => RuleAction::Allow,
        "deny" => RuleAction::Deny,
        other => {
            return Err(args.err(
                "InvalidParameterValue",
                format!(
                "Value ({other}) for parameter ruleAction is invalid. Valid values: allow, deny."
            ),
            ))
        }
    };
    let egress = args.bool("egress").unwrap_or(false);
    let cidr = match (args.str("cidr-block"), args.str("ipv6-cidr-block")) {
        (Some(_), Some(_)) => {
            return Err(args.err(
                "InvalidParameterCombination",
                "Only one of cidrBlock or ipv6CidrBlock may be specified",
            ))
        }
        (None, None) => {
            return Err(args.err(
                "MissingParameter",
                "The request must contain the parameter cidrBlock or ipv6CidrBlock",
            ))
        }
        (Some(c), None) => acl_cidr(args, c, false)?,
        (None, Some(c)) => acl_cidr(args, c, true)?,
    };
    let ports = match protocol {
        Protocol::Tcp | Protocol::Udp => {
            let Some(v) = args.structure("port-range")? else {
                return Err(args.err(
                    "MissingParameter",
                    "The request must contain the parameter portRange",
                ));
            };
            let f = fields(&v, "PortRange", &["From", "To"])?;
            let from = int_member(f, "From", "PortRange")?.unwrap_or(-1);
            let to = int_member(f, "To", "PortRange")?.unwrap_or(-1);
            if from == -1 && to == -1 {
                return Err(args.err("InvalidParameterValue", "TCP/UDP port (-1) out of range"));
            }
            Ports::from_api(protocol, from, to).map_err(|m| args.err("InvalidParameterValue", m))?
        }
        Protocol::Icmp | Protocol::Icmpv6 => match args.structure("icmp-type-code")? {
            None if protocol == Protocol::Icmpv6 => Ports::All,
            None => {
                return Err(args.err(
                    "MissingParameter",
                    "The request must contain the parameter icmpTypeCode",
                ))
            }
            Some(v) => {
                let f = fields(&v, "IcmpTypeCode", &["Code", "Type"])?;
                let ty = int_member(f, "Type", "IcmpTypeCode")?.unwrap_or(-1);
                let code = int_member(f, "Code", "IcmpTypeCode")?.unwrap_or(-1);
                Ports::from_api(protocol, ty, code)
                    .map_err(|m| args.err("InvalidParameterValue", m))?
            }
        },
        Protocol::All | Protocol::Number(_) => Ports::All,
    };
    Ok(AclEntry {
        rule_number,
        egress,
        action,
        protocol,
        ports,
        cidr,
    })
}

fn acl_cidr(args: &Args<'_>, text: &str, v6: bool) -> Result<IpNet, AwsError> {
    let bad = || {
        args.err(
            "InvalidParameterValue",
            format!("CIDR block {} is malformed", text.trim()),
        )
    };
    if !text.contains('/') {
        return Err(bad());
    }
    match (parse_cidr(text).map_err(|_| bad())?, v6) {
        (n @ IpNet::V4(_), false) | (n @ IpNet::V6(_), true) => Ok(n),
        _ => Err(bad()),
    }
}

fn direction_name(egress: bool) -> &'static str {
    if egress {
        "egress"
    } else {
        "ingress"
    }
}

/// CreateNetworkAclEntry. FACTS: NetworkAclEntryAlreadyExists for a taken number;
/// NetworkAclEntryLimitExceeded past 20 per direction per family.
pub fn create_entry(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let id = args.str("network-acl-id").unwrap_or_default();
    let entry = entry_from_args(args)?;
    let acl = existing_acl(ctx, args, id)?;
    if acl
        .entries
        .iter()
        .any(|e| e.egress == entry.egress && e.rule_number == entry.rule_number)
    {
        return Err(args.err(
            "NetworkAclEntryAlreadyExists",
            format!(
                "The network acl entry identified by {} already exists.",
                entry.rule_number
            ),
        ));
    }
    let v6 = matches!(entry.cidr, IpNet::V6(_));
    let same_family = acl
        .direction(entry.egress)
        .filter(|e| matches!(e.cidr, IpNet::V6(_)) == v6)
        .count();
    if same_family >= ENTRIES_PER_DIRECTION {
        return Err(args.err(
            "NetworkAclEntryLimitExceeded",
            format!(
                "The maximum number of {} network acl entries has been reached.",
                direction_name(entry.egress)
            ),
        ));
    }
    let acl_id = acl.id.clone();
    if let Some(acl) = ctx.account.acl_mut(&acl_id) {
        acl.entries.push(entry);
        acl.sort();
    }
    Ok(json!({}))
}

/// ReplaceNetworkAclEntry: the numbered entry must exist in that direction.
pub fn replace_entry(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let id = args.str("network-acl-id").unwrap_or_default();
    let entry = entry_from_args(args)?;
    let acl_id = existing_acl(ctx, args, id)?.id.clone();
    let Some(acl) = ctx.account.acl_mut(&acl_id) else {
        return Err(not_found(args, "InvalidNetworkAclID", "networkAcl", id));
    };
    let Some(slot) = acl
        .entries
        .iter_mut()
        .find(|e| e.egress == entry.egress && e.rule_number == entry.rule_number)
    else {
        return Err(missing_entry(args, entry.rule_number));
    };
    *slot = entry;
    Ok(json!({}))
}

fn missing_entry(args: &Args<'_>, n: u16) -> AwsError {
    args.err(
        "InvalidNetworkAclEntry.NotFound",
        format!("The network acl entry identified by {n} does not exist."),
    )
}

/// DeleteNetworkAclEntry.
pub fn delete_entry(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let id = args.str("network-acl-id").unwrap_or_default();
    let n = rule_number(args)?;
    let egress = args.bool("egress").unwrap_or(false);
    let acl_id = existing_acl(ctx, args, id)?.id.clone();
    let Some(acl) = ctx.account.acl_mut(&acl_id) else {
        return Err(not_found(args, "InvalidNetworkAclID", "networkAcl", id));
    };
    let before = acl.entries.len();
    acl.entries
        .retain(|e| !(e.egress == egress && e.rule_number == n));
    if acl.entries.len() == before {
        return Err(missing_entry(args, n));
    }
    Ok(json!({}))
}

/// An entry in model order (`IcmpTypeCode` is `{Code, Type}` in the model).
fn entry_json(e: Option<&AclEntry>, egress: bool) -> Value {
    let mut v = reorder(acl_entry_json(e, egress), ENTRY_ORDER);
    if let Some(icmp) = v.get_mut("IcmpTypeCode") {
        *icmp = reorder(icmp.take(), &["Code", "Type"]);
    }
    v
}

/// One ACL in the API's `NetworkAcl` shape: entries egress first, each direction in rule
/// order ending with the `*` rule (32767), as AWS lists them.
pub fn acl_json(ctx: &Ctx<'_>, acl: &NetworkAcl) -> Value {
    let acct = &*ctx.account;
    let associations: Vec<Value> = acct
        .subnets
        .iter()
        .filter(|s| s.network_acl_id == acl.id)
        .map(|s| {
            json!({
                "NetworkAclAssociationId": s.acl_association_id,
                "NetworkAclId": acl.id,
                "SubnetId": s.id,
            })
        })
        .collect();
    let mut entries = Vec::new();
    for egress in [true, false] {
        for e in acl.direction(egress) {
            entries.push(entry_json(Some(e), egress));
        }
        entries.push(entry_json(None, egress));
    }
    json!({
        "Associations": associations,
        "Entries": entries,
        "IsDefault": acl.is_default,
        "NetworkAclId": acl.id,
        "Tags": name_tags(&acl.name),
        "VpcId": acl.vpc_id,
        "OwnerId": acct.account_id,
    })
}

const ACL_FILTERS: &[&str] = &[
    "network-acl-id",
    "vpc-id",
    "default",
    "owner-id",
    "association.association-id",
    "association.network-acl-id",
    "association.subnet-id",
    "entry.cidr",
    "entry.ipv6-cidr",
    "entry.egress",
    "entry.protocol",
    "entry.rule-action",
    "entry.rule-number",
    "entry.port-range.from",
    "entry.port-range.to",
    "entry.icmp.code",
    "entry.icmp.type",
    "tag-key",
    "tag:",
];

fn acl_matches(ctx: &Ctx<'_>, acl: &NetworkAcl, f: &Filter) -> bool {
    let acct = &*ctx.account;
    let subnets = || acct.subnets.iter().filter(|s| s.network_acl_id == acl.id);
    let entries = || acl.entries.iter();
    match f.name.as_str() {
        "network-acl-id" | "association.network-acl-id" => f.any([&acl.id]),
        "vpc-id" => f.any([&acl.vpc_id]),
        "default" => f.any([acl.is_default.to_string()]),
        "owner-id" => f.any([&acct.account_id]),
        "association.association-id" => f.any(subnets().map(|s| s.acl_association_id.clone())),
        "association.subnet-id" => f.any(subnets().map(|s| s.id.clone())),
        "entry.cidr" => f.any(
            entries()
                .filter(|e| e.cidr.addr().is_ipv4())
                .map(|e| e.cidr.to_string()),
        ),
        "entry.ipv6-cidr" => f.any(
            entries()
                .filter(|e| e.cidr.addr().is_ipv6())
                .map(|e| e.cidr.to_string()),
        ),
        "entry.egress" => f.any(entries().map(|e| e.egress.to_string())),
        "entry.protocol" => f.any(entries().map(|e| e.protocol.acl_name())),
        "entry.rule-action" => f.any(entries().map(|e| e.action.as_str())),
        "entry.rule-number" => f.any(entries().map(|e| e.rule_number.to_string())),
        "entry.port-range.from" | "entry.port-range.to" | "entry.icmp.type" | "entry.icmp.code" => {
            let from = f.name.ends_with(".from") || f.name.ends_with(".type");
            f.any(entries().filter_map(|e| {
                let pair = e.ports.api_pair(e.protocol)?;
                Some(if from { pair.0 } else { pair.1 }.to_string())
            }))
        }
        "tag-key" => acl.name.is_some() && f.any(["Name"]),
        "tag:Name" => f.any(acl.name.iter()),
        _ => false,
    }
}

/// DescribeNetworkAcls: `--network-acl-ids` and `--filters`.
pub fn describe_network_acls(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let ids = args.list("network-acl-ids");
    for id in &ids {
        existing_acl(ctx, args, id)?;
    }
    let filters = filters::parse(args, ACL_FILTERS)?;
    let acls: Vec<Value> = ctx
        .account
        .network_acls
        .iter()
        .filter(|a| ids.is_empty() || ids.contains(&a.id.as_str()))
        .filter(|a| filters.iter().all(|f| acl_matches(ctx, a, f)))
        .map(|a| acl_json(ctx, a))
        .collect();
    Ok(json!({"NetworkAcls": acls}))
}

/// CreateNetworkAcl: `{"NetworkAcl": {...}}`; FACTS: denies everything, no subnets.
pub fn create_network_acl(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let vpc_id = args.str("vpc-id").unwrap_or_default();
    check_id(args, "vpc", "InvalidVpcID", vpc_id)?;
    if ctx.account.vpc(vpc_id).is_none() {
        return Err(not_found(args, "InvalidVpcID", "vpc", vpc_id));
    }
    let count = ctx
        .account
        .network_acls
        .iter()
        .filter(|a| a.vpc_id == vpc_id)
        .count();
    if count >= ACLS_PER_VPC {
        return Err(args.err(
            "NetworkAclLimitExceeded",
            "The maximum number of network ACLs has been reached.",
        ));
    }
    let id = ctx.fresh_id("acl");
    let acl = NetworkAcl {
        id,
        name: None,
        vpc_id: vpc_id.to_string(),
        is_default: false,
        entries: vec![],
    };
    let out = json!({"NetworkAcl": acl_json(ctx, &acl)});
    ctx.account.network_acls.push(acl);
    Ok(out)
}

/// DeleteNetworkAcl: not the default ACL, not while a subnet uses it. UNCONFIRMED wording of
/// both messages.
pub fn delete_network_acl(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let id = args.str("network-acl-id").unwrap_or_default();
    let acl = existing_acl(ctx, args, id)?;
    if acl.is_default {
        return Err(args.err(
            "InvalidParameterValue",
            format!("cannot delete default network ACL {id}"),
        ));
    }
    if ctx.account.subnets.iter().any(|s| s.network_acl_id == id) {
        return Err(args.err(
            "DependencyViolation",
            format!("The network ACL '{id}' has dependencies and cannot be deleted."),
        ));
    }
    ctx.account.network_acls.retain(|a| a.id != id);
    Ok(json!({}))
}

/// ReplaceNetworkAclAssociation: moves the subnet behind `--association-id` to another ACL
/// of its VPC and issues a new association id (FACTS: a new association replaces the old).
pub fn replace_association(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let assoc = args.str("association-id").unwrap_or_default();
    let acl_id = args.str("network-acl-id").unwrap_or_default();
    check_id(args, "aclassoc", "InvalidAssociationID", assoc)?;
    let acl_vpc = existing_acl(ctx, args, acl_id)?.vpc_id.clone();
    let Some(si) = ctx
        .account
        .subnets
        .iter()
        .position(|s| s.acl_association_id == assoc)
    else {
        return Err(args.err(
            "InvalidAssociationID.NotFound",
            format!("The association ID '{assoc}' does not exist"),
        ));
    };
    let subnet_vpc = ctx
        .account
        .subnets
        .get(si)
        .map(|s| s.vpc_id.clone())
        .unwrap_or_default();
    if subnet_vpc != acl_vpc {
        // UNCONFIRMED wording.
        return Err(args.err(
            "InvalidParameterValue",
            format!("Network ACL {acl_id} and the association {assoc} belong to different VPCs"),
        ));
    }
    let new_id = ctx.fresh_id("aclassoc");
    if let Some(s) = ctx.account.subnets.get_mut(si) {
        s.network_acl_id = acl_id.to_string();
        s.acl_association_id = new_id.clone();
    }
    Ok(json!({"NewAssociationId": new_id}))
}
