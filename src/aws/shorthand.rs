//! Parameter values: AWS CLI shorthand syntax and JSON, parsed into one
//! generic [`Value`] tree.
//!
//! This module owns the *syntax* of a single option value, e.g. the word
//! after `--ip-permissions` or one of the words after `--filters`. It does
//! not know the operation's model: it never converts types, never wraps a
//! scalar into a list, and never checks key names. The grammar follows the
//! AWS CLI's `ShorthandParser` (a small recursive-descent parser):
//!
//! ```text
//! top        = keyval *("," keyval) / item *("," item)     ; second form: bare values
//! keyval     = key *ws "=" *ws (explicit-list / hash / csv)
//! csv        = value *("," value)                          ; stops before a "," that starts `key=`
//! explicit-list = "[" [item *("," item)] "]"
//! hash       = "{" [key "=" item *("," key "=" item)] "}"
//! item       = explicit-list / hash / value
//! value      = 'single quoted' / "double quoted" / bare
//! key        = 1*[A-Za-z0-9_.-]
//! ```
//!
//! Whitespace around `=`, `,`, brackets and braces is skipped, and trailing
//! whitespace of a bare value is trimmed. In a bare value `\` escapes the next
//! character; a bare value ends at `,` `]` `}` or a quote, and a csv
//! continuation value (after the first) also ends at `=`. Nesting is limited
//! to [`MAX_DEPTH`] levels and parsing is linear in the input length.

use std::collections::HashMap;
use std::fmt;

/// Deepest nesting of `[`/`{` (or JSON arrays/objects) accepted.
pub const MAX_DEPTH: usize = 64;

/// A parsed parameter value. Struct keys keep their input order.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Scalar(String),
    List(Vec<Value>),
    Struct(Vec<(String, Value)>),
}

impl Value {
    /// The JSON form of the tree; scalars become JSON strings.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Scalar(s) => serde_json::Value::String(s.clone()),
            Value::List(items) => {
                serde_json::Value::Array(items.iter().map(Value::to_json).collect())
            }
            Value::Struct(fields) => serde_json::Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// The field `key` of a struct (`None` for other kinds).
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Struct(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text of a scalar (`None` for other kinds).
    pub fn as_scalar(&self) -> Option<&str> {
        match self {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }
}

/// What went wrong, without position information.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// Grammar error. `expected` is a literal character (`=`, `]`, ...) or a
    /// placeholder (`<key>`, `<value>`); `received` is the character found
    /// or `EOF`.
    Unexpected { expected: String, received: String },
    /// More than [`MAX_DEPTH`] nested lists/structs.
    TooDeep,
    /// The value looked like JSON but is not valid JSON (serde_json's message).
    InvalidJson(String),
    /// Valid JSON containing `null`, which no parameter accepts.
    JsonNull,
}

/// A value that could not be parsed. `offset` counts characters (not bytes)
/// into `input`. Display mirrors the AWS CLI, e.g.
/// `Error parsing parameter '--ip-permissions': Expected: '=', received: ']' for input:`
/// followed by the input and a caret line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShorthandError {
    pub kind: ErrorKind,
    pub offset: usize,
    pub input: String,
    /// The option name shown in the message, set with [`ShorthandError::for_param`].
    pub param: Option<String>,
}

impl ShorthandError {
    fn new(input: &str, offset: usize, kind: ErrorKind) -> Self {
        ShorthandError {
            kind,
            offset,
            input: input.to_string(),
            param: None,
        }
    }

    /// Name the option (e.g. `"--ip-permissions"`) in the message.
    pub fn for_param(mut self, name: &str) -> Self {
        self.param = Some(name.to_string());
        self
    }

    /// Column of `offset` within its line, in characters.
    fn caret_column(&self) -> usize {
        self.input
            .chars()
            .take(self.offset)
            .fold(0, |col, c| if c == '\n' { 0 } else { col + 1 })
    }
}

