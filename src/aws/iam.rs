//! IAM commands: roles (trust policy, inline and attached policies), customer managed
//! policies, instance profiles, and simulate-principal-policy.
//!
//! Shapes: IAM/latest/APIReference (API_Role.html, API_InstanceProfile.html,
//! API_EvaluationResult.html). Error codes: NoSuchEntity, EntityAlreadyExists,
//! MalformedPolicyDocument, DeleteConflict, LimitExceeded (IAM/latest/APIReference/CommonErrors
//! and each action's Errors section). FACTS: an instance profile holds one role (fixed limit);
//! the CLI needs create-role, create-instance-profile and add-role-to-instance-profile, and the
//! names may differ.

use super::args::Args;
use super::{AwsError, Ctx};
use crate::iam::{self, managed, Decision};
use crate::model::{Account, IamPolicy, IamRole, InstanceProfile};
use serde_json::{json, Value};

/// A stable IAM unique id (`AROA…`, `AIPA…`, `ANPA…`) for a name.
pub fn unique_id(prefix: &str, name: &str) -> String {
    let d = crate::model::ids::derived("key", prefix, name);
    format!("{prefix}{}", d.get(4..21).unwrap_or("").to_uppercase())
}

fn role_arn(acct: &Account, name: &str) -> String {
    format!("arn:aws:iam::{}:role/{name}", acct.account_id)
}

fn profile_arn(acct: &Account, name: &str) -> String {
    format!("arn:aws:iam::{}:instance-profile/{name}", acct.account_id)
}

fn policy_arn(acct: &Account, name: &str) -> String {
    if managed::NAMES.contains(&name) && !acct.iam.policies.iter().any(|p| p.name == name) {
        managed::arn(name)
    } else {
        format!("arn:aws:iam::{}:policy/{name}", acct.account_id)
    }
}

/// A JSON document given on the command line (inline JSON; `file://` cannot be read here).
fn document(args: &Args<'_>, flag: &str) -> Result<Value, AwsError> {
    let raw = args.str(flag).unwrap_or_default();
    if let Some(path) = raw
        .strip_prefix("file://")
        .or_else(|| raw.strip_prefix("fileb://"))
    {
        return Err(AwsError::cli(
            super::cli_code::PARAM_VALIDATION,
            format!("Error parsing parameter '--{flag}': Unable to load paramfile {raw}: [Errno 2] No such file or directory: '{path}' (this simulator has no files: give the JSON inline, in single quotes)"),
        ));
    }
    serde_json::from_str(raw).map_err(|_| {
        args.err(
            "MalformedPolicyDocument",
            "This policy contains invalid Json",
        )
    })
}

fn role_index(ctx: &Ctx<'_>, args: &Args<'_>, name: &str) -> Result<usize, AwsError> {
    ctx.account
        .iam
        .roles
        .iter()
        .position(|r| r.name == name)
        .ok_or_else(|| {
            args.err(
                "NoSuchEntity",
                format!("The role with name {name} cannot be found."),
            )
        })
}

fn profile_index(ctx: &Ctx<'_>, args: &Args<'_>, name: &str) -> Result<usize, AwsError> {
    ctx.account
        .iam
        .instance_profiles
        .iter()
        .position(|p| p.name == name)
        .ok_or_else(|| {
            args.err(
                "NoSuchEntity",
                format!("Instance Profile {name} cannot be found."),
            )
        })
}

/// IAM's `Role` shape.
pub fn role_json(acct: &Account, r: &IamRole) -> Value {
    json!({
        "Path": "/",
        "RoleName": r.name,
        "RoleId": unique_id("AROA", &r.name),
        "Arn": role_arn(acct, &r.name),
        "CreateDate": crate::access::timestamp(0),
        "AssumeRolePolicyDocument": iam::trust_document(r),
        "MaxSessionDuration": 3600,
    })
}

