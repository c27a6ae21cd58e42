//! Security group permissions between the API and the model: `IpPermissions` (from
//! `--ip-permissions` or built from the CLI's simplified flags) become wanted rules, with
//! AWS's validation and error codes; rules become the API's `IpPermission`,
//! `SecurityGroupRule` and `RevokedSecurityGroupRule` shapes, keys in the API model's order.
//!
//! **Invariant:** nothing here changes the account; the handlers in `ec2::sg` do.

use super::args::{fields, int_member, list_member, string_member, validation, Args};
use super::shorthand::Value as Sv;
use super::AwsError;
use crate::model::ids;
use crate::model::{Account, Peer, SecurityGroup, SgRule};
use crate::net::flow::sg_rule_json;
use crate::net::types::{parse_cidr, Ports, Protocol};
use ipnet::IpNet;
use serde_json::{json, Map, Value};

/// Members of `IpPermission`, in the API model's order (botocore lists them so).
pub const IP_PERMISSION_MEMBERS: &[&str] = &[
    "IpProtocol",
    "FromPort",
    "ToPort",
    "UserIdGroupPairs",
    "IpRanges",
    "Ipv6Ranges",
    "PrefixListIds",
];
const IP_RANGE_MEMBERS: &[&str] = &["Description", "CidrIp"];
const IPV6_RANGE_MEMBERS: &[&str] = &["Description", "CidrIpv6"];
const PREFIX_LIST_MEMBERS: &[&str] = &["Description", "PrefixListId"];
const PAIR_MEMBERS: &[&str] = &[
    "Description",
    "UserId",
    "GroupName",
    "GroupId",
    "VpcId",
    "VpcPeeringConnectionId",
    "PeeringStatus",
];
/// `SecurityGroupRule` members in model order.
const RULE_ORDER: &[&str] = &[
    "SecurityGroupRuleId",
    "GroupId",
    "GroupOwnerId",
    "IsEgress",
    "IpProtocol",
    "FromPort",
    "ToPort",
    "CidrIpv4",
    "CidrIpv6",
    "PrefixListId",
    "ReferencedGroupInfo",
    "Description",
    "Tags",
    "SecurityGroupRuleArn",
];
/// `RevokedSecurityGroupRule` members in model order.
const REVOKED_ORDER: &[&str] = &[
    "SecurityGroupRuleId",
    "GroupId",
    "IsEgress",
    "IpProtocol",
    "FromPort",
    "ToPort",
    "CidrIpv4",
    "CidrIpv6",
    "PrefixListId",
    "ReferencedGroupId",
    "Description",
];

/// One rule a request names: a rule without its id.
#[derive(Clone, Debug, PartialEq)]
pub struct Wanted {
    pub protocol: Protocol,
    pub ports: Ports,
    pub peer: Peer,
    pub description: Option<String>,
}

impl Wanted {
    /// The same permission (AWS ignores the description when matching).
    pub fn same(&self, r: &SgRule) -> bool {
        self.protocol == r.protocol && self.ports == r.ports && self.peer == r.peer
    }

    pub fn into_rule(self, id: String) -> SgRule {
        SgRule {
            id,
            protocol: self.protocol,
            ports: self.ports,
            peer: self.peer,
            description: self.description,
        }
    }

    fn as_rule(&self) -> SgRule {
        self.clone().into_rule(String::new())
    }
}

/// Whether referenced groups must exist (authorize) or only be well-formed (revoke: a rule
/// that references a deleted group can still be removed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refs {
    MustExist,
    ShapeOnly,
}

/// The simplified flags of the authorize/revoke commands, in the order the CLI checks them
/// against `--ip-permissions` (awscli/customizations/ec2/secgroupsimplify.py `_check_args`;
/// the message spells the flag with an underscore, as the CLI does).
const SIMPLE: &[(&str, &str)] = &[
    ("protocol", "protocol"),
    ("port", "port"),
    ("cidr", "cidr"),
    ("source-group", "source_group"),
    ("group-owner", "group_owner"),
];

