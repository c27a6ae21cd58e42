//! The `quiz` command: reads answers, prints questions and feedback, writes the progress store.
//!
//! Interactive when stdin is a terminal: a prompt per question, an unreadable answer is
//! explained and asked again, `quit` stops early. Batch otherwise (SPEC §7): one answer per
//! line, letters in the order shown; an empty line or the end of input leaves a question
//! unanswered (wrong); an unreadable answer is an error (exit 2), never a wrong answer.
//! With `--format json` stdout holds only the final JSON document.
//!
//! Time: `now` comes from the clock this module is given — the system clock, or the hidden
//! `--now SECONDS` / `EC2_TUTOR_NOW` for tests. It affects scheduling (drill, due dates) and the
//! exam timer, never which questions a seed gives in practice or exam.

use super::question::Question;
use super::schedule;
use super::session::{self, exam_score, letters, Mode, Presented, Selection};
use super::text;
use crate::cli::{Cli, Format};
use crate::render::text::Style;
use crate::store::{QuizAnswer, Store};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{BufRead, IsTerminal, Write};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ModeArg {
    Practice,
    Exam,
    Drill,
}

impl From<ModeArg> for Mode {
    fn from(m: ModeArg) -> Mode {
        match m {
            ModeArg::Practice => Mode::Practice,
            ModeArg::Exam => Mode::Exam,
            ModeArg::Drill => Mode::Drill,
        }
    }
}

/// `ec2-tutor quiz` options.
#[derive(clap::Args, Debug, Clone)]
pub struct QuizArgs {
    /// Only questions of this topic.
    #[arg(long)]
    pub topic: Option<String>,
    /// How many questions (default: practice 10, exam 65, drill 20; at most the bank's).
    #[arg(long)]
    pub count: Option<usize>,
    /// practice: feedback after each answer; exam: timed, results at the end; drill: due
    /// questions first (spaced repetition).
    #[arg(long, value_enum, default_value_t = ModeArg::Practice)]
    pub mode: ModeArg,
    /// Exam time limit in minutes (default: 2 per question, as the real exams allow).
    #[arg(long)]
    pub minutes: Option<u64>,
    /// Walk the questions you last answered wrong, with their explanations.
    #[arg(long)]
    pub review: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Fixed clock (seconds since the Unix epoch), for tests and reproducible runs.
    #[arg(long, hide = true, env = "EC2_TUTOR_NOW")]
    pub now: Option<i64>,
}

/// The time source: fixed, or the system clock.
pub struct Clock(Box<dyn FnMut() -> i64>);

impl Clock {
    pub fn fixed(t: i64) -> Clock {
        Clock(Box::new(move || t))
    }
    pub fn system() -> Clock {
        Clock(Box::new(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        }))
    }
    pub fn from_fn(f: impl FnMut() -> i64 + 'static) -> Clock {
        Clock(Box::new(f))
    }
    pub fn now(&mut self) -> i64 {
        (self.0)()
    }
}

/// `ec2-tutor quiz`: resolves the environment (bank, store, terminal, clock) and runs.
pub fn run(cli: &Cli, args: &QuizArgs, bank: &crate::bank::Bank) -> i32 {
    let dir = cli.data_dir.clone().unwrap_or_else(Store::default_dir);
    let mut store = match Store::open(&dir) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let tty = std::io::stdin().is_terminal();
    let color =
        !cli.no_color && std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal();
    let clock = match args.now {
        Some(t) => Clock::fixed(t),
        None => Clock::system(),
    };
    let env = Env {
        questions: &bank.questions,
        scenarios: &bank.scenarios,
        seed: cli.seed,
        tty,
        style: Style { color },
    };
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    match run_with(
        &env, args, &mut store, clock, &mut input, &mut out, &mut err,
    ) {
        Ok(code) => code,
        Err(e) => {
            let _ = out.flush();
            eprintln!("error: {e}");
            2
        }
    }
}

/// What a quiz runs against.
pub struct Env<'a> {
    pub questions: &'a [Question],
    pub scenarios: &'a [std::sync::Arc<crate::scenario::Scenario>],
    pub seed: u64,
    /// Interactive (stdin is a terminal).
    pub tty: bool,
    pub style: Style,
}

