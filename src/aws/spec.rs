//! The command table: every AWS command this simulator knows, with its API operation, its
//! flags and their value kinds, a one-line summary, an example and its handler.
//!
//! One table drives dispatch ([`super::run`]), `help` (via [`CommandSpec::usage`]) and Tab
//! completion (names and flags). **Invariant:** a command exists iff it is in [`commands`];
//! nothing else lists command or flag names.

use super::args::Args;
use super::{ec2, iam, ssm};
use super::{AwsError, Ctx};
use serde_json::Value;

/// What follows a flag on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Exactly one string.
    Str,
    /// Exactly one integer.
    Int,
    /// No value: `--name` sets true, `--NEGATIVE` sets false (`--dry-run | --no-dry-run`,
    /// `--egress | --ingress`).
    Bool { negative: &'static str },
    /// One or more strings (`--groups sg-1 sg-2`).
    List,
    /// One structure in shorthand or JSON (`--port-range From=22,To=22`).
    Struct,
    /// One or more structures, as several words or one JSON list (`--ip-permissions`,
    /// `--filters`).
    StructList,
}

/// One flag of a command.
#[derive(Clone, Copy, Debug)]
pub struct FlagSpec {
    /// Without the leading `--`.
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
}

/// Runs a command against the context; returns the response as the CLI prints it in JSON.
pub type Handler = fn(&mut Ctx<'_>, &Args<'_>) -> Result<Value, AwsError>;

/// One AWS CLI command.
#[derive(Clone, Copy)]
pub struct CommandSpec {
    /// The service (`ec2`).
    pub service: &'static str,
    /// The CLI name (`authorize-security-group-ingress`).
    pub name: &'static str,
    /// The API operation (`AuthorizeSecurityGroupIngress`).
    pub operation: &'static str,
    /// True when the command may change the account (it then runs on a scratch copy that
    /// replaces the account only on success: AWS requests are all-or-nothing).
    pub mutating: bool,
    pub flags: &'static [FlagSpec],
    pub summary: &'static str,
    pub example: &'static str,
    pub handler: Handler,
}

impl std::fmt::Debug for CommandSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CommandSpec({} {})", self.service, self.name)
    }
}

impl CommandSpec {
    /// The flag called `name` (without `--`), also found by its negative form.
    pub fn flag(&self, name: &str) -> Option<&'static FlagSpec> {
        self.flags.iter().find(|f| {
            f.name == name || matches!(f.kind, Kind::Bool { negative } if negative == name)
        })
    }

    /// Every flag name a user may type (both forms of booleans), with `--`.
    pub fn flag_names(&self) -> Vec<String> {
        let mut out = Vec::new();
        for f in self.flags {
            out.push(format!("--{}", f.name));
            if let Kind::Bool { negative } = f.kind {
                out.push(format!("--{negative}"));
            }
        }
        out
    }

    /// The synopsis as `aws ec2 NAME help` prints it (required flags bare, optional ones in
    /// brackets).
    pub fn usage(&self) -> String {
        let mut s = format!("{}\n", self.name);
        for f in self.flags {
            let body = match f.kind {
                Kind::Bool { negative } => format!("--{} | --{negative}", f.name),
                _ => format!("--{} <value>", f.name),
            };
            if f.required {
                s.push_str(&format!("  {body}\n"));
            } else {
                s.push_str(&format!("  [{body}]\n"));
            }
        }
        s
    }
}

const fn req(name: &'static str, kind: Kind) -> FlagSpec {
    FlagSpec {
        name,
        kind,
        required: true,
    }
}

const fn opt(name: &'static str, kind: Kind) -> FlagSpec {
    FlagSpec {
        name,
        kind,
        required: false,
    }
}

const DRY_RUN: FlagSpec = opt(
    "dry-run",
    Kind::Bool {
        negative: "no-dry-run",
    },
);
const FILTERS: FlagSpec = opt("filters", Kind::StructList);

/// The simplified flags the CLI adds to the four authorize/revoke commands
/// (awscli/customizations/ec2/secgroupsimplify.py).
macro_rules! sg_perm_flags {
    ($($extra:expr),* $(,)?) => {
        &[
            DRY_RUN,
            $($extra,)*
            opt("ip-permissions", Kind::StructList),
            opt("protocol", Kind::Str),
            opt("port", Kind::Str),
            opt("cidr", Kind::Str),
            opt("source-group", Kind::Str),
            opt("group-owner", Kind::Str),
        ]
    };
}

const ACL_ENTRY_FLAGS: &[FlagSpec] = &[
    DRY_RUN,
    req("network-acl-id", Kind::Str),
    req("rule-number", Kind::Int),
    req("protocol", Kind::Str),
    req("rule-action", Kind::Str),
    req(
        "egress",
        Kind::Bool {
            negative: "ingress",
        },
    ),
    opt("cidr-block", Kind::Str),
    opt("ipv6-cidr-block", Kind::Str),
    opt("icmp-type-code", Kind::Struct),
    opt("port-range", Kind::Struct),
];

