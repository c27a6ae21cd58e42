//! Reaching an instance: SSH (network path to TCP 22 + a key in authorized_keys), Session
//! Manager / Run Command prerequisites, and the instance metadata service (IMDSv1/v2).
//!
//! Sources: FACTS.md "Key pairs", "IAM roles for EC2", "Reaching and patching";
//! docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-prerequisites.html,
//! AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html.
//!
//! **Invariant:** pure — the account (with its clock, `Account::now`) and the seeded
//! [`IdGen`] come in; nothing here prints or reads the OS.

use crate::model::ids::IdGen;
use crate::model::{Account, HttpTokens, Instance, InstanceState, LocalKey};
use crate::net::compile::Compiled;
use crate::net::flow::Verdict;
use crate::net::types::{Os, Ports, Protocol};
use crate::scenario::grade::evaluate_flow;
use serde_json::json;

/// A public address standing for the Systems Manager endpoints (ssm, ssmmessages,
/// ec2messages) of the Region: the agent must reach it on HTTPS 443.
pub const SSM_ENDPOINT: &str = "52.94.0.20";
/// A public address standing for the OS patch repositories (Amazon Linux's are on S3).
pub const REPO_ENDPOINT: &str = "52.216.0.20";
/// Seconds an Instance Connect key stays in the metadata (FACTS: 60 seconds).
pub const EIC_KEY_SECONDS: u64 = 60;
/// Lifetime of the role credentials IMDS serves, and how often new ones are issued: new
/// credentials appear 15 minutes before the old expire (FACTS: at least 5 minutes).
pub const CREDENTIAL_LIFETIME: u64 = 6 * 3600;
pub const CREDENTIAL_ROTATION: u64 = CREDENTIAL_LIFETIME - 15 * 60;

/// ISO 8601 time of a clock second (the simulated clock starts 2026-11-01T00:00:00Z).
pub fn timestamp(now: u64) -> String {
    let secs = 1_793_491_200u64.saturating_add(now).min(253_402_300_799); // ≤ 9999-12-31 // 2026-11-01T00:00:00Z
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn flow_ok(acct: &Account, from: &str, to: &str, port: u16) -> Result<(), String> {
    let c = Compiled::new(acct);
    match evaluate_flow(&c, from, to, Protocol::Tcp, Ports::Range(port, port), None) {
        Ok(r) if r.verdict == Verdict::Allow => Ok(()),
        Ok(r) => Err(crate::scenario::grade::flow_detail(&r, true)),
        Err(e) => Err(e),
    }
}

/// Why Systems Manager cannot manage the instance (empty: it is managed, "Online").
/// Session Manager, Run Command and Patch Manager all need these; no inbound port does.
pub fn ssm_missing(acct: &Account, inst: &Instance) -> Vec<String> {
    let mut out = Vec::new();
    if inst.state != InstanceState::Running {
        out.push(format!("{} is {}", inst.label(), inst.state.as_str()));
    }
    if !inst.ssm_agent {
        out.push("SSM Agent is not installed (or not running) on the instance".into());
    }
    let needed = [
        ("ssm:UpdateInstanceInformation", "*"),
        ("ssmmessages:CreateControlChannel", "*"),
        ("ec2messages:GetMessages", "*"),
    ];
    let dhmc = acct.ssm.default_host_management && inst.details.http_endpoint;
    if inst.iam_instance_profile.is_none() && dhmc {
        // Default Host Management Configuration supplies the credentials (needs IMDSv2).
    } else {
        for (action, res) in needed {
            match crate::iam::instance_may(acct, &inst.id, action, res) {
                Ok(d) if d.allowed => {}
                Ok(d) => {
                    out.push(format!(
                        "the agent's credentials do not allow {action}: {} (attach a role with AmazonSSMManagedInstanceCore through an instance profile)",
                        d.detail
                    ));
                    break;
                }
                Err(e) => {
                    out.push(e);
                    break;
                }
            }
        }
    }
    if inst.state == InstanceState::Running {
        if let Err(e) = flow_ok(acct, &inst.id, SSM_ENDPOINT, 443) {
            out.push(format!(
                "the agent cannot reach the ssm, ssmmessages and ec2messages endpoints on HTTPS 443 (outbound; a public IP with an internet gateway, a NAT gateway, or interface VPC endpoints): {e}"
            ));
        }
    }
    out
}

/// Can Patch Manager reach the OS patch repositories from the instance?
pub fn repos_missing(acct: &Account, inst: &Instance) -> Option<String> {
    flow_ok(acct, &inst.id, REPO_ENDPOINT, 443)
        .err()
        .map(|e| format!("the instance cannot reach its OS patch repositories on HTTPS 443: {e}"))
}

/// Everything about one SSH attempt.
pub struct SshAttempt<'a> {
    pub from: &'a str,
    pub user: &'a str,
    /// The key files the client offers (an `-i` file, or all of them).
    pub keys: Vec<&'a LocalKey>,
}

