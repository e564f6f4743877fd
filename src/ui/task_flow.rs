//! The task-flow graph: per minute over the window, what started (invocations), completed
//! (invocations − errors), failed and was throttled, for the fleet, a project or the selected
//! function. With room, failures get a chart of their own so a small error count is not
//! flattened under the traffic line.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

use super::chart::{self, Mark, MarkKind, Series};
use super::format;
use super::theme::Theme;
use crate::store::alarms::{Transition, transitions};
use crate::store::{FunctionKey, Minute};
use crate::view::View;
use crate::view::figures::FlowScope;

/// The alarm transitions of what the flow adds up: every alarm for the fleet (what paged may
/// watch no function), those watching the project's or the function's otherwise.
fn scoped_transitions<'a>(v: &View<'a>) -> Vec<Transition<'a>> {
    let all = transitions(v.facts.alarms().iter());
    let watches = |t: &Transition, keep: &dyn Fn(&FunctionKey) -> bool| {
        t.functions
            .iter()
            .any(|f| keep(&FunctionKey::new(&t.region.region, f).in_account(t.region.account)))
    };
    match &v.flow.of {
        FlowScope::Fleet => all,
        FlowScope::Function(k) => all
            .into_iter()
            .filter(|t| watches(t, &|f| f == k))
            .collect(),
        FlowScope::Account(a) => all.into_iter().filter(|t| t.region.account == *a).collect(),
        FlowScope::Project(p) => {
            let of_project = |k: &FunctionKey| v.facts.function(k).is_some_and(|f| f.project == *p);
            all.into_iter()
                .filter(|t| watches(t, &of_project))
                .collect()
        }
    }
}

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
        .and_then(|m| flow.range.position(m));
    // Where alarms went into ALARM and out of it, inside the window.
    let changes: Vec<Transition> = scoped_transitions(v)
        .into_iter()
        .filter(|c| flow.range.contains(Minute::of(c.at)))
        .collect();
    let marks: Vec<Mark> = changes
        .iter()
        .map(|c| Mark {
            at: flow.range.position(Minute::of(c.at)).unwrap_or(0),
            kind: if c.firing {
                MarkKind::AlarmOn
            } else {
                MarkKind::AlarmOff
            },
        })
        .collect();
    // Deploys of what the flow adds up, under the alarms' lines.
    let deploys = chart::deploy_marks(&flow.deploys, flow.range);
    let marks: Vec<Mark> = deploys.iter().chain(&marks).copied().collect();
    let mut title = vec![
        Span::styled(" Task flow ", t.title),
        Span::styled(
            format!(
                "· {scope} · {}, {} ",
                format::per_period(flow.range.period()),
                format::window(v.window, flow.range, v.now)
            ),
            t.muted,
        ),
    ];
    // The newest change, named: the line on the chart says when, this says what.
    if let Some(c) = changes.last() {
        let (sign, style) = if c.firing {
            ("▲", t.error)
        } else {
            ("▽", t.ok)
        };
        let more = match changes.len() {
            1 => String::new(),
            n => format!(" (+{} more)", n - 1),
        };
        title.push(Span::styled(
            format!(
                "· {sign} {} {} {}{more} ",
                c.alarm,
                if c.firing { "ALARM" } else { "left ALARM" },
                c.at.format("%H:%M")
            ),
            style,
        ));
    }
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(if focused { t.border_focused } else { t.border })
        .title(super::wrap::title(title, area.width))
        .title_bottom(
            super::wrap::title(
                match marker {
                    Some(i) => cursor_line(v, i, t),
                    None => Line::styled(
                        format!(
                            " {}{} pick a minute · {}: fleet / project / function ",
                            keys.earlier, keys.later, keys.flow_of
                        ),
                        t.muted,
                    ),
                },
                area.width,
            )
            .right_aligned(),
        );

    if flow.started.iter().all(Option::is_none) {
        let text = if v.facts.is_loading() {
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
        marks: &marks,
        ..chart::Time::of(flow.range, flow.provisional_from)
    };

    // Failures always get an axis of their own: a few hundred errors against 25,000 starts
    // would sit on the zero line of a shared one. Short panes put them side by side.
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [work, failed] = if area.height < SPLIT_HEIGHT {
        Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(inner)
    } else {
        Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(inner)
    };
    let (both, failures) = ([started, completed], [errors, timeouts, throttles]);
    chart::render(frame, work, Block::new(), time, &both, count, t);
    chart::render(frame, failed, Block::new(), time, &failures, count, t);
}

/// The picked minute's figures, and what a key does with it.
fn cursor_line(v: &View, i: usize, t: &Theme) -> Line<'static> {
    let flow = v.figures.flow();
    let at = |v: &[Option<f64>]| format::count(v.get(i).copied().flatten());
    let period = i64::from(flow.range.period());
    let picked = flow.range.first.plus(i as i64 * period);
    // A long window's point is a period: its two ends.
    let minute = match period {
        1 => picked.start().format("%H:%M UTC").to_string(),
        _ => format!(
            "{}–{} UTC",
            picked.start().format("%H:%M"),
            picked.plus(period).start().format("%H:%M")
        ),
    };
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
