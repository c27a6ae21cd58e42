//! `--filters Name=…,Values=…` of the describe commands: parsing, name checks, and EC2's
//! matching (values OR-ed, filters AND-ed, `*` and `?` wildcards, case-sensitive).

use super::args::{fields, string_list_member, string_member, Args};
use super::AwsError;

/// One filter as given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    pub name: String,
    pub values: Vec<String>,
}

impl Filter {
    /// True when any of `candidates` matches any value of the filter.
    pub fn any<I, S>(&self, candidates: I) -> bool
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        candidates
            .into_iter()
            .any(|c| self.values.iter().any(|p| glob(p, c.as_ref())))
    }
}

/// The filters of `--filters`, after checking each name is one `known` (a known name ending
/// in `:` is a prefix, as `tag:`). AWS: `InvalidParameterValue: The filter 'x' is invalid`.
pub fn parse(args: &Args<'_>, known: &[&str]) -> Result<Vec<Filter>, AwsError> {
    let mut out = Vec::new();
    for (i, v) in args.structures("filters")?.iter().enumerate() {
        let path = format!("Filters[{i}]");
        let f = fields(v, &path, &["Name", "Values"])?;
        let name = string_member(f, "Name", &path)?
            .unwrap_or_default()
            .to_string();
        let values = string_list_member(f, "Values", &path)?;
        let ok = known.iter().any(|k| {
            *k == name || (k.ends_with(':') && name.starts_with(k) && name.len() > k.len())
        });
        if !ok {
            return Err(args.err(
                "InvalidParameterValue",
                format!("The filter '{name}' is invalid"),
            ));
        }
        out.push(Filter { name, values });
    }
    Ok(out)
}

/// EC2 filter wildcards: `*` any run, `?` one character, `\` escapes the next one.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Tokens: Some(c) literal, None-star, '?' handled as Any.
    enum Tok {
        Lit(char),
        Any,
        Star,
    }
    let mut toks = Vec::new();
    let mut i = 0;
    while let Some(&c) = p.get(i) {
        match c {
            '\\' => {
                i += 1;
                toks.push(Tok::Lit(p.get(i).copied().unwrap_or('\\')));
            }
            '*' => toks.push(Tok::Star),
            '?' => toks.push(Tok::Any),
            c => toks.push(Tok::Lit(c)),
        }
        i += 1;
    }
    // Iterative matching with one backtrack point (linear-ish, no recursion).
    let (mut ti, mut ki) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match toks.get(ki) {
            Some(Tok::Lit(c)) if t.get(ti) == Some(c) => {
                ti += 1;
                ki += 1;
            }
            Some(Tok::Any) => {
                ti += 1;
                ki += 1;
            }
            Some(Tok::Star) => {
                star = Some((ki, ti));
                ki += 1;
            }
            _ => match star {
                Some((sk, st)) => {
                    ki = sk + 1;
                    ti = st + 1;
                    star = Some((sk, st + 1));
                }
                None => return false,
            },
        }
    }
    toks.get(ki..)
        .unwrap_or(&[])
        .iter()
        .all(|t| matches!(t, Tok::Star))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        let cases: &[(&str, &str, bool)] = &[
            ("web", "web", true),
            ("web", "Web", false),
            ("w*", "web", true),
            ("*b", "web", true),
            ("w?b", "web", true),
            ("w?b", "wb", false),
            ("*", "", true),
            ("a*b*c", "axxbyyc", true),
            ("a*b*c", "axxbyy", false),
            ("\\*", "*", true),
            ("\\*", "a", false),
            ("sg-*", "sg-0123", true),
        ];
        for (p, t, want) in cases {
            assert_eq!(glob(p, t), *want, "{p} {t}");
        }
    }
}
