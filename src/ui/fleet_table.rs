//! The fleet table: a row per function with its window figures and an invocations sparkline,
//! sorted and filtered by the cached view, breaching rows highlighted. Columns that do not fit
//! the width are dropped, least useful first; only the visible rows are formatted.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};

use super::format;
use super::table::{self, ColSpec};
use super::text::{short_region, truncate};
use super::theme::Theme;
use crate::store::figures::{FleetStats, FunctionStats, ThrottleCause};
use crate::store::health::{Breach, is_stale};
use crate::store::{Function, Metric, MinuteRange};
use crate::view::{Facts, SortColumn, TableDrawn, View};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Name,
    /// Whose account, among several: the alias where known, else the id.
    Account,
    Project,
    Region,
    Alarms,
    InvPerMin,
    Errors,
    ErrorRate,
    Throttles,
    Avg,
    P99,
    P99OfTimeout,
    Concurrency,
    Capacity,
    AsyncLost,
    AsyncAge,
    Sources,
    Class,
    ColdStarts,
    Memory,
    CostPerHour,
    Trend,
}

const COLUMNS: [ColSpec<Col>; 21] = [
    ColSpec {
        col: Col::Name,
        title: "FUNCTION",
        width: 18,
        priority: 255,
    },
    ColSpec {
        col: Col::Project,
        title: "PROJECT",
        width: 10,
        priority: 60,
    },
    ColSpec {
        col: Col::Region,
        title: "RGN",
        width: 5,
        priority: 65,
    },
    // What is paging; where it does not fit, the name carries a badge instead.
    ColSpec {
        col: Col::Alarms,
        title: "ALM",
        width: 3,
        priority: 58,
    },
    ColSpec {
        col: Col::InvPerMin,
        title: "INV/MIN",
        width: 7,
        priority: 90,
    },
    ColSpec {
        col: Col::Errors,
        title: "ERRORS",
        width: 6,
        priority: 80,
    },
    ColSpec {
        col: Col::ErrorRate,
        title: "ERR%",
        width: 5,
        priority: 95,
    },
    ColSpec {
        col: Col::Throttles,
        title: "THROT",
        width: 5,
        priority: 85,
    },
    ColSpec {
        col: Col::Avg,
        title: "AVG",
        width: 6,
        priority: 40,
    },
    ColSpec {
        col: Col::P99,
        title: "P99",
        width: 6,
        priority: 70,
    },
    ColSpec {
        col: Col::P99OfTimeout,
        // The peak p99 (the worst minute's) over the timeout.
        title: "PK/TO",
        width: 6,
        priority: 75,
    },
    ColSpec {
        col: Col::Concurrency,
        title: "CONC",
        width: 5,
        priority: 35,
    },
    ColSpec {
        col: Col::Capacity,
        title: "CAP",
        width: 6,
        priority: 33,
    },
    // Asynchronous events lost, and the oldest one's wait: blank for functions not invoked
    // asynchronously.
    ColSpec {
        col: Col::AsyncLost,
        title: "LOST",
        width: 5,
        priority: 55,
    },
    // Its latency class; red when its wait plus p99 is over the class's budget. The first to
    // go when the width is short: the projects pane has the classes too.
    ColSpec {
        col: Col::Class,
        title: "CLASS",
        width: 5,
        priority: 19,
    },
    // Its event-source mappings: how many, `off` when one stopped, `fail` when one fails.
    ColSpec {
        col: Col::Sources,
        title: "SRC",
        width: 4,
        priority: 54,
    },
    ColSpec {
        col: Col::AsyncAge,
        title: "AGE",
        width: 5,
        priority: 32,
    },
    ColSpec {
        col: Col::ColdStarts,
        title: "COLD",
        width: 5,
        priority: 45,
    },
    ColSpec {
        col: Col::Memory,
        title: "MEM%",
        width: 4,
        priority: 50,
    },
    ColSpec {
        col: Col::CostPerHour,
        title: "EST$/H",
        width: 7,
        priority: 30,
    },
    ColSpec {
        col: Col::Trend,
        title: "INV TREND",
        width: 9,
        priority: 20,
    },
];

