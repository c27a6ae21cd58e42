//! Instance lifecycle and placement: run-instances, start/stop/terminate, instance metadata
//! options, tenancy (modify-vpc-tenancy, modify-instance-placement), Dedicated Hosts
//! (allocate/describe/release-hosts), and EBS volumes (describe/attach/detach-volume, the
//! tools of the lost-key recovery).
//!
//! FACTS (Tenancy; Key pairs; IAM roles for EC2). State codes: pending 0, running 16,
//! shutting-down 32, stopping 64, stopped 80 (API_InstanceState.html). A terminated instance
//! is removed at once (AWS lists it as `terminated` for about an hour).

use super::super::args::{fields, int_member, string_member, Args};
use super::super::filters::{self, Filter};
use super::super::perm::existing_group;
use super::super::{AwsError, Ctx};
use super::{check_id, not_found};
use crate::model::{
    Account, DedicatedHost, HttpTokens, Instance, InstanceDetails, InstanceState, RootDevice,
    Tenancy, Volume, ROOT_DEVICE,
};
use crate::net::types::Os;
use serde_json::{json, Map, Value};
use std::net::Ipv4Addr;

/// FACTS: `Unsupported` for a configuration like a t2 as a Dedicated Instance.
pub const UNSUPPORTED: &str = "The requested configuration is currently not supported. Please check the documentation for supported configurations.";

/// The learner's IAM identity (used in AccessDenied messages).
pub fn caller_arn(acct: &Account) -> String {
    format!("arn:aws:iam::{}:user/learner", acct.account_id)
}

pub fn instance_index(ctx: &Ctx<'_>, args: &Args<'_>, id: &str) -> Result<usize, AwsError> {
    check_id(args, "i", "InvalidInstanceID", id)?;
    ctx.account
        .instances
        .iter()
        .position(|i| i.id == id)
        .ok_or_else(|| not_found(args, "InvalidInstanceID", "instance", id))
}

fn state_json(s: InstanceState) -> Value {
    match s {
        InstanceState::Running => json!({"Code": 16, "Name": "running"}),
        InstanceState::Stopped => json!({"Code": 80, "Name": "stopped"}),
    }
}

/// Adds what issue 4 models to an instance's `Instance` shape (called by describe-instances).
pub fn augment_instance_json(acct: &Account, i: &Instance, m: &mut Map<String, Value>) {
    let bdm: Vec<Value> = acct
        .volumes
        .iter()
        .filter_map(|v| {
            let (inst, dev) = v.attachment.as_ref()?;
            (inst == &i.id).then(|| {
                json!({"DeviceName": dev, "Ebs": {
                    "AttachTime": crate::access::timestamp(0),
                    "DeleteOnTermination": v.delete_on_termination,
                    "Status": "attached",
                    "VolumeId": v.id}})
            })
        })
        .collect();
    m.insert("BlockDeviceMappings".into(), Value::Array(bdm));
    if let Some(p) = &i.iam_instance_profile {
        m.insert(
            "IamInstanceProfile".into(),
            json!({"Arn": format!("arn:aws:iam::{}:instance-profile/{p}", acct.account_id),
                   "Id": crate::access::profile_id(p)}),
        );
    }
    m.insert(
        "MetadataOptions".into(),
        json!({
            "State": "applied",
            "HttpTokens": match i.http_tokens { HttpTokens::Optional => "optional", HttpTokens::Required => "required" },
            "HttpPutResponseHopLimit": i.details.http_put_response_hop_limit,
            "HttpEndpoint": if i.details.http_endpoint { "enabled" } else { "disabled" },
            "HttpProtocolIpv6": "disabled",
            "InstanceMetadataTags": "disabled",
        }),
    );
    if let (Some(h), Some(Value::Object(p))) = (&i.details.host_id, m.get_mut("Placement")) {
        p.insert("HostId".into(), json!(h));
    }
}

fn instance_out(acct: &Account, i: &Instance, state: Value) -> Value {
    let mut ctx_acct = acct.clone();
    let mut ids = crate::model::ids::IdGen::new(0);
    let c = Ctx {
        account: &mut ctx_acct,
        ids: &mut ids,
    };
    let mut v = super::instance::instance_json(&c, i);
    v["State"] = state;
    v
}

/// True for types that cannot be Dedicated Instances (FACTS: a t2 → Unsupported).
pub fn cannot_be_dedicated(instance_type: &str) -> bool {
    instance_type.starts_with("t2.") || instance_type.starts_with("t1.")
}

fn host_fits(h: &DedicatedHost, instance_type: &str, az: &str) -> bool {
    !h.released
        && h.availability_zone == az
        && (h.instance_type == instance_type
            || instance_type
                .split('.')
                .next()
                .is_some_and(|f| f == h.instance_type))
}

