//! Resolved arguments of one command: the raw flags checked against the command's
//! [`CommandSpec`], with typed accessors that raise the CLI's own errors, and the helpers
//! that check a structure value the way botocore's parameter validation does.
//!
//! **Invariant:** every error raised here is a CLI error (no API operation in it), worded as
//! argparse or botocore word it (checked against awscli 1.45 / botocore 1.43 on this machine).

use super::cli::RawArgs;
use super::shorthand::{parse_value, Value};
use super::spec::{CommandSpec, FlagSpec, Kind};
use super::{cli_code, unknown_options, AwsError};

/// One given flag, resolved to its spec.
#[derive(Debug, Clone)]
struct Given {
    spec: &'static FlagSpec,
    /// False when the negative form (`--no-dry-run`, `--ingress`) was used.
    positive: bool,
    values: Vec<String>,
}

/// The flags of one command line, validated against the command's spec.
#[derive(Debug, Clone)]
pub struct Args<'s> {
    pub spec: &'s CommandSpec,
    given: Vec<Given>,
}

impl<'s> Args<'s> {
    /// Checks names (unknown options), arity and required flags, as argparse does.
    pub fn new(spec: &'static CommandSpec, raw: RawArgs) -> Result<Args<'static>, AwsError> {
        let mut unknown = Vec::new();
        let mut given: Vec<Given> = Vec::new();
        for flag in raw.flags {
            let Some(fs) = spec.flag(&flag.name) else {
                unknown.push(format!("--{}", flag.name));
                unknown.extend(flag.values);
                continue;
            };
            let positive = fs.name == flag.name;
            if let Some(other) = given.iter().find(|g| std::ptr::eq(g.spec, fs)) {
                let (a, b) = match fs.kind {
                    Kind::Bool { negative } => {
                        if other.positive {
                            (negative, fs.name)
                        } else {
                            (fs.name, negative)
                        }
                    }
                    _ => (fs.name, fs.name),
                };
                return Err(AwsError::usage(format!(
                    "argument --{a}: not allowed with argument --{b}"
                )));
            }
            let shown = &flag.name;
            match fs.kind {
                Kind::Bool { .. } => {
                    if !flag.values.is_empty() {
                        unknown.extend(flag.values);
                        given.push(Given {
                            spec: fs,
                            positive,
                            values: vec![],
                        });
                        continue;
                    }
                }
                Kind::Str | Kind::Int | Kind::Struct => match flag.values.len() {
                    0 => {
                        return Err(AwsError::usage(format!(
                            "argument --{shown}: expected one argument"
                        )))
                    }
                    1 => {}
                    _ => {
                        unknown.extend(flag.values.iter().skip(1).cloned());
                    }
                },
                Kind::List | Kind::StructList => {
                    if flag.values.is_empty() {
                        return Err(AwsError::usage(format!(
                            "argument --{shown}: expected at least one argument"
                        )));
                    }
                }
            }
            let mut values = flag.values;
            if matches!(fs.kind, Kind::Str | Kind::Int | Kind::Struct) {
                values.truncate(1);
            }
            given.push(Given {
                spec: fs,
                positive,
                values,
            });
        }
        if !unknown.is_empty() {
            return Err(unknown_options(unknown, Some(spec)));
        }
        let missing: Vec<String> = spec
            .flags
            .iter()
            .filter(|f| f.required && !given.iter().any(|g| std::ptr::eq(g.spec, *f)))
            .map(|f| match f.kind {
                Kind::Bool { negative } => format!("--{} | --{negative}", f.name),
                _ => format!("--{}", f.name),
            })
            .collect();
        if !missing.is_empty() {
            return Err(AwsError::usage(format!(
                "the following arguments are required: {}",
                missing.join(", ")
            )));
        }
        Ok(Args { spec, given })
    }

    /// The API operation name.
    pub fn op(&self) -> &'static str {
        self.spec.operation
    }

