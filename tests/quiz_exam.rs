//! Exam and drill runs in-process against a fixed question set (tests/fixtures/quiz plus the
//! generator entries of questions/generated.yaml), a fixed seed and a clock the test controls:
//! snapshots of an exam, flagging and coming back to questions, the time limit, and drill items
//! from failed scenario goals.

use ec2_tutor::cli::Format;
use ec2_tutor::quiz::question::{load_questions, Question};
use ec2_tutor::quiz::run::{run_with, Clock, Env, ModeArg, QuizArgs};
use ec2_tutor::quiz::schedule;
use ec2_tutor::render::text::Style;
use ec2_tutor::store::Store;
use std::cell::Cell;
use std::rc::Rc;

/// 2026-11-15 12:00:00 UTC.
const NOW: i64 = 1_794_744_000;

fn questions() -> Vec<Question> {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut qs = Vec::new();
    for f in [
        "tests/fixtures/quiz/questions.yaml",
        "questions/generated.yaml",
    ] {
        let path = format!("{root}/{f}");
        let text = std::fs::read_to_string(&path).unwrap();
        qs.extend(load_questions(&path, &text).unwrap_or_else(|e| panic!("{e}")));
    }
    qs
}

fn args(mode: ModeArg, count: usize, minutes: Option<u64>, format: Format) -> QuizArgs {
    QuizArgs {
        topic: None,
        count: Some(count),
        mode,
        minutes,
        review: false,
        format,
        now: None,
    }
}

struct Run {
    code: i32,
    out: String,
    err: String,
}

fn tmp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("ec2-tutor-exam-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn run(
    store: &mut Store,
    qs: &[Question],
    a: &QuizArgs,
    tty: bool,
    clock: Clock,
    input: &str,
) -> Run {
    let env = Env {
        questions: qs,
        scenarios: &[],
        seed: 11,
        tty,
        style: Style::PLAIN,
    };
    let mut inp = input.as_bytes();
    let mut out = Vec::new();
    let mut err = Vec::new();
    let code = run_with(&env, a, store, clock, &mut inp, &mut out, &mut err)
        .unwrap_or_else(|e| panic!("{e}"));
    Run {
        code,
        out: String::from_utf8(out).unwrap(),
        err: String::from_utf8(err).unwrap(),
    }
}