/// Checks a placement for an instance type in an AZ; returns the host id for `host`.
fn place(
    acct: &Account,
    args: &Args<'_>,
    tenancy: Tenancy,
    host_id: Option<&str>,
    instance_type: &str,
    az: &str,
) -> Result<Option<String>, AwsError> {
    match tenancy {
        Tenancy::Default => Ok(None),
        Tenancy::Dedicated => {
            if cannot_be_dedicated(instance_type) {
                return Err(args.err("Unsupported", UNSUPPORTED));
            }
            Ok(None)
        }
        Tenancy::Host => {
            if cannot_be_dedicated(instance_type) {
                return Err(args.err("Unsupported", UNSUPPORTED));
            }
            let found = match host_id {
                Some(h) => {
                    check_id(args, "h", "InvalidHostID", h)?;
                    let Some(host) = acct
                        .dedicated_hosts
                        .iter()
                        .find(|x| x.id == h && !x.released)
                    else {
                        return Err(args.err(
                            "InvalidHostID.NotFound",
                            format!("The host ID '{h}' does not exist"),
                        ));
                    };
                    if !host_fits(host, instance_type, az) {
                        // UNCONFIRMED wording.
                        return Err(args.err(
                            "InsufficientHostCapacity",
                            format!("Dedicated Host {h} is for {} in {}; it cannot run a {instance_type} in {az}.", host.instance_type, host.availability_zone),
                        ));
                    }
                    Some(host.id.clone())
                }
                None => acct
                    .dedicated_hosts
                    .iter()
                    .find(|x| x.auto_placement && host_fits(x, instance_type, az))
                    .map(|x| x.id.clone()),
            };
            match found {
                Some(h) => Ok(Some(h)),
                // UNCONFIRMED wording.
                None => Err(args.err(
                    "InsufficientHostCapacity",
                    format!("There is no Dedicated Host with auto-placement on for {instance_type} in {az}: allocate one (allocate-hosts) or give HostId."),
                )),
            }
        }
    }
}

fn parse_tenancy(args: &Args<'_>, s: &str) -> Result<Tenancy, AwsError> {
    match s {
        "default" => Ok(Tenancy::Default),
        "dedicated" => Ok(Tenancy::Dedicated),
        "host" => Ok(Tenancy::Host),
        other => Err(args.err(
            "InvalidParameterValue",
            format!("Value ({other}) for parameter tenancy is invalid. Valid values: default, dedicated, host"),
        )),
    }
}

/// Checks iam:PassRole for the learner's identity on the profile's role (FACTS: launching or
/// associating with a role needs iam:PassRole), and that the profile exists. Returns the
/// profile name.
pub fn pass_role(
    ctx: &Ctx<'_>,
    args: &Args<'_>,
    spec: &crate::aws::shorthand::Value,
) -> Result<String, AwsError> {
    let f = fields(spec, "IamInstanceProfile", &["Arn", "Name"])?;
    let name = match (
        string_member(f, "Name", "IamInstanceProfile")?,
        string_member(f, "Arn", "IamInstanceProfile")?,
    ) {
        (Some(n), _) => n.to_string(),
        (None, Some(a)) => a.rsplit('/').next().unwrap_or(a).to_string(),
        (None, None) => {
            return Err(args.err("InvalidParameterValue", "Value () for parameter iamInstanceProfile is invalid. Invalid IAM Instance Profile name"));
        }
    };
    let acct = &*ctx.account;
    let Some(p) = acct.iam.instance_profiles.iter().find(|p| p.name == name) else {
        return Err(args.err(
            "InvalidParameterValue",
            format!("Value ({name}) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name"),
        ));
    };
    if let Some(role) = &p.role {
        let arn = format!("arn:aws:iam::{}:role/{role}", acct.account_id);
        if crate::iam::caller_may(acct, "iam:PassRole", &arn, &crate::iam::Context::default())
            .is_err()
        {
            return Err(args.err(
                "UnauthorizedOperation",
                format!("You are not authorized to perform this operation. User: {} is not authorized to perform: iam:PassRole on resource: {arn} because no identity-based policy allows the iam:PassRole action", caller_arn(acct)),
            ));
        }
    }
    Ok(name)
}

fn free_ip(acct: &Account, subnet: &crate::model::Subnet) -> Option<Ipv4Addr> {
    let first = u32::from(subnet.cidr.network());
    let last = u32::from(subnet.cidr.broadcast());
    (first + 4..last)
        .map(Ipv4Addr::from)
        .find(|a| !acct.instances.iter().any(|i| i.private_ip == *a))
}

fn fresh_public_ip(ctx: &mut Ctx<'_>) -> Ipv4Addr {
    loop {
        let n = ctx.ids.next_u64();
        let ip = Ipv4Addr::new(
            54,
            160 + (n % 64) as u8,
            (n >> 8) as u8,
            1 + ((n >> 16) % 254) as u8,
        );
        if !ctx
            .account
            .instances
            .iter()
            .any(|i| i.public_ip == Some(ip))
        {
            return ip;
        }
    }
}

