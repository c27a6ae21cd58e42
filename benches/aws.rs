//! A 1,000-command AWS script through `Session::execute` (the path `check` takes), on the
//! sandbox account: create groups, authorize, describe, revoke, ACL entries. The issue asks
//! for at most 1 ms per command.

use criterion::{criterion_group, criterion_main, Criterion};
use ec2_tutor::scenario::sandbox_scenario;
use ec2_tutor::session::Session;
use std::sync::Arc;

fn script(sg: &str, acl: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for i in 0..100 {
        let port = 1000 + i;
        lines.extend([
            format!("aws ec2 authorize-security-group-ingress --group-id {sg} --protocol tcp --port {port} --cidr 10.{i}.0.0/16"),
            format!("aws ec2 authorize-security-group-ingress --group-id {sg} --protocol tcp --port {port} --cidr 10.{i}.0.0/16"),
            format!("aws ec2 describe-security-groups --group-ids {sg}"),
            format!("aws ec2 describe-security-group-rules --filters Name=group-id,Values={sg} --output table"),
            format!("aws ec2 revoke-security-group-ingress --group-id {sg} --protocol tcp --port {port} --cidr 10.{i}.0.0/16"),
            format!("aws ec2 create-network-acl-entry --network-acl-id {acl} --ingress --rule-number {} --protocol tcp --port-range From={port},To={port} --cidr-block 0.0.0.0/0 --rule-action deny", 10 + i),
            format!("aws ec2 describe-network-acls --network-acl-ids {acl}"),
            format!("aws ec2 delete-network-acl-entry --network-acl-id {acl} --ingress --rule-number {}", 10 + i),
            format!("aws ec2 create-security-group --group-name g{i} --description bench"),
            "aws ec2 describe-vpcs --query Vpcs[0].VpcId".to_string(),
        ]);
    }
    lines
}

fn thousand_commands(c: &mut Criterion) {
    let scenario = Arc::new(sandbox_scenario());
    let base = match Session::new(scenario.clone(), 1) {
        Ok(s) => s,
        Err(e) => panic!("sandbox: {e}"),
    };
    let sg = base
        .account
        .security_groups
        .first()
        .map(|g| g.id.clone())
        .unwrap_or_default();
    let acl = base
        .account
        .network_acls
        .first()
        .map(|a| a.id.clone())
        .unwrap_or_default();
    let lines = script(&sg, &acl);
    assert_eq!(lines.len(), 1000);
    c.bench_function("aws: 1000-command script via Session::execute", |b| {
        b.iter(|| {
            let mut s = match Session::new(scenario.clone(), 1) {
                Ok(s) => s,
                Err(e) => panic!("sandbox: {e}"),
            };
            for l in &lines {
                std::hint::black_box(s.execute(l));
            }
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = thousand_commands
}
criterion_main!(benches);
