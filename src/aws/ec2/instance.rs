//! Instance and network interface commands: describe-instances, and replacing the security
//! groups of an instance's primary interface (modify-instance-attribute `--groups`,
//! modify-network-interface-attribute `--groups`).
//!
//! Shapes: API_Reservation.html, API_Instance.html (keys in model order). The modify
//! commands return nothing; the CLI prints nothing (`{}`).

use super::super::args::Args;
use super::super::filters::{self, Filter};
use super::super::perm::existing_group;
use super::super::{AwsError, Ctx};
use super::{check_id, name_tags, not_found};
use crate::model::{Instance, InstanceState, RootDevice};
use crate::net::types::Os;
use serde_json::{json, Map, Value};

/// FACTS: 5 security groups per interface (adjustable to 16).
pub const GROUPS_PER_INTERFACE: usize = 5;

/// Checks the groups for an interface in `vpc_id` and returns them without repeats.
fn interface_groups(ctx: &Ctx<'_>, args: &Args<'_>, vpc_id: &str) -> Result<Vec<String>, AwsError> {
    let given = args.list("groups");
    if given.is_empty() {
        // UNCONFIRMED wording: the request names no attribute to change.
        return Err(args.err("InvalidParameterCombination", "No attributes specified."));
    }
    let mut out: Vec<String> = Vec::new();
    for id in given {
        let g = existing_group(ctx.account, args, id)?;
        if g.vpc_id != vpc_id {
            // FACTS: InvalidGroup.NotFound, `… in VPC 'vpc-…'` form.
            return Err(args.err(
                "InvalidGroup.NotFound",
                format!("The security group '{id}' does not exist in VPC '{vpc_id}'"),
            ));
        }
        if !out.iter().any(|x| x == id) {
            out.push(id.to_string());
        }
    }
    if out.len() > GROUPS_PER_INTERFACE {
        return Err(args.err(
            "SecurityGroupsPerInterfaceLimitExceeded",
            "The maximum number of security groups per interface has been reached.",
        ));
    }
    Ok(out)
}

fn instance_index(ctx: &Ctx<'_>, args: &Args<'_>, id: &str) -> Result<usize, AwsError> {
    check_id(args, "i", "InvalidInstanceID", id)?;
    ctx.account
        .instances
        .iter()
        .position(|i| i.id == id)
        .ok_or_else(|| not_found(args, "InvalidInstanceID", "instance", id))
}

/// ModifyInstanceAttribute `--groups`: replaces the primary interface's groups.
pub fn modify_instance_attribute(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let id = args.str("instance-id").unwrap_or_default();
    let idx = instance_index(ctx, args, id)?;
    let vpc = ctx
        .account
        .instances
        .get(idx)
        .map(|i| i.vpc_id.clone())
        .unwrap_or_default();
    let groups = interface_groups(ctx, args, &vpc)?;
    if let Some(i) = ctx.account.instances.get_mut(idx) {
        i.security_groups = groups;
    }
    Ok(json!({}))
}

/// ModifyNetworkInterfaceAttribute `--groups`.
pub fn modify_network_interface_attribute(
    ctx: &mut Ctx<'_>,
    args: &Args<'_>,
) -> Result<Value, AwsError> {
    let eni = args.str("network-interface-id").unwrap_or_default();
    check_id(args, "eni", "InvalidNetworkInterfaceID", eni)?;
    let Some(idx) = ctx.account.instances.iter().position(|i| i.eni_id == eni) else {
        return Err(not_found(
            args,
            "InvalidNetworkInterfaceID",
            "networkInterface",
            eni,
        ));
    };
    let vpc = ctx
        .account
        .instances
        .get(idx)
        .map(|i| i.vpc_id.clone())
        .unwrap_or_default();
    let groups = interface_groups(ctx, args, &vpc)?;
    if let Some(i) = ctx.account.instances.get_mut(idx) {
        i.security_groups = groups;
    }
    Ok(json!({}))
}