impl fmt::Display for ShorthandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = &self.param {
            write!(f, "Error parsing parameter '{p}': ")?;
        }
        let caret = " ".repeat(self.caret_column());
        match &self.kind {
            ErrorKind::Unexpected { expected, received } => write!(
                f,
                "Expected: '{expected}', received: '{received}' for input:\n{}\n{caret}^",
                self.input
            ),
            ErrorKind::TooDeep => write!(
                f,
                "Nested more than {MAX_DEPTH} levels deep for input:\n{}\n{caret}^",
                self.input
            ),
            ErrorKind::InvalidJson(msg) => {
                write!(f, "Invalid JSON: {msg}\nJSON received: {}", self.input)
            }
            ErrorKind::JsonNull => write!(
                f,
                "Invalid JSON: null is not accepted as a value\nJSON received: {}",
                self.input
            ),
        }
    }
}

impl std::error::Error for ShorthandError {}

/// Parse `s` as shorthand syntax (see the module docs for the grammar).
/// Empty or all-whitespace input is `Scalar("")`.
pub fn parse_shorthand(s: &str) -> Result<Value, ShorthandError> {
    let mut p = Parser {
        chars: s.chars().collect(),
        pos: 0,
        depth: 0,
    };
    p.top()
        .map_err(|fail| ShorthandError::new(s, fail.offset, fail.kind))
}

/// Parse an option value the way the CLI accepts it: if the trimmed text
/// starts with `{` or `[` and is valid JSON, as JSON (objects → `Struct`,
/// arrays → `List`, strings/numbers/booleans → `Scalar` of their text,
/// `null` → error); otherwise as shorthand. When both fail, the JSON error is
/// reported if the text looks like JSON (has `"key":`), else the shorthand one.
pub fn parse_value(s: &str) -> Result<Value, ShorthandError> {
    let t = s.trim_start();
    if !(t.starts_with('{') || t.starts_with('[')) {
        return parse_shorthand(s);
    }
    match serde_json::from_str::<serde_json::Value>(s) {
        Ok(json) => from_json(&json, 0).map_err(|kind| ShorthandError::new(s, 0, kind)),
        Err(e) => parse_shorthand(s).map_err(|short| {
            if looks_like_json(s) {
                let offset = json_offset(s, e.line(), e.column());
                ShorthandError::new(s, offset, ErrorKind::InvalidJson(e.to_string()))
            } else {
                short
            }
        }),
    }
}

fn from_json(json: &serde_json::Value, depth: usize) -> Result<Value, ErrorKind> {
    use serde_json::Value as J;
    let nested = || {
        if depth >= MAX_DEPTH {
            Err(ErrorKind::TooDeep)
        } else {
            Ok(depth + 1)
        }
    };
    Ok(match json {
        J::Null => return Err(ErrorKind::JsonNull),
        J::Bool(b) => Value::Scalar(b.to_string()),
        J::Number(n) => Value::Scalar(n.to_string()),
        J::String(s) => Value::Scalar(s.clone()),
        J::Array(items) => {
            let d = nested()?;
            Value::List(
                items
                    .iter()
                    .map(|v| from_json(v, d))
                    .collect::<Result<_, _>>()?,
            )
        }
        J::Object(map) => {
            let d = nested()?;
            Value::Struct(
                map.iter()
                    .map(|(k, v)| from_json(v, d).map(|v| (k.clone(), v)))
                    .collect::<Result<_, _>>()?,
            )
        }
    })
}

/// True if a `"` is followed (after whitespace) by `:` — a JSON object key.
fn looks_like_json(s: &str) -> bool {
    let mut prev = None;
    for c in s.chars() {
        if c == ':' && prev == Some('"') {
            return true;
        }
        if !c.is_whitespace() {
            prev = Some(c);
        }
    }
    false
}

