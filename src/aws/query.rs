//! `--query`: a JMESPath expression applied to the response before it is printed, with the
//! `jmespath` crate.
//!
//! Known difference from the CLI: the crate keeps objects in sorted-key order, so a query
//! that returns whole objects lists their keys alphabetically (the CLI keeps the API's order).
//! Values are the same.

use super::{cli_code, AwsError};
use serde_json::Value;

/// Longest expression accepted, and deepest bracket nesting: the crate's parser recurses.
const MAX_LEN: usize = 2000;
const MAX_DEPTH: usize = 64;

/// Applies `expr` to `data`. A bad expression is the CLI's `Bad value for --query` error.
pub fn apply(expr: &str, data: &Value) -> Result<Value, AwsError> {
    let bad = |why: String| {
        AwsError::cli(
            cli_code::PARAM_VALIDATION,
            format!("Bad value for --query {expr}: Invalid jmespath expression: {why}"),
        )
    };
    if expr.len() > MAX_LEN {
        return Err(bad(format!("longer than {MAX_LEN} characters")));
    }
    let mut depth = 0usize;
    for c in expr.chars() {
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(bad(format!("nested more than {MAX_DEPTH} levels")));
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let compiled = jmespath::compile(expr).map_err(|e| bad(e.to_string()))?;
    let var = jmespath::Variable::from_serializable(data).map_err(|e| bad(e.to_string()))?;
    let result = compiled.search(var).map_err(|e| bad(e.to_string()))?;
    serde_json::to_value(&*result).map_err(|e| bad(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn queries() {
        let data = json!({"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"FromPort": 22}]}, {"GroupId": "sg-2", "IpPermissions": []}]});
        let cases: &[(&str, Value)] = &[
            ("SecurityGroups[].GroupId", json!(["sg-1", "sg-2"])),
            ("SecurityGroups[0].IpPermissions[0].FromPort", json!(22)),
            ("length(SecurityGroups)", json!(2)),
            (
                "SecurityGroups[?GroupId=='sg-2'].GroupId | [0]",
                json!("sg-2"),
            ),
            ("Nothing", Value::Null),
        ];
        for (q, want) in cases {
            assert_eq!(apply(q, &data).ok().as_ref(), Some(want), "{q}");
        }
        let e = apply("Vpcs[", &data)
            .err()
            .map(|e| e.message)
            .unwrap_or_default();
        assert!(
            e.starts_with("Bad value for --query Vpcs[: Invalid jmespath expression:"),
            "{e}"
        );
        assert!(apply(&"[".repeat(10_000), &data).is_err());
    }
}
