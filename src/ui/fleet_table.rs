//! The fleet table: a row per function with its window figures and an invocations sparkline,
//! sorted and filtered by the cached view, breaching rows highlighted. Columns that do not fit
//! the width are dropped, least useful first; only the visible rows are formatted.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};

use super::format;
use crate::app::view::SortColumn;
use crate::app::{App, Breach, Focus};
use crate::store::window::FunctionStats;
use crate::store::{Function, Metric, MinuteRange};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Name,
    Project,
    Region,
    InvPerMin,
    Errors,
    ErrorRate,
    Throttles,
    Avg,
    P99,
    P99OfTimeout,
    Concurrency,
    ColdStarts,
    Memory,
    CostPerHour,
    Trend,
}

struct ColSpec {
    col: Col,
    title: &'static str,
    width: u16,
    /// Columns with the lowest priority go first when the table is narrow.
    priority: u8,
    sort: Option<SortColumn>,
}

const COLUMNS: [ColSpec; 15] = [
    ColSpec {
        col: Col::Name,
        title: "FUNCTION",
        width: 18,
        priority: 255,
        sort: Some(SortColumn::Name),
    },
    ColSpec {
        col: Col::Project,
        title: "PROJECT",
        width: 10,
        priority: 60,
        sort: Some(SortColumn::Project),
    },
    ColSpec {
        col: Col::Region,
        title: "RGN",
        width: 5,
        priority: 65,
        sort: Some(SortColumn::Region),
    },
    ColSpec {
        col: Col::InvPerMin,
        title: "INV/MIN",
        width: 7,
        priority: 90,
        sort: Some(SortColumn::InvocationsPerMin),
    },
    ColSpec {
        col: Col::Errors,
        title: "ERRORS",
        width: 6,
        priority: 80,
        sort: Some(SortColumn::Errors),
    },
    ColSpec {
        col: Col::ErrorRate,
        title: "ERR%",
        width: 5,
        priority: 95,
        sort: Some(SortColumn::ErrorRate),
    },
    ColSpec {
        col: Col::Throttles,
        title: "THROT",
        width: 5,
        priority: 85,
        sort: Some(SortColumn::Throttles),
    },
    ColSpec {
        col: Col::Avg,
        title: "AVG",
        width: 6,
        priority: 40,
        sort: Some(SortColumn::DurationAvg),
    },
    ColSpec {
        col: Col::P99,
        title: "P99",
        width: 6,
        priority: 70,
        sort: Some(SortColumn::DurationP99),
    },
    ColSpec {
        col: Col::P99OfTimeout,
        title: "P99/TO",
        width: 6,
        priority: 75,
        sort: Some(SortColumn::P99OfTimeout),
    },
    ColSpec {
        col: Col::Concurrency,
        title: "CONC",
        width: 5,
        priority: 35,
        sort: Some(SortColumn::Concurrency),
    },
    ColSpec {
        col: Col::ColdStarts,
        title: "COLD",
        width: 5,
        priority: 45,
        sort: Some(SortColumn::ColdStarts),
    },
    ColSpec {
        col: Col::Memory,
        title: "MEM%",
        width: 4,
        priority: 50,
        sort: Some(SortColumn::MemoryUsed),
    },
    ColSpec {
        col: Col::CostPerHour,
        title: "EST$/H",
        width: 7,
        priority: 30,
        sort: Some(SortColumn::Cost),
    },
    ColSpec {
        col: Col::Trend,
        title: "INVOCATIONS",
        width: 12,
        priority: 20,
        sort: None,
    },
];

const NAME_MAX: u16 = 34;

/// The columns that fit `width`, with their widths.
fn fit(width: u16) -> Vec<(&'static ColSpec, u16)> {
    let specs: Vec<(u16, u8)> = COLUMNS.iter().map(|c| (c.width, c.priority)).collect();
    let cols: Vec<&ColSpec> = format::fit_columns(&specs, width)
        .into_iter()
        .map(|i| &COLUMNS[i])
        .collect();
    let used = cols.iter().map(|c| c.width).sum::<u16>() + cols.len().saturating_sub(1) as u16;
    let mut spare = width.saturating_sub(used);
    let mut out: Vec<(&ColSpec, u16)> = cols.into_iter().map(|c| (c, c.width)).collect();
    // The name takes spare room first (up to a point), then the project, then the sparkline.
    for (target, cap) in [
        (Col::Name, NAME_MAX),
        (Col::Region, 10),
        (Col::Project, 16),
        (Col::Trend, u16::MAX),
    ] {
        if let Some((_, w)) = out.iter_mut().find(|(c, _)| c.col == target) {
            let add = spare.min(cap.saturating_sub(*w));
            *w += add;
            spare -= add;
        }
    }
    if let Some((_, w)) = out.iter_mut().find(|(c, _)| c.col == Col::Name) {
        *w += spare;
    }
    out
}

