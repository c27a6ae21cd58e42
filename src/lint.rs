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

/// Proves a loaded scenario into a LoadError (None when clean).
pub fn prove_file(path: &str, s: &Arc<Scenario>) -> Option<LoadError> {
    let d = prove(s);
    if d.is_empty() {
        None
    } else {
        Some(LoadError {
            path: path.to_string(),
            diagnostics: d,
        })
    }
}