/// The OS user of the images this simulator runs (Amazon Linux).
pub const LINUX_USER: &str = "ec2-user";

/// Tries an SSH login. Ok: the banner; Err: what the client prints.
pub fn ssh(acct: &Account, inst: &Instance, a: &SshAttempt<'_>) -> Result<String, String> {
    if inst.state != InstanceState::Running {
        return Err(format!(
            "ssh: connect to host {} port 22: Connection timed out ({} is {})",
            inst.label(),
            inst.label(),
            inst.state.as_str()
        ));
    }
    if inst.platform == Os::Windows {
        return Err(format!(
            "ssh: connect to host {} port 22: Connection refused (a Windows instance: connect with RDP as Administrator; get-password-data decrypts the password with the key pair's private key)",
            inst.label()
        ));
    }
    flow_ok(acct, a.from, &inst.id, 22).map_err(|e| {
        format!(
            "ssh: connect to host {} port 22: Connection timed out (the network does not let {} reach TCP 22: {e})",
            inst.label(),
            a.from
        )
    })?;
    if a.user == "root" {
        return Err(format!(
            "Please login as the user \"{LINUX_USER}\" rather than the user \"root\"."
        ));
    }
    let mut offered: Vec<String> = Vec::new();
    let authorized = acct.authorized_keys(inst);
    let eic: Vec<&String> = inst
        .details
        .eic_keys
        .iter()
        .filter(|(u, _, exp)| u == a.user && *exp > acct.now)
        .map(|(_, k, _)| k)
        .collect();
    for k in &a.keys {
        offered.push(k.name.clone());
        let in_file = a.user == LINUX_USER
            && authorized
                .iter()
                .any(|x| crate::keys::same_key(x, &k.public_key));
        let pushed = eic.iter().any(|x| crate::keys::same_key(x, &k.public_key));
        if in_file || pushed {
            let how = if in_file {
                "its public key is in ~/.ssh/authorized_keys".to_string()
            } else {
                "its public key was pushed with EC2 Instance Connect (valid 60 s)".to_string()
            };
            return Ok(format!(
                "Connected to {} as {} with {} ({how}).\n   ,     #_\n   ~\\_  ####_        Amazon Linux 2023\n  ~~  \\_#####\\\n[{}@ip-{} ~]$",
                inst.label(),
                a.user,
                k.name,
                a.user,
                inst.private_ip.to_string().replace('.', "-")
            ));
        }
    }
    let why = if offered.is_empty() {
        "no key file offered".to_string()
    } else if a.user != LINUX_USER && eic.is_empty() {
        format!(
            "user {} has no authorized keys; Amazon Linux's user is {LINUX_USER}",
            a.user
        )
    } else {
        format!(
            "none of the offered keys ({}) is in {}'s authorized_keys",
            offered.join(", "),
            inst.label()
        )
    };
    Err(format!(
        "{}@{}: Permission denied (publickey). ({why})",
        a.user,
        inst.label()
    ))
}

