//! The help overlay, built from the live key map so it always tells the truth. On a wide
//! terminal it stands in two columns, so it fits a 48-line screen whole; on a small one it
//! scrolls, from the row the view gives.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::theme::Theme;
use crate::store::health::Thresholds;
use crate::ui::format;
use crate::view::{HelpDrawn, HelpSection, HelpView, View};

const COLUMN: u16 = 76;

fn section<'a>(section: &HelpSection, theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = vec![Line::styled(section.title.clone(), theme.title)];
    for (keys, help) in &section.rows {
        lines.push(Line::from(vec![
            Span::styled(format!("  {keys:<12}"), theme.key),
            Span::styled(help.clone(), theme.text),
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
                "  error rate ≥ {} · any throttle · peak p99 ≥ {} of the timeout · memory ≥ {}",
                format::percent(Some(thresholds.error_rate)),
                format::percent(Some(thresholds.p99_of_timeout)),
                format::percent(Some(thresholds.memory_used))
            ),
            theme.text,
        ),
        Line::styled("  – means no data: never read it as zero", theme.muted),
        Line::styled(
            "  THROT counts async retries Lambda throttled too, not only refused callers",
            theme.muted,
        ),
        Line::styled(
            "  CAP: R reserved concurrency (its own cap), P provisioned; red when its cap throttles",
            theme.muted,
        ),
        Line::styled(
            "  ALM: its alarms in ALARM, which highlight it (▲ by the name when narrow)",
            theme.muted,
        ),
    ]
}

/// The help as two columns: everywhere and the dashboard; the detail, logs, projects and the
/// legend.
pub fn columns<'a>(
    sections: &[HelpSection],
    theme: &Theme,
    thresholds: &Thresholds,
) -> [Vec<Line<'a>>; 2] {
    let mut left = Vec::new();
    let mut right = Vec::new();
    for (i, s) in sections.iter().enumerate() {
        let side = if i < 2 { &mut left } else { &mut right };
        side.extend(section(s, theme));
    }
    right.extend(legend(theme, thresholds));
    [left, right]
}

/// Draws the help over `area`; returns how many rows it has and how many were in view.
pub fn render(frame: &mut Frame, area: Rect, v: &View, h: &HelpView, theme: &Theme) -> HelpDrawn {
    let [left, right] = columns(h.sections, theme, v.thresholds);
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
    // The app keeps the scroll within the rows; the last line in view ends it.
    let visible = height.saturating_sub(2);
    let scroll = u16::try_from(h.scroll).unwrap_or(u16::MAX);
    let more = if scroll + visible < rows as u16 {
        format!(" {} for more ", v.keys.help_down)
    } else {
        String::new()
    };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.border_focused)
        .title(Span::styled(
            format!(" Help · {} to close ", v.keys.help_close),
            theme.title,
        ))
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
    HelpDrawn {
        rows,
        visible: usize::from(visible),
    }
}
