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

use super::table::{self, ColSpec};
use super::theme::Theme;
use super::{chart, format};
use crate::store::cost::{self, CostReport, UNTAGGED};
use crate::store::figures::ProjectStats;
use crate::store::health::throttling;
use crate::store::pricing::leaves_out;
use crate::view::{ProjectsView, TableDrawn, View};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Name,
    Functions,
    InvPerMin,
    Errors,
    ErrorRate,
    Throttles,
    PeakP99,
    CostPerHour,
    MonthAtRate,
    Billed,
    Daily,
    Share,
}

/// The lowest priorities go first on a narrow terminal.
const COLUMNS: [ColSpec<Col>; 12] = [
    ColSpec {
        col: Col::Name,
        title: "PROJECT",
        width: 14,
        priority: 255,
    },
    ColSpec {
        col: Col::Functions,
        title: "FNS",
        width: 4,
        priority: 50,
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
        priority: 85,
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
        priority: 80,
    },
    ColSpec {
        // Its worst function's worst minute: read for every function, where the project's
        // own p99 would need every function's distribution (the chart below sums those read).
        col: Col::PeakP99,
        title: "PK P99",
        width: 6,
        priority: 60,
    },
    ColSpec {
        col: Col::CostPerHour,
        title: "EST $/H",
        width: 8,
        priority: 75,
    },
    ColSpec {
        col: Col::MonthAtRate,
        title: "EST MONTH",
        width: 9,
        priority: 40,
    },
    ColSpec {
        col: Col::Billed,
        title: "BILLED MTD",
        width: 10,
        priority: 70,
    },
    ColSpec {
        col: Col::Daily,
        title: "DAILY BILL",
        width: 10,
        priority: 20,
    },
    ColSpec {
        col: Col::Share,
        title: "SHARE",
        width: 5,
        priority: 55,
    },
];

/// One row's figures: a project of the window, or a line of the bill alone.
struct RowData<'a> {
    name: &'a str,
    stats: Option<&'a ProjectStats>,
    billed: Option<&'a cost::CostGroup>,
}

/// Draws the pane; returns where the table went, its first row and how many rows it showed.
pub fn render(frame: &mut Frame, area: Rect, v: &View, p: &ProjectsView, t: &Theme) -> TableDrawn {
    // The table as tall as its rows (header, projects, the bill's own lines, the total and
    // borders), up to three fifths; the chart takes the rest.
    let wanted = v.figures.stats().projects.len() + bill_only(v).len() + 4;
    let most = area.height * 3 / 5;
    let table_height = (wanted.min(usize::from(most)) as u16).max(6);
    let [table_area, notes_area, chart_area] = Layout::vertical([
        Constraint::Length(table_height),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(area);
    let drawn = render_table(frame, table_area, v, p, t);
    let full = format!(
        " EST: CloudWatch metrics × list prices; leaves out the {}.",
        leaves_out()
    );
    let text = if full.chars().count() <= usize::from(area.width) {
        full
    } else {
        " EST leaves out free tier, discounts, unread INIT, SnapStart, storage, transfer"
            .to_string()
    };
    let note = Line::styled(text, t.muted);
    frame.render_widget(Paragraph::new(note), notes_area);
    // The fleet's workload shape beside the selected project's durations.
    let [chart_area, dist_area] =
        Layout::horizontal([Constraint::Percentage(58), Constraint::Fill(1)]).areas(chart_area);
    render_chart(frame, chart_area, v, t);
    // Among several accounts, the selected project's share in each above its durations.
    if v.facts.many_accounts() && dist_area.height >= 10 {
        let [by_account, durations] =
            Layout::vertical([Constraint::Percentage(45), Constraint::Fill(1)]).areas(dist_area);
        render_project_accounts(frame, by_account, v, t);
        render_project_durations(frame, durations, v, t);
    } else {
        render_project_durations(frame, dist_area, v, t);
    }
    drawn
}

/// The selected project's functions, invocations and errors in each account, most errors
/// first.
fn render_project_accounts(frame: &mut Frame, area: Rect, v: &View, t: &Theme) {
    let stats = v.figures.stats();
    let selected = v.figures.project_chart().map(|c| c.project.as_str());
    let mut rows: Vec<(&crate::store::AccountId, &crate::store::figures::Totals)> = stats
        .project_accounts
        .iter()
        .filter(|((p, _), _)| Some(p.as_str()) == selected)
        .map(|((_, a), tot)| (a, tot))
        .collect();
    rows.sort_by(|a, b| {
        b.1.errors
            .unwrap_or(0.0)
            .total_cmp(&a.1.errors.unwrap_or(0.0))
            .then(a.0.cmp(b.0))
    });
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(Span::styled(
            format!(
                " {} in {} accounts ",
                selected.unwrap_or("project"),
                rows.len()
            ),
            t.title,
        ));
    let header = Row::new(["ACCOUNT", "FNS", "INVOKED", "ERRORS", "ERR%"]).style(t.table_header);
    let body = rows.iter().map(|(a, tot)| {
        let name = v.facts.account_name(**a).unwrap_or_else(|| a.to_string());
        let failing = v.thresholds.failing(tot.error_rate);
        Row::new([
            Cell::from(super::text::truncate(&name, 16)),
            right(tot.functions.to_string(), Style::new()),
            right(format::count(tot.invocations), Style::new()),
            right(format::count(tot.errors), Style::new()),
            right(
                format::percent(tot.error_rate),
                if failing { t.error } else { Style::new() },
            ),
        ])
    });
    let table = Table::new(
        body,
        [
            Constraint::Fill(1),
            Constraint::Length(4),
            Constraint::Length(7),
            Constraint::Length(6),
            Constraint::Length(5),
        ],
    )
    .header(header)
    .block(block);
    frame.render_widget(table, area);
}

/// The selected project's durations: its functions' distributions summed.
fn render_project_durations(frame: &mut Frame, area: Rect, v: &View, t: &Theme) {
    let stats = v.figures.stats();
    let selected = v.figures.project_chart().map(|c| c.project.as_str());
    let d = selected
        .and_then(|p| stats.projects.iter().find(|s| s.name == p))
        .and_then(|p| p.durations);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(Span::styled(
            format!(" {} durations, log scales ", selected.unwrap_or("project")),
            t.title,
        ));
    crate::ui::histogram::render_durations(
        frame,
        area,
        block,
        d.as_ref(),
        None,
        "no distribution read for its functions",
        t,
    );
}

/// Lines of the bill no project of the window has: "(untagged)", deleted projects.
fn bill_only<'a>(v: &View<'a>) -> Vec<&'a cost::CostGroup> {
    let projects = &v.figures.stats().projects;
    v.facts
        .cost()
        .map(|b| b.groups.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|g| !projects.iter().any(|p| p.name == g.key))
        .collect()
}

