//! AWS CLI option scanning: the words after the operation name become raw
//! `--flag value...` groups, the way the AWS CLI's argument parser sees them.
//!
//! This module owns only the *shape* of the options (which words belong to
//! which flag, duplicates, stray words). It knows nothing about which flags
//! an operation accepts or what their values mean; callers validate names
//! (using [`crate::suggest::did_you_mean`] for suggestions) and parse values (see
//! `shorthand::parse_value`).

use std::collections::HashMap;
use thiserror::Error;

/// All flags of one command line, in the order given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawArgs {
    pub flags: Vec<RawFlag>,
}

impl RawArgs {
    /// The flag called `name` (without the leading `--`), if given.
    pub fn get(&self, name: &str) -> Option<&RawFlag> {
        self.flags.iter().find(|f| f.name == name)
    }
}

/// One `--name value...` group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawFlag {
    /// The flag name without the leading `--`.
    pub name: String,
    /// Zero values (a boolean flag such as `--dry-run`), one, or several
    /// (list flags such as `--groups sg-1 sg-2`).
    pub values: Vec<String>,
    /// Index in the input slice of the word holding `--name`.
    pub word_index: usize,
}

/// Why a word list could not be turned into flags.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CliError {
    /// Words that belong to no flag: before the first flag, after a
    /// `--flag=value` (which takes exactly one value), or a bare `--`.
    #[error("Unknown options: {}", .words.join(", "))]
    Unknown { words: Vec<String> },
    /// The same flag given twice; indices are word indices.
    #[error("option --{name} was given more than once (words {first} and {second})")]
    Repeated {
        name: String,
        first: usize,
        second: usize,
    },
}

