//! The AWS CLI command language: words, flags, shorthand values, and the commands.
//!
//! [`run`] takes the words of one command line (without the leading `aws`) and applies it to
//! the account, returning the JSON the real CLI would print, or the AWS error.
//!
//! Code map: [`words`] splits a line, [`cli`] groups words into raw flags, [`shorthand`]
//! parses one flag value, [`spec`] is the one command table, [`args`] checks raw flags
//! against it (the CLI's own usage errors), [`perm`] turns `IpPermissions` into rules,
//! [`filters`] evaluates `--filters`, [`ec2`] holds one file per command family, and
//! [`query`] applies `--query`.
//!
//! **Invariant:** no I/O; new ids come from the [`IdGen`] passed in. A command that fails
//! changes nothing: mutating commands run on a scratch copy of the account that replaces it
//! only on success (AWS requests are all-or-nothing).

pub mod args;
pub mod cli;
pub mod ec2;
pub mod filters;
pub mod iam;
pub mod perm;
pub mod query;
pub mod shorthand;
pub mod spec;
pub mod ssm;
pub mod words;

use crate::model::ids::IdGen;
use crate::model::Account;
use crate::suggest::did_you_mean;
use std::fmt;

pub use spec::{commands, CommandSpec};

/// What a command may touch.
pub struct Ctx<'a> {
    pub account: &'a mut Account,
    pub ids: &'a mut IdGen,
}

impl Ctx<'_> {
    /// A fresh id with `prefix` that no resource of the account uses yet.
    pub fn fresh_id(&mut self, prefix: &str) -> String {
        loop {
            let id = self.ids.fresh(prefix);
            if !self.account.contains_id(&id) {
                return id;
            }
        }
    }
}

/// How the CLI prints a response (`--output`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OutputFormat {
    #[default]
    Json,
    Text,
    Table,
}

/// A command that succeeded.
#[derive(Clone, Debug, PartialEq)]
pub struct Success {
    /// The API operation, e.g. `AuthorizeSecurityGroupIngress`.
    pub operation: String,
    /// The response as the CLI prints it with `--output json` (after `--query`). An empty
    /// object `{}` means the CLI prints nothing (e.g. create-network-acl-entry).
    pub output: serde_json::Value,
    /// The account changed (for `undo` and re-evaluating connections).
    pub changed: bool,
    /// The `--output` the user asked for; render with `crate::render::aws::render`.
    pub format: OutputFormat,
}

/// An error as AWS (or the CLI itself) reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsError {
    pub code: String,
    pub message: String,
    /// The API operation, or empty for errors the CLI raises before calling AWS.
    pub operation: String,
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.operation.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(
                f,
                "An error occurred ({}) when calling the {} operation: {}",
                self.code, self.operation, self.message
            )
        }
    }
}

impl std::error::Error for AwsError {}

/// The lines argparse prints above every usage error. Usage errors (`Unknown options: …`,
/// `the following arguments are required: …`, `argument operation: Invalid choice, valid
/// choices are:`) were checked against the awscli 1.45 installed on the development machine;
/// synopses follow https://docs.aws.amazon.com/cli/latest/reference/ec2/ (one page per
/// command).
pub const USAGE_HEADER: &str = "usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\nTo see help text, you can run:\n\n  aws help\n  aws <command> help\n  aws <command> <subcommand> help\n";

/// Codes for errors the CLI raises itself (they print without the `An error occurred` line).
pub mod cli_code {
    /// argparse: invalid choice, missing or badly shaped arguments.
    pub const USAGE: &str = "UsageError";
    /// `Unknown options: …`.
    pub const UNKNOWN_OPTIONS: &str = "UnknownOptions";
    /// botocore's `Parameter validation failed:` and value parse errors.
    pub const PARAM_VALIDATION: &str = "ParamValidation";
    /// Could not reach the endpoint (an unknown `--region`).
    pub const ENDPOINT: &str = "EndpointConnectionError";
}

impl AwsError {
    /// An error returned by the EC2 API for `operation`.
    pub fn api(operation: &str, code: &str, message: impl Into<String>) -> AwsError {
        AwsError {
            code: code.into(),
            message: message.into(),
            operation: operation.into(),
        }
    }

    /// An error the CLI raises before calling AWS; printed as `message` alone.
    pub fn cli(code: &str, message: impl Into<String>) -> AwsError {
        AwsError {
            code: code.into(),
            message: message.into(),
            operation: String::new(),
        }
    }

    /// An argparse error: the usage header, then `aws: error: MSG`.
    pub fn usage(msg: impl fmt::Display) -> AwsError {
        AwsError::cli(cli_code::USAGE, format!("{USAGE_HEADER}aws: error: {msg}"))
    }

    /// True for errors the CLI raises itself (no API call was made).
    pub fn is_cli_error(&self) -> bool {
        self.operation.is_empty()
    }
}

/// Global options, accepted anywhere on the line (`aws --output table ec2 …` or after the
/// command's own flags).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Globals {
    pub output: OutputFormat,
    pub query: Option<String>,
    pub region: Option<String>,
}

