//! Prints an AWS response as the CLI prints it: `--output json` (4-space indent, nothing
//! for an empty response), `text` (tab-separated, uppercase section names) and `table` (the
//! CLI's boxed table titled with the operation name).
//!
//! A port of awscli's `formatter.py`, `text.py` and `table.py` (awscli 1.45; CLI v2 prints
//! the same), without colour. **Invariant:** pure; text width is a parameter (the CLI uses
//! 80 columns when it cannot ask the terminal, as with piped output).

use crate::aws::{OutputFormat, Success};
use serde::Serialize;
use serde_json::Value;

/// Columns the CLI assumes when stdout is not a terminal.
pub const DEFAULT_WIDTH: usize = 80;

/// The text the CLI prints for a successful command, in the format the user asked for.
/// Empty for a response the CLI does not print (`{}`); otherwise ends with a newline.
pub fn render(s: &Success) -> String {
    render_as(s.format, &s.operation, &s.output, DEFAULT_WIDTH)
}

/// Renders `output` of `operation` in `format`, for a terminal `width` columns wide.
pub fn render_as(format: OutputFormat, operation: &str, output: &Value, width: usize) -> String {
    match format {
        OutputFormat::Json => json(output),
        OutputFormat::Text => text(output),
        OutputFormat::Table => table(operation, output, width),
    }
}

/// `--output json`: Python's `json.dump(indent=4, ensure_ascii=False)` plus a newline;
/// nothing at all for `{}` (operations without a response body).
pub fn json(v: &Value) -> String {
    if v.as_object().is_some_and(|m| m.is_empty()) {
        return String::new();
    }
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    if v.serialize(&mut ser).is_err() {
        return String::new();
    }
    let mut s = String::from_utf8_lossy(&buf).into_owned();
    s.push('\n');
    s
}

