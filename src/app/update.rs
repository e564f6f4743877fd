//! `App::update`: an action goes to the part of the app it concerns — the mode that has the
//! keyboard first (help, filter, command line), then the screen.

use super::list::Step;
use super::logs;
use super::mode::{Mode, Prompt};
use super::screens::Go;
use super::screens::alarms::Alarms;
use super::screens::classes::Classes;
use super::screens::detail::Detail;
use super::screens::help::Help;
use super::screens::logs::Logs;
use super::screens::projects::Projects;
use super::{Action, App, Focus, LogsPart, Screen};
use crate::source::Control;
use crate::store::Window;

impl App {
    /// Applies an action, then brings the figures up to date.
    pub fn update(&mut self, action: Action) {
        match self.mode {
            Mode::Help(_) => self.on_help(action),
            Mode::Filter => self.on_filter(action),
            Mode::Command(_) => self.on_command_line(action),
            Mode::Normal => self.on_screen_action(action),
        }
        self.recompute();
    }

    fn on_help(&mut self, action: Action) {
        let Mode::Help(help) = &mut self.mode else {
            return;
        };
        match help.on(action) {
            Go::Back => self.mode = Mode::Normal,
            Go::Pass if action == Action::Quit => self.quit = true,
            _ => {}
        }
    }

    fn on_filter(&mut self, action: Action) {
        match action {
            Action::Confirm => {
                self.mode = Mode::Normal;
                self.apply_log_filter();
            }
            Action::Cancel => {
                self.filter_mut().clear();
                self.mode = Mode::Normal;
                self.apply_log_filter();
            }
            // The rows move under the filter being typed.
            Action::Up | Action::Down => self.on_screen_action(action),
            _ => {}
        }
    }

    fn on_command_line(&mut self, action: Action) {
        let Mode::Command(prompt) = &mut self.mode else {
            return;
        };
        match action {
            Action::Cancel => self.mode = Mode::Normal,
            Action::Confirm => {
                let line = std::mem::take(&mut prompt.line);
                self.mode = Mode::Normal;
                self.run_line(&line);
            }
            Action::Complete => self.complete_line(),
            _ => {}
        }
    }

    /// `c`: the latency classes, on the class the fleet is narrowed to.
    pub(super) fn open_classes(&mut self) {
        self.show(Screen::Classes(Classes::open(
            self.scope.class,
            &self.figures,
        )));
    }

    /// `a`: the alarms, on the most pressing.
    pub(super) fn open_alarms(&mut self) {
        self.show(Screen::Alarms(Alarms::open()));
    }

    /// The screen shown takes the action if it is one of its own; `Go::Pass` if not.
    fn on_own_screen(&mut self, action: Action) -> Go {
        let mut cx = super::cx!(self);
        match &mut self.screen {
            Screen::Classes(c) => c.on(action, &mut cx),
            Screen::Logs(l) => l.on(action, &mut cx),
            Screen::Alarms(a) => a.on(action, &mut cx),
            Screen::Projects(p) => p.on(action, &mut cx),
            Screen::Detail(d) => d.on(action, &mut cx),
            Screen::Dashboard => Go::Pass,
        }
    }

    /// Carries out where a screen said to go.
    pub(super) fn go(&mut self, go: Go) {
        match go {
            Go::Pass | Go::Stay => {}
            Go::Back => self.back(),
            Go::NarrowToClass(class) => {
                self.scope.class = Some(class);
                self.dashboard.flow.cursor = None;
                self.dashboard.fleet.scroll.to_top();
                self.show(Screen::Dashboard);
            }
            Go::NarrowToProject(project) => self.narrow_to_project(project),
            Go::OpenDetail(key) => {
                self.dashboard.fleet.select(key.clone());
                self.show(Screen::Detail(Detail::open(key)));
            }
        }
    }

    /// The fleet narrowed to a project, which the projects pane then has selected.
    pub(super) fn narrow_to_project(&mut self, project: String) {
        self.show(Screen::Dashboard);
        self.memory.projects.selected = Some(project.clone());
        self.scope.project = Some(project);
        self.dashboard.flow.cursor = None;
        self.dashboard.fleet.scroll.to_top();
    }

