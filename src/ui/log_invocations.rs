//! The invocations view of the log pane: one row per request read from the lines held — when
//! it started, how long it ran and was billed, its memory, cold start and init, how it ended —
//! the failures alone on request, by start or by duration. Enter shows a request's lines.

use chrono::{TimeZone, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::format;
use super::list_frame::ListFrame;
use super::table::{self, ColSpec};
use super::text::truncate;
use super::theme::Theme;
use crate::store::invocations::Status;
use crate::view::{InvocationsView, TableDrawn, View};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Start,
    Status,
    Duration,
    Billed,
    Memory,
    Init,
    Lines,
    Function,
    Request,
}

const COLUMNS: [ColSpec<Col>; 9] = [
    ColSpec {
        col: Col::Start,
        title: "START",
        width: 12,
        priority: 255,
    },
    ColSpec {
        col: Col::Status,
        title: "STATUS",
        width: 13,
        priority: 254,
    },
    ColSpec {
        col: Col::Duration,
        title: "DURATION",
        width: 8,
        priority: 253,
    },
    ColSpec {
        col: Col::Billed,
        title: "BILLED",
        width: 8,
        priority: 60,
    },
    ColSpec {
        col: Col::Memory,
        title: "MEMORY MB",
        width: 10,
        priority: 90,
    },
    ColSpec {
        col: Col::Init,
        title: "COLD",
        width: 8,
        priority: 95,
    },
    ColSpec {
        col: Col::Lines,
        title: "LINES",
        width: 5,
        priority: 50,
    },
    ColSpec {
        col: Col::Function,
        title: "FUNCTION",
        width: 16,
        priority: 80,
    },
    ColSpec {
        col: Col::Request,
        title: "REQUEST",
        width: 36,
        priority: 70,
    },
];

pub fn render(
    frame: &mut Frame,
    area: Rect,
    _v: &View,
    iv: &InvocationsView,
    t: &Theme,
) -> TableDrawn {
    let failed = iv.rows.iter().filter(|i| i.status.failed()).count();
    let mut title = vec![
        Span::styled(" Invocations ", t.title),
        Span::styled(format!("· {} ", iv.label), t.muted),
        Span::styled(
            format!("· {failed} failed of {} ", iv.rows.len()),
            if failed > 0 { t.error } else { t.muted },
        ),
    ];
    if iv.only_failures {
        title.push(Span::styled("· failures only ", t.warn));
    }
    title.push(Span::styled(
        if iv.by_duration {
            "· slowest first "
        } else {
            "· by start "
        },
        t.muted,
    ));
    let list_frame = ListFrame::new(area, Line::from(title), iv.offset, iv.order.len(), t);
    if iv.order.is_empty() {
        let text = if iv.rows.is_empty() {
            "no request among the lines read yet (requests show from their START line)"
        } else {
            "no failed request among the lines read"
        };
        return list_frame.empty(frame, text, t);
    }
    let columns: Vec<ColSpec<Col>> = COLUMNS
        .iter()
        .filter(|c| iv.several || c.col != Col::Function)
        .copied()
        .collect();
    let cols = table::fit(&columns, list_frame.width(), &[(Col::Function, 28)]);
    let header = Row::new(
        cols.iter()
            .map(|(c, _)| Cell::from(c.title).style(t.table_header)),
    );
    let rows: Vec<Row> = list_frame
        .shown()
        .map(|n| {
            let inv = &iv.rows[iv.order[n]];
            let base = if inv.status.failed() {
                t.breach_row
            } else {
                t.text
            };
            let style = ListFrame::style(base, n, iv.selected, t);
            Row::new(cols.iter().map(|(c, w)| {
                let width = usize::from(*w);
                match c.col {
                    Col::Start => Cell::from(
                        Utc.timestamp_millis_opt(inv.start_ms)
                            .single()
                            .map_or("–".into(), |t| t.format("%H:%M:%S%.3f").to_string()),
                    ),
                    Col::Status => {
                        let s = match inv.status {
                            Status::Ok => t.ok,
                            Status::Running => t.muted,
                            _ => t.error,
                        };
                        Cell::from(inv.status.word()).style(s)
                    }
                    Col::Duration => Cell::from(format!("{:>8}", format::millis(inv.duration_ms))),
                    Col::Billed => Cell::from(format!("{:>8}", format::millis(inv.billed_ms))),
                    Col::Memory => Cell::from(match (inv.memory_used_mb, inv.memory_size_mb) {
                        (Some(u), Some(s)) => format!("{u}/{s}"),
                        (Some(u), None) => u.to_string(),
                        _ => "–".into(),
                    }),
                    Col::Init => Cell::from(
                        inv.init_ms
                            .map_or(String::new(), |i| format::millis(Some(i))),
                    )
                    .style(t.warn),
                    Col::Lines => Cell::from(format!("{:>5}", inv.lines)),
                    Col::Function => Cell::from(truncate(&inv.function.name, width)),
                    Col::Request => Cell::from(truncate(&inv.request_id, width)).style(t.muted),
                }
            }))
            .style(style)
        })
        .collect();
    let widths: Vec<u16> = cols.iter().map(|(_, w)| *w).collect();
    list_frame.draw(frame, header, rows, &widths, t)
}
