//! VPC, subnet and route table descriptions (read-only here).
//!
//! Shapes: API_Vpc.html, API_Subnet.html, API_RouteTable.html, keys in model order. The model
//! keeps one route table per subnet (its id on `Subnet.route_table_id`) with the local route
//! and at most one route for 0.0.0.0/0 (internet gateway or NAT gateway).

use super::super::args::Args;
use super::super::filters::{self, Filter};
use super::super::{AwsError, Ctx};
use super::{check_id, not_found};
use crate::model::{Account, InternetRoute, Subnet, Vpc};
use serde_json::{json, Map, Value};

fn suffix(id: &str) -> &str {
    id.split_once('-').map(|(_, s)| s).unwrap_or(id)
}

/// `Tags` is left out when a resource has none (as describe-vpcs/-subnets/-instances do).
fn tags_if_named(m: &mut Map<String, Value>, name: &Option<String>) {
    if let Some(n) = name {
        m.insert("Tags".into(), json!([{"Key": "Name", "Value": n}]));
    }
}

fn vpc_json(acct: &Account, v: &Vpc) -> Value {
    let s = suffix(&v.id);
    let mut m = Map::new();
    m.insert("OwnerId".into(), json!(acct.account_id));
    m.insert("InstanceTenancy".into(), json!(v.tenancy.as_str()));
    m.insert(
        "CidrBlockAssociationSet".into(),
        json!([{
            "AssociationId": format!("vpc-cidr-assoc-{s}"),
            "CidrBlock": v.cidr.to_string(),
            "CidrBlockState": {"State": "associated"},
        }]),
    );
    m.insert("IsDefault".into(), json!(v.is_default));
    tags_if_named(&mut m, &v.name);
    m.insert(
        "BlockPublicAccessStates".into(),
        json!({"InternetGatewayBlockMode": "off"}),
    );
    m.insert("VpcId".into(), json!(v.id));
    m.insert("State".into(), json!("available"));
    m.insert("CidrBlock".into(), json!(v.cidr.to_string()));
    m.insert(
        "DhcpOptionsId".into(),
        json!(format!("dopt-{}", s.get(..8).unwrap_or(s))),
    );
    Value::Object(m)
}

const VPC_FILTERS: &[&str] = &[
    "vpc-id",
    "cidr",
    "cidr-block-association.cidr-block",
    "is-default",
    "state",
    "owner-id",
    "instance-tenancy",
    "tag-key",
    "tag:",
];

fn vpc_matches(acct: &Account, v: &Vpc, f: &Filter) -> bool {
    match f.name.as_str() {
        "vpc-id" => f.any([&v.id]),
        "cidr" | "cidr-block-association.cidr-block" => f.any([v.cidr.to_string()]),
        "is-default" => f.any([v.is_default.to_string()]),
        "state" => f.any(["available"]),
        "owner-id" => f.any([&acct.account_id]),
        "instance-tenancy" => f.any([v.tenancy.as_str()]),
        "tag-key" => v.name.is_some() && f.any(["Name"]),
        "tag:Name" => f.any(v.name.iter()),
        _ => false,
    }
}

/// DescribeVpcs.
pub fn describe_vpcs(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let acct = &*ctx.account;
    let ids = args.list("vpc-ids");
    for id in &ids {
        check_id(args, "vpc", "InvalidVpcID", id)?;
        if acct.vpc(id).is_none() {
            return Err(not_found(args, "InvalidVpcID", "vpc", id));
        }
    }
    let filters = filters::parse(args, VPC_FILTERS)?;
    let vpcs: Vec<Value> = acct
        .vpcs
        .iter()
        .filter(|v| ids.is_empty() || ids.contains(&v.id.as_str()))
        .filter(|v| filters.iter().all(|f| vpc_matches(acct, v, f)))
        .map(|v| vpc_json(acct, v))
        .collect();
    Ok(json!({"Vpcs": vpcs}))
}