    fn on_screen_action(&mut self, action: Action) {
        // A screen that owns its keys takes them first; the others are the app's.
        match self.on_own_screen(action) {
            Go::Pass => {}
            go => return self.go(go),
        }
        match action {
            Action::Quit => self.quit = true,
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom => {
                // The fleet's rows, also under a detail, which follows the selection (the
                // screens of `screens/` took theirs).
                let moved = Step::of(action)
                    .and_then(|step| self.dashboard.fleet.step(step, &self.store, &self.figures));
                if let (Some(key), Screen::Detail(_)) = (moved, &self.screen) {
                    self.show(Screen::Detail(Detail::open(key)));
                }
            }
            Action::OpenClasses => self.open_classes(),
            // The classes view's own (taken above while it is shown).
            Action::NarrowToClass => {}
            Action::StartInsights => {
                self.mode = Mode::Command(Prompt {
                    line: "insights ".into(),
                    matches: Vec::new(),
                })
            }
            Action::OpenInvocations => self.open_log_part(LogsPart::Invocations),
            Action::OpenErrors => self.open_log_part(LogsPart::Errors),
            Action::OpenAlarms => self.open_alarms(),
            // The log pane's and the alarms view's own (taken above while they are shown).
            Action::OpenAlarm
            | Action::OpenRequest
            | Action::ToggleFailuresOnly
            | Action::OpenErrorKind
            | Action::TogglePause
            | Action::TogglePrettyJson
            | Action::ToggleWrap
            | Action::ScrollLeft
            | Action::ScrollRight
            | Action::OpenLine
            | Action::TogglePlatformLines
            | Action::CopyLine
            | Action::CopyRequestId => {}
            Action::OpenProjects => self.show(Screen::Projects(Projects::open(
                &self.memory.projects,
                self.scope.project.as_deref(),
            ))),
            // The projects pane's own (taken above while it is shown).
            Action::NarrowToProject => {}
            Action::OpenDetail => {
                if let Some(k) = self.dashboard.fleet.selected.clone() {
                    self.show(Screen::Detail(Detail::open(k)));
                }
            }
            Action::Back => self.back(),
            Action::OpenLogs => self.open_logs(false),
            Action::OpenProjectLogs => self.open_logs(true),
            // The detail's and the log pane's own (taken above while they are shown).
            Action::CopyLink => {}
            Action::CursorLeft | Action::CursorRight => {
                self.dashboard.focus = Focus::Flow;
                let range = self.figures.stats().range;
                self.dashboard.flow.move_cursor(action, range);
            }
            Action::StartFilter => self.mode = Mode::Filter,
            Action::StartCommand => self.mode = Mode::Command(Prompt::default()),
            Action::SortNext => {
                self.dashboard.fleet.sort = self.dashboard.fleet.sort.next();
                self.dashboard.fleet.descending = self.dashboard.fleet.sort.descending_by_default();
            }
            Action::SortReverse => {
                self.dashboard.fleet.descending = !self.dashboard.fleet.descending
            }
            Action::FocusNext | Action::FocusPrev => {
                self.dashboard.focus = match self.dashboard.focus {
                    Focus::Fleet => Focus::Flow,
                    Focus::Flow => Focus::Fleet,
                }
            }
            // A window in the past keeps its end: 24 hours up to 02:00, then one hour.
            Action::SetWindow(w) => self.set_window(w.ending(self.scope.window.end())),
            Action::CycleFlowScope => self.dashboard.flow.cycle(),
            Action::ToggleHelp => self.mode = Mode::Help(Help::open()),
            Action::PollNow => self.effects.send(Control::PollNow),
            Action::Confirm | Action::Cancel | Action::Complete => {}
        }
    }

    /// Shows `window`: the figures follow, and the sources read what it needs (distributions
    /// over it; a long or past one at its period).
    pub(super) fn set_window(&mut self, window: Window) {
        self.scope.window = window;
        self.effects.send(Control::Window(window));
    }

