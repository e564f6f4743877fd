//! Panes: pure functions from the app's read-only state to a frame. No I/O, no waiting, no
//! color literals (colors come from the theme); the cached view spares them recomputing sums.

pub mod chart;
pub mod detail;
pub mod fleet_table;
pub mod footer;
pub mod format;
pub mod header;
pub mod help;
pub mod logs;
pub mod projects;
pub mod svg;
pub mod task_flow;
pub mod theme;
pub mod too_small;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::widgets::Block;

use crate::app::{App, Screen};

/// The smallest terminal the layout is designed for.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    frame.render_widget(Block::new().style(app.theme.text), area);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small::render(frame, area, &app.theme);
        return;
    }
    let [header_area, body, footer_area] = Layout::vertical([
        Constraint::Length(header::height(app)),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    header::render(frame, header_area, app);
    match app.ui.screen {
        Screen::Dashboard => {
            let [table, flow] =
                Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)])
                    .areas(body);
            fleet_table::render(frame, table, app);
            task_flow::render(frame, flow, app);
        }
        Screen::Detail(_) => detail::render(frame, body, app),
        Screen::Logs { .. } => logs::render(frame, body, app),
        Screen::Projects => projects::render(frame, body, app),
    }
    footer::render(frame, footer_area, app);
    if app.ui.help {
        help::render(frame, area, app);
    }
}