/// The request's `IpPermissions`: `--ip-permissions` items, or the one permission the CLI
/// builds from `--protocol --port --cidr --source-group --group-owner`.
pub fn request_permissions(args: &Args<'_>) -> Result<Vec<Sv>, AwsError> {
    let simple_given: Vec<&(&str, &str)> = SIMPLE
        .iter()
        .filter(|(f, _)| args.str(f).is_some_and(|v| !v.is_empty()))
        .collect();
    if args.has("ip-permissions") {
        if let Some((_, py)) = simple_given.first() {
            return Err(AwsError::cli(
                super::cli_code::PARAM_VALIDATION,
                format!("The --{py} option is not compatible with the --ip-permissions option "),
            ));
        }
        return args.structures("ip-permissions");
    }
    if simple_given.is_empty() {
        return Ok(vec![]);
    }
    let mut perm: Vec<(String, Sv)> = Vec::new();
    let s = |v: &str| Sv::Scalar(v.to_string());
    if let Some(p) = args.str("protocol").filter(|v| !v.is_empty()) {
        // ProtocolArgument: a number 0-255 or -1, or tcp|udp|icmp|all (all becomes -1).
        let value = match super::args::py_int(p) {
            Ok(n) if (0..=255).contains(&n) || n == -1 => p.to_string(),
            _ => match p {
                "tcp" | "udp" | "icmp" => p.to_string(),
                "all" => "-1".to_string(),
                _ => {
                    return Err(AwsError::cli(
                        super::cli_code::PARAM_VALIDATION,
                        "protocol parameter should be one of: tcp|udp|icmp|all or any valid protocol number.",
                    ))
                }
            },
        };
        perm.push(("IpProtocol".into(), s(&value)));
    }
    if let Some(p) = args.str("port").filter(|v| !v.is_empty()) {
        // PortArgument: -1 or all, N, or N-M (split at the first '-').
        let bad = || {
            AwsError::cli(
                super::cli_code::PARAM_VALIDATION,
                "port parameter should be of the form <from[-to]> (e.g. 22 or 22-25)",
            )
        };
        let (from, to) = if p == "-1" || p == "all" {
            (-1, -1)
        } else if let Some((a, b)) = p.split_once('-') {
            (
                super::args::py_int(a).map_err(|_| bad())?,
                super::args::py_int(b).map_err(|_| bad())?,
            )
        } else {
            let n = super::args::py_int(p).map_err(|_| bad())?;
            (n, n)
        };
        perm.push(("FromPort".into(), s(&from.to_string())));
        perm.push(("ToPort".into(), s(&to.to_string())));
    }
    if let Some(c) = args.str("cidr").filter(|v| !v.is_empty()) {
        perm.push((
            "IpRanges".into(),
            Sv::List(vec![Sv::Struct(vec![("CidrIp".into(), s(c))])]),
        ));
    }
    let mut pair: Vec<(String, Sv)> = Vec::new();
    if let Some(g) = args.str("source-group").filter(|v| !v.is_empty()) {
        let key = if g.starts_with("sg-") {
            "GroupId"
        } else {
            "GroupName"
        };
        pair.push((key.into(), s(g)));
    }
    if let Some(o) = args.str("group-owner").filter(|v| !v.is_empty()) {
        pair.push(("UserId".into(), s(o)));
    }
    if !pair.is_empty() {
        perm.push(("UserIdGroupPairs".into(), Sv::List(vec![Sv::Struct(pair)])));
    }
    Ok(vec![Sv::Struct(perm)])
}

/// Where a name given in `UserIdGroupPairs.GroupName` or `--group-name` is looked up: the
/// default VPC only (API_UserIdGroupPair.html: "[Default VPC] The name of the security
/// group. For a security group in a nondefault VPC, use the security group ID.").
pub fn group_by_name<'a>(
    acct: &'a Account,
    args: &Args<'_>,
    name: &str,
) -> Result<&'a SecurityGroup, AwsError> {
    let Some(vpc) = acct.vpcs.iter().find(|v| v.is_default) else {
        return Err(args.err(
            "VPCIdNotSpecified",
            "No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.",
        ));
    };
    acct.security_groups
        .iter()
        .find(|g| g.vpc_id == vpc.id && g.name == name)
        .ok_or_else(|| {
            args.err(
                "InvalidGroup.NotFound",
                format!(
                    "The security group '{name}' does not exist in default VPC '{}'",
                    vpc.id
                ),
            )
        })
}

/// Checks a group id's shape and that it exists; the errors AWS gives.
pub fn existing_group<'a>(
    acct: &'a Account,
    args: &Args<'_>,
    id: &str,
) -> Result<&'a SecurityGroup, AwsError> {
    if !ids::is_valid("sg", id) {
        return Err(args.err("InvalidGroupId.Malformed", ids::malformed_message("sg", id)));
    }
    acct.group(id).ok_or_else(|| {
        args.err(
            "InvalidGroup.NotFound",
            format!("The security group '{id}' does not exist"),
        )
    })
}