fn profile_json(acct: &Account, p: &InstanceProfile) -> Value {
    let roles: Vec<Value> = p
        .role
        .iter()
        .filter_map(|r| acct.iam.roles.iter().find(|x| &x.name == r))
        .map(|r| role_json(acct, r))
        .collect();
    json!({
        "Path": "/",
        "InstanceProfileName": p.name,
        "InstanceProfileId": crate::access::profile_id(&p.name),
        "Arn": profile_arn(acct, &p.name),
        "CreateDate": crate::access::timestamp(0),
        "Roles": roles,
    })
}

/// IAM names: up to 64 (roles, profiles) or 128 (policies) of `[\w+=,.@-]`.
fn check_name(args: &Args<'_>, what: &str, name: &str, max: usize) -> Result<(), AwsError> {
    let ok = !name.is_empty()
        && name.len() <= max
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(args.err(
            "ValidationError",
            format!("1 validation error detected: Value '{name}' at '{what}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"),
        ))
    }
}

pub fn create_role(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let name = args.str("role-name").unwrap_or_default();
    check_name(args, "roleName", name, 64)?;
    let doc = document(args, "assume-role-policy-document")?;
    iam::validate_document(&doc, true).map_err(|m| args.err("MalformedPolicyDocument", m))?;
    if ctx.account.iam.roles.iter().any(|r| r.name == name) {
        return Err(args.err(
            "EntityAlreadyExists",
            format!("Role with name {name} already exists."),
        ));
    }
    let role = IamRole {
        name: name.to_string(),
        trust: iam::trusted_services(&doc),
        policies: vec![],
        inline_policies: vec![],
        trust_document: Some(doc),
    };
    let out = json!({"Role": role_json(ctx.account, &role)});
    ctx.account.iam.roles.push(role);
    Ok(out)
}

pub fn get_role(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let i = role_index(ctx, args, args.str("role-name").unwrap_or_default())?;
    let r = &ctx.account.iam.roles[i];
    Ok(json!({"Role": role_json(ctx.account, r)}))
}

