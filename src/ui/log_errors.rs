//! The errors view of the log pane: the error lines held for what is tailed, grouped by kind
//! (ids, numbers and quoted values set aside), worst first — how many, over the lines' span,
//! first and last seen, whether the kind is new since the function's last deploy, and one
//! sample. Enter shows a kind's lines.

use chrono::{TimeZone, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::format::bars;
use super::list_frame::ListFrame;
use super::table::{self, ColSpec};
use super::text::truncate;
use super::theme::Theme;
use crate::view::{ErrorsView, TableDrawn, View};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Count,
    Over,
    First,
    Last,
    New,
    Function,
    Error,
}

const COLUMNS: [ColSpec<Col>; 7] = [
    ColSpec {
        col: Col::Count,
        title: "COUNT",
        width: 6,
        priority: 255,
    },
    ColSpec {
        col: Col::Over,
        title: "OVER TIME",
        width: 12,
        priority: 60,
    },
    ColSpec {
        col: Col::First,
        title: "FIRST",
        width: 5,
        priority: 70,
    },
    ColSpec {
        col: Col::Last,
        title: "LAST",
        width: 5,
        priority: 90,
    },
    ColSpec {
        col: Col::New,
        title: "NEW",
        width: 3,
        priority: 250,
    },
    ColSpec {
        col: Col::Function,
        title: "FUNCTION",
        width: 16,
        priority: 80,
    },
    ColSpec {
        col: Col::Error,
        title: "ERROR",
        width: 20,
        priority: 254,
    },
];

fn hh_mm(ms: i64) -> String {
    Utc.timestamp_millis_opt(ms)
        .single()
        .map_or("–".into(), |t| t.format("%H:%M").to_string())
}

pub fn render(frame: &mut Frame, area: Rect, _v: &View, e: &ErrorsView, t: &Theme) -> TableDrawn {
    let errors: u64 = e.groups.iter().map(|g| g.count).sum();
    let since = e
        .from_ms
        .map_or(String::new(), |ms| format!(" since {}", hh_mm(ms)));
    let title = Line::from(vec![
        Span::styled(" Errors ", t.title),
        Span::styled(format!("· {} ", e.label), t.muted),
        Span::styled(
            format!(
                "· {errors} error lines of {} kinds in {} lines{since} ",
                e.groups.len(),
                e.lines
            ),
            if errors > 0 { t.error } else { t.muted },
        ),
    ]);
    let list_frame = ListFrame::new(area, title, e.offset, e.groups.len(), t);
    if e.groups.is_empty() {
        let text = if e.lines == 0 {
            "waiting for log lines…"
        } else {
            "no error among the lines read"
        };
        return list_frame.empty(frame, text, t);
    }
    let columns: Vec<ColSpec<Col>> = COLUMNS
        .iter()
        .filter(|c| e.several || c.col != Col::Function)
        .copied()
        .collect();
    let cols = table::fit(
        &columns,
        list_frame.width(),
        &[(Col::Function, 28), (Col::Error, u16::MAX)],
    );
    let header = Row::new(
        cols.iter()
            .map(|(c, _)| Cell::from(c.title).style(t.table_header)),
    );
    let rows: Vec<Row> = list_frame
        .shown()
        .map(|n| {
            let g = &e.groups[n];
            let base = if g.new_since_deploy == Some(true) {
                t.breach_row
            } else {
                t.text
            };
            let style = ListFrame::style(base, n, e.selected, t);
            Row::new(cols.iter().map(|(c, w)| {
                let width = usize::from(*w);
                match c.col {
                    Col::Count => Cell::from(format!("{:>6}", g.count)),
                    Col::Over => {
                        let v: Vec<Option<f64>> =
                            g.buckets.iter().map(|&b| Some(f64::from(b))).collect();
                        Cell::from(bars(&v, width)).style(t.sparkline)
                    }
                    Col::First => Cell::from(hh_mm(g.first_seen_ms)),
                    Col::Last => Cell::from(hh_mm(g.last_seen_ms)),
                    Col::New => match g.new_since_deploy {
                        Some(true) => Cell::from("new").style(t.error),
                        Some(false) => Cell::from(""),
                        None => Cell::from("–").style(t.muted),
                    },
                    Col::Function => Cell::from(truncate(&g.function.name, width)),
                    Col::Error => Cell::from(truncate(&g.sample, width)),
                }
            }))
            .style(style)
        })
        .collect();
    let widths: Vec<u16> = cols.iter().map(|(_, w)| *w).collect();
    list_frame.draw(frame, header, rows, &widths, t)
}
