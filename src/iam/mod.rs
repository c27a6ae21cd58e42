//! IAM policy evaluation with reasons (FACTS: IAM roles for EC2;
//! IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
//!
//! Evaluates identity policies for one request: an explicit Deny in any applicable statement
//! wins; otherwise an Allow is needed; otherwise the request is implicitly denied. The result
//! names the statements that decided. **Invariant:** pure; no I/O.

pub mod managed;

use crate::model::Account;
use crate::net::endpoint::find_instance;
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// An applicable statement allows and none denies.
    Allow,
    /// An applicable statement denies (it wins over any allow).
    ExplicitDeny,
    /// No statement applies.
    ImplicitDeny,
}

/// Which statement of which policy took part in the decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementRef {
    pub policy: String,
    /// The `Sid`, or `#N` (1-based position) when it has none.
    pub sid: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    pub decision: Decision,
    pub deciding: Vec<StatementRef>,
    /// Statements skipped because their conditions cannot be judged without request context.
    pub skipped_conditions: Vec<StatementRef>,
}

/// `*` matches any run, `?` one character; case-insensitive for actions.
pub fn wildcard(pattern: &str, text: &str, case_insensitive: bool) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = if case_insensitive {
        (
            pattern.to_lowercase().chars().collect(),
            text.to_lowercase().chars().collect(),
        )
    } else {
        (pattern.chars().collect(), text.chars().collect())
    };
    // Iterative glob match with backtracking on the last star.
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(String::from))
            .collect(),
        _ => vec![],
    }
}

fn statements(doc: &Value) -> Vec<&Value> {
    match doc.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => vec![],
    }
}

/// Evaluates `action` on `resource` against named policy documents.
pub fn evaluate(policies: &[(String, Value)], action: &str, resource: &str) -> Evaluation {
    let mut allows = Vec::new();
    let mut denies = Vec::new();
    let mut skipped = Vec::new();
    for (name, doc) in policies {
        for (i, st) in statements(doc).into_iter().enumerate() {
            let r = StatementRef {
                policy: name.clone(),
                sid: st
                    .get("Sid")
                    .and_then(|s| s.as_str())
                    .map(String::from)
                    .unwrap_or_else(|| format!("#{}", i + 1)),
            };
            let action_ok = if st.get("NotAction").is_some() {
                !strings(st.get("NotAction"))
                    .iter()
                    .any(|p| wildcard(p, action, true))
            } else {
                strings(st.get("Action"))
                    .iter()
                    .any(|p| wildcard(p, action, true))
            };
            let resource_ok = if st.get("NotResource").is_some() {
                !strings(st.get("NotResource"))
                    .iter()
                    .any(|p| wildcard(p, resource, false))
            } else {
                strings(st.get("Resource"))
                    .iter()
                    .any(|p| wildcard(p, resource, false))
            };
            if !(action_ok && resource_ok) {
                continue;
            }
            if st
                .get("Condition")
                .is_some_and(|c| c.as_object().is_some_and(|o| !o.is_empty()))
            {
                skipped.push(r);
                continue;
            }
            match st.get("Effect").and_then(|e| e.as_str()) {
                Some("Deny") => denies.push(r),
                Some("Allow") => allows.push(r),
                _ => {}
            }
        }
    }
    // AWS precedence: any explicit deny → deny; else any allow → allow; else implicit deny.
    let (decision, deciding) = match (denies.is_empty(), allows.is_empty()) {
        (false, _) => (Decision::ExplicitDeny, denies),
        (true, false) => (Decision::Allow, allows),
        (true, true) => (Decision::ImplicitDeny, vec![]),
    };
    Evaluation {
        decision,
        deciding,
        skipped_conditions: skipped,
    }
}

/// The answer to "may the software on this instance call `action` on `resource`?".
pub struct InstanceDecision {
    pub allowed: bool,
    pub detail: String,
}

