//! Probe traces a learner reads: for every flow goal of every built-in scenario, the probe at
//! the starting state, rendered as text, is an insta snapshot. So is `explain` after it.

use ec2_tutor::bank;
use ec2_tutor::render::text::{render, Style};
use ec2_tutor::scenario::GoalKind;
use ec2_tutor::session::Session;

#[test]
fn starting_state_probe_traces() {
    let bank = bank::load(&[]).expect("the built-in bank loads");
    for s in &bank.scenarios {
        let mut session = Session::new(s.clone(), 0).unwrap();
        let mut out = String::new();
        for g in &s.goals {
            if let GoalKind::Flow { flow, .. } = &g.kind {
                let cmd = format!(
                    "probe --from {} --to {} --protocol {} --port {}",
                    flow.from,
                    flow.to,
                    flow.protocol,
                    flow.ports.describe(flow.protocol).replace("any", "-1")
                );
                out.push_str(&format!(
                    "$ {cmd}\n{}\n\n",
                    render(&session.execute(&cmd), Style::PLAIN, 0)
                ));
            }
        }
        out.push_str(&format!(
            "$ explain\n{}\n",
            render(&session.execute("explain"), Style::PLAIN, 0)
        ));
        insta::assert_snapshot!(format!("probe-{}", s.id), out);
    }
}
