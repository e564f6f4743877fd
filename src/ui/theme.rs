//! Themes: semantic styles (`theme.error`, `theme.muted`) read from TOML files in `themes/`.
//! Panes ask for roles, never for colors, so a theme file changes every color the UI shows.

use std::collections::BTreeMap;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

/// The built-in default theme, compiled in so the binary needs no files at run time.
pub const DARK_TOML: &str = include_str!("../../themes/dark.toml");

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    pub text: Style,
    pub muted: Style,
    pub title: Style,
    pub border: Style,
    pub border_focused: Style,
    pub header: Style,
    pub brand: Style,
    pub demo_badge: Style,
    pub aws_badge: Style,
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
                Ok(Theme {
                    name: file.name.clone(),
                    $($role: get(stringify!($role))?,)*
                })
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
