//! Hostile banks: scenario and question files travel between instructors and students, so a
//! bank is untrusted input. Each case here is either rejected fast with a clear, located error
//! or neutralised before it reaches a terminal. The limits are listed in the README.

use ec2_tutor::quiz::question::load_questions;
use ec2_tutor::render::text::{clean, terminal};
use ec2_tutor::scenario::load::{load_scenario, MAX_FILE_BYTES};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Generous for a debug build on a busy machine; every case takes milliseconds.
const FAST: Duration = Duration::from_secs(2);

const VALID: &str = "id: ok
title: T
topic: security-groups
difficulty: 1
brief: b
world:
  vpcs:
    - {name: main, cidr: 10.0.0.0/16}
  subnets:
    - {name: s, vpc: main, cidr: 10.0.1.0/24}
  instances:
    - {name: web, subnet: s, private_ip: 10.0.1.10}
goals:
  - {id: g, text: t, state: {instance: web, http_tokens: required}, expect: true}
";

/// Loads a scenario, timing it; returns the error text (it must fail).
fn rejected(name: &str, text: &str) -> String {
    let t = Instant::now();
    let r = load_scenario(name, text, false);
    let took = t.elapsed();
    assert!(took < FAST, "{name}: took {took:?}");
    let e = r
        .err()
        .unwrap_or_else(|| panic!("{name}: loaded"))
        .to_string();
    assert_eq!(
        clean(&e),
        e,
        "{name}: the error itself carries control characters"
    );
    e
}

fn rejected_questions(name: &str, text: &str) -> String {
    let t = Instant::now();
    let r = load_questions(name, text);
    assert!(t.elapsed() < FAST, "{name}: took {:?}", t.elapsed());
    r.err()
        .unwrap_or_else(|| panic!("{name}: loaded"))
        .to_string()
}

