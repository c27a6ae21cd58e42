//! The command line (SPEC §2): arguments → the right run → an exit code. `main` is a thin
//! wrapper around [`run`].
//!
//! Exit codes: 0 success (`check`: every goal met); 1 `check` ran but a goal is unmet, or
//! `lint` found problems; 2 bad invocation or unreadable/invalid input.

use crate::bank::{self, Bank};
use crate::lint;
use crate::render::text::{self, Style};
use crate::scenario::load::{load_scenario, LoadError};
use crate::scenario::Scenario;
use crate::session::{Output, Session};
use crate::suggest;
use clap::{Parser, Subcommand, ValueEnum};
use serde_json::json;
use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Parser, Debug)]
#[command(
    name = "ec2-tutor",
    version,
    about = "Offline study tool for AWS EC2 security: a simulated account, graded by outcome"
)]
pub struct Cli {
    /// Add scenario/question files from DIR on top of the built-in bank (repeatable).
    #[arg(long, global = true, value_name = "DIR")]
    pub bank: Vec<PathBuf>,
    /// Where progress and history are kept (default: the platform data directory).
    #[arg(long, global = true, value_name = "DIR", env = "EC2_TUTOR_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Seed for all randomness: ids of created resources, client ports, quiz order.
    #[arg(long, global = true, default_value_t = 0)]
    pub seed: u64,
    /// No colour (NO_COLOR is honoured too).
    #[arg(long, global = true)]
    pub no_color: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scenarios and question banks, one line each.
    List {
        #[arg(long)]
        topic: Option<String>,
    },
    /// The REPL inside a scenario (an id from the bank or a path to a .yaml file).
    Play { scenario: String },
    /// The REPL in a fresh account (default VPC, default group, no goals).
    Sandbox,
    /// Batch grading: run a script of commands, then grade every goal.
    Check {
        scenario: String,
        /// The script (one command per line); `-` reads standard input.
        #[arg(long, value_name = "FILE|-")]
        script: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Multiple-choice questions: practice, a timed exam, or a spaced-repetition drill.
    Quiz(crate::quiz::run::QuizArgs),
    /// Validate scenario and question files: schema, references, start fails, solution passes.
    Lint {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

fn style(cli: &Cli) -> Style {
    let color =
        !cli.no_color && std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal();
    Style { color }
}

/// Runs the parsed command line; returns the exit code.
pub fn run(cli: Cli) -> i32 {
    match &cli.command {
        None => home(&cli),
        Some(Command::List { topic }) => list(&cli, topic.as_deref()),
        Some(Command::Play { scenario }) => play(&cli, Some(scenario)),
        Some(Command::Sandbox) => play(&cli, None),
        Some(Command::Check {
            scenario,
            script,
            format,
        }) => check(&cli, scenario, script.as_deref(), *format),
        Some(Command::Quiz(args)) => match load_bank(&cli) {
            Ok(bank) => crate::quiz::run::run(&cli, args, &bank),
            Err(c) => c,
        },
        Some(Command::Lint { paths }) => lint_paths(paths),
    }
}

fn print_errors(errors: &[LoadError]) {
    for e in errors {
        eprintln!("{e}");
    }
}

fn load_bank(cli: &Cli) -> Result<Bank, i32> {
    bank::load(&cli.bank).map_err(|e| {
        print_errors(&e);
        2
    })
}

/// A scenario by id (from the bank) or by path.
fn resolve_scenario(cli: &Cli, name: &str) -> Result<Arc<Scenario>, i32> {
    let looks_like_path = name.ends_with(".yaml")
        || name.ends_with(".yml")
        || name.contains('/')
        || Path::new(name).is_file();
    if looks_like_path {
        let text = std::fs::read_to_string(name).map_err(|e| {
            eprintln!("error: {name}: cannot read: {e}");
            2
        })?;
        return load_scenario(name, &text, false)
            .map(Arc::new)
            .map_err(|e| {
                eprintln!("{e}");
                2
            });
    }
    let bank = load_bank(cli)?;
    bank.scenario(name).ok_or_else(|| {
        let ids: Vec<&str> = bank.scenarios.iter().map(|s| s.id.as_str()).collect();
        eprintln!(
            "error: no scenario '{name}' in the bank{} (ec2-tutor list shows them)",
            suggest::hint(name, ids)
        );
        2
    })
}

fn home(cli: &Cli) -> i32 {
    let bank = match load_bank(cli) {
        Ok(b) => b,
        Err(c) => return c,
    };
    let st = style(cli);
    println!(
        "{}",
        st.strong("ec2-tutor — AWS EC2 security, simulated and graded by outcome")
    );
    println!();
    for topic in crate::scenario::TOPICS {
        let list: Vec<_> = bank
            .scenarios
            .iter()
            .filter(|s| s.topic == *topic)
            .collect();
        if list.is_empty() {
            continue;
        }
        println!("{}", st.strong(topic));
        for s in list {
            println!(
                "  {:<28} {}  {}",
                s.id,
                "★".repeat(s.difficulty as usize),
                s.title
            );
        }
    }
    println!();
    println!("Start one:      ec2-tutor play SCENARIO");
    println!("Free practice:  ec2-tutor sandbox");
    println!("Grade a script: ec2-tutor check SCENARIO --script FILE [--format json]");
    0
}

fn list(cli: &Cli, topic: Option<&str>) -> i32 {
    if let Some(t) = topic {
        if !crate::scenario::TOPICS.contains(&t) {
            eprintln!(
                "error: unknown topic '{t}'{}; topics: {}",
                suggest::hint(t, crate::scenario::TOPICS.iter().copied()),
                crate::scenario::TOPICS.join(", ")
            );
            return 2;
        }
    }
    let bank = match load_bank(cli) {
        Ok(b) => b,
        Err(c) => return c,
    };
    for s in &bank.scenarios {
        if topic.is_none_or(|t| t == s.topic) {
            println!(
                "scenario  {:<28} {:<20} {}  {}",
                s.id, s.topic, s.difficulty, s.title
            );
        }
    }
    for t in crate::scenario::TOPICS {
        if topic.is_some_and(|x| x != *t) {
            continue;
        }
        let n = bank.questions.iter().filter(|q| q.topic == *t).count();
        if n > 0 {
            println!("questions {:<28} {:<20} {n} questions", t, t);
        }
    }
    0
}

/// Reads a script: (1-based first line, command) with continuations joined, blank and `#`
/// lines skipped.
pub fn script_lines(text: &str) -> Vec<(usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    crate::aws::words::join_continuations(&lines)
}

fn check(cli: &Cli, name: &str, script: Option<&str>, format: Format) -> i32 {
    let scenario = match resolve_scenario(cli, name) {
        Ok(s) => s,
        Err(c) => return c,
    };
    let text = match script {
        None => String::new(),
        Some("-") => {
            let mut s = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut s) {
                eprintln!("error: cannot read the script from standard input: {e}");
                return 2;
            }
            s
        }
        Some(path) => match std::fs::read_to_string(path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {path}: cannot read: {e}");
                return 2;
            }
        },
    };
    let mut session = match Session::new(scenario.clone(), cli.seed) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {}: {e}", scenario.source);
            return 2;
        }
    };
    let st = if format == Format::Json {
        Style::PLAIN
    } else {
        style(cli)
    };
    let mut commands = Vec::new();
    let mut transcript = String::new();
    for (line, input) in script_lines(&text) {
        let out = session.execute(&input);
        if format == Format::Text {
            transcript.push_str(&format!("{} {input}\n", st.dim(&format!("{line:>3} $"))));
            let r = text::render(&out, st, session.clock);
            if !r.is_empty() {
                transcript.push_str(&r);
                transcript.push('\n');
            }
        }
        let ok = !out.is_error();
        commands.push(json!({"line": line, "input": input, "ok": ok, "output": out.to_json(), "error": out.error_json()}));
        if out == Output::Quit {
            break;
        }
    }
    let results = session.grade();
    let passed = !results.is_empty() && results.iter().all(|g| g.met);
    match format {
        Format::Json => {
            let goals: Vec<_> = results
                .iter()
                .map(|g| json!({"id": g.id, "met": g.met, "detail": g.detail}))
                .collect();
            let doc = json!({"scenario": scenario.id, "passed": passed, "goals": goals, "commands": commands});
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        Format::Text => {
            print!("{transcript}");
            if !transcript.is_empty() {
                println!();
            }
            let views: Vec<_> = scenario
                .goals
                .iter()
                .zip(&results)
                .map(|(g, r)| crate::session::GoalView {
                    id: g.id.clone(),
                    text: g.text.clone(),
                    met: r.met,
                    detail: r.detail.clone(),
                })
                .collect();
            println!("{}", text::goals(&views, st));
            let met = results.iter().filter(|g| g.met).count();
            println!();
            if passed {
                println!(
                    "{}",
                    st.good(&format!(
                        "PASSED {}: {met}/{} goals met",
                        scenario.id,
                        results.len()
                    ))
                );
            } else {
                println!(
                    "{}",
                    st.bad(&format!(
                        "FAILED {}: {met}/{} goals met",
                        scenario.id,
                        results.len()
                    ))
                );
            }
        }
    }
    if passed {
        0
    } else {
        1
    }
}

