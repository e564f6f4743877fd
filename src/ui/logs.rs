//! The log pane: the tailed lines, newest at the bottom, following until the reader scrolls up
//! or pauses. Lines arrive already sanitized; the pane only splits multi-line events, indents
//! JSON on request and colours by kind (errors, warnings, timeouts, REPORT). Only the rows on
//! screen are built, from the newest backwards.

use chrono::{TimeZone, Utc};
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::theme::Theme;
use crate::app::{App, Screen};
use crate::store::logs::{LineKind, LogLine};

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

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let Screen::Logs { target, .. } = &app.ui.screen else {
        return;
    };
    let view = &app.ui.log;
    let shown = app.log_lines();
    let height = usize::from(area.height.saturating_sub(2));
    app.ui.log_rows.set(height.max(1));

    let mut title = vec![
        Span::styled(" Logs ", t.title),
        Span::styled(format!("· {} ", target.label), t.muted),
    ];
    let state = if target.range_ms.is_some() {
        Span::styled("· that minute only ", t.warn)
    } else if view.paused_at.is_some() {
        Span::styled(
            format!("· paused, {} new ", app.log_lines_waiting()),
            t.warn,
        )
    } else if view.scroll > 0 {
        Span::styled("· scrolled (G follows) ", t.warn)
    } else {
        Span::styled("· following ", t.ok)
    };
    title.push(state);
    if !view.filter.is_empty() || app.ui.filter_editing {
        let by = if target.filter.is_some() {
            "(by CloudWatch) "
        } else {
            ""
        };
        title.push(Span::styled(
            format!("· filter '{}' {by}", view.filter),
            t.filter,
        ));
    }
    if let Some(e) = &app.log_filter_error {
        title.push(Span::styled(format!("· {e} "), t.error));
    }
    let bottom = if target.functions.len() > crate::source::tail::MAX_TAILED {
        format!(
            " tailing the first {} of {} functions · {} lines ",
            crate::source::tail::MAX_TAILED,
            target.functions.len(),
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
        let text = if app.store.logs().is_empty() {
            "waiting for log lines… (a function that has not run has none)"
        } else {
            "no line matches (Esc in the filter clears it)"
        };
        let p = Paragraph::new(Line::styled(text, t.muted))
            .alignment(Alignment::Center)
            .block(block);
        frame.render_widget(p, area);
        return;
    }

    // Rows from the newest backwards, only as many as the screen and the scroll need.
    let several = target.functions.len() > 1;
    let lines = app.store.logs().lines();
    let need = height + view.scroll;
    // `need` is huge when scrolled to the top: grow as rows come, not by it.
    let mut rows_rev: Vec<Line> = Vec::with_capacity(height * 2);
    for &i in shown.iter().rev() {
        let mut r = rows(&lines[i], several, view.pretty_json, t);
        while let Some(row) = r.pop() {
            rows_rev.push(row);
        }
        if rows_rev.len() >= need {
            break;
        }
    }
    // Scrolled to the top: stop at the oldest row.
    let scroll = view.scroll.min(rows_rev.len().saturating_sub(height));
    let visible: Vec<Line> = rows_rev
        .into_iter()
        .skip(scroll)
        .take(height)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    frame.render_widget(Paragraph::new(visible).block(block), area);
}