pub fn list_roles(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> Result<Value, AwsError> {
    let roles: Vec<Value> = ctx
        .account
        .iam
        .roles
        .iter()
        .map(|r| role_json(ctx.account, r))
        .collect();
    Ok(json!({"Roles": roles}))
}

pub fn update_assume_role_policy(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let i = role_index(ctx, args, args.str("role-name").unwrap_or_default())?;
    let doc = document(args, "policy-document")?;
    iam::validate_document(&doc, true).map_err(|m| args.err("MalformedPolicyDocument", m))?;
    let r = &mut ctx.account.iam.roles[i];
    r.trust = iam::trusted_services(&doc);
    r.trust_document = Some(doc);
    Ok(json!({}))
}

pub fn delete_role(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let name = args.str("role-name").unwrap_or_default();
    let i = role_index(ctx, args, name)?;
    if ctx
        .account
        .iam
        .instance_profiles
        .iter()
        .any(|p| p.role.as_deref() == Some(name))
    {
        return Err(args.err(
            "DeleteConflict",
            "Cannot delete entity, must remove roles from instance profile first.",
        ));
    }
    let r = &ctx.account.iam.roles[i];
    if !r.policies.is_empty() {
        return Err(args.err(
            "DeleteConflict",
            "Cannot delete entity, must detach all policies first.",
        ));
    }
    if !r.inline_policies.is_empty() {
        return Err(args.err(
            "DeleteConflict",
            "Cannot delete entity, must delete policies first.",
        ));
    }
    ctx.account.iam.roles.remove(i);
    Ok(json!({}))
}

pub fn put_role_policy(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let i = role_index(ctx, args, args.str("role-name").unwrap_or_default())?;
    let pname = args.str("policy-name").unwrap_or_default();
    check_name(args, "policyName", pname, 128)?;
    let doc = document(args, "policy-document")?;
    iam::validate_document(&doc, false).map_err(|m| args.err("MalformedPolicyDocument", m))?;
    let r = &mut ctx.account.iam.roles[i];
    // Putting a policy with an existing name replaces it.
    r.inline_policies.retain(|p| p.name != pname);
    r.inline_policies.push(IamPolicy {
        name: pname.to_string(),
        document: doc,
    });
    Ok(json!({}))
}

pub fn get_role_policy(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let rname = args.str("role-name").unwrap_or_default();
    let i = role_index(ctx, args, rname)?;
    let pname = args.str("policy-name").unwrap_or_default();
    let r = &ctx.account.iam.roles[i];
    match r.inline_policies.iter().find(|p| p.name == pname) {
        Some(p) => {
            Ok(json!({"RoleName": rname, "PolicyName": pname, "PolicyDocument": p.document}))
        }
        None => Err(args.err(
            "NoSuchEntity",
            format!("The role policy with name {pname} cannot be found."),
        )),
    }
}

pub fn delete_role_policy(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let i = role_index(ctx, args, args.str("role-name").unwrap_or_default())?;
    let pname = args.str("policy-name").unwrap_or_default();
    let r = &mut ctx.account.iam.roles[i];
    let before = r.inline_policies.len();
    r.inline_policies.retain(|p| p.name != pname);
    if r.inline_policies.len() == before {
        return Err(args.err(
            "NoSuchEntity",
            format!("The role policy with name {pname} cannot be found."),
        ));
    }
    Ok(json!({}))
}

pub fn list_role_policies(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let i = role_index(ctx, args, args.str("role-name").unwrap_or_default())?;
    let names: Vec<&str> = ctx.account.iam.roles[i]
        .inline_policies
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    Ok(json!({"PolicyNames": names}))
}

/// The policy an ARN names: an AWS managed one, or a customer managed one of this account.
fn policy_of_arn(ctx: &Ctx<'_>, args: &Args<'_>, arn: &str) -> Result<String, AwsError> {
    if let Some(n) = managed::name_of_arn(arn) {
        return Ok(n.to_string());
    }
    let prefix = format!("arn:aws:iam::{}:policy/", ctx.account.account_id);
    if let Some(n) = arn.strip_prefix(&prefix) {
        let n = n.rsplit('/').next().unwrap_or(n);
        if ctx.account.iam.policies.iter().any(|p| p.name == n) {
            return Ok(n.to_string());
        }
    }
    if !arn.starts_with("arn:aws:iam::") {
        return Err(args.err("InvalidInput", format!("ARN {arn} is not valid.")));
    }
    Err(args.err(
        "NoSuchEntity",
        format!("Policy {arn} does not exist or is not attachable."),
    ))
}

pub fn attach_role_policy(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let i = role_index(ctx, args, args.str("role-name").unwrap_or_default())?;
    let name = policy_of_arn(ctx, args, args.str("policy-arn").unwrap_or_default())?;
    let r = &mut ctx.account.iam.roles[i];
    // IAM: 10 managed policies per role by default (adjustable to 20).
    if !r.policies.contains(&name) {
        if r.policies.len() >= 10 {
            return Err(args.err(
                "LimitExceeded",
                "Cannot exceed quota for PoliciesPerRole: 10",
            ));
        }
        r.policies.push(name);
    }
    Ok(json!({}))
}

pub fn detach_role_policy(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let i = role_index(ctx, args, args.str("role-name").unwrap_or_default())?;
    let arn = args.str("policy-arn").unwrap_or_default();
    let name = policy_of_arn(ctx, args, arn)?;
    let r = &mut ctx.account.iam.roles[i];
    if !r.policies.contains(&name) {
        return Err(args.err("NoSuchEntity", format!("Policy {arn} was not found.")));
    }
    r.policies.retain(|p| p != &name);
    Ok(json!({}))
}

pub fn list_attached_role_policies(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let i = role_index(ctx, args, args.str("role-name").unwrap_or_default())?;
    let list: Vec<Value> = ctx.account.iam.roles[i]
        .policies
        .iter()
        .map(|p| json!({"PolicyName": p, "PolicyArn": policy_arn(ctx.account, p)}))
        .collect();
    Ok(json!({"AttachedPolicies": list}))
}

pub fn create_policy(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let name = args.str("policy-name").unwrap_or_default();
    check_name(args, "policyName", name, 128)?;
    let doc = document(args, "policy-document")?;
    iam::validate_document(&doc, false).map_err(|m| args.err("MalformedPolicyDocument", m))?;
    if ctx.account.iam.policies.iter().any(|p| p.name == name) {
        return Err(args.err(
            "EntityAlreadyExists",
            format!("A policy called {name} already exists. Duplicate names are not allowed."),
        ));
    }
    ctx.account.iam.policies.push(IamPolicy {
        name: name.to_string(),
        document: doc,
    });
    Ok(json!({"Policy": {
        "PolicyName": name,
        "PolicyId": unique_id("ANPA", name),
        "Arn": format!("arn:aws:iam::{}:policy/{name}", ctx.account.account_id),
        "Path": "/",
        "DefaultVersionId": "v1",
        "AttachmentCount": 0,
        "PermissionsBoundaryUsageCount": 0,
        "IsAttachable": true,
        "CreateDate": crate::access::timestamp(ctx.account.now),
        "UpdateDate": crate::access::timestamp(ctx.account.now),
    }}))
}

pub fn create_instance_profile(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let name = args.str("instance-profile-name").unwrap_or_default();
    check_name(args, "instanceProfileName", name, 128)?;
    if ctx
        .account
        .iam
        .instance_profiles
        .iter()
        .any(|p| p.name == name)
    {
        return Err(args.err(
            "EntityAlreadyExists",
            format!("Instance Profile {name} already exists."),
        ));
    }
    let p = InstanceProfile {
        name: name.to_string(),
        role: None,
    };
    let out = json!({"InstanceProfile": profile_json(ctx.account, &p)});
    ctx.account.iam.instance_profiles.push(p);
    Ok(out)
}

pub fn delete_instance_profile(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let name = args.str("instance-profile-name").unwrap_or_default();
    let i = profile_index(ctx, args, name)?;
    if ctx.account.iam.instance_profiles[i].role.is_some() {
        return Err(args.err(
            "DeleteConflict",
            "Cannot delete entity, must remove roles from instance profile first.",
        ));
    }
    ctx.account.iam.instance_profiles.remove(i);
    Ok(json!({}))
}

pub fn add_role_to_instance_profile(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let pi = profile_index(
        ctx,
        args,
        args.str("instance-profile-name").unwrap_or_default(),
    )?;
    let rname = args.str("role-name").unwrap_or_default();
    role_index(ctx, args, rname)?;
    let p = &mut ctx.account.iam.instance_profiles[pi];
    if p.role.is_some() {
        // FACTS: an instance profile contains one role (fixed limit).
        return Err(args.err(
            "LimitExceeded",
            "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1",
        ));
    }
    p.role = Some(rname.to_string());
    Ok(json!({}))
}

pub fn remove_role_from_instance_profile(
    ctx: &mut Ctx<'_>,
    args: &Args<'_>,
) -> Result<Value, AwsError> {
    let pname = args.str("instance-profile-name").unwrap_or_default();
    let pi = profile_index(ctx, args, pname)?;
    let rname = args.str("role-name").unwrap_or_default();
    role_index(ctx, args, rname)?;
    let p = &mut ctx.account.iam.instance_profiles[pi];
    if p.role.as_deref() != Some(rname) {
        return Err(args.err(
            "NoSuchEntity",
            format!("Role {rname} in Instance Profile {pname} cannot be found."),
        ));
    }
    p.role = None;
    Ok(json!({}))
}

pub fn get_instance_profile(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let i = profile_index(
        ctx,
        args,
        args.str("instance-profile-name").unwrap_or_default(),
    )?;
    Ok(json!({"InstanceProfile": profile_json(ctx.account, &ctx.account.iam.instance_profiles[i])}))
}

pub fn list_instance_profiles(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> Result<Value, AwsError> {
    let list: Vec<Value> = ctx
        .account
        .iam
        .instance_profiles
        .iter()
        .map(|p| profile_json(ctx.account, p))
        .collect();
    Ok(json!({"InstanceProfiles": list}))
}

pub fn list_instance_profiles_for_role(
    ctx: &mut Ctx<'_>,
    args: &Args<'_>,
) -> Result<Value, AwsError> {
    let rname = args.str("role-name").unwrap_or_default();
    role_index(ctx, args, rname)?;
    let list: Vec<Value> = ctx
        .account
        .iam
        .instance_profiles
        .iter()
        .filter(|p| p.role.as_deref() == Some(rname))
        .map(|p| profile_json(ctx.account, p))
        .collect();
    Ok(json!({"InstanceProfiles": list}))
}

/// SimulatePrincipalPolicy for a role (or the learner's own user, `user/…`): every action on
/// every resource, with the statements that decided (IAM/latest/APIReference/
/// API_SimulatePrincipalPolicy.html). Context entries feed the conditions.
pub fn simulate_principal_policy(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let arn = args.str("policy-source-arn").unwrap_or_default();
    let acct = &*ctx.account;
    let role_prefix = format!("arn:aws:iam::{}:role/", acct.account_id);
    let user_prefix = format!("arn:aws:iam::{}:user/", acct.account_id);
    let docs: Vec<(String, Value)> = if let Some(r) = arn.strip_prefix(&role_prefix) {
        let r = r.rsplit('/').next().unwrap_or(r);
        let i = role_index(ctx, args, r)?;
        iam::role_documents(acct, &acct.iam.roles[i])
    } else if arn.starts_with(&user_prefix) {
        match &acct.iam.caller_policies {
            Some(list) => list
                .iter()
                .filter_map(|n| iam::policy_document(acct, n).map(|d| (n.clone(), d)))
                .collect(),
            None => vec![(
                "AdministratorAccess".to_string(),
                managed::document("AdministratorAccess").unwrap_or(Value::Null),
            )],
        }
    } else {
        return Err(args.err(
            "InvalidInput",
            format!(
                "Invalid ARN: {arn} (give a role ARN, arn:aws:iam::{}:role/NAME)",
                acct.account_id
            ),
        ));
    };
    let mut context = iam::Context::default();
    for (i, e) in args.structures("context-entries")?.iter().enumerate() {
        let path = format!("ContextEntries[{i}]");
        let f = super::args::fields(
            e,
            &path,
            &["ContextKeyName", "ContextKeyValues", "ContextKeyType"],
        )?;
        let key = super::args::string_member(f, "ContextKeyName", &path)?.unwrap_or_default();
        let vals = super::args::string_list_member(f, "ContextKeyValues", &path)?;
        context.keys.push((key.to_string(), vals));
    }
    let mut resources: Vec<&str> = args.list("resource-arns");
    if resources.is_empty() {
        resources.push("*");
    }
    let mut results = Vec::new();
    for action in args.list("action-names") {
        for res in &resources {
            let e = iam::evaluate_with(&docs, action, res, &context);
            let decision = match e.decision {
                Decision::Allow => "allowed",
                Decision::ExplicitDeny => "explicitDeny",
                Decision::ImplicitDeny => "implicitDeny",
            };
            let matched: Vec<Value> = e
                .deciding
                .iter()
                .map(|s| {
                    json!({
                        "SourcePolicyId": s.policy,
                        "SourcePolicyType": "IAM Policy",
                        "Sid": s.sid,
                    })
                })
                .collect();
            results.push(json!({
                "EvalActionName": action,
                "EvalResourceName": res,
                "EvalDecision": decision,
                "MatchedStatements": matched,
                "MissingContextValues": [],
                "OrganizationsDecisionDetail": {"AllowedByOrganizations": true},
            }));
        }
    }
    Ok(json!({"EvaluationResults": results, "IsTruncated": false}))
}
