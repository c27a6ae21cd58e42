//! Security group commands: authorize and revoke (ingress and egress), create, delete,
//! describe groups and rules, modify rules, and update rule descriptions.
//!
//! Response shapes follow the EC2 API reference (API_AuthorizeSecurityGroupIngress.html,
//! API_RevokeSecurityGroupIngress.html, API_DescribeSecurityGroups.html, …) with keys in the
//! API model's order, as the CLI prints them. Errors and limits follow FACTS.md.

use super::super::args::{fields, int_member, string_member, Args};
use super::super::filters::{self, Filter};
use super::super::perm::{
    duplicate_message, existing_group, group_by_name, invalid, ip_permissions_json, ports,
    request_permissions, revoked_json, rule_json, wanted_json, wanted_rules, Refs, Wanted,
};
use super::super::shorthand::Value as Sv;
use super::super::{AwsError, Ctx};
use super::{check_id, not_found};
use crate::model::{allow_all_egress, Account, Peer, SecurityGroup, SgRule};
use crate::net::types::{parse_cidr, Protocol};
use ipnet::IpNet;
use serde_json::{json, Value};

/// FACTS: 60 inbound and 60 outbound rules per group, IPv4 and IPv6 counted separately.
pub const RULES_PER_DIRECTION: usize = 60;

/// The family a rule counts against. Group references and prefix lists are counted with
/// IPv4 (UNCONFIRMED: AWS counts a prefix list as its max entries; we do not model sizes).
fn is_v6(peer: &Peer) -> bool {
    matches!(peer, Peer::Cidr(IpNet::V6(_)))
}

/// The group a command names with `--group-id` or (default VPC only) `--group-name`.
fn target_group(ctx: &Ctx<'_>, args: &Args<'_>) -> Result<String, AwsError> {
    if let Some(id) = args.str("group-id") {
        return Ok(existing_group(ctx.account, args, id)?.id.clone());
    }
    if let Some(name) = args.str("group-name") {
        return Ok(group_by_name(ctx.account, args, name)?.id.clone());
    }
    // UNCONFIRMED wording; the code is AWS's for a request naming no group.
    Err(args.err(
        "MissingParameter",
        "The request must contain the parameter groupName or groupId",
    ))
}

fn group_mut<'a>(
    acct: &'a mut Account,
    args: &Args<'_>,
    id: &str,
) -> Result<&'a mut SecurityGroup, AwsError> {
    acct.group_mut(id).ok_or_else(|| {
        args.err(
            "InvalidGroup.NotFound",
            format!("The security group '{id}' does not exist"),
        )
    })
}

pub fn authorize_ingress(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    authorize(ctx, args, false)
}

pub fn authorize_egress(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    authorize(ctx, args, true)
}

pub fn revoke_ingress(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    revoke(ctx, args, false)
}

pub fn revoke_egress(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    revoke(ctx, args, true)
}

/// AuthorizeSecurityGroupIngress/Egress: `{"Return": true, "SecurityGroupRules": [...]}`.
fn authorize(ctx: &mut Ctx<'_>, args: &Args<'_>, egress: bool) -> Result<Value, AwsError> {
    let gid = target_group(ctx, args)?;
    let perms = request_permissions(args)?;
    let group = existing_group(ctx.account, args, &gid)?.clone();
    let wanted = wanted_rules(ctx.account, args, &group, &perms, Refs::MustExist)?;
    let existing = if egress {
        &group.egress
    } else {
        &group.ingress
    };
    // FACTS: InvalidPermission.Duplicate names the first rule that already exists.
    if let Some(w) = wanted.iter().find(|w| existing.iter().any(|r| w.same(r))) {
        return Err(args.err("InvalidPermission.Duplicate", duplicate_message(w)));
    }
    // FACTS: RulesPerSecurityGroupLimitExceeded at 60 per direction per family.
    for v6 in [false, true] {
        let now = existing.iter().filter(|r| is_v6(&r.peer) == v6).count();
        let more = wanted.iter().filter(|w| is_v6(&w.peer) == v6).count();
        if more > 0 && now + more > RULES_PER_DIRECTION {
            return Err(args.err(
                "RulesPerSecurityGroupLimitExceeded",
                "The maximum number of rules per security group has been reached.",
            ));
        }
    }
    let mut added = Vec::new();
    for w in wanted {
        let id = ctx.fresh_id("sgr");
        let rule = w.into_rule(id);
        let g = group_mut(ctx.account, args, &gid)?;
        if egress {
            g.egress.push(rule.clone());
        } else {
            g.ingress.push(rule.clone());
        }
        added.push(rule);
    }
    let rules: Vec<Value> = added
        .iter()
        .map(|r| rule_json(ctx.account, &gid, egress, r, false))
        .collect();
    Ok(json!({"Return": true, "SecurityGroupRules": rules}))
}

