//! Security group commands: authorize and revoke (ingress and egress), create, delete,
//! describe groups and rules, modify rules, and update rule descriptions.
//!
//! Response shapes follow the EC2 API reference (API_AuthorizeSecurityGroupIngress.html,
//! API_RevokeSecurityGroupIngress.html, API_DescribeSecurityGroups.html, …) with keys in the
//! API model's order, as the CLI prints them. Errors and limits follow FACTS.md.

use super::super::args::Args;
use super::super::perm::{
    duplicate_message, existing_group, group_by_name, request_permissions, revoked_json, rule_json,
    wanted_json, wanted_rules, Refs, Wanted,
};
use super::super::{AwsError, Ctx};
use super::check_id;
use crate::model::{Account, Peer, SecurityGroup};
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
/// the description. The response also lists `RevokedSecurityGroupRules` (current API).
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

/// Not yet built (step 2 of the issue).
fn todo_command(args: &Args<'_>) -> AwsError {
    args.err(
        "Unsupported",
        format!("{} is not simulated yet", args.spec.name),
    )
}

pub fn create_security_group(_ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    Err(todo_command(args))
}
pub fn delete_security_group(_ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    Err(todo_command(args))
}
pub fn describe_security_groups(_ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    Err(todo_command(args))
}
pub fn describe_security_group_rules(
    _ctx: &mut Ctx<'_>,
    args: &Args<'_>,
) -> Result<Value, AwsError> {
    Err(todo_command(args))
}
pub fn modify_security_group_rules(_ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    Err(todo_command(args))
}
pub fn update_descriptions_ingress(_ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    Err(todo_command(args))
}
pub fn update_descriptions_egress(_ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    Err(todo_command(args))
}
