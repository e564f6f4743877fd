//! Panes: pure functions from a read-only `View` (and the theme) to a frame, each returning what
//! it drew (areas, visible rows) for the app to keep. No I/O, no waiting, no state written, no
//! color literals (colors come from the theme); the view's cached figures spare them sums. The
//! panes import the view, the store and the text readers (`logtext`), never the app.

pub mod alarms;
pub mod chart;
pub mod classes;
pub mod detail;
pub mod fleet_table;
pub mod footer;
pub mod format;
pub mod header;
pub mod help;
pub mod histogram;
pub mod list_frame;
pub mod log_errors;
pub mod log_insights;
pub mod log_invocations;
pub mod log_line;
pub mod log_open;
pub mod logs;
pub mod projects;
pub mod svg;
pub mod table;
pub mod task_flow;
pub mod text;
pub mod theme;
pub mod too_small;
pub mod wrap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::widgets::Block;

use crate::view::{Body, Drawn, View};
use theme::Theme;

/// The smallest terminal the layout is designed for.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Draws the whole screen and says what was drawn where.
pub fn draw(frame: &mut Frame, v: &View, t: &Theme) -> Drawn {
    let mut drawn = Drawn::default();
    let area = frame.area();
    frame.render_widget(Block::new().style(t.text), area);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small::render(frame, area, t);
        return drawn;
    }
    let [header_area, body, footer_area] = Layout::vertical([
        Constraint::Length(header::height(v)),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    header::render(frame, header_area, v, t);
    match &v.body {
        Body::Dashboard => {
            let [table, flow] =
                Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)])
                    .areas(body);
            drawn.fleet = Some(fleet_table::render(frame, table, v, t));
            task_flow::render(frame, flow, v, t);
            drawn.flow = Some(flow);
        }
        Body::Detail(d) => detail::render(frame, body, v, d.as_ref(), t),
        Body::Logs(l) => drawn.logs = Some(logs::render(frame, body, v, l, t)),
        Body::LogErrors(e) => drawn.errors = Some(log_errors::render(frame, body, v, e, t)),
        Body::LogInvocations(i) => {
            drawn.invocations = Some(log_invocations::render(frame, body, v, i, t))
        }
        Body::LogInsights(i) => drawn.insights = Some(log_insights::render(frame, body, v, i, t)),
        Body::Projects(p) => drawn.projects = Some(projects::render(frame, body, v, p, t)),
        Body::Alarms(a) => drawn.alarms = Some(alarms::render(frame, body, v, a, t)),
        Body::Classes(c) => classes::render(frame, body, v, c, t),
    }
    footer::render(frame, footer_area, v, t);
    if let Some(h) = &v.help {
        drawn.help = Some(help::render(frame, area, v, h, t));
    }
    drawn
}