/// Errors that end the quiz with exit 2.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{0}")]
    Usage(String),
    #[error("answer on input line {line}: {message}")]
    Answer { line: usize, message: String },
    #[error("cannot read the answers: {0}")]
    Read(std::io::Error),
    #[error("{0}")]
    Store(#[from] crate::store::StoreError),
    #[error("{0}")]
    Quiz(#[from] session::QuizError),
}

/// Where display text goes: stdout for text output; with JSON output, stderr when
/// interactive and nowhere in batch (stdout then holds only the JSON document).
struct Io<'a> {
    input: &'a mut dyn BufRead,
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    json: bool,
    tty: bool,
    line: usize,
}

impl Io<'_> {
    fn show(&mut self, s: &str) {
        if !self.json {
            let _ = write!(self.out, "{s}");
        } else if self.tty {
            let _ = write!(self.err, "{s}");
        }
    }

    fn prompt(&mut self, p: &str) {
        if self.tty {
            self.show(p);
            if self.json {
                let _ = self.err.flush();
            } else {
                let _ = self.out.flush();
            }
        }
    }

    /// The next line, without its end; None at the end of input.
    fn read(&mut self) -> Result<Option<String>, RunError> {
        let mut buf = Vec::new();
        let n = self
            .input
            .read_until(b'\n', &mut buf)
            .map_err(RunError::Read)?;
        if n == 0 {
            return Ok(None);
        }
        self.line += 1;
        let s = String::from_utf8_lossy(&buf);
        Ok(Some(s.trim_end_matches(['\n', '\r']).to_string()))
    }
}

/// One question's answer as read.
enum Read {
    Answer(Vec<usize>),
    Skip,
    Quit,
}

/// Reads an answer to `p`. `allow_flag`: a trailing `?` flags the question for review.
fn read_answer(io: &mut Io<'_>, p: &Presented, allow_flag: bool) -> Result<(Read, bool), RunError> {
    loop {
        io.prompt("answer> ");
        let Some(line) = io.read()? else {
            return Ok((Read::Quit, false));
        };
        let mut t = line.trim().to_string();
        if !io.tty {
            io.show(&format!("> {t}\n"));
        }
        if allow_flag {
            // Exam: no feedback follows, so leave a blank line before the next question.
            io.show("\n");
        }
        let mut flag = false;
        if allow_flag && t.ends_with('?') {
            flag = true;
            t.pop();
            t = t.trim().to_string();
        }
        if io.tty && (t.eq_ignore_ascii_case("quit") || t.eq_ignore_ascii_case("exit")) {
            return Ok((Read::Quit, false));
        }
        if t.is_empty() && (!io.tty || allow_flag) {
            return Ok((Read::Skip, flag));
        }
        match p.parse_answer(&t) {
            Ok(c) => return Ok((Read::Answer(c), flag)),
            Err(e) if io.tty => io.show(&format!("{e}\n")),
            Err(e) => {
                return Err(RunError::Answer {
                    line: io.line,
                    message: e.to_string(),
                })
            }
        }
    }
}

fn default_count(mode: Mode) -> usize {
    match mode {
        Mode::Practice => 10,
        Mode::Exam => 65,
        Mode::Drill => 20,
    }
}