static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        service: "ec2",
        name: "authorize-security-group-egress",
        operation: "AuthorizeSecurityGroupEgress",
        mutating: true,
        flags: sg_perm_flags![req("group-id", Kind::Str)],
        summary: "Adds outbound rules to a security group.",
        example: "aws ec2 authorize-security-group-egress --group-id sg-0123456789abcdef0 --protocol tcp --port 443 --cidr 0.0.0.0/0",
        handler: ec2::sg::authorize_egress,
    },
    CommandSpec {
        service: "ec2",
        name: "authorize-security-group-ingress",
        operation: "AuthorizeSecurityGroupIngress",
        mutating: true,
        flags: sg_perm_flags![opt("group-id", Kind::Str), opt("group-name", Kind::Str)],
        summary: "Adds inbound rules to a security group.",
        example: "aws ec2 authorize-security-group-ingress --group-id sg-0123456789abcdef0 --protocol tcp --port 22 --source-group sg-0fedcba9876543210",
        handler: ec2::sg::authorize_ingress,
    },
    CommandSpec {
        service: "ec2",
        name: "create-network-acl",
        operation: "CreateNetworkAcl",
        mutating: true,
        flags: &[DRY_RUN, req("vpc-id", Kind::Str)],
        summary: "Creates a network ACL in a VPC (it denies everything until you add entries).",
        example: "aws ec2 create-network-acl --vpc-id vpc-0a1b2c3d4e5f60718",
        handler: ec2::acl::create_network_acl,
    },
    CommandSpec {
        service: "ec2",
        name: "create-network-acl-entry",
        operation: "CreateNetworkAclEntry",
        mutating: true,
        flags: ACL_ENTRY_FLAGS,
        summary: "Adds a numbered rule to a network ACL.",
        example: "aws ec2 create-network-acl-entry --network-acl-id acl-0123456789abcdef0 --ingress --rule-number 100 --protocol tcp --port-range From=443,To=443 --cidr-block 0.0.0.0/0 --rule-action allow",
        handler: ec2::acl::create_entry,
    },
    CommandSpec {
        service: "ec2",
        name: "create-security-group",
        operation: "CreateSecurityGroup",
        mutating: true,
        flags: &[
            DRY_RUN,
            req("description", Kind::Str),
            req("group-name", Kind::Str),
            opt("vpc-id", Kind::Str),
        ],
        summary: "Creates a security group (no inbound rules, all outbound traffic allowed).",
        example: "aws ec2 create-security-group --group-name web --description \"web tier\" --vpc-id vpc-0a1b2c3d4e5f60718",
        handler: ec2::sg::create_security_group,
    },
    CommandSpec {
        service: "ec2",
        name: "delete-network-acl",
        operation: "DeleteNetworkAcl",
        mutating: true,
        flags: &[DRY_RUN, req("network-acl-id", Kind::Str)],
        summary: "Deletes a network ACL that no subnet uses.",
        example: "aws ec2 delete-network-acl --network-acl-id acl-0123456789abcdef0",
        handler: ec2::acl::delete_network_acl,
    },
    CommandSpec {
        service: "ec2",
        name: "delete-network-acl-entry",
        operation: "DeleteNetworkAclEntry",
        mutating: true,
        flags: &[
            DRY_RUN,
            req("network-acl-id", Kind::Str),
            req("rule-number", Kind::Int),
            req("egress", Kind::Bool { negative: "ingress" }),
        ],
        summary: "Deletes a numbered rule from a network ACL.",
        example: "aws ec2 delete-network-acl-entry --network-acl-id acl-0123456789abcdef0 --ingress --rule-number 100",
        handler: ec2::acl::delete_entry,
    },
    CommandSpec {
        service: "ec2",
        name: "delete-security-group",
        operation: "DeleteSecurityGroup",
        mutating: true,
        flags: &[DRY_RUN, opt("group-id", Kind::Str), opt("group-name", Kind::Str)],
        summary: "Deletes a security group that nothing uses or references.",
        example: "aws ec2 delete-security-group --group-id sg-0123456789abcdef0",
        handler: ec2::sg::delete_security_group,
    },
    CommandSpec {
        service: "ec2",
        name: "describe-instances",
        operation: "DescribeInstances",
        mutating: false,
        flags: &[DRY_RUN, opt("instance-ids", Kind::List), FILTERS],
        summary: "Describes instances, grouped in reservations.",
        example: "aws ec2 describe-instances --filters Name=tag:Name,Values=web",
        handler: ec2::instance::describe_instances,
    },
    CommandSpec {
        service: "ec2",
        name: "describe-network-acls",
        operation: "DescribeNetworkAcls",
        mutating: false,
        flags: &[DRY_RUN, opt("network-acl-ids", Kind::List), FILTERS],
        summary: "Describes network ACLs with their entries and subnet associations.",
        example: "aws ec2 describe-network-acls --filters Name=association.subnet-id,Values=subnet-0123456789abcdef0",
        handler: ec2::acl::describe_network_acls,
    },
    CommandSpec {
        service: "ec2",
        name: "describe-route-tables",
        operation: "DescribeRouteTables",
        mutating: false,
        flags: &[DRY_RUN, opt("route-table-ids", Kind::List), FILTERS],
        summary: "Describes route tables and their routes.",
        example: "aws ec2 describe-route-tables --filters Name=vpc-id,Values=vpc-0a1b2c3d4e5f60718",
        handler: ec2::vpc::describe_route_tables,
    },
    CommandSpec {
        service: "ec2",
        name: "describe-security-group-rules",
        operation: "DescribeSecurityGroupRules",
        mutating: false,
        flags: &[DRY_RUN, opt("security-group-rule-ids", Kind::List), FILTERS],
        summary: "Describes security group rules, one per entry, with their sgr- ids.",
        example: "aws ec2 describe-security-group-rules --filters Name=group-id,Values=sg-0123456789abcdef0",
        handler: ec2::sg::describe_security_group_rules,
    },
    CommandSpec {
        service: "ec2",
        name: "describe-security-groups",
        operation: "DescribeSecurityGroups",
        mutating: false,
        flags: &[
            DRY_RUN,
            opt("group-ids", Kind::List),
            opt("group-names", Kind::List),
            FILTERS,
        ],
        summary: "Describes security groups with their inbound and outbound permissions.",
        example: "aws ec2 describe-security-groups --group-ids sg-0123456789abcdef0",
        handler: ec2::sg::describe_security_groups,
    },
    CommandSpec {
        service: "ec2",
        name: "describe-subnets",
        operation: "DescribeSubnets",
        mutating: false,
        flags: &[DRY_RUN, opt("subnet-ids", Kind::List), FILTERS],
        summary: "Describes subnets.",
        example: "aws ec2 describe-subnets --filters Name=vpc-id,Values=vpc-0a1b2c3d4e5f60718",
        handler: ec2::vpc::describe_subnets,
    },
    CommandSpec {
        service: "ec2",
        name: "describe-vpcs",
        operation: "DescribeVpcs",
        mutating: false,
        flags: &[DRY_RUN, opt("vpc-ids", Kind::List), FILTERS],
        summary: "Describes VPCs.",
        example: "aws ec2 describe-vpcs",
        handler: ec2::vpc::describe_vpcs,
    },
    CommandSpec {
        service: "ec2",
        name: "modify-instance-attribute",
        operation: "ModifyInstanceAttribute",
        mutating: true,
        flags: &[
            DRY_RUN,
            req("instance-id", Kind::Str),
            opt("groups", Kind::List),
        ],
        summary: "Replaces the security groups of an instance's primary interface (--groups).",
        example: "aws ec2 modify-instance-attribute --instance-id i-0123456789abcdef0 --groups sg-0123456789abcdef0 sg-0fedcba9876543210",
        handler: ec2::instance::modify_instance_attribute,
    },
    CommandSpec {
        service: "ec2",
        name: "modify-network-interface-attribute",
        operation: "ModifyNetworkInterfaceAttribute",
        mutating: true,
        flags: &[
            DRY_RUN,
            req("network-interface-id", Kind::Str),
            opt("groups", Kind::List),
        ],
        summary: "Replaces the security groups of a network interface (--groups).",
        example: "aws ec2 modify-network-interface-attribute --network-interface-id eni-0123456789abcdef0 --groups sg-0123456789abcdef0",
        handler: ec2::instance::modify_network_interface_attribute,
    },
    CommandSpec {
        service: "ec2",
        name: "modify-security-group-rules",
        operation: "ModifySecurityGroupRules",
        mutating: true,
        flags: &[
            DRY_RUN,
            req("group-id", Kind::Str),
            req("security-group-rules", Kind::StructList),
        ],
        summary: "Changes rules in place, by sgr- id.",
        example: "aws ec2 modify-security-group-rules --group-id sg-0123456789abcdef0 --security-group-rules 'SecurityGroupRuleId=sgr-0123456789abcdef0,SecurityGroupRule={IpProtocol=tcp,FromPort=22,ToPort=22,CidrIpv4=10.0.0.0/16}'",
        handler: ec2::sg::modify_security_group_rules,
    },
    CommandSpec {
        service: "ec2",
        name: "replace-network-acl-association",
        operation: "ReplaceNetworkAclAssociation",
        mutating: true,
        flags: &[
            DRY_RUN,
            req("association-id", Kind::Str),
            req("network-acl-id", Kind::Str),
        ],
        summary: "Associates a subnet (by its current association id) with another network ACL.",
        example: "aws ec2 replace-network-acl-association --association-id aclassoc-0123456789abcdef0 --network-acl-id acl-0123456789abcdef0",
        handler: ec2::acl::replace_association,
    },
    CommandSpec {
        service: "ec2",
        name: "replace-network-acl-entry",
        operation: "ReplaceNetworkAclEntry",
        mutating: true,
        flags: ACL_ENTRY_FLAGS,
        summary: "Replaces a numbered rule of a network ACL.",
        example: "aws ec2 replace-network-acl-entry --network-acl-id acl-0123456789abcdef0 --ingress --rule-number 100 --protocol tcp --port-range From=22,To=22 --cidr-block 203.0.113.0/24 --rule-action allow",
        handler: ec2::acl::replace_entry,
    },
    CommandSpec {
        service: "ec2",
        name: "revoke-security-group-egress",
        operation: "RevokeSecurityGroupEgress",
        mutating: true,
        flags: sg_perm_flags![
            req("group-id", Kind::Str),
            opt("security-group-rule-ids", Kind::List)
        ],
        summary: "Removes outbound rules from a security group.",
        example: "aws ec2 revoke-security-group-egress --group-id sg-0123456789abcdef0 --protocol all --cidr 0.0.0.0/0",
        handler: ec2::sg::revoke_egress,
    },
    CommandSpec {
        service: "ec2",
        name: "revoke-security-group-ingress",
        operation: "RevokeSecurityGroupIngress",
        mutating: true,
        flags: sg_perm_flags![
            opt("group-id", Kind::Str),
            opt("group-name", Kind::Str),
            opt("security-group-rule-ids", Kind::List)
        ],
        summary: "Removes inbound rules from a security group.",
        example: "aws ec2 revoke-security-group-ingress --group-id sg-0123456789abcdef0 --protocol tcp --port 22 --cidr 0.0.0.0/0",
        handler: ec2::sg::revoke_ingress,
    },
    CommandSpec {
        service: "ec2",
        name: "update-security-group-rule-descriptions-egress",
        operation: "UpdateSecurityGroupRuleDescriptionsEgress",
        mutating: true,
        flags: &[
            DRY_RUN,
            opt("group-id", Kind::Str),
            opt("group-name", Kind::Str),
            opt("ip-permissions", Kind::StructList),
            opt("security-group-rule-descriptions", Kind::StructList),
        ],
        summary: "Changes the descriptions of outbound rules.",
        example: "aws ec2 update-security-group-rule-descriptions-egress --group-id sg-0123456789abcdef0 --security-group-rule-descriptions SecurityGroupRuleId=sgr-0123456789abcdef0,Description=\"all out\"",
        handler: ec2::sg::update_descriptions_egress,
    },
    CommandSpec {
        service: "ec2",
        name: "update-security-group-rule-descriptions-ingress",
        operation: "UpdateSecurityGroupRuleDescriptionsIngress",
        mutating: true,
        flags: &[
            DRY_RUN,
            opt("group-id", Kind::Str),
            opt("group-name", Kind::Str),
            opt("ip-permissions", Kind::StructList),
            opt("security-group-rule-descriptions", Kind::StructList),
        ],
        summary: "Changes the descriptions of inbound rules.",
        example: "aws ec2 update-security-group-rule-descriptions-ingress --group-id sg-0123456789abcdef0 --ip-permissions 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=203.0.113.0/24,Description=\"office SSH\"}]'",
        handler: ec2::sg::update_descriptions_ingress,
    },
    // --- issue 4: iam, keys, tenancy, lifecycle, access ---
    CommandSpec {
        service: "ec2",
        name: "create-key-pair",
        operation: "CreateKeyPair",
        mutating: true,
        flags: &[DRY_RUN, req("key-name", Kind::Str), opt("key-type", Kind::Str), opt("key-format", Kind::Str), opt("tag-specifications", Kind::StructList)],
        summary: "Creates a key pair (rsa 2048 by default, or ed25519); returns the private key once.",
        example: "aws ec2 create-key-pair --key-name web-key --key-type ed25519 --query KeyMaterial --output text",
        handler: ec2::keys::create_key_pair,
    },
    CommandSpec {
        service: "ec2",
        name: "import-key-pair",
        operation: "ImportKeyPair",
        mutating: true,
        flags: &[DRY_RUN, req("key-name", Kind::Str), req("public-key-material", Kind::Str), opt("tag-specifications", Kind::StructList)],
        summary: "Imports a public key (OpenSSH, SSH2 or base64 DER; RSA 1024/2048/4096 or ED25519).",
        example: "aws ec2 import-key-pair --key-name laptop --public-key-material fileb://laptop.pub",
        handler: ec2::keys::import_key_pair,
    },
    CommandSpec {
        service: "ec2",
        name: "describe-key-pairs",
        operation: "DescribeKeyPairs",
        mutating: false,
        flags: &[DRY_RUN, opt("key-names", Kind::List), opt("key-pair-ids", Kind::List), opt("include-public-key", Kind::Bool { negative: "no-include-public-key" }), FILTERS],
        summary: "Describes key pairs with their fingerprints.",
        example: "aws ec2 describe-key-pairs --key-names web-key",
        handler: ec2::keys::describe_key_pairs,
    },
    CommandSpec {
        service: "ec2",
        name: "delete-key-pair",
        operation: "DeleteKeyPair",
        mutating: true,
        flags: &[DRY_RUN, opt("key-name", Kind::Str), opt("key-pair-id", Kind::Str)],
        summary: "Deletes EC2's copy of a public key (instances keep their authorized_keys).",
        example: "aws ec2 delete-key-pair --key-name web-key",
        handler: ec2::keys::delete_key_pair,
    },
    CommandSpec {
        service: "ec2",
        name: "get-password-data",
        operation: "GetPasswordData",
        mutating: false,
        flags: &[DRY_RUN, req("instance-id", Kind::Str), opt("priv-launch-key", Kind::Str)],
        summary: "Gets a Windows instance's encrypted Administrator password (decrypted with --priv-launch-key).",
        example: "aws ec2 get-password-data --instance-id i-0123456789abcdef0 --priv-launch-key win-key.pem",
        handler: ec2::keys::get_password_data,
    },
    CommandSpec {
        service: "ec2",
        name: "run-instances",
        operation: "RunInstances",
        mutating: true,
        flags: &[DRY_RUN, req("image-id", Kind::Str), opt("instance-type", Kind::Str), opt("subnet-id", Kind::Str), opt("security-group-ids", Kind::List), opt("key-name", Kind::Str), opt("iam-instance-profile", Kind::Struct), opt("placement", Kind::Struct), opt("user-data", Kind::Str), opt("metadata-options", Kind::Struct), opt("count", Kind::Str), opt("min-count", Kind::Int), opt("max-count", Kind::Int), opt("tag-specifications", Kind::StructList), opt("associate-public-ip-address", Kind::Bool { negative: "no-associate-public-ip-address" })],
        summary: "Launches instances.",
        example: "aws ec2 run-instances --image-id ami-0123456789abcdef0 --instance-type t3.micro --subnet-id subnet-0123456789abcdef0 --key-name web-key --iam-instance-profile Name=app",
        handler: ec2::lifecycle::run_instances,
    },
    CommandSpec {
        service: "ec2",
        name: "start-instances",
        operation: "StartInstances",
        mutating: true,
        flags: &[DRY_RUN, req("instance-ids", Kind::List)],
        summary: "Starts stopped EBS-backed instances.",
        example: "aws ec2 start-instances --instance-ids i-0123456789abcdef0",
        handler: ec2::lifecycle::start_instances,
    },
    CommandSpec {
        service: "ec2",
        name: "stop-instances",
        operation: "StopInstances",
        mutating: true,
        flags: &[DRY_RUN, req("instance-ids", Kind::List), opt("force", Kind::Bool { negative: "no-force" }), opt("hibernate", Kind::Bool { negative: "no-hibernate" })],
        summary: "Stops EBS-backed instances (an instance-store root cannot be stopped).",
        example: "aws ec2 stop-instances --instance-ids i-0123456789abcdef0",
        handler: ec2::lifecycle::stop_instances,
    },
    CommandSpec {
        service: "ec2",
        name: "terminate-instances",
        operation: "TerminateInstances",
        mutating: true,
        flags: &[DRY_RUN, req("instance-ids", Kind::List)],
        summary: "Terminates instances (root volumes are deleted with them).",
        example: "aws ec2 terminate-instances --instance-ids i-0123456789abcdef0",
        handler: ec2::lifecycle::terminate_instances,
    },
    CommandSpec {
        service: "ec2",
        name: "modify-instance-metadata-options",
        operation: "ModifyInstanceMetadataOptions",
        mutating: true,
        flags: &[DRY_RUN, req("instance-id", Kind::Str), opt("http-tokens", Kind::Str), opt("http-put-response-hop-limit", Kind::Int), opt("http-endpoint", Kind::Str), opt("http-protocol-ipv6", Kind::Str), opt("instance-metadata-tags", Kind::Str)],
        summary: "Sets IMDS options: HttpTokens required (IMDSv2 only), hop limit, endpoint.",
        example: "aws ec2 modify-instance-metadata-options --instance-id i-0123456789abcdef0 --http-tokens required",
        handler: ec2::lifecycle::modify_instance_metadata_options,
    },
    CommandSpec {
        service: "ec2",
        name: "modify-vpc-tenancy",
        operation: "ModifyVpcTenancy",
        mutating: true,
        flags: &[DRY_RUN, req("vpc-id", Kind::Str), req("instance-tenancy", Kind::Str)],
        summary: "Changes a VPC's instance tenancy to default (existing instances keep theirs).",
        example: "aws ec2 modify-vpc-tenancy --vpc-id vpc-0123456789abcdef0 --instance-tenancy default",
        handler: ec2::lifecycle::modify_vpc_tenancy,
    },
    CommandSpec {
        service: "ec2",
        name: "modify-instance-placement",
        operation: "ModifyInstancePlacement",
        mutating: true,
        flags: &[DRY_RUN, req("instance-id", Kind::Str), opt("tenancy", Kind::Str), opt("host-id", Kind::Str), opt("affinity", Kind::Str), opt("group-name", Kind::Str)],
        summary: "Changes a stopped instance's tenancy (dedicated <-> host) or Dedicated Host.",
        example: "aws ec2 modify-instance-placement --instance-id i-0123456789abcdef0 --tenancy host --host-id h-0123456789abcdef0",
        handler: ec2::lifecycle::modify_instance_placement,
    },
    CommandSpec {
        service: "ec2",
        name: "allocate-hosts",
        operation: "AllocateHosts",
        mutating: true,
        flags: &[DRY_RUN, req("availability-zone", Kind::Str), opt("instance-type", Kind::Str), opt("instance-family", Kind::Str), opt("quantity", Kind::Int), opt("auto-placement", Kind::Str)],
        summary: "Allocates Dedicated Hosts.",
        example: "aws ec2 allocate-hosts --instance-type c5.large --availability-zone us-east-1a --quantity 1",
        handler: ec2::lifecycle::allocate_hosts,
    },
    CommandSpec {
        service: "ec2",
        name: "describe-hosts",
        operation: "DescribeHosts",
        mutating: false,
        flags: &[DRY_RUN, opt("host-ids", Kind::List), FILTERS],
        summary: "Describes Dedicated Hosts and the instances on them.",
        example: "aws ec2 describe-hosts",
        handler: ec2::lifecycle::describe_hosts,
    },
    CommandSpec {
        service: "ec2",
        name: "release-hosts",
        operation: "ReleaseHosts",
        mutating: true,
        flags: &[DRY_RUN, req("host-ids", Kind::List)],
        summary: "Releases Dedicated Hosts that run no instances.",
        example: "aws ec2 release-hosts --host-ids h-0123456789abcdef0",
        handler: ec2::lifecycle::release_hosts,
    },
    CommandSpec {
        service: "ec2",
        name: "describe-volumes",
        operation: "DescribeVolumes",
        mutating: false,
        flags: &[DRY_RUN, opt("volume-ids", Kind::List), FILTERS],
        summary: "Describes EBS volumes and their attachments.",
        example: "aws ec2 describe-volumes --filters Name=attachment.instance-id,Values=i-0123456789abcdef0",
        handler: ec2::lifecycle::describe_volumes,
    },
    CommandSpec {
        service: "ec2",
        name: "attach-volume",
        operation: "AttachVolume",
        mutating: true,
        flags: &[DRY_RUN, req("volume-id", Kind::Str), req("instance-id", Kind::Str), req("device", Kind::Str)],
        summary: "Attaches an available volume to an instance in the same Availability Zone.",
        example: "aws ec2 attach-volume --volume-id vol-0123456789abcdef0 --instance-id i-0123456789abcdef0 --device /dev/sdf",
        handler: ec2::lifecycle::attach_volume,
    },
    CommandSpec {
        service: "ec2",
        name: "detach-volume",
        operation: "DetachVolume",
        mutating: true,
        flags: &[DRY_RUN, req("volume-id", Kind::Str), opt("instance-id", Kind::Str), opt("device", Kind::Str), opt("force", Kind::Bool { negative: "no-force" })],
        summary: "Detaches a volume (a root volume only from a stopped instance).",
        example: "aws ec2 detach-volume --volume-id vol-0123456789abcdef0",
        handler: ec2::lifecycle::detach_volume,
    },
    CommandSpec {
        service: "ec2",
        name: "associate-iam-instance-profile",
        operation: "AssociateIamInstanceProfile",
        mutating: true,
        flags: &[DRY_RUN, req("instance-id", Kind::Str), req("iam-instance-profile", Kind::Struct)],
        summary: "Attaches an instance profile to a running or stopped instance without one.",
        example: "aws ec2 associate-iam-instance-profile --instance-id i-0123456789abcdef0 --iam-instance-profile Name=app",
        handler: ec2::profiles::associate,
    },
    CommandSpec {
        service: "ec2",
        name: "replace-iam-instance-profile-association",
        operation: "ReplaceIamInstanceProfileAssociation",
        mutating: true,
        flags: &[DRY_RUN, req("association-id", Kind::Str), req("iam-instance-profile", Kind::Struct)],
        summary: "Swaps the instance profile of a running instance.",
        example: "aws ec2 replace-iam-instance-profile-association --association-id iip-assoc-0123456789abcdef0 --iam-instance-profile Name=app",
        handler: ec2::profiles::replace,
    },
    CommandSpec {
        service: "ec2",
        name: "disassociate-iam-instance-profile",
        operation: "DisassociateIamInstanceProfile",
        mutating: true,
        flags: &[DRY_RUN, req("association-id", Kind::Str)],
        summary: "Removes an instance's instance profile.",
        example: "aws ec2 disassociate-iam-instance-profile --association-id iip-assoc-0123456789abcdef0",
        handler: ec2::profiles::disassociate,
    },
    CommandSpec {
        service: "ec2",
        name: "describe-iam-instance-profile-associations",
        operation: "DescribeIamInstanceProfileAssociations",
        mutating: false,
        flags: &[DRY_RUN, opt("association-ids", Kind::List), FILTERS],
        summary: "Lists instance profile associations.",
        example: "aws ec2 describe-iam-instance-profile-associations --filters Name=instance-id,Values=i-0123456789abcdef0",
        handler: ec2::profiles::describe,
    },
    CommandSpec {
        service: "ec2-instance-connect",
        name: "send-ssh-public-key",
        operation: "SendSSHPublicKey",
        mutating: true,
        flags: &[req("instance-id", Kind::Str), req("instance-os-user", Kind::Str), req("ssh-public-key", Kind::Str), opt("availability-zone", Kind::Str)],
        summary: "Pushes a public key into the instance metadata for 60 seconds.",
        example: "aws ec2-instance-connect send-ssh-public-key --instance-id i-0123456789abcdef0 --instance-os-user ec2-user --ssh-public-key file://my-key.pub",
        handler: ssm::send_ssh_public_key,
    },
    CommandSpec {
        service: "iam",
        name: "create-role",
        operation: "CreateRole",
        mutating: true,
        flags: &[req("role-name", Kind::Str), req("assume-role-policy-document", Kind::Str), opt("description", Kind::Str), opt("path", Kind::Str), opt("max-session-duration", Kind::Int)],
        summary: "Creates a role with a trust policy (who may assume it).",
        example: "aws iam create-role --role-name app-role --assume-role-policy-document '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}'",
        handler: iam::create_role,
    },
    CommandSpec {
        service: "iam",
        name: "get-role",
        operation: "GetRole",
        mutating: false,
        flags: &[req("role-name", Kind::Str)],
        summary: "Shows a role and its trust policy.",
        example: "aws iam get-role --role-name app-role",
        handler: iam::get_role,
    },
    CommandSpec {
        service: "iam",
        name: "list-roles",
        operation: "ListRoles",
        mutating: false,
        flags: &[opt("path-prefix", Kind::Str)],
        summary: "Lists roles.",
        example: "aws iam list-roles",
        handler: iam::list_roles,
    },
    CommandSpec {
        service: "iam",
        name: "delete-role",
        operation: "DeleteRole",
        mutating: true,
        flags: &[req("role-name", Kind::Str)],
        summary: "Deletes a role with no policies and in no instance profile.",
        example: "aws iam delete-role --role-name app-role",
        handler: iam::delete_role,
    },
    CommandSpec {
        service: "iam",
        name: "update-assume-role-policy",
        operation: "UpdateAssumeRolePolicy",
        mutating: true,
        flags: &[req("role-name", Kind::Str), req("policy-document", Kind::Str)],
        summary: "Replaces a role's trust policy.",
        example: "aws iam update-assume-role-policy --role-name app-role --policy-document '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}'",
        handler: iam::update_assume_role_policy,
    },
    CommandSpec {
        service: "iam",
        name: "put-role-policy",
        operation: "PutRolePolicy",
        mutating: true,
        flags: &[req("role-name", Kind::Str), req("policy-name", Kind::Str), req("policy-document", Kind::Str)],
        summary: "Adds or replaces an inline policy of a role.",
        example: "aws iam put-role-policy --role-name app-role --policy-name orders --policy-document '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"dynamodb:PutItem\",\"Resource\":\"*\"}]}'",
        handler: iam::put_role_policy,
    },
    CommandSpec {
        service: "iam",
        name: "get-role-policy",
        operation: "GetRolePolicy",
        mutating: false,
        flags: &[req("role-name", Kind::Str), req("policy-name", Kind::Str)],
        summary: "Shows an inline policy of a role.",
        example: "aws iam get-role-policy --role-name app-role --policy-name orders",
        handler: iam::get_role_policy,
    },
    CommandSpec {
        service: "iam",
        name: "delete-role-policy",
        operation: "DeleteRolePolicy",
        mutating: true,
        flags: &[req("role-name", Kind::Str), req("policy-name", Kind::Str)],
        summary: "Deletes an inline policy of a role.",
        example: "aws iam delete-role-policy --role-name app-role --policy-name orders",
        handler: iam::delete_role_policy,
    },
    CommandSpec {
        service: "iam",
        name: "list-role-policies",
        operation: "ListRolePolicies",
        mutating: false,
        flags: &[req("role-name", Kind::Str)],
        summary: "Lists the inline policies of a role.",
        example: "aws iam list-role-policies --role-name app-role",
        handler: iam::list_role_policies,
    },
    CommandSpec {
        service: "iam",
        name: "attach-role-policy",
        operation: "AttachRolePolicy",
        mutating: true,
        flags: &[req("role-name", Kind::Str), req("policy-arn", Kind::Str)],
        summary: "Attaches a managed policy to a role.",
        example: "aws iam attach-role-policy --role-name app-role --policy-arn arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        handler: iam::attach_role_policy,
    },
    CommandSpec {
        service: "iam",
        name: "detach-role-policy",
        operation: "DetachRolePolicy",
        mutating: true,
        flags: &[req("role-name", Kind::Str), req("policy-arn", Kind::Str)],
        summary: "Detaches a managed policy from a role.",
        example: "aws iam detach-role-policy --role-name app-role --policy-arn arn:aws:iam::aws:policy/AdministratorAccess",
        handler: iam::detach_role_policy,
    },
    CommandSpec {
        service: "iam",
        name: "list-attached-role-policies",
        operation: "ListAttachedRolePolicies",
        mutating: false,
        flags: &[req("role-name", Kind::Str)],
        summary: "Lists the managed policies attached to a role.",
        example: "aws iam list-attached-role-policies --role-name app-role",
        handler: iam::list_attached_role_policies,
    },
    CommandSpec {
        service: "iam",
        name: "create-policy",
        operation: "CreatePolicy",
        mutating: true,
        flags: &[req("policy-name", Kind::Str), req("policy-document", Kind::Str), opt("description", Kind::Str), opt("path", Kind::Str)],
        summary: "Creates a customer managed policy.",
        example: "aws iam create-policy --policy-name orders-write --policy-document '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"dynamodb:PutItem\",\"Resource\":\"*\"}]}'",
        handler: iam::create_policy,
    },
    CommandSpec {
        service: "iam",
        name: "create-instance-profile",
        operation: "CreateInstanceProfile",
        mutating: true,
        flags: &[req("instance-profile-name", Kind::Str), opt("path", Kind::Str)],
        summary: "Creates an (empty) instance profile.",
        example: "aws iam create-instance-profile --instance-profile-name app",
        handler: iam::create_instance_profile,
    },
    CommandSpec {
        service: "iam",
        name: "delete-instance-profile",
        operation: "DeleteInstanceProfile",
        mutating: true,
        flags: &[req("instance-profile-name", Kind::Str)],
        summary: "Deletes an instance profile that holds no role.",
        example: "aws iam delete-instance-profile --instance-profile-name app",
        handler: iam::delete_instance_profile,
    },
    CommandSpec {
        service: "iam",
        name: "add-role-to-instance-profile",
        operation: "AddRoleToInstanceProfile",
        mutating: true,
        flags: &[req("instance-profile-name", Kind::Str), req("role-name", Kind::Str)],
        summary: "Puts a role in an instance profile (one role per profile).",
        example: "aws iam add-role-to-instance-profile --instance-profile-name app --role-name app-role",
        handler: iam::add_role_to_instance_profile,
    },
    CommandSpec {
        service: "iam",
        name: "remove-role-from-instance-profile",
        operation: "RemoveRoleFromInstanceProfile",
        mutating: true,
        flags: &[req("instance-profile-name", Kind::Str), req("role-name", Kind::Str)],
        summary: "Takes the role out of an instance profile.",
        example: "aws iam remove-role-from-instance-profile --instance-profile-name app --role-name app-role",
        handler: iam::remove_role_from_instance_profile,
    },
    CommandSpec {
        service: "iam",
        name: "get-instance-profile",
        operation: "GetInstanceProfile",
        mutating: false,
        flags: &[req("instance-profile-name", Kind::Str)],
        summary: "Shows an instance profile and its role.",
        example: "aws iam get-instance-profile --instance-profile-name app",
        handler: iam::get_instance_profile,
    },
    CommandSpec {
        service: "iam",
        name: "list-instance-profiles",
        operation: "ListInstanceProfiles",
        mutating: false,
        flags: &[opt("path-prefix", Kind::Str)],
        summary: "Lists instance profiles with their roles.",
        example: "aws iam list-instance-profiles",
        handler: iam::list_instance_profiles,
    },
    CommandSpec {
        service: "iam",
        name: "list-instance-profiles-for-role",
        operation: "ListInstanceProfilesForRole",
        mutating: false,
        flags: &[req("role-name", Kind::Str)],
        summary: "Lists the instance profiles that hold a role.",
        example: "aws iam list-instance-profiles-for-role --role-name app-role",
        handler: iam::list_instance_profiles_for_role,
    },
    CommandSpec {
        service: "iam",
        name: "simulate-principal-policy",
        operation: "SimulatePrincipalPolicy",
        mutating: false,
        flags: &[req("policy-source-arn", Kind::Str), req("action-names", Kind::List), opt("resource-arns", Kind::List), opt("context-entries", Kind::StructList)],
        summary: "Evaluates a role's policies for actions and resources, naming the deciding statements.",
        example: "aws iam simulate-principal-policy --policy-source-arn arn:aws:iam::123456789012:role/app-role --action-names dynamodb:PutItem --resource-arns arn:aws:dynamodb:us-east-1:123456789012:table/Orders",
        handler: iam::simulate_principal_policy,
    },
    CommandSpec {
        service: "ssm",
        name: "start-session",
        operation: "StartSession",
        mutating: false,
        flags: &[req("target", Kind::Str), opt("document-name", Kind::Str), opt("parameters", Kind::Struct), opt("reason", Kind::Str)],
        summary: "Opens a Session Manager shell (no inbound port needed).",
        example: "aws ssm start-session --target i-0123456789abcdef0",
        handler: ssm::start_session,
    },
    CommandSpec {
        service: "ssm",
        name: "send-command",
        operation: "SendCommand",
        mutating: true,
        flags: &[req("document-name", Kind::Str), opt("instance-ids", Kind::List), opt("parameters", Kind::Struct), opt("comment", Kind::Str), opt("targets", Kind::StructList)],
        summary: "Runs a command document (AWS-RunShellScript, AWS-RunPatchBaseline) on managed instances.",
        example: "aws ssm send-command --document-name AWS-RunPatchBaseline --instance-ids i-0123456789abcdef0 --parameters Operation=Install",
        handler: ssm::send_command,
    },
    CommandSpec {
        service: "ssm",
        name: "list-command-invocations",
        operation: "ListCommandInvocations",
        mutating: false,
        flags: &[opt("command-id", Kind::Str), opt("instance-id", Kind::Str), opt("details", Kind::Bool { negative: "no-details" })],
        summary: "Per-instance results of Run Command requests.",
        example: "aws ssm list-command-invocations --command-id 0b2b1c8e-0000-4000-8000-000000000000 --details",
        handler: ssm::list_command_invocations,
    },
    CommandSpec {
        service: "ssm",
        name: "get-command-invocation",
        operation: "GetCommandInvocation",
        mutating: false,
        flags: &[req("command-id", Kind::Str), req("instance-id", Kind::Str)],
        summary: "One instance's result of a Run Command request.",
        example: "aws ssm get-command-invocation --command-id 0b2b1c8e-0000-4000-8000-000000000000 --instance-id i-0123456789abcdef0",
        handler: ssm::get_command_invocation,
    },
    CommandSpec {
        service: "ssm",
        name: "describe-instance-information",
        operation: "DescribeInstanceInformation",
        mutating: false,
        flags: &[opt("filters", Kind::StructList), opt("instance-information-filter-list", Kind::StructList)],
        summary: "Lists managed instances (SSM Agent online).",
        example: "aws ssm describe-instance-information",
        handler: ssm::describe_instance_information,
    },
    CommandSpec {
        service: "ssm",
        name: "describe-instance-patch-states",
        operation: "DescribeInstancePatchStates",
        mutating: false,
        flags: &[req("instance-ids", Kind::List)],
        summary: "Patch compliance of instances after a Patch Manager scan or install.",
        example: "aws ssm describe-instance-patch-states --instance-ids i-0123456789abcdef0",
        handler: ssm::describe_instance_patch_states,
    },
    CommandSpec {
        service: "ssm",
        name: "update-service-setting",
        operation: "UpdateServiceSetting",
        mutating: true,
        flags: &[req("setting-id", Kind::Str), req("setting-value", Kind::Str)],
        summary: "Turns on Default Host Management Configuration.",
        example: "aws ssm update-service-setting --setting-id arn:aws:ssm:us-east-1:123456789012:servicesetting/ssm/managed-instance/default-ec2-instance-management-role --setting-value service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole",
        handler: ssm::update_service_setting,
    },
];