/// Invocations over the window spread across `width` columns: each column shows the mean of
/// the minutes it covers, so a short window fills the column as well as a long one. Gaps stay
/// blank.
fn sparkline(f: &Function, range: MinuteRange, width: u16) -> String {
    let values: Vec<Option<f64>> = f
        .history
        .series(Metric::Invocations)
        .values(range)
        .collect();
    format::bars(&values, usize::from(width))
}

/// The short form of a region code, as AWS writes it in resource names: us-east-1 → use1,
/// ap-southeast-2 → apse2, eu-central-1 → euc1.
pub fn short_region(region: &str) -> String {
    let mut parts = region.split('-');
    let mut out = parts.next().unwrap_or_default().to_string();
    for p in parts {
        if p.chars().all(|c| c.is_ascii_digit()) {
            out.push_str(p);
            continue;
        }
        for (word, short) in [
            ("north", "n"),
            ("south", "s"),
            ("east", "e"),
            ("west", "w"),
            ("central", "c"),
        ] {
            if let Some(rest) = p.strip_prefix(word) {
                out.push_str(short);
                out.push_str(match rest {
                    "east" => "e",
                    "west" => "w",
                    _ => "",
                });
            }
        }
    }
    out
}

/// Cuts `s` to `width` columns with an ellipsis.
pub fn truncate(s: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let total: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

fn cell(
    col: Col,
    width: u16,
    f: &Function,
    s: &FunctionStats,
    breach: Breach,
    range: MinuteRange,
    app: &App,
) -> Cell<'static> {
    let t = &app.theme;
    let flagged = |on: bool| if on { t.error } else { Style::new() };
    let right = |text: String, style: Style| {
        Cell::from(Text::from(Line::from(text).alignment(Alignment::Right))).style(style)
    };
    match col {
        Col::Name => Cell::from(truncate(&f.facts.name, usize::from(width))),
        Col::Project => Cell::from(truncate(&f.project, usize::from(width))),
        Col::Region if usize::from(width) >= f.facts.region.len() => {
            Cell::from(f.facts.region.clone())
        }
        Col::Region => Cell::from(short_region(&f.facts.region)),
        Col::InvPerMin => right(format::count(s.invocations_per_min), Style::new()),
        Col::Errors => right(format::count(s.errors), flagged(breach.errors)),
        Col::ErrorRate => right(format::percent(s.error_rate), flagged(breach.errors)),
        Col::Throttles => right(format::count(s.throttles), flagged(breach.throttles)),
        Col::Avg => right(format::millis(s.duration_avg_ms), Style::new()),
        Col::P99 => right(format::millis(s.duration_p99_ms), flagged(breach.timeout)),
        Col::P99OfTimeout => right(format::percent(s.p99_of_timeout), flagged(breach.timeout)),
        Col::Concurrency => right(format::count(s.concurrency_max), Style::new()),
        Col::ColdStarts => right(format::count(s.cold_starts), Style::new()),
        Col::Memory => right(format::percent(s.memory_used_ratio), flagged(breach.memory)),
        Col::CostPerHour => right(
            format::usd(app.view().stats().window.per_hour(s.est_cost_usd)),
            Style::new(),
        ),
        Col::Trend => Cell::from(sparkline(f, range, width)).style(t.sparkline),
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let view = app.view();
    let order = view.order();
    let total = app.store.functions().len();
    let focused = app.ui.focus == Focus::Fleet;

    let mut title = vec![Span::styled(format!(" Functions {total} "), t.title)];
    title.push(Span::styled(
        format!(
            "· sort {} {} ",
            app.ui.sort.label(),
            if app.ui.descending { "▼" } else { "▲" }
        ),
        t.muted,
    ));
    if let Some(p) = &app.ui.project {
        let of_project = view.stats().projects.iter().find(|s| s.name == *p);
        let count = of_project.map_or(0, |s| s.functions);
        title.push(Span::styled(
            format!("· project {p}: {count} functions "),
            t.filter,
        ));
    }
    if !app.ui.filter.is_empty() || app.ui.filter_editing {
        title.push(Span::styled(
            format!("· filter '{}' {}/{total} ", app.ui.filter, order.len()),
            t.filter,
        ));
    }
    let rows_visible = usize::from(area.height.saturating_sub(3));
    app.ui.table_rows.set(rows_visible.max(1));
    app.ui.table_area.set(area);
    let selected = app.selected_row();

    // Keep the selection in view with as little scrolling as possible.
    let mut offset = app.ui.table_offset.get();
    if let Some(s) = selected {
        if s < offset {
            offset = s;
        } else if s >= offset + rows_visible {
            offset = s + 1 - rows_visible;
        }
    }
    offset = offset.min(order.len().saturating_sub(rows_visible));
    app.ui.table_offset.set(offset);

    let shown = order
        .len()
        .min(offset + rows_visible)
        .saturating_sub(offset);
    let position = if order.is_empty() {
        String::new()
    } else {
        format!(" {}-{} of {} ", offset + 1, offset + shown, order.len())
    };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(if focused { t.border_focused } else { t.border })
        .title(Line::from(title))
        .title_bottom(Line::styled(position, t.muted).right_aligned());

    if order.is_empty() {
        let text = if app.store.is_loading() {
            "loading the fleet…".to_string()
        } else if total == 0 {
            "no Lambda functions in these regions".to_string()
        } else {
            format!(
                "no function matches '{}' (Esc clears the filter)",
                app.ui.filter
            )
        };
        let p = Paragraph::new(Line::styled(text, t.muted))
            .alignment(Alignment::Center)
            .block(block);
        frame.render_widget(p, area);
        return;
    }

    let inner_width = area.width.saturating_sub(2);
    let cols = fit(inner_width);
    let header = Row::new(cols.iter().map(|(c, w)| {
        let title = match c.col {
            Col::Region if *w >= 9 => "REGION",
            _ => c.title,
        };
        // The sorted column is marked by style; its direction is in the pane title.
        let style = if c.sort == Some(app.ui.sort) {
            t.table_header.patch(t.key)
        } else {
            t.table_header
        };
        let line = Line::from(title);
        let line = if matches!(c.col, Col::Name | Col::Project | Col::Region | Col::Trend) {
            line
        } else {
            line.alignment(Alignment::Right)
        };
        Cell::from(line).style(style)
    }));
    let stats = view.stats();
    let fns = app.store.functions();
    let rows = order[offset..offset + shown]
        .iter()
        .enumerate()
        .map(|(n, &i)| {
            let f = &fns[i];
            let s = &stats.functions[i];
            let breach = Breach::of(s, &app.thresholds);
            let mut style = if breach.any() { t.breach_row } else { t.text };
            if Some(offset + n) == selected {
                style = style.patch(t.selected);
            }
            Row::new(
                cols.iter()
                    .map(|(c, w)| cell(c.col, *w, f, s, breach, stats.range, app)),
            )
            .style(style)
        });
    let widths: Vec<Constraint> = cols.iter().map(|(_, w)| Constraint::Length(*w)).collect();
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .block(block)
        .style(t.text);
    frame.render_widget(table, area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_tables_drop_the_least_useful_columns() {
        let at80: Vec<Col> = fit(78).iter().map(|(c, _)| c.col).collect();
        assert!(at80.contains(&Col::Name) && at80.contains(&Col::ErrorRate));
        assert!(at80.contains(&Col::Region) && at80.contains(&Col::Project));
        assert!(!at80.contains(&Col::Trend));
        let at160 = fit(158);
        assert_eq!(at160.len(), COLUMNS.len());
        let used: u16 = at160.iter().map(|(_, w)| w).sum::<u16>() + at160.len() as u16 - 1;
        assert_eq!(used, 158);
    }

    #[test]
    fn short_region_codes() {
        assert_eq!(short_region("us-east-1"), "use1");
        assert_eq!(short_region("eu-west-1"), "euw1");
        assert_eq!(short_region("ap-southeast-2"), "apse2");
        assert_eq!(short_region("eu-central-1"), "euc1");
        assert_eq!(short_region("ap-northeast-1"), "apne1");
    }

    #[test]
    fn truncation_respects_wide_characters() {
        assert_eq!(truncate("payments-charge", 20), "payments-charge");
        assert_eq!(truncate("payments-charge", 8), "payment…");
        assert_eq!(truncate("決済決済決済", 7), "決済決…");
    }
}
