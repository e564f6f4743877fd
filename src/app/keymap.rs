//! The key map: one table that dispatches keys, builds the help overlay and the footer hints,
//! so none of them can drift from the others.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use crate::store::Window;

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Everywhere.
    Global,
    /// The dashboard: fleet table and task-flow graph.
    Dashboard,
    /// The function detail view.
    Detail,
    /// The log pane.
    Logs,
    /// The projects pane.
    Projects,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Dashboard => "Fleet and task flow",
            Context::Detail => "Function detail",
            Context::Logs => "Logs",
            Context::Projects => "Projects",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

const fn key(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::NONE,
    }
}

const fn ch(c: char) -> Key {
    key(KeyCode::Char(c))
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
    }
}

pub struct Binding {
    pub keys: &'static [Key],
    /// How the keys are written in help and footer.
    pub label: &'static str,
    pub action: Action,
    pub context: Context,
    pub help: &'static str,
    /// Short text for the footer, for the bindings worth showing there.
    pub hint: Option<&'static str>,
}

const fn bind(
    keys: &'static [Key],
    label: &'static str,
    action: Action,
    context: Context,
    help: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    Binding {
        keys,
        label,
        action,
        context,
        help,
        hint,
    }
}

use Context::{Dashboard, Detail, Global, Logs, Projects};

// One binding a line: the table reads as the help does.
#[rustfmt::skip]
pub const BINDINGS: &[Binding] = &[
    bind(&[ch('q'), ctrl('c')], "q Ctrl-C", Action::Quit, Global, "quit", Some("quit")),
    bind(&[ch('?')], "?", Action::ToggleHelp, Global, "show or hide this help", Some("help")),
    bind(&[ch('1')], "1", Action::SetWindow(Window::M15), Global, "window: last 15 minutes", None),
    bind(&[ch('2')], "2", Action::SetWindow(Window::H1), Global, "window: last hour", None),
    bind(&[ch('3')], "3", Action::SetWindow(Window::H3), Global, "window: last 3 hours", Some("window")),
    bind(&[ch('r')], "r", Action::Refresh, Global, "poll every source now", None),
    bind(&[ch(':')], ":", Action::StartCommand, Global, "commands fn, project, region, theme, logs; Tab completes", Some("command")),
    bind(&[key(KeyCode::Up), ch('k')], "↑ k", Action::Up, Dashboard, "previous function", None),
    bind(&[key(KeyCode::Down), ch('j')], "↓ j", Action::Down, Dashboard, "next function", None),
    bind(&[key(KeyCode::PageUp), ctrl('b')], "PgUp Ctrl-B", Action::PageUp, Dashboard, "page up", None),
    bind(&[key(KeyCode::PageDown), ctrl('f')], "PgDn Ctrl-F", Action::PageDown, Dashboard, "page down", None),
    bind(&[key(KeyCode::Home), ch('g')], "Home g", Action::Top, Dashboard, "first function", None),
    bind(&[key(KeyCode::End), ch('G')], "End G", Action::Bottom, Dashboard, "last function", None),
    bind(&[key(KeyCode::Enter)], "Enter", Action::OpenDetail, Dashboard, "open the selected function", Some("detail")),
    bind(&[ch('l')], "l", Action::OpenLogs, Dashboard, "logs of the selected function", Some("logs")),
    bind(&[ch('L')], "L", Action::OpenProjectLogs, Dashboard, "logs of the selected function's project", None),
    bind(&[ch('/')], "/", Action::StartFilter, Dashboard, "filter by name, project or region (substring or fuzzy)", Some("filter")),
    bind(&[ch('s')], "s", Action::SortNext, Dashboard, "sort by the next column", Some("sort")),
    bind(&[ch('S')], "S", Action::SortReverse, Dashboard, "reverse the sort", None),
    bind(&[key(KeyCode::Tab)], "Tab", Action::FocusNext, Dashboard, "next pane", Some("pane")),
    bind(&[key(KeyCode::BackTab)], "Shift-Tab", Action::FocusPrev, Dashboard, "previous pane", None),
    bind(&[ch('p')], "p", Action::OpenProjects, Dashboard, "projects: breakdown and cost; Enter there narrows to one", Some("projects")),
    bind(&[ch('f')], "f", Action::CycleFlowScope, Dashboard, "task flow of: fleet, selected project, selected function", Some("flow of")),
    bind(&[key(KeyCode::Left), ch('<')], "← <", Action::CursorLeft, Dashboard, "task flow: pick an earlier minute (then l: its logs)", None),
    bind(&[key(KeyCode::Right), ch('>')], "→ >", Action::CursorRight, Dashboard, "task flow: pick a later minute", None),
    bind(&[key(KeyCode::Esc)], "Esc", Action::Back, Dashboard, "drop the minute picked, else the filter, else the project", None),
    bind(&[key(KeyCode::Esc), key(KeyCode::Backspace), ch('h'), key(KeyCode::Left)], "Esc ← h", Action::Back, Detail, "back to the fleet", Some("back")),
    bind(&[key(KeyCode::Up), ch('k')], "↑ k", Action::Up, Detail, "previous function", None),
    bind(&[key(KeyCode::Down), ch('j')], "↓ j", Action::Down, Detail, "next function", None),
    bind(&[ch('l')], "l", Action::OpenLogs, Detail, "logs of this function", Some("logs")),
    bind(&[key(KeyCode::Esc), key(KeyCode::Backspace), key(KeyCode::Left)], "Esc ←", Action::Back, Logs, "back", Some("back")),
    bind(&[key(KeyCode::Up), ch('k')], "↑ k", Action::Up, Logs, "scroll up (stops following)", None),
    bind(&[key(KeyCode::Down), ch('j')], "↓ j", Action::Down, Logs, "scroll down", None),
    bind(&[key(KeyCode::PageUp), ctrl('b')], "PgUp Ctrl-B", Action::PageUp, Logs, "page up", None),
    bind(&[key(KeyCode::PageDown), ctrl('f')], "PgDn Ctrl-F", Action::PageDown, Logs, "page down", None),
    bind(&[key(KeyCode::Home), ch('g')], "Home g", Action::Top, Logs, "oldest line", None),
    bind(&[key(KeyCode::End), ch('G')], "End G", Action::Bottom, Logs, "newest line, and follow", Some("follow")),
    bind(&[ch(' ')], "Space", Action::TogglePause, Logs, "pause or resume", Some("pause")),
    bind(&[ch('/')], "/", Action::StartFilter, Logs, "filter lines: ERROR, \"timed out\", ?A ?B, -X", Some("filter")),
    bind(&[ch('J')], "J", Action::TogglePrettyJson, Logs, "indent JSON lines", Some("json")),
    bind(&[key(KeyCode::Up), ch('k')], "↑ k", Action::Up, Projects, "previous project", None),
    bind(&[key(KeyCode::Down), ch('j')], "↓ j", Action::Down, Projects, "next project", None),
    bind(&[key(KeyCode::Home), ch('g')], "Home g", Action::Top, Projects, "first project", None),
    bind(&[key(KeyCode::End), ch('G')], "End G", Action::Bottom, Projects, "last project", None),
    bind(&[key(KeyCode::Enter)], "Enter", Action::NarrowToProject, Projects, "narrow every pane to this project (Esc on the fleet widens)", Some("narrow")),
    bind(&[ch('s')], "s", Action::SortNext, Projects, "sort by the next column", Some("sort")),
    bind(&[ch('S')], "S", Action::SortReverse, Projects, "reverse the sort", None),
    bind(&[ch('l')], "l", Action::OpenProjectLogs, Projects, "logs of this project", Some("logs")),
    bind(&[key(KeyCode::Esc), ch('p'), key(KeyCode::Backspace)], "Esc p", Action::Back, Projects, "back to the fleet", Some("back")),
];

