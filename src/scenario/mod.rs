//! Scenarios: the file format, loading with located diagnostics, goals and grading.

pub mod grade;
pub mod load;
pub mod schema;

use crate::model::Account;
use crate::net::types::{Ports, Protocol};

pub const TOPICS: &[&str] = &[
    "security-groups",
    "network-acls",
    "connection-tracking",
    "key-pairs",
    "iam-roles",
    "tenancy",
    "instance-access",
    "patching",
];

/// A loaded, validated scenario.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub id: String,
    pub title: String,
    pub topic: String,
    pub difficulty: u8,
    pub brief: String,
    pub account: Account,
    pub connections: Vec<ConnectionSpec>,
    pub goals: Vec<Goal>,
    pub hints: Vec<String>,
    /// Solution commands with the file line each stands on.
    pub solution: Vec<(usize, String)>,
    pub debrief: Option<String>,
    /// Where it was loaded from (a path, or `builtin:ID`).
    pub source: String,
    /// How many variants the file's parameters make (1 without parameters).
    pub variants: u64,
    /// Which variant this is, and the values drawn for it.
    pub variant: u64,
    pub parameters: Vec<(String, String)>,
    /// The file's text, to instantiate other variants.
    pub template: Option<std::sync::Arc<str>>,
    /// Loaded as a bank file (hints, solution, debrief required).
    pub bank: bool,
}

impl Scenario {
    /// The variant a seed picks (`seed % variants`); the scenario itself when it has none.
    pub fn instantiate(&self, seed: u64) -> Result<Scenario, load::LoadError> {
        match &self.template {
            Some(t) if self.variants > 1 => {
                load::load_scenario_variant(&self.source, t, self.bank, seed % self.variants)
            }
            _ => Ok(self.clone()),
        }
    }
}

/// A connection open when the scenario starts.
#[derive(Clone, Debug)]
pub struct ConnectionSpec {
    pub id: String,
    /// Never idle (see the schema).
    pub keepalive: bool,
    pub from: String,
    pub to: String,
    pub protocol: Protocol,
    pub ports: Ports,
}

#[derive(Clone, Debug)]
pub struct Goal {
    pub id: String,
    pub text: String,
    pub kind: GoalKind,
}

#[derive(Clone, Debug)]
pub struct FlowRef {
    pub from: String,
    pub to: String,
    pub protocol: Protocol,
    pub ports: Ports,
}

#[derive(Clone, Debug)]
pub struct AllowRef {
    pub protocol: Protocol,
    pub ports: Ports,
    pub from: String,
}

#[derive(Clone, Debug)]
pub enum GoalKind {
    /// The flow must be allowed (every source and port) or denied (none).
    Flow { flow: FlowRef, expect_allow: bool },
    /// Everything that reaches the instance must lie inside `allow_only`.
    Exposure {
        to: String,
        allow_only: Vec<AllowRef>,
    },
    /// A connection must be alive or dropped.
    Connection { id: String, expect_alive: bool },
    /// May the instance's role call `action` on `resource`.
    Iam {
        instance: String,
        action: String,
        resource: String,
        expect_allow: bool,
    },
    /// A shell on the instance can (or cannot) be had: `ssh` from `from` with `key`, or
    /// Session Manager (`ssm`).
    Access {
        instance: String,
        method: AccessMethod,
        from: String,
        key: Option<String>,
        expect_allow: bool,
    },
    /// Fields of an instance must (or must not) have these values.
    State {
        instance: String,
        fields: Vec<(String, StateExpect)>,
        expect: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessMethod {
    Ssh,
    Ssm,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StateExpect {
    One(String),
    Many(Vec<String>),
}

/// The instance fields a `state` goal may check.
pub const STATE_FIELDS: &[&str] = &[
    "http_tokens",
    "instance_profile",
    "iam_instance_profile",
    "key_name",
    "tenancy",
    "security_groups",
    "instance_type",
    "state",
    "platform",
    "root_device",
    "ssm_agent",
    "public_ip",
    "subnet",
    "authorized_keys",
    "ssm_managed",
    "missing_patches",
    "http_put_response_hop_limit",
    "host_id",
    "key_pair_exists",
    "vpc_tenancy",
];

/// The sandbox: a default VPC (172.31.0.0/16, internet gateway, one public default subnet)
/// with its default group and ACL, no goals.
pub fn sandbox_scenario() -> Scenario {
    const SANDBOX: &str = r#"
id: sandbox
title: Sandbox
topic: security-groups
difficulty: 1
brief: A fresh account with a default VPC. No goals; try anything.
world:
  vpcs:
    - {name: default-vpc, cidr: 172.31.0.0/16, internet_gateway: true, default: true}
  subnets:
    - {name: default-a, vpc: default-vpc, cidr: 172.31.0.0/20, route_internet: igw, availability_zone: us-east-1a}
"#;
    match load::load_scenario_with(
        "builtin:sandbox",
        SANDBOX,
        load::Options {
            bank: false,
            require_goals: false,
        },
    ) {
        Ok(s) => s,
        Err(e) => panic!("the built-in sandbox is valid: {e}"),
    }
}