const NAME_MAX: u16 = 34;

/// The columns of a session of several accounts: whose account comes after the name, and is
/// kept before the region (the same function name lives in several accounts).
static WITH_ACCOUNT: std::sync::LazyLock<Vec<ColSpec<Col>>> = std::sync::LazyLock::new(|| {
    let mut cols = COLUMNS.to_vec();
    cols.insert(
        1,
        ColSpec {
            col: Col::Account,
            title: "ACCOUNT",
            width: 12,
            priority: 68,
        },
    );
    cols
});

/// The columns that fit `width`, with their widths: the name takes spare room first (up to a
/// point), then the account (among several), the region, the project and the sparkline; the
/// name takes what is left.
fn fit(width: u16, accounts: bool) -> Vec<(&'static ColSpec<Col>, u16)> {
    let columns: &'static [ColSpec<Col>] = if accounts { &WITH_ACCOUNT } else { &COLUMNS };
    let grow = [
        (Col::Name, 28),
        (Col::Account, 14),
        (Col::Region, 10),
        (Col::Name, NAME_MAX),
        (Col::Project, 16),
        (Col::Trend, u16::MAX),
        (Col::Name, u16::MAX),
    ];
    table::fit(columns, width, &grow)
}

/// The sort a column shows.
fn sort_of(col: Col) -> Option<SortColumn> {
    match col {
        Col::Name => Some(SortColumn::Name),
        Col::Project => Some(SortColumn::Project),
        Col::Region => Some(SortColumn::Region),
        Col::InvPerMin => Some(SortColumn::InvocationsPerMin),
        Col::Errors => Some(SortColumn::Errors),
        Col::ErrorRate => Some(SortColumn::ErrorRate),
        Col::Throttles => Some(SortColumn::Throttles),
        Col::Avg => Some(SortColumn::DurationAvg),
        Col::P99 => Some(SortColumn::DurationP99),
        Col::P99OfTimeout => Some(SortColumn::P99OfTimeout),
        Col::Concurrency => Some(SortColumn::Concurrency),
        Col::Capacity
        | Col::Account
        | Col::Alarms
        | Col::AsyncLost
        | Col::AsyncAge
        | Col::Sources
        | Col::Class => None,
        Col::ColdStarts => Some(SortColumn::ColdStarts),
        Col::Memory => Some(SortColumn::MemoryUsed),
        Col::CostPerHour => Some(SortColumn::Cost),
        Col::Trend => None,
    }
}

/// Invocations over the window spread across `width` columns: each column shows the mean of
/// the minutes it covers, so a short window fills the column as well as a long one. Gaps stay
/// blank.
fn sparkline(f: &Function, range: MinuteRange, width: u16) -> String {
    let values: Vec<Option<f64>> = f
        .history_over(range)
        .series(Metric::Invocations)
        .values(range)
        .collect();
    let bars = format::bars(&values, usize::from(width));
    // The newest deploy in the window, as a line across the bars: heavy for new code, dashed
    // for configuration only.
    let Some((at, mark)) = f
        .deploys
        .iter()
        .rev()
        .map(|d| (crate::store::Minute::of(d.at), d.kind))
        .find(|(m, _)| range.contains(*m))
        .map(|(m, kind)| {
            let mark = match kind {
                crate::store::DeployKind::Config => '┊',
                _ => '┃',
            };
            (m, mark)
        })
    else {
        return bars;
    };
    let mut chars: Vec<char> = bars.chars().collect();
    let col = range.position(at).unwrap_or(0) * chars.len() / range.len().max(1);
    if let Some(c) = chars.get_mut(col) {
        *c = mark;
    }
    chars.into_iter().collect()
}

