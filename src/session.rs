//! `Session::execute(&str) -> Output`: the one entry point through which the REPL and batch
//! grading run every command, AWS or tutor. It owns the account, the simulated clock, the
//! connections, the undo stack and the scenario's progress; it never prints.
//!
//! **Invariant:** deterministic — the same scenario, seed and commands give the same outputs.

use crate::aws::{self, AwsError, Ctx};
use crate::model::ids::IdGen;
use crate::model::Account;
use crate::net::compile::Compiled;
use crate::net::conntrack::{self, Connection};
use crate::net::flow::{FlowResult, Verdict};
use crate::net::types::{Ports, Protocol};
use crate::scenario::grade::{self, GoalResult};
use crate::scenario::Scenario;
use crate::suggest;
use serde::Serialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// A tutor command: one table drives dispatch, `help` and completion.
pub struct TutorCommand {
    pub name: &'static str,
    pub usage: &'static str,
    pub summary: &'static str,
    pub example: &'static str,
}

pub const TUTOR_COMMANDS: &[TutorCommand] = &[
    TutorCommand {
        name: "help",
        usage: "help [COMMAND]",
        summary: "list commands, or one command's usage with an example",
        example: "help probe",
    },
    TutorCommand {
        name: "goals",
        usage: "goals",
        summary: "each goal, met or not, with its one-line detail",
        example: "goals",
    },
    TutorCommand {
        name: "check",
        usage: "check",
        summary: "grade now; when every goal is met, record the pass and show the debrief",
        example: "check",
    },
    TutorCommand {
        name: "hint",
        usage: "hint",
        summary: "the scenario's next hint",
        example: "hint",
    },
    TutorCommand {
        name: "probe",
        usage: "probe --from A --to B --protocol P [--port PORTS] [--src-port N[-M]]",
        summary: "evaluate a flow end to end: the verdict and every hop",
        example: "probe --from internet --to web --protocol tcp --port 443",
    },
    TutorCommand {
        name: "explain",
        usage: "explain",
        summary: "the full trace of the last probe or failed goal, rule by rule",
        example: "explain",
    },
    TutorCommand {
        name: "connect",
        usage: "connect --from A --to B --protocol P --port N [--id NAME]",
        summary: "open a connection (tracked or not, as AWS would)",
        example: "connect --from office --to web --protocol tcp --port 22 --id admin",
    },
    TutorCommand {
        name: "connections",
        usage: "connections",
        summary: "live connections and whether each is tracked, alive or dropped",
        example: "connections",
    },
    TutorCommand {
        name: "wait",
        usage: "wait DURATION",
        summary: "advance the simulated clock (30s, 5m, 2h, 5d)",
        example: "wait 5m",
    },
    TutorCommand {
        name: "map",
        usage: "map [--format text|dot]",
        summary:
            "draw the VPCs, subnets, instances, groups and the flows they allow (dot: Graphviz)",
        example: "map --format dot",
    },
    TutorCommand {
        name: "history",
        usage: "history",
        summary: "the commands typed in this session, numbered",
        example: "history",
    },
    TutorCommand {
        name: "ssh",
        usage: "ssh [-i KEY.pem] [USER@]INSTANCE [--from A]",
        summary: "log in over SSH: needs TCP 22 through the network and a key in authorized_keys",
        example: "ssh -i web-key.pem ec2-user@web --from office",
    },
    TutorCommand {
        name: "ssh-keygen",
        usage: "ssh-keygen -t ed25519|rsa -f NAME",
        summary: "make a key pair on your machine (NAME and NAME.pub), to import or push",
        example: "ssh-keygen -t ed25519 -f laptop",
    },
    TutorCommand {
        name: "local-keys",
        usage: "local-keys",
        summary: "the key files on your machine, with their fingerprints",
        example: "local-keys",
    },
    TutorCommand {
        name: "curl",
        usage: "curl [-X PUT] [-H \"Header: value\"] http://169.254.169.254/latest/... --on INSTANCE",
        summary: "query the instance metadata service as software on INSTANCE ($TOKEN = the last IMDSv2 token)",
        example: "curl -X PUT -H \"X-aws-ec2-metadata-token-ttl-seconds: 21600\" http://169.254.169.254/latest/api/token --on web",
    },
    TutorCommand {
        name: "add-authorized-key",
        usage: "add-authorized-key (--on INSTANCE | --via HELPER --device /dev/sdf) --key NAME [--from A]",
        summary: "over SSH, append NAME.pub to ec2-user's authorized_keys on INSTANCE, or on the volume attached to HELPER at DEVICE",
        example: "add-authorized-key --via rescue --device /dev/sdf --key new-key",
    },
    TutorCommand {
        name: "undo",
        usage: "undo",
        summary: "take back the last state-changing command",
        example: "undo",
    },
    TutorCommand {
        name: "reset",
        usage: "reset",
        summary: "restart the scenario",
        example: "reset",
    },
    TutorCommand {
        name: "solution",
        usage: "solution",
        summary: "show the model solution (the pass then no longer counts as unaided)",
        example: "solution",
    },
    TutorCommand {
        name: "quit",
        usage: "quit",
        summary: "leave, saving progress",
        example: "quit",
    },
];

