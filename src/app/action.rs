//! Everything a user can ask of the app. Keys become `Action`s through the key map, and
//! `App::update` dispatches them to the part of the app they concern.

use crate::store::Window;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    OpenDetail,
    Back,
    StartFilter,
    SortNext,
    SortReverse,
    FocusNext,
    FocusPrev,
    SetWindow(Window),
    CycleFlowScope,
    ToggleHelp,
    /// Poll every source now.
    PollNow,
    /// Logs of the selected function.
    OpenLogs,
    /// Logs of the selected function's project.
    OpenProjectLogs,
    /// Freeze the log view (new lines wait) or let it move again.
    TogglePause,
    /// Show JSON log lines indented.
    TogglePrettyJson,
    /// Move the minute cursor on the task-flow graph.
    CursorLeft,
    CursorRight,
    /// The projects pane.
    OpenProjects,
    /// From the projects pane: narrow every pane to the selected project.
    NarrowToProject,
    /// The alarms view.
    OpenAlarms,
    /// From the alarms view: what the selected alarm watches.
    OpenAlarm,
    /// The `:` command line.
    StartCommand,
    /// In a prompt: keep the filter, run the command.
    Confirm,
    /// In a prompt: clear the filter, leave the command line.
    Cancel,
    /// In the command line: complete the command or its argument.
    Complete,
}
