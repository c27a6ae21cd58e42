//! The command line (SPEC §2): arguments → the right run → an exit code. `main` is a thin
//! wrapper around [`run`].
//!
//! Exit codes: 0 success (`check`: every goal met); 1 `check` ran but a goal is unmet, or
//! `lint` found problems; 2 bad invocation or unreadable/invalid input.

use crate::bank::{self, Bank};
use crate::lint;
use crate::render::text::{self, Style};
use crate::repl::{Names, Repl, TutorHelper};
use crate::scenario::load::{load_scenario, LoadError};
use crate::scenario::Scenario;
use crate::session::{Output, Session};
use crate::store::{ScenarioProgress, Store};
use crate::suggest;
use clap::{Parser, Subcommand, ValueEnum};
use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::Editor;
use serde_json::json;
use std::cell::RefCell;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;
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
    /// A REPL whose session is saved as a scenario draft (start world, your changes as the
    /// solution, your probes as goals) when you quit.
    Record {
        /// Start from this scenario's world (default: the sandbox).
        scenario: Option<String>,
        /// Where to write the draft.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The draft's scenario id.
        #[arg(long, default_value = "my-scenario")]
        id: String,
    },
    /// Print the JSON Schema of a bank file, for editors' completion and checks.
    Schema {
        #[arg(value_enum)]
        kind: SchemaKind,
    },
    /// Progress per scenario (for instructors: --format json).
    Progress {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Test-only (hidden): writes COUNT progress records as fast as it can — record N is a
    /// scenario attempt (one transaction), then a quiz answer with its review item (one
    /// transaction) — and prints `ack N` once both are committed. The durability tests kill it with SIGKILL at a random moment and check
    /// that every acknowledged record is in the store.
    #[command(name = "__store-stress", hide = true)]
    StoreStress {
        #[arg(long)]
        count: u64,
        /// Names the records (`TAG-N`) so that two writers can be told apart.
        #[arg(long, default_value = "stress")]
        tag: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    Scenario,
    Questions,
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
        Some(Command::Progress { format }) => progress(&cli, *format),
        Some(Command::Record { scenario, out, id }) => record(&cli, scenario.as_ref(), out, id),
        Some(Command::StoreStress { count, tag }) => store_stress(&cli, *count, tag),
        Some(Command::Schema { kind }) => {
            let schema = match kind {
                SchemaKind::Scenario => schemars::schema_for!(crate::scenario::schema::ScenarioDoc),
                SchemaKind::Questions => {
                    schemars::schema_for!(Vec<crate::quiz::question::QuestionDoc>)
                }
            };
            println!(
                "{}",
                serde_json::to_string_pretty(&schema).unwrap_or_default()
            );
            0
        }
    }
}

/// Seconds since the Unix epoch: the one place the wall clock is read.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn data_dir(cli: &Cli) -> PathBuf {
    cli.data_dir.clone().unwrap_or_else(Store::default_dir)
}

/// Opens the progress store; a problem is reported and the run goes on without saving.
fn open_store(cli: &Cli) -> Option<Store> {
    match Store::open(&data_dir(cli)) {
        Ok(s) => Some(s),
        Err(e) => {
            eprintln!("warning: {e}; progress will not be saved");
            None
        }
    }
}

