//! Themes: semantic styles (`theme.error`, `theme.muted`) read from TOML files in `themes/`.
//! Panes ask for roles, never for colors, so a theme file changes every color the UI shows.
//! A theme is then fitted to the terminal: no color at all (`NO_COLOR`, `--no-color`), 256 or
//! 16 colors, and block instead of braille charts for fonts without braille.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use serde::Deserialize;

/// The built-in default theme, compiled in so the binary needs no files at run time.
pub const DARK_TOML: &str = include_str!("../../themes/dark.toml");

/// Every built-in theme, by name, compiled in.
pub const BUILT_IN: [(&str, &str); 4] = [
    ("dark", DARK_TOML),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    (
        "solarized-dark",
        include_str!("../../themes/solarized-dark.toml"),
    ),
];

/// Where user themes live: `~/.config/lambdatop/themes/NAME.toml` (none without a home).
pub fn user_dir() -> Option<std::path::PathBuf> {
    dirs::config_dir().map(|d| d.join("lambdatop").join("themes"))
}

/// Every theme `--theme` and `:theme` take: the built-in ones, then the user's.
pub fn names() -> Vec<String> {
    let mut names: Vec<String> = BUILT_IN.iter().map(|(n, _)| n.to_string()).collect();
    if let Some(Ok(dir)) = user_dir().map(std::fs::read_dir) {
        names.extend(dir.flatten().filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            name.strip_suffix(".toml").map(str::to_string)
        }));
    }
    names
}

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    /// The terminal background the theme is made for: screenshots draw on it; the dashboard
    /// leaves the terminal's own.
    pub background: Color,
    /// How charts draw their lines: braille, or blocks for fonts without braille.
    pub chart_marker: Marker,
    pub text: Style,
    pub muted: Style,
    pub title: Style,
    pub border: Style,
    pub border_focused: Style,
    pub header: Style,
    pub brand: Style,
    pub demo_badge: Style,
    pub aws_badge: Style,
    /// The badge of a window in the past.
    pub past_badge: Style,
    pub ok: Style,
    pub warn: Style,
    pub error: Style,
    pub table_header: Style,
    pub selected: Style,
    pub breach_row: Style,
    pub sparkline: Style,
    pub axis: Style,
    pub chart_started: Style,
    pub chart_completed: Style,
    pub chart_errors: Style,
    pub chart_throttles: Style,
    pub chart_timeouts: Style,
    pub chart_duration_avg: Style,
    pub chart_duration_p99: Style,
    pub chart_concurrency: Style,
    pub chart_limit: Style,
    pub key: Style,
    pub filter: Style,
    pub popup: Style,
}

#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("{0}")]
    Syntax(String),
    #[error("role '{0}' is missing")]
    Missing(&'static str),
    #[error("unknown role '{0}'")]
    Unknown(String),
    #[error("role '{role}': {message}")]
    Value { role: String, message: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: String,
    background: Option<String>,
    roles: BTreeMap<String, RoleSpec>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RoleSpec {
    Fg(String),
    Full {
        fg: Option<String>,
        bg: Option<String>,
        #[serde(default)]
        bold: bool,
        #[serde(default)]
        dim: bool,
        #[serde(default)]
        italic: bool,
        #[serde(default)]
        underlined: bool,
        #[serde(default)]
        reversed: bool,
    },
}

fn color(role: &str, s: &str) -> Result<Color, ThemeError> {
    Color::from_str(s).map_err(|_| ThemeError::Value {
        role: role.to_string(),
        message: format!("'{s}' is not a color (a name, #rrggbb or 0-255)"),
    })
}

fn style(role: &str, spec: &RoleSpec) -> Result<Style, ThemeError> {
    Ok(match spec {
        RoleSpec::Fg(c) => Style::new().fg(color(role, c)?),
        RoleSpec::Full {
            fg,
            bg,
            bold,
            dim,
            italic,
            underlined,
            reversed,
        } => {
            let mut s = Style::new();
            if let Some(c) = fg {
                s = s.fg(color(role, c)?);
            }
            if let Some(c) = bg {
                s = s.bg(color(role, c)?);
            }
            for (on, m) in [
                (bold, Modifier::BOLD),
                (dim, Modifier::DIM),
                (italic, Modifier::ITALIC),
                (underlined, Modifier::UNDERLINED),
                (reversed, Modifier::REVERSED),
            ] {
                if *on {
                    s = s.add_modifier(m);
                }
            }
            s
        }
    })
}

macro_rules! roles {
    ($($role:ident),* $(,)?) => {
        impl Theme {
            /// Parses a theme file. Every role must be given, and no other.
            pub fn from_toml(text: &str) -> Result<Theme, ThemeError> {
                let file: ThemeFile =
                    toml::from_str(text).map_err(|e| ThemeError::Syntax(e.message().to_string()))?;
                if let Some(unknown) = file
                    .roles
                    .keys()
                    .find(|k| ![$(stringify!($role)),*].contains(&k.as_str()))
                {
                    return Err(ThemeError::Unknown(unknown.clone()));
                }
                let get = |role: &'static str| -> Result<Style, ThemeError> {
                    style(role, file.roles.get(role).ok_or(ThemeError::Missing(role))?)
                };
                let background = match &file.background {
                    Some(c) => color("background", c)?,
                    None => Color::Black,
                };
                Ok(Theme {
                    name: file.name.clone(),
                    background,
                    chart_marker: Marker::Braille,
                    $($role: get(stringify!($role))?,)*
                })
            }

            /// Every role with its style, for whatever must treat them all alike.
            fn roles_mut(&mut self) -> Vec<(&'static str, &mut Style)> {
                vec![$((stringify!($role), &mut self.$role)),*]
            }
        }
    };
}

roles!(
    text,
    muted,
    title,
    border,
    border_focused,
    header,
    brand,
    demo_badge,
    aws_badge,
    past_badge,
    ok,
    warn,
    error,
    table_header,
    selected,
    breach_row,
    sparkline,
    axis,
    chart_started,
    chart_completed,
    chart_errors,
    chart_throttles,
    chart_timeouts,
    chart_duration_avg,
    chart_duration_p99,
    chart_concurrency,
    chart_limit,
    key,
    filter,
    popup,
);

impl Default for Theme {
    fn default() -> Self {
        Theme::from_toml(DARK_TOML).expect("the built-in dark theme parses")
    }
}

/// How many colors the terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorDepth {
    None,
    Ansi16,
    Ansi256,
    TrueColor,
}

