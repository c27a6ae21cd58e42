//! A quiz session, pure: which questions, in which order, with which letters; reading an
//! answer; grading; the exam score. No I/O, no clock, no global RNG — the seed (and, for
//! drill, the due items) come in as arguments, so the same seed and bank always give the same
//! questions in the same order with the same letters.
//!
//! Letters are `a`, `b`, `c`… in the order the options are shown, after the seeded shuffle.

use super::dice::{mix, Dice};
use super::generate;
use super::question::{Choice, Question};
use std::collections::HashMap;

/// How a quiz runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Feedback after each answer, with every option's why.
    Practice,
    /// Timed; answers and the score only at the end.
    Exam,
    /// Due items first (spaced repetition), then new questions.
    Drill,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Practice => "practice",
            Mode::Exam => "exam",
            Mode::Drill => "drill",
        }
    }
}

/// A question as this session shows it: options shuffled, generated ones built.
#[derive(Clone, Debug, PartialEq)]
pub struct Presented {
    pub id: String,
    pub topic: String,
    pub domain: Option<String>,
    pub generated: bool,
    pub multiple: bool,
    pub choose: usize,
    pub prompt: String,
    /// In the order shown: option `i` has letter `letter(i)`.
    pub options: Vec<Choice>,
    pub explanation: String,
    pub as_of: String,
    pub scenario: Option<String>,
    /// The seed this instance was built from (generated topology and option order).
    pub seed: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuizError {
    #[error("no questions{0}")]
    Empty(String),
    #[error("question {id}: {message}")]
    Generator { id: String, message: String },
}

/// Why an answer could not be read (it is neither right nor wrong).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("no answer given: type the letter of your choice (a-{last})")]
    Empty { last: char },
    #[error("'{given}' is not an option: the options are a-{last}")]
    NotAnOption { given: char, last: char },
    #[error("'{given}' is not a letter: type letters like b or ac")]
    NotALetter { given: char },
    #[error("this question takes {choose} letter{}; you gave {given}", if *.choose == 1 { "" } else { "s" })]
    WrongCount { choose: usize, given: usize },
}

/// The letter of option `i`.
pub fn letter(i: usize) -> char {
    (b'a' + (i.min(25)) as u8) as char
}

/// Letters of a set of option indexes, in alphabetical order (`"ac"`).
pub fn letters(indexes: &[usize]) -> String {
    let mut v = indexes.to_vec();
    v.sort_unstable();
    v.dedup();
    v.into_iter().map(letter).collect()
}

impl Presented {
    pub fn correct(&self) -> Vec<usize> {
        (0..self.options.len())
            .filter(|i| self.options[*i].correct)
            .collect()
    }

    pub fn correct_letters(&self) -> String {
        letters(&self.correct())
    }

    pub fn last_letter(&self) -> char {
        letter(self.options.len().saturating_sub(1))
    }

    /// Reads an answer: letters, any case, spaces and commas ignored, each letter once.
    pub fn parse_answer(&self, input: &str) -> Result<Vec<usize>, AnswerError> {
        let last = self.last_letter();
        let mut chosen = Vec::new();
        for ch in input.chars() {
            if ch.is_whitespace() || ch == ',' {
                continue;
            }
            let c = ch.to_ascii_lowercase();
            if !c.is_ascii_lowercase() {
                return Err(AnswerError::NotALetter { given: ch });
            }
            let i = (c as u8 - b'a') as usize;
            if i >= self.options.len() {
                return Err(AnswerError::NotAnOption { given: c, last });
            }
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
        if chosen.is_empty() {
            return Err(AnswerError::Empty { last });
        }
        if chosen.len() != self.choose {
            return Err(AnswerError::WrongCount {
                choose: self.choose,
                given: chosen.len(),
            });
        }
        chosen.sort_unstable();
        Ok(chosen)
    }

    /// Right when the chosen options are exactly the correct ones.
    pub fn is_right(&self, chosen: &[usize]) -> bool {
        let mut c = chosen.to_vec();
        c.sort_unstable();
        c.dedup();
        c == self.correct()
    }
}

/// Builds the instance of a question this seed gives: a generated question is generated
/// with a seed derived from the quiz seed and the question id; options are shuffled.
pub fn instantiate(q: &Question, quiz_seed: u64) -> Result<Presented, QuizError> {
    instantiate_with(q, mix(quiz_seed, &q.id))
}

/// Builds a question from its own instance seed (as stored with an answer).
pub fn instantiate_with(q: &Question, seed: u64) -> Result<Presented, QuizError> {
    let (prompt, mut options, explanation, multiple, choose) = match &q.generator {
        Some(name) => {
            let g = generate::generate(name, seed).map_err(|message| QuizError::Generator {
                id: q.id.clone(),
                message,
            })?;
            let lead = q.prompt.trim();
            let prompt = if lead.is_empty() {
                g.prompt
            } else {
                format!("{lead}\n\n{}", g.prompt)
            };
            let explanation = if q.explanation.trim().is_empty() {
                g.explanation
            } else {
                format!("{}\n{}", g.explanation.trim_end(), q.explanation.trim())
            };
            (prompt, g.choices, explanation, g.multiple, g.choose)
        }
        None => (
            q.prompt.clone(),
            q.choices.clone(),
            q.explanation.clone(),
            q.multiple,
            q.choose,
        ),
    };
    Dice::new(mix(seed, "options")).shuffle(&mut options);
    Ok(Presented {
        id: q.id.clone(),
        topic: q.topic.clone(),
        domain: q.domain.clone(),
        generated: q.generator.is_some(),
        multiple,
        choose,
        prompt,
        options,
        explanation,
        as_of: q.as_of.clone(),
        scenario: q.scenario.clone(),
        seed,
    })
}

/// What to pick.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub topic: Option<String>,
    pub count: usize,
    pub seed: u64,
    /// Ids to put first, in this order (drill: the due items).
    pub first: Vec<String>,
    /// How often each question was answered before: the less seen come first (interactive
    /// practice). Empty in batch mode, so the store never changes the question set there.
    pub seen: HashMap<String, usize>,
}