/// RevokeSecurityGroupIngress/Egress: by `--security-group-rule-ids` or by permission.
/// FACTS: a missing rule is InvalidPermission.NotFound (nothing revoked), except in a default
/// VPC, where the call succeeds and lists it under `UnknownIpPermissions`. Matching ignores
/// the description. The response also lists `RevokedSecurityGroupRules`: the current API
/// returns `Return`, `UnknownIpPermissions` and `RevokedSecurityGroupRules`
/// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RevokeSecurityGroupIngress.html).
fn revoke(ctx: &mut Ctx<'_>, args: &Args<'_>, egress: bool) -> Result<Value, AwsError> {
    let gid = target_group(ctx, args)?;
    let group = existing_group(ctx.account, args, &gid)?.clone();
    let in_default_vpc = ctx.account.vpc(&group.vpc_id).is_some_and(|v| v.is_default);
    let rules = if egress {
        &group.egress
    } else {
        &group.ingress
    };
    let rule_ids = args.list("security-group-rule-ids");
    let perms = request_permissions(args)?;
    let mut remove: Vec<String> = Vec::new();
    let mut unknown: Vec<Wanted> = Vec::new();
    if !rule_ids.is_empty() {
        if !perms.is_empty() {
            // UNCONFIRMED wording.
            return Err(args.err(
                "InvalidParameterCombination",
                "The parameter SecurityGroupRuleIds cannot be used together with IpPermissions",
            ));
        }
        for id in rule_ids {
            check_id(args, "sgr", "InvalidSecurityGroupRuleId", id)?;
            if !rules.iter().any(|r| r.id == id) {
                return Err(args.err(
                    "InvalidSecurityGroupRuleId.NotFound",
                    format!("The security group rule ID '{id}' does not exist"),
                ));
            }
            if !remove.iter().any(|r| r == id) {
                remove.push(id.to_string());
            }
        }
    } else {
        let wanted = wanted_rules(ctx.account, args, &group, &perms, Refs::ShapeOnly)?;
        for w in wanted {
            match rules.iter().find(|r| w.same(r)) {
                Some(r) => remove.push(r.id.clone()),
                None if in_default_vpc => unknown.push(w),
                None => {
                    return Err(args.err(
                        "InvalidPermission.NotFound",
                        "The specified rule does not exist in this security group.",
                    ))
                }
            }
        }
    }
    let g = group_mut(ctx.account, args, &gid)?;
    let list = if egress {
        &mut g.egress
    } else {
        &mut g.ingress
    };
    let revoked: Vec<Value> = list
        .iter()
        .filter(|r| remove.contains(&r.id))
        .map(|r| revoked_json(&gid, egress, r))
        .collect();
    list.retain(|r| !remove.contains(&r.id));
    let mut out = json!({"Return": true});
    if !unknown.is_empty() {
        out["UnknownIpPermissions"] = Value::Array(
            unknown
                .iter()
                .map(|w| wanted_json(ctx.account, w))
                .collect(),
        );
    }
    if !revoked.is_empty() {
        out["RevokedSecurityGroupRules"] = Value::Array(revoked);
    }
    Ok(out)
}

/// FACTS: 2,500 security groups per Region.
pub const GROUPS_PER_REGION: usize = 2500;

