//! FACTS.md "Key pairs", "IAM roles for EC2", "Tenancy" and "Reaching and patching": one
//! named test per fact, each driving a session as a learner would (AWS commands and tutor
//! commands) and checking outcomes, error codes and messages.

use ec2_tutor::scenario::load::{load_scenario_with, Options};
use ec2_tutor::session::{Output, Session};
use serde_json::Value;
use std::sync::Arc;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/keys/");

fn key_file(name: &str) -> String {
    std::fs::read_to_string(format!("{DATA}{name}")).unwrap()
}

/// A world: one VPC with a public subnet (us-east-1a), an office, groups `open` (22 from the
/// office) and `closed` (nothing in), and whatever `extra` adds (indented YAML).
fn world(extra: &str) -> String {
    format!(
        r#"
  vpcs:
    - {{name: main, id: vpc-0aaaaaaaaaaaaaaa1, cidr: 10.0.0.0/16, internet_gateway: true}}
    - {{name: ded, id: vpc-0aaaaaaaaaaaaaaa2, cidr: 10.9.0.0/16, tenancy: dedicated}}
  subnets:
    - {{name: public, id: subnet-0aaaaaaaaaaaaaaa1, vpc: main, cidr: 10.0.1.0/24, route_internet: igw, availability_zone: us-east-1a}}
    - {{name: private, id: subnet-0aaaaaaaaaaaaaaa2, vpc: main, cidr: 10.0.2.0/24, route_internet: nat, availability_zone: us-east-1a}}
    - {{name: isolated, id: subnet-0aaaaaaaaaaaaaaa3, vpc: main, cidr: 10.0.3.0/24, availability_zone: us-east-1a}}
    - {{name: dsub, id: subnet-0aaaaaaaaaaaaaaa4, vpc: ded, cidr: 10.9.1.0/24, availability_zone: us-east-1a}}
  security_groups:
    - {{name: open, id: sg-0aaaaaaaaaaaaaaa1, vpc: main, ingress: [{{protocol: tcp, ports: "22", cidr: 203.0.113.0/24}}]}}
    - {{name: closed, id: sg-0aaaaaaaaaaaaaaa2, vpc: main, ingress: []}}
  hosts:
    - {{name: office, cidr: 203.0.113.0/24, os: linux}}
  images:
    - {{id: ami-0bbbbbbbbbbbbbbb1, name: windows-2022, platform: windows}}
    - {{id: ami-0bbbbbbbbbbbbbbb2, name: store-backed, root_device: instance-store}}
  key_pairs:
    - {{name: team, type: ed25519}}
    - {{name: rsa-team, type: rsa}}
  iam:
    roles:
      - {{name: s3-role, trust: [ec2.amazonaws.com], policies: [AmazonS3ReadOnlyAccess]}}
      - {{name: ssm-role, trust: [ec2.amazonaws.com], policies: [AmazonSSMManagedInstanceCore]}}
      - {{name: lambda-role, trust: [lambda.amazonaws.com], policies: [AmazonS3ReadOnlyAccess]}}
    instance_profiles:
      - {{name: s3-profile, role: s3-role}}
      - {{name: ssm-profile, role: ssm-role}}
      - {{name: lambda-profile, role: lambda-role}}
{extra}"#
    )
}

const WEB: &str = "i-0ccccccccccccccc1";
const HELPER: &str = "i-0ccccccccccccccc2";

/// `web` (public, group open, key team, EBS root vol-0ddddddddddddddd1) and `helper`.
fn instances(extra_web: &str) -> String {
    format!(
        r#"  instances:
    - {{name: web, id: {WEB}, subnet: public, private_ip: 10.0.1.10, public_ip: 54.1.1.10, security_groups: [open], key_name: team, root_volume_id: vol-0ddddddddddddddd1{extra_web}}}
    - {{name: helper, id: {HELPER}, subnet: public, private_ip: 10.0.1.11, public_ip: 54.1.1.11, security_groups: [open], key_name: team}}
"#
    )
}

fn session_with(w: &str) -> Session {
    let text = format!("id: t\ntitle: t\ntopic: key-pairs\ndifficulty: 1\nbrief: t\nworld:{w}");
    let s = load_scenario_with(
        "t.yaml",
        &text,
        Options {
            bank: false,
            require_goals: false,
        },
    )
    .unwrap_or_else(|e| panic!("{e}\n{text}"));
    Session::new(Arc::new(s), 7).unwrap()
}

fn session(extra_web: &str) -> Session {
    session_with(&(world("") + &instances(extra_web)))
}

/// Runs a line; returns its JSON output, panicking with the error otherwise.
fn ok(s: &mut Session, line: &str) -> Value {
    match s.execute(line) {
        Output::Aws { json, .. } => json,
        Output::Message(m) => Value::String(m),
        other if !other.is_error() => other.to_json(),
        other => panic!("{line}\n  failed: {other:?}"),
    }
}

/// Runs a line that must fail with this AWS error code; returns the message.
fn code(s: &mut Session, line: &str, want: &str) -> String {
    match s.execute(line) {
        Output::AwsError(e) if e.code == want => e.message,
        other => panic!("{line}\n  wanted {want}, got {other:?}"),
    }
}

/// Runs a tutor line that must fail; returns the message.
fn tutor_err(s: &mut Session, line: &str) -> String {
    match s.execute(line) {
        Output::Error(m) => m,
        other => panic!("{line}\n  wanted a failure, got {other:?}"),
    }
}

fn may(s: &Session, action: &str, resource: &str) -> bool {
    ec2_tutor::iam::instance_may(&s.account, "web", action, resource)
        .unwrap()
        .allowed
}

// ---------------------------------------------------------------- Key pairs

