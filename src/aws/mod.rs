//! The AWS CLI command language: words, flags, shorthand values, and the commands.
//!
//! [`run`] takes the words of one command line (without the leading `aws`) and applies it to
//! the account, returning the JSON the real CLI would print, or the AWS error.
//! **Invariant:** no I/O; new ids come from the [`IdGen`] passed in.

pub mod cli;
pub mod shorthand;
pub mod words;

use crate::model::ids::IdGen;
use crate::model::Account;
use std::fmt;

/// What a command may touch.
pub struct Ctx<'a> {
    pub account: &'a mut Account,
    pub ids: &'a mut IdGen,
}

/// A command that succeeded.
#[derive(Clone, Debug, PartialEq)]
pub struct Success {
    /// The API operation, e.g. `AuthorizeSecurityGroupIngress`.
    pub operation: String,
    /// The response as the CLI prints it with `--output json`.
    pub output: serde_json::Value,
    /// The account changed (for `undo` and re-evaluating connections).
    pub changed: bool,
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

/// Runs one AWS command (`ec2 authorize-security-group-ingress --group-id …`).
pub fn run(_ctx: &mut Ctx<'_>, words: &[String]) -> Result<Success, AwsError> {
    Err(AwsError {
        code: "InvalidChoice".into(),
        message: format!("aws: error: unknown command: {}", words.join(" ")),
        operation: String::new(),
    })
}