fn patches_at_boot(user_data: &str) -> bool {
    let u = user_data.to_lowercase();
    [
        "yum update -y",
        "yum -y update",
        "dnf update -y",
        "dnf -y update",
        "dnf upgrade -y",
        "apt-get upgrade -y",
        "apt-get -y upgrade",
    ]
    .iter()
    .any(|p| u.contains(p))
}

/// RunInstances.
pub fn run_instances(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let image_id = args.str("image-id").unwrap_or_default();
    check_id(args, "ami", "InvalidAMIID", image_id)?;
    let (platform, root_device) = match ctx.account.image(image_id) {
        Some(img) => (img.platform, img.root_device),
        // SPEC §5: any well-formed ami- id is an Amazon Linux image (EBS-backed).
        None => (Os::Linux, RootDevice::Ebs),
    };
    let instance_type = args.str("instance-type").unwrap_or("m1.small").to_string();
    if !instance_type.contains('.') {
        return Err(args.err(
            "InvalidParameterValue",
            format!("Invalid value '{instance_type}' for InstanceType."),
        ));
    }
    // Count: --count N or MIN:MAX (the CLI's customization), or --min-count/--max-count.
    let count = match args.str("count") {
        Some(c) => {
            let max = c.rsplit(':').next().unwrap_or(c);
            super::super::args::py_int(max)?
        }
        None => args
            .int("max-count")?
            .or(args.int("min-count")?)
            .unwrap_or(1),
    };
    if !(1..=20).contains(&count) {
        return Err(args.err("InvalidParameterValue", format!("Value ({count}) for parameter maxCount is invalid. Expected a value between 1 and 20.")));
    }
    // Subnet: the one given, else the default VPC's first subnet.
    let subnet = match args.str("subnet-id") {
        Some(s) => {
            check_id(args, "subnet", "InvalidSubnetID", s)?;
            ctx.account.subnet(s).cloned().ok_or_else(|| {
                args.err(
                    "InvalidSubnetID.NotFound",
                    format!("The subnet ID '{s}' does not exist"),
                )
            })?
        }
        None => {
            let vpc = ctx
                .account
                .vpcs
                .iter()
                .find(|v| v.is_default)
                .map(|v| v.id.clone());
            match vpc.and_then(|v| ctx.account.subnets.iter().find(|s| s.vpc_id == v).cloned()) {
                Some(s) => s,
                None => return Err(args.err("VPCIdNotSpecified", "No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.")),
            }
        }
    };
    let vpc = ctx.account.vpc(&subnet.vpc_id).cloned();
    let vpc_tenancy = vpc.as_ref().map(|v| v.tenancy).unwrap_or(Tenancy::Default);
    // Groups: those given (same VPC), else the VPC's default group.
    let mut groups = Vec::new();
    for g in args.list("security-group-ids") {
        let grp = existing_group(ctx.account, args, g)?;
        if grp.vpc_id != subnet.vpc_id {
            return Err(args.err(
                "InvalidParameter",
                format!(
                    "Security group {g} and subnet {} belong to different networks.",
                    subnet.id
                ),
            ));
        }
        if !groups.contains(&g.to_string()) {
            groups.push(g.to_string());
        }
    }
    if groups.is_empty() {
        if let Some(d) = ctx.account.default_group_of(&subnet.vpc_id) {
            groups.push(d.id.clone());
        }
    }
    if groups.len() > super::instance::GROUPS_PER_INTERFACE {
        return Err(args.err(
            "SecurityGroupsPerInterfaceLimitExceeded",
            "The maximum number of security groups per interface has been reached.",
        ));
    }
    // Key pair.
    let key_name = args.str("key-name").map(String::from);
    let key = match &key_name {
        Some(k) => match ctx.account.key_pairs.iter().find(|p| &p.name == k) {
            Some(p) => Some(p.clone()),
            None => {
                return Err(args.err(
                    "InvalidKeyPair.NotFound",
                    format!("The key pair '{k}' does not exist"),
                ))
            }
        },
        None => None,
    };
    if platform == Os::Windows && key.as_ref().is_some_and(|k| k.key_type == "ed25519") {
        // FACTS: ED25519 is not supported for Windows instances. UNCONFIRMED code.
        return Err(args.err(
            "InvalidParameterValue",
            "ED25519 key pairs are not supported with Windows AMIs. Choose an RSA key pair.",
        ));
    }
    // Instance profile (needs iam:PassRole).
    let profile = match args.structure("iam-instance-profile")? {
        Some(spec) => Some(pass_role(ctx, args, &spec)?),
        None => None,
    };
    // Placement and tenancy.
    let (mut tenancy, mut host_id) = (None, None);
    if let Some(p) = args.structure("placement")? {
        let f = fields(
            &p,
            "Placement",
            &[
                "AvailabilityZone",
                "Affinity",
                "GroupName",
                "PartitionNumber",
                "HostId",
                "Tenancy",
                "SpreadDomain",
                "HostResourceGroupArn",
                "GroupId",
            ],
        )?;
        if let Some(t) = string_member(f, "Tenancy", "Placement")? {
            tenancy = Some(parse_tenancy(args, t)?);
        }
        host_id = string_member(f, "HostId", "Placement")?.map(String::from);
        if let Some(az) = string_member(f, "AvailabilityZone", "Placement")? {
            if az != subnet.availability_zone {
                return Err(args.err("InvalidParameterValue", format!("Value ({az}) for parameter availabilityZone is invalid. Subnet {} is in {}.", subnet.id, subnet.availability_zone)));
            }
        }
    }
    if host_id.is_some() && tenancy.is_none() {
        tenancy = Some(Tenancy::Host);
    }
    // FACTS: in a dedicated VPC every instance is dedicated (`host` is possible).
    let tenancy = match (vpc_tenancy, tenancy) {
        (Tenancy::Dedicated, None | Some(Tenancy::Default)) => Tenancy::Dedicated,
        (_, Some(t)) => t,
        (_, None) => Tenancy::Default,
    };
    let host = place(
        ctx.account,
        args,
        tenancy,
        host_id.as_deref(),
        &instance_type,
        &subnet.availability_zone,
    )?;
    // Metadata options.
    let mut http_tokens = HttpTokens::Optional;
    let mut details = InstanceDetails::default();
    if let Some(m) = args.structure("metadata-options")? {
        let f = fields(
            &m,
            "MetadataOptions",
            &[
                "HttpTokens",
                "HttpPutResponseHopLimit",
                "HttpEndpoint",
                "HttpProtocolIpv6",
                "InstanceMetadataTags",
            ],
        )?;
        if let Some(t) = string_member(f, "HttpTokens", "MetadataOptions")? {
            http_tokens = tokens(args, t)?;
        }
        if let Some(h) = int_member(f, "HttpPutResponseHopLimit", "MetadataOptions")? {
            details.http_put_response_hop_limit = hop_limit(args, h)?;
        }
        if let Some(e) = string_member(f, "HttpEndpoint", "MetadataOptions")? {
            details.http_endpoint = endpoint(args, e)?;
        }
    }
    let name = tag_name(args)?;
    let user_data = args.str("user-data").unwrap_or_default().to_string();
    let public = match args.bool("associate-public-ip-address") {
        Some(b) => b,
        None => {
            vpc.as_ref().is_some_and(|v| v.is_default)
                && subnet.route_internet == crate::model::InternetRoute::Igw
        }
    };
    let reservation = ctx.fresh_id("r");
    let mut out = Vec::new();
    for _ in 0..count {
        let Some(ip) = free_ip(ctx.account, &subnet) else {
            return Err(args.err("InsufficientFreeAddressesInSubnet", format!("There are not enough free addresses in subnet '{}' to satisfy the requested number of instances.", subnet.id)));
        };
        let id = ctx.fresh_id("i");
        let eni = ctx.fresh_id("eni");
        let public_ip = public.then(|| fresh_public_ip(ctx));
        let mut d = details.clone();
        d.host_id = host.clone();
        d.launch_public_key = key.as_ref().and_then(|k| k.public_key.clone());
        // FACTS: at first boot the launch key is written to ~/.ssh/authorized_keys.
        let authorized: Vec<String> = d.launch_public_key.iter().cloned().collect();
        if platform == Os::Windows {
            d.admin_password = Some(crate::scenario::load::password_from(ctx.ids.next_u64()));
        }
        if let Some(_p) = &profile {
            d.profile_association_id = Some(ctx.fresh_id("iip-assoc"));
        }
        // A fresh image is current; user data such as `yum update -y` runs at first boot only.
        d.missing_patches = 0;
        let _ = patches_at_boot(&user_data);
        match root_device {
            RootDevice::Ebs => {
                let vol = ctx.fresh_id("vol");
                d.root_volume_id = Some(vol.clone());
                ctx.account.volumes.push(Volume {
                    id: vol,
                    size_gib: 8,
                    availability_zone: subnet.availability_zone.clone(),
                    attachment: Some((id.clone(), ROOT_DEVICE.into())),
                    authorized_keys: authorized,
                    delete_on_termination: true,
                });
            }
            RootDevice::InstanceStore => d.store_authorized_keys = authorized,
        }
        let image = image_id.to_string();
        let inst = Instance {
            id: id.clone(),
            name: name.clone(),
            subnet_id: subnet.id.clone(),
            vpc_id: subnet.vpc_id.clone(),
            eni_id: eni,
            private_ip: ip,
            public_ip,
            security_groups: groups.clone(),
            instance_type: instance_type.clone(),
            image_id: image,
            tenancy,
            platform,
            state: InstanceState::Running,
            root_device,
            key_name: key_name.clone(),
            iam_instance_profile: profile.clone(),
            http_tokens,
            ssm_agent: platform == Os::Linux || platform == Os::Windows,
            user_data: user_data.clone(),
            details: d,
        };
        ctx.account.instances.push(inst);
        let i = ctx.account.instances.last().cloned();
        if let Some(i) = i {
            out.push(instance_out(
                ctx.account,
                &i,
                json!({"Code": 0, "Name": "pending"}),
            ));
        }
    }
    Ok(json!({
        "Groups": [],
        "Instances": out,
        "OwnerId": ctx.account.account_id,
        "ReservationId": reservation,
    }))
}