impl ColorDepth {
    /// From the environment: `NO_COLOR` (any value), then `COLORTERM`, then `TERM`.
    pub fn detect(env: impl Fn(&str) -> Option<String>) -> ColorDepth {
        if env("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            return ColorDepth::None;
        }
        let colorterm = env("COLORTERM").unwrap_or_default().to_ascii_lowercase();
        if colorterm.contains("truecolor") || colorterm.contains("24bit") {
            return ColorDepth::TrueColor;
        }
        let term = env("TERM").unwrap_or_default().to_ascii_lowercase();
        if term == "dumb" {
            ColorDepth::None
        } else if term.contains("256color") || term.contains("direct") {
            ColorDepth::Ansi256
        } else if term.is_empty() || term == "xterm" || term.starts_with("tmux") {
            // Most of today's terminals: 256 colors is the safe guess.
            ColorDepth::Ansi256
        } else {
            ColorDepth::Ansi16
        }
    }
}

impl Theme {
    /// A built-in theme by name, a user theme from `user_dir` (`NAME.toml`), or a theme file
    /// when `name` is a path. Errors are one line naming the file, the line and the problem.
    pub fn load(name: &str, user_dir: Option<&Path>) -> Result<Theme, String> {
        if let Some((_, text)) = BUILT_IN.iter().find(|(n, _)| *n == name) {
            return Theme::from_toml(text).map_err(|e| format!("built-in theme {name}: {e}"));
        }
        let is_path = name.contains('/') || name.ends_with(".toml");
        let path = if is_path {
            std::path::PathBuf::from(name)
        } else {
            match user_dir.map(|d| d.join(format!("{name}.toml"))) {
                Some(p) if p.exists() => p,
                _ => {
                    let names: Vec<&str> = BUILT_IN.iter().map(|(n, _)| *n).collect();
                    return Err(format!(
                        "unknown theme '{name}': the built-in ones are {}, or give a theme file's path",
                        names.join(", ")
                    ));
                }
            }
        };
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("theme file {}: {e}", path.display()))?;
        Theme::from_toml(&text).map_err(|e| {
            let at = line_of(&text, &e).map_or(String::new(), |n| format!("line {n}: "));
            format!("theme file {}: {at}{e}", path.display())
        })
    }

    /// The theme as the terminal can show it.
    pub fn fitted(mut self, depth: ColorDepth, block_charts: bool) -> Theme {
        if block_charts {
            self.chart_marker = Marker::HalfBlock;
        }
        match depth {
            ColorDepth::TrueColor => self,
            ColorDepth::Ansi256 => self.map_colors(to_256),
            ColorDepth::Ansi16 => self.map_colors(to_16),
            ColorDepth::None => self.without_color(),
        }
    }

    fn map_colors(mut self, f: fn(Color) -> Color) -> Theme {
        for (_, s) in self.roles_mut() {
            s.fg = s.fg.map(f);
            s.bg = s.bg.map(f);
        }
        self.background = f(self.background);
        self
    }

    /// No color at all: emphasis by bold, underline and reverse, where color carried meaning.
    pub fn without_color(mut self) -> Theme {
        for (role, s) in self.roles_mut() {
            let had_bg = s.bg.is_some();
            *s = Style::new()
                .add_modifier(s.add_modifier)
                .remove_modifier(Modifier::DIM);
            let extra = match role {
                "error" | "breach_row" => Modifier::BOLD | Modifier::UNDERLINED,
                "warn" | "key" | "filter" | "title" | "brand" | "chart_timeouts" => Modifier::BOLD,
                "selected" | "demo_badge" | "aws_badge" | "past_badge" => {
                    Modifier::REVERSED | Modifier::BOLD
                }
                "table_header" => Modifier::BOLD | Modifier::UNDERLINED,
                _ if had_bg => Modifier::REVERSED,
                _ => Modifier::empty(),
            };
            *s = s.add_modifier(extra);
        }
        // The popup is drawn over the screen: without a background it must not reverse.
        self.popup = Style::new();
        self.background = Color::Reset;
        self
    }
}

