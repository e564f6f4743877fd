//! The log pane: the tailed lines, newest at the bottom, following until the reader scrolls up
//! or pauses. Lines arrive already sanitized; the pane only splits multi-line events, indents
//! JSON on request and colours by kind (errors, warnings, timeouts, REPORT). Only the rows on
//! screen are built: from the newest backwards while following, from the first line shown
//! forwards when scrolled.

use chrono::{TimeZone, Utc};
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::theme::Theme;
use crate::store::logs::{LineKind, LogLine};
use crate::view::{LogsDrawn, LogsView, View};

fn style_of(kind: LineKind, t: &Theme) -> Style {
    match kind {
        LineKind::Error | LineKind::Timeout => t.error,
        LineKind::Warn => t.warn,
        LineKind::Report | LineKind::Lifecycle => t.muted,
        LineKind::Plain => t.text,
    }
}

/// The rows of one line: time (and function when several are tailed), then its text; the
/// lines of a multi-line event below, indented.
fn rows<'a>(line: &'a LogLine, several: bool, pretty: bool, t: &Theme) -> Vec<Line<'a>> {
    let time = Utc.timestamp_millis_opt(line.at_ms).single().map_or_else(
        || "--:--:--.---".to_string(),
        |at| at.format("%H:%M:%S%.3f").to_string(),
    );
    let mut prefix = vec![Span::styled(format!("{time} "), t.muted)];
    if several {
        prefix.push(Span::styled(format!("{} ", line.function.name), t.key));
    }
    let indent = " ".repeat(prefix.iter().map(Span::width).sum());
    let text: std::borrow::Cow<str> = match pretty.then(|| pretty_json(&line.text)).flatten() {
        Some(p) => p.into(),
        None => line.text.as_str().into(),
    };
    let style = style_of(line.kind, t);
    let mut out = Vec::new();
    for (i, part) in text.lines().enumerate() {
        let lead = if i == 0 {
            prefix.clone()
        } else {
            vec![Span::raw(indent.clone())]
        };
        let mut spans = lead;
        spans.push(Span::styled(part.to_string(), style));
        out.push(Line::from(spans));
    }
    if out.is_empty() {
        out.push(Line::from(prefix));
    }
    if line.cut_bytes > 0
        && let Some(last) = out.last_mut()
    {
        last.push_span(Span::styled(
            format!(" …[{} more bytes]", line.cut_bytes),
            t.muted,
        ));
    }
    out
}

/// A JSON object indented, or `None` if the text is not one. Its strings were sanitized with
/// the line, and serde escapes any control character it prints.
fn pretty_json(text: &str) -> Option<String> {
    let t = text.trim_start();
    if !t.starts_with('{') {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(t).ok()?;
    serde_json::to_string_pretty(&v).ok()
}

/// Draws the pane; returns how many rows of lines it had and the first line it showed.
pub fn render(frame: &mut Frame, area: Rect, v: &View, l: &LogsView, t: &Theme) -> LogsDrawn {
    let shown = l.lines;
    let height = usize::from(area.height.saturating_sub(2));
    let mut drawn = LogsDrawn {
        rows: height.max(1),
        first: 0,
    };

    let mut title = vec![
        Span::styled(" Logs ", t.title),
        Span::styled(format!("· {} ", l.label), t.muted),
    ];
    let state = if l.minute_only {
        Span::styled("· that minute only ", t.warn)
    } else if let Some(waiting) = l.paused_waiting {
        Span::styled(format!("· paused, {waiting} new "), t.warn)
    } else if l.top.is_some() {
        Span::styled(format!("· scrolled ({} follows) ", v.keys.follow), t.warn)
    } else {
        Span::styled("· following ", t.ok)
    };
    title.push(state);
    if l.sampled {
        title.push(Span::styled(
            "· sampled: Live Tail shows part of the lines ",
            t.warn,
        ));
    }
    if !l.filter.is_empty() || l.filter_editing {
        let by = if l.filter_by_cloudwatch {
            "(by CloudWatch) "
        } else {
            ""
        };
        title.push(Span::styled(
            format!("· filter '{}' {by}", l.filter),
            t.filter,
        ));
    }
    if let Some(e) = l.filter_error {
        title.push(Span::styled(format!("· {e} "), t.error));
    }
    let bottom = if l.functions > l.max_tailed {
        format!(
            " tailing the first {} of {} functions · {} lines ",
            l.max_tailed,
            l.functions,
            shown.len()
        )
    } else {
        format!(" {} lines ", shown.len())
    };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border_focused)
        .title(Line::from(title))
        .title_bottom(Line::styled(bottom, t.muted).right_aligned());

    if shown.is_empty() {
        let text = if v.store.logs().is_empty() {
            "waiting for log lines… (a function that has not run has none)".to_string()
        } else {
            format!(
                "no line matches ({} in the filter clears it)",
                v.keys.filter_clear
            )
        };
        let p = Paragraph::new(Line::styled(text, t.muted))
            .alignment(Alignment::Center)
            .block(block);
        frame.render_widget(p, area);
        return drawn;
    }

    let several = l.functions > 1;
    let lines = v.store.logs().lines();
    let rows_of = |n: usize| rows(&lines[shown[n]], several, l.pretty_json, t);
    let visible: Vec<Line> = match l.top {
        // Scrolled: from the first line shown down, as far as the pane goes.
        Some(top) => {
            let top = top.min(shown.len() - 1);
            drawn.first = top;
            let mut out = Vec::with_capacity(height);
            for n in top..shown.len() {
                out.extend(rows_of(n));
                if out.len() >= height {
                    break;
                }
            }
            out.truncate(height);
            out
        }
        // Following: from the newest up, only as many as the pane holds.
        None => {
            let mut rows_rev: Vec<Line> = Vec::with_capacity(height);
            for n in (0..shown.len()).rev() {
                drawn.first = n;
                let mut r = rows_of(n);
                while let Some(row) = r.pop() {
                    rows_rev.push(row);
                }
                if rows_rev.len() >= height {
                    break;
                }
            }
            rows_rev.truncate(height);
            rows_rev.reverse();
            rows_rev
        }
    };
    frame.render_widget(Paragraph::new(visible).block(block), area);
    drawn
}