/// The correct letters of each question, from a JSON run with no answers.
fn key(store: &mut Store, qs: &[Question], a: &QuizArgs) -> Vec<String> {
    let mut j = a.clone();
    j.format = Format::Json;
    let r = run(store, qs, &j, false, Clock::fixed(NOW), "");
    let doc: serde_json::Value = serde_json::from_str(&r.out).unwrap();
    doc["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["correct"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn exam_snapshot_with_a_fixed_seed_and_clock() {
    let qs = questions();
    let dir = tmp("snap");
    let mut store = Store::open(&dir).unwrap();
    let a = args(ModeArg::Exam, 8, Some(30), Format::Text);
    let k = key(&mut store, &qs, &a);
    assert_eq!(k.len(), 8);
    // Right, right + flagged, wrong, skipped, right, then the rest right.
    let wrong = if k[2].starts_with('a') { "b" } else { "a" };
    let wrong = if k[2].len() == 2 {
        format!("{wrong}{}", if wrong == "a" { "b" } else { "c" })
    } else {
        wrong.to_string()
    };
    let input = format!(
        "{}\n{}?\n{wrong}\n\n{}\n{}\n{}\n{}\n",
        k[0], k[1], k[4], k[5], k[6], k[7]
    );
    let r = run(&mut store, &qs, &a, false, Clock::fixed(NOW), &input);
    assert_eq!(r.code, 0, "{}", r.err);
    insta::assert_snapshot!("exam_run", r.out);
    let mut j = a.clone();
    j.format = Format::Json;
    let r = run(&mut store, &qs, &j, false, Clock::fixed(NOW), &input);
    insta::assert_snapshot!("exam_run_json", r.out);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_exam_flags_questions_and_comes_back_to_them_interactively() {
    let qs = questions();
    let dir = tmp("flag");
    let mut store = Store::open(&dir).unwrap();
    let a = args(ModeArg::Exam, 3, Some(10), Format::Text);
    let k = key(&mut store, &qs, &a);
    // Q1 skipped with a flag, Q2 an unreadable answer then right, Q3 right; then revisit 1.
    let input = format!("?\nzz\n{}\n{}\n1\n{}\nsubmit\n", k[1], k[2], k[0]);
    let r = run(&mut store, &qs, &a, true, Clock::fixed(NOW), &input);
    assert_eq!(r.code, 0);
    assert!(r.out.contains("[10:00 left]"), "{}", r.out);
    assert!(r.out.contains("is not an option"), "{}", r.out);
    assert!(r.out.contains("flagged: 1 · unanswered: 1"), "{}", r.out);
    assert!(
        r.out
            .contains("Score 3/3 · scaled 1000 (100-1000, pass 720) · PASS"),
        "{}",
        r.out
    );
    // Exam answers are recorded at the end.
    assert_eq!(store.answers().unwrap().len(), 3);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_exam_stops_when_time_is_up() {
    let qs = questions();
    let dir = tmp("time");
    let mut store = Store::open(&dir).unwrap();
    let a = args(ModeArg::Exam, 4, Some(5), Format::Json);
    let k = key(&mut store, &qs, &a);
    // Every reading of the clock is three minutes later.
    let t = Rc::new(Cell::new(NOW));
    let tc = t.clone();
    let clock = Clock::from_fn(move || {
        let v = tc.get();
        tc.set(v + 180);
        v
    });
    let input: String = k.iter().map(|l| format!("{l}\n")).collect();
    let r = run(&mut store, &qs, &a, false, clock, &input);
    let doc: serde_json::Value = serde_json::from_str(&r.out).unwrap();
    assert_eq!(doc["exam"]["time_up"], true);
    assert!(doc["score"].as_u64().unwrap() < 4, "{}", r.out);
    assert_eq!(doc["total"], 4);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn practice_feedback_explains_every_option() {
    let qs = questions();
    let dir = tmp("practice");
    let mut store = Store::open(&dir).unwrap();
    let a = args(ModeArg::Practice, 2, None, Format::Text);
    let k = key(&mut store, &qs, &a);
    let r = run(
        &mut store,
        &qs,
        &a,
        false,
        Clock::fixed(NOW),
        &format!("{}\n\n", k[0]),
    );
    assert!(r.out.contains("✓ Right."), "{}", r.out);
    assert!(r.out.contains("No answer: the answer is"), "{}", r.out);
    assert!(r.out.contains("Explanation:"), "{}", r.out);
    assert!(r.out.contains("Practice done: 1/2 right."), "{}", r.out);
    // Every option of the first question is shown with its why (the line under it).
    let first = r.out.split("Question 2/2").next().unwrap();
    let marks = first
        .lines()
        .filter(|l| l.trim_start().starts_with(['✓', '✗']))
        .count();
    assert!(marks >= 3, "{first}");
    // Interactive: an invalid answer is explained and asked again, not graded. (A fresh store:
    // interactively, questions answered less often come first.)
    let dir2 = tmp("practice-tty");
    let mut fresh = Store::open(&dir2).unwrap();
    let r = run(
        &mut fresh,
        &qs,
        &a,
        true,
        Clock::fixed(NOW),
        &format!("q\n{}\nquit\n", k[0]),
    );
    let _ = std::fs::remove_dir_all(&dir2);
    assert!(r.out.contains("'q' is not an option"), "{}", r.out);
    assert!(r.out.contains("✓ Right."), "{}", r.out);
    assert!(r.err.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn failed_goals_become_drill_items_shown_first() {
    let qs = questions();
    let dir = tmp("drill");
    let mut store = Store::open(&dir).unwrap();
    schedule::add_goal_drill(&mut store, "sg-ssh-from-bastion", "no-ssh-world", NOW).unwrap();
    assert_eq!(schedule::due_today(&store, NOW), 1);
    let a = args(ModeArg::Drill, 2, None, Format::Text);
    let r = run(&mut store, &qs, &a, false, Clock::fixed(NOW), "");
    assert!(
        r.out
            .contains("revisit scenario sg-ssh-from-bastion: goal no-ssh-world"),
        "{}",
        r.out
    );
    assert!(r.out.contains("Still due today: 1."), "{}", r.out);
    // Met at the next check: it moves out of today.
    schedule::record_goal_result(&mut store, "sg-ssh-from-bastion", "no-ssh-world", true, NOW)
        .unwrap();
    assert_eq!(schedule::due_today(&store, NOW), 0);
    let _ = std::fs::remove_dir_all(&dir);
}
