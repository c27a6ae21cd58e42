//! Engine benchmarks (criterion): one decision on a maximal interface with and without the
//! trace; the exposure set of one instance; grading an account at default quotas.

use criterion::{criterion_group, criterion_main, Criterion};
use ec2_tutor::model::*;
use ec2_tutor::net::compile::Compiled;
use ec2_tutor::net::endpoint::resolve_endpoint;
use ec2_tutor::net::exposure::exposure;
use ec2_tutor::net::flow::{FlowSpec, Packet};
use ec2_tutor::net::types::{Os, Ports, Protocol};
use ec2_tutor::scenario::{AllowRef, FlowRef, Goal, GoalKind};
use ipnet::{IpNet, Ipv4Net};
use std::hint::black_box;
use std::net::Ipv4Addr;

/// A small deterministic generator (no global RNG).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn rule(r: &mut Lcg, id: usize, groups: usize) -> SgRule {
    let port = [22u16, 80, 443, 3306, 5432, 8080, 9000][r.below(7) as usize];
    let peer = if r.below(5) == 0 && groups > 0 {
        Peer::Group(format!("sg-{:017x}", r.below(groups as u64)))
    } else {
        let a = Ipv4Addr::new(
            10 + r.below(200) as u8,
            r.below(256) as u8,
            r.below(256) as u8,
            0,
        );
        Peer::Cidr(IpNet::V4(
            Ipv4Net::new(a, 16 + r.below(17) as u8).unwrap().trunc(),
        ))
    };
    SgRule {
        id: format!("sgr-{id:017x}"),
        protocol: Protocol::Tcp,
        ports: Ports::Range(port, port + r.below(10) as u16),
        peer,
        description: None,
    }
}

fn acl_entries(r: &mut Lcg, per_direction: u16) -> Vec<AclEntry> {
    let last = per_direction - 1;
    let mut out = Vec::new();
    for egress in [false, true] {
        for n in 0..per_direction {
            let a = Ipv4Addr::new(r.below(224) as u8, r.below(256) as u8, 0, 0);
            out.push(AclEntry {
                rule_number: 10 + n * 10,
                egress,
                action: if n == last || r.below(3) != 0 {
                    RuleAction::Allow
                } else {
                    RuleAction::Deny
                },
                protocol: if n == last {
                    Protocol::All
                } else {
                    Protocol::Tcp
                },
                ports: if n == last {
                    Ports::All
                } else {
                    Ports::Range(1024 + (n % 20) * 100, 65535)
                },
                cidr: if n == last {
                    "0.0.0.0/0".parse().unwrap()
                } else {
                    IpNet::V4(Ipv4Net::new(a, 8 + r.below(17) as u8).unwrap().trunc())
                },
            });
        }
    }
    out
}

/// An account of the given size: `groups` groups of `rules` rules each direction, `instances`
/// instances with `per` groups each, `acls` ACLs of 20 entries per direction.
fn account(groups: usize, rules: usize, instances: usize, per: usize, acls: usize) -> Account {
    account_with(groups, rules, instances, per, acls, 20)
}