    /// An API error of this command's operation.
    pub fn err(&self, code: &str, message: impl Into<String>) -> AwsError {
        AwsError::api(self.spec.operation, code, message)
    }

    fn find(&self, name: &str) -> Option<&Given> {
        self.given.iter().find(|g| g.spec.name == name)
    }

    /// True when the flag was given (either form for booleans).
    pub fn has(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    /// The value of a one-value flag.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.find(name)
            .and_then(|g| g.values.first())
            .map(String::as_str)
    }

    /// A boolean flag: `Some(true)` for `--name`, `Some(false)` for its negative form.
    pub fn bool(&self, name: &str) -> Option<bool> {
        self.find(name).map(|g| g.positive)
    }

    /// The values of a list flag (empty when not given).
    pub fn list(&self, name: &str) -> Vec<&str> {
        self.find(name)
            .map(|g| g.values.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// An integer flag, converted as the CLI converts it.
    pub fn int(&self, name: &str) -> Result<Option<i64>, AwsError> {
        match self.str(name) {
            None => Ok(None),
            Some(s) => py_int(s).map(Some),
        }
    }

    /// A structure flag, parsed from shorthand or JSON.
    pub fn structure(&self, name: &str) -> Result<Option<Value>, AwsError> {
        match self.str(name) {
            None => Ok(None),
            Some(s) => parse_value(s)
                .map(Some)
                .map_err(|e| parse_error(e.for_param(&format!("--{name}")))),
        }
    }

    /// A list-of-structures flag: each word is one item (shorthand or JSON object) or a JSON
    /// list of items.
    pub fn structures(&self, name: &str) -> Result<Vec<Value>, AwsError> {
        let mut out = Vec::new();
        for word in self.list(name) {
            match parse_value(word) {
                Ok(Value::List(items)) if word.trim_start().starts_with('[') => out.extend(items),
                Ok(v) => out.push(v),
                Err(e) => return Err(parse_error(e.for_param(&format!("--{name}")))),
            }
        }
        Ok(out)
    }
}

fn parse_error(e: super::shorthand::ShorthandError) -> AwsError {
    AwsError::cli(cli_code::PARAM_VALIDATION, e.to_string())
}

/// Python's `int(s)`: optional surrounding whitespace, sign, digits (underscores between
/// digits allowed). The CLI raises `invalid literal for int() with base 10: 'x'`.
pub fn py_int(s: &str) -> Result<i64, AwsError> {
    let t = s.trim();
    let (neg, digits) = match t.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let ok = !digits.is_empty()
        && !digits.starts_with('_')
        && !digits.ends_with('_')
        && !digits.contains("__")
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    let parsed = if ok {
        digits.replace('_', "").parse::<i64>().ok()
    } else {
        None
    };
    match parsed {
        Some(n) => Ok(if neg { -n } else { n }),
        None => Err(AwsError::cli(
            cli_code::PARAM_VALIDATION,
            format!("invalid literal for int() with base 10: '{s}'"),
        )),
    }
}

/// botocore's `Parameter validation failed:` wrapper.
pub fn validation(msg: impl std::fmt::Display) -> AwsError {
    AwsError::cli(
        cli_code::PARAM_VALIDATION,
        format!("Parameter validation failed:\n{msg}"),
    )
}

/// Python's repr-ish rendering of a value, for botocore messages.
fn show(v: &Value) -> String {
    match v {
        Value::Scalar(s) => s.clone(),
        Value::List(items) => format!(
            "[{}]",
            items.iter().map(show_repr).collect::<Vec<_>>().join(", ")
        ),
        Value::Struct(fields) => format!(
            "{{{}}}",
            fields
                .iter()
                .map(|(k, v)| format!("'{k}': {}", show_repr(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn show_repr(v: &Value) -> String {
    match v {
        Value::Scalar(s) => format!("'{s}'"),
        other => show(other),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Scalar(_) => "<class 'str'>",
        Value::List(_) => "<class 'list'>",
        Value::Struct(_) => "<class 'dict'>",
    }
}

/// The fields of a structure at `path`, after checking every key is one of `members` (in the
/// model's order, as botocore lists them).
pub fn fields<'v>(
    v: &'v Value,
    path: &str,
    members: &[&str],
) -> Result<&'v [(String, Value)], AwsError> {
    match v {
        Value::Struct(fields) => {
            if let Some((k, _)) = fields.iter().find(|(k, _)| !members.contains(&k.as_str())) {
                return Err(validation(format!(
                    "Unknown parameter in {path}: \"{k}\", must be one of: {}",
                    members.join(", ")
                )));
            }
            Ok(fields)
        }
        other => Err(validation(format!(
            "Invalid type for parameter {path}, value: {}, type: {}, valid types: <class 'dict'>",
            show(other),
            type_name(other)
        ))),
    }
}

/// A string member (scalars only).
pub fn string_member<'v>(
    fields: &'v [(String, Value)],
    key: &str,
    path: &str,
) -> Result<Option<&'v str>, AwsError> {
    match fields.iter().find(|(k, _)| k == key).map(|(_, v)| v) {
        None => Ok(None),
        Some(Value::Scalar(s)) => Ok(Some(s)),
        Some(other) => Err(validation(format!(
            "Invalid type for parameter {path}.{key}, value: {}, type: {}, valid types: <class 'str'>",
            show(other),
            type_name(other)
        ))),
    }
}

/// An integer member.
pub fn int_member(
    fields: &[(String, Value)],
    key: &str,
    path: &str,
) -> Result<Option<i64>, AwsError> {
    match fields.iter().find(|(k, _)| k == key).map(|(_, v)| v) {
        None => Ok(None),
        Some(Value::Scalar(s)) => py_int(s).map(Some),
        Some(other) => Err(validation(format!(
            "Invalid type for parameter {path}.{key}, value: {}, type: {}, valid types: <class 'int'>",
            show(other),
            type_name(other)
        ))),
    }
}

/// A list member; a single item given where a list is expected counts as a list of one (as
/// the CLI's shorthand does).
pub fn list_member<'v>(fields: &'v [(String, Value)], key: &str) -> Vec<&'v Value> {
    match fields.iter().find(|(k, _)| k == key).map(|(_, v)| v) {
        None => vec![],
        Some(Value::List(items)) => items.iter().collect(),
        Some(one) => vec![one],
    }
}

/// Like [`list_member`], but the members are strings.
pub fn string_list_member(
    fields: &[(String, Value)],
    key: &str,
    path: &str,
) -> Result<Vec<String>, AwsError> {
    list_member(fields, key)
        .into_iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::Scalar(s) => Ok(s.clone()),
            other => Err(validation(format!(
                "Invalid type for parameter {path}.{key}[{i}], value: {}, type: {}, valid types: <class 'str'>",
                show(other),
                type_name(other)
            ))),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_int() {
        // The CLI converts integers with Python's int().
        let ok: &[(&str, i64)] = &[
            ("22", 22),
            (" 22 ", 22),
            ("+5", 5),
            ("-1", -1),
            ("1_000", 1000),
        ];
        for (s, n) in ok {
            assert_eq!(py_int(s).ok(), Some(*n), "{s}");
        }
        for s in ["", "x", "2x", "_1", "1__0", "--1", "1.0"] {
            let e = py_int(s).err().map(|e| e.message);
            assert_eq!(
                e,
                Some(format!("invalid literal for int() with base 10: '{s}'"))
            );
        }
    }

    #[test]
    fn unknown_member() {
        let v = crate::aws::shorthand::parse_value("IpProtocol=tcp,Foo=1")
            .unwrap_or(Value::List(vec![]));
        let e = fields(&v, "IpPermissions[0]", &["IpProtocol", "FromPort"]).err();
        assert_eq!(
            e.map(|e| e.message),
            Some("Parameter validation failed:\nUnknown parameter in IpPermissions[0]: \"Foo\", must be one of: IpProtocol, FromPort".to_string())
        );
    }
}