/// The line of `text` a theme error is about: the role's line, when it names one.
fn line_of(text: &str, e: &ThemeError) -> Option<usize> {
    let role = match e {
        ThemeError::Unknown(r) => r.as_str(),
        ThemeError::Value { role, .. } => role.as_str(),
        ThemeError::Missing(_) | ThemeError::Syntax(_) => return None,
    };
    super::text::line_of_key(text, role)
}

/// The xterm 256-color index nearest an RGB color (the 6×6×6 cube or the gray ramp).
fn to_256(c: Color) -> Color {
    let Color::Rgb(r, g, b) = c else { return c };
    let level = |v: u8| -> u8 {
        if v < 48 {
            0
        } else if v < 115 {
            1
        } else {
            (v - 35) / 40
        }
    };
    let (lr, lg, lb) = (level(r), level(g), level(b));
    let value = |l: u8| if l == 0 { 0 } else { 55 + 40 * u16::from(l) } as i32;
    let cube = 16 + 36 * lr + 6 * lg + lb;
    let cube_err = dist((r, g, b), (value(lr), value(lg), value(lb)));
    let avg = (u16::from(r) + u16::from(g) + u16::from(b)) / 3;
    let gray = (avg.saturating_sub(3) / 10).min(23) as u8;
    let gray_v = 8 + 10 * i32::from(gray);
    if dist((r, g, b), (gray_v, gray_v, gray_v)) < cube_err {
        Color::Indexed(232 + gray)
    } else {
        Color::Indexed(cube)
    }
}

fn dist((r, g, b): (u8, u8, u8), (x, y, z): (i32, i32, i32)) -> i32 {
    let d = |a: u8, b: i32| (i32::from(a) - b).pow(2);
    d(r, x) + d(g, y) + d(b, z)
}