/// AWS services whose commands may be typed without the leading `aws`.
pub const AWS_SERVICES: &[&str] = &["ec2", "iam", "ssm", "sts", "ec2-instance-connect"];

/// A goal as shown to the learner.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GoalView {
    pub id: String,
    pub text: String,
    pub met: bool,
    pub detail: String,
}

/// The result of `probe`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Probe {
    pub from: String,
    pub to: String,
    pub protocol: String,
    pub ports: String,
    #[serde(flatten)]
    pub result: FlowResult,
}

/// One line of `explain`: a rule of a component and whether it matched the packet.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExplainRule {
    pub rule: String,
    pub matched: bool,
    pub decides: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExplainHop {
    pub component: String,
    pub id: String,
    pub direction: Option<String>,
    pub verdict: String,
    pub reason: String,
    pub rules: Vec<ExplainRule>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Explain {
    pub subject: String,
    pub verdict: Verdict,
    pub packet: String,
    pub hops: Vec<ExplainHop>,
}

/// What a command produced. Rendering (text, colour, JSON) is the caller's business.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    Aws {
        operation: String,
        json: Value,
        format: aws::OutputFormat,
    },
    AwsError(AwsError),
    Probe(Box<Probe>),
    Explain(Box<Explain>),
    Goals(Vec<GoalView>),
    Check {
        goals: Vec<GoalView>,
        passed: bool,
        debrief: Option<String>,
        aided: bool,
    },
    Hint {
        number: usize,
        total: usize,
        text: String,
    },
    Connected(Connection),
    Connections(Vec<Connection>),
    Waited {
        seconds: u64,
        now: u64,
        dropped: Vec<Connection>,
    },
    Map(String),
    Help(String),
    Solution(Vec<String>),
    Message(String),
    /// A tutor command used wrongly, or an unknown command.
    Error(String),
    Quit,
}

impl Output {
    pub fn is_error(&self) -> bool {
        matches!(self, Output::AwsError(_) | Output::Error(_))
    }

    /// The `output` of a command in batch JSON (SPEC §3), or null for errors.
    pub fn to_json(&self) -> Value {
        match self {
            Output::Aws { json, .. } => json.clone(),
            Output::AwsError(_) | Output::Error(_) => Value::Null,
            Output::Probe(p) => serde_json::to_value(&p.result).unwrap_or(Value::Null),
            Output::Explain(e) => serde_json::to_value(e).unwrap_or(Value::Null),
            Output::Goals(g) => json!({ "goals": g }),
            Output::Check {
                goals,
                passed,
                debrief,
                aided,
            } => json!({"passed": passed, "goals": goals, "debrief": debrief, "aided": aided}),
            Output::Hint {
                number,
                total,
                text,
            } => json!({"hint": number, "of": total, "text": text}),
            Output::Connected(c) => serde_json::to_value(c).unwrap_or(Value::Null),
            Output::Connections(c) => json!({ "connections": c }),
            Output::Waited {
                seconds,
                now,
                dropped,
            } => json!({"waited": seconds, "clock": now, "dropped": dropped}),
            Output::Map(m) => json!({ "map": m }),
            Output::Help(h) => json!({ "help": h }),
            Output::Solution(s) => json!({ "solution": s }),
            Output::Message(m) => json!({ "message": m }),
            Output::Quit => json!({ "quit": true }),
        }
    }

    /// The `error` of a command in batch JSON.
    pub fn error_json(&self) -> Value {
        match self {
            Output::AwsError(e) => json!({"code": e.code, "message": e.to_string()}),
            Output::Error(m) => json!({"code": "TutorError", "message": m}),
            _ => Value::Null,
        }
    }
}

#[derive(Clone)]
struct Snapshot {
    account: Account,
    connections: Vec<Connection>,
    clock: u64,
    ids: IdGen,
    next_conn: usize,
}

/// A learner's session in a scenario (or the sandbox).
pub struct Session {
    scenario: Arc<Scenario>,
    sandbox: bool,
    seed: u64,
    pub account: Account,
    pub connections: Vec<Connection>,
    /// Simulated seconds since the scenario started.
    pub clock: u64,
    ids: IdGen,
    next_conn: usize,
    undo: Vec<Snapshot>,
    hints_shown: usize,
    solution_viewed: bool,
    passed: bool,
    last_explain: Option<(String, FlowResult)>,
    /// Every line typed, for `history`.
    typed: Vec<String>,
    journal: Vec<JournalEntry>,
}

/// One line run in a session.
#[derive(Clone, Debug, PartialEq)]
pub struct JournalEntry {
    pub line: String,
    /// It changed the account (or the clock, or the connections).
    pub changed: bool,
    pub probe: Option<Probe>,
}