fn subnet_json(acct: &Account, s: &Subnet) -> Value {
    let default_vpc = acct.vpc(&s.vpc_id).is_some_and(|v| v.is_default);
    let used = acct
        .instances
        .iter()
        .filter(|i| i.subnet_id == s.id)
        .count() as u64;
    let size = 1u64 << (32 - u32::from(s.cidr.prefix_len()));
    // AWS reserves five addresses in every subnet.
    let available = size.saturating_sub(5).saturating_sub(used);
    let mut m = Map::new();
    m.insert("MapCustomerOwnedIpOnLaunch".into(), json!(false));
    m.insert("OwnerId".into(), json!(acct.account_id));
    m.insert("AssignIpv6AddressOnCreation".into(), json!(false));
    m.insert("Ipv6CidrBlockAssociationSet".into(), json!([]));
    tags_if_named(&mut m, &s.name);
    m.insert(
        "SubnetArn".into(),
        json!(format!(
            "arn:aws:ec2:{}:{}:subnet/{}",
            acct.region, acct.account_id, s.id
        )),
    );
    m.insert("EnableDns64".into(), json!(false));
    m.insert("Ipv6Native".into(), json!(false));
    m.insert(
        "PrivateDnsNameOptionsOnLaunch".into(),
        json!({"HostnameType": "ip-name", "EnableResourceNameDnsARecord": false, "EnableResourceNameDnsAAAARecord": false}),
    );
    m.insert(
        "BlockPublicAccessStates".into(),
        json!({"InternetGatewayBlockMode": "off"}),
    );
    m.insert("SubnetId".into(), json!(s.id));
    m.insert("State".into(), json!("available"));
    m.insert("VpcId".into(), json!(s.vpc_id));
    m.insert("CidrBlock".into(), json!(s.cidr.to_string()));
    m.insert("AvailableIpAddressCount".into(), json!(available));
    m.insert("AvailabilityZone".into(), json!(s.availability_zone));
    m.insert("DefaultForAz".into(), json!(default_vpc));
    m.insert("MapPublicIpOnLaunch".into(), json!(default_vpc));
    Value::Object(m)
}

const SUBNET_FILTERS: &[&str] = &[
    "subnet-id",
    "vpc-id",
    "cidr-block",
    "cidr",
    "availability-zone",
    "default-for-az",
    "state",
    "owner-id",
    "tag-key",
    "tag:",
];

fn subnet_matches(acct: &Account, s: &Subnet, f: &Filter) -> bool {
    match f.name.as_str() {
        "subnet-id" => f.any([&s.id]),
        "vpc-id" => f.any([&s.vpc_id]),
        "cidr-block" | "cidr" => f.any([s.cidr.to_string()]),
        "availability-zone" => f.any([&s.availability_zone]),
        "default-for-az" => f.any([acct
            .vpc(&s.vpc_id)
            .is_some_and(|v| v.is_default)
            .to_string()]),
        "state" => f.any(["available"]),
        "owner-id" => f.any([&acct.account_id]),
        "tag-key" => s.name.is_some() && f.any(["Name"]),
        "tag:Name" => f.any(s.name.iter()),
        _ => false,
    }
}

/// DescribeSubnets.
pub fn describe_subnets(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let acct = &*ctx.account;
    let ids = args.list("subnet-ids");
    for id in &ids {
        check_id(args, "subnet", "InvalidSubnetID", id)?;
        if acct.subnet(id).is_none() {
            return Err(not_found(args, "InvalidSubnetID", "subnet", id));
        }
    }
    let filters = filters::parse(args, SUBNET_FILTERS)?;
    let subnets: Vec<Value> = acct
        .subnets
        .iter()
        .filter(|s| ids.is_empty() || ids.contains(&s.id.as_str()))
        .filter(|s| filters.iter().all(|f| subnet_matches(acct, s, f)))
        .map(|s| subnet_json(acct, s))
        .collect();
    Ok(json!({"Subnets": subnets}))
}

/// A route table as the model has it: its id and the subnets it serves.
struct Table<'a> {
    id: &'a str,
    subnets: Vec<&'a Subnet>,
}

fn tables(acct: &Account) -> Vec<Table<'_>> {
    let mut out: Vec<Table<'_>> = Vec::new();
    for s in &acct.subnets {
        match out.iter_mut().find(|t| t.id == s.route_table_id) {
            Some(t) => t.subnets.push(s),
            None => out.push(Table {
                id: &s.route_table_id,
                subnets: vec![s],
            }),
        }
    }
    out
}

