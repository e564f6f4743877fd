//! The key map: one table that dispatches keys in every context (the screens, the help, the
//! `/` filter and the `:` line), builds the help overlay and the footer hints, names the keys
//! pane texts mention, and takes the user's rebindings, so none of them can drift from the
//! others.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use crate::store::Window;
use crate::view::{HelpSection, Hint, KeyNames};

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
    /// The log pane's errors, grouped by kind.
    Errors,
    /// The log pane's requests.
    Invocations,
    /// A Logs Insights query's answer.
    Insights,
    /// The projects pane.
    Projects,
    /// The alarms view.
    Alarms,
    /// The latency classes view.
    Classes,
    /// The help overlay, open over any screen.
    Help,
    /// The `/` filter line while it is typed.
    Filter,
    /// The `:` command line while it is typed.
    CommandLine,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Dashboard => "Fleet and task flow",
            Context::Detail => "Function detail",
            Context::Logs => "Logs",
            Context::Errors => "Errors in the logs",
            Context::Invocations => "Invocations",
            Context::Insights => "Logs Insights",
            Context::Projects => "Projects",
            Context::Alarms => "Alarms",
            Context::Classes => "Latency classes",
            Context::Help => "Help",
            Context::Filter => "Filter",
            Context::CommandLine => "Command line",
        }
    }

    /// A context that owns the keyboard: only its own bindings (and quit and help, in the
    /// help) apply, so keys typed into a prompt never act on the screen behind it.
    fn is_modal(self) -> bool {
        matches!(self, Context::Help | Context::Filter | Context::CommandLine)
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
    /// The action's name in the config file's `[keys]` table.
    pub name: &'static str,
    pub keys: &'static [Key],
    /// How the keys are written in help and footer.
    pub label: &'static str,
    pub action: Action,
    pub context: Context,
    /// What it does; `{action}` stands for another action's key (see `help_text`).
    pub help: &'static str,
    /// Short text for the footer, for the bindings worth showing there.
    pub hint: Option<&'static str>,
}

const fn bind(
    name: &'static str,
    keys: &'static [Key],
    label: &'static str,
    action: Action,
    context: Context,
    help: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    Binding {
        name,
        keys,
        label,
        action,
        context,
        help,
        hint,
    }
}

use Context::{
    Alarms, Classes, CommandLine, Dashboard, Detail, Errors, Filter, Global, Help, Insights,
    Invocations, Logs, Projects,
};