/// The name of an action in the config file's `[keys]` table.
pub fn action_name(a: Action) -> &'static str {
    match a {
        Action::Quit => "quit",
        Action::ToggleHelp => "help",
        Action::SetWindow(w) if w == Window::M15 => "window_15m",
        Action::SetWindow(w) if w == Window::H1 => "window_1h",
        Action::SetWindow(_) => "window_3h",
        Action::Refresh => "refresh",
        Action::StartCommand => "command",
        Action::Up => "up",
        Action::Down => "down",
        Action::PageUp => "page_up",
        Action::PageDown => "page_down",
        Action::Top => "top",
        Action::Bottom => "bottom",
        Action::OpenDetail => "open",
        Action::OpenLogs => "logs",
        Action::OpenProjectLogs => "project_logs",
        Action::StartFilter => "filter",
        Action::SortNext => "sort",
        Action::SortReverse => "sort_reverse",
        Action::FocusNext => "next_pane",
        Action::FocusPrev => "previous_pane",
        Action::OpenProjects => "projects",
        Action::CycleFlowScope => "flow_of",
        Action::CursorLeft => "minute_earlier",
        Action::CursorRight => "minute_later",
        Action::Back => "back",
        Action::TogglePause => "pause",
        Action::TogglePrettyJson => "json",
        Action::NarrowToProject => "narrow",
    }
}