impl Session {
    /// Starts a scenario: its account, and its connections opened at t = 0.
    pub fn new(scenario: Arc<Scenario>, seed: u64) -> Result<Session, String> {
        let mut s = Session {
            account: scenario.account.clone(),
            scenario,
            sandbox: false,
            seed,
            connections: vec![],
            clock: 0,
            ids: IdGen::new(seed),
            next_conn: 1,
            undo: vec![],
            hints_shown: 0,
            solution_viewed: false,
            passed: false,
            last_explain: None,
            typed: Vec::new(),
            journal: Vec::new(),
        };
        s.open_initial()?;
        Ok(s)
    }

    /// The sandbox: a fresh account with a default VPC, its default group and ACL, no goals.
    pub fn sandbox(seed: u64) -> Session {
        let scenario = Arc::new(crate::scenario::sandbox_scenario());
        let mut s = Session::new(scenario, seed).expect("the sandbox opens no connections");
        s.sandbox = true;
        s
    }

    fn open_initial(&mut self) -> Result<(), String> {
        let specs = self.scenario.connections.clone();
        let c = Compiled::new(&self.account);
        for k in specs {
            let pick = self.ids.next_u64();
            let sport = conntrack::client_port(&c, &k.from, k.protocol, pick);
            let mut conn =
                conntrack::open(&c, &k.id, &k.from, &k.to, k.protocol, k.ports, sport, 0)
                    .map_err(|e| format!("connection '{}': {e}", k.id))?;
            conn.keepalive = k.keepalive;
            self.connections.push(conn);
        }
        Ok(())
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    pub fn is_sandbox(&self) -> bool {
        self.sandbox
    }

    pub fn hints_used(&self) -> usize {
        self.hints_shown
    }

    pub fn solution_viewed(&self) -> bool {
        self.solution_viewed
    }

    pub fn passed(&self) -> bool {
        self.passed
    }

    /// Goals met, for the prompt.
    pub fn goals_met(&self) -> (usize, usize) {
        let r = self.grade();
        (r.iter().filter(|g| g.met).count(), r.len())
    }

    pub fn grade(&self) -> Vec<GoalResult> {
        grade::grade(&self.account, &self.connections, &self.scenario.goals)
    }

    fn goal_views(&self, results: &[GoalResult]) -> Vec<GoalView> {
        self.scenario
            .goals
            .iter()
            .zip(results)
            .map(|(g, r)| GoalView {
                id: g.id.clone(),
                text: g.text.clone(),
                met: r.met,
                detail: r.detail.clone(),
            })
            .collect()
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            account: self.account.clone(),
            connections: self.connections.clone(),
            clock: self.clock,
            ids: self.ids.clone(),
            next_conn: self.next_conn,
        }
    }

    fn restore(&mut self, s: Snapshot) {
        self.account = s.account;
        self.connections = s.connections;
        self.clock = s.clock;
        self.ids = s.ids;
        self.next_conn = s.next_conn;
    }

    /// Re-evaluates every live connection at the current clock; returns those that dropped.
    fn refresh_connections(&mut self) -> Vec<Connection> {
        let c = Compiled::new(&self.account);
        let mut dropped = Vec::new();
        for k in &mut self.connections {
            if !k.alive() {
                continue;
            }
            let n = conntrack::refresh(&c, k, self.clock);
            if !n.alive() {
                dropped.push(n.clone());
            }
            *k = n;
        }
        dropped
    }

    /// Runs one line as typed at the REPL.
    pub fn execute(&mut self, line: &str) -> Output {
        let depth = self.undo.len();
        let out = self.execute_inner(line);
        // Engines read time from the account: keep it current after `wait` too, so grading
        // right after it sees expired keys, tokens and credentials.
        self.account.now = self.clock;
        let t = line.trim();
        if !t.is_empty() && t != "history" {
            self.typed.push(t.to_string());
            self.journal.push(JournalEntry {
                line: t.to_string(),
                changed: self.undo.len() > depth,
                probe: match &out {
                    Output::Probe(p) => Some((**p).clone()),
                    _ => None,
                },
            });
        }
        out
    }

    /// Every line run, whether it changed the account, and probe results (for `record`).
    pub fn journal(&self) -> &[JournalEntry] {
        &self.journal
    }