fn tag_name(args: &Args<'_>) -> Result<Option<String>, AwsError> {
    for (i, t) in args.structures("tag-specifications")?.iter().enumerate() {
        let path = format!("TagSpecifications[{i}]");
        let f = fields(t, &path, &["ResourceType", "Tags"])?;
        for tag in super::super::args::list_member(f, "Tags") {
            let tf = fields(tag, &format!("{path}.Tags"), &["Key", "Value"])?;
            if string_member(tf, "Key", &path)? == Some("Name") {
                return Ok(string_member(tf, "Value", &path)?.map(String::from));
            }
        }
    }
    Ok(None)
}

fn tokens(args: &Args<'_>, t: &str) -> Result<HttpTokens, AwsError> {
    match t {
        "optional" => Ok(HttpTokens::Optional),
        "required" => Ok(HttpTokens::Required),
        other => Err(args.err("InvalidParameterValue", format!("Value ({other}) for parameter HttpTokens is invalid. Valid values: optional, required"))),
    }
}

fn hop_limit(args: &Args<'_>, h: i64) -> Result<u8, AwsError> {
    // FACTS: hop limit 1–64.
    if (1..=64).contains(&h) {
        Ok(h as u8)
    } else {
        Err(args.err(
            "InvalidParameterValue",
            format!(
                "Value ({h}) for parameter HttpPutResponseHopLimit is invalid. Valid range: 1-64"
            ),
        ))
    }
}