fn play(cli: &Cli, name: Option<&String>) -> i32 {
    let mut session = match name {
        Some(n) => {
            let s = match resolve_scenario(cli, n) {
                Ok(s) => s,
                Err(c) => return c,
            };
            match Session::new(s, cli.seed) {
                Ok(x) => x,
                Err(e) => {
                    eprintln!("error: {e}");
                    return 2;
                }
            }
        }
        None => Session::sandbox(cli.seed),
    };
    let st = style(cli);
    let tty = std::io::stdin().is_terminal();
    let sc = session.scenario().clone();
    if !session.is_sandbox() {
        println!("{}\n\n{}\n", st.strong(&sc.title), sc.brief.trim_end());
        for g in &sc.goals {
            println!("  • {}", g.text);
        }
        println!("\nType help for commands, goals to see progress, check when you are done.");
    } else {
        println!("{}", sc.brief.trim_end());
    }
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    loop {
        if tty {
            let (met, total) = session.goals_met();
            print!("[{} {met}/{total}]> ", sc.id);
            let _ = std::io::stdout().flush();
        }
        let Some(Ok(line)) = lines.next() else { break };
        let out = session.execute(&line);
        if out == Output::Quit {
            break;
        }
        let r = text::render(&out, st, session.clock);
        if !r.is_empty() {
            println!("{r}");
        }
    }
    0
}