    fn execute_inner(&mut self, line: &str) -> Output {
        let words = match aws::words::split_line(line) {
            Ok(w) => w,
            Err(e) => return Output::Error(e.to_string()),
        };
        let Some(first) = words.first() else {
            return Output::Message(String::new());
        };
        // Engines read time from the account: keep it current.
        self.account.now = self.clock;
        if first == "aws" || AWS_SERVICES.contains(&first.as_str()) {
            let rest = if first == "aws" {
                &words[1..]
            } else {
                &words[..]
            };
            return self.run_aws(rest);
        }
        let args = &words[1..];
        match first.as_str() {
            "help" => Output::Help(help_text(args.first().map(|s| s.as_str()))),
            "goals" => {
                let r = self.grade();
                Output::Goals(self.goal_views(&r))
            }
            "check" => self.check(),
            "hint" => self.hint(),
            "probe" => self.probe(args),
            "explain" => self.explain(),
            "connect" => self.connect(args),
            "connections" => Output::Connections(self.connections.clone()),
            "wait" => self.wait(args),
            "map" => match args {
                [] => Output::Map(crate::render::map::draw(&self.account)),
                [f, v] if f == "--format" && v == "text" => {
                    Output::Map(crate::render::map::draw(&self.account))
                }
                [f, v] if f == "--format" && v == "dot" => {
                    Output::Map(crate::render::map::dot(&self.account))
                }
                _ => Output::Error("usage: map [--format text|dot]".into()),
            },
            "history" => {
                let lines: Vec<String> = self
                    .typed
                    .iter()
                    .enumerate()
                    .map(|(i, l)| format!("{:>3}  {l}", i + 1))
                    .collect();
                Output::Message(if lines.is_empty() {
                    "no commands yet".into()
                } else {
                    lines.join("\n")
                })
            }
            "undo" => match self.undo.pop() {
                Some(s) => {
                    self.restore(s);
                    Output::Message(
                        "undone: the account is as it was before the last change".into(),
                    )
                }
                None => Output::Error("nothing to undo".into()),
            },
            "reset" => {
                let fresh = Session::new(self.scenario.clone(), self.seed);
                match fresh {
                    Ok(mut s) => {
                        s.sandbox = self.sandbox;
                        s.hints_shown = self.hints_shown;
                        s.solution_viewed = self.solution_viewed;
                        s.passed = self.passed;
                        s.typed = std::mem::take(&mut self.typed);
                        s.journal = std::mem::take(&mut self.journal);
                        *self = s;
                        Output::Message("reset: the scenario starts again".into())
                    }
                    Err(e) => Output::Error(e),
                }
            }
            "solution" => {
                if self.sandbox {
                    return Output::Error("the sandbox has no solution".into());
                }
                self.solution_viewed = true;
                Output::Solution(
                    self.scenario
                        .solution
                        .iter()
                        .map(|(_, s)| s.clone())
                        .collect(),
                )
            }
            "ssh" => self.ssh(args),
            "ssh-keygen" => self.ssh_keygen(args),
            "local-keys" => self.local_keys(),
            "curl" => self.curl(args),
            "add-authorized-key" => self.add_authorized_key(args),
            "quit" | "exit" => Output::Quit,
            other => {
                let mut names: Vec<&str> = TUTOR_COMMANDS.iter().map(|c| c.name).collect();
                names.extend(AWS_SERVICES);
                names.push("aws");
                Output::Error(format!(
                    "unknown command '{other}'{}. Type help for the list.",
                    suggest::hint(other, names)
                ))
            }
        }
    }

    fn run_aws(&mut self, words: &[String]) -> Output {
        let before = self.snapshot();
        let mut ctx = Ctx {
            account: &mut self.account,
            ids: &mut self.ids,
        };
        match aws::run(&mut ctx, words) {
            Ok(s) => {
                if s.changed {
                    self.undo.push(before);
                    self.refresh_connections();
                }
                Output::Aws {
                    operation: s.operation,
                    json: s.output,
                    format: s.format,
                }
            }
            Err(e) => {
                // A failed call changes nothing.
                self.restore(before);
                Output::AwsError(e)
            }
        }
    }

    fn check(&mut self) -> Output {
        let r = self.grade();
        let goals = self.goal_views(&r);
        let passed = !goals.is_empty() && goals.iter().all(|g| g.met);
        if passed {
            self.passed = true;
        }
        if let Some((i, g)) = r
            .iter()
            .enumerate()
            .find(|(_, g)| !g.met && g.trace.is_some())
        {
            if let Some(t) = &g.trace {
                self.last_explain =
                    Some((format!("goal {}", self.scenario.goals[i].id), t.clone()));
            }
        }
        Output::Check {
            goals,
            passed,
            debrief: if passed {
                self.scenario.debrief.clone()
            } else {
                None
            },
            aided: self.solution_viewed,
        }
    }

    fn hint(&mut self) -> Output {
        let hints = &self.scenario.hints;
        if hints.is_empty() {
            return Output::Error("this scenario has no hints".into());
        }
        let n = (self.hints_shown + 1).min(hints.len());
        self.hints_shown = n;
        Output::Hint {
            number: n,
            total: hints.len(),
            text: hints[n - 1].clone(),
        }
    }

