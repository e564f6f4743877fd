//! The alarms view: every alarm of the watched regions that watches a function or is in
//! ALARM, those in ALARM first (the newest first), each with its state, since when, region,
//! the function it watches and CloudWatch's reason. Enter goes to what it watches.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::format;
use super::list_frame::ListFrame;
use super::table::{self, ColSpec};
use super::text::{short_region, truncate};
use super::theme::Theme;
use crate::store::alarms::{Alarm, AlarmState};
use crate::view::{AlarmsView, TableDrawn, View};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    State,
    Since,
    Name,
    Region,
    Function,
    Reason,
}

const COLUMNS: [ColSpec<Col>; 6] = [
    ColSpec {
        col: Col::State,
        title: "STATE",
        width: 7,
        priority: 255,
    },
    ColSpec {
        col: Col::Since,
        title: "SINCE",
        width: 11,
        priority: 90,
    },
    ColSpec {
        col: Col::Name,
        title: "ALARM",
        width: 20,
        priority: 254,
    },
    ColSpec {
        col: Col::Region,
        title: "RGN",
        width: 5,
        priority: 60,
    },
    ColSpec {
        col: Col::Function,
        title: "FUNCTION",
        width: 18,
        priority: 80,
    },
    ColSpec {
        col: Col::Reason,
        title: "REASON",
        width: 12,
        priority: 70,
    },
];

fn state_cell(a: &Alarm, t: &Theme) -> (String, Style) {
    match a.state {
        AlarmState::Alarm => ("▲ ALARM".into(), t.error),
        AlarmState::InsufficientData => ("no data".into(), t.warn),
        AlarmState::Ok => ("OK".into(), t.ok),
    }
}

/// The function it watches, and how many more.
fn watches(a: &Alarm) -> String {
    match a.functions.as_slice() {
        [] => "–".into(),
        [one] => one.clone(),
        [first, rest @ ..] => format!("{first} +{}", rest.len()),
    }
}

pub fn render(frame: &mut Frame, area: Rect, v: &View, a: &AlarmsView, t: &Theme) -> TableDrawn {
    let list = v.facts.alarm_list();
    let firing = list.iter().filter(|(_, a)| a.firing()).count();
    let title = Line::from(vec![
        Span::styled(" Alarms ", t.title),
        Span::styled(
            format!("· {firing} in ALARM of {} ", list.len()),
            if firing > 0 { t.error } else { t.muted },
        ),
    ]);
    let list_frame = ListFrame::new(area, title, a.offset, list.len(), t);
    if list.is_empty() {
        let text = if v.facts.alarms().is_empty() {
            "alarms not read yet (or not readable: see the header's problems)"
        } else {
            "no alarm watches these functions, and none is in ALARM"
        };
        return list_frame.empty(frame, text, t);
    }
    let cols = table::fit(
        &COLUMNS,
        list_frame.width(),
        &[
            (Col::Name, 32),
            (Col::Function, 28),
            (Col::Region, 9),
            (Col::Reason, u16::MAX),
        ],
    );
    let header = Row::new(cols.iter().map(|(c, w)| {
        let title = match c.col {
            Col::Region if *w >= 9 => "REGION",
            _ => c.title,
        };
        Cell::from(title).style(t.table_header)
    }));
    let rows: Vec<Row> = list_frame
        .shown()
        .map(|i| {
            let (region, alarm) = &list[i];
            let base = if alarm.firing() { t.breach_row } else { t.text };
            let style = ListFrame::style(base, i, a.selected, t);
            Row::new(cols.iter().map(|(c, w)| {
                let width = usize::from(*w);
                match c.col {
                    Col::State => {
                        let (text, s) = state_cell(alarm, t);
                        Cell::from(text).style(s)
                    }
                    // Within a day: the time and how long ago; older: the date.
                    Col::Since => Cell::from(alarm.since.map_or("–".into(), |at| {
                        let secs = (v.now - at).num_seconds();
                        if secs < 24 * 3600 {
                            format!("{} {}", at.format("%H:%M"), format::age(secs))
                        } else {
                            at.format("%m-%d %H:%M").to_string()
                        }
                    })),
                    Col::Name => Cell::from(truncate(&alarm.name, width)),
                    Col::Region if width >= region.region.len() => {
                        Cell::from(region.region.clone())
                    }
                    Col::Region => Cell::from(short_region(&region.region)),
                    Col::Function => Cell::from(truncate(&watches(alarm), width)),
                    Col::Reason => Cell::from(truncate(&alarm.reason, width)).style(t.muted),
                }
            }))
            .style(style)
        })
        .collect();
    let widths: Vec<u16> = cols.iter().map(|(_, w)| *w).collect();
    list_frame.draw(frame, header, rows, &widths, t)
}