fn description(
    f: &[(String, Sv)],
    path: &str,
    args: &Args<'_>,
) -> Result<Option<String>, AwsError> {
    let d = string_member(f, "Description", path)?;
    if let Some(d) = d {
        // FACTS: rule description up to 255 characters.
        if d.chars().count() > 255 {
            return Err(args.err(
                "InvalidParameterValue",
                "Invalid rule description. Valid descriptions are strings less than 256 characters",
            ));
        }
    }
    Ok(d.map(str::to_string))
}

fn cidr(args: &Args<'_>, text: &str, v6: bool) -> Result<IpNet, AwsError> {
    let malformed = || {
        args.err(
            "InvalidParameterValue",
            format!("CIDR block {} is malformed", text.trim()),
        )
    };
    // Only a CIDR is accepted here, not a bare address.
    if !text.contains('/') {
        return Err(malformed());
    }
    let net = parse_cidr(text).map_err(|_| malformed())?;
    match (net, v6) {
        (IpNet::V4(_), false) | (IpNet::V6(_), true) => Ok(net),
        _ => Err(malformed()),
    }
}

/// Turns a request's `IpPermissions` into rules for `group`, validating as AWS does:
/// protocol and ports (InvalidParameterValue / InvalidPermission.Malformed), CIDRs,
/// referenced groups, and at least one source (MissingParameter).
pub fn wanted_rules(
    acct: &Account,
    args: &Args<'_>,
    group: &SecurityGroup,
    perms: &[Sv],
    refs: Refs,
) -> Result<Vec<Wanted>, AwsError> {
    let mut out = Vec::new();
    for (i, p) in perms.iter().enumerate() {
        let path = format!("IpPermissions[{i}]");
        let f = fields(p, &path, IP_PERMISSION_MEMBERS)?;
        let Some(proto_text) = string_member(f, "IpProtocol", &path)? else {
            // UNCONFIRMED: the message AWS gives for a permission without a protocol.
            return Err(args.err(
                "MissingParameter",
                "The request must contain the parameter ipProtocol",
            ));
        };
        let protocol = Protocol::parse(proto_text).map_err(|_| {
            args.err(
                "InvalidParameterValue",
                format!("Invalid value '{proto_text}' for IP protocol. Unknown protocol."),
            )
        })?;
        let from = int_member(f, "FromPort", &path)?;
        let to = int_member(f, "ToPort", &path)?;
        let ports = ports(args, protocol, from, to)?;
        let mut peers: Vec<(Peer, Option<String>)> = Vec::new();
        for (j, r) in list_member(f, "IpRanges").into_iter().enumerate() {
            let rp = format!("{path}.IpRanges[{j}]");
            let rf = fields(r, &rp, IP_RANGE_MEMBERS)?;
            let text = string_member(rf, "CidrIp", &rp)?.unwrap_or_default();
            peers.push((
                Peer::Cidr(cidr(args, text, false)?),
                description(rf, &rp, args)?,
            ));
        }
        for (j, r) in list_member(f, "Ipv6Ranges").into_iter().enumerate() {
            let rp = format!("{path}.Ipv6Ranges[{j}]");
            let rf = fields(r, &rp, IPV6_RANGE_MEMBERS)?;
            let text = string_member(rf, "CidrIpv6", &rp)?.unwrap_or_default();
            peers.push((
                Peer::Cidr(cidr(args, text, true)?),
                description(rf, &rp, args)?,
            ));
        }
        for (j, r) in list_member(f, "PrefixListIds").into_iter().enumerate() {
            let rp = format!("{path}.PrefixListIds[{j}]");
            let rf = fields(r, &rp, PREFIX_LIST_MEMBERS)?;
            let id = string_member(rf, "PrefixListId", &rp)?.unwrap_or_default();
            if !ids::is_valid("pl", id) {
                return Err(args.err(
                    "InvalidPrefixListId.Malformed",
                    ids::malformed_message("pl", id),
                ));
            }
            peers.push((
                Peer::PrefixList(id.to_string()),
                description(rf, &rp, args)?,
            ));
        }
        for (j, r) in list_member(f, "UserIdGroupPairs").into_iter().enumerate() {
            let rp = format!("{path}.UserIdGroupPairs[{j}]");
            let rf = fields(r, &rp, PAIR_MEMBERS)?;
            let id = match (
                string_member(rf, "GroupId", &rp)?,
                string_member(rf, "GroupName", &rp)?,
            ) {
                (Some(id), _) => match refs {
                    Refs::MustExist => {
                        let g = existing_group(acct, args, id)?;
                        if g.vpc_id != group.vpc_id {
                            // UNCONFIRMED code; the message is AWS's for a group of another
                            // (unpeered) VPC.
                            return Err(args.err(
                                "InvalidGroup.NotFound",
                                "You have specified two resources that belong to different networks.",
                            ));
                        }
                        g.id.clone()
                    }
                    Refs::ShapeOnly => {
                        if !ids::is_valid("sg", id) {
                            return Err(args.err(
                                "InvalidGroupId.Malformed",
                                ids::malformed_message("sg", id),
                            ));
                        }
                        id.to_string()
                    }
                },
                (None, Some(name)) => group_by_name(acct, args, name)?.id.clone(),
                (None, None) => {
                    return Err(args.err(
                        "MissingParameter",
                        "Missing source specification: include source security group or CIDR information",
                    ))
                }
            };
            peers.push((Peer::Group(id), description(rf, &rp, args)?));
        }
        if peers.is_empty() {
            return Err(args.err(
                "MissingParameter",
                "Missing source specification: include source security group or CIDR information",
            ));
        }
        for (peer, description) in peers {
            out.push(Wanted {
                protocol,
                ports,
                peer,
                description,
            });
        }
    }
    if out.is_empty() {
        // UNCONFIRMED: a request with no permission at all.
        return Err(args.err(
            "MissingParameter",
            "Missing source specification: include source security group or CIDR information",
        ));
    }
    // FACTS: InvalidParameterValue — the same permission twice in one request.
    for (i, a) in out.iter().enumerate() {
        if out.iter().skip(i + 1).any(|b| b.same(&a.as_rule())) {
            return Err(args.err(
                "InvalidParameterValue",
                "The same permission must not appear multiple times",
            ));
        }
    }
    Ok(out)
}

