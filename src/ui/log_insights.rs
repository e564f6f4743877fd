//! The Logs Insights view of the log pane: the query asked over the pane's log groups and the
//! window, then its answer as a table — one column a field, fitted to what the values hold —
//! with what it scanned and what that cost. Until the answer is in, how long it has run.

use chrono::{TimeZone, Utc};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};

use super::format;
use super::text::truncate;
use super::theme::Theme;
use crate::store::insights::{InsightsAnswer, QueryState};
use crate::view::{InsightsView, TableDrawn, View};

/// A column is never fitted wider than this, but the last one takes what is left.
const COLUMN_MAX: usize = 48;
/// Nor narrower than this, while columns are squeezed to fit.
const COLUMN_MIN: usize = 6;

pub fn render(
    frame: &mut Frame,
    area: Rect,
    _v: &View,
    iv: &InsightsView,
    t: &Theme,
) -> TableDrawn {
    let answer = iv.result.and_then(|r| r.answer.as_ref());
    let error = iv.result.and_then(|r| r.error.as_deref());
    // How the query stands first: a narrow terminal cuts the title's end.
    let mut title = vec![Span::styled(" Logs Insights ", t.title)];
    match (iv.result, answer) {
        (None, _) => title.push(Span::styled(
            format!("· running {}s ", iv.waited_secs),
            t.warn,
        )),
        (Some(_), Some(a)) => {
            let style = match a.state {
                QueryState::Complete => t.ok,
                _ => t.warn,
            };
            title.push(Span::styled(format!("· {} ", a.state.word()), style));
            title.push(Span::styled(format!("· {} rows ", a.rows.len()), t.muted));
        }
        (Some(_), None) => title.push(Span::styled("· failed ", t.error)),
    }
    title.push(Span::styled(format!("· {} ", iv.label), t.muted));
    title.push(Span::styled(
        format!("· {} ", span_of(iv.from_ms, iv.to_ms)),
        t.muted,
    ));
    // Header, query line, border: three rows besides the table's.
    let rows_visible = usize::from(area.height.saturating_sub(4)).max(1);
    let drawn = TableDrawn {
        area,
        first: iv.offset,
        rows: rows_visible,
    };
    let mut block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border_focused)
        .title(super::wrap::title(Line::from(title), area.width));
    if let Some(a) = answer {
        block = block.title_bottom(super::wrap::title(
            Line::styled(scanned(a), t.muted),
            area.width,
        ));
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 {
        return drawn;
    }
    let query = if iv.asked == iv.query {
        iv.query.to_string()
    } else {
        format!("{}: {}", iv.asked, iv.query)
    };
    let query_area = Rect { height: 1, ..inner };
    frame.render_widget(
        Paragraph::new(Line::styled(
            truncate(&query, usize::from(inner.width)),
            t.muted,
        )),
        query_area,
    );
    let body = Rect {
        y: inner.y + 1,
        height: inner.height.saturating_sub(1),
        ..inner
    };
    let Some(a) = answer else {
        let (text, style) = match error {
            Some(e) => (e.to_string(), t.error),
            None => (
                format!(
                    "running for {}s: Logs Insights answers in seconds to minutes",
                    iv.waited_secs
                ),
                t.muted,
            ),
        };
        let p = Paragraph::new(Line::styled(text, style))
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true });
        frame.render_widget(p, body);
        return drawn;
    };
    // A partial answer says why at the foot of the rows.
    let (body, note) = match error {
        Some(e) if body.height > 2 => (
            Rect {
                height: body.height - 1,
                ..body
            },
            Some((
                e,
                Rect {
                    y: body.y + body.height - 1,
                    height: 1,
                    ..body
                },
            )),
        ),
        _ => (body, None),
    };
    if let Some((e, at)) = note {
        frame.render_widget(
            Paragraph::new(Line::styled(truncate(e, usize::from(at.width)), t.error)),
            at,
        );
    }
    if a.rows.is_empty() {
        let text = if a.state.is_final() {
            "no record matched the query in this window"
        } else {
            "no record yet: the query still runs"
        };
        frame.render_widget(
            Paragraph::new(Line::styled(text, t.muted)).alignment(Alignment::Center),
            body,
        );
        return drawn;
    }
    let widths = fit(a, usize::from(body.width));
    let header = Row::new(
        widths
            .iter()
            .enumerate()
            .map(|(i, w)| Cell::from(truncate(&a.fields[i], *w)).style(t.table_header)),
    );
    let offset = iv.offset.min(a.rows.len());
    let page = usize::from(body.height.saturating_sub(1)).max(1);
    let shown = a.rows.len().min(offset + page) - offset;
    let rows = a.rows[offset..offset + shown]
        .iter()
        .enumerate()
        .map(|(n, row)| {
            let style = if offset + n == iv.selected {
                t.text.patch(t.selected)
            } else {
                t.text
            };
            Row::new(
                widths
                    .iter()
                    .enumerate()
                    .map(|(i, w)| Cell::from(truncate(row.get(i).map_or("", String::as_str), *w))),
            )
            .style(style)
        });
    let constraints: Vec<Constraint> = widths
        .iter()
        .map(|w| Constraint::Length(*w as u16))
        .collect();
    let position = format!(" {}-{} of {} ", offset + 1, offset + shown, a.rows.len());
    let table = Table::new(rows, constraints)
        .header(header)
        .column_spacing(1)
        .style(t.text);
    frame.render_widget(table, body);
    let pos_area = Rect {
        x: area.x
            + area
                .width
                .saturating_sub(position.chars().count() as u16 + 1),
        y: area.y + area.height.saturating_sub(1),
        width: (position.chars().count() as u16).min(area.width),
        height: 1,
    };
    if area.height > 1 {
        frame.render_widget(Paragraph::new(Line::styled(position, t.muted)), pos_area);
    }
    drawn
}