/// The nearest of the 16 ANSI colors, by hue and lightness (RGB distance would turn a soft
/// green gray): grays by lightness, colors by the nearest of the six hues, light when light.
fn to_16(c: Color) -> Color {
    let rgb = match c {
        Color::Rgb(r, g, b) => (r, g, b),
        Color::Indexed(i) if i >= 16 => {
            // Back to RGB through the cube or the gray ramp, then to 16.
            let i = i - 16;
            if i >= 216 {
                let v = 8 + 10 * (i - 216);
                (v, v, v)
            } else {
                let v = |l: u8| if l == 0 { 0 } else { 55 + 40 * l };
                (v(i / 36), v((i / 6) % 6), v(i % 6))
            }
        }
        other => return other,
    };
    let (r, g, b) = (f64::from(rgb.0), f64::from(rgb.1), f64::from(rgb.2));
    let (max, min) = (r.max(g).max(b), r.min(g).min(b));
    let lightness = (max + min) / 2.0 / 255.0;
    if max - min < 40.0 {
        return match lightness {
            l if l < 0.2 => Color::Black,
            l if l < 0.5 => Color::DarkGray,
            l if l < 0.85 => Color::Gray,
            _ => Color::White,
        };
    }
    let d = max - min;
    let hue = if max == r {
        60.0 * ((g - b) / d).rem_euclid(6.0)
    } else if max == g {
        60.0 * ((b - r) / d + 2.0)
    } else {
        60.0 * ((r - g) / d + 4.0)
    };
    let light = lightness >= 0.55;
    let sector = ((hue + 30.0) / 60.0) as usize % 6;
    let (dark, bright) = [
        (Color::Red, Color::LightRed),
        (Color::Yellow, Color::LightYellow),
        (Color::Green, Color::LightGreen),
        (Color::Cyan, Color::LightCyan),
        (Color::Blue, Color::LightBlue),
        (Color::Magenta, Color::LightMagenta),
    ][sector];
    if light { bright } else { dark }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_theme_parses_with_its_roles() {
        let t = Theme::default();
        assert_eq!(t.name, "dark");
        assert_eq!(t.error.fg, Some(Color::from_str("#ff5f5f").unwrap()));
        assert!(t.error.add_modifier.contains(Modifier::BOLD));
    }

    #[test]
    fn every_built_in_theme_parses() {
        for (name, _) in BUILT_IN {
            let t = Theme::load(name, None).unwrap();
            assert_eq!(t.name, name);
        }
        let e = Theme::load("neon", None).unwrap_err();
        assert!(
            e.starts_with("unknown theme 'neon': the built-in ones are dark, light"),
            "{e}"
        );
    }

    #[test]
    fn a_bad_theme_file_names_the_file_and_the_line() {
        let path =
            std::env::temp_dir().join(format!("lambdatop-theme-{}.toml", std::process::id()));
        std::fs::write(
            &path,
            DARK_TOML.replace("warn = \"#ffd75f\"", "warn = \"#ffd75\""),
        )
        .unwrap();
        let e = Theme::load(path.to_str().unwrap(), None).unwrap_err();
        let line = DARK_TOML
            .lines()
            .position(|l| l.starts_with("warn "))
            .unwrap()
            + 1;
        assert_eq!(
            e,
            format!(
                "theme file {}: line {line}: role 'warn': '#ffd75' is not a color (a name, #rrggbb or 0-255)",
                path.display()
            )
        );
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn colors_degrade_to_what_the_terminal_has() {
        assert_eq!(to_256(Color::Rgb(255, 95, 95)), Color::Indexed(203));
        assert_eq!(to_256(Color::Rgb(48, 54, 61)), Color::Indexed(237));
        assert_eq!(to_16(Color::Rgb(255, 95, 95)), Color::LightRed);
        assert_eq!(to_16(Color::Rgb(95, 215, 135)), Color::LightGreen);
        let t = Theme::default().fitted(ColorDepth::Ansi16, false);
        for (_, s) in t.clone().roles_mut() {
            for c in [s.fg, s.bg].into_iter().flatten() {
                assert!(!matches!(c, Color::Rgb(..) | Color::Indexed(_)), "{c:?}");
            }
        }
        let none = Theme::default().without_color();
        for (_, s) in none.clone().roles_mut() {
            assert_eq!((s.fg, s.bg), (None, None));
        }
        assert!(none.error.add_modifier.contains(Modifier::UNDERLINED));
        assert!(none.selected.add_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn the_environment_tells_the_color_depth() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            ColorDepth::detect(env(&[("NO_COLOR", "1"), ("COLORTERM", "truecolor")])),
            ColorDepth::None
        );
        assert_eq!(
            ColorDepth::detect(env(&[("COLORTERM", "truecolor")])),
            ColorDepth::TrueColor
        );
        assert_eq!(
            ColorDepth::detect(env(&[("TERM", "xterm-256color")])),
            ColorDepth::Ansi256
        );
        assert_eq!(
            ColorDepth::detect(env(&[("TERM", "linux")])),
            ColorDepth::Ansi16
        );
        assert_eq!(
            ColorDepth::detect(env(&[("TERM", "dumb")])),
            ColorDepth::None
        );
    }

    #[test]
    fn bad_theme_files_say_what_is_wrong() {
        let missing = Theme::from_toml("name = \"x\"\n[roles]\ntext = \"red\"\n").unwrap_err();
        assert_eq!(missing.to_string(), "role 'muted' is missing");
        let bad = DARK_TOML.replace("text = \"#d0d0d0\"", "text = \"#zzz\"");
        assert_eq!(
            Theme::from_toml(&bad).unwrap_err().to_string(),
            "role 'text': '#zzz' is not a color (a name, #rrggbb or 0-255)"
        );
        let unknown = format!("{DARK_TOML}\nsparkle = \"red\"\n");
        assert_eq!(
            Theme::from_toml(&unknown).unwrap_err().to_string(),
            "unknown role 'sparkle'"
        );
    }
}
