//! The task-flow graph: per minute over the window, what started (invocations), completed
//! (invocations − errors), failed and was throttled, for the fleet, a project or the selected
//! function. With room, failures get a chart of their own so a small error count is not
//! flattened under the traffic line.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

use super::chart::{self, Series};
use super::format;
use super::theme::Theme;
use crate::view::View;

/// Below this height one chart carries all four series.
const SPLIT_HEIGHT: u16 = 16;

pub fn render(frame: &mut Frame, area: Rect, v: &View, t: &Theme) {
    let flow = v.figures.flow();
    let scope = &v.flow.scope;
    let focused = v.flow.focused;
    let keys = v.keys;
    // The picked minute, while it is in the window.
    let marker = v
        .flow
        .cursor
        .filter(|m| flow.range.contains(*m))
        .map(|m| (m.0 - flow.range.first.0) as usize);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(if focused { t.border_focused } else { t.border })
        .title(Line::from(vec![
            Span::styled(" Task flow ", t.title),
            Span::styled(
                format!("· {scope} · per minute, last {} ", v.window),
                t.muted,
            ),
        ]))
        .title_bottom(match marker {
            Some(i) => cursor_line(v, i, t),
            None => Line::styled(
                format!(
                    " {}{} pick a minute · {}: fleet / project / function ",
                    keys.earlier, keys.later, keys.flow_of
                ),
                t.muted,
            )
            .right_aligned(),
        });

    if flow.started.iter().all(Option::is_none) {
        let text = if v.store.is_loading() {
            "loading…"
        } else {
            "no data in this window"
        };
        return chart::placeholder(frame, area, block, text, t);
    }

    let started = Series {
        name: "started",
        style: t.chart_started,
        values: &flow.started,
    };
    let completed = Series {
        name: "completed",
        style: t.chart_completed,
        values: &flow.completed,
    };
    let errors = Series {
        name: "errors",
        style: t.chart_errors,
        values: &flow.errors,
    };
    let timeouts = Series {
        name: "timeouts",
        style: t.chart_timeouts,
        values: &flow.timeouts,
    };
    let throttles = Series {
        name: "throttles",
        style: t.chart_throttles,
        values: &flow.throttles,
    };
    let count = |v: f64| format::count(Some(v));
    let time = chart::Time {
        marker,
        ..chart::Time::of(flow.range, flow.provisional_from)
    };

    if area.height < SPLIT_HEIGHT {
        let all = [started, completed, errors, timeouts, throttles];
        return chart::render(frame, area, block, time, &all, count, t);
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(inner);
    let (both, failures) = ([started, completed], [errors, timeouts, throttles]);
    chart::render(frame, top, Block::new(), time, &both, count, t);
    chart::render(frame, bottom, Block::new(), time, &failures, count, t);
}

/// The picked minute's figures, and what a key does with it.
fn cursor_line(v: &View, i: usize, t: &Theme) -> Line<'static> {
    let flow = v.figures.flow();
    let at = |v: &[Option<f64>]| format::count(v.get(i).copied().flatten());
    let minute = flow.range.first.plus(i as i64).start().format("%H:%M UTC");
    Line::from(vec![
        Span::styled(format!(" ▸ {minute} "), t.key),
        Span::styled(
            format!(
                "started {} · completed {} · errors {} · timeouts {} · throttles {} ",
                at(&flow.started),
                at(&flow.completed),
                at(&flow.errors),
                at(&flow.timeouts),
                at(&flow.throttles)
            ),
            t.text,
        ),
        Span::styled(
            format!("· {}: its logs · {}: drop ", v.keys.logs, v.keys.back),
            t.muted,
        ),
    ])
    .right_aligned()
}