// One binding a line: the table reads as the help does.
#[rustfmt::skip]
pub const BINDINGS: &[Binding] = &[
    bind("quit", &[ch('q'), ctrl('c')], "q Ctrl-C", Action::Quit, Global, "quit", Some("quit")),
    bind("help", &[ch('?')], "?", Action::ToggleHelp, Global, "show or hide this help", Some("help")),
    bind("window_15m", &[ch('1')], "1", Action::SetWindow(Window::M15), Global, "window: last 15 minutes", None),
    bind("window_1h", &[ch('2')], "2", Action::SetWindow(Window::H1), Global, "window: last hour", None),
    bind("window_3h", &[ch('3')], "3", Action::SetWindow(Window::H3), Global, "window: last 3 hours", None),
    bind("window_6h", &[ch('4')], "4", Action::SetWindow(Window::H6), Global, "window: 6 hours, minute by minute", None),
    bind("window_24h", &[ch('5')], "5", Action::SetWindow(Window::H24), Global, "window: 24 hours, by 5 minutes", None),
    bind("window_7d", &[ch('6')], "6", Action::SetWindow(Window::D7), Global, "window: 7 days, by 30 minutes", Some("window")),
    // "refresh": the config file's name for it, kept for the files users have.
    bind("refresh", &[ch('r')], "r", Action::PollNow, Global, "poll every source now", None),
    bind("command", &[ch(':')], ":", Action::StartCommand, Global, "commands fn, project, region, at, alarms, logs, insights", Some("command")),
    bind("up", &[key(KeyCode::Up), ch('k')], "↑ k", Action::Up, Dashboard, "previous function", None),
    bind("down", &[key(KeyCode::Down), ch('j')], "↓ j", Action::Down, Dashboard, "next function", None),
    bind("page_up", &[key(KeyCode::PageUp), ctrl('b')], "PgUp Ctrl-B", Action::PageUp, Dashboard, "page up", None),
    bind("page_down", &[key(KeyCode::PageDown), ctrl('f')], "PgDn Ctrl-F", Action::PageDown, Dashboard, "page down", None),
    bind("top", &[key(KeyCode::Home), ch('g')], "Home g", Action::Top, Dashboard, "first function", None),
    bind("bottom", &[key(KeyCode::End), ch('G')], "End G", Action::Bottom, Dashboard, "last function", None),
    bind("open", &[key(KeyCode::Enter)], "Enter", Action::OpenDetail, Dashboard, "open the selected function", Some("detail")),
    bind("logs", &[ch('l')], "l", Action::OpenLogs, Dashboard, "logs of the selected function", Some("logs")),
    bind("project_logs", &[ch('L')], "L", Action::OpenProjectLogs, Dashboard, "logs of the selected function's project", None),
    bind("filter", &[ch('/')], "/", Action::StartFilter, Dashboard, "filter by name, project or region (substring or fuzzy)", Some("filter")),
    bind("sort", &[ch('s')], "s", Action::SortNext, Dashboard, "sort by the next column", Some("sort")),
    bind("sort_reverse", &[ch('S')], "S", Action::SortReverse, Dashboard, "reverse the sort", None),
    bind("next_pane", &[key(KeyCode::Tab)], "Tab", Action::FocusNext, Dashboard, "next pane", Some("pane")),
    bind("previous_pane", &[key(KeyCode::BackTab)], "Shift-Tab", Action::FocusPrev, Dashboard, "previous pane", None),
    bind("projects", &[ch('p')], "p", Action::OpenProjects, Dashboard, "projects: breakdown and cost; {narrow} there narrows to one", Some("projects")),
    bind("alarms", &[ch('a')], "a", Action::OpenAlarms, Dashboard, "alarms: those in ALARM first, with why and since when", Some("alarms")),
    bind("classes", &[ch('c')], "c", Action::OpenClasses, Dashboard, "latency classes: p99 and waits against each budget", None),
    bind("flow_of", &[ch('f')], "f", Action::CycleFlowScope, Dashboard, "task flow of: fleet, selected project, selected function", Some("flow of")),
    bind("minute_earlier", &[key(KeyCode::Left), ch('<')], "← <", Action::CursorLeft, Dashboard, "task flow: pick an earlier minute (then {logs}: its logs)", None),
    bind("minute_later", &[key(KeyCode::Right), ch('>')], "→ >", Action::CursorRight, Dashboard, "task flow: pick a later minute", None),
    bind("back", &[key(KeyCode::Esc)], "Esc", Action::Back, Dashboard, "drop, in turn: minute picked, filter, class, past, project", None),
    bind("back", &[key(KeyCode::Esc), key(KeyCode::Backspace), ch('h'), key(KeyCode::Left)], "Esc ← h", Action::Back, Detail, "back to the fleet", Some("back")),
    bind("up", &[key(KeyCode::Up), ch('k')], "↑ k", Action::Up, Detail, "previous function", None),
    bind("down", &[key(KeyCode::Down), ch('j')], "↓ j", Action::Down, Detail, "next function", None),
    bind("logs", &[ch('l')], "l", Action::OpenLogs, Detail, "logs of this function", Some("logs")),
    bind("copy_link", &[ch('o')], "o", Action::CopyLink, Detail, "copy the function's console URL (OSC 52)", None),
    bind("errors", &[ch('e')], "e", Action::OpenErrors, Detail, "errors in its logs by kind, worst first", Some("errors")),
    bind("invocations", &[ch('i')], "i", Action::OpenInvocations, Detail, "its requests: duration, memory, cold start, how each ended", Some("invocations")),
    bind("insights", &[ch('I')], "I", Action::StartInsights, Detail, "a Logs Insights query over its logs (Tab: named ones)", None),
    bind("back", &[key(KeyCode::Esc), key(KeyCode::Backspace)], "Esc", Action::Back, Logs, "back (from a line opened whole: to the lines)", Some("back")),
    bind("open_line", &[key(KeyCode::Enter)], "Enter", Action::OpenLine, Logs, "open the line whole: JSON indented, its REPORT figures", Some("open")),
    bind("errors", &[ch('e')], "e", Action::OpenErrors, Logs, "errors of these lines by kind, worst first", Some("errors")),
    bind("invocations", &[ch('i')], "i", Action::OpenInvocations, Logs, "requests: duration, memory, cold start, how each ended", Some("invocations")),
    bind("insights", &[ch('I')], "I", Action::StartInsights, Logs, "a Logs Insights query over these logs (Tab: named ones)", Some("insights")),
    bind("up", &[key(KeyCode::Up), ch('k')], "↑ k", Action::Up, Logs, "select the line above (stops following)", None),
    bind("down", &[key(KeyCode::Down), ch('j')], "↓ j", Action::Down, Logs, "select the line below (past the newest: follow)", None),
    bind("page_up", &[key(KeyCode::PageUp), ctrl('b')], "PgUp Ctrl-B", Action::PageUp, Logs, "page up", None),
    bind("page_down", &[key(KeyCode::PageDown), ctrl('f')], "PgDn Ctrl-F", Action::PageDown, Logs, "page down", None),
    bind("top", &[key(KeyCode::Home), ch('g')], "Home g", Action::Top, Logs, "oldest line", None),
    bind("bottom", &[key(KeyCode::End), ch('G')], "End G", Action::Bottom, Logs, "newest line, and follow", Some("follow")),
    bind("pause", &[ch(' ')], "Space", Action::TogglePause, Logs, "pause or resume", Some("pause")),
    bind("filter", &[ch('/')], "/", Action::StartFilter, Logs, "filter lines: ERROR, \"timed out\", ?A ?B, -X", Some("filter")),
    bind("json", &[ch('J')], "J", Action::TogglePrettyJson, Logs, "indent JSON lines", None),
    bind("wrap", &[ch('w')], "w", Action::ToggleWrap, Logs, "wrap long lines, or cut them at the edge", Some("wrap")),
    bind("scroll_left", &[key(KeyCode::Left)], "←", Action::ScrollLeft, Logs, "unwrapped lines: move left", None),
    bind("scroll_right", &[key(KeyCode::Right)], "→", Action::ScrollRight, Logs, "unwrapped lines: move right", None),
    bind("platform_lines", &[ch('p')], "p", Action::TogglePlatformLines, Logs, "hide or show Lambda's START, END and REPORT lines", Some("platform")),
    bind("copy_line", &[ch('y')], "y", Action::CopyLine, Logs, "copy the line (OSC 52: works over SSH too)", Some("copy")),
    bind("copy_request_id", &[ch('Y')], "Y", Action::CopyRequestId, Logs, "copy the line's request id", None),
    bind("copy_link", &[ch('o')], "o", Action::CopyLink, Logs, "copy a console URL: the request's query, else the log group", None),
    bind("up", &[key(KeyCode::Up), ch('k')], "↑ k", Action::Up, Invocations, "previous request", None),
    bind("down", &[key(KeyCode::Down), ch('j')], "↓ j", Action::Down, Invocations, "next request", None),
    bind("page_up", &[key(KeyCode::PageUp), ctrl('b')], "PgUp Ctrl-B", Action::PageUp, Invocations, "page up", None),
    bind("page_down", &[key(KeyCode::PageDown), ctrl('f')], "PgDn Ctrl-F", Action::PageDown, Invocations, "page down", None),
    bind("top", &[key(KeyCode::Home), ch('g')], "Home g", Action::Top, Invocations, "first request", None),
    bind("bottom", &[key(KeyCode::End), ch('G')], "End G", Action::Bottom, Invocations, "last request", None),
    bind("open_request", &[key(KeyCode::Enter)], "Enter", Action::OpenRequest, Invocations, "all of the request's lines ({back} there: back here)", Some("its lines")),
    bind("failures", &[ch('f')], "f", Action::ToggleFailuresOnly, Invocations, "failed requests only, or all", Some("failures")),
    bind("sort", &[ch('s')], "s", Action::SortNext, Invocations, "newest first, or slowest first", Some("sort")),
    bind("copy_request_id", &[ch('Y')], "Y", Action::CopyRequestId, Invocations, "copy the request id", None),
    bind("back", &[key(KeyCode::Esc), ch('i'), key(KeyCode::Backspace)], "Esc i", Action::Back, Invocations, "back to the lines", Some("back")),
    bind("up", &[key(KeyCode::Up), ch('k')], "↑ k", Action::Up, Errors, "previous kind", None),
    bind("down", &[key(KeyCode::Down), ch('j')], "↓ j", Action::Down, Errors, "next kind", None),
    bind("page_up", &[key(KeyCode::PageUp), ctrl('b')], "PgUp Ctrl-B", Action::PageUp, Errors, "page up", None),
    bind("page_down", &[key(KeyCode::PageDown), ctrl('f')], "PgDn Ctrl-F", Action::PageDown, Errors, "page down", None),
    bind("top", &[key(KeyCode::Home), ch('g')], "Home g", Action::Top, Errors, "worst kind", None),
    bind("bottom", &[key(KeyCode::End), ch('G')], "End G", Action::Bottom, Errors, "last kind", None),
    bind("open_kind", &[key(KeyCode::Enter)], "Enter", Action::OpenErrorKind, Errors, "the lines of this kind ({back} there: back here)", Some("its lines")),
    bind("copy_line", &[ch('y')], "y", Action::CopyLine, Errors, "copy the kind's sample", Some("copy")),
    bind("back", &[key(KeyCode::Esc), ch('e'), key(KeyCode::Backspace)], "Esc e", Action::Back, Errors, "back to the lines", Some("back")),
    bind("up", &[key(KeyCode::Up), ch('k')], "↑ k", Action::Up, Insights, "previous row", None),
    bind("down", &[key(KeyCode::Down), ch('j')], "↓ j", Action::Down, Insights, "next row", None),
    bind("page_up", &[key(KeyCode::PageUp), ctrl('b')], "PgUp Ctrl-B", Action::PageUp, Insights, "page up", None),
    bind("page_down", &[key(KeyCode::PageDown), ctrl('f')], "PgDn Ctrl-F", Action::PageDown, Insights, "page down", None),
    bind("top", &[key(KeyCode::Home), ch('g')], "Home g", Action::Top, Insights, "first row", None),
    bind("bottom", &[key(KeyCode::End), ch('G')], "End G", Action::Bottom, Insights, "last row", None),
    bind("copy_line", &[ch('y')], "y", Action::CopyLine, Insights, "copy the row as field=value (OSC 52)", Some("copy")),
    bind("insights", &[ch('I')], "I", Action::StartInsights, Insights, "another query (:insights with no query: this one again)", Some("query")),
    bind("back", &[key(KeyCode::Esc), key(KeyCode::Backspace)], "Esc", Action::Back, Insights, "back to the lines", Some("back")),
    bind("up", &[key(KeyCode::Up), ch('k')], "↑ k", Action::Up, Projects, "previous project", None),
    bind("down", &[key(KeyCode::Down), ch('j')], "↓ j", Action::Down, Projects, "next project", None),
    bind("page_up", &[key(KeyCode::PageUp), ctrl('b')], "PgUp Ctrl-B", Action::PageUp, Projects, "page up", None),
    bind("page_down", &[key(KeyCode::PageDown), ctrl('f')], "PgDn Ctrl-F", Action::PageDown, Projects, "page down", None),
    bind("top", &[key(KeyCode::Home), ch('g')], "Home g", Action::Top, Projects, "first project", None),
    bind("bottom", &[key(KeyCode::End), ch('G')], "End G", Action::Bottom, Projects, "last project", None),
    bind("narrow", &[key(KeyCode::Enter)], "Enter", Action::NarrowToProject, Projects, "narrow every pane to this project ({back} on the fleet widens)", Some("narrow")),
    bind("sort", &[ch('s')], "s", Action::SortNext, Projects, "sort by the next column", Some("sort")),
    bind("sort_reverse", &[ch('S')], "S", Action::SortReverse, Projects, "reverse the sort", None),
    bind("project_logs", &[ch('l')], "l", Action::OpenProjectLogs, Projects, "logs of this project", Some("logs")),
    bind("back", &[key(KeyCode::Esc), ch('p'), key(KeyCode::Backspace)], "Esc p", Action::Back, Projects, "back to the fleet", Some("back")),
    bind("up", &[key(KeyCode::Up), ch('k')], "↑ k", Action::Up, Alarms, "previous alarm", None),
    bind("down", &[key(KeyCode::Down), ch('j')], "↓ j", Action::Down, Alarms, "next alarm", None),
    bind("page_up", &[key(KeyCode::PageUp), ctrl('b')], "PgUp Ctrl-B", Action::PageUp, Alarms, "page up", None),
    bind("page_down", &[key(KeyCode::PageDown), ctrl('f')], "PgDn Ctrl-F", Action::PageDown, Alarms, "page down", None),
    bind("top", &[key(KeyCode::Home), ch('g')], "Home g", Action::Top, Alarms, "first alarm", None),
    bind("bottom", &[key(KeyCode::End), ch('G')], "End G", Action::Bottom, Alarms, "last alarm", None),
    bind("open_alarm", &[key(KeyCode::Enter)], "Enter", Action::OpenAlarm, Alarms, "the function the alarm watches, else its functions' project", Some("open")),
    bind("back", &[key(KeyCode::Esc), ch('a'), key(KeyCode::Backspace)], "Esc a", Action::Back, Alarms, "back to the fleet", Some("back")),
    bind("up", &[key(KeyCode::Up), ch('k')], "↑ k", Action::Up, Classes, "previous class", None),
    bind("down", &[key(KeyCode::Down), ch('j')], "↓ j", Action::Down, Classes, "next class", None),
    bind("page_up", &[key(KeyCode::PageUp), ctrl('b')], "PgUp Ctrl-B", Action::PageUp, Classes, "page up", None),
    bind("page_down", &[key(KeyCode::PageDown), ctrl('f')], "PgDn Ctrl-F", Action::PageDown, Classes, "page down", None),
    bind("top", &[key(KeyCode::Home), ch('g')], "Home g", Action::Top, Classes, "first class", None),
    bind("bottom", &[key(KeyCode::End), ch('G')], "End G", Action::Bottom, Classes, "last class", None),
    bind("narrow", &[key(KeyCode::Enter)], "Enter", Action::NarrowToClass, Classes, "the fleet of this class only ({back} on the fleet widens)", Some("narrow")),
    bind("back", &[key(KeyCode::Esc), ch('c'), key(KeyCode::Backspace)], "Esc c", Action::Back, Classes, "back to the fleet", Some("back")),
    bind("back", &[key(KeyCode::Esc), key(KeyCode::Enter)], "Esc Enter", Action::Back, Help, "close the help", None),
    bind("up", &[key(KeyCode::Up), ch('k')], "↑ k", Action::Up, Help, "scroll up", None),
    bind("down", &[key(KeyCode::Down), ch('j')], "↓ j", Action::Down, Help, "scroll down", None),
    bind("page_up", &[key(KeyCode::PageUp), ctrl('b')], "PgUp Ctrl-B", Action::PageUp, Help, "page up", None),
    bind("page_down", &[key(KeyCode::PageDown), ch(' '), ctrl('f')], "PgDn Space", Action::PageDown, Help, "page down", None),
    bind("confirm", &[key(KeyCode::Enter)], "Enter", Action::Confirm, Filter, "keep the filter", Some("keep")),
    bind("cancel", &[key(KeyCode::Esc)], "Esc", Action::Cancel, Filter, "clear the filter", Some("clear")),
    bind("up", &[key(KeyCode::Up)], "↑", Action::Up, Filter, "previous row", None),
    bind("down", &[key(KeyCode::Down)], "↓", Action::Down, Filter, "next row", Some("move")),
    bind("complete", &[key(KeyCode::Tab)], "Tab", Action::Complete, CommandLine, "complete the command or its argument", Some("completes")),
    bind("confirm", &[key(KeyCode::Enter)], "Enter", Action::Confirm, CommandLine, "run the command", Some("runs")),
    bind("cancel", &[key(KeyCode::Esc)], "Esc", Action::Cancel, CommandLine, "leave the command line", Some("cancels")),
];

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
        let Some(name) = BINDINGS.iter().map(|b| b.name).find(|n| *n == action) else {
            // Each name once, in the table's order.
            let mut names: Vec<&str> = Vec::new();
            for b in BINDINGS {
                if !names.contains(&b.name) {
                    names.push(b.name);
                }
            }
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
        self.bound
            .iter()
            .find(|(n, _, _)| *n == b.name)
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
/// user's keys before the defaults). A modal context takes no global key but quit and help.
pub fn action_for(context: Context, event: &KeyEvent, user: &UserKeys) -> Option<Action> {
    let lookup = |ctx: Context, users: bool| {
        BINDINGS
            .iter()
            .filter(|b| b.context == ctx && user.of(b).is_some() == users)
            .filter(|b| {
                ctx != Global
                    || !context.is_modal()
                    || (context == Help && matches!(b.action, Action::Quit | Action::ToggleHelp))
            })
            .find(|b| user.keys(b).0.iter().any(|k| matches(k, event)))
            .map(|b| b.action)
    };
    lookup(context, true)
        .or_else(|| lookup(Global, true))
        .or_else(|| lookup(context, false))
        .or_else(|| lookup(Global, false))
}

/// Footer hints for a context, its own first; a prompt's have no global ones.
pub fn hints(context: Context, user: &UserKeys) -> Vec<Hint> {
    let of = |ctx: Context| {
        BINDINGS
            .iter()
            .filter(move |b| b.context == ctx)
            .filter_map(move |b| {
                b.hint.map(|text| Hint {
                    keys: short_label(b, user),
                    text,
                    global: ctx == Global,
                })
            })
    };
    let mut out: Vec<Hint> = of(context).collect();
    if !context.is_modal() {
        out.extend(of(Global));
    }
    out
}

/// The first key of a label, for the footer ("q Ctrl-C" → "q"); the window keys read "1-6",
/// and a prompt's ↑ and ↓ read as one ("↑↓ move").
fn short_label(b: &Binding, user: &UserKeys) -> String {
    let (_, label) = user.keys(b);
    let first = |label: &str| label.split(' ').next().unwrap_or(label).to_string();
    match b.action {
        Action::SetWindow(_) if user.of(b).is_none() => "1-6".to_string(),
        Action::Down if b.context == Filter => {
            format!("{}{}", first_key(Action::Up, Filter, user), first(label))
        }
        _ => first(label),
    }
}

/// The binding of `action` in `context` (or, failing that, the global one).
fn binding(action: Action, context: Context) -> Option<&'static Binding> {
    let find = |ctx: Context| {
        BINDINGS
            .iter()
            .find(|b| b.action == action && b.context == ctx)
    };
    find(context).or_else(|| find(Global))
}

