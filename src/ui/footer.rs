//! The footer: the filter line while typing, otherwise the most useful keys of the screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::app::keymap;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    if app.ui.filter_editing {
        let line = Line::from(vec![
            Span::styled(" /", t.key),
            Span::styled(app.filter_text().to_string(), t.filter),
            Span::styled("█", t.filter),
            Span::styled("   Enter keep · Esc clear · ↑↓ move", t.muted),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    let context = app.context();
    // Whole hints only, in the order of the key map, as many as the width holds.
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for (keys, hint) in keymap::hints(context) {
        let text = format!(" {hint}  ");
        let width = keys.chars().count() + text.chars().count();
        if used + width > usize::from(area.width) {
            break;
        }
        used += width;
        spans.push(Span::styled(keys, t.key));
        spans.push(Span::styled(text, t.muted));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