fn routes(acct: &Account, t: &Table<'_>) -> Vec<Value> {
    let Some(first) = t.subnets.first() else {
        return vec![];
    };
    let mut out = Vec::new();
    if let Some(v) = acct.vpc(&first.vpc_id) {
        out.push(json!({
            "DestinationCidrBlock": v.cidr.to_string(),
            "GatewayId": "local",
            "Origin": "CreateRouteTable",
            "State": "active",
        }));
    }
    match first.route_internet {
        InternetRoute::Igw => {
            let (gw, state) = match acct.igw_of(&first.vpc_id) {
                Some(g) => (g.id.clone(), "active"),
                None => (String::from("igw-00000000"), "blackhole"),
            };
            out.push(json!({
                "DestinationCidrBlock": "0.0.0.0/0",
                "GatewayId": gw,
                "Origin": "CreateRoute",
                "State": state,
            }));
        }
        InternetRoute::Nat => {
            out.push(json!({
                "DestinationCidrBlock": "0.0.0.0/0",
                "NatGatewayId": first.nat_gateway_id.clone().unwrap_or_default(),
                "Origin": "CreateRoute",
                "State": "active",
            }));
        }
        InternetRoute::None => {}
    }
    out
}

fn table_json(acct: &Account, t: &Table<'_>) -> Value {
    let associations: Vec<Value> = t
        .subnets
        .iter()
        .map(|s| {
            json!({
                "Main": false,
                "RouteTableAssociationId": format!("rtbassoc-{}", suffix(&s.id)),
                "RouteTableId": t.id,
                "SubnetId": s.id,
                "AssociationState": {"State": "associated"},
            })
        })
        .collect();
    json!({
        "Associations": associations,
        "PropagatingVgws": [],
        "RouteTableId": t.id,
        "Routes": routes(acct, t),
        "Tags": [],
        "VpcId": t.subnets.first().map(|s| s.vpc_id.clone()).unwrap_or_default(),
        "OwnerId": acct.account_id,
    })
}

const ROUTE_FILTERS: &[&str] = &[
    "route-table-id",
    "vpc-id",
    "association.subnet-id",
    "association.route-table-id",
    "association.route-table-association-id",
    "association.main",
    "route.destination-cidr-block",
    "route.gateway-id",
    "route.nat-gateway-id",
    "route.origin",
    "route.state",
    "owner-id",
    "tag-key",
    "tag:",
];

fn table_matches(acct: &Account, t: &Table<'_>, f: &Filter) -> bool {
    let rs = routes(acct, t);
    let route_field = |k: &str| -> Vec<String> {
        rs.iter()
            .filter_map(|r| r.get(k).and_then(Value::as_str).map(str::to_string))
            .collect()
    };
    match f.name.as_str() {
        "route-table-id" | "association.route-table-id" => f.any([t.id]),
        "vpc-id" => f.any(t.subnets.iter().map(|s| s.vpc_id.as_str())),
        "association.subnet-id" => f.any(t.subnets.iter().map(|s| s.id.as_str())),
        "association.route-table-association-id" => f.any(
            t.subnets
                .iter()
                .map(|s| format!("rtbassoc-{}", suffix(&s.id))),
        ),
        "association.main" => f.any(["false"]),
        "route.destination-cidr-block" => f.any(route_field("DestinationCidrBlock")),
        "route.gateway-id" => f.any(route_field("GatewayId")),
        "route.nat-gateway-id" => f.any(route_field("NatGatewayId")),
        "route.origin" => f.any(route_field("Origin")),
        "route.state" => f.any(route_field("State")),
        "owner-id" => f.any([&acct.account_id]),
        _ => false,
    }
}

/// DescribeRouteTables.
pub fn describe_route_tables(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let acct = &*ctx.account;
    let all = tables(acct);
    let ids = args.list("route-table-ids");
    for id in &ids {
        check_id(args, "rtb", "InvalidRouteTableID", id)?;
        if !all.iter().any(|t| t.id == *id) {
            return Err(not_found(args, "InvalidRouteTableID", "routeTable", id));
        }
    }
    let filters = filters::parse(args, ROUTE_FILTERS)?;
    let out: Vec<Value> = all
        .iter()
        .filter(|t| ids.is_empty() || ids.contains(&t.id))
        .filter(|t| filters.iter().all(|f| table_matches(acct, t, f)))
        .map(|t| table_json(acct, t))
        .collect();
    Ok(json!({"RouteTables": out}))
}