/// How the keys of `action` in `context` are written, the user's if bound.
pub fn label(action: Action, context: Context, user: &UserKeys) -> String {
    binding(action, context).map_or_else(String::new, |b| user.keys(b).1.to_string())
}

/// The first key of `action` in `context`, as pane texts name it.
pub fn first_key(action: Action, context: Context, user: &UserKeys) -> String {
    let l = label(action, context, user);
    l.split(' ').next().unwrap_or_default().to_string()
}

/// The keys pane texts mention, as the user has them.
pub fn key_names(user: &UserKeys) -> KeyNames {
    let k = |a: Action, c: Context| first_key(a, c, user);
    KeyNames {
        back: k(Action::Back, Dashboard),
        detail_back: k(Action::Back, Detail),
        earlier: k(Action::CursorLeft, Dashboard),
        later: k(Action::CursorRight, Dashboard),
        flow_of: k(Action::CycleFlowScope, Dashboard),
        logs: k(Action::OpenLogs, Dashboard),
        // The letter (G), as less and vi users know it, rather than End.
        follow: label(Action::Bottom, Logs, user)
            .rsplit(' ')
            .next()
            .unwrap_or_default()
            .to_string(),
        help_close: format!(
            "{} or {}",
            k(Action::Back, Help),
            k(Action::ToggleHelp, Global)
        ),
        help_down: label(Action::Down, Help, user),
        filter_keep: k(Action::Confirm, Filter),
        filter_clear: k(Action::Cancel, Filter),
        wrap: k(Action::ToggleWrap, Logs),
    }
}