fn endpoint(args: &Args<'_>, e: &str) -> Result<bool, AwsError> {
    match e {
        "enabled" => Ok(true),
        "disabled" => Ok(false),
        other => Err(args.err("InvalidParameterValue", format!("Value ({other}) for parameter HttpEndpoint is invalid. Valid values: enabled, disabled"))),
    }
}

/// `[{"CurrentState", "InstanceId", "PreviousState"}]` for start/stop/terminate.
fn change(id: &str, prev: InstanceState, code: u8, name: &str) -> Value {
    json!({"CurrentState": {"Code": code, "Name": name}, "InstanceId": id, "PreviousState": state_json(prev)})
}

pub fn start_instances(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let mut out = Vec::new();
    for id in args.list("instance-ids") {
        let idx = instance_index(ctx, args, id)?;
        let inst = ctx.account.instances[idx].clone();
        if inst.root_device == RootDevice::Ebs
            && !ctx.account.volumes.iter().any(|v| {
                v.attachment
                    .as_ref()
                    .is_some_and(|(i, d)| i == id && d == ROOT_DEVICE)
            })
        {
            return Err(args.err(
                "IncorrectInstanceState",
                format!("Invalid value '{id}' for instanceId. Instance does not have a volume attached at root ({ROOT_DEVICE})"),
            ));
        }
        if inst.state == InstanceState::Running {
            out.push(change(id, inst.state, 16, "running"));
            continue;
        }
        if inst.tenancy == Tenancy::Host {
            let az = ctx
                .account
                .subnet(&inst.subnet_id)
                .map(|s| s.availability_zone.clone())
                .unwrap_or_default();
            let host = place(
                ctx.account,
                args,
                Tenancy::Host,
                inst.details.host_id.as_deref(),
                &inst.instance_type,
                &az,
            )?;
            ctx.account.instances[idx].details.host_id = host;
        }
        ctx.account.instances[idx].state = InstanceState::Running;
        out.push(change(id, inst.state, 0, "pending"));
    }
    Ok(json!({"StartingInstances": out}))
}

pub fn stop_instances(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let mut out = Vec::new();
    for id in args.list("instance-ids") {
        let idx = instance_index(ctx, args, id)?;
        let inst = &mut ctx.account.instances[idx];
        if inst.root_device == RootDevice::InstanceStore {
            // FACTS: an instance-store root cannot be stopped (so there is no key recovery).
            return Err(args.err(
                "UnsupportedOperation",
                format!("The instance '{id}' does not have an 'ebs' root device type and cannot be stopped."),
            ));
        }
        let prev = inst.state;
        inst.state = InstanceState::Stopped;
        // Session tokens and pushed keys live in the running instance's memory.
        inst.details.imds_tokens.clear();
        inst.details.eic_keys.clear();
        out.push(change(
            id,
            prev,
            if prev == InstanceState::Running {
                64
            } else {
                80
            },
            if prev == InstanceState::Running {
                "stopping"
            } else {
                "stopped"
            },
        ));
    }
    Ok(json!({"StoppingInstances": out}))
}