/// Picks and builds the questions of a quiz.
pub fn select(questions: &[Question], sel: &Selection) -> Result<Vec<Presented>, QuizError> {
    let mut pool: Vec<&Question> = questions
        .iter()
        .filter(|q| sel.topic.as_deref().is_none_or(|t| q.topic == t))
        .collect();
    if pool.is_empty() {
        return Err(QuizError::Empty(match &sel.topic {
            Some(t) => format!(" on topic {t} in the bank"),
            None => " in the bank".into(),
        }));
    }
    // A stable base order (by id) so the bank's file order does not matter, then the seed.
    pool.sort_by(|a, b| a.id.cmp(&b.id));
    Dice::new(mix(sel.seed, "order")).shuffle(&mut pool);
    pool.sort_by_key(|q| sel.seen.get(&q.id).copied().unwrap_or(0));
    let rank = |q: &Question| {
        sel.first
            .iter()
            .position(|f| *f == q.id)
            .unwrap_or(usize::MAX)
    };
    pool.sort_by_key(|q| rank(q));
    pool.truncate(sel.count.max(1));
    // A question seen before comes back as a fresh instance (another topology, another
    // option order); with no history (batch) this is exactly `instantiate(q, seed)`.
    pool.into_iter()
        .map(|q| {
            let n = sel.seen.get(&q.id).copied().unwrap_or(0) as u64;
            instantiate(
                q,
                sel.seed.wrapping_add(n.wrapping_mul(0x9e37_79b9_7f4a_7c15)),
            )
        })
        .collect()
}

/// The AWS exams report a scaled score from 100 to 1,000; the Associate exams pass at 720.
pub const PASS_SCORE: u32 = 720;

/// Our mapping of right answers to that scale: linear, 0 right = 100, all right = 1,000.
/// (AWS does not publish its scaling, which also weighs questions; this is our choice.)
pub fn scaled_score(right: usize, total: usize) -> u32 {
    if total == 0 {
        return 100;
    }
    100 + ((900 * right as u64 + total as u64 / 2) / total as u64) as u32
}

/// Right and total for one topic or domain.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Breakdown {
    pub name: String,
    pub right: usize,
    pub total: usize,
}

/// The end of an exam.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ExamScore {
    pub right: usize,
    pub total: usize,
    pub scaled: u32,
    pub passed: bool,
    pub by_topic: Vec<Breakdown>,
    pub by_domain: Vec<Breakdown>,
}