fn lint_paths(paths: &[PathBuf]) -> i32 {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            match bank::yaml_files(p) {
                Ok(f) => files.extend(f),
                Err(e) => {
                    eprintln!("error: {}: cannot read: {e}", p.display());
                    return 2;
                }
            }
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            eprintln!("error: {}: no such file or directory", p.display());
            return 2;
        }
    }
    let mut problems = 0;
    let mut scenario_ids: Vec<(String, String)> = Vec::new();
    let mut question_ids: Vec<(String, String)> = Vec::new();
    for f in &files {
        let path = f.display().to_string();
        let text = match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {path}: cannot read: {e}");
                return 2;
            }
        };
        let result = if bank::is_question_file(f, &text) {
            crate::quiz::question::load_questions(&path, &text).map(|qs| {
                for q in qs {
                    if let Some((_, other)) = question_ids.iter().find(|(id, _)| *id == q.id) {
                        eprintln!(
                            "error: {path}: question id '{}' is also used in {other}",
                            q.id
                        );
                        problems += 1;
                    }
                    question_ids.push((q.id, path.clone()));
                }
            })
        } else {
            load_scenario(&path, &text, true).map(|s| {
                if let Some((_, other)) = scenario_ids.iter().find(|(id, _)| *id == s.id) {
                    eprintln!(
                        "error: {path}: scenario id '{}' is also used in {other}",
                        s.id
                    );
                    problems += 1;
                }
                scenario_ids.push((s.id.clone(), path.clone()));
                if let Some(e) = lint::prove_file(&path, &Arc::new(s)) {
                    problems += e.diagnostics.len();
                    eprintln!("{e}");
                }
            })
        };
        if let Err(e) = result {
            problems += e.diagnostics.len();
            eprintln!("{e}");
        }
    }
    println!(
        "checked {} files: {}",
        files.len(),
        if problems == 0 {
            "no problems".to_string()
        } else {
            format!("{problems} problems")
        }
    );
    if problems == 0 {
        0
    } else {
        1
    }
}
