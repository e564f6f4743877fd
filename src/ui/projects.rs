//! The projects pane: a row per project with its window figures, the live cost estimate ($/h
//! and a month at that rate), Cost Explorer's month to date with its daily sparkline, and the
//! project's share of the fleet's invocations; then the bill's own lines ("(untagged)", the
//! total, the forecast, the cache age), what the estimate leaves out, and a chart of the
//! selected project's invocations against the fleet's.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};

use super::{chart, format};
use crate::app::App;
use crate::store::cost::{self, CostReport, UNTAGGED};
use crate::store::pricing::leaves_out;
use crate::store::window::ProjectStats;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Name,
    Functions,
    InvPerMin,
    Errors,
    ErrorRate,
    Throttles,
    P99,
    CostPerHour,
    MonthAtRate,
    Billed,
    Daily,
    Share,
}

/// (column, title, width, priority): the lowest priorities go first on a narrow terminal.
const COLUMNS: [(Col, &str, u16, u8); 12] = [
    (Col::Name, "PROJECT", 14, 255),
    (Col::Functions, "FNS", 4, 50),
    (Col::InvPerMin, "INV/MIN", 7, 90),
    (Col::Errors, "ERRORS", 6, 85),
    (Col::ErrorRate, "ERR%", 5, 95),
    (Col::Throttles, "THROT", 5, 80),
    (Col::P99, "P99", 6, 60),
    (Col::CostPerHour, "EST $/H", 8, 75),
    (Col::MonthAtRate, "EST MONTH", 9, 40),
    (Col::Billed, "BILLED MTD", 10, 70),
    (Col::Daily, "DAILY BILL", 10, 20),
    (Col::Share, "SHARE", 5, 55),
];

/// One row's figures: a project of the window, or a line of the bill alone.
struct RowData<'a> {
    name: &'a str,
    stats: Option<&'a ProjectStats>,
    billed: Option<&'a cost::CostGroup>,
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    // The table as tall as its rows (header, projects, the bill's own lines, the total and
    // borders), up to three fifths; the chart takes the rest.
    let wanted = app.view().stats().projects.len() + bill_only(app).len() + 4;
    let most = area.height * 3 / 5;
    let table_height = (wanted.min(usize::from(most)) as u16).max(6);
    let [table_area, notes_area, chart_area] = Layout::vertical([
        Constraint::Length(table_height),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(area);
    render_table(frame, table_area, app);
    let full = format!(
        " EST: CloudWatch metrics × list prices; leaves out the {}.",
        leaves_out()
    );
    let text = if full.chars().count() <= usize::from(area.width) {
        full
    } else {
        " EST leaves out free tier, provisioned concurrency, storage, transfer".to_string()
    };
    let note = Line::styled(text, app.theme.muted);
    frame.render_widget(Paragraph::new(note), notes_area);
    render_chart(frame, chart_area, app);
}

/// Lines of the bill no project of the window has: "(untagged)", deleted projects.
fn bill_only(app: &App) -> Vec<&cost::CostGroup> {
    let projects = &app.view().stats().projects;
    app.store
        .cost()
        .map(|b| b.groups.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|g| !projects.iter().any(|p| p.name == g.key))
        .collect()
}

fn render_table(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let stats = app.view().stats();
    let bill = app.store.cost();
    let order = app.project_order();
    let selected = app.selected_project_row();

    let mut title = vec![Span::styled(
        format!(" Projects {} ", stats.projects.len()),
        t.title,
    )];
    title.push(Span::styled(
        format!(
            "· sort {} {} · last {} ",
            app.ui.project_sort.label(),
            if app.ui.project_sort_reversed {
                "▲"
            } else {
                "▼"
            },
            stats.window
        ),
        t.muted,
    ));
    if let Some(p) = &app.ui.project {
        title.push(Span::styled(format!("· narrowed to {p} "), t.filter));
    }
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border_focused)
        .title(Line::from(title))
        .title_bottom(bill_line(bill, app).right_aligned());
    if stats.projects.is_empty() && bill.is_none_or(|b| b.groups.is_empty()) {
        let text = if app.store.is_loading() {
            "loading the fleet…"
        } else {
            "no projects: no Lambda functions in these regions"
        };
        let p = Paragraph::new(Line::styled(text, t.muted))
            .alignment(Alignment::Center)
            .block(block);
        frame.render_widget(p, area);
        return;
    }

    let mut rows: Vec<RowData> = order
        .iter()
        .map(|&i| {
            let p = &stats.projects[i];
            RowData {
                name: &p.name,
                stats: Some(p),
                billed: bill.and_then(|b| b.group(&p.name)),
            }
        })
        .collect();
    rows.extend(bill_only(app).into_iter().map(|g| RowData {
        name: &g.key,
        stats: None,
        billed: Some(g),
    }));

    let specs: Vec<(u16, u8)> = COLUMNS.iter().map(|c| (c.2, c.3)).collect();
    let inner_width = area.width.saturating_sub(2);
    let mut cols: Vec<(Col, &str, u16)> = format::fit_columns(&specs, inner_width)
        .into_iter()
        .map(|i| (COLUMNS[i].0, COLUMNS[i].1, COLUMNS[i].2))
        .collect();
    let used = cols.iter().map(|c| c.2).sum::<u16>() + cols.len().saturating_sub(1) as u16;
    let mut spare = inner_width.saturating_sub(used);
    let days = bill.map_or(0, |b| b.days.len()) as u16;
    for (target, cap) in [
        (Col::Name, 24),
        (Col::Daily, (days * 2).max(10)),
        (Col::Name, u16::MAX),
    ] {
        if let Some(c) = cols.iter_mut().find(|c| c.0 == target) {
            let add = spare.min(cap.saturating_sub(c.2));
            c.2 += add;
            spare -= add;
        }
    }

    // Rows that fit, keeping the selection in view; the fleet's total row stays at the foot.
    let rows_visible = usize::from(area.height.saturating_sub(4)).max(1);
    let offset = selected
        .map_or(0, |s| (s + 1).saturating_sub(rows_visible))
        .min(rows.len().saturating_sub(rows_visible));
    app.ui.projects_area.set((area, offset));
    let header = Row::new(cols.iter().map(|(c, title, _)| {
        let line = Line::from(*title);
        let line = if matches!(c, Col::Name | Col::Daily) {
            line
        } else {
            line.alignment(Alignment::Right)
        };
        Cell::from(line).style(t.table_header)
    }));
    let fleet_invocations = stats.totals.invocations;
    let body = rows
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows_visible)
        .map(|(n, r)| {
            let breach = r.stats.is_some_and(|s| {
                s.error_rate.is_some_and(|e| e >= app.thresholds.error_rate)
                    || s.throttles.is_some_and(|x| x > 0.0)
            });
            let mut style = if breach { t.breach_row } else { t.text };
            if Some(n) == selected {
                style = style.patch(t.selected);
            }
            let narrowed = app.ui.project.as_deref() == Some(r.name);
            Row::new(
                cols.iter()
                    .map(|(c, _, w)| cell(*c, *w, r, fleet_invocations, narrowed, app)),
            )
            .style(style)
        });
    let total = total_row(&cols, app);
    let widths: Vec<Constraint> = cols.iter().map(|c| Constraint::Length(c.2)).collect();
    let table = Table::new(body.chain(std::iter::once(total)), widths)
        .header(header)
        .column_spacing(1)
        .block(block)
        .style(t.text);
    frame.render_widget(table, area);
}