/// Ports of a permission as AWS checks them (FACTS: tcp/udp/icmp need a port range; icmpv6
/// without one is all types; -1 and other numbers ignore ports). Messages seen from AWS:
/// `Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.` and
/// `TCP/UDP port (-1) out of range` (one end missing counts as -1).
pub fn ports(
    args: &Args<'_>,
    protocol: Protocol,
    from: Option<i64>,
    to: Option<i64>,
) -> Result<Ports, AwsError> {
    let need = match protocol {
        Protocol::Tcp | Protocol::Udp => Some("TCP/UDP"),
        Protocol::Icmp => Some("ICMP"),
        _ => None,
    };
    if let (Some(kind), None, None) = (need, from, to) {
        return Err(args.err(
            "InvalidParameterValue",
            format!(
                "Invalid value 'Must specify both from and to ports with {kind}.' for portRange."
            ),
        ));
    }
    if protocol == Protocol::Icmpv6 && from.is_none() && to.is_none() {
        return Ok(Ports::All);
    }
    Ports::from_api(protocol, from.unwrap_or(-1), to.unwrap_or(-1))
        .map_err(|m| args.err("InvalidPermission.Malformed", m))
}

/// The peer as AWS's duplicate message names it.
fn peer_name(p: &Peer) -> String {
    match p {
        Peer::Cidr(n) => n.to_string(),
        Peer::Group(g) => g.clone(),
        Peer::PrefixList(p) => p.clone(),
    }
}

/// FACTS: InvalidPermission.Duplicate —
/// `the specified rule "peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW" already exists`.
/// ICMP and all-traffic forms (`ICMP, type: 8, code: -1`, `ALL`) follow the same pattern
/// (UNCONFIRMED for protocol numbers).
pub fn duplicate_message(w: &Wanted) -> String {
    let service = match w.protocol {
        Protocol::All => "ALL".to_string(),
        Protocol::Number(n) => n.to_string(),
        p => {
            let (a, b) = w.ports.api_pair(p).unwrap_or((-1, -1));
            let name = p.api_name().to_uppercase();
            if p.is_icmp() {
                format!("{name}, type: {a}, code: {b}")
            } else {
                format!("{name}, from port: {a}, to port: {b}")
            }
        }
    };
    format!(
        "the specified rule \"peer: {}, {service}, ALLOW\" already exists",
        peer_name(&w.peer)
    )
}

/// Rebuilds an object with `order`'s keys first (in that order), then the rest.
pub fn reorder(v: Value, order: &[&str]) -> Value {
    match v {
        Value::Object(mut m) => {
            let mut out = Map::new();
            for k in order {
                if let Some(x) = m.remove(*k) {
                    out.insert((*k).to_string(), x);
                }
            }
            for (k, x) in m {
                out.insert(k, x);
            }
            Value::Object(out)
        }
        other => other,
    }
}