fn store_stress(cli: &Cli, count: u64, tag: &str) -> i32 {
    use crate::store::{Attempt, QuizAnswer, ReviewItem, StoreError};
    let mut store = match Store::open(&data_dir(cli)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let mut out = std::io::stdout().lock();
    for n in 0..count {
        // An attempt folds into a scenario's totals: seven scenarios take turns.
        let scenario = format!("{tag}-scenario-{}", n % 7);
        let r = store.record_attempt(
            &Attempt {
                scenario,
                passed: n % 2 == 0,
                aided: false,
                hints: 1,
                seconds: 1,
            },
            n as i64,
        );
        let r = r.and_then(|()| {
            store.atomically(|s| {
                s.record_answer(&QuizAnswer {
                    question: format!("{tag}-{n}"),
                    topic: "security-groups".into(),
                    correct: true,
                    mode: "practice".into(),
                    at: n as i64,
                    seed: Some(n as i64),
                })?;
                s.put_review_item(&ReviewItem {
                    item: format!("{tag}-{n}"),
                    due: n as i64,
                    stability: 1.0,
                    difficulty: 5.0,
                    reps: 1,
                    lapses: 0,
                    state: 1,
                    last_review: n as i64,
                })?;
                Ok::<(), StoreError>(())
            })
        });
        if let Err(e) = r {
            eprintln!("error: {e}");
            return 2;
        }
        if writeln!(out, "ack {n}").and_then(|()| out.flush()).is_err() {
            return 0;
        }
    }
    0
}

fn progress(cli: &Cli, format: Format) -> i32 {
    let bank = match load_bank(cli) {
        Ok(b) => b,
        Err(c) => return c,
    };
    let store = match Store::open(&data_dir(cli)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let rows = match store.scenario_progress() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let find = |id: &str| {
        rows.iter()
            .find(|r| r.scenario == id)
            .cloned()
            .unwrap_or(ScenarioProgress {
                scenario: id.to_string(),
                ..Default::default()
            })
    };
    match format {
        Format::Json => {
            let list: Vec<_> = bank
                .scenarios
                .iter()
                .map(|s| {
                    let p = find(&s.id);
                    json!({"scenario": s.id, "topic": s.topic, "difficulty": s.difficulty, "status": p.status(),
                           "attempts": p.attempts, "passes": p.passes, "unaided_passes": p.unaided_passes,
                           "hints_used": p.hints_used, "seconds": p.seconds, "last_at": p.last_at})
                })
                .collect();
            let answers = store.answers().unwrap_or_default();
            let right = answers.iter().filter(|a| a.correct).count();
            let doc =
                json!({"scenarios": list, "quiz": {"answered": answers.len(), "right": right}});
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        Format::Text => {
            let st = style(cli);
            println!(
                "{:<30} {:<16} {:>8} {:>6} {:>6} {:>8}",
                "scenario", "status", "attempts", "passes", "hints", "time"
            );
            for s in &bank.scenarios {
                let p = find(&s.id);
                println!(
                    "{:<30} {:<16} {:>8} {:>6} {:>6} {:>7}m",
                    s.id,
                    p.status(),
                    p.attempts,
                    p.passes,
                    p.hints_used,
                    p.seconds / 60
                );
            }
            let _ = st;
        }
    }
    0
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

fn load_scenario_bank(cli: &Cli) -> Result<Bank, i32> {
    bank::load_scenarios(&cli.bank).map_err(|e| {
        print_errors(&e);
        2
    })
}

/// The variant of a scenario that the seed picks.
fn variant(s: &Arc<Scenario>, seed: u64) -> Result<Arc<Scenario>, i32> {
    if s.variants <= 1 {
        return Ok(s.clone());
    }
    s.instantiate(seed).map(Arc::new).map_err(|e| {
        eprintln!("{e}");
        2
    })
}

/// A scenario by id (from the bank) or by path.
fn resolve_scenario(cli: &Cli, name: &str) -> Result<Arc<Scenario>, i32> {
    resolve_with_bank(cli, name).map(|(s, _)| s)
}

/// A scenario by id (from the bank) or by path, with the scenario bank when it was loaded.
fn resolve_with_bank(cli: &Cli, name: &str) -> Result<(Arc<Scenario>, Option<Bank>), i32> {
    let looks_like_path = name.ends_with(".yaml")
        || name.ends_with(".yml")
        || name.contains('/')
        || Path::new(name).is_file();
    if looks_like_path {
        let text = bank::read_file(Path::new(name)).map_err(|e| {
            eprintln!("{e}");
            2
        })?;
        let s = load_scenario(name, &text, false).map_err(|e| {
            eprintln!("{e}");
            2
        })?;
        return Ok((variant(&Arc::new(s), cli.seed)?, None));
    }
    let bank = load_scenario_bank(cli)?;
    match bank.scenario(name) {
        Some(s) => Ok((variant(&s, cli.seed)?, Some(bank))),
        None => {
            let ids: Vec<&str> = bank.scenarios.iter().map(|s| s.id.as_str()).collect();
            eprintln!(
                "error: no scenario '{name}' in the bank{} (ec2-tutor list shows them)",
                suggest::hint(name, ids)
            );
            Err(2)
        }
    }
}

/// A one-line bar: `███░░░░░░░ 3/10`.
fn bar(done: usize, total: usize) -> String {
    let cells = 10;
    let full = (done * cells).checked_div(total).unwrap_or(0);
    format!(
        "{}{} {done}/{total}",
        "█".repeat(full),
        "░".repeat(cells - full)
    )
}

/// The home screen's text: scenarios by topic with status, a progress bar per topic, the
/// next suggested scenario. Returns the text and the ids in the order numbered.
pub fn home_screen(
    bank: &Bank,
    progress: &[ScenarioProgress],
    due: usize,
    st: Style,
) -> (String, Vec<String>) {
    let status = |id: &str| {
        progress
            .iter()
            .find(|p| p.scenario == id)
            .map(|p| p.status())
            .unwrap_or("new")
    };
    let mut out = format!(
        "{}\n",
        st.strong("ec2-tutor — AWS EC2 security, simulated and graded by outcome")
    );
    let mut order = Vec::new();
    for topic in crate::scenario::TOPICS {
        let list: Vec<_> = bank
            .scenarios
            .iter()
            .filter(|s| s.topic == *topic)
            .collect();
        if list.is_empty() {
            continue;
        }
        let passed = list
            .iter()
            .filter(|s| status(&s.id).starts_with("passed"))
            .count();
        out.push_str(&format!(
            "\n{:<22} {}\n",
            st.strong(topic),
            bar(passed, list.len())
        ));
        for s in list {
            order.push(s.id.clone());
            let stat = status(&s.id);
            let mark = match stat {
                "passed unaided" => st.good("✓✓"),
                "passed" => st.good("✓ "),
                "attempted" => st.warn("… "),
                _ => "  ".to_string(),
            };
            out.push_str(&format!(
                "  {:>2}. {mark} {:<34} {:<5} {}\n",
                order.len(),
                s.id,
                "★".repeat(s.difficulty as usize),
                text::clean(&s.title)
            ));
        }
    }
    let next = bank
        .scenarios
        .iter()
        .find(|s| !status(&s.id).starts_with("passed"));
    match next {
        Some(n) => out.push_str(&format!(
            "\nNext: {} — {}\n",
            st.strong(&n.id),
            text::clean(&n.title)
        )),
        None => out.push_str("\nEvery scenario passed. Try the quiz, or a sandbox.\n"),
    }
    out.push_str(&format!(
        "Quiz: ec2-tutor quiz ({} questions in the bank; {due} due for review today: ec2-tutor quiz --mode drill)\n",
        bank.questions.len()
    ));
    (out, order)
}

fn home(cli: &Cli) -> i32 {
    let bank = match load_bank(cli) {
        Ok(b) => b,
        Err(c) => return c,
    };
    let st = style(cli);
    let mut store = open_store(cli);
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    loop {
        let progress = store
            .as_ref()
            .and_then(|s| s.scenario_progress().ok())
            .unwrap_or_default();
        let due = store
            .as_ref()
            .map(|s| crate::quiz::schedule::due_today(s, now()))
            .unwrap_or(0);
        let (screen, order) = home_screen(&bank, &progress, due, st);
        print!("{screen}");
        if !interactive {
            println!("Start one with: ec2-tutor play SCENARIO");
            return 0;
        }
        print!("\nPlay which? (number or id, Enter for next, s sandbox, z quiz, d drill, q quit) ");
        let _ = std::io::stdout().flush();
        let mut answer = String::new();
        if std::io::stdin().read_line(&mut answer).unwrap_or(0) == 0 {
            return 0;
        }
        let a = answer.trim();
        let chosen = match a {
            "q" | "quit" | "exit" => return 0,
            "s" | "sandbox" => None,
            "z" | "quiz" | "d" | "drill" => {
                let mode = if a.starts_with('d') {
                    crate::quiz::run::ModeArg::Drill
                } else {
                    crate::quiz::run::ModeArg::Practice
                };
                let args = crate::quiz::run::QuizArgs {
                    topic: None,
                    count: None,
                    mode,
                    minutes: None,
                    review: false,
                    format: Format::Text,
                    now: None,
                };
                crate::quiz::run::run(cli, &args, &bank);
                println!();
                continue;
            }
            "" => bank
                .scenarios
                .iter()
                .find(|s| !progress.iter().any(|p| p.scenario == s.id && p.passes > 0))
                .map(|s| s.id.clone()),
            a => match a.parse::<usize>() {
                Ok(n) if n >= 1 && n <= order.len() => Some(order[n - 1].clone()),
                _ if bank.scenario(a).is_some() => Some(a.to_string()),
                _ => {
                    let ids: Vec<&str> = order.iter().map(|s| s.as_str()).collect();
                    println!(
                        "{}",
                        st.bad(&format!("no scenario '{a}'{}", suggest::hint(a, ids)))
                    );
                    continue;
                }
            },
        };
        let session = match chosen
            .and_then(|id| bank.scenario(&id))
            .map(|s| variant(&s, cli.seed))
        {
            Some(Err(_)) => continue,
            Some(Ok(s)) => match Session::new(s, cli.seed) {
                Ok(x) => x,
                Err(e) => {
                    println!("{}", st.bad(&format!("error: {e}")));
                    continue;
                }
            },
            None => Session::sandbox(cli.seed),
        };
        repl_loop(cli, session, store.as_mut(), Some(&bank));
        println!();
    }
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
                "scenario  {:<34} {:<20} {}  {}",
                s.id,
                s.topic,
                s.difficulty,
                text::clean(&s.title)
            );
        }
    }
    for t in crate::scenario::TOPICS {
        if topic.is_some_and(|x| x != *t) {
            continue;
        }
        let n = bank.questions.iter().filter(|q| q.topic == *t).count();
        if n > 0 {
            println!("questions {:<34} {:<20} {n} questions", t, t);
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
            print!("{}", text::terminal(&transcript));
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

fn record(cli: &Cli, name: Option<&String>, out: &Path, id: &str) -> i32 {
    let session = match name {
        Some(n) => match resolve_scenario(cli, n).and_then(|s| {
            Session::new(s, cli.seed).map_err(|e| {
                eprintln!("error: {e}");
                2
            })
        }) {
            Ok(s) => s,
            Err(c) => return c,
        },
        None => Session::sandbox(cli.seed),
    };
    let start = session.account.clone();
    let mut store = None;
    let session = repl_loop(cli, session, store.as_mut(), None);
    let text = crate::record::draft(id, &start, &session);
    if let Err(e) = std::fs::write(out, text) {
        eprintln!("error: {}: cannot write: {e}", out.display());
        return 2;
    }
    println!(
        "draft written to {} (edit it, then: ec2-tutor lint {})",
        out.display(),
        out.display()
    );
    0
}

fn play(cli: &Cli, name: Option<&String>) -> i32 {
    let (session, bank) = match name {
        Some(n) => {
            let (s, bank) = match resolve_with_bank(cli, n) {
                Ok(x) => x,
                Err(c) => return c,
            };
            match Session::new(s, cli.seed) {
                Ok(x) => (x, bank),
                Err(e) => {
                    eprintln!("error: {e}");
                    return 2;
                }
            }
        }
        None => (Session::sandbox(cli.seed), None),
    };
    let mut store = open_store(cli);
    repl_loop(cli, session, store.as_mut(), bank.as_ref());
    0
}

/// The REPL on a terminal (rustyline) or on piped input (lines echoed after the prompt).
fn repl_loop(
    cli: &Cli,
    session: Session,
    mut store: Option<&mut Store>,
    bank: Option<&Bank>,
) -> Session {
    let st = style(cli);
    let mut repl = Repl::new(session, st, now());
    println!("{}", text::terminal(&repl.banner()));
    // After each line: unmet goals of a `check` become drill items; a pass is recorded and the
    // next scenario suggested.
    let after_step = |repl: &mut Repl, step: &crate::repl::Step, store: &mut Option<&mut Store>| {
        if !step.checked.is_empty() && !repl.session.is_sandbox() {
            if let Some(st) = store.as_deref_mut() {
                let id = repl.session.scenario().id.clone();
                if let Err(e) = crate::repl::drill_goals(st, &id, &step.checked, now()) {
                    eprintln!("warning: {e}");
                }
            }
        }
        if !step.passed {
            return;
        }
        if let Err(e) = repl.record(store.as_deref_mut(), now()) {
            eprintln!("warning: {e}");
        }
        if let Some(b) = bank {
            let done: Vec<String> = store
                .as_deref()
                .and_then(|s| s.scenario_progress().ok())
                .unwrap_or_default()
                .into_iter()
                .filter(|p| p.passes > 0)
                .map(|p| p.scenario)
                .collect();
            let cur = repl.session.scenario().id.clone();
            if let Some(n) = b
                .scenarios
                .iter()
                .find(|s| s.id != cur && !done.contains(&s.id))
            {
                println!(
                    "\nNext suggested: {} — {} (quit, then ec2-tutor play {})",
                    n.id,
                    text::clean(&n.title),
                    n.id
                );
            }
        }
    };
    if !std::io::stdin().is_terminal() {
        let mut input = String::new();
        if std::io::stdin().read_to_string(&mut input).is_err() {
            eprintln!("error: cannot read standard input");
            return repl.session;
        }
        for (_, line) in script_lines(&input) {
            println!("{}{line}", repl.prompt());
            let step = repl.handle(&line);
            if !step.text.is_empty() {
                println!("{}", text::terminal(&step.text));
            }
            after_step(&mut repl, &step, &mut store);
            if step.quit {
                break;
            }
        }
        if let Err(e) = repl.record(store.as_deref_mut(), now()) {
            eprintln!("warning: {e}");
        }
        return repl.session;
    }
    let names = Rc::new(RefCell::new(Names::of(&repl.session)));
    let helper = TutorHelper {
        names: names.clone(),
        color: st.color,
    };
    let config = rustyline::Config::builder()
        .completion_type(rustyline::CompletionType::List)
        .auto_add_history(false)
        .build();
    let mut rl: Editor<TutorHelper, FileHistory> = match Editor::with_config(config) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the line editor: {e}");
            return repl.session;
        }
    };
    rl.set_helper(Some(helper));
    let history = data_dir(cli).join("history.txt");
    let _ = rl.load_history(&history);
    loop {
        match rl.readline(&repl.prompt()) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = rl.add_history_entry(line.as_str());
                    let _ = rl.append_history(&history);
                }
                let step = repl.handle(&line);
                *names.borrow_mut() = Names::of(&repl.session);
                if !step.text.is_empty() {
                    println!("{}", text::terminal(&step.text));
                }
                after_step(&mut repl, &step, &mut store);
                if step.quit {
                    break;
                }
            }
            Err(ReadlineError::Interrupted) => {
                println!("^C (line cancelled; Ctrl-D or quit leaves)");
                continue;
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("error: {e}");
                break;
            }
        }
    }
    if let Err(e) = repl.record(store, now()) {
        eprintln!("warning: {e}");
    }
    repl.session
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
        let text = match bank::read_file(f) {
            Ok(t) => t,
            // Too big or not text: a problem in the file, reported like the others.
            Err(e)
                if e.diagnostics
                    .iter()
                    .all(|d| !d.message.starts_with("cannot read")) =>
            {
                problems += e.diagnostics.len();
                eprintln!("{e}");
                continue;
            }
            Err(e) => {
                eprintln!("{e}");
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
        "checked {} file{}: {}",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
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