pub fn terminate_instances(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let mut out = Vec::new();
    for id in args.list("instance-ids") {
        let idx = instance_index(ctx, args, id)?;
        let inst = ctx.account.instances.remove(idx);
        ctx.account.volumes.retain(|v| {
            !(v.delete_on_termination && v.attachment.as_ref().is_some_and(|(i, _)| i == id))
        });
        for v in &mut ctx.account.volumes {
            if v.attachment.as_ref().is_some_and(|(i, _)| i == id) {
                v.attachment = None;
            }
        }
        out.push(change(id, inst.state, 32, "shutting-down"));
    }
    Ok(json!({"TerminatingInstances": out}))
}

/// ModifyInstanceMetadataOptions (HttpTokens, hop limit 1–64, endpoint).
pub fn modify_instance_metadata_options(
    ctx: &mut Ctx<'_>,
    args: &Args<'_>,
) -> Result<Value, AwsError> {
    let id = args.str("instance-id").unwrap_or_default();
    let idx = instance_index(ctx, args, id)?;
    let t = args
        .str("http-tokens")
        .map(|t| tokens(args, t))
        .transpose()?;
    let h = args
        .int("http-put-response-hop-limit")?
        .map(|h| hop_limit(args, h))
        .transpose()?;
    let e = args
        .str("http-endpoint")
        .map(|e| endpoint(args, e))
        .transpose()?;
    let inst = &mut ctx.account.instances[idx];
    if let Some(t) = t {
        inst.http_tokens = t;
    }
    if let Some(h) = h {
        inst.details.http_put_response_hop_limit = h;
    }
    if let Some(e) = e {
        inst.details.http_endpoint = e;
    }
    Ok(json!({"InstanceId": id, "InstanceMetadataOptions": {
        "State": "pending",
        "HttpTokens": match inst.http_tokens { HttpTokens::Optional => "optional", HttpTokens::Required => "required" },
        "HttpPutResponseHopLimit": inst.details.http_put_response_hop_limit,
        "HttpEndpoint": if inst.details.http_endpoint { "enabled" } else { "disabled" },
        "HttpProtocolIpv6": "disabled",
        "InstanceMetadataTags": "disabled",
    }}))
}

/// ModifyVpcTenancy: only `default` is accepted; existing instances keep their tenancy
/// (FACTS; APIReference/API_ModifyVpcTenancy.html).
pub fn modify_vpc_tenancy(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let id = args.str("vpc-id").unwrap_or_default();
    check_id(args, "vpc", "InvalidVpcID", id)?;
    let t = args.str("instance-tenancy").unwrap_or_default();
    if t != "default" {
        // UNCONFIRMED wording; the API's only valid value is `default`.
        return Err(args.err("InvalidParameterValue", format!("Value ({t}) for parameter instanceTenancy is invalid. The only valid value is default.")));
    }
    let Some(v) = ctx.account.vpcs.iter_mut().find(|v| v.id == id) else {
        return Err(args.err(
            "InvalidVpcID.NotFound",
            format!("The vpc ID '{id}' does not exist"),
        ));
    };
    v.tenancy = Tenancy::Default;
    Ok(json!({"ReturnValue": true}))
}

/// ModifyInstancePlacement: the instance must be stopped; tenancy moves between dedicated and
/// host (FACTS: default ↔ dedicated is refused here); a HostId targets a Dedicated Host.
pub fn modify_instance_placement(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let id = args.str("instance-id").unwrap_or_default();
    let idx = instance_index(ctx, args, id)?;
    let inst = ctx.account.instances[idx].clone();
    if inst.state != InstanceState::Stopped {
        // UNCONFIRMED wording.
        return Err(args.err(
            "IncorrectInstanceState",
            format!("The instance '{id}' is not in the 'stopped' state."),
        ));
    }
    let host_id = args.str("host-id");
    let tenancy = match args.str("tenancy") {
        Some(t) => parse_tenancy(args, t)?,
        None if host_id.is_some() => Tenancy::Host,
        None => inst.tenancy,
    };
    if tenancy != inst.tenancy && (tenancy == Tenancy::Default || inst.tenancy == Tenancy::Default)
    {
        // UNCONFIRMED code and wording (FACTS: treat default ↔ dedicated changes as refused).
        return Err(args.err(
            "InvalidParameterCombination",
            format!("The tenancy of instance '{id}' can be changed only between dedicated and host (it is {}).", inst.tenancy.as_str()),
        ));
    }
    let az = ctx
        .account
        .subnet(&inst.subnet_id)
        .map(|s| s.availability_zone.clone())
        .unwrap_or_default();
    let host = place(
        ctx.account,
        args,
        tenancy,
        host_id,
        &inst.instance_type,
        &az,
    )?;
    let i = &mut ctx.account.instances[idx];
    i.tenancy = tenancy;
    i.details.host_id = host;
    Ok(json!({"Return": true}))
}

