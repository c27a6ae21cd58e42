//! Question files (SPEC §7): a list of multiple-choice questions, each option with a `why`,
//! dated with `as_of`. Validated with located diagnostics, every problem in the file at once.

use crate::render::text::{clean, unprintable};
use crate::scenario::load::{parse_yaml, Diagnostic, LoadError};
use crate::scenario::TOPICS;
use crate::suggest;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::HashSet;

type Text = Spanned<String>;

/// The question generators this build has (each builds a random topology and takes its
/// answer from the engine).
pub const GENERATORS: &[&str] = super::generate::NAMES;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionDoc {
    #[schemars(with = "String")]
    pub id: Text,
    /// One of the scenario topics.
    #[schemars(with = "String")]
    pub topic: Text,
    /// single | multiple
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub kind: Option<Text>,
    /// For `multiple`: how many options are correct.
    #[serde(default)]
    #[schemars(with = "Option<i64>")]
    pub choose: Option<Spanned<i64>>,
    #[schemars(with = "String")]
    pub prompt: Text,
    #[serde(default)]
    pub choices: Option<Vec<ChoiceDoc>>,
    /// Instead of `choices`: the name of a generator that builds the question from a random
    /// topology and takes its answer from the engine.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub generator: Option<Text>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub explanation: Option<Text>,
    /// `YYYY-MM`: when the fact was last checked against AWS.
    #[schemars(with = "String")]
    pub as_of: Spanned<super::question::AsOf>,
    /// An exam domain tag.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub domain: Option<Text>,
    /// A scenario id that practises the same fact.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub scenario: Option<Text>,
}

/// `as_of` read as text whatever YAML made of it.
#[derive(Debug, Clone)]
pub struct AsOf(pub String);

