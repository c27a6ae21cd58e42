//! Text rendering of command outputs for the terminal and `check --format text`, with colour
//! only when asked for (so snapshots and pipes get plain text).

use crate::net::conntrack::{ConnState, Connection};
use crate::net::flow::{Component, Hop, HopVerdict, Verdict};
use crate::session::{Explain, GoalView, Output, Probe};
use colored::Colorize;
use std::fmt::Write;

/// How to paint text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

impl Style {
    pub const PLAIN: Style = Style { color: false };

    pub fn good(self, s: &str) -> String {
        if self.color {
            s.green().bold().to_string()
        } else {
            s.to_string()
        }
    }
    pub fn bad(self, s: &str) -> String {
        if self.color {
            s.red().bold().to_string()
        } else {
            s.to_string()
        }
    }
    pub fn warn(self, s: &str) -> String {
        if self.color {
            s.yellow().bold().to_string()
        } else {
            s.to_string()
        }
    }
    pub fn dim(self, s: &str) -> String {
        if self.color {
            s.dimmed().to_string()
        } else {
            s.to_string()
        }
    }
    pub fn strong(self, s: &str) -> String {
        if self.color {
            s.bold().to_string()
        } else {
            s.to_string()
        }
    }
}

/// Untrusted text from a bank, made safe to print: terminal control sequences (ESC …), other
/// control characters (but newline and tab) and bidirectional overrides are removed.
pub fn clean(s: &str) -> String {
    filter(s, false)
}

/// A whole screenful about to be printed, made safe: as [`clean`], but the colour sequences
/// (`ESC [ digits;… m`, what [`Style`] writes) are kept. The last line of defence for text
/// that mixes our colours with names a script created (`check` runs untrusted scripts).
pub fn terminal(s: &str) -> String {
    filter(s, true)
}

