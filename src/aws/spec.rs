//! The command table: every AWS command this simulator knows, with its API operation, its
//! flags and their value kinds, a one-line summary, an example and its handler.
//!
//! One table drives dispatch ([`super::run`]), `help` (via [`CommandSpec::usage`]) and Tab
//! completion (names and flags). **Invariant:** a command exists iff it is in [`commands`];
//! nothing else lists command or flag names.

use super::args::Args;
use super::ec2;
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
];

/// Every command, sorted by service then name.
pub fn commands() -> &'static [CommandSpec] {
    COMMANDS
}

/// The command called `name` in `service`.
pub fn find(service: &str, name: &str) -> Option<&'static CommandSpec> {
    COMMANDS
        .iter()
        .find(|c| c.service == service && c.name == name)
}

/// The services that have commands.
pub fn services() -> Vec<&'static str> {
    let mut s: Vec<&str> = COMMANDS.iter().map(|c| c.service).collect();
    s.dedup();
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        let names: Vec<(&str, &str)> = COMMANDS.iter().map(|c| (c.service, c.name)).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(names, sorted);
        for c in COMMANDS {
            assert!(c.flag("dry-run").is_some(), "{}", c.name);
            assert!(c.example.contains(c.name), "{}", c.name);
            let mut flags: Vec<String> = c.flag_names();
            flags.sort();
            let n = flags.len();
            flags.dedup();
            assert_eq!(n, flags.len(), "duplicate flag in {}", c.name);
        }
    }
}