/// The bill's state in a line: month to date, forecast, age; or why there is none.
fn bill_line(bill: Option<&CostReport>, app: &App) -> Line<'static> {
    let t = &app.theme;
    let Some(b) = bill else {
        let why = app
            .store
            .problems()
            .iter()
            .find(|p| p.source == "cost")
            .map(|p| format!(" no bill: {} ", p.message))
            .unwrap_or_else(|| " Cost Explorer: not read yet ".to_string());
        return Line::styled(why, t.warn);
    };
    let mut text = format!(
        " Cost Explorer {}–{}: {}",
        b.start.format("%b %-d"),
        b.end.pred_opt().unwrap_or(b.end).format("%-d"),
        format::usd(Some(b.total_usd))
    );
    match (b.forecast_usd, &b.forecast_problem) {
        (Some(f), _) => text.push_str(&format!(" · forecast {}", format::usd(Some(f)))),
        (None, Some(_)) => text.push_str(" · no forecast"),
        (None, None) => {}
    }
    text.push_str(&format!(
        " · answered {} ago ",
        format::age(b.age_s(app.now()))
    ));
    let stale = app.store.problems().iter().any(|p| p.source == "cost");
    Line::styled(text, if stale { t.warn } else { t.muted })
}

/// A month at `per_hour`: the estimate's projection.
fn month_at_rate(per_hour: Option<f64>, app: &App) -> Cell<'static> {
    let month = cost::month_at_rate(per_hour, app.now().date_naive());
    right(format::usd(month), Style::new())
}

/// The bill's days as a sparkline, two columns a day at most.
fn daily_bars(days: Option<&[f64]>, width: u16, app: &App) -> Cell<'static> {
    let Some(days) = days.filter(|d| !d.is_empty()) else {
        return Cell::from("");
    };
    let values: Vec<Option<f64>> = days.iter().map(|v| Some(*v)).collect();
    let w = usize::from(width).min(values.len() * 2);
    Cell::from(format::bars(&values, w)).style(app.theme.sparkline)
}