/// A binding's help with the keys it mentions as the user has them: `{complete}`, `{narrow}`,
/// `{logs}` and `{back}` stand for those actions' first keys.
pub fn help_text(b: &Binding, user: &UserKeys) -> String {
    if !b.help.contains('{') {
        return b.help.to_string();
    }
    [
        ("{complete}", first_key(Action::Complete, CommandLine, user)),
        (
            "{narrow}",
            first_key(Action::NarrowToProject, Projects, user),
        ),
        ("{logs}", first_key(Action::OpenLogs, Dashboard, user)),
        ("{back}", first_key(Action::Back, Dashboard, user)),
    ]
    .iter()
    .fold(b.help.to_string(), |text, (mark, key)| {
        text.replace(mark, key)
    })
}

/// The help's sections: every screen's keys, as the user has them; a filter line under the
/// screens that have one.
pub fn help_sections(user: &UserKeys, logs: bool) -> Vec<HelpSection> {
    let names = key_names(user);
    let contexts: &[Context] = if logs {
        &[Global, Logs, Errors, Invocations, Insights]
    } else {
        &[Global, Dashboard, Detail, Projects, Alarms, Classes]
    };
    contexts
        .iter()
        .copied()
        .map(|ctx| {
            let mut rows: Vec<(String, String)> = BINDINGS
                .iter()
                .filter(|b| b.context == ctx)
                .map(|b| (user.keys(b).1.to_string(), help_text(b, user)))
                .collect();
            if matches!(ctx, Dashboard | Logs) {
                rows.push((
                    "in filter".to_string(),
                    format!(
                        "type to narrow · {} keeps · {} clears",
                        names.filter_keep, names.filter_clear
                    ),
                ));
            }
            HelpSection {
                title: ctx.title().to_string(),
                rows,
            }
        })
        .collect()
}

/// Every key of the dashboard, by where it applies, as `--help` lists them.
pub fn keys_help() -> String {
    let mut out = String::from("Keys in the dashboard (also ? there):");
    let contexts = [
        Global,
        Dashboard,
        Detail,
        Logs,
        Errors,
        Invocations,
        Insights,
        Projects,
        Alarms,
        Classes,
        Help,
        Filter,
        CommandLine,
    ];
    for ctx in contexts {
        out.push_str(&format!("\n\n  {}:", ctx.title()));
        for b in BINDINGS.iter().filter(|b| b.context == ctx) {
            let help = help_text(b, &UserKeys::default());
            out.push_str(&format!("\n    {:<14}{help}", b.label));
        }
    }
    out
}
