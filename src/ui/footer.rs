//! The footer: the prompt being typed (the `/` filter, the `:` line) with its keys, a one-line
//! message, or else the screen's most useful keys. Every key it names comes from the key map.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::view::{Footer, Hint, View};

/// Matches of the command line shown, at most.
const MATCHES_SHOWN: usize = 8;

/// A prompt's keys in one line: "Tab completes · Enter runs · Esc cancels".
fn prompt_keys(hints: &[Hint]) -> String {
    let parts: Vec<String> = hints
        .iter()
        .map(|h| format!("{} {}", h.keys, h.text))
        .collect();
    format!("   {}", parts.join(" · "))
}

pub fn render(frame: &mut Frame, area: Rect, v: &View, t: &Theme) {
    let line = match &v.footer {
        Footer::Command {
            line,
            matches,
            hints,
        } => {
            let hint = if matches.len() > 1 {
                let shown: Vec<&str> = matches
                    .iter()
                    .take(MATCHES_SHOWN)
                    .map(String::as_str)
                    .collect();
                let more = matches.len().saturating_sub(shown.len());
                let more = if more > 0 {
                    format!(" +{more}")
                } else {
                    String::new()
                };
                format!("   {}{more}", shown.join(" "))
            } else {
                prompt_keys(hints)
            };
            // A line longer than the footer (a Logs Insights query) shows its end, where
            // the typing is.
            let room = usize::from(area.width).saturating_sub(4);
            let len = line.chars().count();
            let line = if len > room {
                let tail: String = line.chars().skip(len - room.saturating_sub(1)).collect();
                format!("…{tail}")
            } else {
                line.to_string()
            };
            Line::from(vec![
                Span::styled(" :", t.key),
                Span::styled(line, t.filter),
                Span::styled("█", t.filter),
                Span::styled(hint, t.muted),
            ])
        }
        Footer::Message(message) => Line::from(vec![Span::styled(format!(" {message}"), t.warn)]),
        Footer::Filter { text, hints } => Line::from(vec![
            Span::styled(" /", t.key),
            Span::styled(text.to_string(), t.filter),
            Span::styled("█", t.filter),
            Span::styled(prompt_keys(hints), t.muted),
        ]),
        Footer::Hints(hints) => hint_line(hints, area.width, t),
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// Whole hints only, in the order of the key map, as many as the width holds; quit and help
/// (the first two global ones) always keep their place at the end.
fn hint_line<'a>(hints: &'a [Hint], width: u16, t: &Theme) -> Line<'a> {
    let width_of = |h: &Hint| h.keys.chars().count() + h.text.chars().count() + 3;
    let kept = hints.iter().take_while(|h| !h.global).count();
    let global: usize = hints[kept..].iter().take(2).map(width_of).sum();
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for (i, h) in hints.iter().enumerate() {
        let room = if i < kept {
            usize::from(width).saturating_sub(global)
        } else {
            usize::from(width)
        };
        if used + width_of(h) > room {
            if i < kept {
                continue;
            }
            break;
        }
        used += width_of(h);
        spans.push(Span::styled(h.keys.as_str(), t.key));
        spans.push(Span::styled(format!(" {}  ", h.text), t.muted));
    }
    Line::from(spans)
}
