//! One log line as the reader needs it first: a structured (JSON) line leads with its level,
//! message and error, the rest dimmed after them; `J` indents it instead. A multi-line event
//! (a stack trace) gives a row per line. The text was sanitized when it arrived; JSON values
//! printed again here are its sanitized strings.

use ratatui::style::Style;
use ratatui::text::Span;

use super::theme::Theme;
use crate::logtext::structured;
use crate::store::logs::{LineKind, LogLine};

pub fn style_of(kind: LineKind, t: &Theme) -> Style {
    match kind {
        LineKind::Error | LineKind::Timeout => t.error,
        LineKind::Warn => t.warn,
        LineKind::Report | LineKind::Lifecycle => t.muted,
        LineKind::Plain => t.text,
    }
}

/// The rows of a line's text, each a list of spans, before they are fitted to the pane.
pub fn text_rows(line: &LogLine, pretty: bool, t: &Theme) -> Vec<Vec<Span<'static>>> {
    let style = style_of(line.kind, t);
    if pretty && let Some(p) = pretty_json(&line.text) {
        return p
            .lines()
            .map(|l| vec![Span::styled(l.to_string(), style)])
            .collect();
    }
    if let Some(lead) = structured::lead(&line.text) {
        return vec![lead_spans(lead, style, t)];
    }
    let mut rows: Vec<Vec<Span<'static>>> = line
        .text
        .lines()
        .map(|l| vec![Span::styled(l.to_string(), style)])
        .collect();
    if rows.is_empty() {
        rows.push(Vec::new());
    }
    rows
}

/// `ERROR request failed · UpstreamError: … returned 502  requestId=… retryable=true`.
fn lead_spans(lead: structured::Lead, style: Style, t: &Theme) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    if let Some(level) = lead.level {
        out.push(Span::styled(format!("{level} "), style.patch(t.title)));
    }
    if let Some(m) = lead.message {
        out.push(Span::styled(m, style));
    }
    if let Some(e) = lead.error {
        if !out.is_empty() {
            out.push(Span::styled(" · ", t.muted));
        }
        out.push(Span::styled(e, t.error));
    }
    // A stack trace is rows of its own in the line opened whole, not a run on this one.
    let (stacks, rest): (Vec<_>, Vec<_>) =
        lead.rest.iter().partition(|(k, _)| structured::is_stack(k));
    let mut rest: Vec<String> = rest
        .iter()
        .map(|(k, v)| format!("{k}={}", v.replace('\n', " ↵ ")))
        .collect();
    if !stacks.is_empty() {
        rest.push("(stack trace: Enter)".into());
    }
    if !rest.is_empty() {
        out.push(Span::styled(format!("  {}", rest.join(" ")), t.muted));
    }
    out
}

/// A JSON object indented, or `None` if the text is not one. Its strings were sanitized with
/// the line, and serde escapes any control character it prints.
pub fn pretty_json(text: &str) -> Option<String> {
    let t = text.trim_start();
    if !t.starts_with('{') {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(t).ok()?;
    serde_json::to_string_pretty(&v).ok()
}
