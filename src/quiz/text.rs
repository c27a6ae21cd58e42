//! How quiz questions, feedback and exam reports look as text. Pure: strings out, nothing
//! printed here.

use super::session::{letter, letters, ExamScore, Mode, Presented, PASS_SCORE};
use crate::render::text::{clean, Style};
use std::fmt::Write as _;

/// A question with its lettered options.
pub fn question(n: usize, total: usize, p: &Presented, st: Style) -> String {
    let mut s = String::new();
    let tag = if p.generated { " · generated" } else { "" };
    let _ = writeln!(
        s,
        "{}",
        st.strong(&format!("Question {n}/{total} · {}{tag}", p.topic))
    );
    let _ = writeln!(s, "{}\n", clean(p.prompt.trim_end()));
    for (i, o) in p.options.iter().enumerate() {
        let _ = writeln!(s, "  {}) {}", letter(i), clean(o.text.trim()));
    }
    if p.choose > 1 {
        let _ = writeln!(s, "(Choose {}.)", p.choose);
    }
    s
}

/// Feedback after an answer: right or wrong, every option with its why, the explanation.
pub fn feedback(p: &Presented, chosen: Option<&[usize]>, st: Style) -> String {
    let mut s = String::new();
    let right = chosen.is_some_and(|c| p.is_right(c));
    let answer = p.correct_letters();
    match chosen {
        Some(_) if right => {
            let _ = writeln!(s, "{}", st.good("✓ Right."));
        }
        Some(c) => {
            let _ = writeln!(
                s,
                "{}",
                st.bad(&format!(
                    "✗ Wrong: you chose {}; the answer is {answer}.",
                    letters(c)
                ))
            );
        }
        None => {
            let _ = writeln!(
                s,
                "{}",
                st.bad(&format!("No answer: the answer is {answer}."))
            );
        }
    }
    s.push_str(&options_with_whys(p, chosen));
    s.push_str(&explanation(p, st));
    s
}

/// Every option, marked correct or not (and chosen), with its why.
pub fn options_with_whys(p: &Presented, chosen: Option<&[usize]>) -> String {
    let mut s = String::new();
    for (i, o) in p.options.iter().enumerate() {
        let mark = if o.correct { "✓" } else { "✗" };
        let picked = if chosen.is_some_and(|c| c.contains(&i)) {
            " (your choice)"
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "  {mark} {}) {}{picked}",
            letter(i),
            clean(o.text.trim())
        );
        let _ = writeln!(s, "       {}", clean(o.why.trim()));
    }
    s
}

fn explanation(p: &Presented, st: Style) -> String {
    let mut s = String::new();
    if !p.explanation.trim().is_empty() {
        let _ = writeln!(
            s,
            "{} {}",
            st.strong("Explanation:"),
            clean(p.explanation.trim())
        );
    }
    let mut tail = format!("as of {}", p.as_of);
    if let Some(sc) = &p.scenario {
        let _ = write!(tail, " · practise it: ec2-tutor play {sc}");
    }
    let _ = writeln!(s, "{}", st.dim(&tail));
    s
}

/// The line after a practice or drill quiz.
pub fn summary(mode: Mode, right: usize, total: usize) -> String {
    format!("{} done: {right}/{total} right.", capital(mode.as_str()))
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The end of an exam: every question's answer, the breakdown, the scaled score.
pub fn exam_report(
    qs: &[Presented],
    answers: &[Option<Vec<usize>>],
    flagged: &[bool],
    score: &ExamScore,
    st: Style,
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}", st.strong("Exam results"));
    let _ = writeln!(s);
    for (i, p) in qs.iter().enumerate() {
        let given = answers
            .get(i)
            .and_then(|a| a.as_deref())
            .map(letters)
            .unwrap_or_else(|| "-".into());
        let right = answers
            .get(i)
            .and_then(|a| a.as_deref())
            .is_some_and(|c| p.is_right(c));
        let mark = if right { st.good("✓") } else { st.bad("✗") };
        let flag = if flagged.get(i).copied().unwrap_or(false) {
            " (flagged)"
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "  {mark} {:>2}. {:<36} yours {:<4} answer {:<4} {}{flag}",
            i + 1,
            p.id,
            given,
            p.correct_letters(),
            p.topic
        );
    }
    let _ = writeln!(s, "\nBy topic");
    for b in &score.by_topic {
        let _ = writeln!(s, "  {:<22} {}/{}", b.name, b.right, b.total);
    }
    if score.by_domain.iter().any(|b| b.name != "(no domain)") {
        let _ = writeln!(s, "By domain");
        for b in &score.by_domain {
            let _ = writeln!(s, "  {:<22} {}/{}", b.name, b.right, b.total);
        }
    }
    let verdict = if score.passed {
        st.good("PASS")
    } else {
        st.bad("FAIL")
    };
    let _ = writeln!(
        s,
        "\nScore {}/{} · scaled {} (100-1000, pass {PASS_SCORE}) · {verdict}",
        score.right, score.total, score.scaled
    );
    let wrong: Vec<usize> = (0..qs.len())
        .filter(|i| {
            !answers
                .get(*i)
                .and_then(|a| a.as_deref())
                .is_some_and(|c| qs[*i].is_right(c))
        })
        .collect();
    if !wrong.is_empty() {
        let _ = writeln!(s, "\n{}", st.strong("Answers to the questions you missed"));
        for i in wrong {
            let p = &qs[i];
            let _ = writeln!(s, "\n{}. {} ({})", i + 1, p.id, p.topic);
            let _ = writeln!(s, "{}\n", clean(p.prompt.trim_end()));
            s.push_str(&options_with_whys(
                p,
                answers.get(i).and_then(|a| a.as_deref()),
            ));
            s.push_str(&explanation(p, st));
        }
    }
    s
}

/// A question reviewed after a wrong answer: the prompt, the answer and every why.
pub fn review_entry(n: usize, total: usize, p: &Presented, st: Style) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}",
        st.strong(&format!(
            "Review {n}/{total} · {} · {} · answer {}",
            p.id,
            p.topic,
            p.correct_letters()
        ))
    );
    let _ = writeln!(s, "{}\n", clean(p.prompt.trim_end()));
    s.push_str(&options_with_whys(p, None));
    s.push_str(&explanation(p, st));
    s
}
