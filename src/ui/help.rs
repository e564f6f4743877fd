//! The help overlay, built from the live key map so it always tells the truth.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::theme::Theme;
use crate::app::Thresholds;
use crate::app::keymap::{BINDINGS, Context};
use crate::ui::format;

pub fn lines<'a>(theme: &Theme, thresholds: &Thresholds) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    for ctx in [Context::Global, Context::Dashboard, Context::Detail] {
        lines.push(Line::styled(ctx.title().to_string(), theme.title));
        for b in BINDINGS.iter().filter(|b| b.context == ctx) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<12}", b.label), theme.key),
                Span::styled(b.help.to_string(), theme.text),
            ]));
        }
        if ctx == Context::Dashboard {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<12}", "in filter"), theme.key),
                Span::styled("type to narrow · Enter keeps · Esc clears", theme.text),
            ]));
        }
        lines.push(Line::raw(""));
    }
    lines.push(Line::styled("Highlighted rows", theme.title));
    lines.push(Line::styled(
        format!(
            "  error rate ≥ {} · any throttle · p99 ≥ {} of the timeout",
            format::percent(Some(thresholds.error_rate)),
            format::percent(Some(thresholds.p99_of_timeout))
        ),
        theme.text,
    ));
    lines.push(Line::styled(
        "  – means no data: never read it as zero",
        theme.muted,
    ));
    lines
}

pub fn render(frame: &mut Frame, area: Rect, theme: &Theme, thresholds: &Thresholds, scroll: u16) {
    let lines = lines(theme, thresholds);
    let height = (lines.len() as u16 + 2).min(area.height);
    let width = 72.min(area.width);
    let [popup] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(popup);
    // Scrolling stops when the last line is in view.
    let visible = height.saturating_sub(2);
    let max_scroll = (lines.len() as u16).saturating_sub(visible);
    let scroll = scroll.min(max_scroll);
    let more = if scroll < max_scroll {
        " ↓ j for more "
    } else {
        ""
    };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.border_focused)
        .title(Span::styled(" Help · Esc or ? to close ", theme.title))
        .title_bottom(Line::styled(more, theme.muted).right_aligned())
        .style(theme.popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).scroll((scroll, 0)).block(block),
        popup,
    );
}