    fn probe(&mut self, args: &[String]) -> Output {
        let f = match Flags::parse(
            args,
            &["from", "to", "protocol", "port", "src-port"],
            "probe",
        ) {
            Ok(f) => f,
            Err(e) => return Output::Error(e),
        };
        let (Some(from), Some(to), Some(proto)) = (f.get("from"), f.get("to"), f.get("protocol"))
        else {
            return Output::Error(
                "usage: probe --from A --to B --protocol P [--port PORTS] [--src-port N[-M]]"
                    .into(),
            );
        };
        let protocol = match Protocol::parse(proto) {
            Ok(p) => p,
            Err(e) => return Output::Error(e),
        };
        let ports = match Ports::parse(protocol, f.get("port")) {
            Ok(p) => p,
            Err(e) => return Output::Error(e),
        };
        let src_ports = match f.get("src-port") {
            None => None,
            Some(s) => match Ports::parse(Protocol::Tcp, Some(s)) {
                Ok(Ports::Range(a, b)) => Some((a, b)),
                Ok(_) => Some((0, 65535)),
                Err(e) => return Output::Error(format!("--src-port: {e}")),
            },
        };
        let c = Compiled::new(&self.account);
        match grade::evaluate_flow(&c, from, to, protocol, ports, src_ports) {
            Ok(r) => {
                self.last_explain = Some((
                    format!(
                        "probe {from} → {to} {} {}",
                        protocol,
                        ports.describe(protocol)
                    ),
                    r.clone(),
                ));
                Output::Probe(Box::new(Probe {
                    from: from.into(),
                    to: to.into(),
                    protocol: protocol.to_string(),
                    ports: ports.describe(protocol),
                    result: r,
                }))
            }
            Err(e) => Output::Error(e),
        }
    }

    fn explain(&mut self) -> Output {
        let subject = match &self.last_explain {
            Some(x) => Some(x.clone()),
            None => {
                let results = self.grade();
                self.scenario
                    .goals
                    .iter()
                    .zip(results)
                    .filter(|(_, g)| !g.met)
                    .find_map(|(goal, g)| g.trace.map(|t| (format!("goal {}", goal.id), t)))
            }
        };
        match subject {
            None => Output::Error(
                "nothing to explain yet: run probe first (or check, with a flow goal unmet)".into(),
            ),
            Some((subject, r)) => Output::Explain(Box::new(crate::render::explain::explain(
                &self.account,
                &subject,
                &r,
            ))),
        }
    }

    fn connect(&mut self, args: &[String]) -> Output {
        let f = match Flags::parse(args, &["from", "to", "protocol", "port", "id"], "connect") {
            Ok(f) => f,
            Err(e) => return Output::Error(e),
        };
        let (Some(from), Some(to), Some(proto)) = (f.get("from"), f.get("to"), f.get("protocol"))
        else {
            return Output::Error(
                "usage: connect --from A --to B --protocol P --port N [--id NAME]".into(),
            );
        };
        let protocol = match Protocol::parse(proto) {
            Ok(Protocol::All) => {
                return Output::Error("a connection uses one protocol, not all".into())
            }
            Ok(p) => p,
            Err(e) => return Output::Error(e),
        };
        let ports = match Ports::parse(protocol, f.get("port")) {
            Ok(p) => p,
            Err(e) => return Output::Error(e),
        };
        let single = match ports {
            Ports::Range(a, b) => a == b,
            Ports::Icmp(Some(_), Some(_)) => true,
            Ports::All => !protocol.has_ports() && !protocol.is_icmp(),
            _ => false,
        };
        if !single {
            return Output::Error(
                "a connection goes to one port: --port N (ICMP: TYPE/CODE)".into(),
            );
        }
        let id = match f.get("id") {
            Some(i) => i.to_string(),
            None => loop {
                let id = format!("conn-{}", self.next_conn);
                self.next_conn += 1;
                if !self.connections.iter().any(|k| k.id == id) {
                    break id;
                }
            },
        };
        if self.connections.iter().any(|k| k.id == id) {
            return Output::Error(format!("a connection named {id} already exists"));
        }
        let before = self.snapshot();
        let c = Compiled::new(&self.account);
        let pick = self.ids.next_u64();
        let sport = conntrack::client_port(&c, from, protocol, pick);
        match conntrack::open(&c, &id, from, to, protocol, ports, sport, self.clock) {
            Ok(k) => {
                self.undo.push(before);
                self.connections.push(k.clone());
                Output::Connected(k)
            }
            Err(e) => {
                self.ids = before.ids;
                Output::Error(e)
            }
        }
    }

    fn wait(&mut self, args: &[String]) -> Output {
        let Some(d) = args.first() else {
            return Output::Error("usage: wait DURATION (30s, 5m, 2h, 5d)".into());
        };
        let seconds = match parse_duration(d) {
            Ok(s) => s,
            Err(e) => return Output::Error(e),
        };
        if args.len() > 1 {
            return Output::Error("usage: wait DURATION (one duration, like 90s or 5m)".into());
        }
        self.undo.push(self.snapshot());
        self.clock = self.clock.saturating_add(seconds);
        let dropped = self.refresh_connections();
        Output::Waited {
            seconds,
            now: self.clock,
            dropped,
        }
    }
}

/// Tutor commands of issue 4: SSH, local keys, the metadata service, key recovery.
impl Session {
    fn default_client(&self) -> String {
        self.account
            .hosts
            .first()
            .map(|h| h.name.clone())
            .unwrap_or_else(|| "internet".into())
    }