/// Python's `str()` of a JSON scalar.
fn py_str(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

// ---------------------------------------------------------------------------------------
// text

/// `--output text` (awscli/text.py).
pub fn text(v: &Value) -> String {
    let mut out = String::new();
    text_item(v, None, None, &mut out);
    out
}

fn text_item(v: &Value, id: Option<&str>, keys: Option<&[String]>, out: &mut String) {
    match v {
        Value::Object(_) => text_dict(keys, v, id, out),
        Value::Array(items) => text_list(items, id, out),
        other => {
            out.push_str(&py_str(other));
            out.push('\n');
        }
    }
}

fn text_list(items: &[Value], id: Option<&str>, out: &mut String) {
    if items.is_empty() {
        return;
    }
    if items.iter().any(Value::is_object) {
        let mut keys: Vec<String> = items
            .iter()
            .filter_map(Value::as_object)
            .flat_map(|m| {
                m.iter()
                    .filter(|(_, v)| is_scalar(v))
                    .map(|(k, _)| k.clone())
            })
            .collect();
        keys.sort();
        keys.dedup();
        for e in items {
            text_item(e, id, Some(&keys), out);
        }
    } else if items.iter().any(Value::is_array) {
        let scalars: Vec<&Value> = items.iter().filter(|e| is_scalar(e)).collect();
        if !scalars.is_empty() {
            text_scalars(&scalars, id, out);
        }
        for e in items.iter().filter(|e| !is_scalar(e)) {
            text_item(e, id, None, out);
        }
    } else {
        let all: Vec<&Value> = items.iter().collect();
        text_scalars(&all, id, out);
    }
}

fn text_scalars(items: &[&Value], id: Option<&str>, out: &mut String) {
    match id {
        Some(id) => {
            for v in items {
                out.push_str(&format!("{}\t{}\n", id.to_uppercase(), py_str(v)));
            }
        }
        None => {
            let cells: Vec<String> = items.iter().map(|v| py_str(v)).collect();
            out.push_str(&cells.join("\t"));
            out.push('\n');
        }
    }
}

fn text_dict(keys: Option<&[String]>, v: &Value, id: Option<&str>, out: &mut String) {
    let Some(m) = v.as_object() else { return };
    let mut scalars: Vec<String> = Vec::new();
    let mut rest: Vec<(&String, &Value)> = Vec::new();
    match keys {
        None => {
            let mut sorted: Vec<(&String, &Value)> = m.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            for (k, x) in sorted {
                if is_scalar(x) {
                    scalars.push(py_str(x));
                } else {
                    rest.push((k, x));
                }
            }
        }
        Some(keys) => {
            for k in keys {
                scalars.push(m.get(k).map(py_str).unwrap_or_default());
            }
            let mut remaining: Vec<(&String, &Value)> =
                m.iter().filter(|(k, _)| !keys.contains(k)).collect();
            remaining.sort_by(|a, b| a.0.cmp(b.0));
            rest = remaining;
        }
    }
    if !scalars.is_empty() {
        if let Some(id) = id {
            scalars.insert(0, id.to_uppercase());
        }
        out.push_str(&scalars.join("\t"));
        out.push('\n');
    }
    for (k, x) in rest {
        text_item(x, Some(k), None, out);
    }
}

// ---------------------------------------------------------------------------------------
// table

/// Display width of a string (one column per character; the CLI counts East Asian wide
/// characters as two, which this does not).
fn width_of(s: &str) -> usize {
    s.chars().count()
}

#[derive(Default, Debug)]
struct Section {
    title: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    indent: usize,
    max_widths: Vec<usize>,
}

impl Section {
    fn update_widths(&mut self, row: &[String]) {
        if self.max_widths.is_empty() {
            self.max_widths = row.iter().map(|c| width_of(c)).collect();
        } else {
            for (i, c) in row.iter().enumerate() {
                match self.max_widths.get_mut(i) {
                    Some(w) => *w = (*w).max(width_of(c)),
                    None => self.max_widths.push(width_of(c)),
                }
            }
        }
    }

    fn add_header(&mut self, headers: Vec<String>) {
        self.update_widths(&headers);
        self.headers = headers;
    }

    fn add_row(&mut self, row: Vec<String>) {
        self.update_widths(&row);
        self.rows.push(row);
    }

    /// Column widths plus padding, scaled to `max_width` as the CLI scales them (Python's
    /// round-half-even, then one column at a time until the sum is exact).
    fn column_widths(&self, padding: usize, max_width: Option<usize>) -> Vec<usize> {
        let unscaled: Vec<i64> = self
            .max_widths
            .iter()
            .map(|w| (w + padding) as i64)
            .collect();
        let Some(max) = max_width else {
            return unscaled.iter().map(|&w| w as usize).collect();
        };
        let total: i64 = unscaled.iter().sum();
        if unscaled.is_empty() || total == 0 {
            return unscaled.iter().map(|&w| w as usize).collect();
        }
        let scale = max as f64 / total as f64;
        let mut scaled: Vec<i64> = unscaled
            .iter()
            .map(|&w| (scale * w as f64).round_ties_even() as i64)
            .collect();
        let mut off = scaled.iter().sum::<i64>() - max as i64;
        let n = scaled.len();
        while off != 0 {
            let order: Vec<usize> = if off < 0 {
                (0..n).rev().collect()
            } else {
                (0..n).collect()
            };
            for i in order {
                if let Some(c) = scaled.get_mut(i) {
                    if off > 0 {
                        *c -= 1;
                        off -= 1;
                    } else {
                        *c += 1;
                        off += 1;
                    }
                }
                if off == 0 {
                    break;
                }
            }
        }
        scaled.into_iter().map(|w| w.max(0) as usize).collect()
    }

    fn total_width(&self, padding: usize, outer: usize) -> usize {
        let cols: usize = self
            .column_widths(0, None)
            .iter()
            .map(|w| w + padding)
            .sum();
        let total = cols + 2 + 2 * outer;
        (width_of(&self.title) + 2 + 2 * outer).max(total)
    }
}

#[derive(Default)]
struct Builder {
    sections: Vec<Section>,
}

impl Builder {
    fn current(&mut self) -> &mut Section {
        if self.sections.is_empty() {
            self.sections.push(Section::default());
        }
        let last = self.sections.len() - 1;
        &mut self.sections[last]
    }

    fn new_section(&mut self, title: &str, indent: usize) {
        self.sections.push(Section {
            title: title.to_string(),
            indent,
            ..Section::default()
        });
    }

    fn truthy(v: &Value) -> bool {
        match v {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
            Value::String(s) => !s.is_empty(),
            Value::Array(a) => !a.is_empty(),
            Value::Object(m) => !m.is_empty(),
        }
    }

    fn build(&mut self, title: Option<&str>, v: &Value, indent: usize) -> bool {
        if !Self::truthy(v) {
            return false;
        }
        if let Some(t) = title {
            self.new_section(t, indent);
        }
        if let Value::Array(items) = v {
            if items.first().is_some_and(Value::is_object) {
                self.sub_table_from_list(items, indent, title);
            } else {
                for item in items {
                    match item {
                        x if is_scalar(x) => self.current().add_row(vec![py_str(x)]),
                        Value::Array(inner) if inner.iter().all(is_scalar) => {
                            self.current().add_row(inner.iter().map(py_str).collect())
                        }
                        other => {
                            self.build(None, other, 0);
                        }
                    }
                }
            }
        }
        if v.is_object() {
            self.sub_table_from_dict(v, indent);
        }
        true
    }

    fn split_keys(m: &serde_json::Map<String, Value>) -> (Vec<String>, Vec<String>) {
        let mut headers: Vec<String> = Vec::new();
        let mut more: Vec<String> = Vec::new();
        for (k, x) in m {
            if is_scalar(x) {
                headers.push(k.clone());
            } else {
                more.push(k.clone());
            }
        }
        headers.sort();
        more.sort();
        (headers, more)
    }

    fn sub_table_from_dict(&mut self, v: &Value, indent: usize) {
        let Some(m) = v.as_object() else { return };
        let (headers, more) = Self::split_keys(m);
        if headers.len() == 1 {
            let k = headers[0].clone();
            let val = m.get(&k).map(py_str).unwrap_or_default();
            self.current().add_row(vec![k, val]);
        } else if !headers.is_empty() {
            let row: Vec<String> = headers
                .iter()
                .map(|h| m.get(h).map(py_str).unwrap_or_default())
                .collect();
            self.current().add_header(headers);
            self.current().add_row(row);
        }
        for k in more {
            if let Some(x) = m.get(&k) {
                self.build(Some(&k), x, indent + 1);
            }
        }
    }

    fn sub_table_from_list(&mut self, items: &[Value], indent: usize, title: Option<&str>) {
        let mut headers: Vec<String> = Vec::new();
        let mut more: Vec<String> = Vec::new();
        for item in items {
            if let Some(m) = item.as_object() {
                let (h, r) = Self::split_keys(m);
                headers.extend(h);
                more.extend(r);
            }
        }
        headers.sort();
        headers.dedup();
        more.sort();
        more.dedup();
        self.current().add_header(headers.clone());
        let mut first = true;
        for item in items {
            if !first && !more.is_empty() {
                self.new_section(title.unwrap_or_default(), indent);
                self.current().add_header(headers.clone());
            }
            first = false;
            let m = item.as_object();
            let row: Vec<String> = headers
                .iter()
                .map(|h| m.and_then(|m| m.get(h)).map(py_str).unwrap_or_default())
                .collect();
            self.current().add_row(row);
            for k in &more {
                if let Some(x) = m.and_then(|m| m.get(k)) {
                    self.build(Some(k), x, indent + 1);
                }
            }
        }
    }
}

fn center(text: &str, length: usize, left: &str, right: &str) -> String {
    let (length, tl) = (length as i64, width_of(text) as i64);
    let start = length / 2 - tl / 2 - 1;
    let mut s = format!("{left}{}{text}", " ".repeat(start.max(0) as usize));
    let so_far = width_of(left) as i64 + start + tl;
    let right_spaces = length - width_of(right) as i64 - so_far;
    s.push_str(&" ".repeat(right_spaces.max(0) as usize));
    s.push_str(right);
    s
}

fn align_left(text: &str, length: usize, left: &str, right: &str) -> String {
    let tl = width_of(text);
    let computed = tl + 2 + width_of(left) + width_of(right);
    let padding = if length >= computed { 2 } else { 0 };
    let so_far = width_of(left) + padding + tl;
    let fill = (length as i64 - so_far as i64 - width_of(right) as i64).max(0) as usize;
    format!(
        "{left}{}{text}{}{right}",
        " ".repeat(padding),
        " ".repeat(fill)
    )
}

fn line_break(widths: &[usize]) -> String {
    let mut s = String::new();
    for (i, w) in widths.iter().enumerate() {
        if i == 0 {
            s.push_str(&format!("+{}+", "-".repeat(w.saturating_sub(2))));
        } else {
            s.push_str(&format!("{}+", "-".repeat(w.saturating_sub(1))));
        }
    }
    s.push('\n');
    s
}

/// Writes `text` (ending in a newline) with the section's indentation bars on both sides.
fn indented(out: &mut String, indent: usize, text: &str) {
    let bars = "|".repeat(indent);
    out.push_str(&bars);
    match text.strip_suffix('\n') {
        Some(body) => {
            out.push_str(body);
            out.push_str(&bars);
            out.push('\n');
        }
        None => out.push_str(text),
    }
}

/// Sections of a single row are shown vertically (header | value) when the table is too
/// wide for the terminal.
fn to_vertical(sections: &mut [Section]) {
    for s in sections.iter_mut() {
        if s.rows.len() == 1 && !s.headers.is_empty() {
            let mut n = Section {
                title: s.title.clone(),
                indent: s.indent,
                ..Section::default()
            };
            for (h, c) in s.headers.iter().zip(s.rows[0].iter()) {
                n.add_row(vec![h.clone(), c.clone()]);
            }
            *s = n;
        }
    }
}

/// `--output table` (awscli/formatter.py TableFormatter and table.py MultiTable).
pub fn table(operation: &str, v: &Value, width: usize) -> String {
    let mut b = Builder::default();
    if !b.build(Some(operation), v, 0) {
        return String::new();
    }
    let mut sections = b.sections;
    let max_of = |ss: &[Section]| {
        ss.iter()
            .map(|s| s.total_width(4, s.indent))
            .max()
            .unwrap_or(0)
    };
    let mut max_width = max_of(&sections);
    if max_width > width {
        to_vertical(&mut sections);
        max_width = max_of(&sections);
    }
    let mut out = format!("{}\n", "-".repeat(max_width));
    for s in &sections {
        let inner = max_width.saturating_sub(s.indent * 2);
        if !s.title.is_empty() {
            indented(
                &mut out,
                s.indent,
                &format!("{}\n", center(&s.title, inner, "|", "|")),
            );
            if s.headers.is_empty() && s.rows.is_empty() {
                indented(
                    &mut out,
                    s.indent,
                    &format!("+{}+\n", "-".repeat(inner.saturating_sub(2))),
                );
            }
        }
        if !s.headers.is_empty() {
            let widths = s.column_widths(4, Some(inner));
            let mut cur = String::new();
            for (i, (w, h)) in widths.iter().zip(&s.headers).enumerate() {
                cur.push_str(&center(h, *w, if i == 0 { "|" } else { "" }, "|"));
            }
            indented(&mut out, s.indent, &line_break(&widths));
            indented(&mut out, s.indent, &format!("{cur}\n"));
        }
        if !s.rows.is_empty() {
            let widths = s.column_widths(4, Some(inner));
            if widths.is_empty() {
                continue;
            }
            indented(&mut out, s.indent, &line_break(&widths));
            for row in &s.rows {
                let mut cur = String::new();
                for (i, (w, c)) in widths.iter().zip(row).enumerate() {
                    cur.push_str(&align_left(c, *w, if i == 0 { "|" } else { "" }, "|"));
                }
                indented(&mut out, s.indent, &format!("{cur}\n"));
            }
            indented(&mut out, s.indent, &line_break(&widths));
        }
    }
    out
}