/// Every command, sorted by service then name (the table itself is kept in blocks, one per
/// feature, to keep merges easy).
pub fn commands() -> &'static [CommandSpec] {
    static SORTED: std::sync::OnceLock<Vec<CommandSpec>> = std::sync::OnceLock::new();
    SORTED.get_or_init(|| {
        let mut v = COMMANDS.to_vec();
        v.sort_by_key(|c| (c.service, c.name));
        v
    })
}

/// The command called `name` in `service`.
pub fn find(service: &str, name: &str) -> Option<&'static CommandSpec> {
    commands()
        .iter()
        .find(|c| c.service == service && c.name == name)
}

/// The services that have commands.
pub fn services() -> Vec<&'static str> {
    let mut s: Vec<&str> = commands().iter().map(|c| c.service).collect();
    s.dedup();
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        let names: Vec<(&str, &str)> = commands().iter().map(|c| (c.service, c.name)).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(names, sorted);
        assert_eq!(names.len(), COMMANDS.len(), "a command is listed twice");
        for c in commands() {
            // EC2 commands take --dry-run; IAM, SSM and Instance Connect have none.
            assert_eq!(
                c.flag("dry-run").is_some(),
                c.service == "ec2",
                "{}",
                c.name
            );
            assert!(c.example.contains(c.name), "{}", c.name);
            let mut flags: Vec<String> = c.flag_names();
            flags.sort();
            let n = flags.len();
            flags.dedup();
            assert_eq!(n, flags.len(), "duplicate flag in {}", c.name);
        }
    }
}
