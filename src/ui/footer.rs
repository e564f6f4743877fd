//! The footer: the filter line while typing, otherwise the most useful keys of the screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::app::keymap;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    if let Some(line) = &app.ui.command_line {
        let mut spans = vec![
            Span::styled(" :", t.key),
            Span::styled(line.clone(), t.filter),
            Span::styled("█", t.filter),
        ];
        let matches = &app.ui.command_matches;
        let hint = if matches.len() > 1 {
            let shown: Vec<&str> = matches.iter().take(8).map(String::as_str).collect();
            let more = matches.len().saturating_sub(shown.len());
            let more = if more > 0 {
                format!(" +{more}")
            } else {
                String::new()
            };
            format!("   {}{more}", shown.join(" "))
        } else {
            "   Tab completes · Enter runs · Esc cancels".to_string()
        };
        spans.push(Span::styled(hint, t.muted));
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
        return;
    }
    if let Some(message) = &app.ui.message {
        let line = Line::from(vec![Span::styled(format!(" {message}"), t.warn)]);
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
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
    // Whole hints only, in the order of the key map, as many as the width holds; quit and
    // help always keep their place at the end.
    let hints: Vec<(&str, String)> = keymap::hints(context, &app.keys)
        .map(|(keys, hint)| (keys, format!(" {hint}  ")))
        .collect();
    let width_of = |(keys, text): &(&str, String)| keys.chars().count() + text.chars().count();
    // The context's own hints come first in `hints`.
    let kept = keymap::hints(context, &app.keys)
        .take_while(|h| !keymap::is_global_hint(h))
        .count();
    let global: usize = hints[kept..].iter().take(2).map(width_of).sum();
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for (i, h) in hints.iter().enumerate() {
        let room = if i < kept {
            usize::from(area.width).saturating_sub(global)
        } else {
            usize::from(area.width)
        };
        if used + width_of(h) > room {
            if i < kept {
                continue;
            }
            break;
        }
        used += width_of(h);
        spans.push(Span::styled(h.0, t.key));
        spans.push(Span::styled(h.1.clone(), t.muted));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