    /// An instance by Name, id, or private/public address.
    fn target(&self, t: &str) -> Result<usize, String> {
        if let Some(i) = crate::net::endpoint::find_instance(&self.account, t) {
            return Ok(i);
        }
        if let Ok(ip) = t.parse::<std::net::Ipv4Addr>() {
            if let Some(i) = self
                .account
                .instances
                .iter()
                .position(|x| x.private_ip == ip || x.public_ip == Some(ip))
            {
                return Ok(i);
            }
        }
        let names: Vec<String> = self
            .account
            .instances
            .iter()
            .map(|i| i.label().to_string())
            .collect();
        Err(format!(
            "ssh: Could not resolve hostname {t}: Name or service not known{}",
            suggest::hint(t, names.iter().map(String::as_str))
        ))
    }

    fn ssh(&mut self, args: &[String]) -> Output {
        let usage = "usage: ssh [-i KEY.pem] [USER@]INSTANCE [--from A]";
        let (mut key, mut user, mut from, mut host) = (None, None, None, None);
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "-i" => key = it.next().cloned(),
                "-l" => user = it.next().cloned(),
                "--from" => from = it.next().cloned(),
                "-o" | "-p" => {
                    it.next();
                }
                s if s.starts_with('-') => {}
                s => {
                    if host.is_some() {
                        return Output::Error(format!("ssh runs no remote command here; {usage}"));
                    }
                    match s.split_once('@') {
                        Some((u, h)) => {
                            user = Some(u.to_string());
                            host = Some(h.to_string());
                        }
                        None => host = Some(s.to_string()),
                    }
                }
            }
        }
        let Some(host) = host else {
            return Output::Error(usage.into());
        };
        let idx = match self.target(&host) {
            Ok(i) => i,
            Err(e) => return Output::Error(e),
        };
        let from = from.unwrap_or_else(|| self.default_client());
        let keys: Vec<&crate::model::LocalKey> = match &key {
            Some(k) => {
                let stem = crate::aws::ec2::keys::local_stem(k);
                match self.account.workstation.iter().find(|w| w.name == stem) {
                    Some(w) => vec![w],
                    None => {
                        return Output::Error(format!(
                            "Warning: Identity file {k} not accessible: No such file or directory (your key files: {})",
                            self.local_key_names()
                        ))
                    }
                }
            }
            None => self.account.workstation.iter().collect(),
        };
        let user = user.unwrap_or_else(|| crate::access::LINUX_USER.to_string());
        let inst = &self.account.instances[idx];
        match crate::access::ssh(
            &self.account,
            inst,
            &crate::access::SshAttempt {
                from: &from,
                user: &user,
                keys,
            },
        ) {
            Ok(m) => Output::Message(m),
            Err(e) => Output::Error(e),
        }
    }

    fn local_key_names(&self) -> String {
        let v: Vec<&str> = self
            .account
            .workstation
            .iter()
            .map(|k| k.name.as_str())
            .collect();
        if v.is_empty() {
            "none".into()
        } else {
            v.join(", ")
        }
    }

    fn ssh_keygen(&mut self, args: &[String]) -> Output {
        let (mut t, mut f) = ("ed25519".to_string(), None);
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "-t" => t = it.next().cloned().unwrap_or_default(),
                "-f" => f = it.next().cloned(),
                "-N" | "-C" | "-b" => {
                    it.next();
                }
                _ => {}
            }
        }
        let Some(f) = f else {
            return Output::Error("usage: ssh-keygen -t ed25519|rsa -f NAME".into());
        };
        let Some(kt) = crate::keys::KeyType::parse(&t) else {
            return Output::Error(format!(
                "unknown key type {t}: EC2 takes rsa or ed25519 keys"
            ));
        };
        let name = crate::aws::ec2::keys::local_stem(&f);
        let before = self.snapshot();
        let Some(g) = crate::keys::generate(kt, crate::keys::KeyFormat::Pem, &name, &mut self.ids)
        else {
            return Output::Error("could not make a key".into());
        };
        self.undo.push(before);
        self.account.workstation.retain(|k| k.name != name);
        self.account.workstation.push(crate::model::LocalKey {
            name: name.clone(),
            public_key: g.public.openssh.clone(),
            private_pem: Some(g.private_pem),
        });
        Output::Message(format!(
            "Your identification has been saved in {name}\nYour public key has been saved in {name}.pub\nThe key fingerprint is:\n{}",
            local_fingerprint(&g.public.openssh)
        ))
    }

    fn local_keys(&self) -> Output {
        if self.account.workstation.is_empty() {
            return Output::Message("no key files on your machine (ssh-keygen makes one)".into());
        }
        let lines: Vec<String> = self
            .account
            .workstation
            .iter()
            .map(|k| {
                format!(
                    "{}{}  {}  {}",
                    k.name,
                    if k.private_pem.is_some() {
                        ".pem"
                    } else {
                        ".pub"
                    },
                    k.public_key.split_whitespace().next().unwrap_or(""),
                    local_fingerprint(&k.public_key)
                )
            })
            .collect();
        Output::Message(lines.join("\n"))
    }

    fn curl(&mut self, args: &[String]) -> Output {
        let usage = "usage: curl [-X PUT] [-H \"Header: value\"] http://169.254.169.254/latest/... --on INSTANCE";
        let (mut method, mut url, mut on) = ("GET".to_string(), None, None);
        let mut headers: Vec<(String, String)> = Vec::new();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "-X" | "--request" => {
                    method = it.next().cloned().unwrap_or_default().to_uppercase()
                }
                "-H" | "--header" => {
                    if let Some((k, v)) = it.next().and_then(|h| h.split_once(':')) {
                        headers.push((k.trim().to_lowercase(), v.trim().to_string()));
                    }
                }
                "--on" => on = it.next().cloned(),
                s if s.starts_with('-') => {}
                s => url = Some(s.to_string()),
            }
        }
        let (Some(url), Some(on)) = (url, on) else {
            return Output::Error(usage.into());
        };
        let Some(path) = url
            .strip_prefix("http://169.254.169.254")
            .or_else(|| url.strip_prefix("169.254.169.254"))
        else {
            return Output::Error(format!(
                "curl here reaches only the instance metadata service, http://169.254.169.254/ (not {url})"
            ));
        };
        let idx = match self.target(&on) {
            Ok(i) => i,
            Err(e) => return Output::Error(e),
        };
        if self.account.instances[idx].state != crate::model::InstanceState::Running {
            return Output::Error(format!("{on} is not running"));
        }
        let header = |k: &str| headers.iter().find(|(h, _)| h == k).map(|(_, v)| v.clone());
        let mut token = header("x-aws-ec2-metadata-token");
        if token.as_deref() == Some("$TOKEN") {
            token = self.account.instances[idx]
                .details
                .imds_tokens
                .last()
                .map(|(t, _)| t.clone());
        }
        let ttl = header("x-aws-ec2-metadata-token-ttl-seconds");
        let before = self.snapshot();
        let mut inst = self.account.instances[idx].clone();
        let a = crate::access::imds(
            &self.account,
            &mut inst,
            &crate::access::ImdsRequest {
                method: &method,
                path,
                token: token.as_deref(),
                ttl: ttl.as_deref(),
            },
            &mut self.ids,
        );
        if inst != self.account.instances[idx] {
            self.undo.push(before);
            self.account.instances[idx] = inst;
        }
        match a.status {
            200 => Output::Message(a.body),
            0 => Output::Error(a.body),
            code => Output::Error(format!("HTTP {code} {}", a.body)),
        }
    }

    fn add_authorized_key(&mut self, args: &[String]) -> Output {
        let f = match Flags::parse(
            args,
            &["via", "device", "key", "from", "on"],
            "add-authorized-key",
        ) {
            Ok(f) => f,
            Err(e) => return Output::Error(e),
        };
        let usage = "usage: add-authorized-key (--on INSTANCE | --via HELPER --device /dev/sdf) --key NAME [--from A]";
        let Some(key) = f.get("key") else {
            return Output::Error(usage.into());
        };
        let (via, device) = match (f.get("on"), f.get("via"), f.get("device")) {
            (Some(on), None, None) => (on, crate::model::ROOT_DEVICE),
            (None, Some(v), Some(d)) => (v, d),
            _ => return Output::Error(usage.into()),
        };
        let idx = match self.target(via) {
            Ok(i) => i,
            Err(e) => return Output::Error(e),
        };
        let from = f
            .get("from")
            .map(String::from)
            .unwrap_or_else(|| self.default_client());
        let stem = crate::aws::ec2::keys::local_stem(key);
        let Some(new_key) = self
            .account
            .workstation
            .iter()
            .find(|k| k.name == stem)
            .map(|k| k.public_key.clone())
        else {
            return Output::Error(format!(
                "no key file {stem}.pub on your machine (your key files: {}); ssh-keygen makes one",
                self.local_key_names()
            ));
        };
        let helper = &self.account.instances[idx];
        // You work on the helper through SSH, so you need a way in.
        if let Err(e) = crate::access::ssh(
            &self.account,
            helper,
            &crate::access::SshAttempt {
                from: &from,
                user: crate::access::LINUX_USER,
                keys: self.account.workstation.iter().collect(),
            },
        ) {
            return Output::Error(format!("cannot log in to {via} to do it: {e}"));
        }
        let hid = helper.id.clone();
        if f.get("on").is_some() && helper.root_device == crate::model::RootDevice::InstanceStore {
            let before = self.snapshot();
            let keys = &mut self.account.instances[idx].details.store_authorized_keys;
            if !keys.iter().any(|k| crate::keys::same_key(k, &new_key)) {
                keys.push(new_key);
            }
            self.undo.push(before);
            return Output::Message(format!(
                "[ec2-user@{via} ~]$ cat {stem}.pub >> ~/.ssh/authorized_keys\nadded {stem}.pub to {via}'s authorized_keys"
            ));
        }
        let Some(vi) = self.account.volumes.iter().position(|v| {
            v.attachment
                .as_ref()
                .is_some_and(|(i, d)| i == &hid && d == device)
        }) else {
            return Output::Error(format!(
                "mount: {device}: no volume is attached to {via} at {device} (attach-volume first)"
            ));
        };
        let before = self.snapshot();
        let v = &mut self.account.volumes[vi];
        if !v
            .authorized_keys
            .iter()
            .any(|k| crate::keys::same_key(k, &new_key))
        {
            v.authorized_keys.push(new_key);
        }
        let vid = v.id.clone();
        self.undo.push(before);
        if f.get("on").is_some() {
            return Output::Message(format!(
                "[ec2-user@{via} ~]$ cat {stem}.pub >> ~/.ssh/authorized_keys\nadded {stem}.pub to {via}'s authorized_keys (on {vid})"
            ));
        }
        Output::Message(format!(
            "[ec2-user@{via} ~]$ sudo mount {device}1 /mnt/rescue\n[ec2-user@{via} ~]$ cat {stem}.pub | sudo tee -a /mnt/rescue/home/ec2-user/.ssh/authorized_keys\n[ec2-user@{via} ~]$ sudo umount /mnt/rescue\nadded {stem}.pub to the authorized_keys on {vid}"
        ))
    }
}

