//! IAM instance profile associations: associate, replace, disassociate, describe.
//!
//! FACTS (IAM roles for EC2): associate needs the instance running or stopped and without a
//! profile (else IncorrectState `There is an existing association for instance i-…`);
//! replace needs it running; disassociate works running or stopped. A role can be attached
//! to a running instance — no relaunch. Associating needs iam:PassRole.
//! Shape: APIReference/API_IamInstanceProfileAssociation.html.

use super::super::args::Args;
use super::super::filters::{self, Filter};
use super::super::{AwsError, Ctx};
use super::check_id;
use super::lifecycle::{instance_index, pass_role};
use crate::model::{Account, Instance, InstanceState};
use serde_json::{json, Value};

fn association_json(acct: &Account, i: &Instance, state: &str) -> Value {
    let p = i.iam_instance_profile.clone().unwrap_or_default();
    json!({
        "AssociationId": i.details.profile_association_id,
        "InstanceId": i.id,
        "IamInstanceProfile": {
            "Arn": format!("arn:aws:iam::{}:instance-profile/{p}", acct.account_id),
            "Id": crate::access::profile_id(&p),
        },
        "State": state,
    })
}

fn by_association(ctx: &Ctx<'_>, args: &Args<'_>, id: &str) -> Result<usize, AwsError> {
    check_id(args, "iip-assoc", "InvalidAssociationID", id)?;
    ctx.account
        .instances
        .iter()
        .position(|i| i.details.profile_association_id.as_deref() == Some(id))
        .ok_or_else(|| {
            args.err(
                "InvalidAssociationID.NotFound",
                format!("An association with ID {id} does not exist."),
            )
        })
}

pub fn associate(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let id = args.str("instance-id").unwrap_or_default();
    let idx = instance_index(ctx, args, id)?;
    let spec = args
        .structure("iam-instance-profile")?
        .unwrap_or(crate::aws::shorthand::Value::Struct(vec![]));
    let name = pass_role(ctx, args, &spec)?;
    // Running or stopped are both fine (the only states this simulator has).
    if ctx.account.instances[idx].iam_instance_profile.is_some() {
        return Err(args.err(
            "IncorrectState",
            format!("There is an existing association for instance {id}"),
        ));
    }
    let assoc = ctx.fresh_id("iip-assoc");
    let inst = &mut ctx.account.instances[idx];
    inst.iam_instance_profile = Some(name);
    inst.details.profile_association_id = Some(assoc);
    let inst = inst.clone();
    Ok(
        json!({"IamInstanceProfileAssociation": association_json(ctx.account, &inst, "associating")}),
    )
}

pub fn replace(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let assoc = args.str("association-id").unwrap_or_default();
    let idx = by_association(ctx, args, assoc)?;
    let spec = args
        .structure("iam-instance-profile")?
        .unwrap_or(crate::aws::shorthand::Value::Struct(vec![]));
    let name = pass_role(ctx, args, &spec)?;
    let inst = &ctx.account.instances[idx];
    if inst.state != InstanceState::Running {
        // FACTS: ReplaceIamInstanceProfileAssociation needs a running instance.
        // UNCONFIRMED wording.
        return Err(args.err(
            "IncorrectState",
            format!("The instance '{}' is not in the 'running' state: a profile association can be replaced only on a running instance (disassociate and associate instead).", inst.id),
        ));
    }
    let new = ctx.fresh_id("iip-assoc");
    let inst = &mut ctx.account.instances[idx];
    inst.iam_instance_profile = Some(name);
    inst.details.profile_association_id = Some(new);
    let inst = inst.clone();
    Ok(
        json!({"IamInstanceProfileAssociation": association_json(ctx.account, &inst, "associating")}),
    )
}

pub fn disassociate(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let assoc = args.str("association-id").unwrap_or_default();
    let idx = by_association(ctx, args, assoc)?;
    let before = ctx.account.instances[idx].clone();
    let out = association_json(ctx.account, &before, "disassociating");
    let inst = &mut ctx.account.instances[idx];
    inst.iam_instance_profile = None;
    inst.details.profile_association_id = None;
    Ok(json!({"IamInstanceProfileAssociation": out}))
}

const FILTERS: &[&str] = &["instance-id", "state"];

fn matches(i: &Instance, f: &Filter) -> bool {
    match f.name.as_str() {
        "instance-id" => f.any([&i.id]),
        "state" => f.any(["associated"]),
        _ => false,
    }
}

pub fn describe(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let ids = args.list("association-ids");
    for id in &ids {
        by_association(ctx, args, id)?;
    }
    let filters = filters::parse(args, FILTERS)?;
    let list: Vec<Value> = ctx
        .account
        .instances
        .iter()
        .filter(|i| i.details.profile_association_id.is_some() && i.iam_instance_profile.is_some())
        .filter(|i| {
            ids.is_empty()
                || i.details
                    .profile_association_id
                    .as_deref()
                    .is_some_and(|a| ids.contains(&a))
        })
        .filter(|i| filters.iter().all(|f| matches(i, f)))
        .map(|i| association_json(ctx.account, i, "associated"))
        .collect();
    Ok(json!({"IamInstanceProfileAssociations": list}))
}
