//! Snapshots of the describe responses whose shape matters most (API_SecurityGroup.html,
//! API_SecurityGroupRule.html, API_NetworkAcl.html), on the fixture account built in Rust.
//! Keys are in the API model's order, as the CLI prints them.

mod aws_fixture;

use aws_fixture::*;

#[test]
fn describe_security_groups() {
    let mut w = World::new();
    insta::assert_json_snapshot!(w.ok(&format!(
        "aws ec2 describe-security-groups --filters Name=vpc-id,Values={MAIN_VPC}"
    )));
}

#[test]
fn describe_security_group_rules() {
    let mut w = World::new();
    insta::assert_json_snapshot!(w.ok(&format!(
        "aws ec2 describe-security-group-rules --filters Name=group-id,Values={WEB_SG},{DB_SG},{MAIN_DEFAULT_SG}"
    )));
}

#[test]
fn describe_network_acls() {
    let mut w = World::new();
    insta::assert_json_snapshot!(w.ok(&format!(
        "aws ec2 describe-network-acls --filters Name=vpc-id,Values={MAIN_VPC}"
    )));
}
