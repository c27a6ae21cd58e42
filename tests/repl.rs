//! REPL transcripts, driven through the same `Repl`/`Session` API as the terminal, with no
//! terminal: a full scenario (enter, fail a goal, hint, fix, pass), completion and hints.

use ec2_tutor::bank;
use ec2_tutor::render::text::Style;
use ec2_tutor::repl::{complete, hint, transcript, Names, Repl};
use ec2_tutor::session::Session;

fn repl(id: &str) -> Repl {
    let b = bank::load(&[]).unwrap();
    Repl::new(
        Session::new(b.scenario(id).unwrap(), 0).unwrap(),
        Style::PLAIN,
        0,
    )
}

#[test]
fn a_full_scenario_fail_hint_fix_pass() {
    let mut r = repl("sg-stateful-replies");
    let t = transcript(
        &mut r,
        &[
            "goals",
            "aws ec2 authorize-security-group-ingress --group-id sg-0c5f96e75c454fa23 --protocol tcp --port 443 --cidr 0.0.0.0/0",
            "aws ec2 authorize-security-group-egress --group-id sg-0c5f96e75c454fa23 --protocol tcp --port 1024-65535 --cidr 0.0.0.0/0",
            "check",
            "hint",
            "hint",
            "undo",
            "aws ec2 revoke-security-group-egress --group-id sg-0c5f96e75c454fa23 --ip-permissions IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]",
            "probe --from internet --to web --protocol tcp --port 443",
            "check",
            "quit",
        ],
    );
    insta::assert_snapshot!("full-scenario", t);
}

#[test]
fn a_connection_tracking_session() {
    let mut r = repl("conntrack-cut-session");
    let t = transcript(
        &mut r,
        &[
            "connections",
            "aws ec2 revoke-security-group-ingress --group-id sg-00342ea36a7b8c57c --protocol tcp --port 22 --cidr 198.51.100.0/24",
            "connections",
            "wait 1h",
            "connections",
            "aws ec2 create-network-acl-entry --network-acl-id acl-00c4d292cf6312de7 --ingress --rule-number 50 --protocol tcp --port-range From=22,To=22 --cidr-block 198.51.100.0/24 --rule-action deny",
            "connections",
            "goals",
            "explain",
            "map",
            "frobnicate",
            "aws ec2 autorize-security-group-ingress",
        ],
    );
    insta::assert_snapshot!("conntrack-session", t);
}

#[test]
fn completion_offers_commands_flags_values_and_ids() {
    let b = bank::load(&[]).unwrap();
    let s = Session::new(b.scenario("sg-least-privilege").unwrap(), 0).unwrap();
    let names = Names::of(&s);
    let words = |line: &str| {
        complete(line, line.len(), &names)
            .1
            .into_iter()
            .map(|p| p.replacement)
            .collect::<Vec<_>>()
    };
    assert!(words("pro").contains(&"probe".to_string()));
    assert!(words("aws ec2 authorize-security-group-i")
        .contains(&"authorize-security-group-ingress".to_string()));
    assert!(
        words("aws ec2 authorize-security-group-ingress --pro").contains(&"--protocol".to_string())
    );
    assert_eq!(
        words("probe --from web --to bastion --protocol ic"),
        vec!["icmp", "icmpv6"]
    );
    let groups = complete(
        "ec2 authorize-security-group-ingress --group-id sg-",
        51,
        &names,
    )
    .1;
    assert!(
        groups.iter().any(|p| p.display.contains("(web-sg)")),
        "{:?}",
        groups.iter().map(|p| &p.display).collect::<Vec<_>>()
    );
    assert!(words("probe --from ").contains(&"internet".to_string()));
    assert_eq!(hint("prob").as_deref(), Some("e"));
    assert_eq!(
        hint("probe --from web ").as_deref(),
        Some("--to B --protocol P")
    );
}
