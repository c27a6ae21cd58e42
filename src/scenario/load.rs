//! Loading a scenario file: YAML (with budgets) → schema → validated [`Scenario`] and its
//! starting [`Account`]. Every problem in the file is collected and reported with
//! `path:line:col`, unknown names with a "did you mean".

use super::schema::*;
use super::*;
use crate::model::ids;
use crate::model::*;
use crate::net::types::{parse_cidr, Os, Ports, Protocol};
use crate::render::text::clean;
use crate::suggest;
use ipnet::{IpNet, Ipv4Net};
use serde_saphyr::{Location, Spanned};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::net::Ipv4Addr;

/// Largest scenario or question file read (bytes).
pub const MAX_FILE_BYTES: usize = 1 << 20;
/// Longest name or id (AWS's own limit for names and descriptions).
pub const MAX_NAME_CHARS: usize = 255;
/// Longest scenario title (it is one line of `list` and the home screen).
pub const MAX_TITLE_CHARS: usize = 120;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub line: u64,
    pub col: u64,
    pub message: String,
}

/// Every problem found in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    pub path: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            // Messages quote the file's own text: neutralised before they reach a terminal.
            let (path, message) = (clean(&self.path), clean(&d.message));
            if d.line > 0 {
                write!(f, "error: {path}:{}:{}: {message}", d.line, d.col)?;
            } else {
                write!(f, "error: {path}: {message}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

impl LoadError {
    /// A file that could not be read.
    pub fn io(path: &str, e: &std::io::Error) -> LoadError {
        LoadError {
            path: path.into(),
            diagnostics: vec![Diagnostic {
                line: 0,
                col: 0,
                message: format!("cannot read: {e}"),
            }],
        }
    }

    /// One problem at a location.
    pub fn at(path: &str, line: u64, col: u64, message: impl Into<String>) -> LoadError {
        LoadError {
            path: path.into(),
            diagnostics: vec![Diagnostic {
                line,
                col,
                message: message.into(),
            }],
        }
    }
}

/// YAML parser options with budgets that keep hostile files cheap: aliases, nodes and depth
/// are capped (serde-saphyr enforces them while parsing).
pub fn yaml_options() -> serde_saphyr::Options {
    let mut o = serde_saphyr::Options::default();
    if let Some(b) = o.budget.as_mut() {
        b.max_aliases = 1_000;
        b.max_depth = 64;
        b.max_nodes = 200_000;
        // Counting what aliases expand to: a 1 MiB string aliased a thousand times stops here.
        b.max_total_scalar_bytes = 4 << 20;
    }
    o
}

/// The parser's budget breaches (`budget breached: Nodes { nodes: 200001 }`) in words.
fn budget_message(msg: &str) -> Option<String> {
    let breach = msg.strip_prefix("budget breached: ")?;
    let what = breach.split([' ', '{']).next().unwrap_or(breach);
    let o = yaml_options();
    let b = o.budget.unwrap_or_default();
    Some(
        match what {
            "Nodes" => format!(
                "the file has more than {} YAML nodes, counting what its aliases expand to",
                b.max_nodes
            ),
            "Aliases" => format!("the file uses more than {} aliases", b.max_aliases),
            "Depth" => format!("the file nests more than {} levels deep", b.max_depth),
            "ScalarBytes" => format!(
                "the file has more than {} bytes of text, counting what its aliases expand to",
                b.max_total_scalar_bytes
            ),
            _ => format!("the file is too costly to load safely ({breach})"),
        } + " (a limit that keeps hostile files cheap)",
    )
}

/// Parses YAML into `T`, turning a syntax or schema error into a located diagnostic.
pub fn parse_yaml<T: serde::de::DeserializeOwned>(path: &str, text: &str) -> Result<T, LoadError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(LoadError {
            path: path.into(),
            diagnostics: vec![Diagnostic {
                line: 0,
                col: 0,
                message: format!(
                    "file is {} bytes; the limit is {} bytes",
                    text.len(),
                    MAX_FILE_BYTES
                ),
            }],
        });
    }
    serde_saphyr::from_str_with_options::<T>(text, yaml_options()).map_err(|e| {
        let (line, col) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((0, 0));
        let msg = e.without_snippet().to_string();
        // The library's message may repeat the location; keep the first line.
        let mut msg = msg.lines().next().unwrap_or("invalid YAML").to_string();
        if let Some(i) = msg.rfind(" at line ") {
            msg.truncate(i);
        }
        let msg = budget_message(&msg).unwrap_or(msg);
        let msg = if msg.starts_with("recursion limit exceeded") {
            "the file nests too deep for the YAML parser (recursion limit exceeded; the depth limit is 64)".to_string()
        } else {
            msg
        };
        LoadError {
            path: path.into(),
            diagnostics: vec![Diagnostic {
                line,
                col,
                message: msg,
            }],
        }
    })
}

/// Loads a scenario from text. `bank` asks for the fields a bank file must have
/// (hints, solution, debrief).
pub fn load_scenario(path: &str, text: &str, bank: bool) -> Result<Scenario, LoadError> {
    load_scenario_with(
        path,
        text,
        Options {
            bank,
            require_goals: true,
        },
    )
}

/// What a load demands of the file.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Bank files need hints, a solution and a debrief.
    pub bank: bool,
    /// Every scenario but the sandbox needs goals.
    pub require_goals: bool,
}

pub fn load_scenario_with(path: &str, text: &str, opts: Options) -> Result<Scenario, LoadError> {
    load_variant_with(path, text, opts, 0)
}

/// Loads variant `variant` (0-based, below `Scenario::variants`) of a file.
pub fn load_scenario_variant(
    path: &str,
    text: &str,
    bank: bool,
    variant: u64,
) -> Result<Scenario, LoadError> {
    load_variant_with(
        path,
        text,
        Options {
            bank,
            require_goals: true,
        },
        variant,
    )
}

/// Most variants a file may declare (each is proven by lint).
pub const MAX_VARIANTS: u64 = 64;

/// The top-level `parameters:` block of a file: its first line (1-based) and its text.
fn parameters_block(text: &str) -> Option<(usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| l.starts_with("parameters:"))?;
    let mut block = String::new();
    for l in &lines[start..] {
        let top_level =
            !l.is_empty() && !l.starts_with(' ') && !l.starts_with('#') && !l.starts_with('\t');
        if top_level && !block.is_empty() {
            break;
        }
        block.push_str(l);
        block.push('\n');
    }
    Some((start + 1, block))
}

/// A variant's text, how many variants there are, and the values drawn.
type Substituted = (String, u64, Vec<(String, String)>);

