//! One log line opened whole: where it came from (function, time, stream, request), what its
//! invocation's REPORT said, then the whole text — JSON indented, a stack trace a row per
//! line, everything wrapped to the pane.

use chrono::{TimeZone, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::log_line::{pretty_json, style_of};
use super::theme::Theme;
use super::wrap::wrap;
use crate::logtext::{report, structured};
use crate::view::{LogsDrawn, OpenedLineView, View};

/// The invocation's figures in words, from its REPORT line.
pub fn report_words(text: &str) -> Option<String> {
    let r = report::parse(text)?;
    let mut parts = vec![format!("duration {:.0} ms", r.duration_ms)];
    if let Some(b) = r.billed_ms {
        parts.push(format!("billed {b:.0} ms"));
    }
    match (r.max_memory_mb, r.memory_mb) {
        (Some(used), Some(size)) => parts.push(format!("memory {used} of {size} MB")),
        (Some(used), None) => parts.push(format!("memory {used} MB")),
        _ => {}
    }
    if let Some(i) = r.init_ms {
        parts.push(format!("cold start, init {i:.0} ms"));
    }
    if r.timed_out {
        parts.push("timed out".into());
    }
    Some(parts.join(" · "))
}

pub fn render(
    frame: &mut Frame,
    area: Rect,
    _v: &View,
    o: &OpenedLineView,
    t: &Theme,
) -> LogsDrawn {
    let line = o.line;
    let at = Utc.timestamp_millis_opt(line.at_ms).single().map_or_else(
        || "time unknown".to_string(),
        |at| at.format("%Y-%m-%d %H:%M:%S%.3f UTC").to_string(),
    );
    let width = usize::from(area.width.saturating_sub(2));
    let height = usize::from(area.height.saturating_sub(2)).max(1);
    let field = |name: &str, value: String| {
        vec![
            Span::styled(format!("{name:<11}"), t.muted),
            Span::styled(value, t.text),
        ]
    };
    let mut spans: Vec<Vec<Span>> = vec![
        field("function", line.function.to_string()),
        field("time", at),
        field("stream", line.stream.clone()),
        field(
            "request",
            line.request_id.clone().unwrap_or_else(|| "–".into()),
        ),
        field(
            "invocation",
            match (&line.request_id, o.report) {
                (None, _) => "–".into(),
                (Some(_), None) => "its REPORT line has not been read".into(),
                (Some(_), Some(r)) => report_words(r).unwrap_or_else(|| "–".into()),
            },
        ),
        Vec::new(),
    ];
    let style = style_of(line.kind, t);
    let text = pretty_json(&line.text).unwrap_or_else(|| line.text.clone());
    spans.extend(
        text.lines()
            .map(|l| vec![Span::styled(l.to_string(), style)]),
    );
    let stack = structured::lead(&line.text)
        .map(|l| structured::stack_lines(&l))
        .unwrap_or_default();
    if !stack.is_empty() {
        spans.push(Vec::new());
        spans.push(vec![Span::styled("stack trace", t.muted)]);
        spans.extend(stack.into_iter().map(|l| vec![Span::styled(l, style)]));
    }
    if line.cut_bytes > 0 {
        spans.push(vec![Span::styled(
            format!("…[{} more bytes were not kept]", line.cut_bytes),
            t.muted,
        )]);
    }
    let rows: Vec<Line> = spans.into_iter().flat_map(|s| wrap(s, width, 0)).collect();
    let total = rows.len();
    let first = o.scroll.min(total.saturating_sub(1));
    let shown: Vec<Line> = rows.into_iter().skip(first).take(height).collect();
    let title = Line::from(vec![
        Span::styled(" Line ", t.title),
        Span::styled(format!("· {} ", line.function.name), t.muted),
    ]);
    let bottom = format!(
        " rows {}-{} of {total} ",
        first + 1,
        (first + height).min(total)
    );
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border_focused)
        .title(super::wrap::title(title, area.width))
        .title_bottom(
            super::wrap::title(Line::styled(bottom, t.muted), area.width).right_aligned(),
        );
    frame.render_widget(Paragraph::new(shown).block(block), area);
    LogsDrawn {
        rows: height,
        first,
        opened_rows: total,
    }
}