fn breakdown<'a>(items: impl Iterator<Item = (&'a str, bool)>) -> Vec<Breakdown> {
    let mut out: Vec<Breakdown> = Vec::new();
    for (name, right) in items {
        match out.iter_mut().find(|b| b.name == name) {
            Some(b) => {
                b.total += 1;
                b.right += right as usize;
            }
            None => out.push(Breakdown {
                name: name.to_string(),
                right: right as usize,
                total: 1,
            }),
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Scores an exam: `results[i]` is whether question `i` was answered right (unanswered is
/// wrong).
pub fn exam_score(questions: &[Presented], results: &[bool]) -> ExamScore {
    let right = results.iter().filter(|r| **r).count();
    let total = questions.len();
    let scaled = scaled_score(right, total);
    ExamScore {
        right,
        total,
        scaled,
        passed: scaled >= PASS_SCORE,
        by_topic: breakdown(
            questions
                .iter()
                .zip(results)
                .map(|(q, r)| (q.topic.as_str(), *r)),
        ),
        by_domain: breakdown(
            questions
                .iter()
                .zip(results)
                .map(|(q, r)| (q.domain.as_deref().unwrap_or("(no domain)"), *r)),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(id: &str, topic: &str, n: usize, correct: &[usize]) -> Question {
        Question {
            id: id.into(),
            topic: topic.into(),
            multiple: correct.len() > 1,
            choose: correct.len(),
            prompt: format!("prompt {id}"),
            choices: (0..n)
                .map(|i| Choice {
                    text: format!("option {i}"),
                    correct: correct.contains(&i),
                    why: format!("why {i}"),
                })
                .collect(),
            generator: None,
            explanation: "because".into(),
            as_of: "2026-11".into(),
            domain: None,
            scenario: None,
        }
    }

    fn bank() -> Vec<Question> {
        (0..12)
            .map(|i| {
                q(
                    &format!("q{i:02}"),
                    if i % 2 == 0 {
                        "security-groups"
                    } else {
                        "network-acls"
                    },
                    4,
                    if i % 3 == 0 { &[0, 2] } else { &[1] },
                )
            })
            .collect()
    }

    fn sel(seed: u64, count: usize) -> Selection {
        Selection {
            seed,
            count,
            ..Selection::default()
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_questions_order_and_letters() {
        let a = select(&bank(), &sel(5, 6)).unwrap();
        let b = select(&bank(), &sel(5, 6)).unwrap();
        assert_eq!(a, b);
        let c = select(&bank(), &sel(6, 6)).unwrap();
        assert_ne!(
            a.iter().map(|p| &p.id).collect::<Vec<_>>(),
            c.iter().map(|p| &p.id).collect::<Vec<_>>()
        );
        // The bank's file order does not matter.
        let mut rev = bank();
        rev.reverse();
        assert_eq!(select(&rev, &sel(5, 6)).unwrap(), a);
    }

    #[test]
    fn topic_count_and_first_are_honoured() {
        let s = Selection {
            topic: Some("network-acls".into()),
            count: 3,
            seed: 1,
            first: vec!["q05".into()],
            seen: HashMap::new(),
        };
        let got = select(&bank(), &s).unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].id, "q05");
        assert!(got.iter().all(|p| p.topic == "network-acls"));
        let e = select(
            &bank(),
            &Selection {
                topic: Some("tenancy".into()),
                ..sel(1, 3)
            },
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "no questions on topic tenancy in the bank");
    }

    #[test]
    fn less_seen_questions_come_first() {
        let mut seen = HashMap::new();
        for i in 0..12 {
            if i != 7 {
                seen.insert(format!("q{i:02}"), 1);
            }
        }
        let got = select(&bank(), &Selection { seen, ..sel(3, 2) }).unwrap();
        assert_eq!(got[0].id, "q07");
    }

    #[test]
    fn answers_are_read_case_and_space_insensitive_and_errors_are_not_wrong_answers() {
        let p = instantiate(&q("m", "tenancy", 4, &[0, 2]), 0).unwrap();
        let right = p.correct_letters();
        assert_eq!(right.len(), 2);
        let up = right.to_uppercase();
        let spaced: String = right.chars().rev().flat_map(|c| [c, ' ']).collect();
        for form in [
            right.clone(),
            up,
            spaced,
            format!("{},{}", &right[..1], &right[1..]),
        ] {
            let chosen = p.parse_answer(&form).unwrap();
            assert!(p.is_right(&chosen), "{form}");
        }
        assert_eq!(
            p.parse_answer("z").unwrap_err().to_string(),
            "'z' is not an option: the options are a-d"
        );
        assert_eq!(
            p.parse_answer("a").unwrap_err(),
            AnswerError::WrongCount {
                choose: 2,
                given: 1
            }
        );
        assert!(matches!(
            p.parse_answer("  "),
            Err(AnswerError::Empty { .. })
        ));
        assert!(matches!(
            p.parse_answer("1"),
            Err(AnswerError::NotALetter { .. })
        ));
        assert_eq!(
            p.parse_answer("aa").unwrap_err(),
            AnswerError::WrongCount {
                choose: 2,
                given: 1
            }
        );
        let wrong = (0..4).find(|i| !p.options[*i].correct).unwrap();
        let other = (0..4).find(|i| p.options[*i].correct).unwrap();
        assert!(!p.is_right(&[wrong, other]));
    }

    #[test]
    fn options_are_shuffled_by_the_seed_but_keep_their_whys() {
        let base = q("s", "tenancy", 5, &[3]);
        let orders: Vec<Vec<String>> = (0..8)
            .map(|s| {
                instantiate(&base, s)
                    .unwrap()
                    .options
                    .iter()
                    .map(|o| o.text.clone())
                    .collect()
            })
            .collect();
        assert!(orders.iter().any(|o| o != &orders[0]));
        let p = instantiate(&base, 3).unwrap();
        for o in &p.options {
            assert_eq!(o.why, o.text.replace("option", "why"));
        }
        assert_eq!(p.options[p.correct()[0]].text, "option 3");
    }

    #[test]
    fn the_scaled_score_runs_from_100_to_1000_and_passes_at_720() {
        assert_eq!(scaled_score(0, 10), 100);
        assert_eq!(scaled_score(10, 10), 1000);
        assert_eq!(scaled_score(7, 10), 730);
        assert_eq!(scaled_score(0, 0), 100);
        let qs = select(&bank(), &sel(1, 10)).unwrap();
        let results: Vec<bool> = (0..10).map(|i| i < 7).collect();
        let s = exam_score(&qs, &results);
        assert_eq!((s.right, s.total, s.scaled, s.passed), (7, 10, 730, true));
        assert_eq!(s.by_topic.iter().map(|b| b.total).sum::<usize>(), 10);
        let s = exam_score(&qs, &[false; 10]);
        assert!(!s.passed);
    }
}
