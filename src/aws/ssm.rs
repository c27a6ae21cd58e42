//! Systems Manager (Session Manager, Run Command, Patch Manager) and EC2 Instance Connect.
//!
//! FACTS (Reaching and patching): SSM needs the agent, credentials with
//! AmazonSSMManagedInstanceCore (an instance profile, or Default Host Management), and
//! outbound HTTPS 443 to the ssm/ssmmessages/ec2messages endpoints — no inbound port. Patch
//! Manager also needs the OS repositories. Instance Connect pushes a key for 60 seconds; IAM
//! decides who may push it; the instance still needs inbound TCP 22.
//!
//! Where AWS's error message is terse, the simulator adds a second line starting `why:` that
//! names the missing prerequisite.

use super::args::Args;
use super::{AwsError, Ctx};
use crate::access;
use crate::model::{Account, Instance, InstanceState, SsmCommand};
use serde_json::{json, Value};

fn uuid(ctx: &mut Ctx<'_>) -> String {
    let a = ctx.ids.next_u64();
    let b = ctx.ids.next_u64();
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

fn instance<'a>(acct: &'a Account, id: &str) -> Option<&'a Instance> {
    acct.instances.iter().find(|i| i.id == id)
}

fn not_managed(args: &Args<'_>, acct: &Account, ids: &[String], why: &[String]) -> AwsError {
    args.err(
        "InvalidInstanceId",
        format!(
            "Instances [[{}]] not in a valid state for account {}\nwhy: {}",
            ids.join(", "),
            acct.account_id,
            why.join("; ")
        ),
    )
}

/// StartSession (Session Manager).
pub fn start_session(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let target = args.str("target").unwrap_or_default();
    let Some(inst) = instance(ctx.account, target) else {
        return Err(args.err(
            "TargetNotConnected",
            format!("{target} is not connected.\nwhy: no instance has that id"),
        ));
    };
    let missing = access::ssm_missing(ctx.account, inst);
    if !missing.is_empty() {
        return Err(args.err(
            "TargetNotConnected",
            format!("{target} is not connected.\nwhy: {}", missing.join("; ")),
        ));
    }
    let session = format!("learner-{:017x}", ctx.ids.next_u64() >> 4);
    Ok(json!({
        "SessionId": session,
        "TokenValue": format!("AAEAA{:016x}", ctx.ids.next_u64()),
        "StreamUrl": format!("wss://ssmmessages.{}.amazonaws.com/v1/data-channel/{session}?role=publish_subscribe", ctx.account.region),
    }))
}

/// DescribeInstanceInformation: the managed instances (PingStatus Online).
pub fn describe_instance_information(
    ctx: &mut Ctx<'_>,
    _args: &Args<'_>,
) -> Result<Value, AwsError> {
    let acct = &*ctx.account;
    let list: Vec<Value> = acct
        .instances
        .iter()
        .filter(|i| access::ssm_missing(acct, i).is_empty())
        .map(|i| {
            json!({
                "InstanceId": i.id,
                "PingStatus": "Online",
                "LastPingDateTime": access::timestamp(acct.now),
                "AgentVersion": "3.3.1142.0",
                "IsLatestVersion": true,
                "PlatformType": if i.platform == crate::net::types::Os::Windows { "Windows" } else { "Linux" },
                "PlatformName": if i.platform == crate::net::types::Os::Windows { "Microsoft Windows Server 2022 Datacenter" } else { "Amazon Linux" },
                "ResourceType": "EC2Instance",
                "IPAddress": i.private_ip.to_string(),
                "ComputerName": format!("ip-{}.ec2.internal", i.private_ip.to_string().replace('.', "-")),
            })
        })
        .collect();
    Ok(json!({"InstanceInformationList": list}))
}