/// `SHA256:…` as ssh-keygen prints a fingerprint.
fn local_fingerprint(public: &str) -> String {
    match crate::keys::parse_public(public.as_bytes()) {
        Ok(pk) if pk.key_type == crate::keys::KeyType::Ed25519 => format!(
            "SHA256:{}",
            crate::keys::imported_fingerprint(&pk).trim_end_matches('=')
        ),
        Ok(pk) => format!(
            "MD5 (AWS import style) {}",
            crate::keys::imported_fingerprint(&pk)
        ),
        Err(_) => String::new(),
    }
}

/// Parses `30s`, `5m`, `2h`, `5d`, `1h30m`, or a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<u64, String> {
    let bad =
        || format!("'{s}' is not a duration: use a number with s, m, h or d (30s, 5m, 2h, 5d)");
    if let Ok(n) = s.parse::<u64>() {
        return Ok(n);
    }
    let mut total: u64 = 0;
    let mut num = String::new();
    for ch in s.chars() {
        if ch.is_ascii_digit() {
            num.push(ch);
            continue;
        }
        let unit = match ch {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86400,
            _ => return Err(bad()),
        };
        let n: u64 = num.parse().map_err(|_| bad())?;
        total = total
            .checked_add(n.checked_mul(unit).ok_or_else(bad)?)
            .ok_or_else(bad)?;
        num.clear();
    }
    if !num.is_empty() || total == 0 && !s.starts_with('0') {
        return Err(bad());
    }
    Ok(total)
}

