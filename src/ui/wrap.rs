//! Styled text fitted to a width: cut into rows (wrap), or moved sideways (a horizontal
//! scroll), by display columns, so wide characters never straddle the pane's edge.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

fn width_of(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// `spans` cut into rows of at most `width` columns, at the last space of a row where there
/// is one (a word cut in two is hard to read), else where the row is full; the rows after
/// the first start with `indent` spaces (a continuation sits under the text, not under the
/// time).
pub fn wrap(spans: Vec<Span<'_>>, width: usize, indent: usize) -> Vec<Line<'static>> {
    let width = width.max(indent + 8);
    let chars: Vec<(char, Style)> = spans
        .iter()
        .flat_map(|s| s.content.chars().map(move |c| (c, s.style)))
        .collect();
    let mut rows = Vec::new();
    let mut at = 0;
    let mut first = true;
    while at < chars.len() || first {
        let lead = if first { 0 } else { indent };
        let mut used = lead;
        let mut end = at;
        let mut last_space = None;
        while end < chars.len() {
            let w = width_of(chars[end].0);
            if used + w > width {
                break;
            }
            if chars[end].0 == ' ' && end > at {
                last_space = Some(end);
            }
            used += w;
            end += 1;
        }
        // Break after the last space unless the row would lose more than half its width.
        if end < chars.len()
            && chars[end].0 != ' '
            && let Some(space) = last_space.filter(|&s| (s - at) * 2 >= width - lead)
        {
            end = space + 1;
        }
        let end = end.max(at + 1).min(chars.len());
        let mut row: Vec<Span<'static>> = Vec::new();
        if lead > 0 {
            row.push(Span::raw(" ".repeat(lead)));
        }
        let mut i = at;
        while i < end {
            let style = chars[i].1;
            let mut piece = String::new();
            while i < end && chars[i].1 == style {
                piece.push(chars[i].0);
                i += 1;
            }
            row.push(Span::styled(piece, style));
        }
        rows.push(Line::from(row));
        at = end;
        first = false;
        // A continuation does not start with the space it was cut at.
        while at < chars.len() && chars[at].0 == ' ' && !first {
            at += 1;
            if at < chars.len() && chars[at].0 != ' ' {
                break;
            }
        }
    }
    rows
}

/// `spans` with the `skip` columns after the first `keep` ones taken out: the first `keep`
/// columns (the time) stay put while the text moves left.
pub fn shift(spans: Vec<Span<'_>>, keep: usize, skip: usize) -> Line<'static> {
    let mut out: Vec<Span<'static>> = Vec::new();
    let mut at = 0;
    for span in spans {
        let style = span.style;
        let mut piece = String::new();
        for c in span.content.chars() {
            let w = width_of(c);
            if at < keep || at >= keep + skip {
                piece.push(c);
            }
            at += w;
        }
        if !piece.is_empty() {
            out.push(Span::styled(piece, style));
        }
    }
    Line::from(out)
}

/// `spans` cut to `width` columns, ending with `…` where they do not fit: a title that runs
/// out of room says so instead of stopping mid-word at the border.
pub fn clip(spans: Vec<Span<'_>>, width: usize) -> Line<'static> {
    let total: usize = spans
        .iter()
        .flat_map(|s| s.content.chars())
        .map(width_of)
        .sum();
    if total <= width {
        return Line::from(
            spans
                .into_iter()
                .map(|s| Span::styled(s.content.into_owned(), s.style))
                .collect::<Vec<_>>(),
        );
    }
    let mut out: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    let mut last = Style::new();
    'spans: for span in spans {
        let mut piece = String::new();
        for c in span.content.chars() {
            let w = width_of(c);
            if used + w + 1 > width {
                if !piece.is_empty() {
                    out.push(Span::styled(piece, span.style));
                }
                last = span.style;
                break 'spans;
            }
            piece.push(c);
            used += w;
        }
        last = span.style;
        out.push(Span::styled(piece, span.style));
    }
    if width > 0 {
        out.push(Span::styled("…", last));
    }
    Line::from(out)
}

/// A pane's title fitted between the corners of a block `width` columns wide.
pub fn title<'a>(line: impl Into<Line<'a>>, width: u16) -> Line<'static> {
    clip(line.into().spans, usize::from(width.saturating_sub(2)))
}

/// The `entries` that fit in `width` columns, whole, in their order, `gap` apart: an entry
/// that does not fit is left out rather than cut (`• still filli` reads as nothing), and a
/// later, shorter one may still go in.
pub fn fit(entries: Vec<Vec<Span<'_>>>, width: usize, gap: usize) -> Line<'static> {
    let mut out: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for entry in entries {
        let w: usize = entry
            .iter()
            .flat_map(|s| s.content.chars())
            .map(width_of)
            .sum();
        let sep = if out.is_empty() { 0 } else { gap };
        if used + sep + w > width {
            continue;
        }
        if sep > 0 {
            out.push(Span::raw(" ".repeat(sep)));
        }
        out.extend(
            entry
                .into_iter()
                .map(|s| Span::styled(s.content.into_owned(), s.style)),
        );
        used += sep + w;
    }
    Line::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(l: &Line) -> String {
        l.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn rows_fit_and_continue_under_the_text() {
        let rows = wrap(
            vec![Span::raw("12:00 "), Span::raw("abcdefghijklmnopqrstuvwxyz")],
            16,
            6,
        );
        let texts: Vec<String> = rows.iter().map(text).collect();
        assert_eq!(
            texts,
            ["12:00 abcdefghij", "      klmnopqrst", "      uvwxyz"]
        );
        // Words stay whole where a row has a space late enough.
        let rows = wrap(vec![Span::raw("Max Memory Used: 1061 MB")], 20, 2);
        assert_eq!(
            rows.iter().map(text).collect::<Vec<_>>(),
            ["Max Memory Used: ", "  1061 MB"]
        );
        // A wide character goes whole to the next row.
        let rows = wrap(vec![Span::raw("abcdefghijklmno界")], 16, 0);
        assert_eq!(
            rows.iter().map(text).collect::<Vec<_>>(),
            ["abcdefghijklmno", "界"]
        );
    }

    #[test]
    fn a_title_too_long_ends_with_an_ellipsis() {
        let spans = || vec![Span::raw(" Task flow "), Span::raw("· fleet · last 1h ")];
        assert_eq!(text(&clip(spans(), 40)), " Task flow · fleet · last 1h ");
        let cut = clip(spans(), 16);
        assert_eq!(text(&cut), " Task flow · fl…");
        assert_eq!(cut.width(), 16);
        assert_eq!(text(&clip(vec![Span::raw("界界界")], 4)), "界…");
    }

    #[test]
    fn entries_that_do_not_fit_are_left_out_whole() {
        let entries = || {
            vec![
                vec![Span::raw("━ "), Span::raw("started 12k")],
                vec![Span::raw("━ "), Span::raw("completed 12,345")],
                vec![Span::raw("• still filling")],
            ]
        };
        assert_eq!(
            text(&fit(entries(), 80, 3)),
            "━ started 12k   ━ completed 12,345   • still filling"
        );
        // Room for two: the third goes whole, never `• still filli`.
        assert_eq!(
            text(&fit(entries(), 40, 3)),
            "━ started 12k   ━ completed 12,345"
        );
        // A later, shorter entry still fits where a longer one did not.
        assert_eq!(
            text(&fit(entries(), 33, 3)),
            "━ started 12k   • still filling"
        );
    }

    #[test]
    fn a_shift_keeps_the_time_and_moves_the_text() {
        let l = shift(vec![Span::raw("12:00 "), Span::raw("abcdefgh")], 6, 3);
        assert_eq!(text(&l), "12:00 defgh");
    }
}
