//! A small account built directly in Rust for the AWS command tests (no scenario files).

#![allow(dead_code, clippy::field_reassign_with_default)]

use ec2_tutor::aws::words::split_line;
use ec2_tutor::aws::{self, AwsError, Ctx, Success};
use ec2_tutor::model::ids::IdGen;
use ec2_tutor::model::*;
use ec2_tutor::net::types::{Os, Ports, Protocol};

pub const MAIN_VPC: &str = "vpc-0a1b2c3d4e5f60718";
pub const DEFAULT_VPC: &str = "vpc-0d0d0d0d0d0d0d0d0";
pub const MAIN_DEFAULT_SG: &str = "sg-0aaaaaaaaaaaaaaa0";
pub const DEFVPC_DEFAULT_SG: &str = "sg-0ddddddddddddddd0";
pub const LEGACY_SG: &str = "sg-0eeeeeeeeeeeeeee0";
pub const WEB_SG: &str = "sg-0123456789abcdef0";
pub const BASTION_SG: &str = "sg-0fedcba9876543210";
pub const DB_SG: &str = "sg-0bbbbbbbbbbbbbbb0";
pub const MAIN_ACL: &str = "acl-0aaaaaaaaaaaaaaa0";
pub const DEFVPC_ACL: &str = "acl-0ddddddddddddddd0";
pub const STRICT_ACL: &str = "acl-0123456789abcdef0";
pub const PUBLIC_SUBNET: &str = "subnet-0aaaaaaaaaaaaaaa1";
pub const PRIVATE_SUBNET: &str = "subnet-0aaaaaaaaaaaaaaa2";
pub const DEFAULT_SUBNET: &str = "subnet-0ddddddddddddddd1";
pub const PUBLIC_ASSOC: &str = "aclassoc-0aaaaaaaaaaaaaaa1";
pub const PRIVATE_ASSOC: &str = "aclassoc-0aaaaaaaaaaaaaaa2";
pub const WEB_I: &str = "i-0123456789abcdef0";
pub const WEB_ENI: &str = "eni-0123456789abcdef0";
pub const BASTION_I: &str = "i-0fedcba9876543210";

fn net(s: &str) -> ipnet::IpNet {
    s.parse().unwrap_or_else(|_| panic!("test CIDR {s}"))
}

pub fn rule(id: &str, protocol: Protocol, ports: Ports, peer: Peer, d: Option<&str>) -> SgRule {
    SgRule {
        id: id.into(),
        protocol,
        ports,
        peer,
        description: d.map(String::from),
    }
}

fn cidr(s: &str) -> Peer {
    Peer::Cidr(net(s))
}

fn group(
    id: &str,
    name: &str,
    vpc: &str,
    ingress: Vec<SgRule>,
    egress: Vec<SgRule>,
) -> SecurityGroup {
    SecurityGroup {
        id: id.into(),
        name: name.into(),
        description: format!("{name} group"),
        vpc_id: vpc.into(),
        ingress,
        egress,
    }
}

fn all_out(id: &str) -> Vec<SgRule> {
    vec![allow_all_egress(id.into())]
}

fn subnet(
    id: &str,
    name: &str,
    vpc: &str,
    c: &str,
    route: InternetRoute,
    acl: &str,
    assoc: &str,
) -> Subnet {
    Subnet {
        id: id.into(),
        name: Some(name.into()),
        vpc_id: vpc.into(),
        cidr: c.parse().unwrap_or_else(|_| panic!("test CIDR {c}")),
        availability_zone: "us-east-1a".into(),
        route_internet: route,
        route_table_id: format!("rtb-{}", id.trim_start_matches("subnet-")),
        nat_gateway_id: None,
        network_acl_id: acl.into(),
        acl_association_id: assoc.into(),
    }
}

