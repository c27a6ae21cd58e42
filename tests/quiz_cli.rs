//! The batch quiz contract (SPEC §7), run through the built binary with piped stdin and a
//! temporary data directory; the bank's questions are well-formed. (The exam snapshot is in
//! quiz_exam.rs, on a fixed question set.)

use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// 2026-11-15 12:00:00 UTC.
const NOW: &str = "1794744000";

struct Tmp(PathBuf);

impl Tmp {
    fn new(name: &str) -> Tmp {
        let d = std::env::temp_dir().join(format!("ec2-tutor-quiz-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Tmp(d)
    }
}

impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the binary with `args` and `stdin`; returns (exit code, stdout, stderr).
fn run(data: &Tmp, args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ec2-tutor"))
        .args(args)
        .env("EC2_TUTOR_DATA_DIR", &data.0)
        .env("EC2_TUTOR_NOW", NOW)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not one JSON document ({e}):\n{s}"))
}

#[test]
fn the_same_seed_gives_the_same_output_byte_for_byte() {
    let a = Tmp::new("same-a");
    let b = Tmp::new("same-b");
    let args = ["quiz", "--count", "12", "--seed", "42", "--format", "json"];
    let x = run(&a, &args, "\n\n");
    let y = run(&b, &args, "\n\n");
    assert_eq!(x.0, 0, "{}", x.2);
    assert_eq!(x.1, y.1);
    // The progress store does not change the question set in batch mode.
    let z = run(&a, &args, "\n\n");
    assert_eq!(x.1, z.1);
    let text = ["quiz", "--count", "12", "--seed", "42"];
    let t1 = run(&a, &text, "");
    let t2 = run(&b, &text, "");
    assert_eq!(t1.1, t2.1);
    // Another seed, another quiz.
    let other = run(
        &a,
        &["quiz", "--count", "12", "--seed", "43", "--format", "json"],
        "",
    );
    assert_ne!(json(&x.1)["questions"], json(&other.1)["questions"]);
}

#[test]
fn answering_the_stated_correct_letters_scores_full_marks() {
    let d = Tmp::new("full");
    for seed in ["1", "7"] {
        let args = ["quiz", "--count", "30", "--seed", seed, "--format", "json"];
        let (code, out, err) = run(&d, &args, "");
        assert_eq!(code, 0, "{err}");
        let doc = json(&out);
        let total = doc["total"].as_u64().unwrap();
        assert!(total >= 5);
        let answers: String = doc["questions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| format!("{}\n", q["correct"].as_str().unwrap()))
            .collect();
        let (code, out, err) = run(&d, &args, &answers);
        assert_eq!(code, 0, "{err}");
        let doc = json(&out);
        assert_eq!(doc["score"], doc["total"], "{out}");
        assert!(doc["questions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["right"] == true));
    }
}

#[test]
fn the_json_document_has_the_spec_shape() {
    let d = Tmp::new("shape");
    let (code, out, _) = run(
        &d,
        &["quiz", "--count", "6", "--seed", "3", "--format", "json"],
        "a\n\nB\n",
    );
    assert_eq!(code, 0);
    let doc = json(&out);
    let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["score", "total", "questions"]);
    assert_eq!(doc["total"], 6);
    let qs = doc["questions"].as_array().unwrap();
    assert_eq!(qs.len(), 6);
    let mut score = 0;
    for (i, q) in qs.iter().enumerate() {
        let keys: Vec<&String> = q.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            ["id", "topic", "given", "correct", "right", "generated"]
        );
        assert!(q["id"].is_string() && q["topic"].is_string());
        assert!(q["generated"].is_boolean());
        let given = q["given"].as_str().unwrap();
        match i {
            0 => assert_eq!(given, "a"),
            1 => assert_eq!(given, "", "an empty line leaves the question unanswered"),
            2 => assert_eq!(given, "b", "letters are case-insensitive"),
            _ => assert_eq!(given, "", "the end of input leaves the rest unanswered"),
        }
        let right = q["right"].as_bool().unwrap();
        assert_eq!(right, given == q["correct"].as_str().unwrap());
        score += right as u64;
    }
    assert_eq!(doc["score"].as_u64().unwrap(), score);
}

#[test]
fn an_answer_that_is_not_an_option_is_an_error_not_a_wrong_answer() {
    let d = Tmp::new("bad");
    let (code, out, err) = run(&d, &["quiz", "--count", "3", "--format", "json"], "z\n");
    assert_eq!(code, 2);
    assert!(out.is_empty(), "{out}");
    assert!(
        err.starts_with("error: answer on input line 1: 'z' is not an option"),
        "{err}"
    );
    let (code, _, err) = run(&d, &["quiz", "--topic", "firewalls"], "");
    assert_eq!(code, 2);
    assert!(err.contains("unknown topic 'firewalls'"), "{err}");
    let (code, _, err) = run(&d, &["quiz", "--count", "0"], "");
    assert_eq!(code, 2);
    assert!(err.contains("--count must be at least 1"), "{err}");
    let (code, _, err) = run(&d, &["quiz", "--mode", "cram"], "");
    assert_eq!(code, 2, "{err}");
}

#[test]
fn batch_answers_are_written_to_the_store_and_review_shows_the_wrong_ones() {
    let d = Tmp::new("store");
    let args = ["quiz", "--count", "4", "--seed", "5", "--format", "json"];
    let doc = json(&run(&d, &args, "").1);
    // Answer the first right and the second wrong.
    let qs = doc["questions"].as_array().unwrap();
    let first = qs[0]["correct"].as_str().unwrap().to_string();
    let wrong: String = {
        let c = qs[1]["correct"].as_str().unwrap();
        let n = c.len();
        // Any other set of the same size.
        let letters: Vec<char> = "abcd".chars().filter(|x| !c.contains(*x)).collect();
        letters[..n].iter().collect()
    };
    let (code, _, err) = run(&d, &args, &format!("{first}\n{wrong}\n"));
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = run(&d, &["quiz", "--review", "--format", "json"], "");
    assert_eq!(code, 0);
    let review = json(&out);
    let ids: Vec<&str> = review["review"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [qs[1]["id"].as_str().unwrap()]);
    let item = &review["review"][0];
    assert_eq!(
        item["correct"], qs[1]["correct"],
        "the same instance, the same letters"
    );
    assert!(item["options"]
        .as_array()
        .unwrap()
        .iter()
        .all(|o| !o["why"].as_str().unwrap().is_empty()));
    // Drill now puts the wrong one first (it is due again within the day).
    let drill = json(
        &run(
            &d,
            &[
                "quiz", "--mode", "drill", "--count", "2", "--format", "json",
            ],
            "",
        )
        .1,
    );
    assert_eq!(drill["questions"][0]["id"], qs[1]["id"]);
    assert_eq!(drill["revisit"], serde_json::json!([]));
}

#[test]
fn every_hand_written_question_in_the_bank_is_well_formed() {
    let bank = ec2_tutor::bank::load(&[]).unwrap_or_else(|e| {
        panic!(
            "the built-in bank loads: {}",
            e.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    let mut ids = std::collections::HashSet::new();
    for q in &bank.questions {
        assert!(
            ids.insert(q.id.clone()),
            "question id {} is used twice",
            q.id
        );
        assert!(!q.prompt.trim().is_empty(), "{}: empty prompt", q.id);
        assert!(
            ec2_tutor::scenario::TOPICS.contains(&q.topic.as_str()),
            "{}",
            q.id
        );
        match &q.generator {
            Some(g) => assert!(
                ec2_tutor::quiz::question::GENERATORS.contains(&g.as_str()),
                "{}",
                q.id
            ),
            None => {
                let correct = q.choices.iter().filter(|c| c.correct).count();
                assert_eq!(
                    correct, q.choose,
                    "{}: exactly `choose` correct options",
                    q.id
                );
                assert!(q.choices.len() > q.choose, "{}", q.id);
                for c in &q.choices {
                    assert!(
                        !c.why.trim().is_empty(),
                        "{}: option '{}' has no why",
                        q.id,
                        c.text
                    );
                    assert!(!c.text.trim().is_empty(), "{}", q.id);
                }
                if let Some(s) = &q.scenario {
                    assert!(
                        bank.scenario(s).is_some(),
                        "{}: scenario {s} is not in the bank",
                        q.id
                    );
                }
            }
        }
    }
    // One generator entry per generator in the built-in bank.
    for g in ec2_tutor::quiz::question::GENERATORS {
        assert!(
            bank.questions
                .iter()
                .any(|q| q.generator.as_deref() == Some(*g)),
            "generator {g} has no entry in questions/"
        );
    }
}