const INSTANCE_FILTERS: &[&str] = &[
    "instance-id",
    "instance-state-name",
    "instance-type",
    "vpc-id",
    "subnet-id",
    "private-ip-address",
    "ip-address",
    "instance.group-id",
    "instance.group-name",
    "network-interface.group-id",
    "network-interface.network-interface-id",
    "key-name",
    "tenancy",
    "image-id",
    "availability-zone",
    "tag-key",
    "tag:",
];

fn group_name(ctx: &Ctx<'_>, id: &str) -> String {
    ctx.account
        .group(id)
        .map(|g| g.name.clone())
        .unwrap_or_default()
}

fn instance_matches(ctx: &Ctx<'_>, i: &Instance, f: &Filter) -> bool {
    match f.name.as_str() {
        "instance-id" => f.any([&i.id]),
        "instance-state-name" => f.any([i.state.as_str()]),
        "instance-type" => f.any([&i.instance_type]),
        "vpc-id" => f.any([&i.vpc_id]),
        "subnet-id" => f.any([&i.subnet_id]),
        "private-ip-address" => f.any([i.private_ip.to_string()]),
        "ip-address" => f.any(i.public_ip.iter().map(|a| a.to_string())),
        "instance.group-id" | "network-interface.group-id" => f.any(&i.security_groups),
        "instance.group-name" => f.any(i.security_groups.iter().map(|g| group_name(ctx, g))),
        "network-interface.network-interface-id" => f.any([&i.eni_id]),
        "key-name" => f.any(i.key_name.iter()),
        "tenancy" => f.any([i.tenancy.as_str()]),
        "image-id" => f.any([&i.image_id]),
        "availability-zone" => f.any(
            ctx.account
                .subnet(&i.subnet_id)
                .map(|s| s.availability_zone.clone()),
        ),
        "tag-key" => i.name.is_some() && f.any(["Name"]),
        "tag:Name" => f.any(i.name.iter()),
        _ => false,
    }
}

