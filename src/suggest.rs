//! "Did you mean …?" for unknown names, commands and flags.

/// The candidate closest to `word` by optimal-string-alignment
/// Damerau–Levenshtein distance (insert, delete, substitute, swap adjacent),
/// counted in characters, if that distance is at most
/// `max(2, word_len / 3)`. Ties go to the earlier candidate. Compare like
/// with like: pass names either all with or all without the `--`.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let w: Vec<char> = word.chars().collect();
    let limit = std::cmp::max(2, w.len() / 3);
    let mut best: Option<(usize, &'a str)> = None;
    for &cand in candidates {
        let c: Vec<char> = cand.chars().collect();
        if w.len().abs_diff(c.len()) > limit {
            continue;
        }
        let d = distance(&w, &c);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c)
}

/// Optimal string alignment distance with three rolling rows.
fn distance(a: &[char], b: &[char]) -> usize {
    fn at(row: &[usize], i: usize) -> usize {
        row.get(i).copied().unwrap_or(usize::MAX / 2)
    }
    let n = b.len();
    let mut prev2: Vec<usize> = vec![0; n + 1];
    let mut prev: Vec<usize> = (0..=n).collect();
    let mut cur: Vec<usize> = Vec::with_capacity(n + 1);
    for (i, &ca) in a.iter().enumerate() {
        cur.clear();
        cur.push(i + 1);
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let mut d = (at(&prev, j + 1) + 1)
                .min(at(&cur, j) + 1)
                .min(at(&prev, j) + cost);
            let swapped = i > 0
                && j > 0
                && ca != cb
                && a.get(i - 1) == Some(&cb)
                && b.get(j - 1) == Some(&ca);
            if swapped {
                d = d.min(at(&prev2, j - 1) + 1);
            }
            cur.push(d);
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    at(&prev, n)
}

/// `; did you mean 'x'?` or nothing.
pub fn hint<'a, I>(word: &str, candidates: I) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    let c: Vec<&str> = candidates.into_iter().collect();
    match did_you_mean(word, &c) {
        Some(c) => format!("; did you mean '{c}'?"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_table() {
        let cases: &[(&str, &str, usize)] = &[
            ("", "", 0),
            ("abc", "", 3),
            ("", "abc", 3),
            ("kitten", "sitting", 3),
            ("group-id", "group-id", 0),
            ("gruop-id", "group-id", 1),
            ("ca", "abc", 3),
            ("dry-rn", "dry-run", 1),
            ("é", "e", 1),
        ];
        for (a, b, d) in cases {
            let a: Vec<char> = a.chars().collect();
            let b: Vec<char> = b.chars().collect();
            assert_eq!(distance(&a, &b), *d, "{a:?} {b:?}");
            assert_eq!(distance(&b, &a), *d, "{b:?} {a:?}");
        }
    }

    #[test]
    fn did_you_mean_table() {
        let flags = [
            "group-id",
            "group-name",
            "ip-permissions",
            "dry-run",
            "cidr",
            "port",
        ];
        let cases: &[(&str, Option<&str>)] = &[
            ("group-id", Some("group-id")),
            ("gruop-id", Some("group-id")),
            ("groupid", Some("group-id")),
            ("group-nam", Some("group-name")),
            ("ip-permission", Some("ip-permissions")),
            ("ippermisions", Some("ip-permissions")),
            ("dryrun", Some("dry-run")),
            ("cdir", Some("cidr")),
            ("prt", Some("port")),
            ("xyz", None),
            ("completely-different", None),
            ("", None),
        ];
        for (word, want) in cases {
            assert_eq!(did_you_mean(word, &flags), *want, "{word:?}");
        }
        // Ties go to the earlier candidate.
        assert_eq!(did_you_mean("ab", &["ax", "ay"]), Some("ax"));
        assert_eq!(did_you_mean("ab", &["ay", "ax"]), Some("ay"));
        // Limit grows with length: 12 chars allows 4 edits.
        assert_eq!(
            did_you_mean("abcdefghijkl", &["abcdwxyzijkl"]),
            Some("abcdwxyzijkl")
        );
        assert_eq!(did_you_mean("abcdefghijkl", &["abcvwxyzijkl"]), None);
        assert_eq!(did_you_mean("x", &[]), None);
    }
}
