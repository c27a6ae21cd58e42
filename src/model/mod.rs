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
    /// Images the scenario declares (others are Amazon Linux, EBS-backed).
    pub images: Vec<Image>,
    /// EBS volumes (root volumes of EBS-backed instances and any others).
    pub volumes: Vec<Volume>,
    /// Dedicated Hosts allocated in the account.
    pub dedicated_hosts: Vec<DedicatedHost>,
    /// Systems Manager state: commands sent and the account's settings.
    pub ssm: Ssm,
    /// The learner's own machine: key files they hold (not AWS state, kept here so that
    /// `undo` and `reset` cover it).
    pub workstation: Vec<LocalKey>,
    /// The simulated clock (seconds since the scenario started); the session keeps it
    /// current before every command. Engines read time only from here.
    pub now: u64,
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
            images: vec![],
            volumes: vec![],
            dedicated_hosts: vec![],
            ssm: Ssm::default(),
            workstation: vec![],
            now: 0,
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
    /// Everything issue 4 added (metadata options, root volume, keys, association, patches).
    pub details: InstanceDetails,
}

/// Instance state beyond the network: instance metadata options, the root volume and the
/// keys on it, the instance profile association, Dedicated Host placement, patch level.
#[derive(Clone, Debug, PartialEq)]
pub struct InstanceDetails {
    /// IMDS hop limit (1–64, default 1).
    pub http_put_response_hop_limit: u8,
    /// IMDS enabled (`HttpEndpoint`).
    pub http_endpoint: bool,
    /// `iip-assoc-…` of the instance profile association, when one exists.
    pub profile_association_id: Option<String>,
    /// The EBS root volume's id (EBS-backed instances).
    pub root_volume_id: Option<String>,
    /// `~/.ssh/authorized_keys` when the root is an instance store (it lives on the volume
    /// otherwise).
    pub store_authorized_keys: Vec<String>,
    /// The Dedicated Host it runs on (tenancy `host`).
    pub host_id: Option<String>,
    /// The public key of the launch key pair (IMDS `public-keys/0/openssh-key`; Windows
    /// passwords are encrypted with it).
    pub launch_public_key: Option<String>,
    /// The Windows Administrator password EC2 set at launch.
    pub admin_password: Option<String>,
    /// Keys pushed with EC2 Instance Connect: (OS user, public key, expires at clock).
    pub eic_keys: Vec<(String, String, u64)>,
    /// IMDSv2 session tokens issued: (token, expires at clock).
    pub imds_tokens: Vec<(String, u64)>,
    /// Operating-system patches the instance lacks.
    pub missing_patches: u32,
    /// The last Patch Manager run: (`Scan` | `Install`, missing count then).
    pub patch_state: Option<(String, u32)>,
}

impl Default for InstanceDetails {
    fn default() -> Self {
        InstanceDetails {
            http_put_response_hop_limit: 1,
            http_endpoint: true,
            profile_association_id: None,
            root_volume_id: None,
            store_authorized_keys: vec![],
            host_id: None,
            launch_public_key: None,
            admin_password: None,
            eic_keys: vec![],
            imds_tokens: vec![],
            missing_patches: 0,
            patch_state: None,
        }
    }
}

/// The device name of root volumes in this simulator (Amazon Linux: `/dev/xvda`).
pub const ROOT_DEVICE: &str = "/dev/xvda";

/// An AMI the scenario declares.
#[derive(Clone, Debug, PartialEq)]
pub struct Image {
    pub id: String,
    pub name: Option<String>,
    pub platform: Os,
    pub root_device: RootDevice,
}

/// An EBS volume. Its file system's `/home/ec2-user/.ssh/authorized_keys` is modelled, since
/// that is what the lost-key recovery edits.
#[derive(Clone, Debug, PartialEq)]
pub struct Volume {
    pub id: String,
    pub size_gib: u32,
    pub availability_zone: String,
    /// (instance id, device) while attached.
    pub attachment: Option<(String, String)>,
    pub authorized_keys: Vec<String>,
    /// Deleted with its instance (root volumes, by default).
    pub delete_on_termination: bool,
}

/// A Dedicated Host.
#[derive(Clone, Debug, PartialEq)]
pub struct DedicatedHost {
    pub id: String,
    /// The instance type it is for (`t3.micro`) or only its family (`t3`).
    pub instance_type: String,
    pub availability_zone: String,
    pub auto_placement: bool,
    pub released: bool,
}

/// A key file on the learner's machine.
#[derive(Clone, Debug, PartialEq)]
pub struct LocalKey {
    /// File name without extension (`web-key` for `web-key.pem`).
    pub name: String,
    pub public_key: String,
    /// PEM (RSA) or OpenSSH private key; None when only the public half is held.
    pub private_pem: Option<String>,
}

/// Systems Manager state.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Ssm {
    pub commands: Vec<SsmCommand>,
    /// Default Host Management Configuration is on (instances get SSM credentials without
    /// an instance profile; needs IMDSv2).
    pub default_host_management: bool,
}

/// A Run Command request and its per-instance results.
#[derive(Clone, Debug, PartialEq)]
pub struct SsmCommand {
    pub id: String,
    pub document: String,
    pub parameters: serde_json::Value,
    pub requested_at: u64,
    /// (instance id, status `Success` | `Failed`, output).
    pub invocations: Vec<(String, String, String)>,
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
    /// As AWS shows it (depends on how the pair was made: see `crate::keys`).
    pub fingerprint: String,
    /// Clock second it was created or imported.
    pub create_time: u64,
}

/// IAM objects as the scenario declares them; evaluated by the IAM engine.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Iam {
    pub policies: Vec<IamPolicy>,
    pub roles: Vec<IamRole>,
    pub instance_profiles: Vec<InstanceProfile>,
    /// The policies of the identity the learner acts as; None means an administrator
    /// (everything allowed). Checked for iam:PassRole and Instance Connect.
    pub caller_policies: Option<Vec<String>>,
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
    /// Attached policies: AWS managed names or customer managed policy names.
    pub policies: Vec<String>,
    /// Inline policies (put-role-policy).
    pub inline_policies: Vec<IamPolicy>,
    /// The trust policy as given to create-role (None: built from `trust`).
    pub trust_document: Option<serde_json::Value>,
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
            || self.volumes.iter().any(|v| v.id == id)
            || self.dedicated_hosts.iter().any(|h| h.id == id)
            || self
                .instances
                .iter()
                .any(|i| i.details.profile_association_id.as_deref() == Some(id))
    }

    /// The keys in an instance's `~/.ssh/authorized_keys`: on its root volume when EBS-backed
    /// (none when the root volume is detached), else on the instance store.
    pub fn authorized_keys(&self, inst: &Instance) -> Vec<String> {
        match inst.root_device {
            RootDevice::InstanceStore => inst.details.store_authorized_keys.clone(),
            RootDevice::Ebs => self
                .volumes
                .iter()
                .find(|v| {
                    v.attachment
                        .as_ref()
                        .is_some_and(|(i, d)| i == &inst.id && d == ROOT_DEVICE)
                })
                .map(|v| v.authorized_keys.clone())
                .unwrap_or_default(),
        }
    }

    pub fn image(&self, id: &str) -> Option<&Image> {
        self.images.iter().find(|i| i.id == id)
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