fn render_table(
    frame: &mut Frame,
    area: Rect,
    v: &View,
    p: &ProjectsView,
    t: &Theme,
) -> TableDrawn {
    let stats = v.figures.stats();
    let bill = v.facts.cost();
    let order = &p.order;
    let selected = p.selected;
    // Rows that fit; the fleet's total row stays at the foot.
    let rows_visible = usize::from(area.height.saturating_sub(4)).max(1);
    let drawn = TableDrawn {
        area,
        first: p.offset,
        rows: rows_visible,
    };

    let mut title = vec![Span::styled(
        format!(" Projects {} ", stats.projects.len()),
        t.title,
    )];
    title.push(Span::styled(
        format!(
            "· sort {} {} · {} ",
            p.sort.label(),
            if p.reversed { "▲" } else { "▼" },
            format::window(stats.window, stats.range, v.now)
        ),
        t.muted,
    ));
    if let Some(project) = v.project {
        title.push(Span::styled(format!("· narrowed to {project} "), t.filter));
    }
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border_focused)
        .title(super::wrap::title(Line::from(title), area.width))
        .title_bottom(bill_line(bill, v, t, area.width.saturating_sub(2)).right_aligned());
    if stats.projects.is_empty() && bill.is_none_or(|b| b.groups.is_empty()) {
        let text = if v.facts.is_loading() {
            "loading the fleet…"
        } else {
            "no projects: no Lambda functions in these regions"
        };
        let p = Paragraph::new(Line::styled(text, t.muted))
            .alignment(Alignment::Center)
            .block(block);
        frame.render_widget(p, area);
        return drawn;
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
    rows.extend(bill_only(v).into_iter().map(|g| RowData {
        name: &g.key,
        stats: None,
        billed: Some(g),
    }));

    let inner_width = area.width.saturating_sub(2);
    let days = bill.map_or(0, |b| b.days.len()) as u16;
    let grow = [
        (Col::Name, 24),
        (Col::Daily, (days * 2).max(10)),
        (Col::Name, u16::MAX),
    ];
    let cols: Vec<(Col, &str, u16)> = table::fit(&COLUMNS, inner_width, &grow)
        .into_iter()
        .map(|(c, w)| (c.col, c.title, w))
        .collect();
    let offset = p.offset;
    let header = Row::new(cols.iter().map(|(c, title, _)| {
        let line = Line::from(*title);
        let line = if matches!(c, Col::Name | Col::Daily) {
            line
        } else {
            line.alignment(Alignment::Right)
        };
        Cell::from(line).style(t.table_header)
    }));
    let body = rows
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows_visible)
        .map(|(n, r)| {
            let breach = r
                .stats
                .is_some_and(|s| v.thresholds.failing(s.error_rate) || throttling(s.throttles));
            let mut style = if breach { t.breach_row } else { t.text };
            if Some(n) == selected {
                style = style.patch(t.selected);
            }
            let narrowed = v.project == Some(r.name);
            Row::new(cols.iter().map(|(c, _, w)| cell(*c, *w, r, narrowed, v, t))).style(style)
        });
    let total = total_row(&cols, v, t);
    let widths: Vec<Constraint> = cols.iter().map(|c| Constraint::Length(c.2)).collect();
    let table = Table::new(body.chain(std::iter::once(total)), widths)
        .header(header)
        .column_spacing(1)
        .block(block)
        .style(t.text);
    frame.render_widget(table, area);
    drawn
}