fn instance(
    id: &str,
    eni: &str,
    name: &str,
    subnet: &str,
    ip: &str,
    public: Option<&str>,
    groups: &[&str],
) -> Instance {
    Instance {
        id: id.into(),
        name: Some(name.into()),
        subnet_id: subnet.into(),
        vpc_id: MAIN_VPC.into(),
        eni_id: eni.into(),
        private_ip: ip.parse().unwrap_or_else(|_| panic!("test ip {ip}")),
        public_ip: public.map(|p| p.parse().unwrap_or_else(|_| panic!("test ip {p}"))),
        security_groups: groups.iter().map(|g| g.to_string()).collect(),
        instance_type: "t3.micro".into(),
        image_id: "ami-0123456789abcdef0".into(),
        tenancy: Tenancy::Default,
        platform: Os::Linux,
        state: InstanceState::Running,
        root_device: RootDevice::Ebs,
        key_name: Some("web-key".into()),
        iam_instance_profile: None,
        http_tokens: HttpTokens::Optional,
        ssm_agent: true,
        user_data: String::new(),
        details: Default::default(),
    }
}

/// Two VPCs (a custom one and a default one), three subnets, five groups, three ACLs and
/// two instances.
pub fn account() -> Account {
    let mut a = Account::default();
    a.vpcs = vec![
        Vpc {
            id: MAIN_VPC.into(),
            name: Some("main".into()),
            cidr: "10.0.0.0/16".parse().unwrap_or_else(|_| panic!()),
            is_default: false,
            tenancy: Tenancy::Default,
        },
        Vpc {
            id: DEFAULT_VPC.into(),
            name: None,
            cidr: "172.31.0.0/16".parse().unwrap_or_else(|_| panic!()),
            is_default: true,
            tenancy: Tenancy::Default,
        },
    ];
    a.internet_gateways = vec![
        InternetGateway {
            id: "igw-0aaaaaaaaaaaaaaa0".into(),
            vpc_id: Some(MAIN_VPC.into()),
        },
        InternetGateway {
            id: "igw-0ddddddddddddddd0".into(),
            vpc_id: Some(DEFAULT_VPC.into()),
        },
    ];
    a.subnets = vec![
        subnet(
            PUBLIC_SUBNET,
            "public",
            MAIN_VPC,
            "10.0.1.0/24",
            InternetRoute::Igw,
            STRICT_ACL,
            PUBLIC_ASSOC,
        ),
        subnet(
            PRIVATE_SUBNET,
            "private",
            MAIN_VPC,
            "10.0.2.0/24",
            InternetRoute::None,
            MAIN_ACL,
            PRIVATE_ASSOC,
        ),
        subnet(
            DEFAULT_SUBNET,
            "default-a",
            DEFAULT_VPC,
            "172.31.0.0/20",
            InternetRoute::Igw,
            DEFVPC_ACL,
            "aclassoc-0ddddddddddddddd1",
        ),
    ];
    let (mi, me) = default_group_rules(MAIN_DEFAULT_SG, {
        let mut n = 0;
        move || {
            n += 1;
            format!("sgr-0aaaaaaaaaaaaaa{n:02}")
        }
    });
    let (di, de) = default_group_rules(DEFVPC_DEFAULT_SG, {
        let mut n = 0;
        move || {
            n += 1;
            format!("sgr-0dddddddddddddd{n:02}")
        }
    });
    a.security_groups = vec![
        SecurityGroup {
            id: MAIN_DEFAULT_SG.into(),
            name: "default".into(),
            description: "default VPC security group".into(),
            vpc_id: MAIN_VPC.into(),
            ingress: mi,
            egress: me,
        },
        group(
            WEB_SG,
            "web",
            MAIN_VPC,
            vec![
                rule(
                    "sgr-0000000000000a443",
                    Protocol::Tcp,
                    Ports::Range(443, 443),
                    cidr("0.0.0.0/0"),
                    None,
                ),
                rule(
                    "sgr-0000000000000a022",
                    Protocol::Tcp,
                    Ports::Range(22, 22),
                    cidr("0.0.0.0/0"),
                    Some("too open"),
                ),
            ],
            all_out("sgr-0000000000000aeee"),
        ),
        group(
            BASTION_SG,
            "bastion",
            MAIN_VPC,
            vec![rule(
                "sgr-0000000000000b022",
                Protocol::Tcp,
                Ports::Range(22, 22),
                cidr("203.0.113.0/24"),
                None,
            )],
            all_out("sgr-0000000000000beee"),
        ),
        group(
            DB_SG,
            "db",
            MAIN_VPC,
            vec![rule(
                "sgr-0000000000000c543",
                Protocol::Tcp,
                Ports::Range(5432, 5432),
                Peer::Group(WEB_SG.into()),
                Some("app to db"),
            )],
            vec![],
        ),
        SecurityGroup {
            id: DEFVPC_DEFAULT_SG.into(),
            name: "default".into(),
            description: "default VPC security group".into(),
            vpc_id: DEFAULT_VPC.into(),
            ingress: di,
            egress: de,
        },
        group(
            LEGACY_SG,
            "legacy",
            DEFAULT_VPC,
            vec![rule(
                "sgr-0000000000000d080",
                Protocol::Tcp,
                Ports::Range(80, 80),
                cidr("0.0.0.0/0"),
                None,
            )],
            all_out("sgr-0000000000000deee"),
        ),
    ];
    a.network_acls = vec![
        NetworkAcl {
            id: MAIN_ACL.into(),
            name: None,
            vpc_id: MAIN_VPC.into(),
            is_default: true,
            entries: default_acl_entries(),
        },
        NetworkAcl {
            id: DEFVPC_ACL.into(),
            name: None,
            vpc_id: DEFAULT_VPC.into(),
            is_default: true,
            entries: default_acl_entries(),
        },
        NetworkAcl {
            id: STRICT_ACL.into(),
            name: Some("strict".into()),
            vpc_id: MAIN_VPC.into(),
            is_default: false,
            entries: vec![
                AclEntry {
                    rule_number: 100,
                    egress: false,
                    action: RuleAction::Allow,
                    protocol: Protocol::Tcp,
                    ports: Ports::Range(443, 443),
                    cidr: net("0.0.0.0/0"),
                },
                AclEntry {
                    rule_number: 110,
                    egress: false,
                    action: RuleAction::Allow,
                    protocol: Protocol::Icmp,
                    ports: Ports::Icmp(Some(8), None),
                    cidr: net("10.0.0.0/16"),
                },
                AclEntry {
                    rule_number: 100,
                    egress: true,
                    action: RuleAction::Allow,
                    protocol: Protocol::Tcp,
                    ports: Ports::Range(1024, 65535),
                    cidr: net("0.0.0.0/0"),
                },
            ],
        },
    ];
    a.instances = vec![
        instance(
            WEB_I,
            WEB_ENI,
            "web",
            PUBLIC_SUBNET,
            "10.0.1.10",
            Some("54.0.0.10"),
            &[WEB_SG],
        ),
        instance(
            BASTION_I,
            "eni-0fedcba9876543210",
            "bastion",
            PUBLIC_SUBNET,
            "10.0.1.20",
            Some("54.0.0.20"),
            &[BASTION_SG],
        ),
    ];
    a
}

/// An account plus the id generator, as a session holds them.
pub struct World {
    pub account: Account,
    pub ids: IdGen,
}

impl World {
    pub fn new() -> World {
        World {
            account: account(),
            ids: IdGen::new(7),
        }
    }

    /// Runs one command line (leading `aws` optional).
    pub fn run(&mut self, line: &str) -> Result<Success, AwsError> {
        let words = split_line(line).unwrap_or_else(|e| panic!("test line {line:?}: {e}"));
        let mut ctx = Ctx {
            account: &mut self.account,
            ids: &mut self.ids,
        };
        aws::run(&mut ctx, &words)
    }

    pub fn ok(&mut self, line: &str) -> serde_json::Value {
        match self.run(line) {
            Ok(s) => s.output,
            Err(e) => panic!("{line}\n=> {e}"),
        }
    }

    pub fn group(&self, id: &str) -> &SecurityGroup {
        self.account
            .group(id)
            .unwrap_or_else(|| panic!("no group {id}"))
    }
}