/// One instance in the API's `Instance` shape (the members this simulator models, in model
/// order).
pub fn instance_json(ctx: &Ctx<'_>, i: &Instance) -> Value {
    let acct = &*ctx.account;
    let groups: Vec<Value> = i
        .security_groups
        .iter()
        .map(|g| json!({"GroupId": g, "GroupName": group_name(ctx, g)}))
        .collect();
    let az = acct
        .subnet(&i.subnet_id)
        .map(|s| s.availability_zone.clone())
        .unwrap_or_default();
    let private_dns = format!(
        "ip-{}.ec2.internal",
        i.private_ip.to_string().replace('.', "-")
    );
    let mut m = Map::new();
    m.insert("Architecture".into(), json!("x86_64"));
    m.insert("BlockDeviceMappings".into(), json!([]));
    m.insert("EbsOptimized".into(), json!(false));
    m.insert("EnaSupport".into(), json!(true));
    m.insert("Hypervisor".into(), json!("xen"));
    if let Some(p) = &i.iam_instance_profile {
        m.insert(
            "IamInstanceProfile".into(),
            json!({"Arn": format!("arn:aws:iam::{}:instance-profile/{p}", acct.account_id)}),
        );
    }
    let mut eni = Map::new();
    if let Some(ip) = i.public_ip {
        eni.insert(
            "Association".into(),
            json!({"IpOwnerId": "amazon", "PublicIp": ip.to_string()}),
        );
    }
    eni.insert("Groups".into(), Value::Array(groups.clone()));
    eni.insert("NetworkInterfaceId".into(), json!(i.eni_id));
    eni.insert("OwnerId".into(), json!(acct.account_id));
    eni.insert("PrivateDnsName".into(), json!(private_dns));
    eni.insert("PrivateIpAddress".into(), json!(i.private_ip.to_string()));
    eni.insert("SourceDestCheck".into(), json!(true));
    eni.insert("Status".into(), json!("in-use"));
    eni.insert("SubnetId".into(), json!(i.subnet_id));
    eni.insert("VpcId".into(), json!(i.vpc_id));
    eni.insert("InterfaceType".into(), json!("interface"));
    m.insert("NetworkInterfaces".into(), json!([Value::Object(eni)]));
    m.insert("RootDeviceName".into(), json!("/dev/xvda"));
    m.insert(
        "RootDeviceType".into(),
        json!(match i.root_device {
            RootDevice::Ebs => "ebs",
            RootDevice::InstanceStore => "instance-store",
        }),
    );
    m.insert("SecurityGroups".into(), Value::Array(groups));
    m.insert("SourceDestCheck".into(), json!(true));
    if i.name.is_some() {
        m.insert("Tags".into(), name_tags(&i.name));
    }
    m.insert("VirtualizationType".into(), json!("hvm"));
    m.insert(
        "MetadataOptions".into(),
        json!({
            "State": "applied",
            "HttpTokens": match i.http_tokens {
                crate::model::HttpTokens::Optional => "optional",
                crate::model::HttpTokens::Required => "required",
            },
            "HttpPutResponseHopLimit": 1,
            "HttpEndpoint": "enabled",
        }),
    );
    m.insert(
        "PlatformDetails".into(),
        json!(match i.platform {
            Os::Linux => "Linux/UNIX",
            Os::Windows => "Windows",
        }),
    );
    m.insert("InstanceId".into(), json!(i.id));
    m.insert("ImageId".into(), json!(i.image_id));
    let (code, state) = match i.state {
        InstanceState::Running => (16, "running"),
        InstanceState::Stopped => (80, "stopped"),
    };
    m.insert("State".into(), json!({"Code": code, "Name": state}));
    m.insert("PrivateDnsName".into(), json!(private_dns));
    m.insert(
        "PublicDnsName".into(),
        json!(match (i.public_ip, i.state) {
            (Some(ip), InstanceState::Running) => format!(
                "ec2-{}.compute-1.amazonaws.com",
                ip.to_string().replace('.', "-")
            ),
            _ => String::new(),
        }),
    );
    if let Some(k) = &i.key_name {
        m.insert("KeyName".into(), json!(k));
    }
    m.insert("AmiLaunchIndex".into(), json!(0));
    m.insert("InstanceType".into(), json!(i.instance_type));
    m.insert(
        "Placement".into(),
        json!({"GroupName": "", "Tenancy": i.tenancy.as_str(), "AvailabilityZone": az}),
    );
    if i.platform == Os::Windows {
        m.insert("Platform".into(), json!("windows"));
    }
    m.insert("Monitoring".into(), json!({"State": "disabled"}));
    m.insert("SubnetId".into(), json!(i.subnet_id));
    m.insert("VpcId".into(), json!(i.vpc_id));
    m.insert("PrivateIpAddress".into(), json!(i.private_ip.to_string()));
    if let (Some(ip), InstanceState::Running) = (i.public_ip, i.state) {
        m.insert("PublicIpAddress".into(), json!(ip.to_string()));
    }
    super::lifecycle::augment_instance_json(acct, i, &mut m);
    Value::Object(m)
}

/// DescribeInstances: one reservation per instance (each was launched on its own), as
/// `{"Reservations": [{"ReservationId", "OwnerId", "Groups": [], "Instances": [...]}]}`.
pub fn describe_instances(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let ids = args.list("instance-ids");
    for id in &ids {
        instance_index(ctx, args, id)?;
    }
    let filters = filters::parse(args, INSTANCE_FILTERS)?;
    let reservations: Vec<Value> = ctx
        .account
        .instances
        .iter()
        .filter(|i| ids.is_empty() || ids.contains(&i.id.as_str()))
        .filter(|i| filters.iter().all(|f| instance_matches(ctx, i, f)))
        .map(|i| {
            // A stable reservation id derived from the instance id.
            let suffix = i.id.strip_prefix("i-").unwrap_or(&i.id);
            json!({
                "ReservationId": format!("r-{suffix}"),
                "OwnerId": ctx.account.account_id,
                "Groups": [],
                "Instances": [instance_json(ctx, i)],
            })
        })
        .collect();
    Ok(json!({"Reservations": reservations}))
}