/// SendCommand: AWS-RunShellScript / AWS-RunPowerShellScript, and AWS-RunPatchBaseline
/// (`Operation=Scan|Install`). Every target must be managed; the command then runs at once
/// and its per-instance results are kept for list-command-invocations.
pub fn send_command(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let doc = args.str("document-name").unwrap_or_default().to_string();
    let known = [
        "AWS-RunShellScript",
        "AWS-RunPowerShellScript",
        "AWS-RunPatchBaseline",
    ];
    if !known.contains(&doc.as_str()) {
        return Err(args.err(
            "InvalidDocument",
            format!("Document with name {doc} does not exist."),
        ));
    }
    let ids: Vec<String> = args
        .list("instance-ids")
        .iter()
        .map(|s| s.to_string())
        .collect();
    if ids.is_empty() {
        return Err(args.err(
            "InvalidParameters",
            "Specify either instance IDs or targets.",
        ));
    }
    let params = match args.structure("parameters")? {
        Some(v) => v.to_json(),
        None => json!({}),
    };
    let mut why = Vec::new();
    for id in &ids {
        match instance(ctx.account, id) {
            None => why.push(format!("{id}: no such instance")),
            Some(i) => {
                let m = access::ssm_missing(ctx.account, i);
                if !m.is_empty() {
                    why.push(format!("{id}: {}", m.join("; ")));
                }
            }
        }
    }
    if !why.is_empty() {
        return Err(not_managed(args, ctx.account, &ids, &why));
    }
    let operation = params
        .get("Operation")
        .and_then(|o| match o {
            Value::Array(a) => a.first().and_then(|x| x.as_str()).map(String::from),
            Value::String(s) => Some(s.clone()),
            _ => None,
        })
        .unwrap_or_else(|| "Scan".into());
    if doc == "AWS-RunPatchBaseline" && operation != "Scan" && operation != "Install" {
        return Err(args.err("InvalidParameters", "Operation must be Scan or Install."));
    }
    let mut invocations = Vec::new();
    for id in &ids {
        let Some(i) = ctx.account.instances.iter().position(|x| &x.id == id) else {
            continue;
        };
        let inst = ctx.account.instances[i].clone();
        let (status, output) = if doc == "AWS-RunPatchBaseline" {
            match access::repos_missing(ctx.account, &inst) {
                Some(why) => (
                    "Failed".to_string(),
                    format!("Errors: Failed to download metadata for repo 'amazonlinux': Cannot download repomd.xml: Curl error (28): Timeout was reached\nwhy: {why}"),
                ),
                None => {
                    let missing = inst.details.missing_patches;
                    let d = &mut ctx.account.instances[i].details;
                    if operation == "Install" {
                        d.missing_patches = 0;
                        d.patch_state = Some(("Install".into(), 0));
                        ("Success".to_string(), format!("Installed {missing} missing patches; the instance is compliant with the default patch baseline."))
                    } else {
                        d.patch_state = Some(("Scan".into(), missing));
                        ("Success".to_string(), format!("Scan found {missing} missing patches (run Operation=Install to install them)."))
                    }
                }
            }
        } else {
            ("Success".to_string(), String::new())
        };
        invocations.push((id.clone(), status, output));
    }
    let cid = uuid(ctx);
    let now = ctx.account.now;
    ctx.account.ssm.commands.push(SsmCommand {
        id: cid.clone(),
        document: doc.clone(),
        parameters: params.clone(),
        requested_at: now,
        invocations,
    });
    Ok(json!({"Command": {
        "CommandId": cid,
        "DocumentName": doc,
        "DocumentVersion": "$DEFAULT",
        "Parameters": params,
        "InstanceIds": ids,
        "RequestedDateTime": access::timestamp(now),
        "Status": "Pending",
        "StatusDetails": "Pending",
        "TargetCount": ids.len(),
        "CompletedCount": 0,
        "ErrorCount": 0,
    }}))
}

fn find_command<'a>(
    acct: &'a Account,
    args: &Args<'_>,
    id: &str,
) -> Result<&'a SsmCommand, AwsError> {
    acct.ssm
        .commands
        .iter()
        .find(|c| c.id == id)
        .ok_or_else(|| args.err("InvalidCommandId", ""))
}

pub fn list_command_invocations(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let acct = &*ctx.account;
    let cmds: Vec<&SsmCommand> = match args.str("command-id") {
        Some(id) => vec![find_command(acct, args, id)?],
        None => acct.ssm.commands.iter().collect(),
    };
    let details = args.bool("details") == Some(true);
    let mut out = Vec::new();
    for c in cmds {
        for (iid, status, output) in &c.invocations {
            if args.str("instance-id").is_some_and(|x| x != iid) {
                continue;
            }
            let mut v = json!({
                "CommandId": c.id,
                "InstanceId": iid,
                "InstanceName": "",
                "DocumentName": c.document,
                "RequestedDateTime": access::timestamp(c.requested_at),
                "Status": status,
                "StatusDetails": status,
            });
            if details {
                v["CommandPlugins"] = json!([{"Name": if c.document == "AWS-RunPatchBaseline" { "PatchLinux" } else { "aws:runShellScript" },
                    "Status": status, "ResponseCode": if status == "Success" { 0 } else { 1 }, "Output": output}]);
            }
            out.push(v);
        }
    }
    Ok(json!({"CommandInvocations": out}))
}

pub fn get_command_invocation(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let acct = &*ctx.account;
    let c = find_command(acct, args, args.str("command-id").unwrap_or_default())?;
    let iid = args.str("instance-id").unwrap_or_default();
    let Some((_, status, output)) = c.invocations.iter().find(|(i, _, _)| i == iid) else {
        return Err(args.err("InvocationDoesNotExist", ""));
    };
    Ok(json!({
        "CommandId": c.id,
        "InstanceId": iid,
        "DocumentName": c.document,
        "Status": status,
        "StatusDetails": status,
        "ResponseCode": if status == "Success" { 0 } else { 1 },
        "StandardOutputContent": output,
        "StandardErrorContent": "",
    }))
}