/// AllocateHosts.
pub fn allocate_hosts(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let kind = match (args.str("instance-type"), args.str("instance-family")) {
        (Some(t), None) => t.to_string(),
        (None, Some(f)) => f.to_string(),
        (Some(_), Some(_)) => {
            return Err(args.err(
                "InvalidParameterCombination",
                "Specify either instance type or instance family, not both.",
            ))
        }
        (None, None) => {
            return Err(args.err(
                "MissingParameter",
                "The request must contain the parameter instanceType or instanceFamily",
            ))
        }
    };
    if kind.starts_with("t2") {
        return Err(args.err(
            "InvalidParameterValue",
            format!("Invalid instance type {kind}: Dedicated Hosts are not available for T2."),
        ));
    }
    let az = args
        .str("availability-zone")
        .unwrap_or_default()
        .to_string();
    let n = args.int("quantity")?.unwrap_or(1);
    if !(1..=10).contains(&n) {
        return Err(args.err(
            "InvalidParameterValue",
            format!("Value ({n}) for parameter quantity is invalid."),
        ));
    }
    let auto = args.str("auto-placement") == Some("on");
    let mut ids = Vec::new();
    for _ in 0..n {
        let id = ctx.fresh_id("h");
        ctx.account.dedicated_hosts.push(DedicatedHost {
            id: id.clone(),
            instance_type: kind.clone(),
            availability_zone: az.clone(),
            auto_placement: auto,
            released: false,
        });
        ids.push(id);
    }
    Ok(json!({"HostIds": ids}))
}

pub fn describe_hosts(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let want = args.list("host-ids");
    let acct = &*ctx.account;
    let hosts: Vec<Value> = acct
        .dedicated_hosts
        .iter()
        .filter(|h| want.is_empty() || want.contains(&h.id.as_str()))
        .map(|h| {
            let on: Vec<Value> = acct
                .instances
                .iter()
                .filter(|i| i.details.host_id.as_deref() == Some(h.id.as_str()) && i.state == InstanceState::Running)
                .map(|i| json!({"InstanceId": i.id, "InstanceType": i.instance_type, "OwnerId": acct.account_id}))
                .collect();
            let mut props = json!({"Cores": 24, "Sockets": 2, "TotalVCpus": 48});
            if h.instance_type.contains('.') {
                props["InstanceType"] = json!(h.instance_type);
            } else {
                props["InstanceFamily"] = json!(h.instance_type);
            }
            json!({
                "AutoPlacement": if h.auto_placement { "on" } else { "off" },
                "AvailabilityZone": h.availability_zone,
                "HostId": h.id,
                "HostProperties": props,
                "Instances": on,
                "State": if h.released { "released" } else { "available" },
                "OwnerId": acct.account_id,
                "AllowsMultipleInstanceTypes": if h.instance_type.contains('.') { "off" } else { "on" },
            })
        })
        .collect();
    Ok(json!({"Hosts": hosts}))
}

pub fn release_hosts(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let (mut ok, mut bad) = (Vec::new(), Vec::new());
    for id in args.list("host-ids") {
        let busy = ctx
            .account
            .instances
            .iter()
            .any(|i| i.details.host_id.as_deref() == Some(id));
        match ctx.account.dedicated_hosts.iter_mut().find(|h| h.id == id && !h.released) {
            Some(h) if !busy => {
                h.released = true;
                ok.push(json!(id));
            }
            Some(_) => bad.push(json!({"Error": {"Code": "Client.InvalidHost.Occupied", "Message": format!("Dedicated host {id} has instances")}, "ResourceId": id})),
            None => bad.push(json!({"Error": {"Code": "Client.InvalidHostID.NotFound", "Message": format!("The host ID '{id}' does not exist")}, "ResourceId": id})),
        }
    }
    Ok(json!({"Successful": ok, "Unsuccessful": bad}))
}

const VOLUME_FILTERS: &[&str] = &[
    "volume-id",
    "attachment.instance-id",
    "attachment.device",
    "status",
    "availability-zone",
];

fn volume_status(v: &Volume) -> &'static str {
    if v.attachment.is_some() {
        "in-use"
    } else {
        "available"
    }
}

fn volume_matches(v: &Volume, f: &Filter) -> bool {
    match f.name.as_str() {
        "volume-id" => f.any([&v.id]),
        "attachment.instance-id" => f.any(v.attachment.iter().map(|a| a.0.clone())),
        "attachment.device" => f.any(v.attachment.iter().map(|a| a.1.clone())),
        "status" => f.any([volume_status(v)]),
        "availability-zone" => f.any([&v.availability_zone]),
        _ => false,
    }
}