fn filter(s: &str, keep_sgr: bool) -> String {
    if unprintable(s).is_none() {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => {
                // Skip an escape sequence: ESC [ … final byte, ESC ] … BEL/ST, or ESC + one char.
                match chars.peek() {
                    Some('[') => {
                        chars.next();
                        let mut params = String::new();
                        for d in chars.by_ref() {
                            if ('\u{40}'..='\u{7e}').contains(&d) {
                                let sgr = d == 'm'
                                    && params.chars().all(|p| p.is_ascii_digit() || p == ';');
                                if keep_sgr && sgr {
                                    out.push_str("\u{1b}[");
                                    out.push_str(&params);
                                    out.push('m');
                                }
                                break;
                            }
                            params.push(d);
                        }
                    }
                    Some(']') => {
                        chars.next();
                        while let Some(d) = chars.next() {
                            if d == '\u{7}' || (d == '\u{1b}' && chars.peek() == Some(&'\\')) {
                                break;
                            }
                        }
                    }
                    _ => {
                        chars.next();
                    }
                }
            }
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c if is_bidi(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// The first character [`clean`] would remove: a control character (but newline and tab) or a
/// bidirectional formatting character.
pub fn unprintable(s: &str) -> Option<char> {
    s.chars()
        .find(|&c| (c.is_control() && c != '\n' && c != '\t') || is_bidi(c))
}

fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

fn verdict_word(v: Verdict, st: Style) -> String {
    match v {
        Verdict::Allow => st.good("ALLOW"),
        Verdict::Deny => st.bad("DENY"),
        Verdict::Partial => st.warn("PARTIAL"),
    }
}

fn component(c: Component) -> String {
    serde_json::to_value(c)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

fn hop_line(n: usize, h: &Hop, st: Style) -> String {
    let mark = if h.verdict == HopVerdict::Allow {
        st.good("✓")
    } else {
        st.bad("✗")
    };
    let dir = h
        .direction
        .map(|d| {
            format!(
                " {}",
                serde_json::to_value(d)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default()
            )
        })
        .unwrap_or_default();
    format!(
        "  {n:>2}. {mark} {}{} {}{dir}\n        {}",
        if h.reply { "reply: " } else { "" },
        component(h.component),
        st.dim(&h.id),
        h.reason
    )
}

pub fn probe(p: &Probe, st: Style) -> String {
    let r = &p.result;
    let what = match (p.protocol.as_str(), p.ports.as_str()) {
        ("all", _) => "all traffic".to_string(),
        (proto, "all") => format!("{proto} (all)"),
        (proto, ports) => format!("{proto} {ports}"),
    };
    let mut out = format!(
        "probe {} → {} {what}: {}\n  {}\n",
        p.from,
        p.to,
        verdict_word(r.verdict, st),
        r.summary
    );
    if let Some(t) = r.tracked {
        let _ = writeln!(
            out,
            "  connection tracking: {}",
            if t { "tracked" } else { "untracked" }
        );
    }
    let _ = writeln!(
        out,
        "  {}",
        st.dim(if r.verdict == Verdict::Allow {
            "hops of one packet:"
        } else {
            "hops of a packet that fails:"
        })
    );
    for (i, h) in r.hops.iter().enumerate() {
        let _ = writeln!(out, "{}", hop_line(i + 1, h, st));
    }
    if r.example.is_some() {
        let _ = writeln!(
            out,
            "  example that fails: {}",
            crate::net::flow::describe_packet(&r.packet)
        );
    }
    if let Some((pkt, _)) = &r.passing {
        let _ = writeln!(out, "  example that gets through: {pkt}");
    }
    out.push_str(&st.dim("  (explain shows every rule of every hop)"));
    out
}

pub fn explain(e: &Explain, st: Style) -> String {
    let mut out = format!(
        "{}: {}\n  packet: {}\n",
        e.subject,
        verdict_word(e.verdict, st),
        e.packet
    );
    for (i, h) in e.hops.iter().enumerate() {
        let mark = if h.verdict == "allow" {
            st.good("✓")
        } else {
            st.bad("✗")
        };
        let _ = writeln!(
            out,
            "  {:>2}. {mark} {} {}{}\n        {}",
            i + 1,
            h.component,
            st.dim(&h.id),
            h.direction
                .as_ref()
                .map(|d| format!(" {d}"))
                .unwrap_or_default(),
            h.reason
        );
        for r in &h.rules {
            let tag = if r.decides {
                st.strong("← decides")
            } else if r.matched {
                "matches".to_string()
            } else {
                st.dim("no match")
            };
            let _ = writeln!(out, "          {:<58} {tag}", r.rule);
        }
    }
    out.trim_end().to_string()
}

pub fn goals(goals: &[GoalView], st: Style) -> String {
    let mut out = String::new();
    for g in goals {
        let mark = if g.met { st.good("✓") } else { st.bad("✗") };
        let _ = writeln!(
            out,
            "{mark} {}  {}\n    {}",
            st.strong(&g.id),
            clean(&g.text),
            st.dim(&clean(&g.detail))
        );
    }
    out.trim_end().to_string()
}

fn connection(k: &Connection, now: u64) -> String {
    let state = match &k.state {
        ConnState::Alive if k.keepalive => "alive, active (traffic never idles)".to_string(),
        ConnState::Alive => format!(
            "alive, idle {} s of {} s",
            now.saturating_sub(k.last_active),
            k.timeout
        ),
        ConnState::Dropped { at, reason } => format!("dropped at t={at}s: {reason}"),
    };
    format!(
        "{}  {} {}:{} → {} {}:{}  {}  {}  {}",
        k.id,
        k.from,
        k.src_addr,
        k.src_port,
        k.to,
        k.dst_addr,
        k.port,
        k.protocol,
        if k.tracked { "tracked" } else { "untracked" },
        state
    )
}

/// Renders any output as text. `now` is the session clock (for idle times).
pub fn render(o: &Output, st: Style, now: u64) -> String {
    match o {
        Output::Aws {
            operation,
            json,
            format,
        } => crate::render::aws::render(&crate::aws::Success {
            operation: operation.clone(),
            output: json.clone(),
            changed: false,
            format: *format,
        })
        .trim_end_matches('\n')
        .to_string(),
        Output::AwsError(e) => st.bad(&e.to_string()),
        Output::Probe(p) => probe(p, st),
        Output::Explain(e) => explain(e, st),
        Output::Goals(g) => goals(g, st),
        Output::Check {
            goals: g,
            passed,
            debrief,
            aided,
        } => {
            let met = g.iter().filter(|x| x.met).count();
            let mut out = goals(g, st);
            out.push_str("\n\n");
            if *passed {
                out.push_str(&st.good(&format!(
                    "All {} goals met — scenario passed{}!",
                    g.len(),
                    if *aided {
                        " (with the solution shown)"
                    } else {
                        ""
                    }
                )));
                if let Some(d) = debrief {
                    let _ = write!(out, "\n\n{}\n{}", st.strong("Debrief"), clean(d.trim_end()));
                }
            } else {
                out.push_str(&st.warn(&format!("{met} of {} goals met.", g.len())));
            }
            out
        }
        Output::Hint {
            number,
            total,
            text,
        } => format!(
            "{} {}",
            st.strong(&format!("Hint {number}/{total}:")),
            clean(text)
        ),
        Output::Connected(k) => format!("opened {}", connection(k, now)),
        Output::Connections(list) => {
            if list.is_empty() {
                "no connections".into()
            } else {
                list.iter()
                    .map(|k| connection(k, now))
                    .collect::<Vec<_>>()
                    .join("\n")
            }
        }
        Output::Waited {
            seconds,
            now,
            dropped,
        } => {
            let mut out = format!("waited {seconds} s; the clock is now t={now}s");
            for k in dropped {
                let _ = write!(out, "\n{} {}", st.bad("dropped:"), connection(k, *now));
            }
            out
        }
        Output::Map(m) => m.trim_end().to_string(),
        Output::Help(h) => h.trim_end().to_string(),
        Output::Solution(lines) => {
            let mut out = String::from("Model solution (your pass will count as aided):\n");
            for l in lines {
                let _ = writeln!(out, "  {}", clean(l));
            }
            out.trim_end().to_string()
        }
        Output::Message(m) => m.clone(),
        Output::Error(m) => st.bad(&format!("error: {m}")),
        Output::Quit => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn control_and_bidi_characters_are_removed() {
        assert_eq!(clean("a\u{1b}[31mred\u{1b}[0m b"), "ared b");
        assert_eq!(clean("x\u{1b}]0;title\u{7}y"), "xy");
        assert_eq!(clean("ab\u{202e}cd\u{0007}\r"), "abcd");
        assert_eq!(clean("line\nnext\ttab"), "line\nnext\ttab");
    }
}