/// As [`account`], with `entries` ACL entries per direction.
fn account_with(
    groups: usize,
    rules: usize,
    instances: usize,
    per: usize,
    acls: usize,
    entries: u16,
) -> Account {
    let mut r = Lcg(42);
    let mut a = Account::default();
    let vpc = "vpc-00000000000000001".to_string();
    a.vpcs.push(Vpc {
        id: vpc.clone(),
        name: Some("main".into()),
        cidr: "10.0.0.0/8".parse().unwrap(),
        is_default: false,
        tenancy: Tenancy::Default,
    });
    a.internet_gateways.push(InternetGateway {
        id: "igw-00000000000000001".into(),
        vpc_id: Some(vpc.clone()),
    });
    for i in 0..acls {
        a.network_acls.push(NetworkAcl {
            id: format!("acl-{i:017x}"),
            name: None,
            vpc_id: vpc.clone(),
            is_default: i == 0,
            entries: acl_entries(&mut r, entries),
        });
    }
    let subnets = acls.max(1);
    for i in 0..subnets {
        a.subnets.push(Subnet {
            id: format!("subnet-{i:017x}"),
            name: Some(format!("s{i}")),
            vpc_id: vpc.clone(),
            cidr: Ipv4Net::new(Ipv4Addr::new(10, i as u8, 0, 0), 16).unwrap(),
            availability_zone: "us-east-1a".into(),
            route_internet: InternetRoute::Igw,
            route_table_id: format!("rtb-{i:017x}"),
            nat_gateway_id: None,
            network_acl_id: format!("acl-{i:017x}"),
            acl_association_id: format!("aclassoc-{i:017x}"),
        });
    }
    let mut n = 0;
    for g in 0..groups {
        let ingress = (0..rules)
            .map(|_| {
                n += 1;
                rule(&mut r, n, groups)
            })
            .collect();
        let egress = (0..rules)
            .map(|_| {
                n += 1;
                rule(&mut r, n, groups)
            })
            .collect();
        a.security_groups.push(SecurityGroup {
            id: format!("sg-{g:017x}"),
            name: format!("g{g}"),
            description: "bench".into(),
            vpc_id: vpc.clone(),
            ingress,
            egress,
        });
    }
    for i in 0..instances {
        let s = i % subnets;
        let sgs = (0..per)
            .map(|k| format!("sg-{:017x}", (i * 7 + k * 13) % groups))
            .collect();
        a.instances.push(Instance {
            id: format!("i-{i:017x}"),
            name: Some(format!("i{i}")),
            subnet_id: format!("subnet-{s:017x}"),
            vpc_id: vpc.clone(),
            eni_id: format!("eni-{i:017x}"),
            private_ip: Ipv4Addr::new(10, s as u8, (i / 250) as u8, (i % 250 + 4) as u8),
            public_ip: Some(Ipv4Addr::new(54, (i / 250) as u8, (i % 250) as u8, 1)),
            security_groups: sgs,
            instance_type: "t3.micro".into(),
            image_id: "ami-00000000000000001".into(),
            tenancy: Tenancy::Default,
            platform: Os::Linux,
            state: InstanceState::Running,
            root_device: RootDevice::Ebs,
            key_name: None,
            iam_instance_profile: None,
            http_tokens: HttpTokens::Optional,
            ssm_agent: true,
            user_data: String::new(),
            details: Default::default(),
        });
    }
    a
}

fn decisions(c: &mut Criterion) {
    // A maximal interface: 5 groups × 60 rules, 20-entry ACLs on both sides.
    let acct = account(5, 60, 2, 5, 2);
    let comp = Compiled::new(&acct);
    let spec = FlowSpec {
        from: resolve_endpoint(&acct, "i0").unwrap(),
        to: resolve_endpoint(&acct, "i1").unwrap(),
        protocol: Protocol::Tcp,
        ports: Ports::Range(443, 443),
        src_ports: None,
    };
    let path = comp.path(&spec).unwrap();
    let src = u32::from(acct.instances[0].private_ip);
    let dst = u32::from(acct.instances[1].private_ip);
    let pkts: Vec<Packet> = (0..64u16)
        .map(|k| Packet {
            src,
            dst,
            proto: 6,
            sport: 32768 + k * 97,
            dport: [22, 80, 443, 3306, 5432, 8080, 9000, 9005][(k % 8) as usize],
        })
        .collect();
    c.bench_function(
        "decision (5 groups x 60 rules, 20-entry ACLs), no trace",
        |b| {
            let mut i = 0;
            b.iter(|| {
                i = (i + 1) & 63;
                black_box(path.decide(black_box(&pkts[i])))
            })
        },
    );
    c.bench_function(
        "decision (5 groups x 60 rules, 20-entry ACLs), with trace",
        |b| {
            let mut i = 0;
            b.iter(|| {
                i = (i + 1) & 63;
                black_box(path.trace(&comp, black_box(&pkts[i])))
            })
        },
    );
    c.bench_function("exposure set of one instance (5 groups x 60 rules)", |b| {
        b.iter(|| {
            let comp = Compiled::new(&acct);
            black_box(exposure(&comp, 1))
        })
    });
}