/// CreateSecurityGroup: `{"GroupId", "SecurityGroupArn"}`. FACTS: name and description up to
/// 255 characters, name unique per VPC and not starting with `sg-`; a new group has no
/// inbound rules and one outbound allow-all rule.
pub fn create_security_group(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let name = args.str("group-name").unwrap_or_default();
    let description = args.str("description").unwrap_or_default();
    if name.starts_with("sg-") {
        return Err(args.err(
            "InvalidParameterValue",
            format!(
                "Invalid value '{name}' for groupName. Group names may not be in the format sg-*."
            ),
        ));
    }
    if name.is_empty() || name.chars().count() > 255 {
        return Err(args.err(
            "InvalidParameterValue",
            format!("Invalid value '{name}' for groupName. Length of the name must be between 1 and 255 characters."),
        ));
    }
    if description.is_empty() || description.chars().count() > 255 {
        return Err(args.err(
            "InvalidParameterValue",
            "Invalid value for GroupDescription. Length of the description must be between 1 and 255 characters.",
        ));
    }
    let vpc_id = match args.str("vpc-id") {
        Some(v) => {
            check_id(args, "vpc", "InvalidVpcID", v)?;
            if ctx.account.vpc(v).is_none() {
                return Err(not_found(args, "InvalidVpcID", "vpc", v));
            }
            v.to_string()
        }
        None => match ctx.account.vpcs.iter().find(|v| v.is_default) {
            Some(v) => v.id.clone(),
            None => {
                return Err(args.err("VPCIdNotSpecified", "No default VPC for this user"));
            }
        },
    };
    if ctx
        .account
        .security_groups
        .iter()
        .any(|g| g.vpc_id == vpc_id && g.name == name)
    {
        return Err(args.err(
            "InvalidGroup.Duplicate",
            format!("The security group '{name}' already exists for VPC '{vpc_id}'"),
        ));
    }
    if ctx.account.security_groups.len() >= GROUPS_PER_REGION {
        return Err(args.err(
            "SecurityGroupLimitExceeded",
            "The maximum number of security groups for the region has been reached.",
        ));
    }
    let id = ctx.fresh_id("sg");
    let egress_id = ctx.fresh_id("sgr");
    ctx.account.security_groups.push(SecurityGroup {
        id: id.clone(),
        name: name.to_string(),
        description: description.to_string(),
        vpc_id,
        ingress: vec![],
        egress: vec![allow_all_egress(egress_id)],
    });
    Ok(json!({
        "GroupId": id,
        "SecurityGroupArn": group_arn(ctx.account, &id),
    }))
}

fn group_arn(acct: &Account, id: &str) -> String {
    format!(
        "arn:aws:ec2:{}:{}:security-group/{id}",
        acct.region, acct.account_id
    )
}

/// DeleteSecurityGroup: `{"Return": true, "GroupId"}`. FACTS: CannotDelete for a default
/// group; DependencyViolation while an interface uses it or another group's rule
/// references it.
pub fn delete_security_group(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let gid = target_group(ctx, args)?;
    let group = existing_group(ctx.account, args, &gid)?;
    if group.name == "default" {
        return Err(args.err(
            "CannotDelete",
            format!("the specified group: \"{gid}\" name: \"default\" cannot be deleted by a user"),
        ));
    }
    let in_use = ctx
        .account
        .instances
        .iter()
        .any(|i| i.security_groups.contains(&gid));
    let referenced = ctx.account.security_groups.iter().any(|g| {
        g.id != gid
            && g.ingress
                .iter()
                .chain(&g.egress)
                .any(|r| r.peer == Peer::Group(gid.clone()))
    });
    if in_use || referenced {
        return Err(args.err(
            "DependencyViolation",
            format!("resource {gid} has a dependent object"),
        ));
    }
    ctx.account.security_groups.retain(|g| g.id != gid);
    Ok(json!({"Return": true, "GroupId": gid}))
}

const GROUP_FILTERS: &[&str] = &[
    "group-id",
    "group-name",
    "vpc-id",
    "description",
    "owner-id",
    "ip-permission.cidr",
    "ip-permission.ipv6-cidr",
    "ip-permission.from-port",
    "ip-permission.to-port",
    "ip-permission.protocol",
    "ip-permission.group-id",
    "ip-permission.group-name",
    "ip-permission.prefix-list-id",
    "ip-permission.user-id",
    "egress.ip-permission.cidr",
    "egress.ip-permission.ipv6-cidr",
    "egress.ip-permission.from-port",
    "egress.ip-permission.to-port",
    "egress.ip-permission.protocol",
    "egress.ip-permission.group-id",
    "egress.ip-permission.group-name",
    "egress.ip-permission.prefix-list-id",
    "egress.ip-permission.user-id",
    "tag-key",
    "tag:",
];

