//! Table-driven tests of the AWS commands: each case names the FACTS.md fact (or the CLI
//! behaviour) it checks, runs one command line against a fresh fixture account, and expects
//! success or an exact error code (and, where FACTS gives it, the exact message).

mod aws_fixture;

use aws_fixture::*;
use serde_json::{json, Value};

/// What a case expects.
enum Want {
    /// Success.
    Ok,
    /// This error code.
    Code(&'static str),
    /// This error code and exactly this message.
    Msg(&'static str, &'static str),
    /// A CLI error whose text contains this.
    Cli(&'static str),
}

use Want::*;

/// Runs every `(fact, line, want)` on a fresh world; on error, the account must not change.
fn check(cases: &[(&str, &str, Want)]) {
    for (fact, line, want) in cases {
        let mut w = World::new();
        let before = w.account.clone();
        let got = w.run(line);
        match (want, &got) {
            (Ok, Result::Ok(_)) => {}
            (Code(c), Err(e)) if e.code == *c => {}
            (Msg(c, m), Err(e)) if e.code == *c && e.message == *m => {}
            (Cli(t), Err(e)) if e.operation.is_empty() && e.message.contains(t) => {}
            _ => panic!(
                "{fact}\n  line: {line}\n  got: {}",
                match &got {
                    Result::Ok(s) => format!("Ok {}", s.output),
                    Err(e) => format!("Err ({}) {e}", e.code),
                }
            ),
        }
        if got.is_err() {
            assert_eq!(
                w.account, before,
                "{fact}: a failed call changed the account"
            );
        }
    }
}

const SG_IN: &str = "aws ec2 authorize-security-group-ingress";

#[test]
fn authorize_security_group_ingress_errors() {
    let web = WEB_SG;
    let cases: Vec<(String, String, Want)> = vec![
        ("CLI simplified flags (secgroupsimplify)".into(), format!("{SG_IN} --group-id {web} --protocol tcp --port 80 --cidr 0.0.0.0/0"), Ok),
        ("FACTS InvalidPermission.Duplicate message".into(), format!("{SG_IN} --group-id {web} --protocol tcp --port 443 --cidr 0.0.0.0/0"),
            Msg("InvalidPermission.Duplicate", "the specified rule \"peer: 0.0.0.0/0, TCP, from port: 443, to port: 443, ALLOW\" already exists")),
        ("FACTS matching ignores the description (duplicate)".into(), format!("{SG_IN} --group-id {web} --ip-permissions IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{{CidrIp=0.0.0.0/0,Description=other}}]"),
            Code("InvalidPermission.Duplicate")),
        ("FACTS same permission twice in one request".into(), format!("{SG_IN} --group-id {web} --ip-permissions IpProtocol=tcp,FromPort=80,ToPort=80,IpRanges=[{{CidrIp=10.0.0.0/8}},{{CidrIp=10.0.0.0/8}}]"),
            Msg("InvalidParameterValue", "The same permission must not appear multiple times")),
        ("FACTS InvalidGroupId.Malformed message".into(), format!("{SG_IN} --group-id web --protocol tcp --port 80 --cidr 0.0.0.0/0"),
            Msg("InvalidGroupId.Malformed", "Invalid id: \"web\" (expecting \"sg-...\")")),
        ("FACTS InvalidGroup.NotFound message".into(), format!("{SG_IN} --group-id sg-0000000000000000f --protocol tcp --port 80 --cidr 0.0.0.0/0"),
            Msg("InvalidGroup.NotFound", "The security group 'sg-0000000000000000f' does not exist")),
        ("FACTS bad CIDR is InvalidParameterValue".into(), format!("{SG_IN} --group-id {web} --protocol tcp --port 80 --cidr 10.0.0.0/33"),
            Msg("InvalidParameterValue", "CIDR block 10.0.0.0/33 is malformed")),
        ("FACTS an IPv6 CIDR does not go in CidrIp".into(), format!("{SG_IN} --group-id {web} --protocol tcp --port 80 --cidr ::/0"),
            Msg("InvalidParameterValue", "CIDR block ::/0 is malformed")),
        ("FACTS InvalidPermission.Malformed port message".into(), format!("{SG_IN} --group-id {web} --ip-permissions IpProtocol=tcp,FromPort=-1,ToPort=22,IpRanges=[{{CidrIp=10.0.0.0/8}}]"),
            Msg("InvalidPermission.Malformed", "TCP/UDP port (-1) out of range")),
        ("FACTS one port missing counts as -1".into(), format!("{SG_IN} --group-id {web} --ip-permissions IpProtocol=tcp,ToPort=22,IpRanges=[{{CidrIp=10.0.0.0/8}}]"),
            Msg("InvalidPermission.Malformed", "TCP/UDP port (-1) out of range")),
        ("FACTS tcp needs a port range".into(), format!("{SG_IN} --group-id {web} --protocol tcp --cidr 10.0.0.0/8"),
            Msg("InvalidParameterValue", "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.")),
        ("FACTS icmp needs a type/code".into(), format!("{SG_IN} --group-id {web} --protocol icmp --cidr 10.0.0.0/8"),
            Msg("InvalidParameterValue", "Invalid value 'Must specify both from and to ports with ICMP.' for portRange.")),
        ("FACTS icmpv6 without a range is all types".into(), format!("{SG_IN} --group-id {web} --ip-permissions IpProtocol=icmpv6,Ipv6Ranges=[{{CidrIpv6=::/0}}]"), Ok),
        ("FACTS protocol -1 ignores ports".into(), format!("{SG_IN} --group-id {web} --ip-permissions IpProtocol=-1,FromPort=5,ToPort=9,IpRanges=[{{CidrIp=10.0.0.0/8}}]"), Ok),
        ("FACTS MissingParameter message".into(), format!("{SG_IN} --group-id {web} --protocol tcp --port 22"),
            Msg("MissingParameter", "Missing source specification: include source security group or CIDR information")),
        ("FACTS group name only in the default VPC".into(), format!("{SG_IN} --group-name web --protocol tcp --port 22 --cidr 10.0.0.0/8"),
            Msg("InvalidGroup.NotFound", "The security group 'web' does not exist in default VPC 'vpc-0d0d0d0d0d0d0d0d0'")),
        ("FACTS --group-name works in the default VPC".into(), format!("{SG_IN} --group-name legacy --protocol tcp --port 22 --cidr 10.0.0.0/8"), Ok),
        ("FACTS source group by name: default VPC".into(), format!("{SG_IN} --group-name legacy --protocol tcp --port 22 --source-group default"), Ok),
        ("FACTS referenced group must exist".into(), format!("{SG_IN} --group-id {web} --protocol tcp --port 22 --source-group sg-0000000000000000f"),
            Code("InvalidGroup.NotFound")),
        ("FACTS a referenced group in another (unpeered) VPC".into(), format!("{SG_IN} --group-id {web} --protocol tcp --port 22 --source-group {LEGACY_SG}"),
            Code("InvalidGroup.NotFound")),
        ("FACTS prefix list ids have AWS's shape".into(), format!("{SG_IN} --group-id {web} --ip-permissions IpProtocol=tcp,FromPort=443,ToPort=443,PrefixListIds=[{{PrefixListId=s3}}]"),
            Code("InvalidPrefixListId.Malformed")),
        ("FACTS prefix list source".into(), format!("{SG_IN} --group-id {web} --ip-permissions IpProtocol=tcp,FromPort=443,ToPort=443,PrefixListIds=[{{PrefixListId=pl-63a5400a}}]"), Ok),
        ("FACTS rule description up to 255 characters".into(), format!("{SG_IN} --group-id {web} --ip-permissions 'IpProtocol=tcp,FromPort=81,ToPort=81,IpRanges=[{{CidrIp=10.0.0.0/8,Description={}}}]'", "d".repeat(256)),
            Code("InvalidParameterValue")),
        ("DryRunOperation".into(), format!("{SG_IN} --group-id {web} --protocol tcp --port 80 --cidr 0.0.0.0/0 --dry-run"),
            Msg("DryRunOperation", "Request would have succeeded, but DryRun flag is set.")),
        ("dry run reports the real error first".into(), format!("{SG_IN} --group-id {web} --protocol tcp --port 443 --cidr 0.0.0.0/0 --dry-run"),
            Code("InvalidPermission.Duplicate")),
        ("--no-dry-run runs".into(), format!("{SG_IN} --group-id {web} --protocol tcp --port 80 --cidr 0.0.0.0/0 --no-dry-run"), Ok),
        ("CLI: --ip-permissions excludes the simplified flags".into(), format!("{SG_IN} --group-id {web} --protocol tcp --ip-permissions IpProtocol=tcp"),
            Cli("The --protocol option is not compatible with the --ip-permissions option")),
        ("CLI: protocol names of the simplified flag".into(), format!("{SG_IN} --group-id {web} --protocol tcpx --port 22 --cidr 0.0.0.0/0"),
            Cli("protocol parameter should be one of: tcp|udp|icmp|all or any valid protocol number.")),
        ("CLI: port syntax of the simplified flag".into(), format!("{SG_IN} --group-id {web} --protocol tcp --port 2x --cidr 0.0.0.0/0"),
            Cli("port parameter should be of the form <from[-to]> (e.g. 22 or 22-25)")),
        ("CLI: botocore rejects unknown members".into(), format!("{SG_IN} --group-id {web} --ip-permissions IpProtocol=tcp,Foo=1"),
            Cli("Unknown parameter in IpPermissions[0]: \"Foo\", must be one of: IpProtocol, FromPort, ToPort, UserIdGroupPairs, IpRanges, Ipv6Ranges, PrefixListIds")),
        ("CLI: integers converted with int()".into(), format!("{SG_IN} --group-id {web} --ip-permissions IpProtocol=tcp,FromPort=x"),
            Cli("invalid literal for int() with base 10: 'x'")),
        ("CLI: shorthand syntax errors".into(), format!("{SG_IN} --group-id {web} --ip-permissions IpProtocol=tcp,IpRanges=[{{CidrIp=1}}"),
            Cli("Error parsing parameter '--ip-permissions'")),
        ("CLI: unknown option with a suggestion".into(), format!("{SG_IN} --group-idd {web}"),
            Cli("Unknown options: --group-idd, sg-0123456789abcdef0\n\nDid you mean '--group-id'?")),
        ("CLI: unknown command with a suggestion".into(), "aws ec2 authorize-security-group-ingres".into(),
            Cli("Did you mean 'authorize-security-group-ingress'?")),
        ("no group named".into(), format!("{SG_IN} --protocol tcp --port 22 --cidr 0.0.0.0/0"), Code("MissingParameter")),
    ];
    let cases: Vec<(&str, &str, Want)> = cases
        .iter()
        .map(|(f, l, w)| (f.as_str(), l.as_str(), clone_want(w)))
        .collect();
    check(&cases);
}

fn clone_want(w: &Want) -> Want {
    match w {
        Ok => Ok,
        Code(c) => Code(c),
        Msg(c, m) => Msg(c, m),
        Cli(t) => Cli(t),
    }
}

#[test]
fn authorize_success_shape() {
    // API_AuthorizeSecurityGroupIngress.html: Return and SecurityGroupRules (SecurityGroupRule
    // shape, keys in model order).
    let mut w = World::new();
    let s = w
        .run(&format!(
            "{SG_IN} --group-id {WEB_SG} --protocol tcp --port 22 --source-group {BASTION_SG}"
        ))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(s.changed);
    assert_eq!(s.operation, "AuthorizeSecurityGroupIngress");
    let rule = &s.output["SecurityGroupRules"][0];
    let id = rule["SecurityGroupRuleId"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(id.starts_with("sgr-") && id.len() == 21, "{id}");
    assert_eq!(
        s.output,
        json!({"Return": true, "SecurityGroupRules": [{
            "SecurityGroupRuleId": id,
            "GroupId": WEB_SG,
            "GroupOwnerId": "123456789012",
            "IsEgress": false,
            "IpProtocol": "tcp",
            "FromPort": 22,
            "ToPort": 22,
            "ReferencedGroupInfo": {"GroupId": BASTION_SG, "UserId": "123456789012"},
            "SecurityGroupRuleArn": format!("arn:aws:ec2:us-east-1:123456789012:security-group-rule/{id}"),
        }]})
    );
    let keys: Vec<&String> = rule
        .as_object()
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    assert_eq!(
        keys[..4],
        ["SecurityGroupRuleId", "GroupId", "GroupOwnerId", "IsEgress"]
    );
    // The rule is in the model.
    assert!(w.group(WEB_SG).ingress.iter().any(|r| r.id == id));

    // Several sources in one permission: one rule each; ICMP via --port means type and code.
    let out = w.ok(&format!("{SG_IN} --group-id {WEB_SG} --ip-permissions 'IpProtocol=tcp,FromPort=8080,ToPort=8081,IpRanges=[{{CidrIp=10.0.0.0/8,Description=\"corp net\"}},{{CidrIp=192.168.0.0/16}}],Ipv6Ranges=[{{CidrIpv6=2001:db8::/32}}]'"));
    let rules = out["SecurityGroupRules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(rules.len(), 3);
    assert_eq!(rules[0]["Description"], "corp net");
    assert_eq!(rules[2]["CidrIpv6"], "2001:db8::/32");
    let out = w.ok(&format!(
        "{SG_IN} --group-id {WEB_SG} --protocol icmp --port 8--1 --cidr 10.0.0.0/8"
    ));
    assert_eq!(
        (
            out["SecurityGroupRules"][0]["FromPort"].clone(),
            out["SecurityGroupRules"][0]["ToPort"].clone()
        ),
        (json!(8), json!(-1))
    );
    let out = w.ok(&format!(
        "{SG_IN} --group-id {WEB_SG} --protocol all --cidr 10.9.0.0/16"
    ));
    assert_eq!(out["SecurityGroupRules"][0]["IpProtocol"], "-1");
    assert_eq!(out["SecurityGroupRules"][0]["FromPort"], -1);
    // JSON form of --ip-permissions.
    let out = w.ok(&format!(
        r#"{SG_IN} --group-id {WEB_SG} --ip-permissions '[{{"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "IpRanges": [{{"CidrIp": "10.0.0.0/16"}}]}}]'"#
    ));
    assert_eq!(out["SecurityGroupRules"][0]["IpProtocol"], "udp");
    // Global flags anywhere.
    let s = w
        .run(&format!("aws --output table ec2 authorize-security-group-ingress --group-id {WEB_SG} --protocol tcp --port 9000 --cidr 10.0.0.0/8 --region us-east-1 --no-cli-pager"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.format, ec2_tutor::aws::OutputFormat::Table);
}

#[test]
fn rules_per_group_limit() {
    // FACTS: 60 inbound rules per group, IPv4 and IPv6 counted separately.
    let mut w = World::new();
    let have = w.group(WEB_SG).ingress.len();
    for n in 0..(60 - have) {
        w.ok(&format!(
            "{SG_IN} --group-id {WEB_SG} --protocol tcp --port {} --cidr 10.0.0.0/8",
            1000 + n
        ));
    }
    let e = w.run(&format!(
        "{SG_IN} --group-id {WEB_SG} --protocol tcp --port 2000 --cidr 10.0.0.0/8"
    ));
    let e = e.err().map(|e| (e.code, e.message));
    assert_eq!(
        e,
        Some((
            "RulesPerSecurityGroupLimitExceeded".into(),
            "The maximum number of rules per security group has been reached.".into()
        ))
    );
    w.ok(&format!("{SG_IN} --group-id {WEB_SG} --ip-permissions IpProtocol=tcp,FromPort=22,ToPort=22,Ipv6Ranges=[{{CidrIpv6=::/0}}]"));
}

const SG_OUT: &str = "aws ec2 authorize-security-group-egress";

#[test]
fn authorize_security_group_egress() {
    check(&[
        (
            "egress rule added",
            &format!("{SG_OUT} --group-id {DB_SG} --protocol tcp --port 443 --cidr 0.0.0.0/0"),
            Ok,
        ),
        (
            "FACTS a new group's allow-all egress exists already (duplicate, ALL form)",
            &format!("{SG_OUT} --group-id {WEB_SG} --protocol all --cidr 0.0.0.0/0"),
            Msg(
                "InvalidPermission.Duplicate",
                "the specified rule \"peer: 0.0.0.0/0, ALL, ALLOW\" already exists",
            ),
        ),
        (
            "egress needs --group-id (CLI required argument)",
            &format!("{SG_OUT} --group-name web --protocol all --cidr 0.0.0.0/0"),
            Cli("Unknown options: --group-name, web"),
        ),
        (
            "egress needs --group-id",
            &format!("{SG_OUT} --protocol all --cidr 0.0.0.0/0"),
            Cli("the following arguments are required: --group-id"),
        ),
        (
            "FACTS InvalidGroupId.Malformed",
            &format!("{SG_OUT} --group-id sg-xyz --protocol all --cidr 0.0.0.0/0"),
            Code("InvalidGroupId.Malformed"),
        ),
    ]);
    let mut w = World::new();
    let out = w.ok(&format!(
        "{SG_OUT} --group-id {DB_SG} --protocol tcp --port 443 --cidr 0.0.0.0/0"
    ));
    assert_eq!(out["SecurityGroupRules"][0]["IsEgress"], true);
    assert_eq!(w.group(DB_SG).egress.len(), 1);
}

const SG_RV: &str = "aws ec2 revoke-security-group-ingress";

#[test]
fn revoke_security_group_ingress() {
    check(&[
        ("revoke by the simplified flags", &format!("{SG_RV} --group-id {WEB_SG} --protocol tcp --port 22 --cidr 0.0.0.0/0"), Ok),
        ("FACTS InvalidPermission.NotFound outside a default VPC", &format!("{SG_RV} --group-id {WEB_SG} --protocol tcp --port 25 --cidr 0.0.0.0/0"),
            Msg("InvalidPermission.NotFound", "The specified rule does not exist in this security group.")),
        ("FACTS nothing is revoked when one rule is missing", &format!("{SG_RV} --group-id {WEB_SG} --ip-permissions IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{{CidrIp=0.0.0.0/0}}] IpProtocol=tcp,FromPort=25,ToPort=25,IpRanges=[{{CidrIp=0.0.0.0/0}}]"),
            Code("InvalidPermission.NotFound")),
        ("FACTS default VPC: a missing rule succeeds", &format!("{SG_RV} --group-id {LEGACY_SG} --protocol tcp --port 25 --cidr 0.0.0.0/0"), Ok),
        ("revoke by rule id", &format!("{SG_RV} --group-id {WEB_SG} --security-group-rule-ids sgr-0000000000000a022"), Ok),
        ("rule id of the other direction", &format!("{SG_RV} --group-id {WEB_SG} --security-group-rule-ids sgr-0000000000000aeee"),
            Code("InvalidSecurityGroupRuleId.NotFound")),
        ("malformed rule id", &format!("{SG_RV} --group-id {WEB_SG} --security-group-rule-ids rule-1"),
            Msg("InvalidSecurityGroupRuleId.Malformed", "Invalid id: \"rule-1\" (expecting \"sgr-...\")")),
        ("FACTS InvalidGroup.NotFound", &format!("{SG_RV} --group-id sg-0000000000000000f --protocol tcp --port 22 --cidr 0.0.0.0/0"), Code("InvalidGroup.NotFound")),
        ("DryRunOperation", &format!("{SG_RV} --group-id {WEB_SG} --protocol tcp --port 22 --cidr 0.0.0.0/0 --dry-run"), Code("DryRunOperation")),
    ]);

    // Response shapes (API_RevokeSecurityGroupIngress.html).
    let mut w = World::new();
    let s = w
        .run(&format!("{SG_RV} --group-id {WEB_SG} --ip-permissions IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{{CidrIp=0.0.0.0/0,Description=whatever}}]"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(s.changed);
    // FACTS: matching ignores the description.
    assert_eq!(
        s.output,
        json!({"Return": true, "RevokedSecurityGroupRules": [{
            "SecurityGroupRuleId": "sgr-0000000000000a022", "GroupId": WEB_SG, "IsEgress": false,
            "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIpv4": "0.0.0.0/0", "Description": "too open"}]})
    );
    assert!(!w
        .group(WEB_SG)
        .ingress
        .iter()
        .any(|r| r.id == "sgr-0000000000000a022"));

    // FACTS: default VPC — Return true and UnknownIpPermissions; the known rule still goes.
    let s = w
        .run(&format!("{SG_RV} --group-name legacy --ip-permissions IpProtocol=tcp,FromPort=80,ToPort=80,IpRanges=[{{CidrIp=0.0.0.0/0}}] IpProtocol=tcp,FromPort=25,ToPort=25,IpRanges=[{{CidrIp=0.0.0.0/0}}]"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.output["Return"], true);
    assert_eq!(
        s.output["UnknownIpPermissions"],
        json!([{"IpProtocol": "tcp", "FromPort": 25, "ToPort": 25, "UserIdGroupPairs": [],
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": []}])
    );
    assert_eq!(
        s.output["RevokedSecurityGroupRules"][0]["SecurityGroupRuleId"],
        "sgr-0000000000000d080"
    );
    let s = w
        .run(&format!(
            "{SG_RV} --group-name legacy --protocol tcp --port 25 --cidr 0.0.0.0/0"
        ))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!s.changed, "nothing was revoked");

    // FACTS: deleting a referenced group leaves a stale rule, which can still be revoked.
    let mut w = World::new();
    w.account.security_groups.retain(|g| g.id != WEB_SG);
    w.account.instances.retain(|i| i.id != WEB_I);
    w.ok(&format!(
        "{SG_RV} --group-id {DB_SG} --protocol tcp --port 5432 --source-group {WEB_SG}"
    ));
    assert!(w.group(DB_SG).ingress.is_empty());
}

#[test]
fn revoke_security_group_egress() {
    check(&[
        ("revoke the allow-all egress", &format!("aws ec2 revoke-security-group-egress --group-id {WEB_SG} --protocol all --cidr 0.0.0.0/0"), Ok),
        ("FACTS InvalidPermission.NotFound", &format!("aws ec2 revoke-security-group-egress --group-id {DB_SG} --protocol all --cidr 0.0.0.0/0"), Code("InvalidPermission.NotFound")),
        ("egress by rule id", &format!("aws ec2 revoke-security-group-egress --group-id {WEB_SG} --security-group-rule-ids sgr-0000000000000aeee"), Ok),
    ]);
    let mut w = World::new();
    w.ok(&format!("aws ec2 revoke-security-group-egress --group-id {WEB_SG} --ip-permissions IpProtocol=-1,IpRanges=[{{CidrIp=0.0.0.0/0}}]"));
    assert!(w.group(WEB_SG).egress.is_empty());
}

const ACL_NEW: &str = "aws ec2 create-network-acl-entry --network-acl-id acl-0123456789abcdef0";

#[test]
fn create_network_acl_entry() {
    check(&[
        ("ACL entry added", &format!("{ACL_NEW} --ingress --rule-number 120 --protocol tcp --port-range From=22,To=22 --cidr-block 203.0.113.0/24 --rule-action allow"), Ok),
        ("FACTS NetworkAclEntryAlreadyExists", &format!("{ACL_NEW} --ingress --rule-number 100 --protocol tcp --port-range From=22,To=22 --cidr-block 203.0.113.0/24 --rule-action allow"),
            Msg("NetworkAclEntryAlreadyExists", "The network acl entry identified by 100 already exists.")),
        ("the same number in the other direction is free", &format!("{ACL_NEW} --egress --rule-number 110 --protocol -1 --cidr-block 0.0.0.0/0 --rule-action deny"), Ok),
        ("FACTS rule numbers 1-32766 (0)", &format!("{ACL_NEW} --ingress --rule-number 0 --protocol -1 --cidr-block 0.0.0.0/0 --rule-action deny"), Code("InvalidParameterValue")),
        ("FACTS rule numbers 1-32766 (32767)", &format!("{ACL_NEW} --ingress --rule-number 32767 --protocol -1 --cidr-block 0.0.0.0/0 --rule-action deny"), Code("InvalidParameterValue")),
        ("FACTS rule number 32766 is allowed", &format!("{ACL_NEW} --ingress --rule-number 32766 --protocol all --cidr-block 0.0.0.0/0 --rule-action deny"), Ok),
        ("tcp needs a port range", &format!("{ACL_NEW} --ingress --rule-number 5 --protocol tcp --cidr-block 0.0.0.0/0 --rule-action deny"), Code("MissingParameter")),
        ("icmp type/code", &format!("{ACL_NEW} --ingress --rule-number 5 --protocol icmp --icmp-type-code Type=0,Code=-1 --cidr-block 0.0.0.0/0 --rule-action allow"), Ok),
        ("FACTS all types requires all codes", &format!("{ACL_NEW} --ingress --rule-number 5 --protocol icmp --icmp-type-code Type=-1,Code=0 --cidr-block 0.0.0.0/0 --rule-action allow"), Code("InvalidParameterValue")),
        ("IPv6 entry", &format!("{ACL_NEW} --ingress --rule-number 5 --protocol -1 --ipv6-cidr-block ::/0 --rule-action deny"), Ok),
        ("bad CIDR", &format!("{ACL_NEW} --ingress --rule-number 5 --protocol -1 --cidr-block 10.0.0.0/33 --rule-action deny"),
            Msg("InvalidParameterValue", "CIDR block 10.0.0.0/33 is malformed")),
        ("a CIDR is required", &format!("{ACL_NEW} --ingress --rule-number 5 --protocol -1 --rule-action deny"), Code("MissingParameter")),
        ("rule action allow|deny", &format!("{ACL_NEW} --ingress --rule-number 5 --protocol -1 --cidr-block 0.0.0.0/0 --rule-action maybe"), Code("InvalidParameterValue")),
        ("malformed ACL id", "aws ec2 create-network-acl-entry --network-acl-id strict --ingress --rule-number 5 --protocol -1 --cidr-block 0.0.0.0/0 --rule-action deny",
            Msg("InvalidNetworkAclID.Malformed", "Invalid id: \"strict\" (expecting \"acl-...\")")),
        ("unknown ACL id", "aws ec2 create-network-acl-entry --network-acl-id acl-0000000000000000f --ingress --rule-number 5 --protocol -1 --cidr-block 0.0.0.0/0 --rule-action deny",
            Msg("InvalidNetworkAclID.NotFound", "The networkAcl ID 'acl-0000000000000000f' does not exist")),
        ("CLI: direction required", &format!("{ACL_NEW} --rule-number 5 --protocol -1 --cidr-block 0.0.0.0/0 --rule-action deny"),
            Cli("the following arguments are required: --egress | --ingress")),
        ("CLI: both directions", &format!("{ACL_NEW} --egress --ingress --rule-number 5 --protocol -1 --cidr-block 0.0.0.0/0 --rule-action deny"),
            Cli("argument --ingress: not allowed with argument --egress")),
        ("CLI: required arguments", &format!("{ACL_NEW} --ingress"),
            Cli("the following arguments are required: --rule-number, --protocol, --rule-action")),
        ("CLI: integer rule number", &format!("{ACL_NEW} --ingress --rule-number abc --protocol -1 --cidr-block 0.0.0.0/0 --rule-action deny"),
            Cli("invalid literal for int() with base 10: 'abc'")),
        ("CLI: integer port", &format!("{ACL_NEW} --ingress --rule-number 5 --protocol tcp --port-range From=x,To=1 --cidr-block 0.0.0.0/0 --rule-action deny"),
            Cli("invalid literal for int() with base 10: 'x'")),
        ("DryRunOperation", &format!("{ACL_NEW} --ingress --rule-number 5 --protocol -1 --cidr-block 0.0.0.0/0 --rule-action deny --dry-run"), Code("DryRunOperation")),
    ]);
    // Success: the CLI prints nothing ({}); the entry is stored in order, protocol as a number.
    let mut w = World::new();
    let s = w
        .run(&format!("{ACL_NEW} --ingress --rule-number 90 --protocol tcp --port-range From=22,To=22 --cidr-block 203.0.113.7/24 --rule-action deny"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.output, json!({}));
    assert!(s.changed);
    let out = w.ok(&format!(
        "aws ec2 describe-network-acls --network-acl-ids {STRICT_ACL}"
    ));
    let first_in = out["NetworkAcls"][0]["Entries"]
        .as_array()
        .and_then(|es| es.iter().find(|e| e["Egress"] == false).cloned())
        .unwrap_or(Value::Null);
    assert_eq!(
        first_in,
        json!({"CidrBlock": "203.0.113.0/24", "Egress": false, "PortRange": {"From": 22, "To": 22},
               "Protocol": "6", "RuleAction": "deny", "RuleNumber": 90})
    );
}

#[test]
fn network_acl_entry_limit() {
    // FACTS: 20 entries per direction, IPv4 and IPv6 apart.
    let mut w = World::new();
    let have = w
        .account
        .acl(STRICT_ACL)
        .map(|a| a.direction(false).count())
        .unwrap_or(0);
    for n in 0..(20 - have) {
        w.ok(&format!("{ACL_NEW} --ingress --rule-number {} --protocol -1 --cidr-block 10.{n}.0.0/16 --rule-action deny", 200 + n));
    }
    let e = w.run(&format!("{ACL_NEW} --ingress --rule-number 300 --protocol -1 --cidr-block 10.99.0.0/16 --rule-action deny"));
    assert_eq!(
        e.err().map(|e| e.code).as_deref(),
        Some("NetworkAclEntryLimitExceeded")
    );
    w.ok(&format!("{ACL_NEW} --ingress --rule-number 300 --protocol -1 --ipv6-cidr-block ::/0 --rule-action deny"));
    w.ok(&format!("{ACL_NEW} --egress --rule-number 300 --protocol -1 --cidr-block 0.0.0.0/0 --rule-action deny"));
}

#[test]
fn replace_and_delete_network_acl_entry() {
    check(&[
        ("replace an entry", &format!("aws ec2 replace-network-acl-entry --network-acl-id {STRICT_ACL} --ingress --rule-number 100 --protocol tcp --port-range From=80,To=80 --cidr-block 0.0.0.0/0 --rule-action allow"), Ok),
        ("replace a missing entry", &format!("aws ec2 replace-network-acl-entry --network-acl-id {STRICT_ACL} --egress --rule-number 110 --protocol -1 --cidr-block 0.0.0.0/0 --rule-action allow"),
            Msg("InvalidNetworkAclEntry.NotFound", "The network acl entry identified by 110 does not exist.")),
        ("delete an entry", &format!("aws ec2 delete-network-acl-entry --network-acl-id {STRICT_ACL} --ingress --rule-number 110"), Ok),
        ("delete a missing entry", &format!("aws ec2 delete-network-acl-entry --network-acl-id {STRICT_ACL} --egress --rule-number 110"), Code("InvalidNetworkAclEntry.NotFound")),
        ("FACTS default ACL entries can be changed", &format!("aws ec2 delete-network-acl-entry --network-acl-id {MAIN_ACL} --ingress --rule-number 100"), Ok),
        ("delete: rule number range", &format!("aws ec2 delete-network-acl-entry --network-acl-id {STRICT_ACL} --ingress --rule-number 40000"), Code("InvalidParameterValue")),
        ("DryRunOperation", &format!("aws ec2 delete-network-acl-entry --network-acl-id {STRICT_ACL} --ingress --rule-number 110 --dry-run"), Code("DryRunOperation")),
    ]);
    let mut w = World::new();
    let s = w
        .run(&format!("aws ec2 replace-network-acl-entry --network-acl-id {STRICT_ACL} --ingress --rule-number 100 --protocol tcp --port-range From=80,To=80 --cidr-block 0.0.0.0/0 --rule-action deny"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.output, json!({}));
    let acl = w
        .account
        .acl(STRICT_ACL)
        .cloned()
        .unwrap_or_else(|| panic!());
    let e = acl
        .direction(false)
        .next()
        .cloned()
        .unwrap_or_else(|| panic!());
    assert_eq!(
        (e.rule_number, e.action),
        (100, ec2_tutor::model::RuleAction::Deny)
    );
    w.ok(&format!("aws ec2 delete-network-acl-entry --network-acl-id {STRICT_ACL} --ingress --rule-number 100"));
    assert_eq!(
        w.account
            .acl(STRICT_ACL)
            .map(|a| a.direction(false).count()),
        Some(1)
    );
}

#[test]
fn modify_instance_attribute_groups() {
    check(&[
        ("replace the groups", &format!("aws ec2 modify-instance-attribute --instance-id {WEB_I} --groups {WEB_SG} {BASTION_SG}"), Ok),
        ("malformed instance id", &format!("aws ec2 modify-instance-attribute --instance-id web --groups {WEB_SG}"), Code("InvalidInstanceID.Malformed")),
        ("unknown instance", &format!("aws ec2 modify-instance-attribute --instance-id i-0000000000000000f --groups {WEB_SG}"),
            Msg("InvalidInstanceID.NotFound", "The instance ID 'i-0000000000000000f' does not exist")),
        ("FACTS InvalidGroup.NotFound in VPC form", &format!("aws ec2 modify-instance-attribute --instance-id {WEB_I} --groups {LEGACY_SG}"),
            Msg("InvalidGroup.NotFound", "The security group 'sg-0eeeeeeeeeeeeeee0' does not exist in VPC 'vpc-0a1b2c3d4e5f60718'")),
        ("FACTS InvalidGroupId.Malformed", &format!("aws ec2 modify-instance-attribute --instance-id {WEB_I} --groups web"), Code("InvalidGroupId.Malformed")),
        ("CLI: --groups needs a value", &format!("aws ec2 modify-instance-attribute --instance-id {WEB_I} --groups"), Cli("expected at least one argument")),
        ("no attribute given", &format!("aws ec2 modify-instance-attribute --instance-id {WEB_I}"), Code("InvalidParameterCombination")),
        ("DryRunOperation", &format!("aws ec2 modify-instance-attribute --instance-id {WEB_I} --groups {WEB_SG} --dry-run"), Code("DryRunOperation")),
    ]);
    let mut w = World::new();
    let s = w
        .run(&format!("aws ec2 modify-instance-attribute --instance-id {WEB_I} --groups {WEB_SG} {BASTION_SG} {WEB_SG}"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.output, json!({}));
    assert!(s.changed);
    assert_eq!(
        w.account.instance(WEB_I).map(|i| i.security_groups.clone()),
        Some(vec![WEB_SG.to_string(), BASTION_SG.to_string()])
    );
    // Setting the same groups again changes nothing.
    let s = w
        .run(&format!("aws ec2 modify-instance-attribute --instance-id {WEB_I} --groups {WEB_SG} {BASTION_SG}"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!s.changed);
    // FACTS: 5 groups per interface.
    for n in 0..2 {
        let mut g = w.group(DB_SG).clone();
        g.id = format!("sg-0{n}0000000000000f0");
        g.name = format!("extra{n}");
        w.account.security_groups.push(g);
    }
    let five = format!("{WEB_SG} {BASTION_SG} {DB_SG} {MAIN_DEFAULT_SG} sg-000000000000000f0");
    w.ok(&format!(
        "aws ec2 modify-instance-attribute --instance-id {WEB_I} --groups {five}"
    ));
    let e = w.run(&format!("aws ec2 modify-instance-attribute --instance-id {WEB_I} --groups {five} sg-010000000000000f0"));
    assert_eq!(
        e.err().map(|e| (e.code, e.message)),
        Some((
            "SecurityGroupsPerInterfaceLimitExceeded".into(),
            "The maximum number of security groups per interface has been reached.".into()
        ))
    );
}

#[test]
fn create_security_group() {
    check(&[
        ("create in a VPC", &format!("aws ec2 create-security-group --group-name app --description 'app tier' --vpc-id {MAIN_VPC}"), Ok),
        ("FACTS without --vpc-id: the default VPC", "aws ec2 create-security-group --group-name app --description app", Ok),
        ("FACTS InvalidGroup.Duplicate message", &format!("aws ec2 create-security-group --group-name web --description x --vpc-id {MAIN_VPC}"),
            Msg("InvalidGroup.Duplicate", "The security group 'web' already exists for VPC 'vpc-0a1b2c3d4e5f60718'")),
        ("FACTS name unique per VPC only", "aws ec2 create-security-group --group-name web --description x", Ok),
        ("FACTS names may not start with sg-", &format!("aws ec2 create-security-group --group-name sg-web --description x --vpc-id {MAIN_VPC}"), Code("InvalidParameterValue")),
        ("FACTS name up to 255 characters", &format!("aws ec2 create-security-group --group-name {} --description x --vpc-id {MAIN_VPC}", "n".repeat(256)), Code("InvalidParameterValue")),
        ("FACTS description up to 255 characters", &format!("aws ec2 create-security-group --group-name n --description {} --vpc-id {MAIN_VPC}", "d".repeat(256)), Code("InvalidParameterValue")),
        ("unknown VPC", "aws ec2 create-security-group --group-name n --description d --vpc-id vpc-0000000000000000f",
            Msg("InvalidVpcID.NotFound", "The vpc ID 'vpc-0000000000000000f' does not exist")),
        ("malformed VPC id", "aws ec2 create-security-group --group-name n --description d --vpc-id main", Code("InvalidVpcID.Malformed")),
        ("CLI: required arguments", "aws ec2 create-security-group --group-name n", Cli("the following arguments are required: --description")),
        ("DryRunOperation", "aws ec2 create-security-group --group-name n --description d --dry-run", Code("DryRunOperation")),
    ]);
    let mut w = World::new();
    let out = w.ok(&format!("aws ec2 create-security-group --group-name app --description 'app tier' --vpc-id {MAIN_VPC}"));
    let id = out["GroupId"].as_str().unwrap_or_default().to_string();
    assert!(ec2_tutor::model::ids::is_valid("sg", &id), "{id}");
    assert_eq!(
        out,
        json!({"GroupId": id, "SecurityGroupArn": format!("arn:aws:ec2:us-east-1:123456789012:security-group/{id}")})
    );
    // FACTS: a new group has no inbound rules and one outbound allow-all to 0.0.0.0/0.
    let g = w.group(&id).clone();
    assert!(g.ingress.is_empty());
    assert_eq!(g.egress.len(), 1);
    assert_eq!(
        g.egress[0].peer,
        ec2_tutor::model::Peer::Cidr("0.0.0.0/0".parse().unwrap_or_else(|_| panic!()))
    );
    // FACTS: 2,500 groups per Region.
    let mut w = World::new();
    while w.account.security_groups.len() < 2500 {
        let mut g = w.group(DB_SG).clone();
        g.id = format!("sg-{:017x}", w.account.security_groups.len() + 0x100);
        g.name = format!("g{}", w.account.security_groups.len());
        w.account.security_groups.push(g);
    }
    let e = w.run("aws ec2 create-security-group --group-name one-more --description d");
    assert_eq!(
        e.err().map(|e| e.code).as_deref(),
        Some("SecurityGroupLimitExceeded")
    );
}

#[test]
fn delete_security_group() {
    check(&[
        ("delete an unused, unreferenced group", &format!("aws ec2 delete-security-group --group-id {DB_SG}"), Ok),
        ("FACTS delete by name in a default VPC", "aws ec2 delete-security-group --group-name legacy", Ok),
        ("FACTS by name only in the default VPC", "aws ec2 delete-security-group --group-name db", Code("InvalidGroup.NotFound")),
        ("FACTS CannotDelete the default group", &format!("aws ec2 delete-security-group --group-id {MAIN_DEFAULT_SG}"),
            Msg("CannotDelete", "the specified group: \"sg-0aaaaaaaaaaaaaaa0\" name: \"default\" cannot be deleted by a user")),
        ("FACTS DependencyViolation: in use by an instance", &format!("aws ec2 delete-security-group --group-id {BASTION_SG}"),
            Msg("DependencyViolation", "resource sg-0fedcba9876543210 has a dependent object")),
        ("FACTS DependencyViolation: referenced by another group's rule", &format!("aws ec2 delete-security-group --group-id {WEB_SG}"),
            Code("DependencyViolation")),
        ("FACTS InvalidGroupId.Malformed", "aws ec2 delete-security-group --group-id db", Code("InvalidGroupId.Malformed")),
        ("FACTS InvalidGroup.NotFound", "aws ec2 delete-security-group --group-id sg-0000000000000000f", Code("InvalidGroup.NotFound")),
        ("DryRunOperation", &format!("aws ec2 delete-security-group --group-id {DB_SG} --dry-run"), Code("DryRunOperation")),
    ]);
    let mut w = World::new();
    assert_eq!(
        w.ok(&format!("aws ec2 delete-security-group --group-id {DB_SG}")),
        json!({"Return": true, "GroupId": DB_SG})
    );
    assert!(w.account.group(DB_SG).is_none());
    // Once nothing references web and no instance uses it, it can go.
    w.ok(&format!(
        "aws ec2 modify-instance-attribute --instance-id {WEB_I} --groups {BASTION_SG}"
    ));
    w.ok(&format!(
        "aws ec2 delete-security-group --group-id {WEB_SG}"
    ));
}

#[test]
fn describe_security_groups() {
    check(&[
        (
            "by id",
            &format!("aws ec2 describe-security-groups --group-ids {WEB_SG}"),
            Ok,
        ),
        (
            "FACTS InvalidGroup.NotFound",
            "aws ec2 describe-security-groups --group-ids sg-0000000000000000f",
            Code("InvalidGroup.NotFound"),
        ),
        (
            "FACTS InvalidGroupId.Malformed",
            "aws ec2 describe-security-groups --group-ids web",
            Code("InvalidGroupId.Malformed"),
        ),
        (
            "names: default VPC only",
            "aws ec2 describe-security-groups --group-names web",
            Code("InvalidGroup.NotFound"),
        ),
        (
            "unknown filter",
            "aws ec2 describe-security-groups --filters Name=group-nam,Values=web",
            Msg("InvalidParameterValue", "The filter 'group-nam' is invalid"),
        ),
        (
            "CLI: filter members",
            "aws ec2 describe-security-groups --filters Name=group-name,Value=web",
            Cli("Unknown parameter in Filters[0]: \"Value\", must be one of: Name, Values"),
        ),
        (
            "DryRunOperation",
            "aws ec2 describe-security-groups --dry-run",
            Code("DryRunOperation"),
        ),
    ]);
    let mut w = World::new();
    let ids = |out: &Value| -> Vec<String> {
        out["SecurityGroups"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|g| g["GroupId"].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let cases: &[(&str, &[&str])] = &[
        ("--group-ids sg-0123456789abcdef0 sg-0fedcba9876543210", &[WEB_SG, BASTION_SG]),
        ("--group-names legacy", &[LEGACY_SG]),
        ("--filters Name=group-name,Values=web,db", &[WEB_SG, DB_SG]),
        ("--filters Name=vpc-id,Values=vpc-0d0d0d0d0d0d0d0d0", &[DEFVPC_DEFAULT_SG, LEGACY_SG]),
        ("--filters Name=group-name,Values=d*", &[MAIN_DEFAULT_SG, DB_SG, DEFVPC_DEFAULT_SG]),
        ("--filters Name=ip-permission.cidr,Values=0.0.0.0/0 Name=ip-permission.from-port,Values=22", &[WEB_SG]),
        ("--filters Name=ip-permission.group-id,Values=sg-0123456789abcdef0", &[DB_SG]),
        ("--filters Name=ip-permission.group-name,Values=web", &[DB_SG]),
        ("--filters Name=ip-permission.protocol,Values=-1", &[MAIN_DEFAULT_SG, DEFVPC_DEFAULT_SG]),
        ("--filters Name=egress.ip-permission.cidr,Values=0.0.0.0/0 Name=vpc-id,Values=vpc-0a1b2c3d4e5f60718", &[MAIN_DEFAULT_SG, WEB_SG, BASTION_SG]),
        (r#"--filters '[{"Name": "group-id", "Values": ["sg-0fedcba9876543210"]}]'"#, &[BASTION_SG]),
    ];
    for (flags, want) in cases {
        let out = w.ok(&format!("aws ec2 describe-security-groups {flags}"));
        assert_eq!(ids(&out), *want, "{flags}");
    }
    // FACTS: rules with the same protocol and ports form one IpPermission.
    w.ok(&format!(
        "{SG_IN} --group-id {WEB_SG} --protocol tcp --port 443 --cidr 10.0.0.0/8"
    ));
    let out = w.ok(&format!("aws ec2 describe-security-groups --group-ids {WEB_SG} --query SecurityGroups[0].IpPermissions[0].IpRanges"));
    assert_eq!(
        out,
        json!([{"CidrIp": "0.0.0.0/0"}, {"CidrIp": "10.0.0.0/8"}])
    );
}

#[test]
fn describe_security_group_rules() {
    check(&[
        (
            "by id",
            "aws ec2 describe-security-group-rules --security-group-rule-ids sgr-0000000000000a022",
            Ok,
        ),
        (
            "unknown rule id",
            "aws ec2 describe-security-group-rules --security-group-rule-ids sgr-0000000000000000f",
            Code("InvalidSecurityGroupRuleId.NotFound"),
        ),
        (
            "malformed rule id",
            "aws ec2 describe-security-group-rules --security-group-rule-ids x",
            Code("InvalidSecurityGroupRuleId.Malformed"),
        ),
        (
            "unknown filter",
            "aws ec2 describe-security-group-rules --filters Name=vpc-id,Values=x",
            Code("InvalidParameterValue"),
        ),
    ]);
    let mut w = World::new();
    let out = w.ok(&format!(
        "aws ec2 describe-security-group-rules --filters Name=group-id,Values={WEB_SG}"
    ));
    let rules = out["SecurityGroupRules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(rules.len(), 3);
    assert_eq!(rules[1]["Description"], "too open");
    assert_eq!(rules[1]["Tags"], json!([]));
    assert_eq!(rules[2]["IsEgress"], true);
}

#[test]
fn modify_security_group_rules() {
    let m =
        format!("aws ec2 modify-security-group-rules --group-id {WEB_SG} --security-group-rules");
    check(&[
        ("change a rule in place", &format!("{m} 'SecurityGroupRuleId=sgr-0000000000000a022,SecurityGroupRule={{IpProtocol=tcp,FromPort=22,ToPort=22,CidrIpv4=203.0.113.0/24}}'"), Ok),
        ("FACTS duplicate of another rule", &format!("{m} 'SecurityGroupRuleId=sgr-0000000000000a022,SecurityGroupRule={{IpProtocol=tcp,FromPort=443,ToPort=443,CidrIpv4=0.0.0.0/0}}'"),
            Code("InvalidPermission.Duplicate")),
        ("unknown rule", &format!("{m} 'SecurityGroupRuleId=sgr-0000000000000000f,SecurityGroupRule={{IpProtocol=tcp,FromPort=22,ToPort=22,CidrIpv4=10.0.0.0/8}}'"),
            Code("InvalidSecurityGroupRuleId.NotFound")),
        ("FACTS MissingParameter", &format!("{m} 'SecurityGroupRuleId=sgr-0000000000000a022,SecurityGroupRule={{IpProtocol=tcp,FromPort=22,ToPort=22}}'"), Code("MissingParameter")),
        ("FACTS bad ports", &format!("{m} 'SecurityGroupRuleId=sgr-0000000000000a022,SecurityGroupRule={{IpProtocol=tcp,FromPort=22,ToPort=70000,CidrIpv4=10.0.0.0/8}}'"), Code("InvalidPermission.Malformed")),
        ("CLI: required", &format!("aws ec2 modify-security-group-rules --group-id {WEB_SG}"), Cli("required: --security-group-rules")),
    ]);
    let mut w = World::new();
    let out = w.ok(&format!("{m} 'SecurityGroupRuleId=sgr-0000000000000a022,SecurityGroupRule={{IpProtocol=tcp,FromPort=22,ToPort=22,ReferencedGroupId={BASTION_SG},Description=bastion}}'"));
    assert_eq!(out, json!({"Return": true}));
    let r = w
        .group(WEB_SG)
        .ingress
        .iter()
        .find(|r| r.id == "sgr-0000000000000a022")
        .cloned()
        .unwrap_or_else(|| panic!());
    assert_eq!(r.peer, ec2_tutor::model::Peer::Group(BASTION_SG.into()));
    assert_eq!(r.description.as_deref(), Some("bastion"));
}

#[test]
fn update_rule_descriptions() {
    let u = format!("aws ec2 update-security-group-rule-descriptions-ingress --group-id {WEB_SG}");
    check(&[
        ("by permission", &format!("{u} --ip-permissions 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{{CidrIp=0.0.0.0/0,Description=ssh}}]'"), Ok),
        ("by rule id", &format!("{u} --security-group-rule-descriptions SecurityGroupRuleId=sgr-0000000000000a443,Description=https"), Ok),
        ("FACTS InvalidPermission.NotFound", &format!("{u} --ip-permissions 'IpProtocol=tcp,FromPort=25,ToPort=25,IpRanges=[{{CidrIp=0.0.0.0/0,Description=x}}]'"),
            Code("InvalidPermission.NotFound")),
        ("rule of the other direction", &format!("{u} --security-group-rule-descriptions SecurityGroupRuleId=sgr-0000000000000aeee,Description=x"),
            Code("InvalidSecurityGroupRuleId.NotFound")),
        ("FACTS description up to 255", &format!("{u} --security-group-rule-descriptions SecurityGroupRuleId=sgr-0000000000000a443,Description={}", "d".repeat(256)),
            Code("InvalidParameterValue")),
        ("egress", &format!("aws ec2 update-security-group-rule-descriptions-egress --group-id {WEB_SG} --security-group-rule-descriptions SecurityGroupRuleId=sgr-0000000000000aeee,Description=out"), Ok),
    ]);
    let mut w = World::new();
    assert_eq!(w.ok(&format!("{u} --ip-permissions 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{{CidrIp=0.0.0.0/0,Description=ssh from anywhere}}]'")), json!({"Return": true}));
    let d = |w: &World, id: &str| {
        w.group(WEB_SG)
            .ingress
            .iter()
            .find(|r| r.id == id)
            .and_then(|r| r.description.clone())
    };
    assert_eq!(
        d(&w, "sgr-0000000000000a022").as_deref(),
        Some("ssh from anywhere")
    );
    // No description removes it.
    w.ok(&format!("{u} --ip-permissions 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{{CidrIp=0.0.0.0/0}}]'"));
    assert_eq!(d(&w, "sgr-0000000000000a022"), None);
}

#[test]
fn describe_vpcs_subnets_route_tables() {
    check(&[
        ("vpcs", "aws ec2 describe-vpcs", Ok),
        (
            "unknown VPC",
            "aws ec2 describe-vpcs --vpc-ids vpc-0000000000000000f",
            Code("InvalidVpcID.NotFound"),
        ),
        ("subnets", "aws ec2 describe-subnets", Ok),
        (
            "unknown subnet",
            "aws ec2 describe-subnets --subnet-ids subnet-0000000000000000f",
            Msg(
                "InvalidSubnetID.NotFound",
                "The subnet ID 'subnet-0000000000000000f' does not exist",
            ),
        ),
        (
            "malformed subnet",
            "aws ec2 describe-subnets --subnet-ids public",
            Code("InvalidSubnetID.Malformed"),
        ),
        ("route tables", "aws ec2 describe-route-tables", Ok),
        (
            "unknown route table",
            "aws ec2 describe-route-tables --route-table-ids rtb-0000000000000000f",
            Code("InvalidRouteTableID.NotFound"),
        ),
    ]);
    let mut w = World::new();
    let v = w.ok("aws ec2 describe-vpcs --filters Name=is-default,Values=true");
    assert_eq!(v["Vpcs"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["Vpcs"][0]["VpcId"], DEFAULT_VPC);
    assert_eq!(v["Vpcs"][0]["IsDefault"], true);
    assert_eq!(v["Vpcs"][0]["State"], "available");
    let v =
        w.ok("aws ec2 describe-vpcs --filters Name=tag:Name,Values=main --query Vpcs[0].CidrBlock");
    assert_eq!(v, json!("10.0.0.0/16"));
    let s = w.ok(&format!(
        "aws ec2 describe-subnets --filters Name=vpc-id,Values={MAIN_VPC}"
    ));
    assert_eq!(s["Subnets"].as_array().map(Vec::len), Some(2));
    // Five addresses are reserved; two instances run in public.
    assert_eq!(s["Subnets"][0]["AvailableIpAddressCount"], 249);
    let r = w.ok(&format!(
        "aws ec2 describe-route-tables --filters Name=association.subnet-id,Values={PUBLIC_SUBNET}"
    ));
    let routes = r["RouteTables"][0]["Routes"].clone();
    assert_eq!(
        routes[0],
        json!({"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"})
    );
    assert_eq!(routes[1]["GatewayId"], "igw-0aaaaaaaaaaaaaaa0");
    let r = w.ok("aws ec2 describe-route-tables --filters Name=route.gateway-id,Values=igw-*");
    assert_eq!(r["RouteTables"].as_array().map(Vec::len), Some(2));
}

#[test]
fn network_acls() {
    check(&[
        ("describe", "aws ec2 describe-network-acls", Ok),
        ("unknown ACL", "aws ec2 describe-network-acls --network-acl-ids acl-0000000000000000f", Code("InvalidNetworkAclID.NotFound")),
        ("create", &format!("aws ec2 create-network-acl --vpc-id {MAIN_VPC}"), Ok),
        ("create: unknown VPC", "aws ec2 create-network-acl --vpc-id vpc-0000000000000000f", Code("InvalidVpcID.NotFound")),
        ("FACTS DependencyViolation: a subnet uses the ACL", &format!("aws ec2 delete-network-acl --network-acl-id {STRICT_ACL}"), Code("DependencyViolation")),
        ("delete the default ACL", &format!("aws ec2 delete-network-acl --network-acl-id {MAIN_ACL}"), Code("InvalidParameterValue")),
        ("replace association", &format!("aws ec2 replace-network-acl-association --association-id {PRIVATE_ASSOC} --network-acl-id {STRICT_ACL}"), Ok),
        ("association: unknown", &format!("aws ec2 replace-network-acl-association --association-id aclassoc-0000000000000000f --network-acl-id {STRICT_ACL}"),
            Msg("InvalidAssociationID.NotFound", "The association ID 'aclassoc-0000000000000000f' does not exist")),
        ("association: malformed", &format!("aws ec2 replace-network-acl-association --association-id {PRIVATE_SUBNET} --network-acl-id {STRICT_ACL}"), Code("InvalidAssociationID.Malformed")),
        ("association: other VPC", &format!("aws ec2 replace-network-acl-association --association-id {PRIVATE_ASSOC} --network-acl-id {DEFVPC_ACL}"), Code("InvalidParameterValue")),
        ("DryRunOperation", &format!("aws ec2 create-network-acl --vpc-id {MAIN_VPC} --dry-run"), Code("DryRunOperation")),
    ]);
    let mut w = World::new();
    // FACTS: a new custom ACL denies everything and has no subnets.
    let out = w.ok(&format!("aws ec2 create-network-acl --vpc-id {MAIN_VPC}"));
    let acl = out["NetworkAcl"].clone();
    let id = acl["NetworkAclId"].as_str().unwrap_or_default().to_string();
    assert_eq!(acl["Associations"], json!([]));
    assert_eq!(acl["IsDefault"], false);
    assert_eq!(
        acl["Entries"],
        json!([
            {"CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767},
            {"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767},
        ])
    );
    // FACTS: exactly one ACL per subnet; a new association replaces the old one.
    let out = w.ok(&format!("aws ec2 replace-network-acl-association --association-id {PRIVATE_ASSOC} --network-acl-id {id}"));
    let new_assoc = out["NewAssociationId"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(new_assoc.starts_with("aclassoc-") && new_assoc != PRIVATE_ASSOC);
    let s = w
        .account
        .subnet(PRIVATE_SUBNET)
        .cloned()
        .unwrap_or_else(|| panic!());
    assert_eq!(
        (s.network_acl_id.as_str(), s.acl_association_id.as_str()),
        (id.as_str(), new_assoc.as_str())
    );
    let e = w.run(&format!("aws ec2 replace-network-acl-association --association-id {PRIVATE_ASSOC} --network-acl-id {MAIN_ACL}"));
    assert_eq!(
        e.err().map(|e| e.code).as_deref(),
        Some("InvalidAssociationID.NotFound")
    );
    let f = w.ok(&format!("aws ec2 describe-network-acls --filters Name=association.subnet-id,Values={PRIVATE_SUBNET} --query NetworkAcls[].NetworkAclId"));
    assert_eq!(f, json!([id]));
    let e = w.run(&format!("aws ec2 delete-network-acl --network-acl-id {id}"));
    assert_eq!(
        e.err().map(|e| e.code).as_deref(),
        Some("DependencyViolation")
    );
    w.ok(&format!("aws ec2 replace-network-acl-association --association-id {new_assoc} --network-acl-id {MAIN_ACL}"));
    assert_eq!(
        w.ok(&format!("aws ec2 delete-network-acl --network-acl-id {id}")),
        json!({})
    );
    assert!(w.account.acl(&id).is_none());
}

#[test]
fn describe_instances() {
    check(&[
        ("all", "aws ec2 describe-instances", Ok),
        (
            "unknown id",
            "aws ec2 describe-instances --instance-ids i-0000000000000000f",
            Code("InvalidInstanceID.NotFound"),
        ),
        (
            "malformed id",
            "aws ec2 describe-instances --instance-ids web",
            Code("InvalidInstanceID.Malformed"),
        ),
    ]);
    let mut w = World::new();
    let out = w.ok(&format!(
        "aws ec2 describe-instances --instance-ids {WEB_I}"
    ));
    let i = &out["Reservations"][0]["Instances"][0];
    assert_eq!(i["State"], json!({"Code": 16, "Name": "running"}));
    assert_eq!(i["PrivateIpAddress"], "10.0.1.10");
    assert_eq!(i["PublicIpAddress"], "54.0.0.10");
    assert_eq!(
        i["SecurityGroups"],
        json!([{"GroupId": WEB_SG, "GroupName": "web"}])
    );
    assert_eq!(i["Placement"]["Tenancy"], "default");
    assert_eq!(i["Tags"], json!([{"Key": "Name", "Value": "web"}]));
    let q = w.ok("aws ec2 describe-instances --filters Name=instance.group-name,Values=bastion --query Reservations[].Instances[].InstanceId");
    assert_eq!(q, json!([BASTION_I]));
    let q = w.ok("aws ec2 describe-instances --filters Name=tag:Name,Values=nothing");
    assert_eq!(q, json!({"Reservations": []}));
}

#[test]
fn modify_network_interface_attribute() {
    check(&[
        ("replace the groups", &format!("aws ec2 modify-network-interface-attribute --network-interface-id {WEB_ENI} --groups {BASTION_SG}"), Ok),
        ("unknown interface", "aws ec2 modify-network-interface-attribute --network-interface-id eni-0000000000000000f --groups sg-0fedcba9876543210",
            Msg("InvalidNetworkInterfaceID.NotFound", "The networkInterface ID 'eni-0000000000000000f' does not exist")),
        ("malformed interface", &format!("aws ec2 modify-network-interface-attribute --network-interface-id {WEB_I} --groups {BASTION_SG}"), Code("InvalidNetworkInterfaceID.Malformed")),
        ("FACTS group of another VPC", &format!("aws ec2 modify-network-interface-attribute --network-interface-id {WEB_ENI} --groups {LEGACY_SG}"), Code("InvalidGroup.NotFound")),
    ]);
    let mut w = World::new();
    assert_eq!(w.ok(&format!("aws ec2 modify-network-interface-attribute --network-interface-id {WEB_ENI} --groups {BASTION_SG}")), json!({}));
    assert_eq!(
        w.account.instance(WEB_I).map(|i| i.security_groups.clone()),
        Some(vec![BASTION_SG.to_string()])
    );
}

#[test]
fn global_options_and_cli_errors() {
    check(&[
        ("aws prefix optional", "ec2 describe-vpcs", Ok),
        (
            "global flags before the service",
            "aws --region us-east-1 --output text ec2 describe-vpcs",
            Ok,
        ),
        (
            "--output choices",
            "aws ec2 describe-vpcs --output yaml2",
            Cli("argument --output: Invalid choice, valid choices are:"),
        ),
        (
            "bad --query",
            "aws ec2 describe-vpcs --query 'Vpcs['",
            Cli("Bad value for --query Vpcs[: Invalid jmespath expression"),
        ),
        (
            "unknown service",
            "aws ec22 describe-vpcs",
            Cli("argument command: Invalid choice"),
        ),
        (
            "no operation",
            "aws ec2",
            Cli("the following arguments are required: operation"),
        ),
        (
            "nothing",
            "aws",
            Cli("the following arguments are required: command"),
        ),
        (
            "another Region is empty",
            &format!("aws ec2 describe-security-groups --group-ids {WEB_SG} --region eu-west-1"),
            Code("InvalidGroup.NotFound"),
        ),
        (
            "unknown Region",
            "aws ec2 describe-vpcs --region mars",
            Cli("Could not connect to the endpoint URL"),
        ),
        (
            "stray words",
            "aws ec2 describe-vpcs extra",
            Cli("Unknown options: extra"),
        ),
        (
            "value flag without value",
            "aws ec2 create-network-acl --vpc-id",
            Cli("argument --vpc-id: expected one argument"),
        ),
    ]);
    let mut w = World::new();
    let out = w.ok("aws ec2 describe-vpcs --region eu-west-1");
    assert_eq!(out, json!({"Vpcs": []}));
    let e = w
        .run("aws ec2 authorize-security-group-ingres")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        e.starts_with(
            "usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\n"
        ),
        "{e}"
    );
    // An API error prints as the CLI prints it.
    let e = w
        .run(&format!(
            "{SG_IN} --group-id {WEB_SG} --protocol tcp --port 443 --cidr 0.0.0.0/0"
        ))
        .err()
        .map(|e| e.to_string());
    assert_eq!(e.as_deref(), Some("An error occurred (InvalidPermission.Duplicate) when calling the AuthorizeSecurityGroupIngress operation: the specified rule \"peer: 0.0.0.0/0, TCP, from port: 443, to port: 443, ALLOW\" already exists"));
}

#[test]
fn command_table_is_complete() {
    // Every command of the issue is in the one table, with an example that runs.
    let want = [
        "authorize-security-group-egress",
        "authorize-security-group-ingress",
        "create-network-acl",
        "create-network-acl-entry",
        "create-security-group",
        "delete-network-acl",
        "delete-network-acl-entry",
        "delete-security-group",
        "describe-instances",
        "describe-network-acls",
        "describe-route-tables",
        "describe-security-group-rules",
        "describe-security-groups",
        "describe-subnets",
        "describe-vpcs",
        "modify-instance-attribute",
        "modify-network-interface-attribute",
        "modify-security-group-rules",
        "replace-network-acl-association",
        "replace-network-acl-entry",
        "revoke-security-group-egress",
        "revoke-security-group-ingress",
        "update-security-group-rule-descriptions-egress",
        "update-security-group-rule-descriptions-ingress",
    ];
    // Every command issue 3 names is in the table (issue 4 adds more after them).
    let names: Vec<&str> = ec2_tutor::aws::commands().iter().map(|c| c.name).collect();
    for w in &want {
        assert!(names.contains(w), "{w} is missing from the command table");
    }
    for c in ec2_tutor::aws::commands() {
        let mut w = World::new();
        // Examples use placeholder ids; they must at least get past the CLI's own checks.
        // (Examples that read a key file from the learner's machine need that file first.)
        let reads_file = c.example.contains("file://") || c.example.contains("fileb://");
        if let Err(e) = w.run(c.example) {
            assert!(reads_file || !e.is_cli_error(), "{}: {e}", c.name);
        }
        assert!(c.usage().starts_with(c.name));
    }
}