pub fn describe_volumes(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let want = args.list("volume-ids");
    for id in &want {
        check_id(args, "vol", "InvalidVolumeID", id)?;
        if !ctx.account.volumes.iter().any(|v| v.id == *id) {
            return Err(args.err(
                "InvalidVolume.NotFound",
                format!("The volume '{id}' does not exist."),
            ));
        }
    }
    let filters = filters::parse(args, VOLUME_FILTERS)?;
    let list: Vec<Value> = ctx
        .account
        .volumes
        .iter()
        .filter(|v| want.is_empty() || want.contains(&v.id.as_str()))
        .filter(|v| filters.iter().all(|f| volume_matches(v, f)))
        .map(|v| {
            let att: Vec<Value> = v
                .attachment
                .iter()
                .map(|(i, d)| json!({"AttachTime": crate::access::timestamp(0), "Device": d, "InstanceId": i, "State": "attached", "VolumeId": v.id, "DeleteOnTermination": v.delete_on_termination}))
                .collect();
            json!({"Attachments": att, "AvailabilityZone": v.availability_zone, "CreateTime": crate::access::timestamp(0),
                   "Encrypted": false, "Size": v.size_gib, "SnapshotId": "", "State": volume_status(v), "VolumeId": v.id,
                   "Iops": 3000, "VolumeType": "gp3", "MultiAttachEnabled": false, "Throughput": 125})
        })
        .collect();
    Ok(json!({"Volumes": list}))
}

fn volume_index(ctx: &Ctx<'_>, args: &Args<'_>, id: &str) -> Result<usize, AwsError> {
    check_id(args, "vol", "InvalidVolumeID", id)?;
    ctx.account
        .volumes
        .iter()
        .position(|v| v.id == id)
        .ok_or_else(|| {
            args.err(
                "InvalidVolume.NotFound",
                format!("The volume '{id}' does not exist."),
            )
        })
}

/// DetachVolume: a root volume only from a stopped instance (FACTS: the recovery stops the
/// instance first).
pub fn detach_volume(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let id = args.str("volume-id").unwrap_or_default();
    let vi = volume_index(ctx, args, id)?;
    let Some((inst_id, dev)) = ctx.account.volumes[vi].attachment.clone() else {
        return Err(args.err(
            "IncorrectState",
            format!("Volume '{id}' is in the 'available' state."),
        ));
    };
    if let Some(want) = args.str("instance-id") {
        if want != inst_id {
            return Err(args.err(
                "InvalidAttachment.NotFound",
                format!("Volume '{id}' is not attached to instance '{want}'."),
            ));
        }
    }
    let running = ctx
        .account
        .instance(&inst_id)
        .is_some_and(|i| i.state == InstanceState::Running);
    if dev == ROOT_DEVICE && running {
        return Err(args.err(
            "IncorrectState",
            format!("Unable to detach root volume '{id}' from instance '{inst_id}'"),
        ));
    }
    ctx.account.volumes[vi].attachment = None;
    Ok(
        json!({"AttachTime": crate::access::timestamp(0), "Device": dev, "InstanceId": inst_id, "State": "detaching", "VolumeId": id}),
    )
}

/// AttachVolume: an available volume, same Availability Zone, a free device name.
pub fn attach_volume(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let id = args.str("volume-id").unwrap_or_default();
    let vi = volume_index(ctx, args, id)?;
    let inst_id = args.str("instance-id").unwrap_or_default();
    let ii = instance_index(ctx, args, inst_id)?;
    let device = args.str("device").unwrap_or_default();
    if !device.starts_with("/dev/") && !device.starts_with("xvd") {
        return Err(args.err("InvalidParameterValue", format!("Value ({device}) for parameter device is invalid. {device} is not a valid EBS device name.")));
    }
    let v = &ctx.account.volumes[vi];
    if v.attachment.is_some() {
        return Err(args.err(
            "VolumeInUse",
            format!("{id} is already attached to an instance"),
        ));
    }
    let inst = &ctx.account.instances[ii];
    let az = ctx
        .account
        .subnet(&inst.subnet_id)
        .map(|s| s.availability_zone.clone())
        .unwrap_or_default();
    if v.availability_zone != az {
        return Err(args.err(
            "InvalidVolume.ZoneMismatch",
            format!(
                "The volume '{id}' is not in the same availability zone as instance '{inst_id}'"
            ),
        ));
    }
    if ctx.account.volumes.iter().any(|x| {
        x.attachment
            .as_ref()
            .is_some_and(|(i, d)| i == inst_id && d == device)
    }) {
        return Err(args.err("InvalidParameterValue", format!("Invalid value '{device}' for unixDevice. Attachment point {device} is already in use")));
    }
    if device == ROOT_DEVICE && inst.state == InstanceState::Running {
        return Err(args.err(
            "IncorrectState",
            format!("The instance '{inst_id}' is not 'stopped'."),
        ));
    }
    ctx.account.volumes[vi].attachment = Some((inst_id.to_string(), device.to_string()));
    if device == ROOT_DEVICE {
        ctx.account.instances[ii].details.root_volume_id = Some(id.to_string());
    }
    Ok(
        json!({"AttachTime": crate::access::timestamp(ctx.account.now), "Device": device, "InstanceId": inst_id, "State": "attaching", "VolumeId": id}),
    )
}
