//! The latency classes view: each class against its budget (functions, invocations, errors,
//! p99, the longest wait, members over budget, share of the fleet), the selected class's
//! durations and waits on log scales with its budget as a line, and its members worst first
//! against the budget.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Row, Table};

use super::format;
use super::text::{short_region, truncate};
use super::theme::Theme;
use crate::view::{ClassesView, View};

fn right(s: String) -> Cell<'static> {
    Cell::from(Line::from(s).alignment(Alignment::Right))
}

/// A table's header: figures right-aligned, the `left` columns (names, words) left.
fn header_row(titles: &[&'static str], left: &[&str], t: &Theme) -> Row<'static> {
    Row::new(titles.iter().map(|h| {
        let align = if left.contains(h) {
            Alignment::Left
        } else {
            Alignment::Right
        };
        Cell::from(Line::from(*h).alignment(align))
    }))
    .style(t.table_header)
}

fn block<'a>(title: String, t: &Theme) -> Block<'a> {
    Block::new()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(Span::styled(title, t.title))
}

pub fn render(frame: &mut Frame, area: Rect, v: &View, c: &ClassesView, t: &Theme) {
    let stats = v.figures.stats();
    let classes = &stats.classes;
    if classes.is_empty() {
        let text = if v.facts.is_loading() {
            "loading…"
        } else {
            "no functions"
        };
        return super::chart::placeholder(
            frame,
            area,
            block(" Latency classes ".into(), t),
            text,
            t,
        );
    }
    let selected = c.selected.min(classes.len() - 1);
    let class = &classes[selected];
    let rule = v.facts.class_rule();
    let budget = rule.budget_ms(class.class);
    let members = &class.members;
    // The members' list takes at most a third of what the table leaves: the charts need room.
    let room = area.height.saturating_sub(classes.len() as u16 + 3) / 3;
    let list_rows = (members.len().clamp(1, 8) as u16).min(room.saturating_sub(3).max(2));
    let [table_area, charts, list_area] = Layout::vertical([
        Constraint::Length(classes.len() as u16 + 3),
        Constraint::Fill(1),
        Constraint::Length(list_rows + 3),
    ])
    .areas(area);

    let header = header_row(
        &[
            "CLASS", "BUDGET", "FNS", "INV", "ERR", "ERR%", "P99", "WAIT", "OVER", "SHARE",
        ],
        &["CLASS"],
        t,
    );
    let rows: Vec<Row> = classes
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let p99 = s.durations.and_then(|d| d.p99_ms);
            let over = p99.is_some_and(|p| p > rule.budget_ms(s.class)) || s.over_budget > 0;
            let style = match (i == selected, over) {
                (true, _) => t.selected,
                (false, true) => t.error,
                (false, false) => Style::new(),
            };
            Row::new(vec![
                Cell::from(s.class.as_str()),
                right(format::millis(Some(rule.budget_ms(s.class)))),
                right(s.functions.to_string()),
                right(format::count(s.invocations)),
                right(format::count(s.errors)),
                right(format::percent(s.error_rate)),
                right(format::millis(p99)),
                right(format::millis(s.wait_max_ms)),
                right(s.over_budget.to_string()),
                right(format::percent(s.share)),
            ])
            .style(style)
        })
        .collect();
    let widths = [
        Constraint::Length(10),
        Constraint::Length(7),
        Constraint::Length(4),
        Constraint::Length(7),
        Constraint::Length(6),
        Constraint::Length(5),
        Constraint::Length(7),
        Constraint::Length(7),
        Constraint::Length(4),
        Constraint::Length(5),
    ];
    let table = Table::new(rows, widths).header(header).block(
        block(
            format!(
                " Latency classes · {} ",
                format::window(stats.window, stats.range, v.now)
            ),
            t,
        )
        .title(Span::styled(
            " p99 and waits against each class's budget ",
            t.muted,
        )),
    );
    frame.render_widget(table, table_area);

    let [durations, waits] = Layout::horizontal([Constraint::Ratio(1, 2); 2]).areas(charts);
    super::histogram::render_durations(
        frame,
        durations,
        block(
            format!(" {} durations, log scales · budget ┃ ", class.class),
            t,
        ),
        class.durations.as_ref(),
        Some(budget),
        "no distribution read for its functions yet",
        t,
    );
    super::histogram::render(
        frame,
        waits,
        block(
            format!(" {} waits, function-minutes at their worst ", class.class),
            t,
        ),
        class.waits.as_ref(),
        &[],
        Some(budget),
        "none of its functions queues before it runs",
        t,
    );

    let fns = v.facts.functions();
    let header = header_row(
        &["FUNCTION", "RGN", "PROJECT", "P99", "WAIT", "USED", "BY"],
        &["FUNCTION", "RGN", "PROJECT", "BY"],
        t,
    );
    let name_width = usize::from(list_area.width.saturating_sub(50)).clamp(12, 40);
    let rows: Vec<Row> = members
        .iter()
        .take(usize::from(list_rows))
        .map(|&i| {
            let (f, s) = (&fns[i], &stats.functions[i]);
            let p99 = s.duration_p99_ms;
            let over = s.budget_used.is_some_and(|u| u > 1.0);
            Row::new(vec![
                Cell::from(truncate(&f.facts.name, name_width)),
                Cell::from(short_region(&f.facts.region)),
                Cell::from(truncate(&f.project, 10)),
                right(format::millis(p99)),
                right(format::millis(s.wait_max_ms)),
                right(format::percent(s.budget_used)),
                Cell::from(s.class_by.map_or("–", |b| b.as_str())),
            ])
            .style(if over { t.error } else { Style::new() })
        })
        .collect();
    let widths = [
        Constraint::Length(name_width as u16),
        Constraint::Length(5),
        Constraint::Length(10),
        Constraint::Length(7),
        Constraint::Length(7),
        Constraint::Length(6),
        Constraint::Length(8),
    ];
    let title = format!(
        " {} functions, worst against the budget first · {} of {} over ",
        class.class,
        class.over_budget,
        members.len()
    );
    frame.render_widget(
        Table::new(rows, widths)
            .header(header)
            .block(block(title, t)),
        list_area,
    );
}