/// Billion laughs: 10 × 10^12 strings if every alias were expanded, as a mapping indented by
/// `indent` spaces.
fn alias_bomb(indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut bomb = format!("{pad}a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let mut prev = "a".to_string();
    for i in 0..12 {
        let name = format!("b{i}");
        let refs = vec![format!("*{prev}"); 10].join(", ");
        bomb.push_str(&format!("{pad}{name}: &{name} [{refs}]\n"));
        prev = name;
    }
    bomb
}

#[test]
fn an_alias_bomb_is_rejected_by_the_alias_budget() {
    // Where the schema takes free-form data (an IAM policy document), so the parser really
    // expands the aliases until the budget stops it.
    let e = rejected("bomb.yaml", &in_policy(&alias_bomb(10)));
    assert!(e.contains("bomb.yaml:"), "{e}");
    assert!(
        e.contains("more than 200000 YAML nodes, counting what its aliases expand to"),
        "{e}"
    );
    // One big string aliased many times: the text budget.
    let big = format!(
        "          s: &s {}\n          l: [{}]",
        "x".repeat(500_000),
        vec!["*s"; 100].join(", ")
    );
    let e = rejected("strings.yaml", &in_policy(&big));
    assert!(
        e.contains("bytes of text, counting what its aliases expand to"),
        "{e}"
    );
    // At the top of a file: the schema turns it down before any expansion.
    let e = rejected("bomb-top.yaml", &alias_bomb(0));
    assert!(e.contains("bomb-top.yaml:1:1: unknown field `a`"), "{e}");
    let e = rejected_questions("bomb-q.yaml", &format!("- id: q\n{}", alias_bomb(2)));
    assert!(e.contains("bomb-q.yaml:"), "{e}");
}

/// VALID with `yaml` (indented by 8) as the document of an IAM policy: free-form data, so
/// the schema cannot turn it down before the parser's budgets see it all.
fn in_policy(yaml: &str) -> String {
    VALID.replace(
        "  subnets:",
        &format!("  iam:\n    policies:\n      - name: p\n        document:\n{yaml}\n  subnets:"),
    )
}

#[test]
fn deep_nesting_is_rejected_by_the_depth_budget() {
    for (kind, deep) in [
        (
            "flow mappings",
            format!("{}{}", "{a: ".repeat(100_000), "}".repeat(100_000)),
        ),
        (
            "flow sequences",
            format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
        ),
    ] {
        let e = rejected("deep.yaml", &deep);
        assert!(e.contains("deep.yaml:1:"), "{kind}: {e}");
        assert!(e.contains("nest"), "{kind}: {e}");
        let e = rejected("deep.yaml", &in_policy(&format!("          x: {deep}")));
        assert!(e.contains("nest"), "{kind}: {e}");
    }
    let mut block = String::new();
    for i in 0..1_000 {
        block.push_str(&" ".repeat(10 + i));
        block.push_str("a:\n");
    }
    block.push_str(&" ".repeat(1_010));
    block.push('x');
    let e = rejected("deep.yaml", &in_policy(&block));
    assert!(e.contains("deep.yaml:"), "{e}");
    assert!(e.contains("nests more than 64 levels deep"), "{e}");
}

#[test]
fn a_file_over_the_size_limit_is_rejected_before_parsing() {
    let huge = format!("{VALID}# {}\n", "x".repeat(MAX_FILE_BYTES));
    let e = rejected("huge.yaml", &huge);
    assert!(e.contains("the limit is 1048576 bytes"), "{e}");
    let e = rejected_questions("huge-q.yaml", &huge);
    assert!(e.contains("the limit is 1048576 bytes"), "{e}");
}

#[test]
fn a_huge_file_on_disk_is_refused_without_reading_it() {
    // A sparse 4 GiB file: refused from its size, at once, with no 4 GiB allocation.
    let dir = tmp("huge-disk");
    let f = dir.join("huge.yaml");
    let file = std::fs::File::create(&f).unwrap();
    file.set_len(4 << 30).unwrap();
    drop(file);
    let t = Instant::now();
    let e = ec2_tutor::bank::read_file(&f).err().unwrap().to_string();
    assert!(t.elapsed() < FAST);
    assert!(
        e.contains("file is 4294967296 bytes; the limit is 1048576 bytes"),
        "{e}"
    );
    // Through the command line: `play FILE`, `lint FILE` and `--bank DIR`.
    let out = run(&["play", f.to_str().unwrap()], &dir, "");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("the limit is 1048576 bytes"));
    let out = run(&["lint", f.to_str().unwrap()], &dir, "");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("the limit is 1048576 bytes"));
    let out = run(&["--bank", dir.to_str().unwrap(), "list"], &dir, "");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("huge.yaml: file is 4294967296 bytes"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn huge_strings_are_bounded() {
    // A title is one line of `list`: a long one is an error, not a wrapped screenful.
    let long = VALID.replace("title: T", &format!("title: {}", "t".repeat(900_000)));
    let e = rejected("long-title.yaml", &long);
    assert!(
        e.contains("long-title.yaml:2:8: the title is 900000 characters long; the limit is 120"),
        "{e}"
    );
    // Names and ids: AWS's 255.
    let long = VALID.replace("name: main", &format!("name: {}", "m".repeat(100_000)));
    let e = rejected("long-name.yaml", &long);
    assert!(
        e.contains("vpc name is 100000 characters long; the limit is 255"),
        "{e}"
    );
    // A long brief within the file limit loads (and is neutralised) in linear time.
    let brief = "\\e[31mred\\u202E ".repeat(60_000);
    let big = VALID.replace("brief: b", &format!("brief: \"{brief}\""));
    assert!(big.len() < MAX_FILE_BYTES);
    let t = Instant::now();
    let s = load_scenario("long-brief.yaml", &big, false).unwrap();
    assert!(t.elapsed() < FAST);
    assert_eq!(s.brief, "red ".repeat(60_000));
}

#[test]
fn control_characters_in_names_are_located_errors() {
    let cases = [
        (
            "name: main",
            "name: \"ma\\e[2Jin\"",
            "vpc 'main' contains the control character U+001B",
        ),
        (
            "id: g,",
            "id: \"g\\u202E\",",
            "goal 'g' contains the control character U+202E",
        ),
    ];
    for (from, to, want) in cases {
        let text = VALID.replace(from, to);
        let e = rejected("names.yaml", &text);
        assert!(e.contains(want), "{want}\n{e}");
        assert!(e.contains("names.yaml:"), "{e}");
    }
    let q = std::fs::read_to_string(fixture("evil-questions.yaml"))
        .unwrap()
        .replace("id: evil-question", "id: \"evil\\e]0;x\\a-q\"");
    let e = rejected_questions("q.yaml", &q);
    assert!(
        e.contains("question id 'evil-q' contains the control character U+001B"),
        "{e}"
    );
    assert_eq!(clean(&e), e);
}

#[test]
fn free_text_is_neutralised_at_load() {
    let text = std::fs::read_to_string(fixture("evil-bank.yaml")).unwrap();
    let s = load_scenario("evil-bank.yaml", &text, true).unwrap();
    let texts = [
        s.title.clone(),
        s.brief.clone(),
        s.hints.join("\n"),
        s.goals[0].text.clone(),
        s.debrief.clone().unwrap(),
        s.account
            .security_groups
            .iter()
            .map(|g| g.description.clone())
            .collect(),
    ];
    for t in texts {
        assert_hostile_free(&t);
    }
    assert_eq!(s.title, "Evil  title gnp.exe");
    let qs = load_questions(
        "q.yaml",
        &std::fs::read_to_string(fixture("evil-questions.yaml")).unwrap(),
    )
    .unwrap();
    let q = &qs[0];
    assert_hostile_free(&q.prompt);
    assert_hostile_free(&q.explanation);
    for c in &q.choices {
        assert_hostile_free(&c.text);
        assert_hostile_free(&c.why);
    }
}

#[test]
fn terminal_keeps_colours_and_drops_everything_else() {
    assert_eq!(
        terminal("\u{1b}[1;32mok\u{1b}[0m"),
        "\u{1b}[1;32mok\u{1b}[0m"
    );
    assert_eq!(
        terminal("a\u{1b}[2Jb\u{1b}[?1049hc\u{1b}]0;t\u{7}d\u{9b}6n"),
        "ab\u{1b}[?1049hcd6n".replace("\u{1b}[?1049h", "")
    );
    assert_eq!(terminal("x\u{202e}y\r\n"), "xy\n");
}

// ---- through the binary: every place bank text reaches the terminal ----

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hostile")
        .join(name)
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ec2-tutor-hostile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(args: &[&str], data: &Path, stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ec2-tutor"))
        .args(["--no-color", "--data-dir", data.to_str().unwrap()])
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// No escape, no other control character but newline and tab, no bidi formatting character.
fn assert_hostile_free(s: &str) {
    if let Some(c) = ec2_tutor::render::text::unprintable(s) {
        panic!("U+{:04X} reaches the terminal in:\n{s}", c as u32);
    }
}

/// A bank directory holding the hostile files.
fn hostile_bank() -> PathBuf {
    let d = tmp("bank");
    for f in ["evil-bank.yaml", "evil-questions.yaml"] {
        std::fs::copy(fixture(f), d.join(f)).unwrap();
    }
    d
}

#[test]
fn hostile_text_never_reaches_the_terminal() {
    let bank = hostile_bank();
    let data = tmp("data");
    let b = bank.to_str().unwrap();
    let play_input = "hint\ngoals\nprobe --from internet --to web --protocol tcp --port 22\n\
        explain\nmap\naws ec2 describe-security-groups --output table\n\
        aws ec2 describe-security-groups --output text\naws ec2 describe-security-groups\n\
        solution\nundo\n\
        aws ec2 revoke-security-group-ingress --group-id sg-0123456789abcdef0 --protocol tcp --port 22 --cidr 0.0.0.0/0\n\
        check\nquit\n";
    let answers = "\n".repeat(100); // an empty line skips a question
    let runs: Vec<(Vec<&str>, &str, &str)> = vec![
        (vec!["list"], "", "Evil  title gnp.exe"),
        (vec![], "", "Evil  title gnp.exe"),
        (vec!["play", "evil-bank"], play_input, "Debrief  alt screen"),
        (
            vec!["play", "evil-bank"],
            "",
            "Brief red 6n and isolate done",
        ),
        (
            vec!["check", "evil-bank", "--script", "-"],
            "hint\ngoals\n",
            "Goal hidden text",
        ),
        (
            vec!["quiz", "--topic", "tenancy", "--count", "1000"],
            &answers,
            "Prompt  eulav",
        ),
        (
            vec!["quiz", "--topic", "tenancy", "--count", "1000"],
            &answers,
            "Explanation  link",
        ),
        (
            vec![
                "quiz", "--topic", "tenancy", "--mode", "exam", "--count", "1000",
            ],
            &answers,
            "Right green",
        ),
    ];
    for (args, input, want) in runs {
        let mut full = vec!["--bank", b];
        full.extend(&args);
        let out = run(&full, &data, input);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_hostile_free(&stdout);
        assert_hostile_free(&stderr(&out));
        assert!(
            stdout.contains(want),
            "{args:?}: want {want:?} in\n{stdout}\n{}",
            stderr(&out)
        );
    }
    let _ = std::fs::remove_dir_all(&bank);
    let _ = std::fs::remove_dir_all(&data);
}

#[test]
fn load_errors_quoting_hostile_names_are_neutralised() {
    let dir = tmp("lint");
    let f = dir.join("bad.yaml");
    let text = std::fs::read_to_string(fixture("evil-bank.yaml"))
        .unwrap()
        .replace("name: web, subnet", "name: \"w\\e[2Jeb\\u202E\", subnet")
        .replace("topic: security-groups", "topic: \"sec\\e]0;x\\a\"");
    std::fs::write(&f, text).unwrap();
    let out = run(&["lint", f.to_str().unwrap()], &dir, "");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_hostile_free(&err);
    assert!(
        err.contains("instance 'web' contains the control character U+001B"),
        "{err}"
    );
    assert!(err.contains("topic 'sec' is not one of"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_hostile_check_script_cannot_drive_the_graders_terminal() {
    // `check` runs a student's script on the instructor's terminal: names and descriptions
    // it creates come back in tables, text output and errors.
    let data = tmp("script");
    let script = "aws ec2 create-security-group --group-name \"x\u{1b}]0;pwned\u{7}\" \
        --description \"d\u{1b}[2J\u{202e}\" --vpc-id vpc-0a1b2c3d4e5f60718\n\
        aws ec2 describe-security-groups --output table\n\
        aws ec2 describe-security-groups --output text\n\
        probe --from \"\u{1b}[2J\" --to web --protocol tcp --port 22\n\
        \u{1b}[2Jhelp\n";
    let out = run(
        &["check", "sg-least-privilege", "--script", "-"],
        &data,
        script,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_hostile_free(&stdout);
    assert!(stdout.contains("FAILED sg-least-privilege"), "{stdout}");
    let _ = std::fs::remove_dir_all(&data);
}

// ---- property tests: mutated bank files never panic and stay fast (cargo-fuzz goes further) ----

mod mutated {
    use super::*;
    use proptest::prelude::*;

    /// A real bank file with a slice replaced by YAML-ish noise.
    fn mutated(text: &'static str) -> impl Strategy<Value = String> {
        (
            0..text.len(),
            0usize..200,
            "[\\[\\]{}:,&*!|>'\"#\\-\\n a-z0-9\\\\]{0,60}",
        )
            .prop_map(move |(at, len, noise)| {
                let mut at = at;
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                let mut end = (at + len).min(text.len());
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                format!("{}{noise}{}", &text[..at], &text[end..])
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn mutated_scenarios_load_or_fail_cleanly(t in mutated(include_str!("../scenarios/capstone-three-tier.yaml"))) {
            let start = Instant::now();
            if let Ok(s) = load_scenario("m.yaml", &t, false) {
                let _ = ec2_tutor::session::Session::new(std::sync::Arc::new(s), 0);
            }
            prop_assert!(start.elapsed() < FAST);
        }

        #[test]
        fn mutated_questions_load_or_fail_cleanly(t in mutated(include_str!("../questions/security-groups.yaml"))) {
            let start = Instant::now();
            let _ = load_questions("m.yaml", &t);
            prop_assert!(start.elapsed() < FAST);
        }
    }
}