/// The `help` text: all commands, or one command's usage and example.
pub fn help_text(topic: Option<&str>) -> String {
    match topic {
        Some(t) => match TUTOR_COMMANDS.iter().find(|c| c.name == t) {
            Some(c) => format!("{}\n  {}\n\nexample:\n  {}", c.usage, c.summary, c.example),
            None => {
                let names: Vec<&str> = TUTOR_COMMANDS.iter().map(|c| c.name).collect();
                format!("no command '{t}'{}", suggest::hint(t, names))
            }
        },
        None => {
            let mut out = String::from("Tutor commands:\n");
            for c in TUTOR_COMMANDS {
                out.push_str(&format!("  {:<12} {}\n", c.name, c.summary));
            }
            out.push_str("\nAWS commands are typed as with the AWS CLI (the leading `aws` is optional), e.g.\n  aws ec2 describe-security-groups\n  aws ec2 authorize-security-group-ingress --group-id sg-… --protocol tcp --port 443 --cidr 0.0.0.0/0\n\nEndpoints: an instance (Name or id), a host of the scenario, internet, or an address/CIDR.");
            out
        }
    }
}

/// Flags of a tutor command, parsed with the same rules as AWS commands.
struct Flags(Vec<(String, String)>);

impl Flags {
    fn parse(args: &[String], known: &[&str], cmd: &str) -> Result<Flags, String> {
        let raw = aws::cli::parse_flags(args).map_err(|e| format!("{cmd}: {e}"))?;
        let mut out = Vec::new();
        for f in raw.flags {
            if !known.contains(&f.name.as_str()) {
                return Err(format!(
                    "{cmd}: unknown option --{}{}",
                    f.name,
                    suggest::hint(&f.name, known.iter().copied())
                ));
            }
            match f.values.as_slice() {
                [v] => out.push((f.name, v.clone())),
                [] => return Err(format!("{cmd}: --{} needs a value", f.name)),
                _ => {
                    return Err(format!(
                        "{cmd}: --{} takes one value (quote it if it has spaces)",
                        f.name
                    ))
                }
            }
        }
        Ok(Flags(out))
    }

    fn get(&self, k: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s").unwrap(), 30);
        assert_eq!(parse_duration("5m").unwrap(), 300);
        assert_eq!(parse_duration("2h").unwrap(), 7200);
        assert_eq!(parse_duration("5d").unwrap(), 432_000);
        assert_eq!(parse_duration("1h30m").unwrap(), 5400);
        assert_eq!(parse_duration("90").unwrap(), 90);
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("5").is_ok());
    }
}
