//! The REPL: rustyline reads lines (history, Tab completion, greyed hints, `\` continuation,
//! Ctrl-C cancels a line, Ctrl-D leaves); [`Repl::handle`] does the work through
//! `Session::execute` and returns the text to show, so transcripts are testable without a
//! terminal. With piped standard input the REPL echoes each prompt and line itself.

use crate::aws::spec::{self as aws_spec, Kind};
use crate::render::text::{self, clean, Style};
use crate::session::{Output, Session, AWS_SERVICES, TUTOR_COMMANDS};
use crate::store::{Attempt, Store};
use rustyline::completion::{Completer, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};
use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

/// What the completer knows of the account: (id, Name, kind).
#[derive(Default, Clone)]
pub struct Names {
    pub resources: Vec<(String, String, &'static str)>,
    pub endpoints: Vec<String>,
}

impl Names {
    pub fn of(session: &Session) -> Names {
        let a = &session.account;
        let mut r: Vec<(String, String, &'static str)> = Vec::new();
        for v in &a.vpcs {
            r.push((v.id.clone(), v.name.clone().unwrap_or_default(), "vpc"));
        }
        for s in &a.subnets {
            r.push((s.id.clone(), s.name.clone().unwrap_or_default(), "subnet"));
        }
        for g in &a.security_groups {
            r.push((g.id.clone(), g.name.clone(), "sg"));
        }
        for n in &a.network_acls {
            r.push((
                n.id.clone(),
                n.name.clone().unwrap_or_else(|| {
                    if n.is_default {
                        "default".into()
                    } else {
                        String::new()
                    }
                }),
                "acl",
            ));
        }
        for s in &a.subnets {
            r.push((
                s.acl_association_id.clone(),
                s.name.clone().unwrap_or_default(),
                "aclassoc",
            ));
        }
        for i in &a.instances {
            r.push((i.id.clone(), i.label().to_string(), "i"));
            r.push((i.eni_id.clone(), i.label().to_string(), "eni"));
        }
        let mut e: Vec<String> = a.instances.iter().map(|i| i.label().to_string()).collect();
        e.extend(a.hosts.iter().map(|h| h.name.clone()));
        e.push("internet".into());
        Names {
            resources: r,
            endpoints: e,
        }
    }
}

/// Values a flag takes, by flag name.
fn flag_values(flag: &str, names: &Names) -> Vec<(String, String)> {
    let fixed = |v: &[&str]| v.iter().map(|s| (s.to_string(), s.to_string())).collect();
    let ids = |kind: &str| {
        names
            .resources
            .iter()
            .filter(|(_, _, k)| *k == kind)
            .map(|(id, name, _)| {
                (
                    if name.is_empty() {
                        id.clone()
                    } else {
                        format!("{id} ({name})")
                    },
                    id.clone(),
                )
            })
            .collect()
    };
    match flag {
        "protocol" | "ip-protocol" => fixed(&["tcp", "udp", "icmp", "icmpv6", "all", "-1"]),
        "rule-action" => fixed(&["allow", "deny"]),
        "output" => fixed(&["json", "table", "text"]),
        "tenancy" | "instance-tenancy" => fixed(&["default", "dedicated", "host"]),
        "from" | "to" => names
            .endpoints
            .iter()
            .map(|e| (e.clone(), e.clone()))
            .collect(),
        "group-id" | "source-group" | "groups" | "group-ids" => ids("sg"),
        "instance-id" | "instance-ids" => ids("i"),
        "network-acl-id" => ids("acl"),
        "association-id" => ids("aclassoc"),
        "subnet-id" => ids("subnet"),
        "vpc-id" => ids("vpc"),
        "network-interface-id" => ids("eni"),
        _ => vec![],
    }
}

/// Completion and hints: one table (tutor commands + the AWS command table) drives both.
pub struct TutorHelper {
    pub names: Rc<RefCell<Names>>,
    pub color: bool,
}

/// The flags a command takes: (name, takes a value).
fn command_flags(words: &[&str]) -> Vec<(String, bool)> {
    let Some(first) = words.first() else {
        return vec![];
    };
    if let Some(t) = TUTOR_COMMANDS.iter().find(|c| c.name == *first) {
        return t
            .usage
            .split_whitespace()
            .filter_map(|w| w.trim_start_matches('[').strip_prefix("--"))
            .map(|f| (f.trim_end_matches(']').to_string(), true))
            .collect();
    }
    let rest: Vec<&str> = if *first == "aws" {
        words[1..].to_vec()
    } else {
        words.to_vec()
    };
    match rest.as_slice() {
        [svc, cmd, ..] => match aws_spec::find(svc, cmd) {
            Some(c) => {
                let mut v: Vec<(String, bool)> = c
                    .flags
                    .iter()
                    .map(|f| (f.name.to_string(), !matches!(f.kind, Kind::Bool { .. })))
                    .collect();
                for f in c.flags {
                    if let Kind::Bool { negative } = f.kind {
                        if !negative.is_empty() {
                            v.push((negative.to_string(), false));
                        }
                    }
                }
                v.extend([("output".to_string(), true), ("query".to_string(), true)]);
                v
            }
            None => vec![],
        },
        _ => vec![],
    }
}

/// The candidates for the word being typed, with the byte where it starts.
pub fn complete(line: &str, pos: usize, names: &Names) -> (usize, Vec<Pair>) {
    let upto = &line[..pos];
    let start = upto.rfind(char::is_whitespace).map(|i| i + 1).unwrap_or(0);
    let word = &upto[start..];
    let before: Vec<&str> = upto[..start].split_whitespace().collect();
    let pair = |d: String, r: String| Pair {
        display: d,
        replacement: r,
    };
    let mut out: Vec<Pair> = Vec::new();
    let svc_words: Vec<&str> = if before.first() == Some(&"aws") {
        before[1..].to_vec()
    } else {
        before.clone()
    };
    if before.is_empty() {
        for c in TUTOR_COMMANDS {
            out.push(pair(c.name.into(), c.name.into()));
        }
        out.push(pair("aws".into(), "aws".into()));
        for s in AWS_SERVICES {
            out.push(pair(s.to_string(), s.to_string()));
        }
    } else if before == ["aws"] {
        for s in aws_spec::services() {
            out.push(pair(s.to_string(), s.to_string()));
        }
    } else if svc_words.len() == 1 && AWS_SERVICES.contains(&svc_words[0]) {
        for c in aws_spec::commands()
            .iter()
            .filter(|c| c.service == svc_words[0])
        {
            out.push(pair(c.name.into(), c.name.into()));
        }
    } else if before.first() == Some(&"help") && before.len() == 1 {
        for c in TUTOR_COMMANDS {
            out.push(pair(c.name.into(), c.name.into()));
        }
    } else {
        let flags = command_flags(&before);
        let last_flag = before
            .iter()
            .rev()
            .find(|w| w.starts_with("--"))
            .map(|w| w.trim_start_matches("--"));
        let prev = before.last().copied().unwrap_or("");
        let expecting_value =
            prev.starts_with("--") && flags.iter().any(|(f, v)| *v && prev == format!("--{f}"));
        let list_flag = last_flag
            .is_some_and(|f| matches!(f, "groups" | "group-ids" | "instance-ids"))
            && !word.starts_with("--");
        if (expecting_value || list_flag) && !word.starts_with("--") {
            if let Some(f) = last_flag {
                for (d, r) in flag_values(f, names) {
                    out.push(pair(d, r));
                }
            }
        } else {
            for (f, _) in &flags {
                let flag = format!("--{f}");
                if !before.contains(&flag.as_str()) {
                    out.push(pair(flag.clone(), flag));
                }
            }
        }
    }
    out.retain(|p| p.replacement.starts_with(word));
    out.dedup_by(|a, b| a.replacement == b.replacement);
    (start, out)
}

/// The greyed hint: the rest of a command name, or the next required flags.
pub fn hint(line: &str) -> Option<String> {
    if line.is_empty() || line.ends_with("  ") {
        return None;
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    if words.len() == 1 && !line.ends_with(' ') {
        let w = words[0];
        return TUTOR_COMMANDS
            .iter()
            .map(|c| c.name)
            .find(|n| n.starts_with(w) && *n != w)
            .map(|n| n[w.len()..].to_string());
    }
    if !line.ends_with(' ') {
        return None;
    }
    if let Some(t) = TUTOR_COMMANDS.iter().find(|c| c.name == words[0]) {
        // The usage minus the flags already typed.
        let mut rest = Vec::new();
        let mut parts = t.usage.split_whitespace().skip(1).peekable();
        while let Some(p) = parts.next() {
            let is_flag = p.trim_start_matches('[').starts_with("--");
            let flag = p.trim_start_matches('[');
            let value = if is_flag && !p.ends_with(']') {
                parts.next()
            } else {
                None
            };
            if is_flag && words.contains(&flag.trim_end_matches(']')) {
                continue;
            }
            if p.starts_with('[') {
                continue;
            }
            rest.push(match value {
                Some(v) => format!("{p} {v}"),
                None => p.to_string(),
            });
        }
        return (!rest.is_empty()).then(|| rest.join(" "));
    }
    let rest: Vec<&str> = if words[0] == "aws" {
        words[1..].to_vec()
    } else {
        words.clone()
    };
    if let [svc, cmd, ..] = rest.as_slice() {
        if let Some(c) = aws_spec::find(svc, cmd) {
            let missing: Vec<String> = c
                .flags
                .iter()
                .filter(|f| f.required && !words.contains(&format!("--{}", f.name).as_str()))
                .map(|f| format!("--{} …", f.name))
                .collect();
            return (!missing.is_empty()).then(|| missing.join(" "));
        }
    }
    None
}

impl Completer for TutorHelper {
    type Candidate = Pair;
    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        Ok(complete(line, pos, &self.names.borrow()))
    }
}

impl Hinter for TutorHelper {
    type Hint = String;
    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<String> {
        if pos < line.len() {
            return None;
        }
        hint(line)
    }
}

impl Highlighter for TutorHelper {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }
}

impl Validator for TutorHelper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        if ctx.input().ends_with('\\') {
            Ok(ValidationResult::Incomplete)
        } else {
            Ok(ValidationResult::Valid(None))
        }
    }
}