/// One attribute of a rule, as the `ip-permission.*` filters see it.
fn rule_attr(acct: &Account, r: &SgRule, attr: &str) -> Vec<String> {
    let pair = r.ports.api_pair(r.protocol);
    match (attr, &r.peer) {
        ("cidr", Peer::Cidr(IpNet::V4(n))) => vec![n.to_string()],
        ("ipv6-cidr", Peer::Cidr(IpNet::V6(n))) => vec![n.to_string()],
        ("group-id", Peer::Group(g)) => vec![g.clone()],
        ("group-name", Peer::Group(g)) => {
            acct.group(g).map(|g| g.name.clone()).into_iter().collect()
        }
        ("user-id", Peer::Group(_)) => vec![acct.account_id.clone()],
        ("prefix-list-id", Peer::PrefixList(p)) => vec![p.clone()],
        ("protocol", _) => {
            let mut v = vec![r.protocol.api_name()];
            if let Some(n) = r.protocol.number() {
                v.push(n.to_string());
            }
            v
        }
        ("from-port", _) => pair.map(|p| p.0.to_string()).into_iter().collect(),
        ("to-port", _) => pair.map(|p| p.1.to_string()).into_iter().collect(),
        _ => vec![],
    }
}

/// EC2 matches each `ip-permission.*` filter against any rule of the group, independently.
fn group_matches(acct: &Account, g: &SecurityGroup, f: &Filter) -> bool {
    let name = f.name.as_str();
    if let Some(attr) = name.strip_prefix("egress.ip-permission.") {
        return f.any(g.egress.iter().flat_map(|r| rule_attr(acct, r, attr)));
    }
    if let Some(attr) = name.strip_prefix("ip-permission.") {
        return f.any(g.ingress.iter().flat_map(|r| rule_attr(acct, r, attr)));
    }
    match name {
        "group-id" => f.any([&g.id]),
        "group-name" => f.any([&g.name]),
        "vpc-id" => f.any([&g.vpc_id]),
        "description" => f.any([&g.description]),
        "owner-id" => f.any([&acct.account_id]),
        _ => false,
    }
}

/// One group in the API's `SecurityGroup` shape (API_SecurityGroup.html), model order.
pub fn group_json(acct: &Account, g: &SecurityGroup) -> Value {
    json!({
        "GroupId": g.id,
        "IpPermissionsEgress": ip_permissions_json(acct, &g.egress),
        "VpcId": g.vpc_id,
        "SecurityGroupArn": group_arn(acct, &g.id),
        "OwnerId": acct.account_id,
        "GroupName": g.name,
        "Description": g.description,
        "IpPermissions": ip_permissions_json(acct, &g.ingress),
    })
}

/// DescribeSecurityGroups: `--group-ids`, `--group-names` (default VPC) and `--filters`.
pub fn describe_security_groups(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let acct = &*ctx.account;
    let mut wanted: Vec<String> = Vec::new();
    for id in args.list("group-ids") {
        wanted.push(existing_group(acct, args, id)?.id.clone());
    }
    for name in args.list("group-names") {
        wanted.push(group_by_name(acct, args, name)?.id.clone());
    }
    let by_id = args.has("group-ids") || args.has("group-names");
    let filters = filters::parse(args, GROUP_FILTERS)?;
    let groups: Vec<Value> = acct
        .security_groups
        .iter()
        .filter(|g| !by_id || wanted.contains(&g.id))
        .filter(|g| filters.iter().all(|f| group_matches(acct, g, f)))
        .map(|g| group_json(acct, g))
        .collect();
    Ok(json!({"SecurityGroups": groups}))
}

fn rule_not_found(args: &Args<'_>, id: &str) -> AwsError {
    args.err(
        "InvalidSecurityGroupRuleId.NotFound",
        format!("The security group rule ID '{id}' does not exist"),
    )
}