#[allow(clippy::too_many_arguments)]
fn cell(
    col: Col,
    width: u16,
    f: &Function,
    s: &FunctionStats,
    breach: Breach,
    stats: &FleetStats,
    facts: Facts,
    t: &Theme,
) -> Cell<'static> {
    let flagged = |on: bool| if on { t.error } else { Style::new() };
    let right = |text: String, style: Style| {
        Cell::from(Text::from(Line::from(text).alignment(Alignment::Right))).style(style)
    };
    match col {
        Col::Name => Cell::from(truncate(&f.facts.name, usize::from(width))),
        Col::Project => Cell::from(truncate(&f.project, usize::from(width))),
        Col::Account => Cell::from(truncate(
            &facts
                .account_name(f.facts.account)
                .unwrap_or_else(|| "–".into()),
            usize::from(width),
        )),
        Col::Region if usize::from(width) >= f.facts.region.len() => {
            Cell::from(f.facts.region.clone())
        }
        Col::Region => Cell::from(short_region(&f.facts.region)),
        // Its alarms in ALARM: blank when none, `–` when they could not be read.
        Col::Alarms => match s.alarms_firing {
            None => right("–".into(), Style::new()),
            Some(0) => right(String::new(), Style::new()),
            Some(n) => right(n.to_string(), t.error),
        },
        Col::InvPerMin => right(format::count(s.invocations_per_min), Style::new()),
        Col::Errors => right(format::count(s.errors), flagged(breach.errors)),
        Col::ErrorRate => right(format::percent(s.error_rate), flagged(breach.errors)),
        Col::Throttles => right(format::count(s.throttles), flagged(breach.throttles)),
        Col::Avg => right(format::millis(s.duration_avg_ms), Style::new()),
        Col::P99 => right(format::millis(s.duration_p99_ms), flagged(breach.timeout)),
        Col::P99OfTimeout => right(
            format::percent(s.p99_peak_of_timeout),
            flagged(breach.timeout),
        ),
        Col::Concurrency => right(format::count(s.concurrency_max), Style::new()),
        // Its reserved cap (R) and provisioned environments (P); red when its own cap is what
        // throttles it, or it is held at 0.
        Col::Capacity => right(
            format::capacity(s.reserved.flatten(), s.provisioned),
            flagged(
                s.throttle_cause == Some(ThrottleCause::Reserved)
                    || s.reserved.flatten() == Some(0),
            ),
        ),
        Col::Sources => {
            // `None`: its region's mappings could not be read.
            match facts.event_sources_of(f) {
                None => right("–".into(), Style::new()),
                Some([]) => right(String::new(), Style::new()),
                Some(ms) if ms.iter().any(|m| m.stopped()) => right("off".into(), t.error),
                Some(ms) if ms.iter().any(|m| m.failing()) => right("fail".into(), t.error),
                Some(ms) => right(ms.len().to_string(), Style::new()),
            }
        }
        Col::AsyncLost if !f.history.is_async() => right(String::new(), Style::new()),
        Col::AsyncLost => right(format::count(s.async_lost()), flagged(breach.async_lost)),
        Col::AsyncAge if !f.history.is_async() => right(String::new(), Style::new()),
        Col::AsyncAge => right(
            format::millis(s.async_age_max_ms),
            flagged(breach.async_age),
        ),
        Col::Class => Cell::from(format::class(s.latency_class)).style(flagged(breach.budget)),
        // Counted from the REPORT lines read: a floor where some minutes were not.
        Col::ColdStarts => right(
            format::at_least(format::count(s.cold_starts), s.reports_partial()),
            Style::new(),
        ),
        Col::Memory => right(
            format::at_least(format::percent(s.memory_used_ratio), s.reports_partial()),
            flagged(breach.memory),
        ),
        Col::CostPerHour => right(
            format::usd(stats.cost_rate(s.est_cost_usd).per_hour),
            Style::new(),
        ),
        Col::Trend => Cell::from(sparkline(f, stats.range, width)).style(t.sparkline),
    }
}