impl Helper for TutorHelper {}

/// The REPL's state apart from the terminal.
pub struct Repl {
    pub session: Session,
    pub style: Style,
    started: i64,
    recorded: bool,
}

/// What one line produced.
pub struct Step {
    pub text: String,
    pub quit: bool,
    /// The scenario was just passed.
    pub passed: bool,
    /// `check` graded these goals (id, met).
    pub checked: Vec<(String, bool)>,
}

/// After `check`: an unmet goal becomes a drill item (due now); a goal that already is one is
/// rated by whether it is met now.
pub fn drill_goals(
    store: &mut Store,
    scenario: &str,
    checked: &[(String, bool)],
    now: i64,
) -> Result<(), crate::store::StoreError> {
    for (goal, met) in checked {
        let exists = store
            .review_item(&crate::quiz::schedule::goal_item(scenario, goal))?
            .is_some();
        if exists {
            crate::quiz::schedule::record_goal_result(store, scenario, goal, *met, now)?;
        } else if !met {
            crate::quiz::schedule::add_goal_drill(store, scenario, goal, now)?;
        }
    }
    Ok(())
}

impl Repl {
    pub fn new(session: Session, style: Style, now: i64) -> Repl {
        Repl {
            session,
            style,
            started: now,
            recorded: false,
        }
    }