/// One HTTP request to the instance metadata service from software on `inst`.
pub struct ImdsRequest<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub token: Option<&'a str>,
    pub ttl: Option<&'a str>,
}

/// An HTTP answer: status and body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpAnswer {
    pub status: u16,
    pub body: String,
}

fn answer(status: u16, body: impl Into<String>) -> HttpAnswer {
    HttpAnswer {
        status,
        body: body.into(),
    }
}

fn role_of(acct: &Account, inst: &Instance) -> Option<String> {
    let p = inst.iam_instance_profile.as_ref()?;
    acct.iam
        .instance_profiles
        .iter()
        .find(|x| &x.name == p)?
        .role
        .clone()
}

/// Serves IMDS (`http://169.254.169.254/…`). IMDSv2: `PUT /latest/api/token` with a TTL of
/// 1–21,600 s returns a token; with HttpTokens=required every GET without a valid token is
/// answered 401. Network ACLs and security groups play no part (FACTS).
pub fn imds(
    acct: &Account,
    inst: &mut Instance,
    req: &ImdsRequest<'_>,
    ids: &mut IdGen,
) -> HttpAnswer {
    let now = acct.now;
    if !inst.details.http_endpoint {
        return answer(0, "curl: (7) Failed to connect to 169.254.169.254 port 80: Connection refused (HttpEndpoint is disabled)");
    }
    let path = req.path.trim_start_matches("http://169.254.169.254");
    if req.method == "PUT" {
        if path != "/latest/api/token" {
            return answer(405, "Method Not Allowed");
        }
        let ttl = req.ttl.and_then(|t| t.trim().parse::<u64>().ok());
        let Some(ttl) = ttl.filter(|t| (1..=21_600).contains(t)) else {
            return answer(
                400,
                "Bad Request (X-aws-ec2-metadata-token-ttl-seconds must be 1-21600)",
            );
        };
        let token = format!("AQAEA{:016x}{:016x}==", ids.next_u64(), ids.next_u64());
        inst.details.imds_tokens.retain(|(_, exp)| *exp > now);
        inst.details
            .imds_tokens
            .push((token.clone(), now.saturating_add(ttl)));
        return answer(200, token);
    }
    if req.method != "GET" {
        return answer(405, "Method Not Allowed");
    }
    let valid = |t: &str| {
        inst.details
            .imds_tokens
            .iter()
            .any(|(x, exp)| x == t && *exp > now)
    };
    let authorized = match req.token {
        Some(t) => valid(t),
        None => inst.http_tokens != HttpTokens::Required,
    };
    if !authorized {
        return answer(401, "Unauthorized");
    }
    let role = role_of(acct, inst);
    let md = "/latest/meta-data/";
    let rest = match path {
        "/latest/user-data" | "/latest/user-data/" => {
            return if inst.user_data.is_empty() {
                answer(404, "Not Found")
            } else {
                answer(200, inst.user_data.clone())
            }
        }
        p => match p.strip_prefix(md).or(if p == "/latest/meta-data" {
            Some("")
        } else {
            None
        }) {
            Some(r) => r.trim_end_matches('/'),
            None => return answer(404, "Not Found"),
        },
    };
    let mut listing = vec![
        "ami-id",
        "instance-id",
        "instance-type",
        "local-ipv4",
        "placement/",
        "security-groups",
    ];
    if inst.public_ip.is_some() {
        listing.push("public-ipv4");
    }
    if inst.details.launch_public_key.is_some() {
        listing.push("public-keys/");
    }
    if role.is_some() {
        listing.push("iam/");
    }
    listing.sort();
    let body = match rest {
        "" => listing.join("\n"),
        "ami-id" => inst.image_id.clone(),
        "instance-id" => inst.id.clone(),
        "instance-type" => inst.instance_type.clone(),
        "local-ipv4" => inst.private_ip.to_string(),
        "public-ipv4" => match inst.public_ip {
            Some(ip) => ip.to_string(),
            None => return answer(404, "Not Found"),
        },
        "placement" => "availability-zone\ntenancy".into(),
        "placement/tenancy" => inst.tenancy.as_str().into(),
        "placement/availability-zone" => acct
            .subnet(&inst.subnet_id)
            .map(|s| s.availability_zone.clone())
            .unwrap_or_default(),
        "security-groups" => inst
            .security_groups
            .iter()
            .map(|g| acct.group(g).map(|g| g.name.clone()).unwrap_or(g.clone()))
            .collect::<Vec<_>>()
            .join("\n"),
        "public-keys" => match (&inst.details.launch_public_key, &inst.key_name) {
            (Some(_), Some(k)) => format!("0={k}"),
            _ => return answer(404, "Not Found"),
        },
        "public-keys/0" => "openssh-key".into(),
        "public-keys/0/openssh-key" => match &inst.details.launch_public_key {
            Some(k) => format!("{k} {}", inst.key_name.clone().unwrap_or_default()),
            None => return answer(404, "Not Found"),
        },
        "iam" if role.is_some() => "info\nsecurity-credentials/".into(),
        "iam/info" if role.is_some() => {
            let p = inst.iam_instance_profile.clone().unwrap_or_default();
            serde_json::to_string_pretty(&json!({
                "Code": "Success",
                "LastUpdated": timestamp(now),
                "InstanceProfileArn": format!("arn:aws:iam::{}:instance-profile/{p}", acct.account_id),
                "InstanceProfileId": profile_id(&p),
            }))
            .unwrap_or_default()
        }
        "iam/security-credentials" if role.is_some() => role.clone().unwrap_or_default(),
        r => match (r.strip_prefix("iam/security-credentials/"), &role) {
            (Some(name), Some(role)) if name == role => credentials(acct, inst, role),
            _ => return answer(404, "Not Found"),
        },
    };
    answer(200, body)
}