/// Global flags that take one value.
const GLOBAL_VALUED: &[&str] = &[
    "output",
    "query",
    "region",
    "profile",
    "color",
    "endpoint-url",
    "cli-read-timeout",
    "cli-connect-timeout",
];
/// Global flags that take none.
const GLOBAL_SWITCHES: &[&str] = &[
    "no-cli-pager",
    "no-paginate",
    "debug",
    "no-verify-ssl",
    "no-sign-request",
];

fn is_global(name: &str) -> bool {
    GLOBAL_VALUED.contains(&name) || GLOBAL_SWITCHES.contains(&name)
}

/// All flag names offered for completion and suggestions: the command's and the globals.
pub fn global_flag_names() -> Vec<String> {
    GLOBAL_VALUED
        .iter()
        .chain(GLOBAL_SWITCHES)
        .map(|n| format!("--{n}"))
        .collect()
}

fn set_global(g: &mut Globals, name: &str, values: &[String]) -> Result<(), AwsError> {
    if GLOBAL_SWITCHES.contains(&name) {
        if !values.is_empty() {
            return Err(unknown_options(values.to_vec(), None));
        }
        return Ok(());
    }
    let value = match values {
        [v] => v.as_str(),
        [] => {
            return Err(AwsError::usage(format!(
                "argument --{name}: expected one argument"
            )))
        }
        [_, rest @ ..] => return Err(unknown_options(rest.to_vec(), None)),
    };
    match name {
        "output" => {
            g.output = match value {
                "json" => OutputFormat::Json,
                "text" => OutputFormat::Text,
                "table" => OutputFormat::Table,
                _ => {
                    return Err(AwsError::usage(format!(
                        "argument --output: Invalid choice, valid choices are:\n\njson                                     | text                                    \ntable                                   {}",
                        hint_line(value, &["json", "text", "table"])
                    )))
                }
            }
        }
        "query" => g.query = Some(value.to_string()),
        "region" => g.region = Some(value.to_string()),
        _ => {}
    }
    Ok(())
}

/// `\n\nDid you mean 'x'?` or nothing.
fn hint_line(word: &str, candidates: &[&str]) -> String {
    match did_you_mean(word, candidates) {
        Some(c) => format!("\n\nDid you mean '{c}'?"),
        None => String::new(),
    }
}

/// The CLI's `Unknown options: a, b` (after the usage header), plus a suggestion for the
/// first unknown flag when one is close.
fn unknown_options(words: Vec<String>, spec: Option<&CommandSpec>) -> AwsError {
    let mut msg = format!("{USAGE_HEADER}\nUnknown options: {}", words.join(", "));
    if let Some(spec) = spec {
        let mut names = spec.flag_names();
        names.extend(global_flag_names());
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        if let Some(w) = words.iter().find(|w| w.starts_with("--")) {
            let bare = w.split('=').next().unwrap_or(w);
            if let Some(s) = did_you_mean(bare, &refs) {
                msg.push_str(&format!("\n\nDid you mean '{s}'?"));
            }
        }
    }
    AwsError::cli(cli_code::UNKNOWN_OPTIONS, msg)
}

/// argparse's list of valid choices, two columns as the CLI lays them out.
fn choices_table(names: &[&str]) -> String {
    let mut out = String::new();
    for pair in names.chunks(2) {
        match pair {
            [a, b] => out.push_str(&format!("{a:<40} | {b:<40}\n")),
            [a] => out.push_str(&format!("{a:<40}\n")),
            _ => {}
        }
    }
    out
}

fn invalid_choice(what: &str, word: &str, choices: &[&str]) -> AwsError {
    AwsError::usage(format!(
        "argument {what}: Invalid choice, valid choices are:\n\n{}{}",
        choices_table(choices),
        hint_line(word, choices)
    ))
}

/// Takes `--flag [value]` global options off the front of `words`.
fn leading_globals<'w>(words: &'w [String], g: &mut Globals) -> Result<&'w [String], AwsError> {
    let mut rest = words;
    while let Some(first) = rest.first() {
        let Some(body) = first.strip_prefix("--") else {
            break;
        };
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (body, None),
        };
        if !is_global(name) {
            return Err(AwsError::usage(format!(
                "unrecognized arguments: {first}{}",
                hint_line(
                    &format!("--{name}"),
                    &global_flag_names()
                        .iter()
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                )
            )));
        }
        let takes_value = GLOBAL_VALUED.contains(&name);
        let (values, used): (Vec<String>, usize) = match (inline, takes_value) {
            (Some(v), _) => (vec![v], 1),
            (None, false) => (vec![], 1),
            (None, true) => match rest.get(1) {
                Some(v) => (vec![v.clone()], 2),
                None => (vec![], 1),
            },
        };
        set_global(g, name, &values)?;
        rest = rest.get(used..).unwrap_or(&[]);
    }
    Ok(rest)
}

