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
    /// Wrap long log lines, or cut them at the edge.
    ToggleWrap,
    /// Move unwrapped log lines sideways.
    ScrollLeft,
    ScrollRight,
    /// Open the selected log line whole.
    OpenLine,
    /// Hide or show Lambda's own lines (START, END, REPORT, `platform.*`).
    TogglePlatformLines,
    /// The selected log line, or its request id, to the clipboard.
    CopyLine,
    CopyRequestId,
    /// The log pane's errors, grouped by kind.
    OpenErrors,
    /// From the errors view: the lines of the kind selected.
    OpenErrorKind,
    /// The log pane's requests.
    OpenInvocations,
    /// From the invocations view: the lines of the request selected.
    OpenRequest,
    /// In the invocations view: failed requests only, or all.
    ToggleFailuresOnly,
    /// The `:` line with `insights ` typed, for a query or a named one.
    StartInsights,
    /// A console link to the clipboard: the function, its log group, the request's query.
    CopyLink,
    /// Move the minute cursor on the task-flow graph.
    CursorLeft,
    CursorRight,
    /// The projects pane.
    OpenProjects,
    /// From the projects pane: narrow every pane to the selected project.
    NarrowToProject,
    /// The latency classes view.
    OpenClasses,
    /// From the classes view: narrow the fleet to the selected class.
    NarrowToClass,
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