/// Group `words` (everything after the operation name) into flags.
///
/// * `--flag value`, `--flag v1 v2 ...`: every word up to the next word
///   starting with `--` is a value, so `--protocol -1` has the value `-1`.
/// * `--flag=value`: exactly one value (possibly empty); following non-flag
///   words are unknown options, as with argparse.
/// * `--flag` followed by another flag or the end: no values.
///
/// Errors: stray words (all of them are reported together, like the CLI's
/// `Unknown options: a, b`), or a repeated flag.
pub fn parse_flags(words: &[String]) -> Result<RawArgs, CliError> {
    let mut flags: Vec<RawFlag> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut unknown: Vec<String> = Vec::new();
    // Whether the last flag may still take more values.
    let mut open = false;

    for (idx, word) in words.iter().enumerate() {
        let Some(body) = word.strip_prefix("--") else {
            match flags.last_mut() {
                Some(flag) if open => flag.values.push(word.clone()),
                _ => unknown.push(word.clone()),
            }
            continue;
        };
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (body, None),
        };
        if name.is_empty() {
            unknown.push(word.clone());
            open = false;
            continue;
        }
        if let Some(&first) = seen.get(name) {
            return Err(CliError::Repeated {
                name: name.to_string(),
                first,
                second: idx,
            });
        }
        seen.insert(name.to_string(), idx);
        open = inline.is_none();
        flags.push(RawFlag {
            name: name.to_string(),
            values: inline.map(|v| vec![v.to_string()]).unwrap_or_default(),
            word_index: idx,
        });
    }
    if unknown.is_empty() {
        Ok(RawArgs { flags })
    } else {
        Err(CliError::Unknown { words: unknown })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suggest::did_you_mean;
    use proptest::prelude::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    fn flag(name: &str, values: &[&str], word_index: usize) -> RawFlag {
        RawFlag {
            name: name.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
            word_index,
        }
    }

    #[test]
    fn parse_table() {
        let cases: &[(&str, &[RawFlag])] = &[
            ("", &[]),
            ("--group-id sg-1", &[flag("group-id", &["sg-1"], 0)]),
            ("--group-id=sg-1", &[flag("group-id", &["sg-1"], 0)]),
            ("--description=", &[flag("description", &[""], 0)]),
            ("--filter=A=1,B=2", &[flag("filter", &["A=1,B=2"], 0)]),
            (
                "--dry-run --group-id sg-1",
                &[flag("dry-run", &[], 0), flag("group-id", &["sg-1"], 1)],
            ),
            ("--no-dry-run", &[flag("no-dry-run", &[], 0)]),
            (
                "--ingress --egress",
                &[flag("ingress", &[], 0), flag("egress", &[], 1)],
            ),
            (
                "--groups sg-1 sg-2",
                &[flag("groups", &["sg-1", "sg-2"], 0)],
            ),
            (
                "--ip-permissions A=1 B=2 --dry-run",
                &[
                    flag("ip-permissions", &["A=1", "B=2"], 0),
                    flag("dry-run", &[], 3),
                ],
            ),
            (
                "--protocol -1 --port -1 --cidr 0.0.0.0/0",
                &[
                    flag("protocol", &["-1"], 0),
                    flag("port", &["-1"], 2),
                    flag("cidr", &["0.0.0.0/0"], 4),
                ],
            ),
            ("--x -", &[flag("x", &["-"], 0)]),
            ("--x -abc", &[flag("x", &["-abc"], 0)]),
        ];
        for (input, want) in cases {
            let got = parse_flags(&words(input));
            assert_eq!(
                got,
                Ok(RawArgs {
                    flags: want.to_vec()
                }),
                "input {input:?}"
            );
        }
    }

    #[test]
    fn parse_errors() {
        let unknown = |w: &[&str]| CliError::Unknown {
            words: w.iter().map(|s| s.to_string()).collect(),
        };
        let cases: &[(&str, CliError)] = &[
            ("foo", unknown(&["foo"])),
            ("foo bar --x 1", unknown(&["foo", "bar"])),
            ("--x=1 extra", unknown(&["extra"])),
            ("-- a", unknown(&["--", "a"])),
            ("--=v", unknown(&["--=v"])),
            (
                "--x 1 --y --x 2",
                CliError::Repeated {
                    name: "x".into(),
                    first: 0,
                    second: 3,
                },
            ),
            (
                "--x=1 --x=2",
                CliError::Repeated {
                    name: "x".into(),
                    first: 0,
                    second: 1,
                },
            ),
        ];
        for (input, want) in cases {
            assert_eq!(parse_flags(&words(input)), Err(want.clone()), "{input:?}");
        }
        assert_eq!(unknown(&["a", "b"]).to_string(), "Unknown options: a, b");
        let rep = parse_flags(&words("--x 1 --x 2")).map_err(|e| e.to_string());
        assert_eq!(
            rep,
            Err("option --x was given more than once (words 0 and 2)".into())
        );
    }

    #[test]
    fn get_by_name() {
        let args = parse_flags(&words("--a 1 --b")).unwrap_or_default();
        assert_eq!(args.get("b").map(|f| f.values.len()), Some(0));
        assert!(args.get("c").is_none());
    }

    proptest! {
        #[test]
        fn parse_never_panics(ws in prop::collection::vec(
            prop_oneof![
                "--[a-z-]{0,6}(=[a-z=]{0,3})?",
                "-?[0-9]{1,3}",
                any::<String>(),
            ],
            0..10,
        )) {
            if let Ok(args) = parse_flags(&ws) {
                let idx: Vec<usize> = args.flags.iter().map(|f| f.word_index).collect();
                prop_assert!(idx.windows(2).all(|p| p[0] < p[1]));
                for f in &args.flags {
                    prop_assert!(ws.get(f.word_index).is_some_and(|w| w.starts_with("--")));
                }
            }
        }

        #[test]
        fn did_you_mean_never_panics(w in any::<String>(), c in prop::collection::vec(any::<String>(), 0..4)) {
            let refs: Vec<&str> = c.iter().map(String::as_str).collect();
            if let Some(s) = did_you_mean(&w, &refs) {
                prop_assert!(refs.contains(&s));
            }
        }
    }
}
