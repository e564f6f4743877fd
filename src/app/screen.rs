//! The screen shown and the pane of the dashboard that has the focus.

use super::keymap::Context;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Fleet,
    Flow,
}

/// What the log pane shows of the lines it holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LogsPart {
    /// The lines.
    #[default]
    Lines,
    /// Their errors, grouped by kind.
    Errors,
    /// Their requests, one row each.
    Invocations,
    /// A Logs Insights query's answer over their log groups.
    Insights,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    Dashboard,
    /// A function's detail.
    Detail(super::screens::detail::Detail),
    /// The log pane and its parts.
    Logs(Box<super::screens::logs::Logs>),
    /// The projects pane.
    Projects(super::screens::projects::Projects),
    /// The alarms view: those in ALARM first.
    Alarms(super::screens::alarms::Alarms),
    /// The latency classes: each against its budget, its durations and waits.
    Classes(super::screens::classes::Classes),
}

impl Screen {
    /// Where the keys apply on this screen.
    pub fn context(&self) -> Context {
        match self {
            Screen::Dashboard => Context::Dashboard,
            Screen::Detail(_) => Context::Detail,
            Screen::Logs(logs) => match logs.part {
                LogsPart::Errors => Context::Errors,
                LogsPart::Invocations => Context::Invocations,
                LogsPart::Insights => Context::Insights,
                LogsPart::Lines => Context::Logs,
            },
            Screen::Projects(_) => Context::Projects,
            Screen::Alarms(_) => Context::Alarms,
            Screen::Classes(_) => Context::Classes,
        }
    }
}
