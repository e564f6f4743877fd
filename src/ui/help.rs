//! The help overlay, built from the live key map so it always tells the truth. On a wide
//! terminal it stands in two columns, so it fits a 48-line screen whole; on a small one it
//! scrolls.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::theme::Theme;
use crate::app::Thresholds;
use crate::app::keymap::{BINDINGS, Context, UserKeys};
use crate::ui::format;

const COLUMN: u16 = 76;

fn section<'a>(ctx: Context, theme: &Theme, keys: &UserKeys) -> Vec<Line<'a>> {
    let mut lines = vec![Line::styled(ctx.title().to_string(), theme.title)];
    for b in BINDINGS.iter().filter(|b| b.context == ctx) {
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<12}", keys.keys(b).1), theme.key),
            Span::styled(b.help.to_string(), theme.text),
        ]));
    }
    if matches!(ctx, Context::Dashboard | Context::Logs) {
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<12}", "in filter"), theme.key),
            Span::styled("type to narrow · Enter keeps · Esc clears", theme.text),
        ]));
    }
    lines.push(Line::raw(""));
    lines
}

fn legend<'a>(theme: &Theme, thresholds: &Thresholds) -> Vec<Line<'a>> {
    vec![
        Line::styled("Highlighted rows", theme.title),
        Line::styled(
            format!(
                "  error rate ≥ {} · any throttle · p99 ≥ {} of the timeout · memory ≥ {}",
                format::percent(Some(thresholds.error_rate)),
                format::percent(Some(thresholds.p99_of_timeout)),
                format::percent(Some(thresholds.memory_used))
            ),
            theme.text,
        ),
        Line::styled("  – means no data: never read it as zero", theme.muted),
    ]
}

/// The help as two columns: everywhere and the dashboard; the detail, logs, projects and the
/// legend.
pub fn columns<'a>(theme: &Theme, thresholds: &Thresholds, keys: &UserKeys) -> [Vec<Line<'a>>; 2] {
    let mut left = section(Context::Global, theme, keys);
    left.extend(section(Context::Dashboard, theme, keys));
    let mut right = section(Context::Detail, theme, keys);
    right.extend(section(Context::Logs, theme, keys));
    right.extend(section(Context::Projects, theme, keys));
    right.extend(legend(theme, thresholds));
    [left, right]
}

pub fn render(frame: &mut Frame, area: Rect, app: &crate::app::App) {
    let (theme, scroll) = (&app.theme, app.ui.help_scroll);
    let [left, right] = columns(theme, &app.thresholds, &app.keys);
    let two = area.width >= 2 * COLUMN + 2;
    let (width, rows) = if two {
        (2 * COLUMN + 2, left.len().max(right.len()))
    } else {
        (COLUMN.min(area.width), left.len() + right.len())
    };
    let height = (rows as u16 + 2).min(area.height);
    let [popup] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(popup);
    // Scrolling stops when the last line is in view.
    let visible = height.saturating_sub(2);
    let max_scroll = (rows as u16).saturating_sub(visible);
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
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    if two {
        let [l, r] = Layout::horizontal([Constraint::Length(COLUMN), Constraint::Length(COLUMN)])
            .spacing(2)
            .areas(inner);
        frame.render_widget(Paragraph::new(left).scroll((scroll, 0)), l);
        frame.render_widget(Paragraph::new(right).scroll((scroll, 0)), r);
    } else {
        let mut all = left;
        all.extend(right);
        frame.render_widget(Paragraph::new(all).scroll((scroll, 0)), inner);
    }
}