#[test]
fn create_key_pair_makes_rsa_2048_pem_by_default_or_ed25519_and_ppk() {
    let mut s = session("");
    let r = ok(&mut s, "aws ec2 create-key-pair --key-name a");
    let pem = r["KeyMaterial"].as_str().unwrap();
    assert!(pem.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    let k = ec2_tutor::keys::rsa_private_from_pem(pem).unwrap();
    assert_eq!(rsa::traits::PublicKeyParts::size(&k) * 8, 2048);
    // EC2-created RSA: SHA-1 of the DER PKCS#8 private key.
    assert_eq!(
        r["KeyFingerprint"],
        ec2_tutor::keys::created_rsa_fingerprint(&k)
    );
    assert_eq!(r["KeyFingerprint"].as_str().unwrap().len(), 59);
    let e = ok(
        &mut s,
        "aws ec2 create-key-pair --key-name b --key-type ed25519 --key-format ppk",
    );
    assert!(e["KeyMaterial"]
        .as_str()
        .unwrap()
        .starts_with("PuTTY-User-Key-File-2: ssh-ed25519"));
    assert!(e["KeyFingerprint"].as_str().unwrap().ends_with('='));
    let e = ok(
        &mut s,
        "aws ec2 create-key-pair --key-name c --key-type ed25519",
    );
    assert!(e["KeyMaterial"]
        .as_str()
        .unwrap()
        .starts_with("-----BEGIN OPENSSH PRIVATE KEY-----"));
    code(
        &mut s,
        "aws ec2 create-key-pair --key-name d --key-type dsa",
        "InvalidParameterValue",
    );
    let m = code(
        &mut s,
        "aws ec2 create-key-pair --key-name a",
        "InvalidKeyPair.Duplicate",
    );
    assert_eq!(m, "The keypair 'a' already exists.");
}

#[test]
fn created_keys_come_from_the_seed() {
    let a = ok(
        &mut session(""),
        "aws ec2 create-key-pair --key-name x --key-type ed25519",
    );
    let b = ok(
        &mut session(""),
        "aws ec2 create-key-pair --key-name x --key-type ed25519",
    );
    assert_eq!(a["KeyMaterial"], b["KeyMaterial"]);
}

#[test]
fn import_key_pair_accepts_rsa_and_ed25519_in_openssh_ssh2_and_der_and_refuses_dsa() {
    let mut s = session("");
    let expected = key_file("EXPECTED");
    let imported_md5 = expected
        .lines()
        .find(|l| l.starts_with("imported rsa2048.pem"))
        .and_then(|l| l.split_whitespace().nth(2))
        .unwrap()
        .to_string();
    for (n, f) in [
        ("a", "rsa2048.pub"),
        ("b", "rsa2048.rfc4716"),
        ("c", "rsa2048.spki.b64"),
    ] {
        let r = ok(
            &mut s,
            &format!(
                "aws ec2 import-key-pair --key-name {n} --public-key-material='{}'",
                key_file(f).trim()
            ),
        );
        // Imported RSA: MD5 of the DER public key, as openssl prints it.
        assert_eq!(r["KeyFingerprint"], imported_md5.as_str(), "{f}");
    }
    for (n, f) in [
        ("d", "rsa1024.pub"),
        ("e", "rsa4096.pub"),
        ("f", "ed25519.pub"),
    ] {
        ok(
            &mut s,
            &format!(
                "aws ec2 import-key-pair --key-name {n} --public-key-material '{}'",
                key_file(f).trim()
            ),
        );
    }
    for (n, f) in [("g", "dsa.pub"), ("h", "ecdsa.pub"), ("i", "rsa3072.pub")] {
        let m = code(
            &mut s,
            &format!(
                "aws ec2 import-key-pair --key-name {n} --public-key-material '{}'",
                key_file(f).trim()
            ),
            "InvalidKey.Format",
        );
        assert_eq!(m, "Key is not in valid OpenSSH public key format");
    }
    code(
        &mut s,
        "aws ec2 import-key-pair --key-name j --public-key-material garbage",
        "InvalidKey.Format",
    );
}

#[test]
fn ed25519_keys_are_not_supported_for_windows_instances() {
    let mut s = session("");
    code(
        &mut s,
        "aws ec2 run-instances --image-id ami-0bbbbbbbbbbbbbbb1 --instance-type t3.large --subnet-id subnet-0aaaaaaaaaaaaaaa1 --key-name team",
        "InvalidParameterValue",
    );
    ok(
        &mut s,
        "aws ec2 run-instances --image-id ami-0bbbbbbbbbbbbbbb1 --instance-type t3.large --subnet-id subnet-0aaaaaaaaaaaaaaa1 --key-name rsa-team",
    );
}

#[test]
fn instance_connect_accepts_rsa_2048_or_4096_and_ed25519_keys() {
    let mut s = session("");
    let push = |k: &str| {
        format!(
            "aws ec2-instance-connect send-ssh-public-key --instance-id {WEB} --instance-os-user ec2-user --ssh-public-key '{}'",
            key_file(k).trim()
        )
    };
    for k in ["rsa2048.pub", "rsa4096.pub", "ed25519.pub"] {
        ok(&mut s, &push(k));
    }
    code(&mut s, &push("rsa1024.pub"), "InvalidArgsException");
}

#[test]
fn key_pairs_are_limited_to_5000_per_region() {
    let mut s = session("");
    let template = s.account.key_pairs[0].clone();
    while s.account.key_pairs.len() < 5000 {
        let mut k = template.clone();
        k.name = format!("k{}", s.account.key_pairs.len());
        s.account.key_pairs.push(k);
    }
    code(
        &mut s,
        "aws ec2 create-key-pair --key-name one-more --key-type ed25519",
        "ResourceLimitExceeded",
    );
}

#[test]
fn ec2_keeps_only_the_public_key() {
    let mut s = session("");
    ok(
        &mut s,
        "aws ec2 create-key-pair --key-name a --key-type ed25519",
    );
    let d = ok(
        &mut s,
        "aws ec2 describe-key-pairs --key-names a --include-public-key",
    );
    let k = &d["KeyPairs"][0];
    assert!(k["PublicKey"].as_str().unwrap().starts_with("ssh-ed25519 "));
    assert!(k.get("KeyMaterial").is_none());
    assert!(!format!("{d}").contains("PRIVATE KEY"));
}

#[test]
fn the_launch_key_is_written_to_authorized_keys_and_served_by_imds() {
    let mut s = session("");
    ok(&mut s, "ssh -i team.pem ec2-user@web --from office");
    let body = ok(
        &mut s,
        "curl http://169.254.169.254/latest/meta-data/public-keys/0/openssh-key --on web",
    );
    let team = s.account.key_pairs[0].public_key.clone().unwrap();
    assert!(ec2_tutor::keys::same_key(body.as_str().unwrap(), &team));
    // A new instance launched with a key gets it too.
    let r = ok(
        &mut s,
        "aws ec2 run-instances --image-id ami-0123456789abcdef0 --instance-type t3.micro --subnet-id subnet-0aaaaaaaaaaaaaaa1 --security-group-ids sg-0aaaaaaaaaaaaaaa1 --key-name rsa-team --associate-public-ip-address --tag-specifications ResourceType=instance,Tags=[{Key=Name,Value=fresh}]",
    );
    assert_eq!(r["Instances"][0]["State"]["Name"], "pending");
    ok(&mut s, "ssh -i rsa-team.pem ec2-user@fresh --from office");
    tutor_err(&mut s, "ssh -i team.pem ec2-user@fresh --from office");
}

#[test]
fn deleting_a_key_pair_leaves_instances_authorized_keys_alone() {
    let mut s = session("");
    ok(&mut s, "aws ec2 delete-key-pair --key-name team");
    assert!(s.account.key_pairs.iter().all(|k| k.name != "team"));
    ok(&mut s, "ssh -i team.pem ec2-user@web --from office");
    // Deleting by name is idempotent; by a missing id it is not.
    ok(&mut s, "aws ec2 delete-key-pair --key-name team");
    code(
        &mut s,
        "aws ec2 delete-key-pair --key-pair-id key-0123456789abcdef0",
        "InvalidKeyPair.NotFound",
    );
    code(
        &mut s,
        "aws run-instances --image-id ami-0123456789abcdef0 --key-name team",
        "UsageError",
    );
    code(
        &mut s,
        "aws ec2 run-instances --image-id ami-0123456789abcdef0 --subnet-id subnet-0aaaaaaaaaaaaaaa1 --key-name team",
        "InvalidKeyPair.NotFound",
    );
}

#[test]
fn a_lost_key_is_recovered_through_the_ebs_root_volume() {
    let mut s = session("");
    // The learner lost team.pem: only a new key is held.
    s.account.workstation.retain(|k| k.name != "team");
    ok(&mut s, "ssh-keygen -t ed25519 -f rescue");
    // The helper is reachable with a key the learner still has.
    let rescue = s
        .account
        .workstation
        .iter()
        .find(|k| k.name == "rescue")
        .unwrap()
        .public_key
        .clone();
    for v in &mut s.account.volumes {
        if v.attachment.as_ref().is_some_and(|(i, _)| i == HELPER) {
            v.authorized_keys.push(rescue.clone());
        }
    }
    tutor_err(&mut s, "ssh -i rescue.pem ec2-user@web --from office");
    let m = code(
        &mut s,
        "aws ec2 detach-volume --volume-id vol-0ddddddddddddddd1",
        "IncorrectState",
    );
    assert_eq!(
        m,
        format!("Unable to detach root volume 'vol-0ddddddddddddddd1' from instance '{WEB}'")
    );
    ok(
        &mut s,
        &format!("aws ec2 stop-instances --instance-ids {WEB}"),
    );
    ok(
        &mut s,
        "aws ec2 detach-volume --volume-id vol-0ddddddddddddddd1",
    );
    let m = code(
        &mut s,
        &format!("aws ec2 start-instances --instance-ids {WEB}"),
        "IncorrectInstanceState",
    );
    assert!(m.contains("does not have a volume attached at root (/dev/xvda)"));
    ok(
        &mut s,
        &format!("aws ec2 attach-volume --volume-id vol-0ddddddddddddddd1 --instance-id {HELPER} --device /dev/sdf"),
    );
    ok(
        &mut s,
        "add-authorized-key --via helper --device /dev/sdf --key rescue",
    );
    ok(
        &mut s,
        "aws ec2 detach-volume --volume-id vol-0ddddddddddddddd1",
    );
    ok(
        &mut s,
        &format!("aws ec2 attach-volume --volume-id vol-0ddddddddddddddd1 --instance-id {WEB} --device /dev/xvda"),
    );
    ok(
        &mut s,
        &format!("aws ec2 start-instances --instance-ids {WEB}"),
    );
    ok(&mut s, "ssh -i rescue.pem ec2-user@web --from office");
}

#[test]
fn an_instance_store_root_cannot_be_stopped_so_there_is_no_recovery() {
    let mut s = session(", root_device: instance-store, instance_type: m5d.large");
    let m = code(
        &mut s,
        &format!("aws ec2 stop-instances --instance-ids {WEB}"),
        "UnsupportedOperation",
    );
    assert_eq!(
        m,
        format!(
            "The instance '{WEB}' does not have an 'ebs' root device type and cannot be stopped."
        )
    );
    let v = ok(
        &mut s,
        &format!("aws ec2 describe-volumes --filters Name=attachment.instance-id,Values={WEB}"),
    );
    assert_eq!(v["Volumes"].as_array().unwrap().len(), 0);
}

#[test]
fn the_key_decrypts_the_windows_administrator_password() {
    let w = world("") + &instances("")
        + "    - {name: win, id: i-0ccccccccccccccc3, subnet: public, private_ip: 10.0.1.12, platform: windows, key_name: rsa-team}\n";
    let mut s = session_with(&w);
    let enc = ok(
        &mut s,
        "aws ec2 get-password-data --instance-id i-0ccccccccccccccc3",
    );
    let data = enc["PasswordData"].as_str().unwrap();
    assert!(data.len() > 300, "RSA-2048 ciphertext, base64");
    let dec = ok(
        &mut s,
        "aws ec2 get-password-data --instance-id i-0ccccccccccccccc3 --priv-launch-key rsa-team.pem",
    );
    let want = s.account.instances[2]
        .details
        .admin_password
        .clone()
        .unwrap();
    assert_eq!(dec["PasswordData"], want.as_str());
    // Linux instances have no password data.
    let l = ok(
        &mut s,
        &format!("aws ec2 get-password-data --instance-id {WEB}"),
    );
    assert_eq!(l["PasswordData"], "");
    // SSH to Windows is refused: RDP with that password.
    assert!(tutor_err(&mut s, "ssh -i rsa-team.pem win --from office").contains("RDP"));
}

// ---------------------------------------------------------------- IAM roles for EC2

#[test]
fn an_instance_profile_holds_one_role() {
    let mut s = session("");
    let m = code(
        &mut s,
        "aws iam add-role-to-instance-profile --instance-profile-name s3-profile --role-name ssm-role",
        "LimitExceeded",
    );
    assert_eq!(
        m,
        "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1"
    );
}

#[test]
fn the_cli_builds_role_and_profile_separately_and_names_may_differ() {
    let mut s = session("");
    ok(
        &mut s,
        r#"aws iam create-role --role-name writer --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'"#,
    );
    ok(
        &mut s,
        r#"aws iam put-role-policy --role-name writer --policy-name p --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"*"}]}'"#,
    );
    // Associating a role name (no profile of that name) fails: launch and association name the
    // profile.
    code(
        &mut s,
        &format!("aws ec2 associate-iam-instance-profile --instance-id {WEB} --iam-instance-profile Name=writer"),
        "InvalidParameterValue",
    );
    ok(
        &mut s,
        "aws iam create-instance-profile --instance-profile-name app-profile",
    );
    ok(&mut s, "aws iam add-role-to-instance-profile --instance-profile-name app-profile --role-name writer");
    ok(
        &mut s,
        &format!("aws ec2 associate-iam-instance-profile --instance-id {WEB} --iam-instance-profile Name=app-profile"),
    );
    assert!(may(
        &s,
        "dynamodb:PutItem",
        "arn:aws:dynamodb:us-east-1:123456789012:table/T"
    ));
    assert!(!may(
        &s,
        "dynamodb:DeleteTable",
        "arn:aws:dynamodb:us-east-1:123456789012:table/T"
    ));
}

#[test]
fn the_trust_policy_must_let_ec2_assume_the_role() {
    let mut s = session(", iam_instance_profile: lambda-profile");
    let d = ec2_tutor::iam::instance_may(&s.account, "web", "s3:GetObject", "arn:aws:s3:::b/k")
        .unwrap();
    assert!(!d.allowed);
    assert!(d.detail.contains("trust policy"));
    ok(
        &mut s,
        r#"aws iam update-assume-role-policy --role-name lambda-role --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com","ec2.amazonaws.com"]},"Action":"sts:AssumeRole"}]}'"#,
    );
    assert!(may(&s, "s3:GetObject", "arn:aws:s3:::b/k"));
}

#[test]
fn associate_works_running_or_stopped_but_not_over_an_existing_association() {
    let mut s = session("");
    ok(
        &mut s,
        &format!("aws ec2 associate-iam-instance-profile --instance-id {WEB} --iam-instance-profile Name=s3-profile"),
    );
    assert!(
        may(&s, "s3:GetObject", "arn:aws:s3:::b/k"),
        "a running instance gets a role"
    );
    let m = code(
        &mut s,
        &format!("aws ec2 associate-iam-instance-profile --instance-id {WEB} --iam-instance-profile Name=ssm-profile"),
        "IncorrectState",
    );
    assert_eq!(
        m,
        format!("There is an existing association for instance {WEB}")
    );
    ok(
        &mut s,
        &format!("aws ec2 stop-instances --instance-ids {HELPER}"),
    );
    ok(
        &mut s,
        &format!("aws ec2 associate-iam-instance-profile --instance-id {HELPER} --iam-instance-profile Name=ssm-profile"),
    );
}

#[test]
fn replace_needs_a_running_instance_and_disassociate_works_either_way() {
    let mut s = session(", iam_instance_profile: s3-profile");
    let d = ok(&mut s, "aws ec2 describe-iam-instance-profile-associations");
    let assoc = d["IamInstanceProfileAssociations"][0]["AssociationId"]
        .as_str()
        .unwrap()
        .to_string();
    ok(
        &mut s,
        &format!("aws ec2 replace-iam-instance-profile-association --association-id {assoc} --iam-instance-profile Name=ssm-profile"),
    );
    assert!(may(&s, "ssm:UpdateInstanceInformation", "*"));
    let d = ok(&mut s, "aws ec2 describe-iam-instance-profile-associations");
    let assoc = d["IamInstanceProfileAssociations"][0]["AssociationId"]
        .as_str()
        .unwrap()
        .to_string();
    ok(
        &mut s,
        &format!("aws ec2 stop-instances --instance-ids {WEB}"),
    );
    code(
        &mut s,
        &format!("aws ec2 replace-iam-instance-profile-association --association-id {assoc} --iam-instance-profile Name=s3-profile"),
        "IncorrectState",
    );
    ok(
        &mut s,
        &format!("aws ec2 disassociate-iam-instance-profile --association-id {assoc}"),
    );
    assert!(!may(&s, "ssm:UpdateInstanceInformation", "*"));
    code(
        &mut s,
        &format!("aws ec2 disassociate-iam-instance-profile --association-id {assoc}"),
        "InvalidAssociationID.NotFound",
    );
}

#[test]
fn launching_or_associating_with_a_role_needs_pass_role() {
    let w = world("").replace(
        "  iam:\n",
        "  iam:\n    caller_policies: [AmazonEC2FullAccess]\n",
    ) + &instances("");
    let mut s = session_with(&w);
    let m = code(
        &mut s,
        &format!("aws ec2 associate-iam-instance-profile --instance-id {WEB} --iam-instance-profile Name=s3-profile"),
        "UnauthorizedOperation",
    );
    assert!(m.contains("iam:PassRole on resource: arn:aws:iam::123456789012:role/s3-role"));
    code(
        &mut s,
        "aws ec2 run-instances --image-id ami-0123456789abcdef0 --subnet-id subnet-0aaaaaaaaaaaaaaa1 --iam-instance-profile Name=s3-profile",
        "UnauthorizedOperation",
    );
    // Without a profile no role is passed.
    ok(&mut s, "aws ec2 run-instances --image-id ami-0123456789abcdef0 --subnet-id subnet-0aaaaaaaaaaaaaaa1");
}

#[test]
fn role_credentials_are_served_by_imds_and_rotate_before_they_expire() {
    let mut s = session(", iam_instance_profile: s3-profile");
    let a: Value = serde_json::from_str(
        ok(&mut s, "curl http://169.254.169.254/latest/meta-data/iam/security-credentials/s3-role --on web")
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert!(a["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    assert_eq!(a["Type"], "AWS-HMAC");
    ok(&mut s, "wait 6h");
    let b: Value = serde_json::from_str(
        ok(&mut s, "curl http://169.254.169.254/latest/meta-data/iam/security-credentials/s3-role --on web")
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_ne!(a["AccessKeyId"], b["AccessKeyId"], "temporary, rotated");
    // New credentials appear at least 5 minutes before the old ones expire.
    for t in [0u64, 1000, 20_000, 50_000] {
        let (_, expires, _) = ec2_tutor::access::credential_window(t);
        let next = (t / ec2_tutor::access::CREDENTIAL_ROTATION + 1)
            * ec2_tutor::access::CREDENTIAL_ROTATION;
        assert!(expires >= next + 300);
    }
    // No profile: no credentials path.
    tutor_err(
        &mut s,
        "curl http://169.254.169.254/latest/meta-data/iam/security-credentials/s3-role --on helper",
    );
}

#[test]
fn imdsv2_needs_a_token_when_http_tokens_is_required() {
    let mut s = session(", iam_instance_profile: s3-profile");
    ok(
        &mut s,
        "curl http://169.254.169.254/latest/meta-data/instance-id --on web",
    );
    ok(
        &mut s,
        &format!(
            "aws ec2 modify-instance-metadata-options --instance-id {WEB} --http-tokens required"
        ),
    );
    let m = tutor_err(
        &mut s,
        "curl http://169.254.169.254/latest/meta-data/instance-id --on web",
    );
    assert!(m.contains("401"));
    for bad in ["0", "21601"] {
        let m = tutor_err(&mut s, &format!("curl -X PUT -H \"X-aws-ec2-metadata-token-ttl-seconds: {bad}\" http://169.254.169.254/latest/api/token --on web"));
        assert!(m.contains("400"), "{m}");
    }
    ok(&mut s, "curl -X PUT -H \"X-aws-ec2-metadata-token-ttl-seconds: 60\" http://169.254.169.254/latest/api/token --on web");
    let id = ok(&mut s, "curl -H \"X-aws-ec2-metadata-token: $TOKEN\" http://169.254.169.254/latest/meta-data/instance-id --on web");
    assert_eq!(id, WEB);
    tutor_err(&mut s, "curl -H \"X-aws-ec2-metadata-token: AQAEAbogus\" http://169.254.169.254/latest/meta-data/instance-id --on web");
    ok(&mut s, "wait 61s");
    let m = tutor_err(&mut s, "curl -H \"X-aws-ec2-metadata-token: $TOKEN\" http://169.254.169.254/latest/meta-data/instance-id --on web");
    assert!(m.contains("401"), "the token expired with its TTL");
}

#[test]
fn the_imds_hop_limit_defaults_to_1_and_ranges_1_to_64() {
    let mut s = session("");
    let d = ok(
        &mut s,
        &format!("aws ec2 describe-instances --instance-ids {WEB}"),
    );
    assert_eq!(
        d["Reservations"][0]["Instances"][0]["MetadataOptions"]["HttpPutResponseHopLimit"],
        1
    );
    ok(&mut s, &format!("aws ec2 modify-instance-metadata-options --instance-id {WEB} --http-put-response-hop-limit 64"));
    code(&mut s, &format!("aws ec2 modify-instance-metadata-options --instance-id {WEB} --http-put-response-hop-limit 65"), "InvalidParameterValue");
    code(&mut s, &format!("aws ec2 modify-instance-metadata-options --instance-id {WEB} --http-put-response-hop-limit 0"), "InvalidParameterValue");
}

#[test]
fn network_acls_cannot_block_imds() {
    let w = world("").replace(
        "  security_groups:",
        "  network_acls:\n    - {name: deny-all, vpc: main, subnets: [public], ingress: [], egress: []}\n  security_groups:",
    ) + &instances("");
    let mut s = session_with(&w);
    // The ACL denies everything in and out of the subnet…
    tutor_err(&mut s, "ssh -i team.pem web --from office");
    // …but IMDS is a link-local service on the host, not subnet traffic.
    ok(
        &mut s,
        "curl http://169.254.169.254/latest/meta-data/local-ipv4 --on web",
    );
}

#[test]
fn explicit_deny_beats_allow_and_conditions_are_evaluated() {
    use ec2_tutor::iam::{evaluate_with, Context, Decision};
    use serde_json::json;
    let p = vec![(
        "allow".to_string(),
        json!({"Statement": [
            {"Sid": "FromOffice", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
             "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}},
            {"Sid": "TaggedUsers", "Effect": "Allow", "Action": "ec2-instance-connect:SendSSHPublicKey", "Resource": "*",
             "Condition": {"StringEquals": {"ec2:osuser": "ec2-user"}}},
            {"Sid": "Arns", "Effect": "Allow", "Action": "iam:PassRole",
             "Resource": "*", "Condition": {"ArnLike": {"iam:PassedToService": "*"}, "StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/app-*"}}},
            {"Sid": "Tls", "Effect": "Deny", "Action": "s3:*", "Resource": "*",
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}),
    )];
    let office = Context::default()
        .with("aws:SourceIp", "203.0.113.9")
        .with("aws:SecureTransport", "true");
    let home = Context::default()
        .with("aws:SourceIp", "198.51.100.9")
        .with("aws:SecureTransport", "true");
    let plain = Context::default()
        .with("aws:SourceIp", "203.0.113.9")
        .with("aws:SecureTransport", "false");
    assert_eq!(
        evaluate_with(&p, "s3:GetObject", "x", &office).decision,
        Decision::Allow
    );
    assert_eq!(
        evaluate_with(&p, "s3:GetObject", "x", &home).decision,
        Decision::ImplicitDeny
    );
    let e = evaluate_with(&p, "s3:GetObject", "x", &plain);
    assert_eq!(e.decision, Decision::ExplicitDeny);
    assert_eq!(e.deciding[0].sid, "Tls");
    let u = |u: &str| Context::default().with("ec2:osuser", u);
    assert_eq!(
        evaluate_with(
            &p,
            "ec2-instance-connect:SendSSHPublicKey",
            "x",
            &u("ec2-user")
        )
        .decision,
        Decision::Allow
    );
    assert_eq!(
        evaluate_with(&p, "ec2-instance-connect:SendSSHPublicKey", "x", &u("root")).decision,
        Decision::ImplicitDeny
    );
    let arn = Context::default()
        .with("iam:PassedToService", "ec2.amazonaws.com")
        .with("aws:PrincipalArn", "arn:aws:iam::123456789012:role/app-web");
    assert_eq!(
        evaluate_with(&p, "iam:PassRole", "r", &arn).decision,
        Decision::Allow
    );
    // A missing key fails a positive operator.
    assert_eq!(
        evaluate_with(&p, "iam:PassRole", "r", &Context::default()).decision,
        Decision::ImplicitDeny
    );
}

#[test]
fn simulate_principal_policy_names_the_deciding_statements() {
    let mut s = session("");
    let r = ok(&mut s, "aws iam simulate-principal-policy --policy-source-arn arn:aws:iam::123456789012:role/s3-role --action-names s3:GetObject s3:PutObject --resource-arns arn:aws:s3:::b/k");
    let res = r["EvaluationResults"].as_array().unwrap();
    assert_eq!(res[0]["EvalDecision"], "allowed");
    assert_eq!(
        res[0]["MatchedStatements"][0]["SourcePolicyId"],
        "AmazonS3ReadOnlyAccess"
    );
    assert_eq!(res[1]["EvalDecision"], "implicitDeny");
    code(&mut s, "aws iam get-role --role-name nope", "NoSuchEntity");
    code(
        &mut s,
        r#"aws iam create-role --role-name s3-role --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'"#,
        "EntityAlreadyExists",
    );
    code(
        &mut s,
        "aws iam create-role --role-name x --assume-role-policy-document '{not json'",
        "MalformedPolicyDocument",
    );
    code(
        &mut s,
        "aws iam delete-role --role-name s3-role",
        "DeleteConflict",
    );
}

#[test]
fn iam_decides_api_calls_not_who_may_log_in() {
    let mut s = session(", iam_instance_profile: s3-profile");
    ok(&mut s, "aws iam attach-role-policy --role-name s3-role --policy-arn arn:aws:iam::aws:policy/AdministratorAccess");
    ok(&mut s, "aws ec2 modify-instance-attribute --instance-id i-0ccccccccccccccc1 --groups sg-0aaaaaaaaaaaaaaa2");
    let m = tutor_err(&mut s, "ssh -i team.pem web --from office");
    assert!(
        m.contains("Connection timed out"),
        "an admin role opens no port: {m}"
    );
    // With no role at all, SSH works: it is the network and the key.
    ok(&mut s, "aws ec2 modify-instance-attribute --instance-id i-0ccccccccccccccc1 --groups sg-0aaaaaaaaaaaaaaa1");
    let d = ok(&mut s, "aws ec2 describe-iam-instance-profile-associations");
    let assoc = d["IamInstanceProfileAssociations"][0]["AssociationId"]
        .as_str()
        .unwrap()
        .to_string();
    ok(
        &mut s,
        &format!("aws ec2 disassociate-iam-instance-profile --association-id {assoc}"),
    );
    ok(&mut s, "ssh -i team.pem web --from office");
}

// ---------------------------------------------------------------- Tenancy

#[test]
fn a_dedicated_vpc_makes_every_instance_dedicated_but_host_is_possible() {
    let mut s = session("");
    for t in ["", " --placement Tenancy=default"] {
        let r = ok(&mut s, &format!("aws ec2 run-instances --image-id ami-0123456789abcdef0 --instance-type m5.large --subnet-id subnet-0aaaaaaaaaaaaaaa4{t}"));
        assert_eq!(
            r["Instances"][0]["Placement"]["Tenancy"], "dedicated",
            "{t}"
        );
    }
    ok(&mut s, "aws ec2 allocate-hosts --instance-type m5.large --availability-zone us-east-1a --auto-placement on");
    let r = ok(&mut s, "aws ec2 run-instances --image-id ami-0123456789abcdef0 --instance-type m5.large --subnet-id subnet-0aaaaaaaaaaaaaaa4 --placement Tenancy=host");
    assert_eq!(r["Instances"][0]["Placement"]["Tenancy"], "host");
    assert!(r["Instances"][0]["Placement"]["HostId"]
        .as_str()
        .unwrap()
        .starts_with("h-"));
}

#[test]
fn modify_vpc_tenancy_accepts_only_default_and_instances_keep_theirs() {
    let mut s = session("");
    ok(&mut s, "aws ec2 run-instances --image-id ami-0123456789abcdef0 --instance-type m5.large --subnet-id subnet-0aaaaaaaaaaaaaaa4 --tag-specifications ResourceType=instance,Tags=[{Key=Name,Value=old}]");
    code(
        &mut s,
        "aws ec2 modify-vpc-tenancy --vpc-id vpc-0aaaaaaaaaaaaaaa1 --instance-tenancy dedicated",
        "InvalidParameterValue",
    );
    let r = ok(
        &mut s,
        "aws ec2 modify-vpc-tenancy --vpc-id vpc-0aaaaaaaaaaaaaaa2 --instance-tenancy default",
    );
    assert_eq!(r["ReturnValue"], true);
    let old = s
        .account
        .instances
        .iter()
        .find(|i| i.name.as_deref() == Some("old"))
        .unwrap();
    assert_eq!(old.tenancy.as_str(), "dedicated");
    let r = ok(&mut s, "aws ec2 run-instances --image-id ami-0123456789abcdef0 --instance-type m5.large --subnet-id subnet-0aaaaaaaaaaaaaaa4");
    assert_eq!(r["Instances"][0]["Placement"]["Tenancy"], "default");
}

#[test]
fn modify_instance_placement_needs_a_stopped_instance_and_moves_between_dedicated_and_host() {
    let w = world("") + &instances(", tenancy: dedicated, instance_type: c5.large");
    let mut s = session_with(&w);
    ok(&mut s, "aws ec2 allocate-hosts --instance-family c5 --availability-zone us-east-1a --auto-placement on");
    code(
        &mut s,
        &format!("aws ec2 modify-instance-placement --instance-id {WEB} --tenancy host"),
        "IncorrectInstanceState",
    );
    ok(
        &mut s,
        &format!("aws ec2 stop-instances --instance-ids {WEB}"),
    );
    code(
        &mut s,
        &format!("aws ec2 modify-instance-placement --instance-id {WEB} --tenancy default"),
        "InvalidParameterCombination",
    );
    ok(
        &mut s,
        &format!("aws ec2 modify-instance-placement --instance-id {WEB} --tenancy host"),
    );
    ok(
        &mut s,
        &format!("aws ec2 modify-instance-placement --instance-id {WEB} --tenancy dedicated"),
    );
    ok(
        &mut s,
        &format!("aws ec2 stop-instances --instance-ids {HELPER}"),
    );
    code(
        &mut s,
        &format!("aws ec2 modify-instance-placement --instance-id {HELPER} --tenancy dedicated"),
        "InvalidParameterCombination",
    );
}

#[test]
fn a_t2_cannot_be_a_dedicated_instance() {
    let mut s = session("");
    let m = code(&mut s, "aws ec2 run-instances --image-id ami-0123456789abcdef0 --instance-type t2.micro --subnet-id subnet-0aaaaaaaaaaaaaaa1 --placement Tenancy=dedicated", "Unsupported");
    assert_eq!(m, "The requested configuration is currently not supported. Please check the documentation for supported configurations.");
    code(&mut s, "aws ec2 run-instances --image-id ami-0123456789abcdef0 --instance-type t2.micro --subnet-id subnet-0aaaaaaaaaaaaaaa4", "Unsupported");
    ok(&mut s, "aws ec2 run-instances --image-id ami-0123456789abcdef0 --instance-type t3.micro --subnet-id subnet-0aaaaaaaaaaaaaaa1 --placement Tenancy=dedicated");
    ok(&mut s, "aws ec2 allocate-hosts --instance-family t3 --availability-zone us-east-1a --auto-placement on");
    ok(&mut s, "aws ec2 run-instances --image-id ami-0123456789abcdef0 --instance-type t3.micro --subnet-id subnet-0aaaaaaaaaaaaaaa1 --placement Tenancy=host");
}

#[test]
fn dedicated_hosts_show_sockets_and_cores_and_allow_targeted_placement() {
    let mut s = session("");
    let h = ok(
        &mut s,
        "aws ec2 allocate-hosts --instance-type c5.large --availability-zone us-east-1a",
    );
    let id = h["HostIds"][0].as_str().unwrap().to_string();
    let r = ok(&mut s, &format!("aws ec2 run-instances --image-id ami-0123456789abcdef0 --instance-type c5.large --subnet-id subnet-0aaaaaaaaaaaaaaa1 --placement HostId={id}"));
    assert_eq!(r["Instances"][0]["Placement"]["HostId"], id.as_str());
    let d = ok(&mut s, "aws ec2 describe-hosts");
    let host = &d["Hosts"][0];
    assert!(host["HostProperties"]["Sockets"].as_u64().unwrap() > 0);
    assert!(host["HostProperties"]["Cores"].as_u64().unwrap() > 0);
    assert_eq!(host["Instances"].as_array().unwrap().len(), 1);
    // auto-placement off: an untargeted host launch finds no host.
    code(&mut s, "aws ec2 run-instances --image-id ami-0123456789abcdef0 --instance-type c5.large --subnet-id subnet-0aaaaaaaaaaaaaaa1 --placement Tenancy=host", "InsufficientHostCapacity");
}

// ---------------------------------------------------------------- Reaching and patching

fn ssm_session(extra_web: &str) -> Session {
    let w = world("") + &format!(
        "  instances:\n    - {{name: web, id: {WEB}, subnet: private, private_ip: 10.0.2.10, security_groups: [closed], iam_instance_profile: ssm-profile, missing_patches: 5{extra_web}}}\n"
    );
    session_with(&w)
}

fn start_session_why(s: &mut Session) -> String {
    code(
        s,
        &format!("aws ssm start-session --target {WEB}"),
        "TargetNotConnected",
    )
}

#[test]
fn session_manager_needs_agent_profile_and_outbound_443_but_no_inbound_port() {
    // All prerequisites, and a group that allows nothing in.
    let mut s = ssm_session("");
    ok(&mut s, &format!("aws ssm start-session --target {WEB}"));
    let d = ok(&mut s, "aws ssm describe-instance-information");
    assert_eq!(d["InstanceInformationList"][0]["PingStatus"], "Online");
    // No agent.
    let m = start_session_why(&mut ssm_session(", ssm_agent: false"));
    assert!(m.contains("SSM Agent"), "{m}");
    // A role without AmazonSSMManagedInstanceCore.
    let mut s = ssm_session("");
    s.account.instances[0].iam_instance_profile = Some("s3-profile".into());
    let m = start_session_why(&mut s);
    assert!(m.contains("AmazonSSMManagedInstanceCore"), "{m}");
    // No route out.
    let mut s = ssm_session("");
    s.account.instances[0].subnet_id = "subnet-0aaaaaaaaaaaaaaa3".into();
    s.account.instances[0].private_ip = "10.0.3.10".parse().unwrap();
    let m = start_session_why(&mut s);
    assert!(m.contains("HTTPS 443"), "{m}");
    // No outbound 443 in the group.
    let mut s = ssm_session("");
    ok(&mut s, "aws ec2 revoke-security-group-egress --group-id sg-0aaaaaaaaaaaaaaa2 --protocol all --cidr 0.0.0.0/0");
    let m = start_session_why(&mut s);
    assert!(m.contains("HTTPS 443"), "{m}");
    ok(&mut s, "aws ec2 authorize-security-group-egress --group-id sg-0aaaaaaaaaaaaaaa2 --protocol tcp --port 443 --cidr 0.0.0.0/0");
    ok(&mut s, &format!("aws ssm start-session --target {WEB}"));
}

#[test]
fn default_host_management_replaces_the_instance_profile() {
    let w = world("") + &format!(
        "  instances:\n    - {{name: web, id: {WEB}, subnet: private, private_ip: 10.0.2.10, security_groups: [closed]}}\n"
    );
    let mut s = session_with(&w);
    start_session_why(&mut s);
    ok(&mut s, "aws ssm update-service-setting --setting-id arn:aws:ssm:us-east-1:123456789012:servicesetting/ssm/managed-instance/default-ec2-instance-management-role --setting-value service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole");
    ok(&mut s, &format!("aws ssm start-session --target {WEB}"));
}

#[test]
fn run_command_refuses_unmanaged_instances_with_the_reason() {
    let mut s = ssm_session(", ssm_agent: false");
    let m = code(&mut s, &format!("aws ssm send-command --document-name AWS-RunShellScript --instance-ids {WEB} --parameters commands=uptime"), "InvalidInstanceId");
    assert!(m.starts_with(&format!(
        "Instances [[{WEB}]] not in a valid state for account 123456789012"
    )));
    assert!(m.contains("SSM Agent"));
}

#[test]
fn patch_manager_also_needs_the_os_repositories() {
    let mut s = ssm_session("");
    // Only the Systems Manager endpoint is reachable on 443, not the repositories.
    ok(&mut s, "aws ec2 revoke-security-group-egress --group-id sg-0aaaaaaaaaaaaaaa2 --protocol all --cidr 0.0.0.0/0");
    ok(&mut s, "aws ec2 authorize-security-group-egress --group-id sg-0aaaaaaaaaaaaaaa2 --protocol tcp --port 443 --cidr 52.94.0.0/16");
    let c = ok(&mut s, &format!("aws ssm send-command --document-name AWS-RunPatchBaseline --instance-ids {WEB} --parameters Operation=Install"));
    let id = c["Command"]["CommandId"].as_str().unwrap().to_string();
    let r = ok(
        &mut s,
        &format!("aws ssm get-command-invocation --command-id {id} --instance-id {WEB}"),
    );
    assert_eq!(r["Status"], "Failed");
    assert_eq!(s.account.instances[0].details.missing_patches, 5);
    ok(&mut s, "aws ec2 authorize-security-group-egress --group-id sg-0aaaaaaaaaaaaaaa2 --protocol tcp --port 443 --cidr 0.0.0.0/0");
    ok(&mut s, &format!("aws ssm send-command --document-name AWS-RunPatchBaseline --instance-ids {WEB} --parameters Operation=Scan"));
    let p = ok(
        &mut s,
        &format!("aws ssm describe-instance-patch-states --instance-ids {WEB}"),
    );
    assert_eq!(p["InstancePatchStates"][0]["MissingCount"], 5);
    ok(&mut s, &format!("aws ssm send-command --document-name AWS-RunPatchBaseline --instance-ids {WEB} --parameters Operation=Install"));
    assert_eq!(s.account.instances[0].details.missing_patches, 0);
}

#[test]
fn user_data_patches_at_first_boot_only() {
    let mut s = ssm_session(", user_data: \"yum update -y\"");
    ok(
        &mut s,
        &format!("aws ec2 stop-instances --instance-ids {WEB}"),
    );
    ok(
        &mut s,
        &format!("aws ec2 start-instances --instance-ids {WEB}"),
    );
    assert_eq!(
        s.account.instances[0].details.missing_patches, 5,
        "a restart does not re-run user data"
    );
    let u = ok(
        &mut s,
        "curl http://169.254.169.254/latest/user-data --on web",
    );
    assert_eq!(u, "yum update -y");
}

#[test]
fn instance_connect_pushes_a_60_second_key_and_still_needs_port_22() {
    let mut s = session("");
    ok(&mut s, "ssh-keygen -t ed25519 -f me");
    let push = format!("aws ec2-instance-connect send-ssh-public-key --instance-id {WEB} --instance-os-user ec2-user --ssh-public-key file://me.pub");
    tutor_err(&mut s, "ssh -i me.pem web --from office");
    ok(&mut s, &push);
    ok(&mut s, "ssh -i me.pem web --from office");
    ok(&mut s, "wait 61s");
    tutor_err(&mut s, "ssh -i me.pem web --from office");
    // The key for another OS user does not open ec2-user.
    // Port 22 closed: pushing is not enough.
    ok(
        &mut s,
        &format!(
            "aws ec2 modify-instance-attribute --instance-id {WEB} --groups sg-0aaaaaaaaaaaaaaa2"
        ),
    );
    ok(&mut s, &push);
    let m = tutor_err(&mut s, "ssh -i me.pem web --from office");
    assert!(m.contains("Connection timed out"), "{m}");
}

#[test]
fn iam_decides_who_may_push_an_instance_connect_key() {
    let w = world("").replace(
        "  iam:\n",
        "  iam:\n    policies:\n      - name: eic-ec2-user\n        document: {Version: \"2012-10-17\", Statement: [{Effect: Allow, Action: \"ec2-instance-connect:SendSSHPublicKey\", Resource: \"*\", Condition: {StringEquals: {\"ec2:osuser\": ec2-user}}}]}\n    caller_policies: [eic-ec2-user]\n",
    ) + &instances("");
    let mut s = session_with(&w);
    ok(&mut s, "ssh-keygen -t ed25519 -f me");
    ok(&mut s, &format!("aws ec2-instance-connect send-ssh-public-key --instance-id {WEB} --instance-os-user ec2-user --ssh-public-key file://me.pub"));
    code(&mut s, &format!("aws ec2-instance-connect send-ssh-public-key --instance-id {WEB} --instance-os-user root --ssh-public-key file://me.pub"), "AccessDeniedException");
}
