//! The log pane: the tailed lines, newest at the bottom, following until the reader moves up
//! or pauses. Lines arrive already sanitized; the pane leads JSON lines with what matters
//! (`log_line`), splits multi-line events, wraps long lines (or cuts them and moves sideways),
//! marks the selected line and colours by kind. Only the rows on screen are built: from the
//! newest backwards while following, from the first line shown forwards when scrolled.

use chrono::{TimeZone, Utc};
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::format;
use super::log_line::text_rows;
use super::theme::Theme;
use super::wrap::{shift, wrap};
use crate::store::logs::LogLine;
use crate::view::{LogsDrawn, LogsView, View};

/// How a line is laid out: wrapped to the pane, or cut at its edge and moved sideways.
#[derive(Clone, Copy)]
struct Fit {
    width: usize,
    wrap: bool,
    hscroll: usize,
    several: bool,
    pretty: bool,
}

/// The rows of one line: time (and function when several are tailed), then its text; the
/// lines of a multi-line event below, indented under the text.
fn rows(line: &LogLine, fit: Fit, t: &Theme) -> Vec<Line<'static>> {
    let time = Utc.timestamp_millis_opt(line.at_ms).single().map_or_else(
        || "--:--:--.---".to_string(),
        |at| at.format("%H:%M:%S%.3f").to_string(),
    );
    let mut prefix = vec![Span::styled(format!("{time} "), t.muted)];
    if fit.several {
        prefix.push(Span::styled(format!("{} ", line.function.name), t.key));
    }
    let indent: usize = prefix.iter().map(Span::width).sum();
    let mut text = text_rows(line, fit.pretty, t);
    if line.cut_bytes > 0
        && let Some(last) = text.last_mut()
    {
        last.push(Span::styled(
            format!(" …[{} more bytes]", line.cut_bytes),
            t.muted,
        ));
    }
    let mut out = Vec::new();
    for (i, part) in text.into_iter().enumerate() {
        let mut spans = if i == 0 {
            prefix.clone()
        } else {
            vec![Span::raw(" ".repeat(indent))]
        };
        spans.extend(part);
        if fit.wrap {
            out.extend(wrap(spans, fit.width, indent));
        } else {
            out.push(shift(spans, indent, fit.hscroll));
        }
    }
    out
}

/// Draws the pane; returns how many rows of lines it had and the first line it showed.
pub fn render(frame: &mut Frame, area: Rect, v: &View, l: &LogsView, t: &Theme) -> LogsDrawn {
    if let Some(o) = &l.opened {
        return super::log_open::render(frame, area, v, o, t);
    }
    let shown = l.lines;
    let height = usize::from(area.height.saturating_sub(2));
    let mut drawn = LogsDrawn {
        rows: height.max(1),
        ..LogsDrawn::default()
    };

    let mut title = vec![
        Span::styled(" Logs ", t.title),
        Span::styled(format!("· {} ", l.label), t.muted),
    ];
    let state = if let Some(what) = l.bounded {
        Span::styled(format!("· that {what} only "), t.warn)
    } else if let Some(waiting) = l.paused_waiting {
        Span::styled(format!("· paused, {waiting} new "), t.warn)
    } else if l.top.is_some() {
        Span::styled(format!("· scrolled ({} follows) ", v.keys.follow), t.warn)
    } else {
        Span::styled("· following ", t.ok)
    };
    title.push(state);
    if let Some(id) = l.request {
        title.push(Span::styled(format!("· request {id} "), t.key));
    }
    if let Some(kind) = l.kind {
        title.push(Span::styled(format!("· only '{kind}' "), t.error));
    }
    if l.hide_platform {
        title.push(Span::styled("· platform lines hidden ", t.muted));
    }
    if !l.wrap {
        title.push(Span::styled(
            format!("· not wrapped, from column {} ", l.hscroll + 1),
            t.muted,
        ));
    }
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
    // Nothing goes silently: the lines the scrollback let go are counted.
    let dropped = v.facts.logs().dropped();
    let bottom = if dropped > 0 {
        format!(
            "{}· {} older let go (scrollback {}) ",
            bottom,
            format::count(Some(dropped as f64)),
            format::count(Some(v.facts.logs().capacity() as f64)),
        )
    } else {
        bottom
    };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border_focused)
        .title(super::wrap::title(Line::from(title), area.width))
        .title_bottom(
            super::wrap::title(Line::styled(bottom, t.muted), area.width).right_aligned(),
        );

    if shown.is_empty() {
        let text = if v.facts.recorded().is_some() {
            // Nothing more will come: say what a recording keeps.
            "none of these lines in the recording (`:save` keeps the log pane's; `record`, those of the functions in breach)".to_string()
        } else if v.facts.logs().is_empty() {
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

    let fit = Fit {
        width: usize::from(area.width.saturating_sub(2)),
        wrap: l.wrap,
        hscroll: l.hscroll,
        several: l.functions > 1,
        pretty: l.pretty_json,
    };
    let lines = v.facts.logs().lines();
    let rows_of = |n: usize| {
        let mut r = rows(&lines[shown[n]], fit, t);
        if l.selected == Some(n) {
            for row in &mut r {
                row.style = t.selected;
            }
        }
        r
    };
    let last = shown.len() - 1;
    let visible: Vec<Line> = match l.top {
        // Scrolled: from the first line shown down, as far as the pane goes — unless the
        // selected line would not fit, then up from it.
        Some(top) => {
            let top = top.min(last);
            let selected = l.selected.map(|s| s.min(last));
            let mut out = Vec::with_capacity(height);
            let mut fits_selected = selected.is_none_or(|s| s < top);
            for n in top..shown.len() {
                out.extend(rows_of(n));
                if out.len() > height {
                    break;
                }
                if Some(n) == selected {
                    fits_selected = true;
                }
                if out.len() == height {
                    break;
                }
            }
            if fits_selected {
                drawn.first = top;
                out.truncate(height);
                out
            } else {
                up_from(selected.unwrap_or(last), height, &mut drawn, rows_of)
            }
        }
        // Following: from the newest up, only as many as the pane holds.
        None => up_from(last, height, &mut drawn, rows_of),
    };
    frame.render_widget(Paragraph::new(visible).block(block), area);
    drawn
}

/// The rows of the lines ending with line `end`, as many as fill `height` rows, the last line
/// at the bottom; says in `drawn` which line is the first.
fn up_from(
    end: usize,
    height: usize,
    drawn: &mut LogsDrawn,
    rows_of: impl Fn(usize) -> Vec<Line<'static>>,
) -> Vec<Line<'static>> {
    let mut rows_rev: Vec<Line> = Vec::with_capacity(height);
    for n in (0..=end).rev() {
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