/// The bill's state in a line: month to date, forecast, age; or why there is none.
fn bill_line(bill: Option<&CostReport>, v: &View, t: &Theme, width: u16) -> Line<'static> {
    let Some(b) = bill else {
        let why = v
            .facts
            .problems()
            .iter()
            .find(|p| p.source == "cost")
            .map(|p| format!(" no bill: {} ", p.message))
            .unwrap_or_else(|| " Cost Explorer: not read yet ".to_string());
        return Line::styled(why, t.warn);
    };
    // What the figure covers, in words: usage at on-demand rates (what the estimate compares
    // with), the net after Savings Plans and credits beside it, whose accounts and which
    // regions. The least needed go first when the frame is narrow.
    let first = format!(
        " Cost Explorer {}–{}: usage {}",
        b.start.format("%b %-d"),
        b.end.pred_opt().unwrap_or(b.end).format("%-d"),
        format::usd(Some(b.total_usd)),
    );
    let answered = format!("answered {} ago ", format::age(b.age_s(v.now)));
    let forecast = match (b.forecast_usd, &b.forecast_problem) {
        (Some(f), _) => format!("forecast {}", format::usd(Some(f))),
        (None, Some(_)) => "no forecast".into(),
        (None, None) => String::new(),
    };
    // In the order shown; kept by rank (0 first) while they fit.
    let optional = [
        (1, format!("net {}", format::usd(Some(b.net_usd)))),
        (0, forecast),
        (2, b.scope.accounts_in_words()),
        (3, b.scope.regions.join(", ")),
    ];
    let mut room =
        usize::from(width).saturating_sub(first.chars().count() + answered.chars().count() + 3);
    let mut keep = [false; 4];
    for rank in 0..4 {
        if let Some(i) = optional.iter().position(|(r, _)| *r == rank) {
            let n = optional[i].1.chars().count() + 3;
            if !optional[i].1.is_empty() && n <= room {
                keep[i] = true;
                room -= n;
            }
        }
    }
    let mut parts = vec![first];
    parts.extend(
        optional
            .iter()
            .zip(keep)
            .filter(|(_, k)| *k)
            .map(|((_, text), _)| text.clone()),
    );
    parts.push(answered);
    let text = parts.join(" · ");
    let stale = v.facts.problems().iter().any(|p| p.source == "cost");
    Line::styled(text, if stale { t.warn } else { t.muted })
}

/// The bill's days as a sparkline, two columns a day at most.
fn daily_bars(days: Option<&[f64]>, width: u16, t: &Theme) -> Cell<'static> {
    let Some(days) = days.filter(|d| !d.is_empty()) else {
        return Cell::from("");
    };
    let values: Vec<Option<f64>> = days.iter().map(|v| Some(*v)).collect();
    let w = usize::from(width).min(values.len() * 2);
    Cell::from(format::bars(&values, w)).style(t.sparkline)
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

