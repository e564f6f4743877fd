//! What a terminal below the minimum size shows instead of a broken layout.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::theme::Theme;
use super::{MIN_HEIGHT, MIN_WIDTH};

pub fn render(frame: &mut Frame, area: Rect, theme: &Theme) {
    let lines = vec![
        Line::styled("terminal too small", theme.warn),
        Line::styled(
            format!(
                "{}×{}, needs {MIN_WIDTH}×{MIN_HEIGHT} · q quits",
                area.width, area.height
            ),
            theme.muted,
        ),
    ];
    let top = area.height.saturating_sub(2) / 2;
    let area = Rect {
        y: area.y + top,
        height: area.height - top,
        ..area
    };
    frame.render_widget(
        Paragraph::new(lines)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        area,
    );
}
