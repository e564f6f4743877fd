//! `Mode`: who has the keyboard. One at a time: the screens, the help overlay, the `/` filter
//! line, or the `:` command line; each is a key-map context of its own.

use super::keymap::Context;
use super::screens::help::Help;

/// The `:` line being typed and what Tab found for it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prompt {
    pub line: String,
    pub matches: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Mode {
    /// Keys go to the screen.
    #[default]
    Normal,
    /// The help overlay, scrolled.
    Help(Help),
    /// The `/` filter of the screen (the fleet's or the log pane's) is typed.
    Filter,
    /// The `:` command line is typed.
    Command(Prompt),
}

impl Mode {
    pub fn is_help(&self) -> bool {
        matches!(self, Mode::Help(_))
    }

    pub fn is_filter(&self) -> bool {
        *self == Mode::Filter
    }

    /// The key-map context of a mode that owns the keyboard.
    pub fn context(&self) -> Option<Context> {
        match self {
            Mode::Normal => None,
            Mode::Help(_) => Some(Context::Help),
            Mode::Filter => Some(Context::Filter),
            Mode::Command(_) => Some(Context::CommandLine),
        }
    }
}
