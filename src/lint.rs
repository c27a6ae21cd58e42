//! Proving bank content: every scenario's starting state fails at least one goal and its
//! solution, run command by command, passes every goal; question files are well-formed.
//! Used by `ec2-tutor lint` and by the test suite.

use crate::scenario::load::{Diagnostic, LoadError};
use crate::scenario::Scenario;
use crate::session::{Output, Session};
use std::sync::Arc;

/// The seed lint uses for runs.
pub const LINT_SEED: u64 = 0;

/// Runs a scenario's start and solution; returns the problems (empty = proven).
pub fn prove(s: &Arc<Scenario>) -> Vec<Diagnostic> {
    let mut d = Vec::new();
    let mut session = match Session::new(s.clone(), LINT_SEED) {
        Ok(x) => x,
        Err(e) => {
            d.push(Diagnostic {
                line: 0,
                col: 0,
                message: e,
            });
            return d;
        }
    };
    let start = session.grade();
    if start.iter().all(|g| g.met) {
        d.push(Diagnostic {
            line: 0,
            col: 0,
            message: "the starting state already meets every goal: there is nothing to do".into(),
        });
    }
    if s.solution.is_empty() {
        return d;
    }
    for (line, cmd) in &s.solution {
        let out = session.execute(cmd);
        if let Output::AwsError(_) | Output::Error(_) = &out {
            let msg =
                crate::render::text::render(&out, crate::render::text::Style::PLAIN, session.clock);
            d.push(Diagnostic {
                line: *line as u64,
                col: 1,
                message: format!("solution command fails: {msg}"),
            });
        }
    }
    for (g, r) in s.goals.iter().zip(session.grade()) {
        if !r.met {
            d.push(Diagnostic {
                line: 0,
                col: 0,
                message: format!(
                    "after the solution, goal '{}' is not met: {}",
                    g.id, r.detail
                ),
            });
        }
    }
    d
}

/// Proves every variant of a scenario (each combination of its parameters).
pub fn prove_variants(s: &Arc<Scenario>) -> Vec<Diagnostic> {
    if s.variants <= 1 {
        return prove(s);
    }
    let mut out = Vec::new();
    for v in 0..s.variants {
        match s.instantiate(v) {
            Ok(x) => {
                let label: Vec<String> = x
                    .parameters
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                for mut d in prove(&Arc::new(x)) {
                    d.message = format!("variant {v} ({}): {}", label.join(", "), d.message);
                    out.push(d);
                }
            }
            Err(e) => out.extend(e.diagnostics.into_iter().map(|mut d| {
                d.message = format!("variant {v}: {}", d.message);
                d
            })),
        }
    }
    out
}

/// Proves a loaded scenario (all its variants) into a LoadError (None when clean).
pub fn prove_file(path: &str, s: &Arc<Scenario>) -> Option<LoadError> {
    let d = prove_variants(s);
    if d.is_empty() {
        None
    } else {
        Some(LoadError {
            path: path.to_string(),
            diagnostics: d,
        })
    }
}