impl<'de> Deserialize<'de> for AsOf {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = crate::scenario::schema::Scalar::deserialize(d)?;
        Ok(AsOf(s.0))
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceDoc {
    #[schemars(with = "String")]
    pub text: Text,
    #[serde(default)]
    pub correct: bool,
    #[schemars(with = "String")]
    pub why: Text,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub text: String,
    pub correct: bool,
    pub why: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    pub id: String,
    pub topic: String,
    pub multiple: bool,
    pub choose: usize,
    pub prompt: String,
    pub choices: Vec<Choice>,
    pub generator: Option<String>,
    pub explanation: String,
    pub as_of: String,
    pub domain: Option<String>,
    pub scenario: Option<String>,
}

fn diag<T>(d: &mut Vec<Diagnostic>, at: &Spanned<T>, msg: impl Into<String>) {
    d.push(Diagnostic {
        line: at.referenced.line(),
        col: at.referenced.column(),
        message: msg.into(),
    });
}

/// Loads and validates a question file.
pub fn load_questions(path: &str, text: &str) -> Result<Vec<Question>, LoadError> {
    let docs: Vec<QuestionDoc> = parse_yaml(path, text)?;
    let mut d = Vec::new();
    let mut ids = HashSet::new();
    let mut out = Vec::new();
    for q in docs {
        // Ids and names are printed as they are: a control or bidi character is an error.
        // Free text (prompt, options, whys, explanation) is neutralised below instead.
        for (what, t) in [
            ("question id", Some(&q.id)),
            ("domain", q.domain.as_ref()),
            ("scenario", q.scenario.as_ref()),
        ] {
            let Some(t) = t else { continue };
            if let Some(c) = unprintable(&t.value) {
                diag(
                    &mut d,
                    t,
                    format!(
                        "{what} '{}' contains the control character U+{:04X}; it must be printable",
                        clean(&t.value),
                        c as u32
                    ),
                );
            }
        }
        if !ids.insert(q.id.value.clone()) {
            diag(
                &mut d,
                &q.id,
                format!("question '{}' is declared twice", q.id.value),
            );
        }
        if !TOPICS.contains(&q.topic.value.as_str()) {
            let h = suggest::hint(&q.topic.value, TOPICS.iter().copied());
            diag(
                &mut d,
                &q.topic,
                format!(
                    "topic '{}' is not one of {}{h}",
                    q.topic.value,
                    TOPICS.join(", ")
                ),
            );
        }
        let kind = q
            .kind
            .as_ref()
            .map(|k| k.value.as_str())
            .unwrap_or("single");
        let multiple = match kind {
            "single" => false,
            "multiple" => true,
            other => {
                if let Some(k) = &q.kind {
                    diag(
                        &mut d,
                        k,
                        format!("kind '{other}' is not single or multiple"),
                    );
                }
                false
            }
        };
        let choose = match (&q.choose, multiple) {
            (Some(c), true) if c.value >= 2 => c.value as usize,
            (Some(c), true) => {
                diag(
                    &mut d,
                    c,
                    "choose must be at least 2 for a multiple-choice question",
                );
                2
            }
            (Some(c), false) if c.value != 1 => {
                diag(
                    &mut d,
                    c,
                    "a single-choice question has exactly one correct option (choose: 1)",
                );
                1
            }
            (None, true) => {
                diag(
                    &mut d,
                    &q.id,
                    "a multiple-choice question says how many to choose (choose: N)",
                );
                2
            }
            _ => 1,
        };
        let as_of = q.as_of.value.0.clone();
        let valid_date = as_of.len() == 7
            && as_of.as_bytes()[4] == b'-'
            && as_of[..4].bytes().all(|b| b.is_ascii_digit())
            && matches!(as_of[5..].parse::<u8>(), Ok(1..=12));
        if !valid_date {
            diag(&mut d, &q.as_of, format!("as_of '{as_of}' must be YYYY-MM"));
        }
        if q.prompt.value.trim().is_empty() {
            diag(&mut d, &q.prompt, "prompt must not be empty");
        }
        let mut choices = Vec::new();
        match (&q.choices, &q.generator) {
            (Some(_), Some(g)) => diag(
                &mut d,
                g,
                "a question has either choices or a generator, not both",
            ),
            (None, None) => diag(&mut d, &q.id, "a question needs choices (or a generator)"),
            (None, Some(g)) => {
                if !GENERATORS.contains(&g.value.as_str()) {
                    let h = suggest::hint(&g.value, GENERATORS.iter().copied());
                    diag(&mut d, g, format!("unknown generator '{}'{h}", g.value));
                }
            }
            (Some(list), None) => {
                if list.len() < 2 {
                    diag(&mut d, &q.id, "a question needs at least two choices");
                }
                let mut texts = HashSet::new();
                for c in list {
                    if c.why.value.trim().is_empty() {
                        diag(&mut d, &c.why, "every option needs a why");
                    }
                    if !texts.insert(c.text.value.trim().to_string()) {
                        diag(&mut d, &c.text, "this option repeats another");
                    }
                    choices.push(Choice {
                        text: clean(&c.text.value),
                        correct: c.correct,
                        why: clean(&c.why.value),
                    });
                }
                let correct = choices.iter().filter(|c| c.correct).count();
                if correct != choose {
                    diag(&mut d, &q.id, format!("question '{}' has {correct} correct options; it must have exactly {choose}", q.id.value));
                }
                if choices.len() <= choose {
                    diag(
                        &mut d,
                        &q.id,
                        "there must be more options than correct ones",
                    );
                }
            }
        }
        out.push(Question {
            id: q.id.value.clone(),
            topic: q.topic.value.clone(),
            multiple,
            choose,
            prompt: clean(&q.prompt.value),
            choices,
            generator: q.generator.as_ref().map(|g| g.value.clone()),
            explanation: q
                .explanation
                .as_ref()
                .map(|e| clean(&e.value))
                .unwrap_or_default(),
            as_of,
            domain: q.domain.as_ref().map(|x| x.value.clone()),
            scenario: q.scenario.as_ref().map(|x| x.value.clone()),
        });
    }
    if d.is_empty() {
        Ok(out)
    } else {
        d.sort_by_key(|x| (x.line, x.col));
        Err(LoadError {
            path: path.into(),
            diagnostics: d,
        })
    }
}
