//! A drawn frame as an SVG picture: each run of cells in one style becomes a `<text>` (and a
//! `<rect>` where it has a background), in the theme's colors on the theme's background. The
//! screenshots in `screenshots/` are made this way from the real draw code.

use std::fmt::Write;

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use super::theme::Theme;

const CELL_W: f64 = 8.4;
const CELL_H: f64 = 17.0;
const FONT: &str = "'DejaVu Sans Mono', 'Menlo', 'Consolas', monospace";

/// The frame `buffer` as an SVG document.
pub fn render(buffer: &Buffer, theme: &Theme, title: &str) -> String {
    let area = buffer.area;
    let width = f64::from(area.width) * CELL_W;
    let height = f64::from(area.height) * CELL_H;
    let background = hex(theme.background, "#000000");
    let foreground = theme
        .text
        .fg
        .map_or_else(|| "#d0d0d0".to_string(), |c| hex(c, "#d0d0d0"));
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.1} {height:.1}\" font-family=\"{FONT}\" font-size=\"14\">\n<title>{}</title>\n<rect width=\"100%\" height=\"100%\" fill=\"{background}\"/>\n",
        escape(title)
    );
    for y in 0..area.height {
        let mut x = 0;
        while x < area.width {
            let cell = &buffer[(x, y)];
            let style = Look::of(cell.fg, cell.bg, cell.modifier);
            // The run of cells that share this look.
            let mut end = x + 1;
            let mut text = cell.symbol().to_string();
            while end < area.width {
                let next = &buffer[(end, y)];
                if Look::of(next.fg, next.bg, next.modifier) != style {
                    break;
                }
                text.push_str(next.symbol());
                end += 1;
            }
            let (fg, bg) = style.colors(&foreground, &background);
            let px = f64::from(x) * CELL_W;
            let py = f64::from(y) * CELL_H;
            if bg != background {
                let w = f64::from(end - x) * CELL_W;
                let _ = writeln!(
                    out,
                    "<rect x=\"{px:.1}\" y=\"{py:.1}\" width=\"{w:.1}\" height=\"{CELL_H}\" fill=\"{bg}\"/>"
                );
            }
            if !text.trim().is_empty() {
                let mut attrs = format!("fill=\"{fg}\"");
                if style.modifier.contains(Modifier::BOLD) {
                    attrs.push_str(" font-weight=\"bold\"");
                }
                if style.modifier.contains(Modifier::ITALIC) {
                    attrs.push_str(" font-style=\"italic\"");
                }
                if style.modifier.contains(Modifier::UNDERLINED) {
                    attrs.push_str(" text-decoration=\"underline\"");
                }
                if style.modifier.contains(Modifier::DIM) {
                    attrs.push_str(" opacity=\"0.6\"");
                }
                let w = f64::from(end - x) * CELL_W;
                let _ = writeln!(
                    out,
                    "<text x=\"{px:.1}\" y=\"{:.1}\" {attrs} textLength=\"{w:.1}\" lengthAdjust=\"spacingAndGlyphs\" xml:space=\"preserve\">{}</text>",
                    py + CELL_H * 0.78,
                    escape(&text)
                );
            }
            x = end;
        }
    }
    out.push_str("</svg>\n");
    out
}

/// What a cell looks like, for grouping runs.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Look {
    fg: Color,
    bg: Color,
    modifier: Modifier,
}

impl Look {
    fn of(fg: Color, bg: Color, modifier: Modifier) -> Look {
        Look { fg, bg, modifier }
    }

    fn colors(&self, foreground: &str, background: &str) -> (String, String) {
        let fg = match self.fg {
            Color::Reset => foreground.to_string(),
            c => hex(c, foreground),
        };
        let bg = match self.bg {
            Color::Reset => background.to_string(),
            c => hex(c, background),
        };
        if self.modifier.contains(Modifier::REVERSED) {
            (bg, fg)
        } else {
            (fg, bg)
        }
    }
}

/// A color as `#rrggbb`: RGB as it is, indexed and named colors by the usual xterm palette.
fn hex(c: Color, reset: &str) -> String {
    let (r, g, b) = match c {
        Color::Reset => return reset.to_string(),
        Color::Rgb(r, g, b) => (r, g, b),
        Color::Indexed(i) => indexed(i),
        Color::Black => (0, 0, 0),
        Color::Red => (205, 0, 0),
        Color::Green => (0, 205, 0),
        Color::Yellow => (205, 205, 0),
        Color::Blue => (0, 0, 238),
        Color::Magenta => (205, 0, 205),
        Color::Cyan => (0, 205, 205),
        Color::Gray => (229, 229, 229),
        Color::DarkGray => (127, 127, 127),
        Color::LightRed => (255, 85, 85),
        Color::LightGreen => (85, 255, 85),
        Color::LightYellow => (255, 255, 85),
        Color::LightBlue => (92, 92, 255),
        Color::LightMagenta => (255, 85, 255),
        Color::LightCyan => (85, 255, 255),
        Color::White => (255, 255, 255),
    };
    format!("#{r:02x}{g:02x}{b:02x}")
}

fn indexed(i: u8) -> (u8, u8, u8) {
    const BASE: [(u8, u8, u8); 16] = [
        (0, 0, 0),
        (205, 0, 0),
        (0, 205, 0),
        (205, 205, 0),
        (0, 0, 238),
        (205, 0, 205),
        (0, 205, 205),
        (229, 229, 229),
        (127, 127, 127),
        (255, 0, 0),
        (0, 255, 0),
        (255, 255, 0),
        (92, 92, 255),
        (255, 0, 255),
        (0, 255, 255),
        (255, 255, 255),
    ];
    match i {
        0..=15 => BASE[usize::from(i)],
        16..=231 => {
            let i = i - 16;
            let v = |l: u8| if l == 0 { 0 } else { 55 + 40 * l };
            (v(i / 36), v((i / 6) % 6), v(i % 6))
        }
        _ => {
            let v = 8 + 10 * (i - 232);
            (v, v, v)
        }
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    #[test]
    fn runs_of_one_style_become_one_text_with_its_colors() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 10, 1));
        buf.set_string(0, 0, "<ab>", Style::new().fg(Color::Rgb(255, 0, 0)));
        buf.set_string(
            4,
            0,
            "cd",
            Style::new()
                .bg(Color::Indexed(16 + 5))
                .add_modifier(Modifier::BOLD),
        );
        let svg = render(&buf, &Theme::default(), "t");
        assert!(svg.contains(">&lt;ab&gt;</text>"), "{svg}");
        assert!(svg.contains("fill=\"#ff0000\""));
        assert!(
            svg.contains(
                "<rect x=\"33.6\" y=\"0.0\" width=\"16.8\" height=\"17\" fill=\"#0000ff\"/>"
            ),
            "{svg}"
        );
        assert!(svg.contains("font-weight=\"bold\""));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
    }
}