/// A stable `AIPA…` id for an instance profile name.
pub fn profile_id(name: &str) -> String {
    let d = crate::model::ids::derived("key", "profile", name);
    format!("AIPA{}", d.get(4..20).unwrap_or("").to_uppercase())
}

/// The temporary credentials IMDS serves for the role at the current clock: a new set every
/// [`CREDENTIAL_ROTATION`] seconds, each valid [`CREDENTIAL_LIFETIME`].
pub fn credentials(acct: &Account, inst: &Instance, role: &str) -> String {
    let (issued, expires, key) = credential_window(acct.now);
    let id = crate::model::ids::derived("key", &format!("{}/{role}", inst.id), &key.to_string());
    let hex = id.get(4..20).unwrap_or("").to_uppercase();
    serde_json::to_string_pretty(&json!({
        "Code": "Success",
        "LastUpdated": timestamp(issued),
        "Type": "AWS-HMAC",
        "AccessKeyId": format!("ASIA{hex}"),
        "SecretAccessKey": format!("{hex}{hex}").chars().rev().collect::<String>(),
        "Token": format!("IQoJb3JpZ2luX2VjE{hex}…"),
        "Expiration": timestamp(expires),
    }))
    .unwrap_or_default()
}

/// (issued at, expires at, generation) of the credentials current at `now`.
pub fn credential_window(now: u64) -> (u64, u64, u64) {
    let k = now / CREDENTIAL_ROTATION;
    let issued = k * CREDENTIAL_ROTATION;
    (issued, issued.saturating_add(CREDENTIAL_LIFETIME), k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(timestamp(0), "2026-11-01T00:00:00Z");
        assert_eq!(timestamp(86_400 * 30 + 61), "2026-12-01T00:01:01Z");
        assert_eq!(timestamp(86_400 * 61), "2027-01-01T00:00:00Z");
        assert!(timestamp(u64::MAX).starts_with("9999-12-31"));
    }
}
