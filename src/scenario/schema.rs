//! The scenario file format (SPEC §6) as serde types.
//!
//! Every struct denies unknown fields (a typo must not pass silently). Values that need
//! checking after parsing (names, CIDRs, ports, ids) are kept as [`Spanned`] text so the
//! loader can point at them with `path:line:col`.

use schemars::JsonSchema;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::fmt;

/// A scalar read as text whatever its YAML type (`22`, `"22"`, `true`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Scalar {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Scalar".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": ["string", "number", "boolean"]})
    }
}

/// A scalar or a list of scalars (a `state` goal's value).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StateValue {
    One(String),
    Many(Vec<String>),
}

impl<'de> Deserialize<'de> for StateValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StateValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value or a list of values")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<StateValue, E> {
                Ok(StateValue::One(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<StateValue, E> {
                Ok(StateValue::One(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<StateValue, E> {
                Ok(StateValue::One(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<StateValue, E> {
                Ok(StateValue::One(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<StateValue, E> {
                Ok(StateValue::One(String::new()))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<StateValue, A::Error> {
                let mut out = Vec::new();
                while let Some(Scalar(s)) = seq.next_element::<Scalar>()? {
                    out.push(s);
                }
                Ok(StateValue::Many(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for StateValue {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "StateValue".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"anyOf": [
            {"type": ["string", "number", "boolean"]},
            {"type": "array", "items": {"type": ["string", "number", "boolean"]}}
        ]})
    }
}

pub type Text = Spanned<String>;
pub type Sc = Spanned<Scalar>;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioDoc {
    /// Unique, kebab-case.
    #[schemars(with = "String")]
    pub id: Text,
    #[schemars(with = "String")]
    pub title: Text,
    /// security-groups | network-acls | connection-tracking | key-pairs | iam-roles |
    /// tenancy | instance-access | patching
    #[schemars(with = "String")]
    pub topic: Text,
    /// 1..5
    #[schemars(with = "i64")]
    pub difficulty: Spanned<i64>,
    #[schemars(with = "String")]
    pub brief: Text,
    #[serde(default)]
    pub world: WorldDoc,
    #[serde(default)]
    pub goals: Vec<GoalDoc>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub hints: Vec<Text>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub solution: Vec<Text>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub debrief: Option<Text>,
    /// Values drawn per learner from `--seed`; `${name}` elsewhere in the file is replaced by
    /// the drawn value, so a class gets different numbers. Every combination must be solvable.
    #[serde(default)]
    pub parameters: BTreeMap<String, ParamDoc>,
}

/// One parameter of a scenario variant.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParamDoc {
    /// The values to draw from.
    pub one_of: Vec<Scalar>,
}

/// Only the parameters of a file (the first pass of loading a variant).
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct ParamsOnly {
    #[serde(default)]
    pub parameters: BTreeMap<String, ParamDoc>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorldDoc {
    /// 12 digits; default 123456789012.
    #[serde(default)]
    #[schemars(with = "Option<Scalar>")]
    pub account: Option<Sc>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub region: Option<Text>,
    #[serde(default)]
    pub vpcs: Vec<VpcDoc>,
    #[serde(default)]
    pub subnets: Vec<SubnetDoc>,
    #[serde(default)]
    pub network_acls: Vec<AclDoc>,
    #[serde(default)]
    pub security_groups: Vec<GroupDoc>,
    #[serde(default)]
    pub instances: Vec<InstanceDoc>,
    #[serde(default)]
    pub hosts: Vec<HostDoc>,
    #[serde(default)]
    pub key_pairs: Vec<KeyPairDoc>,
    #[serde(default)]
    pub images: Vec<ImageDoc>,
    #[serde(default)]
    pub iam: IamDoc,
    #[serde(default)]
    pub connections: Vec<ConnectionDoc>,
    /// Dedicated Hosts already allocated.
    #[serde(default)]
    pub dedicated_hosts: Vec<DedicatedHostDoc>,
    /// Key files on the learner's machine that EC2 does not know (e.g. a laptop key to
    /// import).
    #[serde(default)]
    pub local_keys: Vec<LocalKeyDoc>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DedicatedHostDoc {
    /// `h-` + 17 hex digits.
    #[schemars(with = "String")]
    pub id: Text,
    /// The instance type (`c5.large`) or family (`c5`) the host is for.
    #[schemars(with = "String")]
    pub instance_type: Text,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub availability_zone: Option<Text>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LocalKeyDoc {
    /// File name without extension.
    #[schemars(with = "String")]
    pub name: Text,
    /// rsa | ed25519 (default ed25519)
    #[serde(default, rename = "type")]
    #[schemars(with = "Option<String>")]
    pub key_type: Option<Text>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VpcDoc {
    #[schemars(with = "String")]
    pub name: Text,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub id: Option<Text>,
    #[schemars(with = "String")]
    pub cidr: Text,
    /// An internet gateway is attached.
    #[serde(default)]
    pub internet_gateway: bool,
    /// default | dedicated
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub tenancy: Option<Text>,
    /// The Region's default VPC (revoking a missing rule succeeds there).
    #[serde(default)]
    pub default: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubnetDoc {
    #[schemars(with = "String")]
    pub name: Text,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub id: Option<Text>,
    #[schemars(with = "String")]
    pub vpc: Text,
    #[schemars(with = "String")]
    pub cidr: Text,
    /// igw | nat | none (default none)
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub route_internet: Option<Text>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub availability_zone: Option<Text>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AclDoc {
    #[schemars(with = "String")]
    pub name: Text,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub id: Option<Text>,
    #[schemars(with = "String")]
    pub vpc: Text,
    /// This is the VPC's default ACL (it gets every subnet not given another).
    #[serde(default)]
    pub default: bool,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub subnets: Vec<Text>,
    #[serde(default)]
    pub ingress: Vec<AclEntryDoc>,
    #[serde(default)]
    pub egress: Vec<AclEntryDoc>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AclEntryDoc {
    /// 1..32766
    #[schemars(with = "i64")]
    pub rule: Spanned<i64>,
    /// allow | deny
    #[schemars(with = "String")]
    pub action: Text,
    #[schemars(with = "Scalar")]
    pub protocol: Sc,
    #[serde(default)]
    #[schemars(with = "Option<Scalar>")]
    pub ports: Option<Sc>,
    #[schemars(with = "String")]
    pub cidr: Text,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupDoc {
    #[schemars(with = "String")]
    pub name: Text,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub id: Option<Text>,
    #[schemars(with = "String")]
    pub vpc: Text,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub description: Option<Text>,
    #[serde(default)]
    pub ingress: Vec<RuleDoc>,
    /// Absent: AWS's default outbound allow-all; `[]`: none.
    #[serde(default)]
    pub egress: Option<Vec<RuleDoc>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleDoc {
    #[schemars(with = "Scalar")]
    pub protocol: Sc,
    #[serde(default)]
    #[schemars(with = "Option<Scalar>")]
    pub ports: Option<Sc>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub cidr: Option<Text>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub group: Option<Text>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub prefix_list: Option<Text>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub description: Option<Text>,
    /// `sgr-…`; derived when absent.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub id: Option<Text>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InstanceDoc {
    #[schemars(with = "String")]
    pub name: Text,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub id: Option<Text>,
    #[schemars(with = "String")]
    pub subnet: Text,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub private_ip: Option<Text>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub public_ip: Option<Text>,
    /// Names or ids; absent: the VPC's default group.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub security_groups: Option<Vec<Text>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub key_name: Option<Text>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub iam_instance_profile: Option<Text>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub instance_type: Option<Text>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub image_id: Option<Text>,
    /// default | dedicated | host
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub tenancy: Option<Text>,
    /// linux | windows
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub platform: Option<Text>,
    /// running | stopped
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub state: Option<Text>,
    /// ebs | instance-store
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub root_device: Option<Text>,
    /// optional | required
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub http_tokens: Option<Text>,
    #[serde(default)]
    pub ssm_agent: Option<bool>,
    #[serde(default)]
    pub user_data: Option<String>,
    /// Operating-system patches the instance lacks (default 0).
    #[serde(default)]
    pub missing_patches: Option<u32>,
    /// The Dedicated Host it runs on (tenancy host), by id.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub host_id: Option<Text>,
    /// The EBS root volume's id (`vol-…`); derived when absent.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub root_volume_id: Option<Text>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HostDoc {
    #[schemars(with = "String")]
    pub name: Text,
    #[schemars(with = "String")]
    pub cidr: Text,
    /// linux | windows: decides its ephemeral ports.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub os: Option<Text>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyPairDoc {
    #[schemars(with = "String")]
    pub name: Text,
    /// rsa | ed25519
    #[serde(default, rename = "type")]
    #[schemars(with = "Option<String>")]
    pub key_type: Option<Text>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub public_key: Option<Text>,
    /// The learner still holds the private key file (default true; false: the key is lost).
    #[serde(default)]
    pub held: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImageDoc {
    #[schemars(with = "String")]
    pub id: Text,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub name: Option<Text>,
    /// linux | windows
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub platform: Option<Text>,
    /// ebs | instance-store
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub root_device: Option<Text>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IamDoc {
    #[serde(default)]
    pub policies: Vec<PolicyDoc>,
    #[serde(default)]
    pub roles: Vec<RoleDoc>,
    #[serde(default)]
    pub instance_profiles: Vec<ProfileDoc>,
    /// The policies of the IAM identity the learner acts as (absent: an administrator).
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub caller_policies: Option<Vec<Text>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyDoc {
    #[schemars(with = "String")]
    pub name: Text,
    pub document: serde_json::Value,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleDoc {
    #[schemars(with = "String")]
    pub name: Text,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub trust: Vec<Text>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub policies: Vec<Text>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileDoc {
    #[schemars(with = "String")]
    pub name: Text,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub role: Option<Text>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectionDoc {
    #[schemars(with = "String")]
    pub id: Text,
    /// The parties keep sending (an interactive session): idle time never builds up, so only
    /// a rule, ACL or routing change can cut it, not `wait`.
    #[serde(default)]
    pub keepalive: bool,
    #[schemars(with = "String")]
    pub from: Text,
    #[schemars(with = "String")]
    pub to: Text,
    #[schemars(with = "Scalar")]
    pub protocol: Sc,
    #[serde(default)]
    #[schemars(with = "Option<Scalar>")]
    pub ports: Option<Sc>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalDoc {
    #[schemars(with = "String")]
    pub id: Text,
    #[schemars(with = "String")]
    pub text: Text,
    #[serde(default)]
    pub flow: Option<FlowDoc>,
    #[serde(default)]
    pub exposure: Option<ExposureDoc>,
    #[serde(default)]
    pub allow_only: Option<Vec<AllowDoc>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub connection: Option<Text>,
    #[serde(default)]
    pub iam: Option<IamGoalDoc>,
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, StateValue>>")]
    pub state: Option<BTreeMap<String, Spanned<StateValue>>>,
    /// Can someone reach a shell on the instance (ssh with a key, or Session Manager).
    #[serde(default)]
    pub access: Option<AccessGoalDoc>,
    /// allow | deny (flow, iam), alive | dropped (connection), true | false (state)
    #[serde(default)]
    #[schemars(with = "Option<Scalar>")]
    pub expect: Option<Sc>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowDoc {
    #[schemars(with = "String")]
    pub from: Text,
    #[schemars(with = "String")]
    pub to: Text,
    #[schemars(with = "Scalar")]
    pub protocol: Sc,
    #[serde(default)]
    #[schemars(with = "Option<Scalar>")]
    pub ports: Option<Sc>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExposureDoc {
    #[schemars(with = "String")]
    pub to: Text,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AllowDoc {
    #[schemars(with = "Scalar")]
    pub protocol: Sc,
    #[serde(default)]
    #[schemars(with = "Option<Scalar>")]
    pub ports: Option<Sc>,
    #[schemars(with = "String")]
    pub from: Text,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IamGoalDoc {
    #[schemars(with = "String")]
    pub instance: Text,
    #[schemars(with = "String")]
    pub action: Text,
    #[schemars(with = "String")]
    pub resource: Text,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessGoalDoc {
    #[schemars(with = "String")]
    pub instance: Text,
    /// ssh | ssm
    #[schemars(with = "String")]
    pub method: Text,
    /// ssh: where the client is (a host, an instance, `internet`, an address); default
    /// the scenario's first host, else internet.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub from: Option<Text>,
    /// ssh: the key file the client uses (a local key name).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub key: Option<Text>,
}
