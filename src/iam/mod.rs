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

/// The request context condition keys are read from (`aws:SourceIp`, `ec2:osuser`, …).
/// Keys compare case-insensitively, as AWS's do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    pub keys: Vec<(String, Vec<String>)>,
}

impl Context {
    pub fn with(mut self, key: &str, value: &str) -> Context {
        self.keys.push((key.to_string(), vec![value.to_string()]));
        self
    }
    fn get(&self, key: &str) -> Option<&[String]> {
        self.keys
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_slice())
    }
}

/// How one condition block turned out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cond {
    Match,
    NoMatch,
    /// An operator this engine does not know: the statement is skipped and reported.
    Unknown,
}

fn ip_in(cidr: &str, addr: &str) -> bool {
    let Ok(a) = addr.parse::<std::net::IpAddr>() else {
        return false;
    };
    match cidr.parse::<ipnet::IpNet>() {
        Ok(n) => n.contains(&a),
        Err(_) => cidr.parse::<std::net::IpAddr>().is_ok_and(|c| c == a),
    }
}

/// One operator on one key (IAM/latest/UserGuide/reference_policies_elements_condition_operators.html):
/// every value of the request must match one of the policy's (ForAllValues), or one must
/// (the default and ForAnyValue); a missing key fails positive operators and passes negated
/// ones; `…IfExists` passes when the key is missing.
fn condition(op: &str, key: &str, wanted: &[String], ctx: &Context) -> Cond {
    let (set, op) = if let Some(o) = op.strip_prefix("ForAllValues:") {
        ("all", o)
    } else if let Some(o) = op.strip_prefix("ForAnyValue:") {
        ("any", o)
    } else {
        ("one", op)
    };
    let (op, if_exists) = match op.strip_suffix("IfExists") {
        Some(o) => (o, true),
        None => (op, false),
    };
    let have = ctx.get(key);
    if op == "Null" {
        // Null: true means the key must be absent.
        let absent = have.is_none_or(|v| v.is_empty());
        let want_absent = wanted.iter().any(|w| w.eq_ignore_ascii_case("true"));
        return if absent == want_absent {
            Cond::Match
        } else {
            Cond::NoMatch
        };
    }
    let test: fn(&str, &str) -> bool = match op {
        "StringEquals" | "ArnEquals" | "StringNotEquals" | "ArnNotEquals" => |p, v| p == v,
        "StringEqualsIgnoreCase" | "StringNotEqualsIgnoreCase" => |p, v| p.eq_ignore_ascii_case(v),
        "StringLike" | "StringNotLike" | "ArnLike" | "ArnNotLike" => |p, v| wildcard(p, v, false),
        "IpAddress" | "NotIpAddress" => ip_in,
        "Bool" => |p, v| p.eq_ignore_ascii_case(v),
        "NumericEquals" => |p, v| p.parse::<f64>().ok() == v.parse::<f64>().ok(),
        _ => return Cond::Unknown,
    };
    let negated = op.contains("Not");
    let Some(values) = have.filter(|v| !v.is_empty()) else {
        return if if_exists || negated || set == "all" {
            Cond::Match
        } else {
            Cond::NoMatch
        };
    };
    let one = |v: &String| wanted.iter().any(|p| test(p, v));
    let hit = match set {
        "all" => values.iter().all(one),
        _ => values.iter().any(one),
    };
    if hit != negated {
        Cond::Match
    } else {
        Cond::NoMatch
    }
}

