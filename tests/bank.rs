//! The bank proves itself: every built-in scenario loads as a bank file, its starting state
//! fails at least one goal, and its solution — run command by command through the session —
//! passes every goal. Every question file is well-formed; ids are unique.

use ec2_tutor::bank;
use ec2_tutor::lint::prove_variants;
use std::collections::HashSet;
use std::sync::Arc;

#[test]
fn every_scenario_fails_at_start_and_passes_with_its_solution() {
    let files = bank::builtin_scenarios();
    assert!(files.len() >= 6, "the bank has at least six scenarios");
    let mut ids = HashSet::new();
    let mut failures = Vec::new();
    for (path, text) in files {
        let s = match ec2_tutor::scenario::load::load_scenario(path, text, true) {
            Ok(s) => s,
            Err(e) => {
                failures.push(e.to_string());
                continue;
            }
        };
        assert!(
            ids.insert(s.id.clone()),
            "scenario id {} is used twice",
            s.id
        );
        assert_eq!(
            format!("scenarios/{}.yaml", s.id),
            *path,
            "a scenario's file is named by its id"
        );
        let problems = prove_variants(&Arc::new(s));
        for p in problems {
            failures.push(format!("{path}:{}: {}", p.line, p.message));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn the_whole_bank_loads() {
    let b = bank::load(&[]).unwrap_or_else(|e| {
        panic!(
            "{}",
            e.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    let mut ids = HashSet::new();
    for q in &b.questions {
        assert!(
            ids.insert(q.id.clone()),
            "question id {} is used twice",
            q.id
        );
        if q.generator.is_some() {
            continue;
        }
        assert_eq!(
            q.choices.iter().filter(|c| c.correct).count(),
            q.choose,
            "{}",
            q.id
        );
        assert!(
            q.choices.iter().all(|c| !c.why.trim().is_empty()),
            "{}",
            q.id
        );
    }
}
