//! Durable progress: the store survives `kill -9` in the middle of writes with everything the
//! process had acknowledged (printed), two writers at once both succeed, a store from a newer
//! ec2-tutor is refused with a clear message, and one from an older version is migrated.
//! These tests run the real binary and really kill it.
#![cfg(unix)]

use ec2_tutor::store::{Store, SCHEMA_VERSION};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ec2-tutor"));
    c.env("NO_COLOR", "1").env_remove("EC2_TUTOR_DATA_DIR");
    c
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ec2-tutor-durable-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A random moment: seeded from the clock, printed so that a failure can be told apart.
fn random_ms(lo: u64, hi: u64) -> u64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64;
    let mut x = nanos ^ (std::process::id() as u64) << 32;
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51afd7ed558ccd);
    x ^= x >> 33;
    lo + x % (hi - lo)
}

/// Reads the child's stdout lines on a thread; returns them as they come.
fn lines_of(child: &mut Child) -> mpsc::Receiver<String> {
    let out = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for l in BufReader::new(out).lines() {
            let Ok(l) = l else { break };
            if tx.send(l).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits until `n` lines satisfying `counts` have arrived (so the kill lands mid-stream),
/// then waits `ms` more, kills the child with SIGKILL and returns every line it printed.
fn kill_after(
    mut child: Child,
    rx: &mpsc::Receiver<String>,
    n: usize,
    counts: impl Fn(&str) -> bool,
    ms: u64,
) -> Vec<String> {
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while seen.iter().filter(|l: &&String| counts(l)).count() < n {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(l) => seen.push(l),
            Err(_) => panic!("the child wrote only {} lines: {seen:?}", seen.len()),
        }
    }
    let until = Instant::now() + Duration::from_millis(ms);
    while let Some(left) = until.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(l) => seen.push(l),
            Err(mpsc::RecvTimeoutError::Timeout) => break,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    child.kill().unwrap(); // SIGKILL on Unix: no destructor, no flush, no rollback.
    let status = child.wait().unwrap();
    assert!(!status.success(), "the child finished before the kill");
    // Whatever it had written to the pipe before dying was printed, so acknowledged.
    while let Ok(l) = rx.recv_timeout(Duration::from_secs(5)) {
        seen.push(l);
    }
    seen
}

fn integrity_ok(dir: &Path) {
    let c = rusqlite::Connection::open(dir.join("progress.sqlite3")).unwrap();
    let r: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(r, "ok");
}

/// Checks what `__store-stress --tag TAG` left: every acknowledged record, nothing torn.
fn check_stress_records(store: &Store, tag: &str, acked: &HashSet<u64>) {
    let answers: HashSet<String> = store
        .answers()
        .unwrap()
        .into_iter()
        .map(|a| a.question)
        .filter(|q| q.starts_with(&format!("{tag}-")))
        .collect();
    for n in acked {
        let id = format!("{tag}-{n}");
        assert!(answers.contains(&id), "acknowledged answer {id} is lost");
        assert!(
            store.review_item(&id).unwrap().is_some(),
            "the review item of acknowledged {id} is lost"
        );
    }
    // The answer and its review item commit together: none without the other.
    for id in &answers {
        assert!(store.review_item(id).unwrap().is_some(), "{id}: torn write");
    }
    // Attempts fold into per-scenario totals in their own transaction, just before the answer:
    // at most one more attempt than answers, never fewer.
    let attempts: i64 = store
        .scenario_progress()
        .unwrap()
        .iter()
        .filter(|p| p.scenario.starts_with(&format!("{tag}-scenario-")))
        .map(|p| p.attempts)
        .sum();
    let n = answers.len() as i64;
    assert!(
        attempts == n || attempts == n + 1,
        "{attempts} attempts for {n} answers"
    );
    // And answers are numbered from 0 with no gap: each one was acknowledged after the last.
    assert!((0..n as u64).all(|k| answers.contains(&format!("{tag}-{k}"))));
}

fn acks(lines: &[String]) -> HashSet<u64> {
    lines
        .iter()
        .filter_map(|l| l.strip_prefix("ack ")?.parse().ok())
        .collect()
}

#[test]
fn kill_9_during_writes_loses_nothing_acknowledged() {
    let dir = tmp("kill");
    for round in 0..4 {
        let ms = random_ms(0, 150);
        let mut child = bin()
            .args(["--data-dir", dir.to_str().unwrap(), "__store-stress"])
            .args(["--count", "100000000", "--tag", &format!("r{round}")])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let rx = lines_of(&mut child);
        let lines = kill_after(child, &rx, 5, |l| l.starts_with("ack "), ms);
        let acked = acks(&lines);
        assert!(acked.len() >= 5, "round {round}");
        // The store opens (recovering the WAL) and holds every acknowledged record.
        integrity_ok(&dir);
        let store = Store::open(&dir).unwrap_or_else(|e| panic!("round {round} ({ms} ms): {e}"));
        check_stress_records(&store, &format!("r{round}"), &acked);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn two_writers_at_once_both_succeed() {
    let dir = tmp("two");
    let spawn = |tag: &str| {
        bin()
            .args(["--data-dir", dir.to_str().unwrap(), "__store-stress"])
            .args(["--count", "150", "--tag", tag])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn("a"), spawn("b"));
    for (tag, child) in [("a", a), ("b", b)] {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{tag}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            acks(
                &String::from_utf8_lossy(&out.stdout)
                    .lines()
                    .map(String::from)
                    .collect::<Vec<_>>()
            )
            .len(),
            150
        );
    }
    integrity_ok(&dir);
    let store = Store::open(&dir).unwrap();
    for tag in ["a", "b"] {
        check_stress_records(&store, tag, &(0..150).collect());
    }
    assert_eq!(store.answers().unwrap().len(), 300);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs a batch quiz once with every question skipped to learn how many letters each one
/// takes, so a second run with the same seed can answer them all.
fn quiz_answers(dir: &Path, seed: &str, count: &str) -> String {
    let mut c = bin()
        .args(["--data-dir", dir.to_str().unwrap(), "--seed", seed, "quiz"])
        .args(["--count", count])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    c.stdin
        .take()
        .unwrap()
        .write_all("\n".repeat(1000).as_bytes())
        .unwrap();
    let mut out = String::new();
    c.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    assert!(c.wait().unwrap().success());
    let mut answers = String::new();
    for block in format!("\n{out}").split("\nQuestion ").skip(1) {
        if block.contains("(Choose 3.)") {
            answers.push_str("abc\n");
        } else if block.contains("(Choose 2.)") {
            answers.push_str("ab\n");
        } else {
            answers.push_str("a\n");
        }
    }
    answers
}

#[test]
fn kill_9_during_a_batch_quiz_keeps_every_answer_shown() {
    // The real path: a learner's quiz answers, each stored before its feedback is printed.
    let dir = tmp("quiz");
    let answers = quiz_answers(&dir, "7", "200");
    let n = answers.lines().count();
    assert!(n >= 100, "{n}");
    let mut child = bin()
        .args([
            "--data-dir",
            dir.to_str().unwrap(),
            "--seed",
            "7",
            "quiz",
            "--count",
            "200",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    std::thread::spawn(move || {
        let _ = stdin.write_all(answers.as_bytes());
    });
    let rx = lines_of(&mut child);
    let feedback = |l: &str| l.starts_with("✓ Right") || l.starts_with("✗ ");
    // Kill at a random point counted in answers, not milliseconds: on a fast disk the whole
    // quiz can finish within a timed delay, and the kill must land mid-run.
    let at = random_ms(3, 40) as usize;
    let lines = kill_after(child, &rx, at, feedback, 0);
    let shown = lines.iter().filter(|l| feedback(l)).count();
    integrity_ok(&dir);
    let store = Store::open(&dir).unwrap();
    let stored = store.answers().unwrap().len();
    // Every answer whose feedback was printed is stored; at most one more (stored, not yet shown).
    assert!(
        stored == shown || stored == shown + 1,
        "{shown} answers shown, {stored} stored"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_store_from_a_newer_version_is_refused_at_the_command_line() {
    let dir = tmp("newer");
    drop(Store::open(&dir).unwrap());
    let c = rusqlite::Connection::open(dir.join("progress.sqlite3")).unwrap();
    c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    drop(c);
    let out = bin()
        .args(["--data-dir", dir.to_str().unwrap(), "progress"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "was written by a newer ec2-tutor (schema {}, this build knows {SCHEMA_VERSION}); upgrade ec2-tutor or use another --data-dir",
            SCHEMA_VERSION + 1
        )),
        "{err}"
    );
    // A session still runs, saying that progress will not be saved — and the store is untouched.
    let mut child = bin()
        .args([
            "--data-dir",
            dir.to_str().unwrap(),
            "play",
            "sg-least-privilege",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"goals\nquit\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("progress will not be saved"));
    let c = rusqlite::Connection::open(dir.join("progress.sqlite3")).unwrap();
    let v: i64 = c
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, SCHEMA_VERSION + 1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The first schema, as version 1 of ec2-tutor wrote it.
const V1: &str = "CREATE TABLE scenario_progress (
        scenario TEXT PRIMARY KEY,
        attempts INTEGER NOT NULL DEFAULT 0,
        passes INTEGER NOT NULL DEFAULT 0,
        unaided_passes INTEGER NOT NULL DEFAULT 0,
        hints_used INTEGER NOT NULL DEFAULT 0,
        seconds INTEGER NOT NULL DEFAULT 0,
        last_at INTEGER NOT NULL DEFAULT 0);
     CREATE TABLE attempts (id INTEGER PRIMARY KEY, scenario TEXT NOT NULL, at INTEGER NOT NULL,
        passed INTEGER NOT NULL, aided INTEGER NOT NULL, hints INTEGER NOT NULL, seconds INTEGER NOT NULL);
     CREATE TABLE quiz_answers (id INTEGER PRIMARY KEY, question TEXT NOT NULL, topic TEXT NOT NULL,
        correct INTEGER NOT NULL, mode TEXT NOT NULL, at INTEGER NOT NULL);
     CREATE TABLE review (item TEXT PRIMARY KEY, due INTEGER NOT NULL, stability REAL NOT NULL,
        difficulty REAL NOT NULL, reps INTEGER NOT NULL, lapses INTEGER NOT NULL, state INTEGER NOT NULL,
        last_review INTEGER NOT NULL);
     INSERT INTO scenario_progress VALUES ('sg-least-privilege', 3, 1, 1, 2, 600, 1700000000);
     INSERT INTO quiz_answers (question, topic, correct, mode, at)
        VALUES ('sg-stateful-replies', 'security-groups', 1, 'practice', 1700000000);
     PRAGMA user_version = 1;";

#[test]
fn a_store_from_an_older_version_is_migrated() {
    let dir = tmp("older");
    let c = rusqlite::Connection::open(dir.join("progress.sqlite3")).unwrap();
    c.execute_batch(V1).unwrap();
    drop(c);
    // Through the command line: the v1 learner's progress shows.
    let out = bin()
        .args([
            "--data-dir",
            dir.to_str().unwrap(),
            "progress",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = doc["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["scenario"] == "sg-least-privilege")
        .unwrap();
    assert_eq!(row["status"], "passed unaided");
    assert_eq!(row["attempts"], 3);
    assert_eq!(doc["quiz"]["answered"], 1);
    // Migrated to the current schema, old rows kept (the v2 column empty), new writes work.
    let mut store = Store::open(&dir).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let a = store.answers().unwrap();
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].seed, None);
    let mut b = a[0].clone();
    b.seed = Some(5);
    store.record_answer(&b).unwrap();
    assert_eq!(store.answers().unwrap()[1].seed, Some(5));
    integrity_ok(&dir);
    let _ = std::fs::remove_dir_all(&dir);
}
