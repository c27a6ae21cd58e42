//! The simulated AWS account: VPCs, subnets, gateways, security groups, network ACLs,
//! instances, outside hosts, key pairs and IAM objects.
//!
//! **Invariant:** the model holds only validated values (`Protocol`, `Ports`, `IpNet`, ids of
//! AWS shape). It knows nothing of YAML, the CLI or evaluation; the loader and the commands
//! build and change it, the engines read it.

pub mod ids;

use crate::net::types::{Os, Ports, Protocol};
use ipnet::{IpNet, Ipv4Net};
use std::net::Ipv4Addr;

pub const DEFAULT_ACCOUNT: &str = "123456789012";
pub const DEFAULT_REGION: &str = "us-east-1";

#[derive(Clone, Debug, PartialEq)]
pub struct Account {
    pub account_id: String,
    pub region: String,
    pub vpcs: Vec<Vpc>,
    pub internet_gateways: Vec<InternetGateway>,
    pub subnets: Vec<Subnet>,
    pub security_groups: Vec<SecurityGroup>,
    pub network_acls: Vec<NetworkAcl>,
    pub instances: Vec<Instance>,
    pub hosts: Vec<Host>,
    pub key_pairs: Vec<KeyPair>,
    pub iam: Iam,
}

impl Default for Account {
    fn default() -> Self {
        Account {
            account_id: DEFAULT_ACCOUNT.into(),
            region: DEFAULT_REGION.into(),
            vpcs: vec![],
            internet_gateways: vec![],
            subnets: vec![],
            security_groups: vec![],
            network_acls: vec![],
            instances: vec![],
            hosts: vec![],
            key_pairs: vec![],
            iam: Iam::default(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tenancy {
    Default,
    Dedicated,
    Host,
}

impl Tenancy {
    pub fn as_str(self) -> &'static str {
        match self {
            Tenancy::Default => "default",
            Tenancy::Dedicated => "dedicated",
            Tenancy::Host => "host",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Vpc {
    pub id: String,
    pub name: Option<String>,
    pub cidr: Ipv4Net,
    pub is_default: bool,
    pub tenancy: Tenancy,
}

#[derive(Clone, Debug, PartialEq)]
pub struct InternetGateway {
    pub id: String,
    /// The VPC it is attached to, if any.
    pub vpc_id: Option<String>,
}

/// Where a subnet's route table sends 0.0.0.0/0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InternetRoute {
    /// `0.0.0.0/0 -> igw-…`: a public subnet.
    Igw,
    /// `0.0.0.0/0 -> nat-…`: outbound only.
    Nat,
    /// Only the local route.
    None,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Subnet {
    pub id: String,
    pub name: Option<String>,
    pub vpc_id: String,
    pub cidr: Ipv4Net,
    pub availability_zone: String,
    pub route_internet: InternetRoute,
    /// The route table's id (one per subnet in this model).
    pub route_table_id: String,
    /// The NAT gateway's id when `route_internet` is `Nat`.
    pub nat_gateway_id: Option<String>,
    /// The network ACL associated with the subnet (exactly one, FACTS: Network ACLs).
    pub network_acl_id: String,
    pub acl_association_id: String,
}

/// A security group rule's other side.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Peer {
    Cidr(IpNet),
    /// A security group id; matches the private addresses of its members.
    Group(String),
    PrefixList(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct SgRule {
    pub id: String,
    pub protocol: Protocol,
    pub ports: Ports,
    pub peer: Peer,
    pub description: Option<String>,
}

impl SgRule {
    /// True when the two rules grant the same permission (AWS ignores the description).
    pub fn same_permission(&self, other: &SgRule) -> bool {
        self.protocol == other.protocol && self.ports == other.ports && self.peer == other.peer
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SecurityGroup {
    pub id: String,
    pub name: String,
    pub description: String,
    pub vpc_id: String,
    pub ingress: Vec<SgRule>,
    pub egress: Vec<SgRule>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleAction {
    Allow,
    Deny,
}

impl RuleAction {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleAction::Allow => "allow",
            RuleAction::Deny => "deny",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct AclEntry {
    /// 1–32766 (the `*` rule, 32767/32768, is implicit and never stored).
    pub rule_number: u16,
    pub egress: bool,
    pub action: RuleAction,
    pub protocol: Protocol,
    pub ports: Ports,
    pub cidr: IpNet,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NetworkAcl {
    pub id: String,
    pub name: Option<String>,
    pub vpc_id: String,
    pub is_default: bool,
    /// Kept sorted by (egress, rule_number).
    pub entries: Vec<AclEntry>,
}

impl NetworkAcl {
    /// Entries of one direction, lowest rule number first.
    pub fn direction(&self, egress: bool) -> impl Iterator<Item = &AclEntry> {
        self.entries.iter().filter(move |e| e.egress == egress)
    }

    pub fn sort(&mut self) {
        self.entries.sort_by_key(|e| (e.egress, e.rule_number));
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstanceState {
    Running,
    Stopped,
}

impl InstanceState {
    pub fn as_str(self) -> &'static str {
        match self {
            InstanceState::Running => "running",
            InstanceState::Stopped => "stopped",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RootDevice {
    Ebs,
    InstanceStore,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HttpTokens {
    Optional,
    Required,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Instance {
    pub id: String,
    pub name: Option<String>,
    pub subnet_id: String,
    pub vpc_id: String,
    pub eni_id: String,
    pub private_ip: Ipv4Addr,
    pub public_ip: Option<Ipv4Addr>,
    /// Security group ids on the primary interface, in order.
    pub security_groups: Vec<String>,
    pub instance_type: String,
    pub image_id: String,
    pub tenancy: Tenancy,
    pub platform: Os,
    pub state: InstanceState,
    pub root_device: RootDevice,
    pub key_name: Option<String>,
    pub iam_instance_profile: Option<String>,
    pub http_tokens: HttpTokens,
    pub ssm_agent: bool,
    pub user_data: String,
}

impl Instance {
    /// The Name tag, else the id: what a learner calls it.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

/// A machine or network outside every VPC.
#[derive(Clone, Debug, PartialEq)]
pub struct Host {
    pub name: String,
    pub cidr: IpNet,
    pub os: Option<Os>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct KeyPair {
    pub name: String,
    pub id: String,
    pub key_type: String,
    pub public_key: Option<String>,
}

/// IAM objects as the scenario declares them; evaluated by the IAM engine.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Iam {
    pub policies: Vec<IamPolicy>,
    pub roles: Vec<IamRole>,
    pub instance_profiles: Vec<InstanceProfile>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct IamPolicy {
    pub name: String,
    pub document: serde_json::Value,
}

#[derive(Clone, Debug, PartialEq)]
pub struct IamRole {
    pub name: String,
    /// Services trusted to assume it (`ec2.amazonaws.com`).
    pub trust: Vec<String>,
    pub policies: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct InstanceProfile {
    pub name: String,
    pub role: Option<String>,
}

impl Account {
    pub fn vpc(&self, id: &str) -> Option<&Vpc> {
        self.vpcs.iter().find(|v| v.id == id)
    }
    pub fn subnet(&self, id: &str) -> Option<&Subnet> {
        self.subnets.iter().find(|s| s.id == id)
    }
    pub fn group(&self, id: &str) -> Option<&SecurityGroup> {
        self.security_groups.iter().find(|g| g.id == id)
    }
    pub fn group_mut(&mut self, id: &str) -> Option<&mut SecurityGroup> {
        self.security_groups.iter_mut().find(|g| g.id == id)
    }
    pub fn acl(&self, id: &str) -> Option<&NetworkAcl> {
        self.network_acls.iter().find(|a| a.id == id)
    }
    pub fn acl_mut(&mut self, id: &str) -> Option<&mut NetworkAcl> {
        self.network_acls.iter_mut().find(|a| a.id == id)
    }
    pub fn instance(&self, id: &str) -> Option<&Instance> {
        self.instances.iter().find(|i| i.id == id)
    }
    pub fn instance_mut(&mut self, id: &str) -> Option<&mut Instance> {
        self.instances.iter_mut().find(|i| i.id == id)
    }
    /// The internet gateway attached to a VPC.
    pub fn igw_of(&self, vpc_id: &str) -> Option<&InternetGateway> {
        self.internet_gateways
            .iter()
            .find(|g| g.vpc_id.as_deref() == Some(vpc_id))
    }
    pub fn default_group_of(&self, vpc_id: &str) -> Option<&SecurityGroup> {
        self.security_groups
            .iter()
            .find(|g| g.vpc_id == vpc_id && g.name == "default")
    }
    pub fn default_acl_of(&self, vpc_id: &str) -> Option<&NetworkAcl> {
        self.network_acls
            .iter()
            .find(|a| a.vpc_id == vpc_id && a.is_default)
    }

    /// A display label for a group: `sg-… (name)`.
    pub fn group_label(&self, id: &str) -> String {
        match self.group(id) {
            Some(g) => format!("{} ({})", g.id, g.name),
            None => id.to_string(),
        }
    }

    /// Every id in use, to keep fresh ids unique.
    pub fn contains_id(&self, id: &str) -> bool {
        self.vpcs.iter().any(|v| v.id == id)
            || self.internet_gateways.iter().any(|g| g.id == id)
            || self
                .subnets
                .iter()
                .any(|s| s.id == id || s.acl_association_id == id || s.route_table_id == id)
            || self
                .security_groups
                .iter()
                .any(|g| g.id == id || g.ingress.iter().chain(&g.egress).any(|r| r.id == id))
            || self.network_acls.iter().any(|a| a.id == id)
            || self.instances.iter().any(|i| i.id == id || i.eni_id == id)
            || self.key_pairs.iter().any(|k| k.id == id)
    }
}

/// The rules AWS gives a new VPC's `default` security group (FACTS: Security groups): inbound
/// all protocols from members of itself, outbound all traffic to 0.0.0.0/0.
pub fn default_group_rules(
    group_id: &str,
    mut rule_id: impl FnMut() -> String,
) -> (Vec<SgRule>, Vec<SgRule>) {
    let ingress = vec![SgRule {
        id: rule_id(),
        protocol: Protocol::All,
        ports: Ports::All,
        peer: Peer::Group(group_id.to_string()),
        description: None,
    }];
    (ingress, vec![allow_all_egress(rule_id())])
}

/// The one outbound rule every new group gets: all traffic to 0.0.0.0/0 (FACTS: a new group
/// has no inbound rules and one outbound allow-all; ::/0 is not added).
pub fn allow_all_egress(id: String) -> SgRule {
    SgRule {
        id,
        protocol: Protocol::All,
        ports: Ports::All,
        peer: Peer::Cidr("0.0.0.0/0".parse().expect("constant CIDR")),
        description: None,
    }
}

/// A default network ACL's entries: rule 100 allows all traffic in and out (FACTS).
pub fn default_acl_entries() -> Vec<AclEntry> {
    [false, true]
        .into_iter()
        .map(|egress| AclEntry {
            rule_number: 100,
            egress,
            action: RuleAction::Allow,
            protocol: Protocol::All,
            ports: Ports::All,
            cidr: "0.0.0.0/0".parse().expect("constant CIDR"),
        })
        .collect()
}