fn cell(col: Col, width: u16, r: &RowData, narrowed: bool, v: &View, t: &Theme) -> Cell<'static> {
    let s = r.stats;
    let get = |f: fn(&ProjectStats) -> Option<f64>| s.and_then(f);
    let rate = v.figures.stats().cost_rate(get(|p| p.est_cost_usd));
    let flagged = |on: bool| if on { t.error } else { Style::new() };
    match col {
        Col::Name => {
            let mark = if narrowed { "▸" } else { "" };
            let style = if r.name == UNTAGGED {
                t.muted
            } else {
                Style::new()
            };
            Cell::from(crate::ui::text::truncate(
                &format!("{mark}{}", r.name),
                usize::from(width),
            ))
            .style(style)
        }
        Col::Functions => right(
            s.map_or_else(|| "–".into(), |p| function_count(p.functions)),
            Style::new(),
        ),
        Col::InvPerMin => right(format::count(get(|p| p.invocations_per_min)), Style::new()),
        Col::Errors => right(
            format::count(get(|p| p.errors)),
            flagged(v.thresholds.failing(get(|p| p.error_rate))),
        ),
        Col::ErrorRate => right(
            format::percent(get(|p| p.error_rate)),
            flagged(v.thresholds.failing(get(|p| p.error_rate))),
        ),
        Col::Throttles => right(
            format::count(get(|p| p.throttles)),
            flagged(throttling(get(|p| p.throttles))),
        ),
        Col::PeakP99 => right(
            format::millis(get(|p| p.duration_p99_peak_ms)),
            Style::new(),
        ),
        Col::CostPerHour => right(format::usd(rate.per_hour), Style::new()),
        // The estimate's projection: a month at this rate.
        Col::MonthAtRate => right(format::usd(rate.month), Style::new()),
        Col::Billed => right(format::usd(r.billed.map(|g| g.mtd_usd)), Style::new()),
        Col::Daily => daily_bars(r.billed.map(|g| g.daily_usd.as_slice()), width, t),
        Col::Share => right(format::percent(get(|p| p.share)), Style::new()),
    }
}

/// The fleet's row: every project together, and the bill's total.
fn total_row(cols: &[(Col, &str, u16)], v: &View, t: &Theme) -> Row<'static> {
    let stats = v.figures.stats();
    let tot = &stats.totals;
    let rate = stats.cost_rate(tot.est_cost_usd);
    let bill = v.facts.cost();
    Row::new(cols.iter().map(|(c, _, w)| match c {
        Col::Name => Cell::from("ALL"),
        Col::Functions => right(function_count(tot.functions), Style::new()),
        Col::InvPerMin => right(format::count(tot.invocations_per_min), Style::new()),
        Col::Errors => right(format::count(tot.errors), Style::new()),
        Col::ErrorRate => right(format::percent(tot.error_rate), Style::new()),
        Col::Throttles => right(format::count(tot.throttles), Style::new()),
        Col::PeakP99 => Cell::from(""),
        Col::CostPerHour => right(format::usd(rate.per_hour), Style::new()),
        // The estimate's projection: a month at this rate.
        Col::MonthAtRate => right(format::usd(rate.month), Style::new()),
        Col::Billed => right(format::usd(bill.map(|b| b.total_usd)), Style::new()),
        Col::Daily => daily_bars(bill.map(|b| b.daily_usd.as_slice()), *w, t),
        Col::Share => right("100%".into(), Style::new()),
    }))
    .style(t.title)
}

/// Colours for projects, from the theme's chart roles: each theme maps them its own way.
fn project_palette(t: &Theme) -> [Style; 6] {
    [
        t.chart_completed,
        t.chart_duration_avg,
        t.chart_duration_p99,
        t.chart_concurrency,
        t.chart_throttles,
        t.chart_limit,
    ]
}

fn render_chart(frame: &mut Frame, area: Rect, v: &View, t: &Theme) {
    let stats = v.figures.stats();
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(Span::styled(
            format!(
                " Starts {} against the fleet ",
                format::per_period(stats.range.period())
            ),
            t.title,
        ));
    let Some(c) = v.figures.project_chart() else {
        chart::placeholder(frame, area, block, "no project selected", t);
        return;
    };
    let block = block.title(Span::styled(
        format!(
            " {} in bold · {} ",
            c.project,
            format::window(stats.window, stats.range, v.now)
        ),
        t.muted,
    ));
    // The fleet, and as many projects as the legend has room for (the selected one always),
    // each in its own colour of the theme.
    let palette = project_palette(t);
    let room = (usize::from(area.width) / 18).saturating_sub(1);
    let mut shown: Vec<&(usize, String, Vec<Option<f64>>)> = c
        .projects
        .iter()
        .take(room.clamp(1, palette.len()))
        .collect();
    if !shown.iter().any(|p| p.1 == c.project)
        && let Some(selected) = c.projects.iter().find(|p| p.1 == c.project)
    {
        shown.pop();
        shown.push(selected);
    }
    let mut series = vec![chart::Series {
        name: "fleet",
        style: t.chart_started,
        values: &c.fleet,
    }];
    for (i, name, values) in shown {
        let style = palette[i % palette.len()];
        series.push(chart::Series {
            name,
            style: if *name == c.project {
                style.add_modifier(ratatui::style::Modifier::BOLD)
            } else {
                style
            },
            values,
        });
    }
    let time = chart::Time::of(stats.range, stats.totals.provisional_from);
    chart::render(
        frame,
        area,
        block,
        time,
        &series,
        |v| format::count(Some(v)),
        t,
    );
}