/// Draws the table from its first row; returns where, and how many rows it had room for.
pub fn render(frame: &mut Frame, area: Rect, v: &View, t: &Theme) -> TableDrawn {
    let order = v.figures.order();
    let total = v.facts.functions().len();
    let table = &v.fleet;

    let mut title = vec![Span::styled(format!(" Functions {total} "), t.title)];
    title.push(Span::styled(
        format!(
            "· sort {} {} ",
            table.sort.label(),
            if table.descending { "▼" } else { "▲" }
        ),
        t.muted,
    ));
    if let Some(p) = v.project {
        let of_project = v.figures.stats().projects.iter().find(|s| s.name == *p);
        let count = of_project.map_or(0, |s| s.functions);
        title.push(Span::styled(
            format!("· project {p}: {count} functions "),
            t.filter,
        ));
    }
    if let Some(a) = v.account {
        let count = v
            .figures
            .stats()
            .accounts
            .get(&a)
            .map_or(0, |s| s.functions);
        let name = v.facts.account_name(a).unwrap_or_else(|| a.to_string());
        title.push(Span::styled(
            format!("· account {name}: {count} functions "),
            t.filter,
        ));
    }
    if let Some(c) = v.class {
        let of_class = v.figures.stats().classes.iter().find(|s| s.class == c);
        let count = of_class.map_or(0, |s| s.functions);
        title.push(Span::styled(
            format!("· class {c}: {count} functions "),
            t.filter,
        ));
    }
    if !table.filter.is_empty() || table.filter_editing {
        title.push(Span::styled(
            format!("· filter '{}' {}/{total} ", table.filter, order.len()),
            t.filter,
        ));
    }
    let rows_visible = usize::from(area.height.saturating_sub(3));
    let drawn = TableDrawn {
        area,
        first: table.offset,
        rows: rows_visible.max(1),
    };
    let offset = table.offset.min(order.len());
    let shown = order.len().min(offset + rows_visible) - offset;
    let position = if order.is_empty() {
        String::new()
    } else {
        format!(" {}-{} of {} ", offset + 1, offset + shown, order.len())
    };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(if table.focused {
            t.border_focused
        } else {
            t.border
        })
        .title(super::wrap::title(Line::from(title), area.width))
        .title_bottom(Line::styled(position, t.muted).right_aligned());

    if order.is_empty() {
        let text = if v.facts.is_loading() {
            "loading the fleet…".to_string()
        } else if total == 0 {
            "no Lambda functions in these regions".to_string()
        } else {
            format!(
                "no function matches '{}' ({} clears the filter)",
                table.filter, v.keys.back
            )
        };
        let p = Paragraph::new(Line::styled(text, t.muted))
            .alignment(Alignment::Center)
            .block(block);
        frame.render_widget(p, area);
        return drawn;
    }

    let inner_width = area.width.saturating_sub(2);
    let cols = fit(inner_width, v.facts.many_accounts());
    let header = Row::new(cols.iter().map(|(c, w)| {
        let title = match c.col {
            Col::Region if *w >= 9 => "REGION",
            _ => c.title,
        };
        // The sorted column is marked by style; its direction is in the pane title.
        let style = if sort_of(c.col) == Some(table.sort) {
            t.table_header.patch(t.key)
        } else {
            t.table_header
        };
        let line = Line::from(title);
        let line = if matches!(
            c.col,
            Col::Name | Col::Account | Col::Project | Col::Region | Col::Trend
        ) {
            line
        } else {
            line.alignment(Alignment::Right)
        };
        Cell::from(line).style(style)
    }));
    let stats = v.figures.stats();
    let fns = v.facts.functions();
    let alarm_column = cols.iter().any(|(c, _)| c.col == Col::Alarms);
    let rows = order[offset..offset + shown]
        .iter()
        .enumerate()
        .map(|(n, &i)| {
            let f = &fns[i];
            let s = &stats.functions[i];
            let breach = Breach::of(s, v.thresholds);
            let mut style = if breach.any() { t.breach_row } else { t.text };
            // A row whose figures were last read polls ago says how old they are.
            let lag = f
                .history
                .read_at
                .map(|at| (v.now - at).num_seconds())
                // A window in the past was read once and does not age.
                .filter(|secs| !v.window.is_past() && is_stale(*secs, v.interval_secs));
            if lag.is_some() {
                style = style.patch(t.muted);
            }
            if Some(offset + n) == table.selected {
                style = style.patch(t.selected);
            }
            let badge = !alarm_column && s.alarms_firing.is_some_and(|n| n > 0);
            Row::new(cols.iter().map(|(c, w)| match (c.col, lag) {
                (Col::Name, Some(secs)) => Cell::from(truncate(
                    &format!("{} ({} old)", f.facts.name, format::age(secs)),
                    usize::from(*w),
                )),
                (Col::Name, None) if badge => Cell::from(Line::from(vec![
                    Span::styled("▲", t.error),
                    Span::raw(truncate(&f.facts.name, usize::from(*w).saturating_sub(1))),
                ])),
                _ => cell(c.col, *w, f, s, breach, stats, v.facts, t),
            }))
            .style(style)
        });
    let widths: Vec<Constraint> = cols.iter().map(|(_, w)| Constraint::Length(*w)).collect();
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .block(block)
        .style(t.text);
    frame.render_widget(table, area);
    drawn
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sparkline_marks_new_code_apart_from_a_configuration_change() {
        use crate::store::{Deploy, DeployKind, FunctionFacts, History, Minute};
        let range = MinuteRange::new(Minute(1_000), Minute(1_059));
        let at = |m: i64| Minute(m).start();
        let mut f = Function {
            facts: FunctionFacts::default(),
            project: String::new(),
            history: History::new(61),
            capacity: Default::default(),
            deploys: vec![Deploy {
                at: at(1_030),
                kind: DeployKind::Code,
            }],
            versions: None,
            durations: Default::default(),
            span: None,
        };
        let line = sparkline(&f, range, 12);
        assert_eq!(line.chars().position(|c| c == '┃'), Some(6), "{line}");
        f.deploys.push(Deploy {
            at: at(1_054),
            kind: DeployKind::Config,
        });
        let line = sparkline(&f, range, 12);
        assert_eq!(
            line.chars().position(|c| c == '┊'),
            Some(10),
            "the newest: {line}"
        );
        f.deploys = vec![Deploy {
            at: at(900),
            kind: DeployKind::Code,
        }];
        assert!(
            !sparkline(&f, range, 12).contains('┃'),
            "outside the window"
        );
    }

    #[test]
    fn narrow_tables_drop_the_least_useful_columns() {
        let at80: Vec<Col> = fit(78, false).iter().map(|(c, _)| c.col).collect();
        assert!(at80.contains(&Col::Name) && at80.contains(&Col::ErrorRate));
        assert!(at80.contains(&Col::Region) && at80.contains(&Col::Project));
        assert!(!at80.contains(&Col::Trend));
        let at160 = fit(158, false);
        assert_eq!(at160.len(), COLUMNS.len());
        let used: u16 = at160.iter().map(|(_, w)| w).sum::<u16>() + at160.len() as u16 - 1;
        assert_eq!(used, 158);
    }

    #[test]
    fn among_several_accounts_the_account_stays_at_80_columns() {
        let at80: Vec<Col> = fit(78, true).iter().map(|(c, _)| c.col).collect();
        assert_eq!(&at80[..2], [Col::Name, Col::Account]);
        assert!(at80.contains(&Col::Region) && at80.contains(&Col::ErrorRate));
        assert!(!fit(158, false).iter().any(|(c, _)| c.col == Col::Account));
    }
}