/// Keys the user bound to actions (the config file's `[keys]`): they replace the defaults of
/// those actions everywhere the actions apply, and win over any default that uses the same key.
#[derive(Debug, Clone, Default)]
pub struct UserKeys {
    bound: Vec<(&'static str, Vec<Key>, String)>,
}

impl UserKeys {
    /// Binds `keys` (as written: `x`, `ctrl-x`, `enter`, `f5`, `pgdn`…) to the action named
    /// `action`.
    pub fn bind(&mut self, action: &str, keys: &[String]) -> Result<(), String> {
        let Some(name) = BINDINGS
            .iter()
            .map(|b| action_name(b.action))
            .find(|n| *n == action)
        else {
            let mut names: Vec<&str> = BINDINGS.iter().map(|b| action_name(b.action)).collect();
            names.dedup();
            return Err(format!(
                "unknown action '{action}', expected one of {}",
                names.join(", ")
            ));
        };
        if keys.is_empty() {
            return Err(format!(
                "{action}: expected a key such as \"x\" or [\"x\", \"ctrl-x\"]"
            ));
        }
        let parsed = keys
            .iter()
            .map(|k| {
                parse_key(k).ok_or_else(|| {
                    format!("{action}: '{k}' is not a key (e.g. x, ctrl-x, enter, f5, pgdn)")
                })
            })
            .collect::<Result<Vec<Key>, String>>()?;
        self.bound.retain(|(n, _, _)| *n != name);
        self.bound.push((name, parsed, keys.join(" ")));
        Ok(())
    }

    fn of(&self, b: &Binding) -> Option<(&[Key], &str)> {
        let name = action_name(b.action);
        self.bound
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, keys, label)| (keys.as_slice(), label.as_str()))
    }

    /// The keys of a binding and how they are written, the user's if bound.
    pub fn keys<'a>(&'a self, b: &'a Binding) -> (&'a [Key], &'a str) {
        self.of(b).unwrap_or((b.keys, b.label))
    }
}

/// A key as a user writes it in the config file.
fn parse_key(s: &str) -> Option<Key> {
    let lower = s.trim().to_ascii_lowercase();
    let (ctrl, rest) = match lower
        .strip_prefix("ctrl-")
        .or_else(|| lower.strip_prefix("c-"))
    {
        Some(r) => (true, r),
        None => (false, lower.as_str()),
    };
    let code = match rest {
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" | "shift-tab" => KeyCode::BackTab,
        "backspace" => KeyCode::Backspace,
        "space" => KeyCode::Char(' '),
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdn" | "pagedown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        f if f.starts_with('f') && f.len() > 1 => {
            KeyCode::F(f[1..].parse().ok().filter(|n| (1..=12).contains(n))?)
        }
        _ => {
            // One character, as written (case kept: `G` is not `g`).
            let original = s.trim();
            let c = if ctrl {
                &original[original.len() - rest.len()..]
            } else {
                original
            };
            let mut chars = c.chars();
            let ch = chars.next()?;
            if chars.next().is_some() {
                return None;
            }
            KeyCode::Char(ch)
        }
    };
    Some(Key {
        code,
        modifiers: if ctrl {
            KeyModifiers::CONTROL
        } else {
            KeyModifiers::NONE
        },
    })
}

fn matches(k: &Key, event: &KeyEvent) -> bool {
    if k.code != event.code {
        return false;
    }
    // Terminals report Shift with upper-case letters and symbols inconsistently: ignore it there.
    let mods = event.modifiers - KeyModifiers::SHIFT;
    let want = k.modifiers - KeyModifiers::SHIFT;
    mods == want
}

/// The action bound to `event` in `context` (context bindings first, then global ones; the
/// user's keys before the defaults).
pub fn action_for(context: Context, event: &KeyEvent, user: &UserKeys) -> Option<Action> {
    let lookup = |ctx: Context, users: bool| {
        BINDINGS
            .iter()
            .filter(|b| b.context == ctx && user.of(b).is_some() == users)
            .find(|b| user.keys(b).0.iter().any(|k| matches(k, event)))
            .map(|b| b.action)
    };
    lookup(context, true)
        .or_else(|| lookup(Global, true))
        .or_else(|| lookup(context, false))
        .or_else(|| lookup(Global, false))
}

/// Footer hints for a context: `(keys, text)`, context first.
pub fn hints(context: Context, user: &UserKeys) -> impl Iterator<Item = (&str, &'static str)> {
    let of = move |ctx: Context| {
        BINDINGS
            .iter()
            .filter(move |b| b.context == ctx)
            .filter_map(move |b| b.hint.map(|h| (short_label(b, user), h)))
    };
    of(context).chain(of(Global))
}

/// Whether a hint of `hints` is one of the global ones.
pub fn is_global_hint(hint: &(&str, &'static str)) -> bool {
    BINDINGS
        .iter()
        .filter(|b| b.context == Global)
        .any(|b| b.hint == Some(hint.1))
}

/// The first key of a label, for the footer ("q Ctrl-C" → "q"); the window keys read "1-3".
fn short_label<'a>(b: &'a Binding, user: &'a UserKeys) -> &'a str {
    let (_, label) = user.keys(b);
    match b.action {
        Action::SetWindow(_) if user.of(b).is_none() => "1-3",
        _ => label.split(' ').next().unwrap_or(label),
    }
}