/// All blocks of a `Condition` must match (AND across operators and keys).
fn conditions(c: &Value, ctx: &Context) -> Cond {
    let Some(ops) = c.as_object() else {
        return Cond::Unknown;
    };
    let mut out = Cond::Match;
    for (op, keys) in ops {
        let Some(keys) = keys.as_object() else {
            return Cond::Unknown;
        };
        for (key, vals) in keys {
            let wanted: Vec<String> = match vals {
                Value::Array(a) => a.iter().map(scalar_text).collect(),
                v => vec![scalar_text(v)],
            };
            match condition(op, key, &wanted, ctx) {
                Cond::Match => {}
                Cond::NoMatch => out = Cond::NoMatch,
                Cond::Unknown => return Cond::Unknown,
            }
        }
    }
    out
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Evaluates `action` on `resource` against named policy documents (no request context).
pub fn evaluate(policies: &[(String, Value)], action: &str, resource: &str) -> Evaluation {
    evaluate_with(policies, action, resource, &Context::default())
}

/// Evaluates with a request context for the conditions.
pub fn evaluate_with(
    policies: &[(String, Value)],
    action: &str,
    resource: &str,
    ctx: &Context,
) -> Evaluation {
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
            if let Some(c) = st.get("Condition") {
                match conditions(c, ctx) {
                    Cond::Match => {}
                    Cond::NoMatch => continue,
                    Cond::Unknown => {
                        skipped.push(r);
                        continue;
                    }
                }
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

/// A named policy's document: a customer managed policy of the account, else an AWS
/// managed one.
pub fn policy_document(acct: &Account, name: &str) -> Option<Value> {
    acct.iam
        .policies
        .iter()
        .find(|x| x.name == name)
        .map(|d| d.document.clone())
        .or_else(|| managed::document(name))
}

/// Every policy of a role, named as `simulate-principal-policy` names them: attached ones
/// by name, inline ones as `ROLE/NAME`... (inline first, as IAM lists them).
pub fn role_documents(acct: &Account, role: &crate::model::IamRole) -> Vec<(String, Value)> {
    let mut docs: Vec<(String, Value)> = role
        .inline_policies
        .iter()
        .map(|p| (p.name.clone(), p.document.clone()))
        .collect();
    for p in &role.policies {
        if let Some(d) = policy_document(acct, p) {
            docs.push((p.clone(), d));
        }
    }
    docs
}

/// The services a trust policy lets call sts:AssumeRole (Allow statements only).
pub fn trusted_services(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for st in statements(doc) {
        if st.get("Effect").and_then(|e| e.as_str()) != Some("Allow") {
            continue;
        }
        if !strings(st.get("Action"))
            .iter()
            .any(|a| wildcard(a, "sts:AssumeRole", true))
        {
            continue;
        }
        if let Some(p) = st.get("Principal") {
            for s in strings(p.get("Service")) {
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
    }
    out
}

/// The trust policy document of a role (as given, or built from its trusted services).
pub fn trust_document(role: &crate::model::IamRole) -> Value {
    match &role.trust_document {
        Some(d) => d.clone(),
        None => {
            serde_json::json!({"Version": "2012-10-17", "Statement": role.trust.iter().map(|s| serde_json::json!({
            "Effect": "Allow", "Principal": {"Service": s}, "Action": "sts:AssumeRole"})).collect::<Vec<_>>()})
        }
    }
}

/// Checks a policy document the way IAM does before storing it: JSON object with a
/// Statement whose entries have Effect Allow|Deny, Action or NotAction, Resource or
/// NotResource (not for trust policies, which have Principal instead). The error is
/// IAM's MalformedPolicyDocument message.
pub fn validate_document(doc: &Value, trust: bool) -> Result<(), String> {
    let Some(obj) = doc.as_object() else {
        return Err("This policy contains invalid Json".into());
    };
    if let Some(v) = obj.get("Version").and_then(|v| v.as_str()) {
        if v != "2012-10-17" && v != "2008-10-17" {
            return Err("The policy failed legacy parsing".into());
        }
    }
    let sts = statements(doc);
    if sts.is_empty() {
        return Err("Syntax errors in policy.".into());
    }
    for st in sts {
        match st.get("Effect").and_then(|e| e.as_str()) {
            Some("Allow") | Some("Deny") => {}
            _ => return Err("Syntax errors in policy.".into()),
        }
        if st.get("Action").is_none() && st.get("NotAction").is_none() {
            return Err("Policy statement must contain actions.".into());
        }
        if trust {
            if st.get("Principal").is_none() && st.get("NotPrincipal").is_none() {
                return Err(
                    "AssumeRolepolicy contained an invalid principal: missing principal.".into(),
                );
            }
        } else {
            if st.get("Principal").is_some() {
                return Err("Policy document should not specify a principal.".into());
            }
            if st.get("Resource").is_none() && st.get("NotResource").is_none() {
                return Err("Policy statement must contain resources.".into());
            }
        }
    }
    Ok(())
}

/// May the learner's own identity call `action` on `resource`? An administrator (no caller
/// policies declared) may do anything. Returns the evaluation when denied.
pub fn caller_may(
    acct: &Account,
    action: &str,
    resource: &str,
    ctx: &Context,
) -> Result<(), Evaluation> {
    let Some(names) = &acct.iam.caller_policies else {
        return Ok(());
    };
    let docs: Vec<(String, Value)> = names
        .iter()
        .filter_map(|n| policy_document(acct, n).map(|d| (n.clone(), d)))
        .collect();
    let e = evaluate_with(&docs, action, resource, ctx);
    match e.decision {
        Decision::Allow => Ok(()),
        _ => Err(e),
    }
}

/// The answer to "may the software on this instance call `action` on `resource`?".
pub struct InstanceDecision {
    pub allowed: bool,
    pub detail: String,
}

pub fn refs(v: &[StatementRef]) -> String {
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
    let docs = role_documents(acct, role);
    let ctx = Context::default()
        .with(
            "aws:PrincipalArn",
            &format!("arn:aws:iam::{}:role/{rname}", acct.account_id),
        )
        .with(
            "ec2:SourceInstanceARN",
            &format!(
                "arn:aws:ec2:{}:{}:instance/{}",
                acct.region, acct.account_id, inst.id
            ),
        )
        .with("aws:ec2InstanceSourceVPC", &inst.vpc_id)
        .with(
            "aws:ec2InstanceSourcePrivateIPv4",
            &inst.private_ip.to_string(),
        )
        .with("aws:RequestedRegion", &acct.region)
        .with("aws:SecureTransport", "true");
    let e = evaluate_with(&docs, action, resource, &ctx);
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
