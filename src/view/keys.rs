//! Keys in words, for the panes: the help's sections, the footer's hints and the names of the
//! keys that pane texts mention ("Esc clears the filter", "G follows"). The app fills them from
//! its key map with the user's bindings, so no text on screen names a key the user rebound.

/// One section of the help overlay: a title and `(keys, what they do)` rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelpSection {
    pub title: String,
    pub rows: Vec<(String, String)>,
}

/// A footer hint: the key, what it does, and whether it is one of the global ones (which keep
/// their place at the end when the footer is short).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub keys: String,
    pub text: &'static str,
    pub global: bool,
}

/// The first key of the actions pane texts mention, as the user has them bound.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyNames {
    /// On the dashboard: drops the minute picked, else the filter, else the project.
    pub back: String,
    /// In a function's detail: back to the fleet.
    pub detail_back: String,
    /// On the task flow: an earlier and a later minute; what the graph follows; its logs.
    pub earlier: String,
    pub later: String,
    pub flow_of: String,
    pub logs: String,
    /// In the log pane: the newest line, and follow.
    pub follow: String,
    /// In the help: close it (every key that does), and scroll down.
    pub help_close: String,
    pub help_down: String,
    /// In a filter being typed: keep it, clear it, move through the rows.
    pub filter_keep: String,
    pub filter_clear: String,
    /// In the log pane: wrap lines, or cut them.
    pub wrap: String,
}
