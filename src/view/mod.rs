//! The view: what the panes are given and what they give back. Between the store and the panes
//! in the flow (sources → store → view → panes), it holds the cached figures (`figures`), the
//! orders (`sort`), the words for keys (`keys`), and the two plain structs every frame passes
//! through: `View`, a read-only picture of one moment (figures, selection, focus, mode, now),
//! and `Drawn`, the geometry the panes drew (areas, visible rows), which the app keeps to
//! answer page keys, mouse clicks and "what is on screen". It imports only the store.

pub mod export;
pub mod facts;
pub mod figures;
pub mod keys;
pub mod sort;

use chrono::{DateTime, Utc};
use ratatui::layout::Rect;

pub use facts::Facts;
pub use figures::{Figures, FlowScope, ProjectChart};
pub use keys::{HelpSection, Hint, KeyNames};
pub use sort::{ProjectSort, SortColumn};

use crate::store::figures::FunctionStats;
use crate::store::health::Thresholds;
use crate::store::{Function, Minute, Window};

/// Everything a frame shows, borrowed for the frame.
pub struct View<'a> {
    /// The store's facts; every figure comes from `figures`.
    pub facts: Facts<'a>,
    pub figures: &'a Figures,
    pub now: DateTime<Utc>,
    pub window: Window,
    pub thresholds: &'a Thresholds,
    /// How often sources poll: data older than three polls is stale.
    pub interval_secs: u64,
    /// The project every pane is narrowed to, if any.
    pub project: Option<&'a str>,
    /// The latency class the fleet is narrowed to, if any.
    pub class: Option<crate::store::latency::LatencyClass>,
    /// The account every pane is narrowed to (`:account`), if any.
    pub account: Option<crate::store::AccountId>,
    pub body: Body<'a>,
    pub fleet: FleetTableView<'a>,
    pub flow: FlowView,
    /// The footer's line: a prompt being typed, a message, or the key hints.
    pub footer: Footer<'a>,
    /// The help overlay, when open.
    pub help: Option<HelpView<'a>>,
    pub keys: &'a KeyNames,
}

impl View<'_> {
    /// A function's figures over the window, where it is still in the store.
    pub fn stats_of(&self, f: &Function) -> Option<&FunctionStats> {
        let i = self.facts.position(&f.facts.key())?;
        self.figures.stats().functions.get(i)
    }
}

/// What fills the screen between the header and the footer.
pub enum Body<'a> {
    Dashboard,
    /// A function's detail; `None` when it has left the store.
    Detail(Option<DetailView<'a>>),
    Logs(LogsView<'a>),
    /// The log pane's errors, grouped by kind.
    LogErrors(ErrorsView<'a>),
    /// The log pane's requests.
    LogInvocations(InvocationsView<'a>),
    /// A Logs Insights query over the log pane's groups, and its answer.
    LogInsights(InsightsView<'a>),
    Projects(ProjectsView),
    Alarms(AlarmsView),
    /// The latency classes; the row selected.
    Classes(ClassesView),
}

/// The latency classes view's state: the rows are the window's classes with members.
pub struct ClassesView {
    pub selected: usize,
}

/// The errors view of the log pane: the groups of the error lines held, worst first.
pub struct ErrorsView<'a> {
    /// What is tailed, in words.
    pub label: &'a str,
    pub groups: &'a [crate::store::error_groups::ErrorGroup],
    pub selected: usize,
    pub offset: usize,
    /// Lines looked at, and the oldest one's time.
    pub lines: u64,
    pub from_ms: Option<i64>,
    /// Several functions are tailed: each group names its own.
    pub several: bool,
}

/// The invocations view of the log pane: the requests of the lines held.
pub struct InvocationsView<'a> {
    pub label: &'a str,
    pub rows: &'a [crate::store::invocations::Invocation],
    /// Indices into `rows`, in the order shown.
    pub order: &'a [usize],
    pub only_failures: bool,
    pub by_duration: bool,
    pub selected: usize,
    pub offset: usize,
    pub several: bool,
}

/// The Logs Insights view of the log pane: the query asked, and its answer once in.
pub struct InsightsView<'a> {
    /// What is queried, in words.
    pub label: &'a str,
    /// As typed: a query's name, or the query.
    pub asked: &'a str,
    pub query: &'a str,
    pub from_ms: i64,
    pub to_ms: i64,
    /// Seconds since it was asked, while no answer is in.
    pub waited_secs: i64,
    pub result: Option<&'a crate::store::insights::InsightsResult>,
    pub selected: usize,
    pub offset: usize,
}

/// The alarms view's state: the rows are the store's alarm list.
pub struct AlarmsView {
    pub selected: usize,
    pub offset: usize,
}

pub struct DetailView<'a> {
    pub function: &'a Function,
    /// Its index in the store, and so in the figures' per-function stats.
    pub index: usize,
}