    /// The prompt: scenario and goals met.
    pub fn prompt(&self) -> String {
        if self.session.is_sandbox() {
            return "[sandbox]> ".into();
        }
        let (met, total) = self.session.goals_met();
        format!("[{} {met}/{total}]> ", self.session.scenario().id)
    }

    /// The text shown on entering.
    pub fn banner(&self) -> String {
        let s = self.session.scenario();
        if self.session.is_sandbox() {
            return format!("{}\nType help for commands.", clean(s.brief.trim_end()));
        }
        let mut out = format!(
            "{}  {}\n\n{}\n\nGoals:\n",
            self.style.strong(&clean(&s.title)),
            "★".repeat(s.difficulty as usize),
            clean(s.brief.trim_end())
        );
        for g in &s.goals {
            out.push_str(&format!("  • {}\n", clean(&g.text)));
        }
        out.push_str("\nType help for commands, goals to see progress, check when you are done.");
        out
    }

    /// Runs one line (already joined across `\` continuations).
    pub fn handle(&mut self, line: &str) -> Step {
        let joined = line.replace("\\\n", " ");
        let out = self.session.execute(&joined);
        let quit = out == Output::Quit;
        let passed = matches!(&out, Output::Check { passed: true, .. });
        let checked = match &out {
            Output::Check { goals, .. } => goals.iter().map(|g| (g.id.clone(), g.met)).collect(),
            _ => Vec::new(),
        };
        let text = text::render(&out, self.style, self.session.clock);
        Step {
            text,
            quit,
            passed,
            checked,
        }
    }

    /// Records this attempt in the store, once: at the first pass, or on leaving.
    pub fn record(
        &mut self,
        store: Option<&mut Store>,
        now: i64,
    ) -> Result<(), crate::store::StoreError> {
        if self.session.is_sandbox() || self.recorded {
            return Ok(());
        }
        let Some(store) = store else { return Ok(()) };
        self.recorded = true;
        store.record_attempt(
            &Attempt {
                scenario: self.session.scenario().id.clone(),
                passed: self.session.passed(),
                aided: self.session.solution_viewed(),
                hints: self.session.hints_used() as i64,
                seconds: (now - self.started).max(0),
            },
            now,
        )
    }
}

/// A transcript of lines run through the REPL as a learner would see them (for tests and
/// piped standard input).
pub fn transcript(repl: &mut Repl, lines: &[&str]) -> String {
    let mut out = format!("{}\n", repl.banner());
    for l in lines {
        out.push_str(&format!("{}{l}\n", repl.prompt()));
        let step = repl.handle(l);
        if !step.text.is_empty() {
            out.push_str(&step.text);
            out.push('\n');
        }
        if step.quit {
            break;
        }
    }
    out
}