/// "14:05–15:05 UTC", the window the query covered.
fn span_of(from_ms: i64, to_ms: i64) -> String {
    let at = |ms: i64| {
        Utc.timestamp_millis_opt(ms)
            .single()
            .map_or("–".into(), |t| t.format("%H:%M").to_string())
    };
    format!("{}–{} UTC", at(from_ms), at(to_ms))
}

/// " scanned 1.2 MB ($0.0000060) · 120 of 4,000 records matched "; unknown figures as –.
fn scanned(a: &InsightsAnswer) -> String {
    format!(
        " scanned {} ({}) · {} of {} records matched ",
        format::bytes(a.bytes_scanned),
        format::usd(a.cost_usd()),
        format::count(a.records_matched),
        format::count(a.records_scanned),
    )
}

/// The columns' widths in `width`: each as wide as its title and values (up to
/// `COLUMN_MAX`), the widest squeezed first when they do not fit, columns that still do not
/// fit left out from the right; the last column shown takes the room left.
fn fit(a: &InsightsAnswer, width: usize) -> Vec<usize> {
    let mut widths: Vec<usize> = a
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            a.rows
                .iter()
                .take(500)
                .map(|r| r.get(i).map_or(0, |v| v.chars().count()))
                .chain([f.chars().count()])
                .max()
                .unwrap_or(0)
                .clamp(1, COLUMN_MAX)
        })
        .collect();
    let total = |w: &[usize]| w.iter().sum::<usize>() + w.len().saturating_sub(1);
    while total(&widths) > width {
        let (i, &widest) = widths
            .iter()
            .enumerate()
            .max_by_key(|(_, w)| **w)
            .unwrap_or((0, &0));
        if widest > COLUMN_MIN {
            widths[i] = widest - 1;
        } else if widths.len() > 1 {
            widths.pop();
        } else {
            widths[0] = width;
            break;
        }
    }
    let spare = width.saturating_sub(total(&widths));
    if let Some(last) = widths.last_mut() {
        *last += spare;
    }
    widths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_fit_their_values_and_the_last_takes_the_rest() {
        let mut a = InsightsAnswer::empty(QueryState::Complete);
        a.push_record([
            ("@timestamp", "2026-12-04 10:00:00.000"),
            ("@message", "x".repeat(200).as_str()),
        ]);
        assert_eq!(fit(&a, 100), vec![23, 76]);
        assert_eq!(fit(&a, 30).iter().sum::<usize>() + 1, 30);
    }
}