/// Draws the parameters of a variant and substitutes `${name}` in the text.
fn substitute(path: &str, text: &str, variant: u64) -> Result<Substituted, LoadError> {
    // The parameters block is read on its own: the rest of the file may hold `${…}` that is
    // not YAML until substituted.
    let params: ParamsOnly = match parameters_block(text) {
        Some((first_line, block)) => parse_yaml::<ParamsOnly>(path, &block).map_err(|mut e| {
            for d in &mut e.diagnostics {
                if d.line > 0 {
                    d.line += first_line as u64 - 1;
                }
            }
            e
        })?,
        None => ParamsOnly::default(),
    };
    let mut count: u64 = 1;
    for (name, p) in &params.parameters {
        if p.one_of.is_empty() {
            return Err(LoadError::at(
                path,
                0,
                0,
                format!("parameter '{name}' has no values"),
            ));
        }
        count = count.saturating_mul(p.one_of.len() as u64);
    }
    if count > MAX_VARIANTS {
        return Err(LoadError::at(
            path,
            0,
            0,
            format!("the parameters make {count} variants; the limit is {MAX_VARIANTS}"),
        ));
    }
    let mut chosen = Vec::new();
    let mut rest = variant % count;
    for (name, p) in &params.parameters {
        let n = p.one_of.len() as u64;
        chosen.push((name.clone(), p.one_of[(rest % n) as usize].0.clone()));
        rest /= n;
    }
    // Replace ${name}; an unknown name is an error at its place.
    let mut out = String::with_capacity(text.len());
    let mut diags = Vec::new();
    for (ln, line) in text.split_inclusive('\n').enumerate() {
        let mut rest = line;
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            match after.find('}') {
                Some(j) => {
                    let name = &after[..j];
                    match chosen.iter().find(|(n, _)| n == name) {
                        Some((_, v)) => out.push_str(v),
                        None => {
                            let col = line.len() - rest.len() + i + 1;
                            let known: Vec<&str> = chosen.iter().map(|(n, _)| n.as_str()).collect();
                            diags.push(Diagnostic {
                                line: ln as u64 + 1,
                                col: col as u64,
                                message: format!(
                                    "unknown parameter '{name}'{}",
                                    suggest::hint(name, known)
                                ),
                            });
                            out.push_str(&rest[i..i + 3 + j]);
                        }
                    }
                    rest = &after[j + 1..];
                }
                None => {
                    out.push_str(&rest[i..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
    }
    if !diags.is_empty() {
        return Err(LoadError {
            path: path.into(),
            diagnostics: diags,
        });
    }
    Ok((out, count, chosen))
}

fn load_variant_with(
    path: &str,
    text: &str,
    opts: Options,
    variant: u64,
) -> Result<Scenario, LoadError> {
    let bank = opts.bank;
    let (concrete, variants, chosen) = substitute(path, text, variant)?;
    let doc: ScenarioDoc = parse_yaml(path, &concrete)?;
    let mut b = Builder {
        diags: Vec::new(),
        scenario_id: doc.id.value.clone(),
        acct: Account::default(),
        vpc_names: HashMap::new(),
        subnet_names: HashMap::new(),
        group_names: HashMap::new(),
        instance_names: HashMap::new(),
        host_names: HashMap::new(),
        used_ids: HashSet::new(),
    };
    let mut s = b.build(doc, path, bank, opts.require_goals);
    s.variants = variants;
    s.variant = variant % variants;
    s.parameters = chosen;
    s.template = (variants > 1).then(|| std::sync::Arc::from(text));
    s.bank = bank;
    if b.diags.is_empty() {
        Ok(s)
    } else {
        b.diags.sort_by_key(|d| (d.line, d.col));
        Err(LoadError {
            path: path.into(),
            diagnostics: b.diags,
        })
    }
}

/// A stable seed from the scenario id and a name (key material, passwords).
pub fn seed_of(scenario: &str, name: &str) -> u64 {
    let d = ids::derived("key", scenario, name);
    u64::from_str_radix(d.get(4..20).unwrap_or("0"), 16).unwrap_or(0)
}

/// A Windows-style Administrator password from a seed.
pub fn password_from(seed: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789%$!&(";
    let mut g = ids::IdGen::new(seed);
    (0..32)
        .map(|_| ALPHABET[(g.next_u64() % ALPHABET.len() as u64) as usize] as char)
        .collect()
}

struct Builder {
    diags: Vec<Diagnostic>,
    scenario_id: String,
    acct: Account,
    vpc_names: HashMap<String, usize>,
    subnet_names: HashMap<String, usize>,
    /// (vpc id, name) → group index
    group_names: HashMap<(String, String), usize>,
    instance_names: HashMap<String, usize>,
    host_names: HashMap<String, usize>,
    used_ids: HashSet<String>,
}

fn loc<T>(s: &Spanned<T>) -> Location {
    s.referenced
}

impl Builder {
    fn err(&mut self, at: Location, msg: impl Into<String>) {
        self.diags.push(Diagnostic {
            line: at.line(),
            col: at.column(),
            message: msg.into(),
        });
    }

    /// An explicit id (validated) or a derived one.
    fn id(&mut self, prefix: &str, explicit: &Option<Text>, name: &str) -> String {
        let id = match explicit {
            Some(t) => {
                if !ids::is_valid(prefix, &t.value) {
                    self.err(
                        loc(t),
                        format!(
                            "id '{}' is not an AWS {prefix} id ({prefix}- followed by 8 or 17 lowercase hex digits)",
                            t.value
                        ),
                    );
                }
                t.value.clone()
            }
            None => {
                let mut candidate = ids::derived(prefix, &self.scenario_id, name);
                let mut n = 0;
                while self.used_ids.contains(&candidate) {
                    n += 1;
                    candidate = ids::derived(prefix, &self.scenario_id, &format!("{name}#{n}"));
                }
                candidate
            }
        };
        if !self.used_ids.insert(id.clone()) {
            if let Some(t) = explicit {
                self.err(loc(t), format!("id '{id}' is used twice in this file"));
            }
        }
        id
    }

    fn enum_field<T: Copy>(
        &mut self,
        t: &Option<Text>,
        field: &str,
        options: &[(&str, T)],
        default: T,
    ) -> T {
        let Some(t) = t else { return default };
        match options.iter().find(|(k, _)| *k == t.value) {
            Some((_, v)) => *v,
            None => {
                let names: Vec<&str> = options.iter().map(|(k, _)| *k).collect();
                self.err(
                    loc(t),
                    format!(
                        "{field} '{}' is not one of {}{}",
                        t.value,
                        names.join(", "),
                        suggest::hint(&t.value, names.iter().copied())
                    ),
                );
                default
            }
        }
    }

    fn unknown(&mut self, at: Location, kind: &str, name: &str, known: Vec<String>) {
        let hint = suggest::hint(name, known.iter().map(|s| s.as_str()));
        self.err(at, format!("unknown {kind} '{name}'{hint}"));
    }

    fn protocol(&mut self, s: &Sc) -> Protocol {
        match Protocol::parse(&s.value.0) {
            Ok(p) => p,
            Err(e) => {
                self.err(loc(s), e);
                Protocol::All
            }
        }
    }

    fn ports(&mut self, protocol: Protocol, s: &Option<Sc>) -> Ports {
        match Ports::parse(protocol, s.as_ref().map(|s| s.value.0.as_str())) {
            Ok(p) => p,
            Err(e) => {
                if let Some(s) = s {
                    self.err(loc(s), e);
                }
                Ports::All
            }
        }
    }

    fn cidr(&mut self, t: &Text) -> Option<IpNet> {
        match parse_cidr(&t.value) {
            Ok(n) => Some(n),
            Err(e) => {
                self.err(loc(t), e);
                None
            }
        }
    }

    fn v4cidr(&mut self, t: &Text) -> Option<Ipv4Net> {
        match self.cidr(t)? {
            IpNet::V4(n) => Some(n),
            IpNet::V6(_) => {
                self.err(loc(t), format!("'{}' must be an IPv4 CIDR block", t.value));
                None
            }
        }
    }

    fn name_ok(&mut self, t: &Text, kind: &str) {
        if t.value.trim().is_empty() {
            self.err(loc(t), format!("{kind} name must not be empty"));
        }
        self.printable(t, kind);
    }

    /// Names and ids are printed in traces, tables and errors: a control character or a
    /// bidirectional override in one is an error (free text is neutralised instead).
    fn printable(&mut self, t: &Text, kind: &str) {
        let n = t.value.chars().count();
        if n > MAX_NAME_CHARS {
            self.err(
                loc(t),
                format!("{kind} name is {n} characters long; the limit is {MAX_NAME_CHARS}"),
            );
            return;
        }
        if let Some(c) = crate::render::text::unprintable(&t.value) {
            self.err(
                loc(t),
                format!(
                    "{kind} '{}' contains the control character U+{:04X}; names must be printable",
                    crate::render::text::clean(&t.value),
                    c as u32
                ),
            );
        }
    }

    fn vpc_ref(&mut self, t: &Text) -> Option<usize> {
        if let Some(&i) = self.vpc_names.get(&t.value) {
            return Some(i);
        }
        if let Some(i) = self.acct.vpcs.iter().position(|v| v.id == t.value) {
            return Some(i);
        }
        let known = self.vpc_names.keys().cloned().collect();
        self.unknown(loc(t), "vpc", &t.value, known);
        None
    }

    fn subnet_ref(&mut self, t: &Text) -> Option<usize> {
        if let Some(&i) = self.subnet_names.get(&t.value) {
            return Some(i);
        }
        if let Some(i) = self.acct.subnets.iter().position(|v| v.id == t.value) {
            return Some(i);
        }
        let known = self.subnet_names.keys().cloned().collect();
        self.unknown(loc(t), "subnet", &t.value, known);
        None
    }

    fn group_ref(&mut self, vpc_id: &str, t: &Text) -> Option<String> {
        if let Some(&i) = self.group_names.get(&(vpc_id.to_string(), t.value.clone())) {
            return Some(self.acct.security_groups[i].id.clone());
        }
        if let Some(g) = self.acct.security_groups.iter().find(|g| g.id == t.value) {
            let (gid, gvpc) = (g.id.clone(), g.vpc_id.clone());
            if gvpc != vpc_id {
                self.err(
                    loc(t),
                    format!("security group '{}' is in {gvpc}, not in {vpc_id}", t.value),
                );
            }
            return Some(gid);
        }
        let known = self
            .acct
            .security_groups
            .iter()
            .filter(|g| g.vpc_id == vpc_id)
            .map(|g| g.name.clone())
            .collect();
        self.unknown(loc(t), "security group", &t.value, known);
        None
    }

    fn build(&mut self, doc: ScenarioDoc, path: &str, bank: bool, require_goals: bool) -> Scenario {
        let id = doc.id.value.clone();
        let kebab = !id.is_empty()
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !id.starts_with('-')
            && !id.ends_with('-');
        if !kebab {
            self.err(
                loc(&doc.id),
                format!("scenario id '{id}' must be kebab-case (a-z, 0-9, -)"),
            );
        }
        if !TOPICS.contains(&doc.topic.value.as_str()) {
            let h = suggest::hint(&doc.topic.value, TOPICS.iter().copied());
            self.err(
                loc(&doc.topic),
                format!(
                    "topic '{}' is not one of {}{h}",
                    doc.topic.value,
                    TOPICS.join(", ")
                ),
            );
        }
        if !(1..=5).contains(&doc.difficulty.value) {
            self.err(loc(&doc.difficulty), "difficulty must be 1 to 5");
        }
        if doc.title.value.trim().is_empty() {
            self.err(loc(&doc.title), "title must not be empty");
        }
        let n = doc.title.value.chars().count();
        if n > MAX_TITLE_CHARS {
            self.err(
                loc(&doc.title),
                format!("the title is {n} characters long; the limit is {MAX_TITLE_CHARS}"),
            );
        }
        self.world(&doc.world);
        let connections = self.connections(&doc.world.connections);
        let goals = self.goals(&doc.goals, &connections);
        if doc.goals.is_empty() && require_goals {
            self.err(loc(&doc.id), "a scenario needs at least one goal");
        }
        if bank {
            if doc.hints.is_empty() {
                self.err(loc(&doc.id), "a bank scenario needs hints");
            }
            if doc.solution.is_empty() {
                self.err(loc(&doc.id), "a bank scenario needs a solution");
            }
            if doc.debrief.is_none() {
                self.err(loc(&doc.id), "a bank scenario needs a debrief");
            }
        }
        Scenario {
            id,
            // Free text from the file reaches the terminal: neutralised here, at the edge.
            title: clean(&doc.title.value),
            topic: doc.topic.value,
            difficulty: doc.difficulty.value.clamp(1, 5) as u8,
            brief: clean(&doc.brief.value),
            account: std::mem::take(&mut self.acct),
            connections,
            goals,
            hints: doc.hints.iter().map(|h| clean(&h.value)).collect(),
            solution: doc
                .solution
                .into_iter()
                .map(|s| (s.referenced.line() as usize, s.value))
                .collect(),
            debrief: doc.debrief.map(|d| clean(&d.value)),
            source: path.to_string(),
            variants: 1,
            variant: 0,
            parameters: Vec::new(),
            template: None,
            bank,
        }
    }

    fn world(&mut self, w: &WorldDoc) {
        if let Some(a) = &w.account {
            if a.value.0.len() != 12 || !a.value.0.bytes().all(|b| b.is_ascii_digit()) {
                self.err(loc(a), format!("account '{}' must be 12 digits", a.value.0));
            }
            self.acct.account_id = a.value.0.clone();
        }
        if let Some(r) = &w.region {
            self.acct.region = r.value.clone();
        }
        self.vpcs(&w.vpcs);
        self.subnets(&w.subnets);
        self.groups(&w.security_groups);
        self.acls(&w.network_acls);
        self.instances(&w.instances);
        self.hosts(&w.hosts);
        self.keys_and_iam(w);
        self.launch_state(w);
    }

    /// Issue 4's part of the world: images, Dedicated Hosts, and for each instance its root
    /// volume with the launch key in authorized_keys (FACTS: at first boot the launch key is
    /// written to `~/.ssh/authorized_keys`), its profile association, its Windows password.
    fn launch_state(&mut self, w: &WorldDoc) {
        for img in &w.images {
            let platform = match img.platform.as_ref().map(|p| p.value.as_str()) {
                Some("windows") => Os::Windows,
                _ => Os::Linux,
            };
            let root_device = match img.root_device.as_ref().map(|p| p.value.as_str()) {
                Some("instance-store") => RootDevice::InstanceStore,
                _ => RootDevice::Ebs,
            };
            self.acct.images.push(Image {
                id: img.id.value.clone(),
                name: img.name.as_ref().map(|n| n.value.clone()),
                platform,
                root_device,
            });
        }
        for h in &w.dedicated_hosts {
            if !ids::is_valid("h", &h.id.value) {
                self.err(
                    loc(&h.id),
                    format!("'{}' is not a Dedicated Host id (h-…)", h.id.value),
                );
                continue;
            }
            self.used_ids.insert(h.id.value.clone());
            let az = h
                .availability_zone
                .as_ref()
                .map(|a| a.value.clone())
                .unwrap_or_else(|| format!("{}a", self.acct.region));
            self.acct.dedicated_hosts.push(DedicatedHost {
                id: h.id.value.clone(),
                instance_type: h.instance_type.value.clone(),
                availability_zone: az,
                auto_placement: false,
                released: false,
            });
        }
        for (n, d) in w.instances.iter().enumerate() {
            let Some(idx) = self
                .acct
                .instances
                .iter()
                .position(|i| i.name.as_deref() == Some(d.name.value.as_str()))
            else {
                continue;
            };
            let _ = n;
            let inst = self.acct.instances[idx].clone();
            let key = inst
                .key_name
                .as_ref()
                .and_then(|k| self.acct.key_pairs.iter().find(|p| &p.name == k))
                .and_then(|p| p.public_key.clone());
            if let (Some(k), None) = (&inst.key_name, &key) {
                if let Some(t) = &d.key_name {
                    let known = self.acct.key_pairs.iter().map(|p| p.name.clone()).collect();
                    self.unknown(loc(t), "key pair", k, known);
                }
            }
            if let Some(h) = &d.host_id {
                if !self.acct.dedicated_hosts.iter().any(|x| x.id == h.value) {
                    let known = self
                        .acct
                        .dedicated_hosts
                        .iter()
                        .map(|x| x.id.clone())
                        .collect();
                    self.unknown(loc(h), "dedicated host", &h.value, known);
                } else if inst.tenancy != Tenancy::Host {
                    self.err(loc(h), "host_id needs tenancy: host");
                }
            }
            let az = self
                .acct
                .subnet(&inst.subnet_id)
                .map(|s| s.availability_zone.clone())
                .unwrap_or_default();
            let keys: Vec<String> = key.iter().cloned().collect();
            let mut details = inst.details.clone();
            details.launch_public_key = key.clone();
            details.host_id = d.host_id.as_ref().map(|h| h.value.clone());
            if inst.iam_instance_profile.is_some() {
                details.profile_association_id =
                    Some(ids::derived("iip-assoc", &self.scenario_id, &d.name.value));
            }
            if inst.platform == Os::Windows {
                details.admin_password =
                    Some(password_from(seed_of(&self.scenario_id, &d.name.value)));
            }
            match inst.root_device {
                RootDevice::Ebs => {
                    let vol = self.id("vol", &d.root_volume_id, &format!("root/{}", d.name.value));
                    details.root_volume_id = Some(vol.clone());
                    self.acct.volumes.push(Volume {
                        id: vol,
                        size_gib: 8,
                        availability_zone: az,
                        attachment: Some((inst.id.clone(), ROOT_DEVICE.to_string())),
                        authorized_keys: keys,
                        delete_on_termination: true,
                    });
                }
                RootDevice::InstanceStore => details.store_authorized_keys = keys,
            }
            self.acct.instances[idx].details = details;
        }
    }

    fn vpcs(&mut self, vpcs: &[VpcDoc]) {
        for v in vpcs {
            self.name_ok(&v.name, "vpc");
            if self.vpc_names.contains_key(&v.name.value) {
                self.err(
                    loc(&v.name),
                    format!("vpc '{}' is declared twice", v.name.value),
                );
                continue;
            }
            let id = self.id("vpc", &v.id, &v.name.value);
            let cidr = self
                .v4cidr(&v.cidr)
                .unwrap_or_else(|| "10.0.0.0/16".parse().expect("constant"));
            if !(16..=28).contains(&cidr.prefix_len()) {
                self.err(
                    loc(&v.cidr),
                    format!(
                        "a VPC's CIDR block must be between /16 and /28, not /{}",
                        cidr.prefix_len()
                    ),
                );
            }
            let tenancy = self.enum_field(
                &v.tenancy,
                "tenancy",
                &[
                    ("default", Tenancy::Default),
                    ("dedicated", Tenancy::Dedicated),
                ],
                Tenancy::Default,
            );
            self.vpc_names
                .insert(v.name.value.clone(), self.acct.vpcs.len());
            self.acct.vpcs.push(Vpc {
                id: id.clone(),
                name: Some(v.name.value.clone()),
                cidr,
                is_default: v.default,
                tenancy,
            });
            let igw = self.id("igw", &None, &v.name.value);
            self.acct.internet_gateways.push(InternetGateway {
                id: igw,
                vpc_id: v.internet_gateway.then(|| id.clone()),
            });
            if !v.internet_gateway {
                self.acct.internet_gateways.pop();
            }
            // FACTS: each VPC has a `default` group and a default network ACL.
            let gid = self.id("sg", &None, &format!("{}/default", v.name.value));
            let sid = self.scenario_id.clone();
            let mut n = 0;
            let (ingress, egress) = default_group_rules(&gid, || {
                n += 1;
                ids::derived("sgr", &sid, &format!("{gid}/default/{n}"))
            });
            self.group_names.insert(
                (id.clone(), "default".into()),
                self.acct.security_groups.len(),
            );
            self.acct.security_groups.push(SecurityGroup {
                id: gid,
                name: "default".into(),
                description: "default VPC security group".into(),
                vpc_id: id.clone(),
                ingress,
                egress,
            });
            let aid = self.id("acl", &None, &format!("{}/default", v.name.value));
            self.acct.network_acls.push(NetworkAcl {
                id: aid,
                name: None,
                vpc_id: id,
                is_default: true,
                entries: default_acl_entries(),
            });
        }
    }

    fn subnets(&mut self, subnets: &[SubnetDoc]) {
        for s in subnets {
            self.name_ok(&s.name, "subnet");
            if self.subnet_names.contains_key(&s.name.value) {
                self.err(
                    loc(&s.name),
                    format!("subnet '{}' is declared twice", s.name.value),
                );
                continue;
            }
            let id = self.id("subnet", &s.id, &s.name.value);
            let Some(vi) = self.vpc_ref(&s.vpc) else {
                continue;
            };
            let vpc = self.acct.vpcs[vi].clone();
            let Some(cidr) = self.v4cidr(&s.cidr) else {
                continue;
            };
            if !vpc.cidr.contains(&cidr) {
                self.err(
                    loc(&s.cidr),
                    format!(
                        "subnet CIDR {cidr} is not inside {} ({})",
                        vpc.cidr,
                        vpc.name.clone().unwrap_or_default()
                    ),
                );
            }
            if !(16..=28).contains(&cidr.prefix_len()) {
                self.err(
                    loc(&s.cidr),
                    format!(
                        "a subnet's CIDR block must be between /16 and /28, not /{}",
                        cidr.prefix_len()
                    ),
                );
            }
            if let Some(o) = self.acct.subnets.iter().find(|o| {
                o.vpc_id == vpc.id
                    && (o.cidr.contains(&cidr.network()) || cidr.contains(&o.cidr.network()))
            }) {
                self.err(
                    loc(&s.cidr),
                    format!(
                        "subnet CIDR {cidr} overlaps subnet {} ({})",
                        o.name.clone().unwrap_or_default(),
                        o.cidr
                    ),
                );
            }
            let route = self.enum_field(
                &s.route_internet,
                "route_internet",
                &[
                    ("igw", InternetRoute::Igw),
                    ("nat", InternetRoute::Nat),
                    ("none", InternetRoute::None),
                ],
                InternetRoute::None,
            );
            if route == InternetRoute::Igw && self.acct.igw_of(&vpc.id).is_none() {
                if let Some(t) = &s.route_internet {
                    self.err(
                        loc(t),
                        format!(
                            "route_internet is igw but vpc '{}' has no internet_gateway",
                            vpc.name.clone().unwrap_or_default()
                        ),
                    );
                }
            }
            let acl = self
                .acct
                .default_acl_of(&vpc.id)
                .map(|a| a.id.clone())
                .unwrap_or_default();
            let rtb = self.id("rtb", &None, &s.name.value);
            let assoc = self.id("aclassoc", &None, &s.name.value);
            let nat = (route == InternetRoute::Nat).then(|| self.id("nat", &None, &s.name.value));
            let az = s
                .availability_zone
                .as_ref()
                .map(|a| a.value.clone())
                .unwrap_or_else(|| format!("{}a", self.acct.region));
            self.subnet_names
                .insert(s.name.value.clone(), self.acct.subnets.len());
            self.acct.subnets.push(Subnet {
                id,
                name: Some(s.name.value.clone()),
                vpc_id: vpc.id,
                cidr,
                availability_zone: az,
                route_internet: route,
                route_table_id: rtb,
                nat_gateway_id: nat,
                network_acl_id: acl,
                acl_association_id: assoc,
            });
        }
    }

    fn groups(&mut self, groups: &[GroupDoc]) {
        // First pass: names and ids, so rules may reference groups declared later.
        let mut declared = Vec::new();
        for g in groups {
            self.name_ok(&g.name, "security group");
            let Some(vi) = self.vpc_ref(&g.vpc) else {
                continue;
            };
            let vpc_id = self.acct.vpcs[vi].id.clone();
            if g.name.value.len() > 255 {
                self.err(
                    loc(&g.name),
                    "a security group name is at most 255 characters",
                );
            }
            if g.name.value.starts_with("sg-") {
                // FACTS: a group name may not start with `sg-`.
                self.err(
                    loc(&g.name),
                    format!(
                        "security group name '{}' may not start with sg-",
                        g.name.value
                    ),
                );
            }
            let key = (vpc_id.clone(), g.name.value.clone());
            if g.name.value == "default" {
                // Overrides the VPC's default group.
                let Some(&gi) = self.group_names.get(&key) else {
                    continue;
                };
                if let Some(id) = &g.id {
                    let old = self.acct.security_groups[gi].id.clone();
                    self.used_ids.remove(&old);
                    let new = self.id("sg", &Some(id.clone()), "default");
                    self.acct.security_groups[gi].id = new.clone();
                    // The self-reference follows the new id.
                    for r in &mut self.acct.security_groups[gi].ingress {
                        if r.peer == Peer::Group(old.clone()) {
                            r.peer = Peer::Group(new.clone());
                        }
                    }
                }
                declared.push((g, gi, vpc_id));
                continue;
            }
            if self.group_names.contains_key(&key) {
                self.err(
                    loc(&g.name),
                    format!(
                        "security group '{}' is declared twice in this VPC",
                        g.name.value
                    ),
                );
                continue;
            }
            let id = self.id("sg", &g.id, &format!("{}/{}", vpc_id, g.name.value));
            let gi = self.acct.security_groups.len();
            self.group_names.insert(key, gi);
            self.acct.security_groups.push(SecurityGroup {
                id,
                name: g.name.value.clone(),
                description: g
                    .description
                    .as_ref()
                    .map(|d| clean(&d.value))
                    .unwrap_or_else(|| g.name.value.clone()),
                vpc_id: vpc_id.clone(),
                ingress: vec![],
                egress: vec![],
            });
            declared.push((g, gi, vpc_id));
        }
        // Second pass: rules.
        for (g, gi, vpc_id) in declared {
            let gid = self.acct.security_groups[gi].id.clone();
            let is_default = g.name.value == "default";
            if !is_default || !g.ingress.is_empty() || g.egress.is_some() {
                let ingress = self.rules(&g.ingress, &vpc_id, &gid, "in");
                if !(is_default && g.ingress.is_empty()) {
                    self.acct.security_groups[gi].ingress = ingress;
                }
                let egress = match &g.egress {
                    Some(rules) => self.rules(rules, &vpc_id, &gid, "out"),
                    None if is_default => self.acct.security_groups[gi].egress.clone(),
                    None => vec![allow_all_egress(ids::derived(
                        "sgr",
                        &self.scenario_id,
                        &format!("{gid}/egress-default"),
                    ))],
                };
                self.acct.security_groups[gi].egress = egress;
            }
            if let Some(d) = &g.description {
                if d.value.len() > 255 {
                    self.err(
                        loc(d),
                        "a security group description is at most 255 characters",
                    );
                }
                self.acct.security_groups[gi].description = clean(&d.value);
            }
        }
    }

    fn rules(&mut self, rules: &[RuleDoc], vpc_id: &str, gid: &str, dir: &str) -> Vec<SgRule> {
        let mut out: Vec<SgRule> = Vec::new();
        for (n, r) in rules.iter().enumerate() {
            let protocol = self.protocol(&r.protocol);
            let ports = self.ports(protocol, &r.ports);
            let peers = [r.cidr.is_some(), r.group.is_some(), r.prefix_list.is_some()];
            let count = peers.iter().filter(|b| **b).count();
            if count != 1 {
                self.err(
                    loc(&r.protocol),
                    format!(
                        "a rule has exactly one of cidr, group, prefix_list (this one has {count})"
                    ),
                );
                continue;
            }
            let peer = if let Some(c) = &r.cidr {
                match self.cidr(c) {
                    Some(n) => Peer::Cidr(n),
                    None => continue,
                }
            } else if let Some(g) = &r.group {
                match self.group_ref(vpc_id, g) {
                    Some(id) => Peer::Group(id),
                    None => continue,
                }
            } else {
                let p = r.prefix_list.as_ref().expect("counted above");
                if !ids::is_valid("pl", &p.value) {
                    self.err(
                        loc(p),
                        format!("'{}' is not a prefix list id (pl-…)", p.value),
                    );
                }
                Peer::PrefixList(p.value.clone())
            };
            let id = self.id("sgr", &r.id, &format!("{gid}/{dir}/{n}"));
            let rule = SgRule {
                id,
                protocol,
                ports,
                peer,
                description: r.description.as_ref().map(|d| clean(&d.value)),
            };
            if out.iter().any(|o| o.same_permission(&rule)) {
                self.err(loc(&r.protocol), "this rule repeats an earlier rule of the same group (AWS: InvalidPermission.Duplicate)");
                continue;
            }
            out.push(rule);
        }
        // FACTS: 60 inbound and 60 outbound rules per group, IPv4 and IPv6 counted apart.
        let v6 = out
            .iter()
            .filter(|r| matches!(r.peer, Peer::Cidr(IpNet::V6(_))))
            .count();
        if out.len() - v6 > 60 || v6 > 60 {
            if let Some(r) = rules.first() {
                self.err(
                    loc(&r.protocol),
                    "more than 60 rules in one direction (AWS: RulesPerSecurityGroupLimitExceeded)",
                );
            }
        }
        out
    }

    fn acls(&mut self, acls: &[AclDoc]) {
        let mut assigned: HashMap<String, String> = HashMap::new();
        let mut names = HashSet::new();
        for a in acls {
            self.name_ok(&a.name, "network ACL");
            if !names.insert(a.name.value.clone()) {
                self.err(
                    loc(&a.name),
                    format!("network ACL '{}' is declared twice", a.name.value),
                );
                continue;
            }
            let Some(vi) = self.vpc_ref(&a.vpc) else {
                continue;
            };
            let vpc_id = self.acct.vpcs[vi].id.clone();
            let mut entries = Vec::new();
            for (egress, list) in [(false, &a.ingress), (true, &a.egress)] {
                let mut seen = HashSet::new();
                for e in list {
                    let n = e.rule.value;
                    if !(1..=32766).contains(&n) {
                        self.err(loc(&e.rule), format!("rule number {n} is outside 1-32766"));
                        continue;
                    }
                    if !seen.insert(n) {
                        self.err(loc(&e.rule), format!("rule number {n} is used twice in one direction (AWS: NetworkAclEntryAlreadyExists)"));
                        continue;
                    }
                    let action = self.enum_field(
                        &Some(e.action.clone()),
                        "action",
                        &[("allow", RuleAction::Allow), ("deny", RuleAction::Deny)],
                        RuleAction::Deny,
                    );
                    let protocol = self.protocol(&e.protocol);
                    let ports = self.ports(protocol, &e.ports);
                    let Some(cidr) = self.cidr(&e.cidr) else {
                        continue;
                    };
                    entries.push(AclEntry {
                        rule_number: n as u16,
                        egress,
                        action,
                        protocol,
                        ports,
                        cidr,
                    });
                }
                // FACTS: 20 rules per direction (adjustable to 40).
                if seen.len() > 20 {
                    self.err(
                        loc(&a.name),
                        "more than 20 entries in one direction (AWS: NetworkAclEntryLimitExceeded)",
                    );
                }
            }
            let acl_id = if a.default {
                let Some(ai) = self
                    .acct
                    .network_acls
                    .iter()
                    .position(|x| x.vpc_id == vpc_id && x.is_default)
                else {
                    continue;
                };
                if let Some(id) = &a.id {
                    let old = self.acct.network_acls[ai].id.clone();
                    self.used_ids.remove(&old);
                    let new = self.id("acl", &Some(id.clone()), &a.name.value);
                    for s in self
                        .acct
                        .subnets
                        .iter_mut()
                        .filter(|s| s.network_acl_id == old)
                    {
                        s.network_acl_id = new.clone();
                    }
                    self.acct.network_acls[ai].id = new;
                }
                let acl = &mut self.acct.network_acls[ai];
                acl.name = Some(a.name.value.clone());
                acl.entries = entries;
                acl.sort();
                acl.id.clone()
            } else {
                let id = self.id("acl", &a.id, &a.name.value);
                let mut acl = NetworkAcl {
                    id: id.clone(),
                    name: Some(a.name.value.clone()),
                    vpc_id: vpc_id.clone(),
                    is_default: false,
                    entries,
                };
                acl.sort();
                self.acct.network_acls.push(acl);
                id
            };
            for s in &a.subnets {
                let Some(si) = self.subnet_ref(s) else {
                    continue;
                };
                if self.acct.subnets[si].vpc_id != vpc_id {
                    self.err(
                        loc(s),
                        format!("subnet '{}' is not in the ACL's VPC", s.value),
                    );
                    continue;
                }
                if let Some(prev) = assigned.insert(s.value.clone(), a.name.value.clone()) {
                    self.err(loc(s), format!("subnet '{}' is already associated with network ACL '{prev}': a subnet has exactly one ACL", s.value));
                    continue;
                }
                self.acct.subnets[si].network_acl_id = acl_id.clone();
            }
        }
    }

    fn instances(&mut self, instances: &[InstanceDoc]) {
        let mut used_ips: HashSet<Ipv4Addr> = HashSet::new();
        for d in instances {
            self.name_ok(&d.name, "instance");
            if self.instance_names.contains_key(&d.name.value) {
                self.err(
                    loc(&d.name),
                    format!("instance '{}' is declared twice", d.name.value),
                );
                continue;
            }
            let id = self.id("i", &d.id, &d.name.value);
            let Some(si) = self.subnet_ref(&d.subnet) else {
                continue;
            };
            let subnet = self.acct.subnets[si].clone();
            let net = subnet.cidr;
            let first = u32::from(net.network());
            let last = u32::from(net.broadcast());
            let private_ip = match &d.private_ip {
                Some(t) => match t.value.parse::<Ipv4Addr>() {
                    Ok(a) => {
                        let n = u32::from(a);
                        if !net.contains(&a) {
                            self.err(
                                loc(t),
                                format!(
                                    "private_ip {a} is not inside subnet {} ({net})",
                                    subnet.name.clone().unwrap_or_default()
                                ),
                            );
                        } else if n < first + 4 || n == last {
                            // AWS reserves the first four addresses and the last one of a subnet.
                            self.err(loc(t), format!("private_ip {a} is reserved by AWS (the first four and the last address of {net})"));
                        }
                        a
                    }
                    Err(_) => {
                        self.err(
                            loc(t),
                            format!("private_ip '{}' is not an IPv4 address", t.value),
                        );
                        continue;
                    }
                },
                None => {
                    let free = (first + 4..last)
                        .map(Ipv4Addr::from)
                        .find(|a| !used_ips.contains(a));
                    match free {
                        Some(a) => a,
                        None => {
                            self.err(loc(&d.subnet), "no free address left in the subnet");
                            continue;
                        }
                    }
                }
            };
            if !used_ips.insert(private_ip) {
                if let Some(t) = &d.private_ip {
                    self.err(
                        loc(t),
                        format!("private_ip {private_ip} is already used by another instance"),
                    );
                }
            }
            let public_ip = match &d.public_ip {
                Some(t) => match t.value.parse::<Ipv4Addr>() {
                    Ok(a) if crate::net::types::AddrSet::internet().contains(a.into()) => {
                        if self.acct.instances.iter().any(|i| i.public_ip == Some(a)) {
                            self.err(
                                loc(t),
                                format!("public_ip {a} is already used by another instance"),
                            );
                        }
                        Some(a)
                    }
                    Ok(a) => {
                        self.err(loc(t), format!("public_ip {a} is not a public address"));
                        None
                    }
                    Err(_) => {
                        self.err(
                            loc(t),
                            format!("public_ip '{}' is not an IPv4 address", t.value),
                        );
                        None
                    }
                },
                None => None,
            };
            let groups = match &d.security_groups {
                Some(list) => {
                    let mut out = Vec::new();
                    for g in list {
                        if let Some(id) = self.group_ref(&subnet.vpc_id, g) {
                            if out.contains(&id) {
                                self.err(
                                    loc(g),
                                    format!("security group '{}' is listed twice", g.value),
                                );
                            } else {
                                out.push(id);
                            }
                        }
                    }
                    // FACTS: 5 groups per interface (adjustable to 16).
                    if out.len() > 5 {
                        if let Some(g) = list.get(5) {
                            self.err(loc(g), "an interface has at most 5 security groups");
                        }
                    }
                    if list.is_empty() {
                        self.err(
                            loc(&d.name),
                            "security_groups is empty; leave it out to use the VPC's default group",
                        );
                    }
                    out
                }
                // FACTS: an instance launched with no group gets the VPC's default group.
                None => self
                    .acct
                    .default_group_of(&subnet.vpc_id)
                    .map(|g| vec![g.id.clone()])
                    .unwrap_or_default(),
            };
            let vpc_tenancy = self
                .acct
                .vpc(&subnet.vpc_id)
                .map(|v| v.tenancy)
                .unwrap_or(Tenancy::Default);
            let tenancy = self.enum_field(
                &d.tenancy,
                "tenancy",
                &[
                    ("default", Tenancy::Default),
                    ("dedicated", Tenancy::Dedicated),
                    ("host", Tenancy::Host),
                ],
                if vpc_tenancy == Tenancy::Dedicated {
                    Tenancy::Dedicated
                } else {
                    Tenancy::Default
                },
            );
            if vpc_tenancy == Tenancy::Dedicated && tenancy == Tenancy::Default {
                if let Some(t) = &d.tenancy {
                    // FACTS: in a dedicated VPC every instance is dedicated.
                    self.err(
                        loc(t),
                        "in a VPC with dedicated tenancy an instance cannot have default tenancy",
                    );
                }
            }
            let platform = self.enum_field(
                &d.platform,
                "platform",
                &[("linux", Os::Linux), ("windows", Os::Windows)],
                Os::Linux,
            );
            let state = self.enum_field(
                &d.state,
                "state",
                &[
                    ("running", InstanceState::Running),
                    ("stopped", InstanceState::Stopped),
                ],
                InstanceState::Running,
            );
            let root_device = self.enum_field(
                &d.root_device,
                "root_device",
                &[
                    ("ebs", RootDevice::Ebs),
                    ("instance-store", RootDevice::InstanceStore),
                ],
                RootDevice::Ebs,
            );
            let http_tokens = self.enum_field(
                &d.http_tokens,
                "http_tokens",
                &[
                    ("optional", HttpTokens::Optional),
                    ("required", HttpTokens::Required),
                ],
                HttpTokens::Optional,
            );
            let eni = self.id("eni", &None, &d.name.value);
            let image_id = match &d.image_id {
                Some(t) => {
                    if !ids::is_valid("ami", &t.value) {
                        self.err(
                            loc(t),
                            format!("image_id '{}' is not an AMI id (ami-…)", t.value),
                        );
                    }
                    t.value.clone()
                }
                None => ids::derived(
                    "ami",
                    &self.scenario_id,
                    if platform == Os::Windows {
                        "windows"
                    } else {
                        "linux"
                    },
                ),
            };
            self.instance_names
                .insert(d.name.value.clone(), self.acct.instances.len());
            self.acct.instances.push(Instance {
                id,
                name: Some(d.name.value.clone()),
                subnet_id: subnet.id.clone(),
                vpc_id: subnet.vpc_id.clone(),
                eni_id: eni,
                private_ip,
                public_ip,
                security_groups: groups,
                instance_type: d
                    .instance_type
                    .as_ref()
                    .map(|t| t.value.clone())
                    .unwrap_or_else(|| "t3.micro".into()),
                image_id,
                tenancy,
                platform,
                state,
                root_device,
                key_name: d.key_name.as_ref().map(|k| k.value.clone()),
                iam_instance_profile: d.iam_instance_profile.as_ref().map(|k| k.value.clone()),
                http_tokens,
                ssm_agent: d.ssm_agent.unwrap_or(true),
                user_data: d.user_data.clone().unwrap_or_default(),
                details: InstanceDetails {
                    missing_patches: d.missing_patches.unwrap_or(0),
                    ..InstanceDetails::default()
                },
            });
        }
    }

    fn hosts(&mut self, hosts: &[HostDoc]) {
        for h in hosts {
            self.name_ok(&h.name, "host");
            if h.name.value == "internet" {
                self.err(loc(&h.name), "'internet' is a reserved endpoint name");
                continue;
            }
            if self.host_names.contains_key(&h.name.value)
                || self.instance_names.contains_key(&h.name.value)
            {
                self.err(
                    loc(&h.name),
                    format!(
                        "'{}' is already the name of a host or an instance",
                        h.name.value
                    ),
                );
                continue;
            }
            let Some(cidr) = self.cidr(&h.cidr) else {
                continue;
            };
            if let IpNet::V4(n) = cidr {
                if let Some(v) = self
                    .acct
                    .vpcs
                    .iter()
                    .find(|v| v.cidr.contains(&n.network()) || n.contains(&v.cidr.network()))
                {
                    self.err(
                        loc(&h.cidr),
                        format!(
                            "host {} overlaps {} ({}): hosts stand outside every VPC",
                            h.name.value,
                            v.name.clone().unwrap_or_default(),
                            v.cidr
                        ),
                    );
                }
            }
            let os = match &h.os {
                Some(_) => Some(self.enum_field(
                    &h.os,
                    "os",
                    &[("linux", Os::Linux), ("windows", Os::Windows)],
                    Os::Linux,
                )),
                None => None,
            };
            self.host_names
                .insert(h.name.value.clone(), self.acct.hosts.len());
            self.acct.hosts.push(Host {
                name: h.name.value.clone(),
                cidr,
                os,
            });
        }
    }

    fn keys_and_iam(&mut self, w: &WorldDoc) {
        let mut names = HashSet::new();
        let mut rsa_pool =
            (ids::derived("key", &self.scenario_id, "").len()) % crate::keys::FIXED_RSA.len();
        for k in &w.key_pairs {
            self.printable(&k.name, "key pair");
            if !names.insert(k.name.value.clone()) {
                self.err(
                    loc(&k.name),
                    format!("key pair '{}' is declared twice", k.name.value),
                );
                continue;
            }
            let t = self.enum_field(
                &k.key_type,
                "type",
                &[("rsa", "rsa"), ("ed25519", "ed25519")],
                "rsa",
            );
            let id = self.id("key", &None, &k.name.value);
            // Real key material: the given public key (an imported pair), or a key EC2
            // "created": a fixed RSA key (no RSA generation at load time) or an ED25519 key
            // from a seed derived from the scenario and the name.
            let (public, fingerprint, private_pem) = match &k.public_key {
                Some(p) => match crate::keys::parse_public(p.value.as_bytes()) {
                    Ok(pk) => {
                        if pk.key_type.as_str() != t {
                            self.err(
                                loc(p),
                                format!(
                                    "public_key is an {} key but type is {t}",
                                    pk.key_type.as_str()
                                ),
                            );
                        }
                        let fp = crate::keys::imported_fingerprint(&pk);
                        (pk.openssh, fp, None)
                    }
                    Err(e) => {
                        self.err(loc(p), format!("public_key is not a key EC2 imports ({e:?}): RSA 1024/2048/4096 or ED25519, OpenSSH format"));
                        continue;
                    }
                },
                None => {
                    let generated = if t == "rsa" {
                        let pem = crate::keys::FIXED_RSA[rsa_pool % crate::keys::FIXED_RSA.len()];
                        rsa_pool += 1;
                        crate::keys::rsa_private_from_pem(pem).and_then(|r| {
                            crate::keys::from_rsa_private(
                                &r,
                                crate::keys::KeyFormat::Pem,
                                &k.name.value,
                            )
                        })
                    } else {
                        let mut g = ids::IdGen::new(seed_of(&self.scenario_id, &k.name.value));
                        crate::keys::generate(
                            crate::keys::KeyType::Ed25519,
                            crate::keys::KeyFormat::Pem,
                            &k.name.value,
                            &mut g,
                        )
                    };
                    match generated {
                        Some(g) => (g.public.openssh, g.fingerprint, Some(g.private_pem)),
                        None => {
                            self.err(loc(&k.name), "could not make key material");
                            continue;
                        }
                    }
                }
            };
            if k.held.unwrap_or(true) {
                self.acct.workstation.push(LocalKey {
                    name: k.name.value.clone(),
                    public_key: public.clone(),
                    private_pem,
                });
            }
            self.acct.key_pairs.push(KeyPair {
                name: k.name.value.clone(),
                id,
                key_type: t.into(),
                public_key: Some(public),
                fingerprint,
                create_time: 0,
            });
        }
        for lk in &w.local_keys {
            let t = self.enum_field(
                &lk.key_type,
                "type",
                &[("rsa", "rsa"), ("ed25519", "ed25519")],
                "ed25519",
            );
            if self
                .acct
                .workstation
                .iter()
                .any(|x| x.name == lk.name.value)
            {
                self.err(
                    loc(&lk.name),
                    format!("local key '{}' is declared twice", lk.name.value),
                );
                continue;
            }
            let generated = if t == "rsa" {
                let pem = crate::keys::FIXED_RSA[rsa_pool % crate::keys::FIXED_RSA.len()];
                rsa_pool += 1;
                crate::keys::rsa_private_from_pem(pem).and_then(|r| {
                    crate::keys::from_rsa_private(&r, crate::keys::KeyFormat::Pem, &lk.name.value)
                })
            } else {
                let mut g = ids::IdGen::new(seed_of(
                    &self.scenario_id,
                    &format!("local/{}", lk.name.value),
                ));
                crate::keys::generate(
                    crate::keys::KeyType::Ed25519,
                    crate::keys::KeyFormat::Pem,
                    &lk.name.value,
                    &mut g,
                )
            };
            if let Some(g) = generated {
                self.acct.workstation.push(LocalKey {
                    name: lk.name.value.clone(),
                    public_key: g.public.openssh,
                    private_pem: Some(g.private_pem),
                });
            }
        }
        if rsa_pool > crate::keys::FIXED_RSA.len() + 1 {
            self.err(
                Location::UNKNOWN,
                format!(
                    "at most {} RSA keys without public_key per scenario",
                    crate::keys::FIXED_RSA.len()
                ),
            );
        }
        for img in &w.images {
            if !ids::is_valid("ami", &img.id.value) {
                self.err(
                    loc(&img.id),
                    format!("image id '{}' is not an AMI id (ami-…)", img.id.value),
                );
            }
            self.enum_field(
                &img.platform,
                "platform",
                &[("linux", ()), ("windows", ())],
                (),
            );
            self.enum_field(
                &img.root_device,
                "root_device",
                &[("ebs", ()), ("instance-store", ())],
                (),
            );
        }
        let iam = &w.iam;
        let mut policy_names = HashSet::new();
        for p in &iam.policies {
            self.printable(&p.name, "policy");
            if !policy_names.insert(p.name.value.clone()) {
                self.err(
                    loc(&p.name),
                    format!("policy '{}' is declared twice", p.name.value),
                );
            }
            if !p.document.is_object() {
                self.err(
                    loc(&p.name),
                    format!(
                        "policy '{}': document must be a mapping with Version and Statement",
                        p.name.value
                    ),
                );
            }
            self.acct.iam.policies.push(IamPolicy {
                name: p.name.value.clone(),
                document: p.document.clone(),
            });
        }
        let mut role_names = HashSet::new();
        for r in &iam.roles {
            self.printable(&r.name, "role");
            if !role_names.insert(r.name.value.clone()) {
                self.err(
                    loc(&r.name),
                    format!("role '{}' is declared twice", r.name.value),
                );
            }
            for p in &r.policies {
                let managed = crate::iam::managed::NAMES.contains(&p.value.as_str());
                if !managed && !policy_names.contains(&p.value) {
                    let mut known: Vec<String> = policy_names.iter().cloned().collect();
                    known.extend(crate::iam::managed::NAMES.iter().map(|s| s.to_string()));
                    self.unknown(loc(p), "policy", &p.value, known);
                }
            }
            self.acct.iam.roles.push(IamRole {
                name: r.name.value.clone(),
                trust: r.trust.iter().map(|t| t.value.clone()).collect(),
                policies: r.policies.iter().map(|t| t.value.clone()).collect(),
                inline_policies: vec![],
                trust_document: None,
            });
        }
        let mut profile_names = HashSet::new();
        for p in &iam.instance_profiles {
            self.printable(&p.name, "instance profile");
            if !profile_names.insert(p.name.value.clone()) {
                self.err(
                    loc(&p.name),
                    format!("instance profile '{}' is declared twice", p.name.value),
                );
            }
            if let Some(r) = &p.role {
                if !role_names.contains(&r.value) {
                    let known: Vec<String> = role_names.iter().cloned().collect();
                    self.unknown(loc(r), "role", &r.value, known);
                }
            }
            self.acct.iam.instance_profiles.push(InstanceProfile {
                name: p.name.value.clone(),
                role: p.role.as_ref().map(|r| r.value.clone()),
            });
        }
        if let Some(list) = &iam.caller_policies {
            for p in list {
                let managed = crate::iam::managed::NAMES.contains(&p.value.as_str());
                if !managed && !policy_names.contains(&p.value) {
                    let mut known: Vec<String> = policy_names.iter().cloned().collect();
                    known.extend(crate::iam::managed::NAMES.iter().map(|s| s.to_string()));
                    self.unknown(loc(p), "policy", &p.value, known);
                }
            }
            self.acct.iam.caller_policies = Some(list.iter().map(|p| p.value.clone()).collect());
        }
        for d in &w.instances {
            if let Some(p) = &d.iam_instance_profile {
                if !profile_names.contains(&p.value) {
                    let known: Vec<String> = profile_names.iter().cloned().collect();
                    self.unknown(loc(p), "instance profile", &p.value, known);
                }
            }
        }
    }

    /// Checks an endpoint name the way `probe` resolves it.
    fn endpoint(&mut self, t: &Text) -> bool {
        match crate::net::endpoint::resolve_endpoint(&self.acct, &t.value) {
            Ok(_) => true,
            Err(e) => {
                self.err(loc(t), e);
                false
            }
        }
    }

    fn connections(&mut self, conns: &[ConnectionDoc]) -> Vec<ConnectionSpec> {
        let mut out: Vec<ConnectionSpec> = Vec::new();
        for c in conns {
            self.printable(&c.id, "connection");
            if out.iter().any(|o| o.id == c.id.value) {
                self.err(
                    loc(&c.id),
                    format!("connection '{}' is declared twice", c.id.value),
                );
                continue;
            }
            let ok = self.endpoint(&c.from) & self.endpoint(&c.to);
            let protocol = self.protocol(&c.protocol);
            if protocol == Protocol::All {
                self.err(loc(&c.protocol), "a connection uses one protocol, not all");
                continue;
            }
            let ports = self.ports(protocol, &c.ports);
            let single = match ports {
                Ports::Range(a, b) => a == b,
                Ports::Icmp(Some(_), Some(_)) => true,
                Ports::All => !protocol.has_ports() && !protocol.is_icmp(),
                _ => false,
            };
            if !single {
                self.err(
                    c.ports.as_ref().map(loc).unwrap_or(loc(&c.protocol)),
                    "a connection goes to one port (or one ICMP type/code)",
                );
                continue;
            }
            if ok {
                out.push(ConnectionSpec {
                    id: c.id.value.clone(),
                    keepalive: c.keepalive,
                    from: c.from.value.clone(),
                    to: c.to.value.clone(),
                    protocol,
                    ports,
                });
            }
        }
        out
    }

    fn goals(&mut self, goals: &[GoalDoc], conns: &[ConnectionSpec]) -> Vec<Goal> {
        let mut out: Vec<Goal> = Vec::new();
        for g in goals {
            self.printable(&g.id, "goal");
            if out.iter().any(|o| o.id == g.id.value) {
                self.err(
                    loc(&g.id),
                    format!("goal '{}' is declared twice", g.id.value),
                );
                continue;
            }
            let kinds = [
                g.flow.is_some(),
                g.exposure.is_some(),
                g.connection.is_some(),
                g.iam.is_some(),
                g.state.is_some(),
                g.access.is_some(),
            ];
            let n = kinds.iter().filter(|k| **k).count();
            if n != 1 {
                self.err(loc(&g.id), format!("goal '{}' must have exactly one of flow, exposure, connection, iam, state, access (it has {n})", g.id.value));
                continue;
            }
            if g.allow_only.is_some() && g.exposure.is_none() {
                self.err(loc(&g.id), "allow_only belongs to an exposure goal");
            }
            let expect = g.expect.as_ref().map(|e| (e.value.0.clone(), loc(e)));
            let expect_one =
                |b: &mut Self, options: &[&str], default: Option<&str>| -> Option<String> {
                    match (&expect, default) {
                        (Some((v, at)), _) => {
                            if options.contains(&v.as_str()) {
                                Some(v.clone())
                            } else {
                                b.err(
                                    *at,
                                    format!("expect '{v}' is not one of {}", options.join(", ")),
                                );
                                None
                            }
                        }
                        (None, Some(d)) => Some(d.to_string()),
                        (None, None) => {
                            b.err(
                                loc(&g.id),
                                format!(
                                    "goal '{}' needs expect: {}",
                                    g.id.value,
                                    options.join(" | ")
                                ),
                            );
                            None
                        }
                    }
                };
            let kind = if let Some(f) = &g.flow {
                let e = expect_one(self, &["allow", "deny"], None);
                let ok = self.endpoint(&f.from) & self.endpoint(&f.to);
                let protocol = self.protocol(&f.protocol);
                let ports = self.ports(protocol, &f.ports);
                match (e, ok) {
                    (Some(e), true) => GoalKind::Flow {
                        flow: FlowRef {
                            from: f.from.value.clone(),
                            to: f.to.value.clone(),
                            protocol,
                            ports,
                        },
                        expect_allow: e == "allow",
                    },
                    _ => continue,
                }
            } else if let Some(x) = &g.exposure {
                if g.expect.is_some() {
                    self.err(
                        loc(&g.id),
                        "an exposure goal has no expect: allow_only says what may reach",
                    );
                }
                let to_ok = match crate::net::endpoint::resolve_endpoint(&self.acct, &x.to.value) {
                    Ok(crate::net::flow::Endpoint::Instance { .. }) => true,
                    Ok(_) => {
                        self.err(loc(&x.to), "exposure is measured at an instance");
                        false
                    }
                    Err(e) => {
                        self.err(loc(&x.to), e);
                        false
                    }
                };
                let Some(list) = &g.allow_only else {
                    self.err(
                        loc(&g.id),
                        "an exposure goal needs allow_only (use [] for nothing)",
                    );
                    continue;
                };
                let mut allow = Vec::new();
                for a in list {
                    let protocol = self.protocol(&a.protocol);
                    let ports = self.ports(protocol, &a.ports);
                    if let Err(e) =
                        crate::net::endpoint::resolve_source(&self.acct, &x.to.value, &a.from.value)
                    {
                        self.err(loc(&a.from), e);
                    }
                    allow.push(AllowRef {
                        protocol,
                        ports,
                        from: a.from.value.clone(),
                    });
                }
                if !to_ok {
                    continue;
                }
                GoalKind::Exposure {
                    to: x.to.value.clone(),
                    allow_only: allow,
                }
            } else if let Some(c) = &g.connection {
                let e = expect_one(self, &["alive", "dropped"], None);
                if !conns.iter().any(|k| k.id == c.value) {
                    let known: Vec<String> = conns.iter().map(|k| k.id.clone()).collect();
                    self.unknown(loc(c), "connection", &c.value, known);
                    continue;
                }
                match e {
                    Some(e) => GoalKind::Connection {
                        id: c.value.clone(),
                        expect_alive: e == "alive",
                    },
                    None => continue,
                }
            } else if let Some(i) = &g.iam {
                let e = expect_one(self, &["allow", "deny"], None);
                if !self.instance_names.contains_key(&i.instance.value)
                    && !self.acct.instances.iter().any(|x| x.id == i.instance.value)
                {
                    let known = self.instance_names.keys().cloned().collect();
                    self.unknown(loc(&i.instance), "instance", &i.instance.value, known);
                    continue;
                }
                match e {
                    Some(e) => GoalKind::Iam {
                        instance: i.instance.value.clone(),
                        action: i.action.value.clone(),
                        resource: i.resource.value.clone(),
                        expect_allow: e == "allow",
                    },
                    None => continue,
                }
            } else if let Some(a) = &g.access {
                let e = expect_one(self, &["allow", "deny"], None);
                if !self.instance_names.contains_key(&a.instance.value)
                    && !self.acct.instances.iter().any(|x| x.id == a.instance.value)
                {
                    let known = self.instance_names.keys().cloned().collect();
                    self.unknown(loc(&a.instance), "instance", &a.instance.value, known);
                    continue;
                }
                let method = match a.method.value.as_str() {
                    "ssh" => AccessMethod::Ssh,
                    "ssm" => AccessMethod::Ssm,
                    other => {
                        self.err(
                            loc(&a.method),
                            format!("method '{other}' is not one of ssh, ssm"),
                        );
                        continue;
                    }
                };
                let from = match &a.from {
                    Some(f) => {
                        if !self.endpoint(f) {
                            continue;
                        }
                        f.value.clone()
                    }
                    None => self
                        .acct
                        .hosts
                        .first()
                        .map(|h| h.name.clone())
                        .unwrap_or_else(|| "internet".into()),
                };
                if let Some(k) = &a.key {
                    if !self.acct.workstation.iter().any(|w| w.name == k.value) {
                        let known = self
                            .acct
                            .workstation
                            .iter()
                            .map(|w| w.name.clone())
                            .collect();
                        self.unknown(loc(k), "local key", &k.value, known);
                    }
                }
                if method == AccessMethod::Ssh && a.key.is_none() {
                    self.err(
                        loc(&a.method),
                        "an ssh access goal names the key file the client uses (key: NAME)",
                    );
                    continue;
                }
                match e {
                    Some(e) => GoalKind::Access {
                        instance: a.instance.value.clone(),
                        method,
                        from,
                        key: a.key.as_ref().map(|k| k.value.clone()),
                        expect_allow: e == "allow",
                    },
                    None => continue,
                }
            } else if let Some(st) = &g.state {
                let e = expect_one(self, &["true", "false"], Some("true"));
                let Some(inst) = st.get("instance") else {
                    self.err(
                        loc(&g.id),
                        "a state goal names its instance (state: {instance: NAME, FIELD: VALUE})",
                    );
                    continue;
                };
                let StateValue::One(inst_name) = &inst.value else {
                    self.err(loc(inst), "instance is one name");
                    continue;
                };
                if !self.instance_names.contains_key(inst_name)
                    && !self.acct.instances.iter().any(|x| &x.id == inst_name)
                {
                    let known = self.instance_names.keys().cloned().collect();
                    self.unknown(loc(inst), "instance", inst_name, known);
                    continue;
                }
                let mut fields = Vec::new();
                for (k, v) in st {
                    if k == "instance" {
                        continue;
                    }
                    if !STATE_FIELDS.contains(&k.as_str()) {
                        let h = suggest::hint(k, STATE_FIELDS.iter().copied());
                        self.err(
                            loc(v),
                            format!("'{k}' is not an instance field a state goal can check{h}"),
                        );
                        continue;
                    }
                    fields.push((
                        k.clone(),
                        match &v.value {
                            StateValue::One(s) => StateExpect::One(s.clone()),
                            StateValue::Many(m) => StateExpect::Many(m.clone()),
                        },
                    ));
                }
                if fields.is_empty() {
                    self.err(loc(inst), "a state goal checks at least one field");
                    continue;
                }
                match e {
                    Some(e) => GoalKind::State {
                        instance: inst_name.clone(),
                        fields,
                        expect: e == "true",
                    },
                    None => continue,
                }
            } else {
                continue;
            };
            out.push(Goal {
                id: g.id.value.clone(),
                text: clean(&g.text.value),
                kind,
            });
        }
        out
    }
}
