//! `record`: a session becomes a scenario draft that loads and proves as it stands.

use ec2_tutor::bank;
use ec2_tutor::lint::prove;
use ec2_tutor::scenario::load::load_scenario;
use ec2_tutor::session::Session;
use std::sync::Arc;

#[test]
fn a_recorded_session_is_a_provable_draft() {
    let b = bank::load(&[]).unwrap();
    let mut s = Session::new(b.scenario("sg-stateful-replies").unwrap(), 0).unwrap();
    let start = s.account.clone();
    for line in [
        "probe --from internet --to web --protocol tcp --port 443",
        "aws ec2 authorize-security-group-ingress --group-id sg-0c5f96e75c454fa23 --protocol tcp --port 443 --cidr 0.0.0.0/0",
        "aws ec2 describe-security-groups",
        "probe --from internet --to web --protocol tcp --port 22",
        "probe --from internet --to web --protocol tcp --port 443",
    ] {
        s.execute(line);
    }
    let draft = ec2_tutor::record::draft("drafted", &start, &s);
    let sc = load_scenario("draft.yaml", &draft, true).unwrap_or_else(|e| panic!("{e}\n{draft}"));
    assert_eq!(sc.goals.len(), 2);
    assert_eq!(sc.goals[0].id, "flow-1");
    assert!(
        sc.goals[0].text.contains("reaches web tcp 443"),
        "{}",
        sc.goals[0].text
    );
    assert_eq!(
        sc.solution.len(),
        1,
        "only the command that changed the account"
    );
    assert!(prove(&Arc::new(sc)).is_empty());
}
