//! What the app starts with: the window, thresholds and keys, how the terminal was fitted, and
//! what the config file adds to the log pane (error words, named queries).

use crate::store::Window;
use crate::store::health::Thresholds;
use crate::store::insights::named_queries;
use crate::ui::theme::ColorDepth;

use super::keymap::UserKeys;

/// What the app starts with.
#[derive(Debug, Clone)]
pub struct AppOptions {
    pub window: Window,
    pub thresholds: Thresholds,
    /// Keys the user bound in the config file.
    pub keys: UserKeys,
    /// How themes are fitted to this terminal (colors, block charts), for `:theme`.
    pub fit: (ColorDepth, bool),
    /// How often the sources poll, in seconds: data older than three polls is stale.
    pub interval_secs: u64,
    /// Words that make a log line an error, beyond the built-in rules.
    pub error_words: Vec<String>,
    /// Logs Insights queries by name, for `:insights NAME`.
    pub queries: Vec<(String, String)>,
}

impl Default for AppOptions {
    /// The dashboard's defaults: a one-hour window, the default thresholds and keys, true
    /// color, one-minute polls, the built-in named queries.
    fn default() -> Self {
        Self {
            window: Window::H1,
            thresholds: Thresholds::default(),
            keys: UserKeys::default(),
            fit: (ColorDepth::TrueColor, false),
            interval_secs: 60,
            error_words: Vec::new(),
            queries: named_queries(),
        }
    }
}