/// Character offset of serde_json's 1-based line / byte column.
fn json_offset(s: &str, line: usize, column: usize) -> usize {
    let mut byte = 0usize;
    for (n, l) in s.split('\n').enumerate() {
        if n + 1 >= line {
            byte += column.saturating_sub(1).min(l.len());
            break;
        }
        byte += l.len() + 1;
    }
    s.char_indices().take_while(|(i, _)| *i < byte).count()
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

/// Characters that end a bare value in every context.
fn ends_value(c: char) -> bool {
    matches!(c, ',' | ']' | '}' | '\'' | '"')
}

/// Struct fields in input order; a repeated key replaces the earlier value
/// in place (like the CLI's dict update) without quadratic lookups.
#[derive(Default)]
struct Fields {
    list: Vec<(String, Value)>,
    index: HashMap<String, usize>,
}

impl Fields {
    fn insert(&mut self, key: String, value: Value) {
        match self.index.get(&key).and_then(|&i| self.list.get_mut(i)) {
            Some(slot) => slot.1 = value,
            None => {
                self.index.insert(key.clone(), self.list.len());
                self.list.push((key, value));
            }
        }
    }
}

/// Internal error before the input text is attached.
struct Fail {
    offset: usize,
    kind: ErrorKind,
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn fail(&self, expected: impl ToString) -> Fail {
        let received = match self.peek() {
            Some(c) => c.to_string(),
            None => "EOF".to_string(),
        };
        Fail {
            offset: self.pos,
            kind: ErrorKind::Unexpected {
                expected: expected.to_string(),
                received,
            },
        }
    }

    fn expect(&mut self, c: char) -> Result<(), Fail> {
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.fail(c))
        }
    }

    fn top(&mut self) -> Result<Value, Fail> {
        self.skip_ws();
        if self.peek().is_none() {
            return Ok(Value::Scalar(String::new()));
        }
        let value = if self.at_key_eq() {
            self.params()?
        } else {
            self.csv(true)?
        };
        self.skip_ws();
        match self.peek() {
            None => Ok(value),
            Some(_) => Err(self.fail(',')),
        }
    }

    /// Lookahead: does `key *ws "="` start at the current position?
    /// Only scans what the caller will consume next, so parsing stays linear.
    fn at_key_eq(&self) -> bool {
        let mut i = self.pos;
        while self.chars.get(i).is_some_and(|&c| is_key_char(c)) {
            i += 1;
        }
        if i == self.pos {
            return false;
        }
        while self.chars.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        self.chars.get(i) == Some(&'=')
    }

    /// `keyval *("," keyval)` at the top level.
    fn params(&mut self) -> Result<Value, Fail> {
        let mut fields = Fields::default();
        loop {
            let key = self.key()?;
            self.skip_ws();
            self.expect('=')?;
            self.skip_ws();
            let value = match self.peek() {
                Some('[') => self.list()?,
                Some('{') => self.hash()?,
                _ => self.csv(false)?,
            };
            fields.insert(key, value);
            self.skip_ws();
            if self.peek() != Some(',') {
                break;
            }
            self.pos += 1;
            self.skip_ws();
        }
        Ok(Value::Struct(fields.list))
    }

    /// One value, or several separated by commas (a list). After a keyval
    /// (`top == false`) the list stops before a comma that starts `key=`;
    /// at the top level (`top == true`) items may be lists or structs.
    fn csv(&mut self, top: bool) -> Result<Value, Fail> {
        let mut items = vec![self.item(top, true)?];
        loop {
            self.skip_ws();
            if self.peek() != Some(',') {
                break;
            }
            let comma = self.pos;
            self.pos += 1;
            self.skip_ws();
            if !top && self.at_key_eq() {
                self.pos = comma;
                break;
            }
            items.push(self.item(top, false)?);
        }
        if items.len() == 1 {
            if let Some(only) = items.pop() {
                return Ok(only);
            }
        }
        Ok(Value::List(items))
    }

    /// A list, struct (if `nested`), quoted or bare value.
    fn item(&mut self, nested: bool, allow_eq: bool) -> Result<Value, Fail> {
        match self.peek() {
            Some('[') if nested => self.list(),
            Some('{') if nested => self.hash(),
            Some(q @ ('\'' | '"')) => self.quoted(q).map(Value::Scalar),
            _ => self.bare(allow_eq).map(Value::Scalar),
        }
    }

    fn key(&mut self) -> Result<String, Fail> {
        let start = self.pos;
        while self.peek().is_some_and(is_key_char) {
            self.pos += 1;
        }
        match self.chars.get(start..self.pos) {
            Some(k) if !k.is_empty() => Ok(k.iter().collect()),
            _ => Err(self.fail("<key>")),
        }
    }

    fn bare(&mut self, allow_eq: bool) -> Result<String, Fail> {
        match self.peek() {
            Some(c) if !(ends_value(c) || matches!(c, '=' | '[' | '{') || c.is_whitespace()) => {}
            _ => return Err(self.fail("<value>")),
        }
        let mut out = String::new();
        let mut keep = 0;
        while let Some(c) = self.peek() {
            if c == '\\' {
                self.pos += 1;
                match self.peek() {
                    Some(escaped) => {
                        out.push(escaped);
                        self.pos += 1;
                    }
                    None => out.push('\\'),
                }
                keep = out.len();
            } else if ends_value(c) || (c == '=' && !allow_eq) {
                break;
            } else {
                out.push(c);
                self.pos += 1;
                if !c.is_whitespace() {
                    keep = out.len();
                }
            }
        }
        out.truncate(keep);
        Ok(out)
    }

    /// `'...'` or `"..."`; inside, only `\\` and `\<quote>` are escapes.
    fn quoted(&mut self, q: char) -> Result<String, Fail> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                None => return Err(self.fail(q)),
                Some(c) if c == q => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some('\\') => match self.chars.get(self.pos + 1) {
                    Some(&n) if n == q || n == '\\' => {
                        out.push(n);
                        self.pos += 2;
                    }
                    _ => {
                        out.push('\\');
                        self.pos += 1;
                    }
                },
                Some(c) => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    fn enter(&mut self) -> Result<(), Fail> {
        if self.depth >= MAX_DEPTH {
            return Err(Fail {
                offset: self.pos,
                kind: ErrorKind::TooDeep,
            });
        }
        self.depth += 1;
        self.pos += 1; // the opening bracket or brace
        self.skip_ws();
        Ok(())
    }

    fn list(&mut self) -> Result<Value, Fail> {
        self.enter()?;
        let mut items = Vec::new();
        if self.peek() != Some(']') {
            loop {
                if self.peek().is_none() {
                    return Err(self.fail(']'));
                }
                items.push(self.item(true, true)?);
                self.skip_ws();
                match self.peek() {
                    Some(',') => {
                        self.pos += 1;
                        self.skip_ws();
                        if self.peek() == Some(']') {
                            return Err(self.fail("<value>"));
                        }
                    }
                    Some(']') => break,
                    _ => return Err(self.fail(']')),
                }
            }
        }
        self.pos += 1; // ']'
        self.depth -= 1;
        Ok(Value::List(items))
    }

    fn hash(&mut self) -> Result<Value, Fail> {
        self.enter()?;
        let mut fields = Fields::default();
        if self.peek() != Some('}') {
            loop {
                if self.peek().is_none() {
                    return Err(self.fail('}'));
                }
                let key = self.key()?;
                self.skip_ws();
                self.expect('=')?;
                self.skip_ws();
                let value = self.item(true, true)?;
                fields.insert(key, value);
                self.skip_ws();
                match self.peek() {
                    Some(',') => {
                        self.pos += 1;
                        self.skip_ws();
                        if self.peek() == Some('}') {
                            return Err(self.fail("<key>"));
                        }
                    }
                    Some('}') => break,
                    _ => return Err(self.fail('}')),
                }
            }
        }
        self.pos += 1; // '}'
        self.depth -= 1;
        Ok(Value::Struct(fields.list))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn s(v: &str) -> Value {
        Value::Scalar(v.to_string())
    }
    fn l(v: Vec<Value>) -> Value {
        Value::List(v)
    }
    fn st(v: Vec<(&str, Value)>) -> Value {
        Value::Struct(v.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    #[test]
    fn shorthand_table() {
        let cases: Vec<(&str, Value)> = vec![
            ("Key=Value,Key2=Value2", st(vec![("Key", s("Value")), ("Key2", s("Value2"))])),
            (
                "Name=vpc-id,Values=vpc-1,vpc-2",
                st(vec![("Name", s("vpc-id")), ("Values", l(vec![s("vpc-1"), s("vpc-2")]))]),
            ),
            ("a=b,c", st(vec![("a", l(vec![s("b"), s("c")]))])),
            ("a=b,c,d=e", st(vec![("a", l(vec![s("b"), s("c")])), ("d", s("e"))])),
            ("a=b,c,d=x=y", st(vec![("a", l(vec![s("b"), s("c")])), ("d", s("x=y"))])),
            ("K=a=b", st(vec![("K", s("a=b"))])),
            ("my_key.x-y=1", st(vec![("my_key.x-y", s("1"))])),
            ("K=[a,b]", st(vec![("K", l(vec![s("a"), s("b")]))])),
            ("K=[]", st(vec![("K", l(vec![]))])),
            ("K={}", st(vec![("K", st(vec![]))])),
            ("K={A=1,B=2}", st(vec![("K", st(vec![("A", s("1")), ("B", s("2"))]))])),
            ("K=[[a,b],[c],[]]", st(vec![("K", l(vec![l(vec![s("a"), s("b")]), l(vec![s("c")]), l(vec![])]))])),
            (
                "IpRanges=[{CidrIp=10.0.0.0/16,Description=x},{CidrIp=10.1.0.0/16}]",
                st(vec![(
                    "IpRanges",
                    l(vec![
                        st(vec![("CidrIp", s("10.0.0.0/16")), ("Description", s("x"))]),
                        st(vec![("CidrIp", s("10.1.0.0/16"))]),
                    ]),
                )]),
            ),
            (
                "IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=0.0.0.0/0}],Ipv6Ranges=[{CidrIpv6=::/0}]",
                st(vec![
                    ("IpProtocol", s("tcp")),
                    ("FromPort", s("22")),
                    ("ToPort", s("22")),
                    ("IpRanges", l(vec![st(vec![("CidrIp", s("0.0.0.0/0"))])])),
                    ("Ipv6Ranges", l(vec![st(vec![("CidrIpv6", s("::/0"))])])),
                ]),
            ),
            ("Arn=arn:aws:iam::123456789012:role/x*", st(vec![("Arn", s("arn:aws:iam::123456789012:role/x*"))])),
            ("K={L=[{M=1}]}", st(vec![("K", st(vec![("L", l(vec![st(vec![("M", s("1"))])]))]))])),
            // Quotes: delimiters are literal inside, quotes removed.
            ("Description='a, b=c [x] {y}'", st(vec![("Description", s("a, b=c [x] {y}"))])),
            ("Description=\"it's\"", st(vec![("Description", s("it's"))])),
            ("K=\"a\\\"b\\\\c\\d\"", st(vec![("K", s("a\"b\\c\\d"))])),
            ("K='a\\'b'", st(vec![("K", s("a'b"))])),
            ("K=\"\"", st(vec![("K", s(""))])),
            ("K=['a,b',\"c]\"]", st(vec![("K", l(vec![s("a,b"), s("c]")]))])),
            ("K=x,'y,z'", st(vec![("K", l(vec![s("x"), s("y,z")]))])),
            // Backslash escapes in bare values.
            ("K=a\\,b", st(vec![("K", s("a,b"))])),
            ("K=a\\]b\\\\", st(vec![("K", s("a]b\\"))])),
            ("K=a\\", st(vec![("K", s("a\\"))])),
            ("K=a\\ ", st(vec![("K", s("a "))])),
            // Whitespace.
            ("K = v , K2 = v2", st(vec![("K", s("v")), ("K2", s("v2"))])),
            ("K=hello world", st(vec![("K", s("hello world"))])),
            ("  K=[ a , b ] ", st(vec![("K", l(vec![s("a"), s("b")]))])),
            ("K={ A = 1 , B = x y }", st(vec![("K", st(vec![("A", s("1")), ("B", s("x y"))]))])),
            ("K=a , b", st(vec![("K", l(vec![s("a"), s("b")]))])),
            ("Description=héllo wörld ✓", st(vec![("Description", s("héllo wörld ✓"))])),
            // Mid-value brackets are literal.
            ("K=a[0", st(vec![("K", s("a[0"))])),
            // Duplicate key: last wins, first position kept.
            ("a=1,b=2,a=3", st(vec![("a", s("3")), ("b", s("2"))])),
            // Bare values (no `key=`).
            ("vpc-1", s("vpc-1")),
            ("a,b", l(vec![s("a"), s("b")])),
            ("sg-1, sg-2", l(vec![s("sg-1"), s("sg-2")])),
            ("0.0.0.0/0", s("0.0.0.0/0")),
            ("-1", s("-1")),
            ("'quoted, value'", s("quoted, value")),
            ("[a,b]", l(vec![s("a"), s("b")])),
            ("[a],[b]", l(vec![l(vec![s("a")]), l(vec![s("b")])])),
            ("[]", l(vec![])),
            ("{}", st(vec![])),
            ("{K=V}", st(vec![("K", s("V"))])),
            ("{K=V},{K=W}", l(vec![st(vec![("K", s("V"))]), st(vec![("K", s("W"))])])),
            ("x/y=z", s("x/y=z")),
            ("é=1", s("é=1")),
            ("", s("")),
            ("   ", s("")),
        ];
        for (input, want) in cases {
            assert_eq!(parse_shorthand(input), Ok(want), "input {input:?}");
        }
    }

    fn unexpected(expected: &str, received: &str) -> ErrorKind {
        ErrorKind::Unexpected {
            expected: expected.into(),
            received: received.into(),
        }
    }

    #[test]
    fn shorthand_errors() {
        let cases: &[(&str, &str, &str, usize)] = &[
            // unterminated [ { and quotes
            ("K=[a,b", "]", "EOF", 6),
            ("K=[", "]", "EOF", 3),
            ("K=[a,", "]", "EOF", 5),
            ("K={A=1", "}", "EOF", 6),
            ("K={", "}", "EOF", 3),
            ("K='abc", "'", "EOF", 6),
            ("K=\"abc", "\"", "EOF", 6),
            ("[a", "]", "EOF", 2),
            // Key= with nothing
            ("K=", "<value>", "EOF", 2),
            ("K=  ", "<value>", "EOF", 4),
            ("K=,L=1", "<value>", ",", 2),
            ("a=b,c=", "<value>", "EOF", 6),
            ("K={A=}", "<value>", "}", 5),
            ("K=[,]", "<value>", ",", 3),
            ("K==x", "<value>", "=", 2),
            // stray ]
            ("a=b]", ",", "]", 3),
            ("]", "<value>", "]", 0),
            ("K=[a]]", ",", "]", 5),
            ("{K]", "=", "]", 2),
            ("a=b,c]", ",", "]", 5),
            // trailing comma
            ("a=b,", "<value>", "EOF", 4),
            ("a=[x],", "<key>", "EOF", 6),
            ("a,", "<value>", "EOF", 2),
            ("K=[a,]", "<value>", "]", 5),
            ("K={A=1,}", "<key>", "}", 7),
            // other
            ("{K=a,b}", "=", "}", 6),
            ("K=a'b'", ",", "'", 3),
            ("K=a,[b]", "<value>", "[", 4),
            ("K=[a] x", ",", "x", 6),
            ("a=b,c/d=e", ",", "=", 7),
            ("K=[a b c", "]", "EOF", 8),
        ];
        for (input, expected, received, offset) in cases {
            let err = parse_shorthand(input);
            assert_eq!(
                err.as_ref().map_err(|e| (&e.kind, e.offset)),
                Err((&unexpected(expected, received), *offset)),
                "input {input:?}"
            );
        }
    }

    #[test]
    fn error_display() {
        let err = parse_shorthand("{K]")
            .map(|_| ())
            .map_err(|e| e.for_param("--ip-permissions").to_string());
        assert_eq!(
            err,
            Err("Error parsing parameter '--ip-permissions': Expected: '=', received: ']' for input:\n{K]\n  ^".into())
        );
        let err = parse_shorthand("a=b,\nc=[x")
            .map(|_| ())
            .map_err(|e| e.to_string());
        assert_eq!(
            err,
            Err("Expected: ']', received: 'EOF' for input:\na=b,\nc=[x\n    ^".into())
        );
        let err = parse_value("[{\"a\": 1,}]")
            .map(|_| ())
            .map_err(|e| e.for_param("--x").to_string());
        assert!(
            err.as_ref().is_err_and(|m| m
                .starts_with("Error parsing parameter '--x': Invalid JSON: ")
                && m.ends_with("\nJSON received: [{\"a\": 1,}]")),
            "{err:?}"
        );
    }

    #[test]
    fn depth_limit() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse_shorthand(&ok).is_ok());
        assert!(parse_value(&ok).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        let short = parse_shorthand(&deep).map_err(|e| (e.kind, e.offset));
        assert_eq!(short, Err((ErrorKind::TooDeep, MAX_DEPTH)));
        assert_eq!(
            parse_value(&deep).map_err(|e| e.kind),
            Err(ErrorKind::TooDeep)
        );
        let json_deep = format!(
            "{}1{}",
            "[".repeat(MAX_DEPTH + 1),
            "]".repeat(MAX_DEPTH + 1)
        );
        assert_eq!(
            parse_value(&json_deep).map_err(|e| e.kind),
            Err(ErrorKind::TooDeep)
        );
        let huge = "K=".to_string() + &"{A=".repeat(100_000) + &"[".repeat(100_000);
        assert_eq!(
            parse_shorthand(&huge).map_err(|e| e.kind),
            Err(ErrorKind::TooDeep)
        );
        assert!(parse_value(&"[".repeat(100_000)).is_err());
    }

    #[test]
    fn linear_on_large_input() {
        let n = 200_000;
        let input = format!("K=a{}", ",b".repeat(n));
        match parse_shorthand(&input) {
            Ok(Value::Struct(f)) => {
                assert!(matches!(f.first(), Some((_, Value::List(v))) if v.len() == n + 1))
            }
            other => panic!("{other:?}"),
        }
        let input: String = (0..n).map(|i| format!("k{i}=v,")).collect::<String>() + "z=1";
        assert!(matches!(parse_shorthand(&input), Ok(Value::Struct(f)) if f.len() == n + 1));
        let input = format!("K={}", "x ".repeat(n));
        assert!(parse_shorthand(&input).is_ok());
    }

    #[test]
    fn json_and_shorthand_agree() {
        let json = r#"[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"10.0.0.0/16"}]}]"#;
        let short = "IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=10.0.0.0/16}]";
        let from_json = parse_value(json);
        let from_short = parse_value(short);
        assert!(from_short.is_ok());
        assert_eq!(from_json, from_short.map(|v| l(vec![v])));
        assert_eq!(
            parse_value(json),
            parse_value("[{IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=10.0.0.0/16}]}]")
        );
    }

    #[test]
    fn parse_value_table() {
        let cases: Vec<(&str, Value)> = vec![
            (
                r#"{"a": true, "b": 1.5, "c": -1, "d": "x"}"#,
                st(vec![
                    ("a", s("true")),
                    ("b", s("1.5")),
                    ("c", s("-1")),
                    ("d", s("x")),
                ]),
            ),
            (
                r#"{"z": 1, "a": 2}"#,
                st(vec![("z", s("1")), ("a", s("2"))]),
            ),
            (
                " [1, [2], {}] ",
                l(vec![s("1"), l(vec![s("2")]), st(vec![])]),
            ),
            ("[]", l(vec![])),
            ("{}", st(vec![])),
            ("[a,b]", l(vec![s("a"), s("b")])),
            ("{K=V}", st(vec![("K", s("V"))])),
            ("K=V", st(vec![("K", s("V"))])),
            ("\"quoted\"", s("quoted")),
            ("plain", s("plain")),
        ];
        for (input, want) in cases {
            assert_eq!(parse_value(input), Ok(want), "input {input:?}");
        }
        let null = parse_value(r#"{"a": null}"#).map_err(|e| e.kind);
        assert_eq!(null, Err(ErrorKind::JsonNull));
        let bad = parse_value("[{\"a\":\n 1,}]")
            .map_err(|e| (matches!(e.kind, ErrorKind::InvalidJson(_)), e.offset));
        assert_eq!(bad, Err((true, 10))); // the `}` after the trailing comma
        let bad = parse_value("{\"é\":1,}").map_err(|e| e.offset);
        assert_eq!(bad, Err(7)); // character offset, though serde counts bytes
                                 // Not JSON-looking: the shorthand error wins.
        let bad = parse_value("[a,").map_err(|e| e.kind);
        assert_eq!(bad, Err(unexpected("]", "EOF")));
    }

    #[test]
    fn to_json_keeps_order() {
        let v = st(vec![("z", s("1")), ("a", l(vec![s("x"), st(vec![])]))]);
        let text = serde_json::to_string(&v.to_json()).unwrap_or_default();
        assert_eq!(text, r#"{"z":"1","a":["x",{}]}"#);
        assert_eq!(v.get("z").and_then(Value::as_scalar), Some("1"));
        assert_eq!(s("x").get("z"), None);
        assert_eq!(l(vec![]).as_scalar(), None);
    }

    // ---- property tests ----

    fn arb_value() -> impl Strategy<Value = Value> {
        let leaf = "[a-zA-Z0-9]{1,8}".prop_map(Value::Scalar);
        leaf.prop_recursive(4, 40, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::List),
                prop::collection::vec(("[a-zA-Z0-9]{1,6}", inner), 0..4).prop_map(|kvs| {
                    let mut seen = std::collections::HashSet::new();
                    Value::Struct(
                        kvs.into_iter()
                            .filter(|(k, _)| seen.insert(k.clone()))
                            .collect(),
                    )
                }),
            ]
        })
    }

    struct Style {
        csv: bool,
        spaced: bool,
    }

    impl Style {
        fn sep(&self) -> &'static str {
            if self.spaced {
                " , "
            } else {
                ","
            }
        }
        fn eq(&self) -> &'static str {
            if self.spaced {
                " = "
            } else {
                "="
            }
        }
        fn pad(&self) -> &'static str {
            if self.spaced {
                " "
            } else {
                ""
            }
        }
    }

    /// A list of two or more scalars, which can be written `a,b` unbracketed.
    fn csv_items(v: &Value) -> Option<Vec<&str>> {
        match v {
            Value::List(items) if items.len() >= 2 => items.iter().map(Value::as_scalar).collect(),
            _ => None,
        }
    }

    fn render_top(v: &Value, st: &Style) -> String {
        match v {
            Value::Struct(f) if !f.is_empty() => f
                .iter()
                .map(|(k, v)| {
                    let rendered = match csv_items(v) {
                        Some(items) if st.csv => items.join(st.sep()),
                        _ => render_nested(v, st),
                    };
                    format!("{k}{}{rendered}", st.eq())
                })
                .collect::<Vec<_>>()
                .join(st.sep()),
            _ => match csv_items(v) {
                Some(items) if st.csv => items.join(st.sep()),
                _ => render_nested(v, st),
            },
        }
    }

    fn render_nested(v: &Value, st: &Style) -> String {
        let p = st.pad();
        match v {
            Value::Scalar(x) => x.clone(),
            Value::List(items) => {
                let inner: Vec<String> = items.iter().map(|i| render_nested(i, st)).collect();
                format!("[{p}{}{p}]", inner.join(st.sep()))
            }
            Value::Struct(f) => {
                let inner: Vec<String> = f
                    .iter()
                    .map(|(k, v)| format!("{k}{}{}", st.eq(), render_nested(v, st)))
                    .collect();
                format!("{{{p}{}{p}}}", inner.join(st.sep()))
            }
        }
    }

    const NASTY: &str = "[\\[\\]{},='\"a-zA-Z0-9 \\\\:/.\\-é✓\n]{0,60}";

    proptest! {
        #[test]
        fn shorthand_never_panics(s in any::<String>()) {
            let _ = parse_shorthand(&s);
            let _ = parse_value(&s);
        }

        #[test]
        fn shorthand_never_panics_nasty(s in NASTY) {
            if let Err(e) = parse_shorthand(&s) {
                prop_assert!(e.offset <= s.chars().count());
                let _ = e.for_param("--x").to_string();
            }
            if let Err(e) = parse_value(&s) {
                let _ = e.to_string();
            }
        }

        #[test]
        fn parse_value_never_panics_jsonish(s in "[\\[\\]{}:,\"a0-9 null\\\\]{0,60}") {
            let _ = parse_value(&s);
        }

        #[test]
        fn render_round_trip(v in arb_value(), csv in any::<bool>(), spaced in any::<bool>()) {
            let text = render_top(&v, &Style { csv, spaced });
            prop_assert_eq!(parse_shorthand(&text), Ok(v.clone()), "rendered {:?}", text);
            // Text that happens to be valid JSON (`[[0E0]]`) is read as JSON,
            // as the CLI does, and its numbers get serde_json's spelling.
            if serde_json::from_str::<serde_json::Value>(&text).is_err() {
                prop_assert_eq!(parse_value(&text), Ok(v), "rendered {:?}", text);
            }
        }

        #[test]
        fn json_round_trip(v in arb_value()) {
            let text = v.to_json().to_string();
            prop_assert_eq!(parse_value(&text), Ok(v), "json {:?}", text);
        }
    }
}
