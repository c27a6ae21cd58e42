//! The bank: built-in scenarios and questions embedded in the binary, plus files from
//! `--bank DIR` on top (a file with the same id overrides).

use crate::quiz::question::{load_questions, Question};
use crate::scenario::load::{load_scenario, LoadError, MAX_FILE_BYTES};
use crate::scenario::Scenario;
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/bank.rs"));
}

/// The built-in scenario files: (path, text).
pub fn builtin_scenarios() -> &'static [(&'static str, &'static str)] {
    embedded::SCENARIOS
}

/// The built-in question files: (path, text).
pub fn builtin_questions() -> &'static [(&'static str, &'static str)] {
    embedded::QUESTIONS
}

#[derive(Default)]
pub struct Bank {
    pub scenarios: Vec<Arc<Scenario>>,
    pub questions: Vec<Question>,
}

/// Whether a YAML file holds questions (a top-level list) rather than a scenario.
pub fn is_question_file(path: &Path, text: &str) -> bool {
    if path.components().any(|c| c.as_os_str() == "questions") {
        return true;
    }
    text.lines()
        .map(str::trim_start)
        .find(|l| !l.is_empty() && !l.starts_with('#') && *l != "---")
        .is_some_and(|l| l.starts_with('-'))
}

/// `.yaml` files in a directory and its `scenarios/` and `questions/` folders, sorted.
pub fn yaml_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    for sub in ["scenarios", "questions"] {
        let d = dir.join(sub);
        if d.is_dir() {
            dirs.push(d);
        }
    }
    for d in dirs {
        for e in std::fs::read_dir(&d)? {
            let p = e?.path();
            if p.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                out.push(p);
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Reads a bank file, refusing one over [`MAX_FILE_BYTES`] without reading it all (a
/// multi-gigabyte file is turned down as fast as a small one).
pub fn read_file(path: &Path) -> Result<String, LoadError> {
    use std::io::Read;
    let p = path.display().to_string();
    let too_big = |size: u64| {
        LoadError::at(
            &p,
            0,
            0,
            format!("file is {size} bytes; the limit is {MAX_FILE_BYTES} bytes"),
        )
    };
    let file = std::fs::File::open(path).map_err(|e| LoadError::io(&p, &e))?;
    if let Ok(m) = file.metadata() {
        if m.len() > MAX_FILE_BYTES as u64 {
            return Err(too_big(m.len()));
        }
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| LoadError::io(&p, &e))?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        LoadError::at(&p, line, 0, "the file is not UTF-8 text")
    })
}

fn add_scenario(bank: &mut Bank, s: Scenario) {
    let s = Arc::new(s);
    match bank.scenarios.iter().position(|x| x.id == s.id) {
        Some(i) => bank.scenarios[i] = s,
        None => bank.scenarios.push(s),
    }
}

fn add_questions(bank: &mut Bank, qs: Vec<Question>) {
    for q in qs {
        match bank.questions.iter().position(|x| x.id == q.id) {
            Some(i) => bank.questions[i] = q,
            None => bank.questions.push(q),
        }
    }
}

/// Loads the built-in bank and every `--bank` directory. Errors name every bad file.
pub fn load(extra: &[PathBuf]) -> Result<Bank, Vec<LoadError>> {
    load_parts(extra, true)
}

/// Loads the scenarios only (what `play` and `check` need: faster start).
pub fn load_scenarios(extra: &[PathBuf]) -> Result<Bank, Vec<LoadError>> {
    load_parts(extra, false)
}

fn load_parts(extra: &[PathBuf], with_questions: bool) -> Result<Bank, Vec<LoadError>> {
    let mut bank = Bank::default();
    let mut errors = Vec::new();
    // The built-in questions load on a second thread while the scenarios load here: start-up
    // time is the longer of the two, not their sum.
    let builtin_qs = std::thread::scope(|scope| {
        let qs = with_questions.then(|| {
            scope.spawn(|| {
                builtin_questions()
                    .iter()
                    .map(|(path, text)| load_questions(&format!("builtin:{path}"), text))
                    .collect::<Vec<_>>()
            })
        });
        for (path, text) in builtin_scenarios() {
            match load_scenario(&format!("builtin:{path}"), text, true) {
                Ok(s) => add_scenario(&mut bank, s),
                Err(e) => errors.push(e),
            }
        }
        qs.map(|h| h.join().unwrap_or_default()).unwrap_or_default()
    });
    for r in builtin_qs {
        match r {
            Ok(q) => add_questions(&mut bank, q),
            Err(e) => errors.push(e),
        }
    }
    for dir in extra {
        let files = match yaml_files(dir) {
            Ok(f) => f,
            Err(e) => {
                errors.push(LoadError::io(&dir.display().to_string(), &e));
                continue;
            }
        };
        for f in files {
            let p = f.display().to_string();
            let text = match read_file(&f) {
                Ok(t) => t,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            if is_question_file(&f, &text) {
                if !with_questions {
                    continue;
                }
                match load_questions(&p, &text) {
                    Ok(q) => add_questions(&mut bank, q),
                    Err(e) => errors.push(e),
                }
            } else {
                match load_scenario(&p, &text, false) {
                    Ok(s) => add_scenario(&mut bank, s),
                    Err(e) => errors.push(e),
                }
            }
        }
    }
    if errors.is_empty() {
        bank.scenarios.sort_by(|a, b| {
            let ta = crate::scenario::TOPICS.iter().position(|t| *t == a.topic);
            let tb = crate::scenario::TOPICS.iter().position(|t| *t == b.topic);
            (ta, a.difficulty, &a.id).cmp(&(tb, b.difficulty, &b.id))
        });
        Ok(bank)
    } else {
        Err(errors)
    }
}

impl Bank {
    pub fn scenario(&self, id: &str) -> Option<Arc<Scenario>> {
        self.scenarios.iter().find(|s| s.id == id).cloned()
    }
}