/// 50 flow goals (half from the internet, half between instances) and 20 exposure goals over
/// an account of `n` instances.
fn goals(n: usize) -> Vec<Goal> {
    let mut goals = Vec::new();
    for k in 0..50 {
        let (from, to) = if k % 2 == 0 {
            ("internet".to_string(), format!("i{}", k * 37 % n))
        } else {
            (format!("i{}", k * 13 % n), format!("i{}", k * 71 % n))
        };
        goals.push(Goal {
            id: format!("f{k}"),
            text: String::new(),
            kind: GoalKind::Flow {
                flow: FlowRef {
                    from,
                    to,
                    protocol: Protocol::Tcp,
                    ports: Ports::Range(443, 443),
                },
                expect_allow: true,
            },
        });
    }
    for k in 0..20 {
        goals.push(Goal {
            id: format!("e{k}"),
            text: String::new(),
            kind: GoalKind::Exposure {
                to: format!("i{}", k * 97 % n),
                allow_only: vec![AllowRef {
                    protocol: Protocol::Tcp,
                    ports: Ports::Range(443, 443),
                    from: "0.0.0.0/0".into(),
                }],
            },
        });
    }
    goals
}

fn peak_memory(what: &str) {
    if let Ok(s) = std::fs::read_to_string("/proc/self/status") {
        if let Some(l) = s.lines().find(|l| l.starts_with("VmHWM")) {
            eprintln!(
                "peak resident memory of the benchmark process after {what}: {}",
                l.trim_start_matches("VmHWM:").trim()
            );
        }
    }
}

fn quota_account(c: &mut Criterion) {
    // Default quotas: 2,000 instances, 500 groups × 60 rules, 5 groups each, 20 ACLs × 20 entries.
    let acct = account(500, 60, 2000, 5, 20);
    let goals = goals(2000);
    let mut g = c.benchmark_group("quota account");
    g.sample_size(10);
    g.bench_function(
        "grade 50 flow + 20 exposure goals (2,000 instances, 500 groups x 60 rules)",
        |b| b.iter(|| black_box(ec2_tutor::scenario::grade::grade(&acct, &[], &goals))),
    );
    g.finish();
    peak_memory("the default-quota account");
}

fn raised_decisions(c: &mut Criterion) {
    // Raised quotas on one interface: 16 groups × 62 rules (992 ≤ 1,000 rules per interface)
    // each way, 40-entry ACLs per direction on both subnets.
    let acct = account_with(16, 62, 2, 16, 2, 40);
    let comp = Compiled::new(&acct);
    let spec = FlowSpec {
        from: resolve_endpoint(&acct, "i0").unwrap(),
        to: resolve_endpoint(&acct, "i1").unwrap(),
        protocol: Protocol::Tcp,
        ports: Ports::Range(443, 443),
        src_ports: None,
    };
    let path = comp.path(&spec).unwrap();
    let src = u32::from(acct.instances[0].private_ip);
    let dst = u32::from(acct.instances[1].private_ip);
    let pkts: Vec<Packet> = (0..64u16)
        .map(|k| Packet {
            src: src ^ u32::from(k % 4),
            dst,
            proto: 6,
            sport: 32768 + k * 97,
            dport: [22, 80, 443, 3306, 5432, 8080, 9000, 9005][(k % 8) as usize],
        })
        .collect();
    let mut g = c.benchmark_group("raised quotas");
    g.bench_function(
        "decision (16 groups x 62 rules, 40-entry ACLs), no trace",
        |b| {
            let mut i = 0;
            b.iter(|| {
                i = (i + 1) & 63;
                black_box(path.decide(black_box(&pkts[i])))
            })
        },
    );
    g.bench_function(
        "decision (16 groups x 62 rules, 40-entry ACLs), with trace",
        |b| {
            let mut i = 0;
            b.iter(|| {
                i = (i + 1) & 63;
                black_box(path.trace(&comp, black_box(&pkts[i])))
            })
        },
    );
    g.bench_function("exposure set of one instance (16 groups x 62 rules)", |b| {
        b.iter(|| {
            let comp = Compiled::new(&acct);
            black_box(exposure(&comp, 1))
        })
    });
    g.finish();
}

fn raised_account(c: &mut Criterion) {
    // 5,000 instances with 16 groups each, 2,500 groups × 62 rules, 40 ACLs × 40 entries.
    let acct = account_with(2500, 62, 5000, 16, 40, 40);
    let goals = goals(5000);
    let mut g = c.benchmark_group("raised account");
    g.sample_size(10);
    g.bench_function(
        "grade 50 flow + 20 exposure goals (5,000 instances x 16 groups, 2,500 groups x 62 rules)",
        |b| b.iter(|| black_box(ec2_tutor::scenario::grade::grade(&acct, &[], &goals))),
    );
    g.finish();
    peak_memory("the 5,000-instance account");
}

criterion_group!(
    benches,
    decisions,
    quota_account,
    raised_decisions,
    raised_account
);
criterion_main!(benches);