/// Runs a quiz against the given input and output; returns the exit code.
pub fn run_with(
    env: &Env<'_>,
    args: &QuizArgs,
    store: &mut Store,
    mut clock: Clock,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, RunError> {
    let mode: Mode = args.mode.into();
    if let Some(t) = &args.topic {
        if !crate::scenario::TOPICS.contains(&t.as_str()) {
            return Err(RunError::Usage(format!(
                "unknown topic '{t}'{}; topics: {}",
                crate::suggest::hint(t, crate::scenario::TOPICS.iter().copied()),
                crate::scenario::TOPICS.join(", ")
            )));
        }
    }
    if args.count == Some(0) {
        return Err(RunError::Usage("--count must be at least 1".into()));
    }
    if args.minutes.is_some() && mode != Mode::Exam {
        return Err(RunError::Usage(
            "--minutes applies to --mode exam only".into(),
        ));
    }
    if args.minutes == Some(0) {
        return Err(RunError::Usage("--minutes must be at least 1".into()));
    }
    let json = args.format == Format::Json;
    let mut io = Io {
        input,
        out,
        err,
        json,
        tty: env.tty,
        line: 0,
    };
    let st = if json { Style::PLAIN } else { env.style };
    let now = clock.now();
    if args.review {
        return review(env, &mut io, store, st);
    }
    let answered = store.answers()?;
    let mut seen: HashMap<String, usize> = HashMap::new();
    for a in &answered {
        *seen.entry(a.question.clone()).or_default() += 1;
    }
    let mut first = Vec::new();
    let mut revisit = Vec::new();
    if mode == Mode::Drill {
        for it in schedule::due_items(store, now)? {
            match schedule::parse_goal_item(&it.item) {
                Some((s, g)) => revisit.push((s.to_string(), g.to_string())),
                None => first.push(it.item),
            }
        }
        // Questions that are scheduled but not due wait; new ones come after the due ones.
        let scheduled: Vec<String> = env
            .questions
            .iter()
            .filter(|q| !first.contains(&q.id))
            .filter_map(|q| {
                store
                    .review_item(&q.id)
                    .ok()
                    .flatten()
                    .map(|_| q.id.clone())
            })
            .collect();
        for id in scheduled {
            *seen.entry(id).or_default() += 1_000_000;
        }
    }
    let sel = Selection {
        topic: args.topic.clone(),
        count: args.count.unwrap_or(default_count(mode)),
        seed: env.seed,
        first,
        // The store shapes the set only where that is the point (drill) or a person is at
        // the keyboard; batch practice and exams depend on the seed and the bank alone.
        seen: if mode == Mode::Drill || env.tty {
            seen
        } else {
            HashMap::new()
        },
    };
    let qs = session::select(env.questions, &sel)?;
    if !revisit.is_empty() {
        let mut s = String::from("Due: scenario goals to revisit\n");
        for (sc, g) in &revisit {
            let goal_text = env
                .scenarios
                .iter()
                .find(|x| x.id == *sc)
                .and_then(|x| x.goals.iter().find(|y| y.id == *g))
                .map(|y| format!(" ({})", y.text))
                .unwrap_or_default();
            s.push_str(&format!(
                "  revisit scenario {sc}: goal {g}{goal_text} — ec2-tutor play {sc}\n"
            ));
        }
        s.push('\n');
        io.show(&s);
    }
    let total = qs.len();
    let limit = args.minutes.unwrap_or(2 * total as u64) as i64 * 60;
    if mode == Mode::Exam {
        io.show(&format!(
            "Exam: {total} questions, {} minutes. Answers and score come at the end.{}\n\n",
            limit / 60,
            if env.tty {
                " Add ? to an answer (or type ? alone) to flag it for review; an empty line skips."
            } else {
                ""
            }
        ));
    }
    let start = now;
    let mut answers: Vec<Option<Vec<usize>>> = vec![None; total];
    let mut flagged = vec![false; total];
    let mut time_up = false;
    for (i, p) in qs.iter().enumerate() {
        let mut head = text::question(i + 1, total, p, st);
        if mode == Mode::Exam && env.tty {
            let left = (limit - (clock.now() - start)).max(0);
            head = format!("[{}:{:02} left]\n{head}", left / 60, left % 60);
        }
        io.show(&head);
        let (read, flag) = read_answer(&mut io, p, mode == Mode::Exam)?;
        flagged[i] = flag;
        let t = clock.now();
        if mode == Mode::Exam && t - start > limit {
            io.show("Time is up: this answer and the rest are not counted.\n");
            time_up = true;
            break;
        }
        match read {
            Read::Quit => {
                let rest = total - i;
                if !env.tty && rest > 0 {
                    io.show(&format!(
                        "(The input ended: {rest} question{} left unanswered.)\n\n",
                        if rest == 1 { "" } else { "s" }
                    ));
                }
                break;
            }
            Read::Skip => {
                if mode != Mode::Exam {
                    io.show(&text::feedback(p, None, st));
                    io.show("\n");
                }
            }
            Read::Answer(c) => {
                let right = p.is_right(&c);
                if mode != Mode::Exam {
                    // Stored before the feedback is shown: what the learner saw acknowledged
                    // survives a kill.
                    record(store, p, right, mode, t)?;
                    io.show(&text::feedback(p, Some(&c), st));
                    io.show("\n");
                }
                answers[i] = Some(c);
            }
        }
    }
    if mode == Mode::Exam {
        if env.tty && !time_up {
            exam_review(
                &mut io,
                &qs,
                &mut answers,
                &mut flagged,
                &mut clock,
                start,
                limit,
                st,
            )?;
        }
        let t = clock.now();
        for (p, a) in qs.iter().zip(&answers) {
            if let Some(c) = a {
                record(store, p, p.is_right(c), mode, t)?;
            }
        }
    }
    let results: Vec<bool> = qs
        .iter()
        .zip(&answers)
        .map(|(p, a)| a.as_deref().is_some_and(|c| p.is_right(c)))
        .collect();
    let right = results.iter().filter(|r| **r).count();
    let score = exam_score(&qs, &results);
    if json {
        let questions: Vec<Value> = qs
            .iter()
            .zip(&answers)
            .zip(&results)
            .map(|((p, a), r)| {
                json!({
                    "id": p.id,
                    "topic": p.topic,
                    "given": a.as_deref().map(letters).unwrap_or_default(),
                    "correct": p.correct_letters(),
                    "right": r,
                    "generated": p.generated,
                })
            })
            .collect();
        let mut doc = json!({"score": right, "total": total, "questions": questions});
        if mode == Mode::Exam {
            doc["exam"] = json!({
                "scaled_score": score.scaled,
                "pass_score": session::PASS_SCORE,
                "passed": score.passed,
                "minutes": limit / 60,
                "time_up": time_up,
                "flagged": (0..total).filter(|i| flagged[*i]).map(|i| qs[i].id.clone()).collect::<Vec<_>>(),
                "by_topic": score.by_topic,
                "by_domain": score.by_domain,
            });
        }
        if mode == Mode::Drill {
            doc["revisit"] = revisit
                .iter()
                .map(|(s, g)| json!({"scenario": s, "goal": g}))
                .collect();
        }
        let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        let _ = writeln!(io.out, "{text}");
    } else if mode == Mode::Exam {
        io.show(&text::exam_report(&qs, &answers, &flagged, &score, st));
    } else {
        io.show(&format!("{}\n", text::summary(mode, right, total)));
        if mode == Mode::Drill {
            let due = schedule::due_today(store, clock.now());
            io.show(&format!("Still due today: {due}.\n"));
        }
    }
    let _ = io.out.flush();
    Ok(0)
}

fn record(
    store: &mut Store,
    p: &Presented,
    right: bool,
    mode: Mode,
    now: i64,
) -> Result<(), RunError> {
    // The answer and its review schedule change together or not at all.
    store.atomically(|store| {
        store.record_answer(&QuizAnswer {
            question: p.id.clone(),
            topic: p.topic.clone(),
            correct: right,
            mode: mode.as_str().into(),
            at: now,
            seed: Some(p.seed as i64),
        })?;
        schedule::review(store, &p.id, right, now)?;
        Ok(())
    })
}

/// After the last exam question (interactive): go back to flagged or unanswered questions.
#[allow(clippy::too_many_arguments)]
fn exam_review(
    io: &mut Io<'_>,
    qs: &[Presented],
    answers: &mut [Option<Vec<usize>>],
    flagged: &mut [bool],
    clock: &mut Clock,
    start: i64,
    limit: i64,
    st: Style,
) -> Result<(), RunError> {
    loop {
        let open: Vec<usize> = (0..qs.len())
            .filter(|i| flagged[*i] || answers[*i].is_none())
            .collect();
        let list = |f: &dyn Fn(usize) -> bool| {
            (0..qs.len())
                .filter(|i| f(*i))
                .map(|i| (i + 1).to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let left = (limit - (clock.now() - start)).max(0);
        if left == 0 {
            io.show("Time is up.\n");
            return Ok(());
        }
        io.show(&format!(
            "\nReview [{}:{:02} left] flagged: {} · unanswered: {}\nType a question number to revisit it, or submit.\n",
            left / 60,
            left % 60,
            if open.iter().any(|i| flagged[*i]) { list(&|i| flagged[i]) } else { "none".into() },
            if open.iter().any(|i| answers[*i].is_none()) { list(&|i| answers[i].is_none()) } else { "none".into() },
        ));
        io.prompt("review> ");
        let Some(line) = io.read()? else {
            return Ok(());
        };
        let t = line.trim();
        if t.eq_ignore_ascii_case("submit") || t.eq_ignore_ascii_case("quit") {
            return Ok(());
        }
        let Ok(n) = t.parse::<usize>() else {
            io.show("Type a question number (1-N) or submit.\n");
            continue;
        };
        if n == 0 || n > qs.len() {
            io.show(&format!("There is no question {n}: 1-{}.\n", qs.len()));
            continue;
        }
        let i = n - 1;
        let mut head = text::question(n, qs.len(), &qs[i], st);
        if let Some(c) = &answers[i] {
            head.push_str(&format!("(your answer: {})\n", letters(c)));
        }
        io.show(&head);
        let (read, flag) = read_answer(io, &qs[i], true)?;
        if clock.now() - start > limit {
            io.show("Time is up: that answer is not counted.\n");
            return Ok(());
        }
        flagged[i] = flag;
        match read {
            Read::Answer(c) => answers[i] = Some(c),
            Read::Skip => {}
            Read::Quit => return Ok(()),
        }
    }
}

/// `quiz --review`: the questions whose latest answer was wrong, with answers and whys.
fn review(env: &Env<'_>, io: &mut Io<'_>, store: &mut Store, st: Style) -> Result<i32, RunError> {
    let answers = store.answers()?;
    // The latest answer per question, in the order of those latest answers.
    let mut latest: Vec<&QuizAnswer> = Vec::new();
    for a in &answers {
        latest.retain(|x| x.question != a.question);
        latest.push(a);
    }
    let wrong: Vec<&QuizAnswer> = latest.into_iter().filter(|a| !a.correct).collect();
    let mut items: Vec<Presented> = Vec::new();
    let mut missing = Vec::new();
    for a in &wrong {
        match env.questions.iter().find(|q| q.id == a.question) {
            Some(q) => {
                let p = match a.seed {
                    Some(s) => session::instantiate_with(q, s as u64)?,
                    None => session::instantiate(q, 0)?,
                };
                items.push(p);
            }
            None => missing.push(a.question.clone()),
        }
    }
    if io.json {
        let list: Vec<Value> = items
            .iter()
            .map(|p| {
                json!({
                    "id": p.id,
                    "topic": p.topic,
                    "prompt": p.prompt,
                    "correct": p.correct_letters(),
                    "options": p.options.iter().enumerate().map(|(i, o)| json!({
                        "letter": session::letter(i).to_string(), "text": o.text, "correct": o.correct, "why": o.why
                    })).collect::<Vec<_>>(),
                    "explanation": p.explanation,
                })
            })
            .collect();
        let doc = json!({"review": list, "missing": missing});
        let _ = writeln!(
            io.out,
            "{}",
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        );
        return Ok(0);
    }
    if items.is_empty() {
        io.show("Nothing to review: no question's latest answer is wrong.\n");
    }
    let total = items.len();
    for (i, p) in items.iter().enumerate() {
        io.show(&text::review_entry(i + 1, total, p, st));
        if io.tty && i + 1 < total {
            io.prompt("(Enter for the next, q to stop) ");
            match io.read()? {
                Some(l) if l.trim().eq_ignore_ascii_case("q") => break,
                None => break,
                _ => {}
            }
        }
        io.show("\n");
    }
    for m in missing {
        io.show(&format!("({m} is no longer in the bank.)\n"));
    }
    Ok(0)
}