/// A rule in the API's `SecurityGroupRule` shape (API_SecurityGroupRule.html), as
/// authorize and describe-security-group-rules return it.
pub fn rule_json(acct: &Account, group_id: &str, egress: bool, r: &SgRule, tags: bool) -> Value {
    let mut v = sg_rule_json(group_id, egress, r);
    v["GroupOwnerId"] = json!(acct.account_id);
    if let Some(info) = v.get_mut("ReferencedGroupInfo") {
        info["UserId"] = json!(acct.account_id);
    }
    if tags {
        v["Tags"] = json!([]);
    }
    v["SecurityGroupRuleArn"] = json!(format!(
        "arn:aws:ec2:{}:{}:security-group-rule/{}",
        acct.region, acct.account_id, r.id
    ));
    reorder(v, RULE_ORDER)
}

/// A rule in the API's `RevokedSecurityGroupRule` shape (the group reference is flat).
pub fn revoked_json(group_id: &str, egress: bool, r: &SgRule) -> Value {
    let mut v = sg_rule_json(group_id, egress, r);
    if let Some(Value::Object(info)) = v
        .as_object_mut()
        .and_then(|m| m.remove("ReferencedGroupInfo"))
    {
        if let Some(g) = info.get("GroupId") {
            v["ReferencedGroupId"] = g.clone();
        }
    }
    reorder(v, REVOKED_ORDER)
}

/// Rules in the API's `IpPermission` shape, grouped as AWS groups them: one permission per
/// (protocol, ports), in order of first appearance, with every source list present.
pub fn ip_permissions_json(acct: &Account, rules: &[SgRule]) -> Vec<Value> {
    let mut groups: Vec<(Protocol, Ports, Vec<&SgRule>)> = Vec::new();
    for r in rules {
        match groups
            .iter_mut()
            .find(|(p, ports, _)| *p == r.protocol && *ports == r.ports)
        {
            Some((_, _, list)) => list.push(r),
            None => groups.push((r.protocol, r.ports, vec![r])),
        }
    }
    groups
        .into_iter()
        .map(|(protocol, ports, rules)| permission_json(acct, protocol, ports, &rules))
        .collect()
}

fn with_description(mut m: Map<String, Value>, d: &Option<String>) -> Value {
    if let Some(d) = d {
        let mut out = Map::new();
        out.insert("Description".into(), json!(d));
        out.append(&mut m);
        return Value::Object(out);
    }
    Value::Object(m)
}

/// One `IpPermission` holding `rules` (all of the same protocol and ports).
pub fn permission_json(
    acct: &Account,
    protocol: Protocol,
    ports: Ports,
    rules: &[&SgRule],
) -> Value {
    let mut pairs = Vec::new();
    let mut v4 = Vec::new();
    let mut v6 = Vec::new();
    let mut pls = Vec::new();
    for r in rules {
        match &r.peer {
            Peer::Cidr(IpNet::V4(n)) => {
                let mut m = Map::new();
                m.insert("CidrIp".into(), json!(n.to_string()));
                v4.push(with_description(m, &r.description));
            }
            Peer::Cidr(IpNet::V6(n)) => {
                let mut m = Map::new();
                m.insert("CidrIpv6".into(), json!(n.to_string()));
                v6.push(with_description(m, &r.description));
            }
            Peer::Group(g) => {
                let mut m = Map::new();
                m.insert("UserId".into(), json!(acct.account_id));
                m.insert("GroupId".into(), json!(g));
                pairs.push(with_description(m, &r.description));
            }
            Peer::PrefixList(p) => {
                let mut m = Map::new();
                m.insert("PrefixListId".into(), json!(p));
                pls.push(with_description(m, &r.description));
            }
        }
    }
    let mut m = Map::new();
    m.insert("IpProtocol".into(), json!(protocol.api_name()));
    if let Some((a, b)) = ports.api_pair(protocol) {
        m.insert("FromPort".into(), json!(a));
        m.insert("ToPort".into(), json!(b));
    }
    m.insert("UserIdGroupPairs".into(), Value::Array(pairs));
    m.insert("IpRanges".into(), Value::Array(v4));
    m.insert("Ipv6Ranges".into(), Value::Array(v6));
    m.insert("PrefixListIds".into(), Value::Array(pls));
    Value::Object(m)
}

/// A wanted rule as an `IpPermission` (for `UnknownIpPermissions`).
pub fn wanted_json(acct: &Account, w: &Wanted) -> Value {
    let r = w.as_rule();
    permission_json(acct, w.protocol, w.ports, &[&r])
}

/// botocore's error for a structure where a string was expected, and similar: re-exported
/// for the handlers.
pub fn invalid(msg: impl std::fmt::Display) -> AwsError {
    validation(msg)
}