    /// Esc: one step back — to the fleet, or on the fleet the minute picked, else the filter,
    /// else the project.
    fn back(&mut self) {
        match &self.screen {
            Screen::Detail(_) | Screen::Projects(_) | Screen::Alarms(_) | Screen::Classes(_) => {
                self.show(Screen::Dashboard)
            }
            Screen::Dashboard if self.dashboard.flow.cursor.is_some() => {
                self.dashboard.flow.cursor = None
            }
            Screen::Dashboard if !self.dashboard.fleet.filter.is_empty() => {
                self.dashboard.fleet.filter.clear()
            }
            Screen::Dashboard if self.scope.class.is_some() => {
                self.scope.class = None;
                self.dashboard.fleet.scroll.to_top();
            }
            Screen::Dashboard if self.scope.window.is_past() => {
                self.set_window(self.scope.window.ending(None))
            }
            Screen::Dashboard => {
                // The project first, then the account.
                if self.scope.project.take().is_none() {
                    self.scope.account = None;
                }
                self.dashboard.fleet.scroll.to_top();
            }
            Screen::Logs(logs) => {
                // Back to the function's detail it was opened from, else the fleet.
                let next = match (logs.from_detail, logs.target.functions.first()) {
                    (true, Some(k)) => Screen::Detail(Detail::open(k.clone())),
                    _ => Screen::Dashboard,
                };
                self.show(next);
            }
        }
    }

    /// `l`, `L`: the log pane, on the minute picked on the task flow, the project selected in
    /// the projects pane, the function opened, else the one selected (or its project).
    pub(super) fn open_logs(&mut self, project: bool) {
        let store = &self.store;
        let target = match (
            self.dashboard.focus,
            self.dashboard.flow.cursor,
            &self.screen,
        ) {
            (Focus::Flow, Some(m), Screen::Dashboard) => {
                super::flow::minute_target(store, &self.figures, &self.flow_scope(), m)
            }
            (_, _, Screen::Projects(p)) => {
                p.selected().and_then(|p| logs::project_target(store, p))
            }
            (_, _, Screen::Detail(d)) => logs::function_target(store, &d.key, project),
            _ => (self.dashboard.fleet.selected.as_ref())
                .and_then(|k| logs::function_target(store, k, project)),
        };
        let Some(target) =
            target.map(|t| logs::in_window(t, self.scope.window, &self.figures, self.now))
        else {
            return;
        };
        let from_detail = matches!(self.screen, Screen::Detail(_));
        self.effects.send(Control::Tail(Some(target.clone())));
        let pane = Logs::open(target, from_detail, &self.memory.logs);
        self.show(Screen::Logs(Box::new(pane)));
    }

    /// `e`, `i` in a function's detail: a view of its logs' lines.
    fn open_log_part(&mut self, part: LogsPart) {
        if matches!(self.screen, Screen::Detail(_)) {
            self.open_logs(false);
        }
        if let Screen::Logs(logs) = &mut self.screen {
            logs.open_part(part);
        }
    }

    /// A filter typed in the log pane: applied on screen, or handed to CloudWatch.
    fn apply_log_filter(&mut self) {
        let mut cx = super::cx!(self);
        if let Screen::Logs(logs) = &mut self.screen {
            logs.apply_filter(&mut cx);
        }
    }

    /// `:insights QUERY|NAME` (none: the last query again) over the logs shown, or the
    /// selected function's from the fleet or a detail.
    pub(super) fn run_insights(&mut self, asked: Option<String>) {
        let queries = &self.options.queries;
        let Some(asked) = asked.or_else(|| self.memory.logs.last_query.clone()) else {
            let names: Vec<&str> = queries.iter().map(|(n, _)| n.as_str()).collect();
            let names = names.join(", ");
            return self.say(format!(":insights needs a query or one of: {names}"));
        };
        if !matches!(self.screen, Screen::Logs(_)) {
            self.open_logs(false);
        }
        let range = logs::window_range(self.scope.window, &self.figures, self.now);
        let Screen::Logs(pane) = &mut self.screen else {
            return self.say("no function selected to query the logs of".into());
        };
        let queries = &self.options.queries;
        let run = pane.ask(asked, &mut self.memory.logs, queries, range, self.now);
        self.effects.send(run);
    }
}