fn refs(v: &[StatementRef]) -> String {
    v.iter()
        .map(|r| format!("{} statement {}", r.policy, r.sid))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Follows instance → instance profile → role (trust must name ec2.amazonaws.com) →
/// policies, then evaluates.
pub fn instance_may(
    acct: &Account,
    instance: &str,
    action: &str,
    resource: &str,
) -> Result<InstanceDecision, String> {
    let idx = find_instance(acct, instance)
        .ok_or_else(|| format!("instance {instance} no longer exists"))?;
    let inst = &acct.instances[idx];
    let deny = |d: String| {
        Ok(InstanceDecision {
            allowed: false,
            detail: d,
        })
    };
    let Some(pname) = &inst.iam_instance_profile else {
        return deny(format!("{} has no instance profile: software on it gets no AWS credentials, so every call is denied", inst.label()));
    };
    let Some(profile) = acct.iam.instance_profiles.iter().find(|p| &p.name == pname) else {
        return deny(format!("instance profile {pname} does not exist"));
    };
    let Some(rname) = &profile.role else {
        return deny(format!("instance profile {pname} contains no role"));
    };
    let Some(role) = acct.iam.roles.iter().find(|r| &r.name == rname) else {
        return deny(format!("role {rname} does not exist"));
    };
    if !role.trust.iter().any(|t| t == "ec2.amazonaws.com") {
        return deny(format!(
            "role {rname}'s trust policy does not let ec2.amazonaws.com assume it: the instance gets no credentials"
        ));
    }
    let mut docs = Vec::new();
    for p in &role.policies {
        if let Some(d) = acct.iam.policies.iter().find(|x| &x.name == p) {
            docs.push((p.clone(), d.document.clone()));
        } else if let Some(d) = managed::document(p) {
            docs.push((p.clone(), d));
        }
    }
    let e = evaluate(&docs, action, resource);
    let detail = match e.decision {
        Decision::Allow => format!("allowed: role {rname} via {}", refs(&e.deciding)),
        Decision::ExplicitDeny => format!("explicitly denied by {} (an explicit Deny wins over any Allow)", refs(&e.deciding)),
        Decision::ImplicitDeny => format!("implicitly denied: no statement of role {rname}'s policies allows {action} on {resource}"),
    };
    Ok(InstanceDecision {
        allowed: e.decision == Decision::Allow,
        detail,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn explicit_deny_wins_over_allow() {
        // FACTS: any applicable explicit Deny wins; identity Allow needed; implicit deny default.
        let allow = json!({"Version":"2012-10-17","Statement":[{"Sid":"All","Effect":"Allow","Action":"s3:*","Resource":"*"}]});
        let deny = json!({"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/*"}});
        let p = vec![("a".to_string(), allow), ("d".to_string(), deny)];
        let e = evaluate(&p, "s3:DeleteObject", "arn:aws:s3:::b/k");
        assert_eq!(e.decision, Decision::ExplicitDeny);
        assert_eq!(
            e.deciding,
            vec![StatementRef {
                policy: "d".into(),
                sid: "#1".into()
            }]
        );
        assert_eq!(
            evaluate(&p, "s3:GetObject", "arn:aws:s3:::b/k").decision,
            Decision::Allow
        );
        assert_eq!(
            evaluate(&p, "ec2:RunInstances", "*").decision,
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn wildcards_and_not_action() {
        assert!(wildcard("s3:Get*", "s3:getobject", true));
        assert!(wildcard("arn:aws:s3:::b/*", "arn:aws:s3:::b/x/y", false));
        assert!(!wildcard("arn:aws:s3:::b/*", "arn:aws:s3:::c/x", false));
        assert!(wildcard("ec2:Describe?pcs", "ec2:DescribeVpcs", true));
        let p = vec![(
            "n".to_string(),
            json!({"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}),
        )];
        assert_eq!(evaluate(&p, "s3:GetObject", "*").decision, Decision::Allow);
        assert_eq!(
            evaluate(&p, "iam:PassRole", "*").decision,
            Decision::ImplicitDeny
        );
    }
}