/// DescribeSecurityGroupRules: `--security-group-rule-ids` and `--filters` (group-id,
/// security-group-rule-id). Each group's inbound rules, then its outbound ones.
pub fn describe_security_group_rules(
    ctx: &mut Ctx<'_>,
    args: &Args<'_>,
) -> Result<Value, AwsError> {
    let acct = &*ctx.account;
    let ids = args.list("security-group-rule-ids");
    for id in &ids {
        check_id(args, "sgr", "InvalidSecurityGroupRuleId", id)?;
        let exists = acct
            .security_groups
            .iter()
            .any(|g| g.ingress.iter().chain(&g.egress).any(|r| r.id == *id));
        if !exists {
            return Err(rule_not_found(args, id));
        }
    }
    let filters = filters::parse(
        args,
        &["group-id", "security-group-rule-id", "tag-key", "tag:"],
    )?;
    let mut out = Vec::new();
    for g in &acct.security_groups {
        for (egress, rules) in [(false, &g.ingress), (true, &g.egress)] {
            for r in rules {
                if !ids.is_empty() && !ids.contains(&r.id.as_str()) {
                    continue;
                }
                let keep = filters.iter().all(|f| match f.name.as_str() {
                    "group-id" => f.any([&g.id]),
                    "security-group-rule-id" => f.any([&r.id]),
                    _ => false,
                });
                if keep {
                    out.push(rule_json(acct, &g.id, egress, r, true));
                }
            }
        }
    }
    Ok(json!({"SecurityGroupRules": out}))
}

const RULE_REQUEST_MEMBERS: &[&str] = &[
    "IpProtocol",
    "FromPort",
    "ToPort",
    "CidrIpv4",
    "CidrIpv6",
    "PrefixListId",
    "ReferencedGroupId",
    "Description",
];

/// ModifySecurityGroupRules: replaces rules in place, keeping their ids.
pub fn modify_security_group_rules(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let gid = target_group(ctx, args)?;
    let group = existing_group(ctx.account, args, &gid)?.clone();
    let updates = args.structures("security-group-rules")?;
    let mut changes: Vec<(String, bool, Wanted)> = Vec::new();
    for (i, u) in updates.iter().enumerate() {
        let path = format!("SecurityGroupRules[{i}]");
        let f = fields(u, &path, &["SecurityGroupRuleId", "SecurityGroupRule"])?;
        let Some(rid) = string_member(f, "SecurityGroupRuleId", &path)? else {
            return Err(invalid(format!(
                "Missing required parameter in {path}: \"SecurityGroupRuleId\""
            )));
        };
        check_id(args, "sgr", "InvalidSecurityGroupRuleId", rid)?;
        let egress = if group.ingress.iter().any(|r| r.id == rid) {
            false
        } else if group.egress.iter().any(|r| r.id == rid) {
            true
        } else {
            return Err(rule_not_found(args, rid));
        };
        let Some(req) = f
            .iter()
            .find(|(k, _)| k == "SecurityGroupRule")
            .map(|(_, v)| v)
        else {
            return Err(args.err(
                "MissingParameter",
                "The request must contain the parameter SecurityGroupRule",
            ));
        };
        let rp = format!("{path}.SecurityGroupRule");
        let rf = fields(req, &rp, RULE_REQUEST_MEMBERS)?;
        let wanted = rule_request(ctx.account, args, &group, rf, &rp)?;
        changes.push((rid.to_string(), egress, wanted));
    }
    let g = group_mut(ctx.account, args, &gid)?;
    for (rid, egress, w) in changes {
        let list = if egress {
            &mut g.egress
        } else {
            &mut g.ingress
        };
        if list.iter().any(|r| r.id != rid && w.same(r)) {
            return Err(args.err("InvalidPermission.Duplicate", duplicate_message(&w)));
        }
        if let Some(slot) = list.iter_mut().find(|r| r.id == rid) {
            *slot = w.into_rule(rid);
        }
    }
    Ok(json!({"Return": true}))
}