/// The fleet table's state.
pub struct FleetTableView<'a> {
    pub sort: SortColumn,
    pub descending: bool,
    pub filter: &'a str,
    /// The filter line has the keyboard.
    pub filter_editing: bool,
    /// Position of the selected function among the rows.
    pub selected: Option<usize>,
    /// First row shown.
    pub offset: usize,
    pub focused: bool,
}

/// The task-flow graph's state.
pub struct FlowView {
    pub focused: bool,
    /// The minute picked on the graph.
    pub cursor: Option<Minute>,
    /// What the graph adds up, in words: "fleet", "project payments", "f (us-east-1)".
    pub scope: String,
    /// What the graph adds up.
    pub of: figures::FlowScope,
}

/// The projects pane's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectsView {
    /// Indices into the figures' projects, in the pane's order.
    pub order: Vec<usize>,
    pub selected: Option<usize>,
    pub offset: usize,
    pub sort: ProjectSort,
    pub reversed: bool,
}

/// The log pane's state.
pub struct LogsView<'a> {
    /// What is tailed: a function, a project, a minute.
    pub label: &'a str,
    /// Functions tailed, and at most how many are read.
    pub functions: usize,
    pub max_tailed: usize,
    /// Only the lines of a span, read once, and which: "minute" (one picked on the task flow),
    /// "period" (one of a long window's), "window" (a window in the past).
    pub bounded: Option<&'static str>,
    /// Indices into the store's log lines of the matching lines, oldest first (while paused,
    /// those there when it paused).
    pub lines: &'a [usize],
    /// Matching lines that arrived since the pause, while paused.
    pub paused_waiting: Option<usize>,
    /// The first line shown when scrolled; `None` follows the newest.
    pub top: Option<usize>,
    pub filter: &'a str,
    pub filter_editing: bool,
    /// CloudWatch applies the filter (its JSON and space-delimited forms).
    pub filter_by_cloudwatch: bool,
    /// Why the typed filter is not applied.
    pub filter_error: Option<&'a str>,
    pub pretty_json: bool,
    /// Live Tail sends a sample of the lines, not every one.
    pub sampled: bool,
    /// Long lines wrap; else they are cut at the edge, `hscroll` columns moved left.
    pub wrap: bool,
    pub hscroll: usize,
    /// START, END, REPORT and `platform.*` lines are left out.
    pub hide_platform: bool,
    /// The selected line (an index into `lines`); `None` while following.
    pub selected: Option<usize>,
    /// Only the lines of this kind of error (its fingerprint).
    pub kind: Option<&'a str>,
    /// Only the lines of this request (its id).
    pub request: Option<&'a str>,
    /// A line opened whole, in place of the list.
    pub opened: Option<OpenedLineView<'a>>,
}

/// A log line opened whole: the line, its invocation's REPORT if read, the first row shown.
pub struct OpenedLineView<'a> {
    pub line: &'a crate::store::logs::LogLine,
    pub report: Option<&'a str>,
    pub scroll: usize,
}

/// The footer's line.
pub enum Footer<'a> {
    /// The `:` line being typed, what Tab found, and its keys.
    Command {
        line: &'a str,
        matches: &'a [String],
        hints: Vec<Hint>,
    },
    /// A one-line answer, until the next key.
    Message(&'a str),
    /// The `/` filter being typed, and its keys.
    Filter { text: &'a str, hints: Vec<Hint> },
    /// The screen's key hints, its own first; the global ones are marked.
    Hints(Vec<Hint>),
}

/// The help overlay: sections of keys, and the first row shown.
pub struct HelpView<'a> {
    pub sections: &'a [HelpSection],
    pub scroll: usize,
}

/// A table as drawn: where, its first row, and how many rows it showed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableDrawn {
    pub area: Rect,
    pub first: usize,
    pub rows: usize,
}

impl TableDrawn {
    /// The row (counted from `first`) under a position, for a table with a border and a
    /// header above its rows.
    pub fn row_at(&self, x: u16, y: u16) -> Option<usize> {
        let rows_top = self.area.y + 2;
        let inside = self.area.contains(ratatui::layout::Position::new(x, y));
        (inside && y >= rows_top && y + 1 < self.area.bottom())
            .then(|| self.first + usize::from(y - rows_top))
    }
}

/// The log pane as drawn.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LogsDrawn {
    /// Rows of lines it had room for.
    pub rows: usize,
    /// The first line shown (an index into the matching lines).
    pub first: usize,
    /// A line opened whole: how many rows it has in all.
    pub opened_rows: usize,
}

/// The help overlay as drawn.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HelpDrawn {
    /// Rows of help in all, and how many were in view.
    pub rows: usize,
    pub visible: usize,
}

/// What the panes drew in a frame: the app keeps it for the next keys and clicks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Drawn {
    pub fleet: Option<TableDrawn>,
    pub flow: Option<Rect>,
    pub projects: Option<TableDrawn>,
    pub alarms: Option<TableDrawn>,
    pub logs: Option<LogsDrawn>,
    pub errors: Option<TableDrawn>,
    pub invocations: Option<TableDrawn>,
    pub insights: Option<TableDrawn>,
    pub help: Option<HelpDrawn>,
}
