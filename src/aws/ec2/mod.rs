//! The EC2 commands, one file per family: security groups ([`sg`]), network ACLs ([`acl`]),
//! VPCs, subnets and route tables ([`vpc`]), instances and interfaces ([`instance`]).
//! Shared here: id checks with AWS's error codes and the `Tags` shape.

pub mod acl;
pub mod instance;
pub mod keys;
pub mod lifecycle;
pub mod profiles;
pub mod sg;
pub mod vpc;

use super::args::Args;
use super::AwsError;
use crate::model::ids;
use serde_json::{json, Value};

/// Checks an id's shape: `CODE.Malformed` with AWS's `Invalid id: "x" (expecting "p-...")`.
pub fn check_id(args: &Args<'_>, prefix: &str, code: &str, id: &str) -> Result<(), AwsError> {
    if ids::is_valid(prefix, id) {
        Ok(())
    } else {
        Err(args.err(
            &format!("{code}.Malformed"),
            ids::malformed_message(prefix, id),
        ))
    }
}

/// AWS's `CODE.NotFound` with `The WHAT ID 'id' does not exist`.
pub fn not_found(args: &Args<'_>, code: &str, what: &str, id: &str) -> AwsError {
    args.err(
        &format!("{code}.NotFound"),
        format!("The {what} ID '{id}' does not exist"),
    )
}

/// `[{"Key": "Name", "Value": name}]`, or `[]`.
pub fn name_tags(name: &Option<String>) -> Value {
    match name {
        Some(n) => json!([{"Key": "Name", "Value": n}]),
        None => json!([]),
    }
}