/// Exact below 10,000, then compact (`10k`): the column is four wide.
fn function_count(n: usize) -> String {
    if n < 10_000 {
        n.to_string()
    } else {
        format::count(Some(n as f64))
    }
}

fn right(text: String, style: Style) -> Cell<'static> {
    Cell::from(Text::from(Line::from(text).alignment(Alignment::Right))).style(style)
}

fn cell(
    col: Col,
    width: u16,
    r: &RowData,
    fleet_invocations: Option<f64>,
    narrowed: bool,
    app: &App,
) -> Cell<'static> {
    let t = &app.theme;
    let s = r.stats;
    let get = |f: fn(&ProjectStats) -> Option<f64>| s.and_then(f);
    let window = app.view().stats().window;
    let per_hour = window.per_hour(get(|p| p.est_cost_usd));
    let flagged = |on: bool| if on { t.error } else { Style::new() };
    match col {
        Col::Name => {
            let mark = if narrowed { "▸" } else { "" };
            let style = if r.name == UNTAGGED {
                t.muted
            } else {
                Style::new()
            };
            Cell::from(crate::ui::fleet_table::truncate(
                &format!("{mark}{}", r.name),
                usize::from(width),
            ))
            .style(style)
        }
        Col::Functions => right(
            s.map_or_else(|| "–".into(), |p| function_count(p.functions)),
            Style::new(),
        ),
        Col::InvPerMin => right(
            format::count(get(|p| p.invocations).map(|n| n / f64::from(window.minutes()))),
            Style::new(),
        ),
        Col::Errors => right(
            format::count(get(|p| p.errors)),
            flagged(get(|p| p.error_rate).is_some_and(|e| e >= app.thresholds.error_rate)),
        ),
        Col::ErrorRate => right(
            format::percent(get(|p| p.error_rate)),
            flagged(get(|p| p.error_rate).is_some_and(|e| e >= app.thresholds.error_rate)),
        ),
        Col::Throttles => right(
            format::count(get(|p| p.throttles)),
            flagged(get(|p| p.throttles).is_some_and(|x| x > 0.0)),
        ),
        Col::P99 => right(format::millis(get(|p| p.duration_p99_ms)), Style::new()),
        Col::CostPerHour => right(format::usd(per_hour), Style::new()),
        Col::MonthAtRate => month_at_rate(per_hour, app),
        Col::Billed => right(format::usd(r.billed.map(|g| g.mtd_usd)), Style::new()),
        Col::Daily => daily_bars(r.billed.map(|g| g.daily_usd.as_slice()), width, app),
        Col::Share => right(
            format::percent(match (get(|p| p.invocations), fleet_invocations) {
                (Some(n), Some(all)) if all > 0.0 => Some(n / all),
                _ => None,
            }),
            Style::new(),
        ),
    }
}

/// The fleet's row: every project together, and the bill's total.
fn total_row(cols: &[(Col, &str, u16)], app: &App) -> Row<'static> {
    let t = &app.theme;
    let stats = app.view().stats();
    let tot = &stats.totals;
    let per_hour = stats.window.per_hour(tot.est_cost_usd);
    let bill = app.store.cost();
    Row::new(cols.iter().map(|(c, _, w)| match c {
        Col::Name => Cell::from("ALL"),
        Col::Functions => right(function_count(tot.functions), Style::new()),
        Col::InvPerMin => right(format::count(tot.invocations_per_min), Style::new()),
        Col::Errors => right(format::count(tot.errors), Style::new()),
        Col::ErrorRate => right(format::percent(tot.error_rate), Style::new()),
        Col::Throttles => right(format::count(tot.throttles), Style::new()),
        Col::P99 => Cell::from(""),
        Col::CostPerHour => right(format::usd(per_hour), Style::new()),
        Col::MonthAtRate => month_at_rate(per_hour, app),
        Col::Billed => right(format::usd(bill.map(|b| b.total_usd)), Style::new()),
        Col::Daily => daily_bars(bill.map(|b| b.daily_usd.as_slice()), *w, app),
        Col::Share => right("100%".into(), Style::new()),
    }))
    .style(t.title)
}

fn render_chart(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let stats = app.view().stats();
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(Span::styled(" Invocations per minute ", t.title));
    let Some(c) = app.view().project_chart() else {
        chart::placeholder(frame, area, block, "no project selected", t);
        return;
    };
    let block = block.title(Span::styled(
        format!(" {} against the fleet · last {} ", c.project, stats.window),
        t.muted,
    ));
    let series = [
        chart::Series {
            name: "fleet",
            style: t.chart_started,
            values: &c.fleet,
        },
        chart::Series {
            name: &c.project,
            style: t.chart_completed,
            values: &c.selected,
        },
    ];
    chart::render(
        frame,
        area,
        block,
        stats.range,
        &series,
        |v| format::count(Some(v)),
        None,
        t,
    );
}