/// A region name shaped like AWS's (`us-east-1`, `eu-central-2`, `us-gov-west-1`).
fn region_shaped(r: &str) -> bool {
    let parts: Vec<&str> = r.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// Runs one AWS command (`ec2 authorize-security-group-ingress --group-id …`).
pub fn run(ctx: &mut Ctx<'_>, words: &[String]) -> Result<Success, AwsError> {
    let words = match words.first() {
        Some(w) if w == "aws" => words.get(1..).unwrap_or(&[]),
        _ => words,
    };
    let mut globals = Globals::default();
    let words = leading_globals(words, &mut globals)?;
    let services = spec::services();
    let Some(service) = words.first() else {
        return Err(AwsError::usage(
            "the following arguments are required: command",
        ));
    };
    if !services.contains(&service.as_str()) {
        return Err(invalid_choice("command", service, &services));
    }
    let Some(name) = words.get(1) else {
        return Err(AwsError::usage(
            "the following arguments are required: operation",
        ));
    };
    let Some(spec) = spec::find(service, name) else {
        let names: Vec<&str> = commands()
            .iter()
            .filter(|c| c.service == service.as_str())
            .map(|c| c.name)
            .collect();
        return Err(invalid_choice("operation", name, &names));
    };
    let raw = cli::parse_flags(words.get(2..).unwrap_or(&[])).map_err(|e| match e {
        cli::CliError::Unknown { words } => unknown_options(words, Some(spec)),
        cli::CliError::Repeated { name, .. } => {
            AwsError::usage(format!("argument --{name}: given more than once"))
        }
    })?;
    let mut own = cli::RawArgs::default();
    for flag in raw.flags {
        if is_global(&flag.name) && spec.flag(&flag.name).is_none() {
            set_global(&mut globals, &flag.name, &flag.values)?;
        } else {
            own.flags.push(flag);
        }
    }
    let args = args::Args::new(spec, own)?;
    let response = dispatch(ctx, spec, &args, globals.region.as_deref())?;
    let output = match &globals.query {
        Some(q) => query::apply(q, &response.output)?,
        None => response.output,
    };
    Ok(Success {
        operation: spec.operation.to_string(),
        output,
        changed: response.changed,
        format: globals.output,
    })
}

struct Response {
    output: serde_json::Value,
    changed: bool,
}

fn dispatch(
    ctx: &mut Ctx<'_>,
    spec: &'static CommandSpec,
    args: &args::Args<'_>,
    region: Option<&str>,
) -> Result<Response, AwsError> {
    if let Some(r) = region {
        if !region_shaped(r) {
            return Err(AwsError::cli(
                cli_code::ENDPOINT,
                format!(
                    "Could not connect to the endpoint URL: \"https://ec2.{r}.amazonaws.com/\""
                ),
            ));
        }
        if r != ctx.account.region {
            // Another Region of the same account: none of this Region's resources exist
            // there. The command runs against an empty account and its changes are dropped
            // (they cannot succeed: there is no VPC to change).
            let mut other = Account {
                account_id: ctx.account.account_id.clone(),
                region: r.to_string(),
                ..Account::default()
            };
            let mut ids = ctx.ids.clone();
            let mut c = Ctx {
                account: &mut other,
                ids: &mut ids,
            };
            let output = call(&mut c, spec, args)?;
            return Ok(Response {
                output,
                changed: false,
            });
        }
    }
    if !spec.mutating {
        let output = call(ctx, spec, args)?;
        return Ok(Response {
            output,
            changed: false,
        });
    }
    let mut scratch = ctx.account.clone();
    let mut ids = ctx.ids.clone();
    let output = {
        let mut c = Ctx {
            account: &mut scratch,
            ids: &mut ids,
        };
        call(&mut c, spec, args)?
    };
    let changed = scratch != *ctx.account;
    *ctx.account = scratch;
    *ctx.ids = ids;
    Ok(Response { output, changed })
}

/// Calls the handler; with `--dry-run`, on a throwaway copy, answering DryRunOperation when
/// the request would have succeeded (and the real error when it would not: UNCONFIRMED how
/// much EC2 validates under DryRun; reporting the error teaches more).
fn call(
    ctx: &mut Ctx<'_>,
    spec: &'static CommandSpec,
    args: &args::Args<'_>,
) -> Result<serde_json::Value, AwsError> {
    if args.bool("dry-run") == Some(true) {
        let mut acct = ctx.account.clone();
        let mut ids = ctx.ids.clone();
        let mut c = Ctx {
            account: &mut acct,
            ids: &mut ids,
        };
        (spec.handler)(&mut c, args)?;
        return Err(AwsError::api(
            spec.operation,
            "DryRunOperation",
            "Request would have succeeded, but DryRun flag is set.",
        ));
    }
    (spec.handler)(ctx, args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        assert!(region_shaped("us-east-1"));
        assert!(region_shaped("us-gov-west-1"));
        assert!(!region_shaped("mars"));
        assert!(!region_shaped("us-east-x"));
    }
}