/// DescribeInstancePatchStates: the last Patch Manager run per instance.
pub fn describe_instance_patch_states(
    ctx: &mut Ctx<'_>,
    args: &Args<'_>,
) -> Result<Value, AwsError> {
    let acct = &*ctx.account;
    let ids = args.list("instance-ids");
    let list: Vec<Value> = acct
        .instances
        .iter()
        .filter(|i| ids.contains(&i.id.as_str()))
        .filter_map(|i| {
            let (op, missing) = i.details.patch_state.clone()?;
            Some(json!({
                "InstanceId": i.id,
                "PatchGroup": "",
                "BaselineId": "pb-0e392de35e7c563b7",
                "Operation": op,
                "MissingCount": missing,
                "InstalledCount": 412,
                "FailedCount": 0,
                "OperationEndTime": access::timestamp(acct.now),
            }))
        })
        .collect();
    Ok(json!({"InstancePatchStates": list}))
}

/// UpdateServiceSetting for Default Host Management Configuration.
pub fn update_service_setting(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let id = args.str("setting-id").unwrap_or_default();
    if !id.ends_with("/ssm/managed-instance/default-ec2-instance-management-role") {
        return Err(args.err(
            "ServiceSettingNotFound",
            format!("Setting {id} is not found."),
        ));
    }
    let v = args.str("setting-value").unwrap_or_default();
    ctx.account.ssm.default_host_management = !v.is_empty();
    Ok(json!({}))
}

/// EC2 Instance Connect SendSSHPublicKey: the key sits in the instance metadata for 60
/// seconds for that OS user. RSA (2048 or 4096 bits) and ED25519 keys.
pub fn send_ssh_public_key(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let id = args.str("instance-id").unwrap_or_default();
    let user = args.str("instance-os-user").unwrap_or_default().to_string();
    let raw = args.str("ssh-public-key").unwrap_or_default();
    let acct = &*ctx.account;
    let Some(idx) = acct.instances.iter().position(|i| i.id == id) else {
        return Err(args.err(
            "EC2InstanceNotFoundException",
            format!("Instance not found: {id}"),
        ));
    };
    let public = match raw
        .strip_prefix("file://")
        .or_else(|| raw.strip_prefix("fileb://"))
    {
        Some(path) => {
            let stem = super::ec2::keys::local_stem(path);
            match acct.workstation.iter().find(|k| k.name == stem) {
                Some(k) => k.public_key.clone(),
                None => {
                    return Err(AwsError::cli(
                        super::cli_code::PARAM_VALIDATION,
                        format!("Error parsing parameter '--ssh-public-key': Unable to load paramfile {raw}: [Errno 2] No such file or directory: '{path}'"),
                    ))
                }
            }
        }
        None => raw.to_string(),
    };
    let pk = match crate::keys::parse_public(public.as_bytes()) {
        Ok(pk)
            if pk.key_type == crate::keys::KeyType::Ed25519
                || pk.bits == 2048
                || pk.bits == 4096 =>
        {
            pk
        }
        _ => {
            // FACTS: Instance Connect accepts RSA 2048/4096 and ED25519 keys.
            return Err(args.err("InvalidArgsException", "Unsupported key type or key length: use an RSA key of 2048 or 4096 bits, or an ED25519 key"));
        }
    };
    let arn = format!(
        "arn:aws:ec2:{}:{}:instance/{id}",
        acct.region, acct.account_id
    );
    let ctxkeys = crate::iam::Context::default().with("ec2:osuser", &user);
    if crate::iam::caller_may(
        acct,
        "ec2-instance-connect:SendSSHPublicKey",
        &arn,
        &ctxkeys,
    )
    .is_err()
    {
        return Err(args.err(
            "AccessDeniedException",
            format!("User: {} is not authorized to perform: ec2-instance-connect:SendSSHPublicKey on resource: {arn} because no identity-based policy allows the ec2-instance-connect:SendSSHPublicKey action", super::ec2::lifecycle::caller_arn(acct)),
        ));
    }
    if acct.instances[idx].state != InstanceState::Running {
        return Err(args.err(
            "EC2InstanceStateInvalidException",
            "Instance is not in a valid state",
        ));
    }
    let now = acct.now;
    let d = &mut ctx.account.instances[idx].details;
    d.eic_keys.retain(|(_, _, exp)| *exp > now);
    d.eic_keys
        .push((user, pk.openssh, now + access::EIC_KEY_SECONDS));
    Ok(json!({"RequestId": uuid(ctx), "Success": true}))
}