/// A `SecurityGroupRuleRequest`: one protocol, ports and exactly one peer.
fn rule_request(
    acct: &Account,
    args: &Args<'_>,
    group: &SecurityGroup,
    f: &[(String, Sv)],
    path: &str,
) -> Result<Wanted, AwsError> {
    let Some(proto_text) = string_member(f, "IpProtocol", path)? else {
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
    let ports = ports(
        args,
        protocol,
        int_member(f, "FromPort", path)?,
        int_member(f, "ToPort", path)?,
    )?;
    let mut peers = Vec::new();
    if let Some(c) = string_member(f, "CidrIpv4", path)? {
        peers.push(Peer::Cidr(request_cidr(args, c, false)?));
    }
    if let Some(c) = string_member(f, "CidrIpv6", path)? {
        peers.push(Peer::Cidr(request_cidr(args, c, true)?));
    }
    if let Some(p) = string_member(f, "PrefixListId", path)? {
        check_id(args, "pl", "InvalidPrefixListId", p)?;
        peers.push(Peer::PrefixList(p.to_string()));
    }
    if let Some(g) = string_member(f, "ReferencedGroupId", path)? {
        let r = existing_group(acct, args, g)?;
        if r.vpc_id != group.vpc_id {
            return Err(args.err(
                "InvalidGroup.NotFound",
                "You have specified two resources that belong to different networks.",
            ));
        }
        peers.push(Peer::Group(r.id.clone()));
    }
    let peer = match peers.len() {
        0 => {
            return Err(args.err(
                "MissingParameter",
                "Missing source specification: include source security group or CIDR information",
            ))
        }
        1 => peers.remove(0),
        // UNCONFIRMED wording.
        _ => {
            return Err(args.err(
                "InvalidParameterCombination",
                "A security group rule can have only one of CidrIpv4, CidrIpv6, PrefixListId or ReferencedGroupId",
            ))
        }
    };
    let description = string_member(f, "Description", path)?.map(str::to_string);
    if description
        .as_ref()
        .is_some_and(|d| d.chars().count() > 255)
    {
        return Err(args.err(
            "InvalidParameterValue",
            "Invalid rule description. Valid descriptions are strings less than 256 characters",
        ));
    }
    Ok(Wanted {
        protocol,
        ports,
        peer,
        description,
    })
}

fn request_cidr(args: &Args<'_>, text: &str, v6: bool) -> Result<IpNet, AwsError> {
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

pub fn update_descriptions_ingress(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    update_descriptions(ctx, args, false)
}

pub fn update_descriptions_egress(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    update_descriptions(ctx, args, true)
}

/// UpdateSecurityGroupRuleDescriptionsIngress/Egress: by `--ip-permissions` (the rule that
/// matches each permission, description ignored, gets the permission's description; none
/// removes it) or by `--security-group-rule-descriptions`.
fn update_descriptions(
    ctx: &mut Ctx<'_>,
    args: &Args<'_>,
    egress: bool,
) -> Result<Value, AwsError> {
    let gid = target_group(ctx, args)?;
    let group = existing_group(ctx.account, args, &gid)?.clone();
    let rules = if egress {
        &group.egress
    } else {
        &group.ingress
    };
    let mut updates: Vec<(String, Option<String>)> = Vec::new();
    if args.has("ip-permissions") {
        let perms = args.structures("ip-permissions")?;
        for w in wanted_rules(ctx.account, args, &group, &perms, Refs::ShapeOnly)? {
            let Some(r) = rules.iter().find(|r| w.same(r)) else {
                return Err(args.err(
                    "InvalidPermission.NotFound",
                    "The specified rule does not exist in this security group.",
                ));
            };
            updates.push((r.id.clone(), w.description));
        }
    } else if args.has("security-group-rule-descriptions") {
        for (i, v) in args
            .structures("security-group-rule-descriptions")?
            .iter()
            .enumerate()
        {
            let path = format!("SecurityGroupRuleDescriptions[{i}]");
            let f = fields(v, &path, &["SecurityGroupRuleId", "Description"])?;
            let rid = string_member(f, "SecurityGroupRuleId", &path)?.unwrap_or_default();
            check_id(args, "sgr", "InvalidSecurityGroupRuleId", rid)?;
            if !rules.iter().any(|r| r.id == rid) {
                return Err(rule_not_found(args, rid));
            }
            let d = string_member(f, "Description", &path)?.map(str::to_string);
            if d.as_ref().is_some_and(|d| d.chars().count() > 255) {
                return Err(args.err(
                    "InvalidParameterValue",
                    "Invalid rule description. Valid descriptions are strings less than 256 characters",
                ));
            }
            updates.push((rid.to_string(), d));
        }
    } else {
        return Err(args.err(
            "MissingParameter",
            "The request must contain the parameter IpPermissions or SecurityGroupRuleDescriptions",
        ));
    }
    let g = group_mut(ctx.account, args, &gid)?;
    let list = if egress {
        &mut g.egress
    } else {
        &mut g.ingress
    };
    for (rid, d) in updates {
        if let Some(r) = list.iter_mut().find(|r| r.id == rid) {
            r.description = d;
        }
    }
    Ok(json!({"Return": true}))
}
