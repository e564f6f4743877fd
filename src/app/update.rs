//! `App::update`: an action goes to the part of the app it concerns — the mode that has the
//! keyboard first (help, filter, command line), then the screen.

use super::list::Step;
use super::mode::{Mode, Prompt};
use super::screens::alarms::Alarms;
use super::screens::classes::Classes;
use super::screens::{Cx, Go};
use super::scroll::Scroll;
use super::{Action, App, Focus, LogsPart, Screen};
use crate::source::Control;
use crate::store::Window;

impl App {
    /// Applies an action, then brings the figures up to date and asks the sources for what
    /// the screen it led to needs.
    pub fn update(&mut self, action: Action) {
        match self.mode {
            Mode::Help(_) => self.on_help(action),
            Mode::Filter => self.on_filter(action),
            Mode::Command(_) => self.on_command_line(action),
            Mode::Normal => self.on_screen_action(action),
        }
        self.recompute();
        self.ask_for_the_screen();
    }

    /// A detail that opens asks for its function's versions and aliases, once: an order
    /// that follows from the action, never from recomputing the figures.
    fn ask_for_the_screen(&mut self) {
        match &self.screen {
            Screen::Detail(k) if self.inspected.as_ref() != Some(k) => {
                self.effects.send(Control::Inspect(k.clone()));
                self.inspected = Some(k.clone());
            }
            Screen::Detail(_) => {}
            _ => self.inspected = None,
        }
    }

    fn on_help(&mut self, action: Action) {
        let Mode::Help(scroll) = &mut self.mode else {
            return;
        };
        match action {
            Action::Back | Action::ToggleHelp => self.mode = Mode::Normal,
            Action::Quit => self.quit = true,
            _ => {
                if let Some(step) = Step::of(action) {
                    scroll.step(step);
                }
            }
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
        self.screen = Screen::Classes(Classes::open(self.class, &self.figures));
    }

    /// `a`: the alarms, on the most pressing.
    pub(super) fn open_alarms(&mut self) {
        self.screen = Screen::Alarms(Alarms::open());
    }

    /// The screen shown takes the action if it is one of its own; `Go::Pass` if not.
    fn on_own_screen(&mut self, action: Action) -> Go {
        let mut cx = Cx {
            store: &self.store,
            figures: &self.figures,
            effects: &mut self.effects,
        };
        match &mut self.screen {
            Screen::Classes(c) => c.on(action, &mut cx),
            Screen::Alarms(a) => a.on(action, &mut cx),
            _ => Go::Pass,
        }
    }

    /// Carries out where a screen said to go.
    fn go(&mut self, go: Go) {
        match go {
            Go::Pass | Go::Stay => {}
            Go::Back => self.back(),
            Go::NarrowToClass(class) => {
                self.class = Some(class);
                self.flow.cursor = None;
                self.fleet.scroll.to_top();
                self.screen = Screen::Dashboard;
            }
            Go::NarrowToProject(project) => self.narrow_to_project(project),
            Go::OpenDetail(key) => {
                self.fleet.select(key.clone());
                self.screen = Screen::Detail(key);
            }
        }
    }

    /// The fleet narrowed to a project, which the projects pane then has selected.
    fn narrow_to_project(&mut self, project: String) {
        self.projects.selected = Some(project.clone());
        self.project = Some(project);
        self.flow.cursor = None;
        self.fleet.scroll.to_top();
        self.screen = Screen::Dashboard;
    }

    /// A movement key moves the selection of the list the screen shows.
    fn step_list(&mut self, step: Step) {
        match self.screen {
            Screen::Projects => self.move_project_selection(step),
            // They take their keys themselves (`on_own_screen`).
            Screen::Classes(_) | Screen::Alarms(_) => {}
            Screen::Logs {
                part: LogsPart::Errors,
                ..
            } => self.move_error_selection(step),
            Screen::Logs {
                part: LogsPart::Invocations,
                ..
            } => self.move_invocation_selection(step),
            Screen::Logs {
                part: LogsPart::Insights,
                ..
            } => self.move_insights_selection(step),
            Screen::Logs {
                part: LogsPart::Lines,
                ..
            } => self.scroll_logs(step),
            Screen::Dashboard | Screen::Detail(_) => self.move_selection(step),
        }
    }

    fn on_screen_action(&mut self, action: Action) {
        // A screen that owns its keys takes them first; the others are the app's.
        match self.on_own_screen(action) {
            Go::Pass => {}
            go => return self.go(go),
        }
        let in_projects = self.screen == Screen::Projects;
        let part = match self.screen {
            Screen::Logs { part, .. } => Some(part),
            _ => None,
        };
        let in_invocations = part == Some(LogsPart::Invocations);
        let in_insights = part == Some(LogsPart::Insights);
        let in_errors = part == Some(LogsPart::Errors);
        match action {
            Action::Quit => self.quit = true,
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom => {
                if let Some(step) = Step::of(action) {
                    self.step_list(step);
                }
            }
            Action::OpenClasses => self.open_classes(),
            // The classes view's own (taken above while it is shown).
            Action::NarrowToClass => {}
            Action::Back if in_errors || in_invocations || in_insights => self.close_log_part(),
            Action::CopyLine if in_insights => self.copy_insights_row(),
            Action::StartInsights => {
                self.mode = Mode::Command(Prompt {
                    line: "insights ".into(),
                    matches: Vec::new(),
                })
            }
            Action::SortNext if in_invocations => self.toggle_invocation_sort(),
            Action::CopyRequestId if in_invocations => self.copy_invocation_id(),
            Action::OpenInvocations => self.open_log_part(LogsPart::Invocations),
            Action::OpenRequest => self.open_request(),
            Action::ToggleFailuresOnly => self.toggle_failures_only(),
            Action::CopyLine if in_errors => self.copy_error_sample(),
            Action::OpenErrors => self.open_log_part(LogsPart::Errors),
            Action::OpenErrorKind => self.open_error_kind(),
            Action::OpenAlarms => self.open_alarms(),
            // The alarms view's own (taken above while it is shown).
            Action::OpenAlarm => {}
            Action::SortNext if in_projects => {
                self.projects.sort = self.projects.sort.next();
                self.projects.reversed = false;
            }
            Action::SortReverse if in_projects => self.projects.reversed = !self.projects.reversed,
            Action::OpenProjects => {
                if let Some(p) = &self.project {
                    self.projects.selected = Some(p.clone());
                }
                self.screen = Screen::Projects;
            }
            Action::NarrowToProject => match self.projects.selected.clone() {
                Some(p) => self.narrow_to_project(p),
                None => self.screen = Screen::Dashboard,
            },
            Action::OpenDetail => {
                if let Some(k) = self.fleet.selected.clone() {
                    self.screen = Screen::Detail(k);
                }
            }
            Action::Back => self.back(),
            Action::OpenLogs => self.open_logs(false),
            Action::OpenProjectLogs => self.open_logs(true),
            Action::TogglePause => self.toggle_pause(),
            Action::TogglePrettyJson => self.logs.pretty_json = !self.logs.pretty_json,
            Action::ToggleWrap => self.toggle_wrap(),
            Action::ScrollLeft => self.scroll_logs_sideways(false),
            Action::ScrollRight => self.scroll_logs_sideways(true),
            Action::OpenLine => self.open_line(),
            Action::TogglePlatformLines => self.toggle_platform_lines(),
            Action::CopyLine => self.copy_line(false),
            Action::CopyRequestId => self.copy_line(true),
            Action::CopyLink if part.is_some() => self.copy_logs_link(),
            Action::CopyLink => self.copy_function_link(),
            Action::CursorLeft | Action::CursorRight => self.move_cursor(action),
            Action::StartFilter => self.mode = Mode::Filter,
            Action::StartCommand => self.mode = Mode::Command(Prompt::default()),
            Action::SortNext => {
                self.fleet.sort = self.fleet.sort.next();
                self.fleet.descending = self.fleet.sort.descending_by_default();
            }
            Action::SortReverse => self.fleet.descending = !self.fleet.descending,
            Action::FocusNext | Action::FocusPrev => {
                self.focus = match self.focus {
                    Focus::Fleet => Focus::Flow,
                    Focus::Flow => Focus::Fleet,
                }
            }
            // A window in the past keeps its end: 24 hours up to 02:00, then one hour.
            Action::SetWindow(w) => self.set_window(w.ending(self.window.end())),
            Action::CycleFlowScope => self.flow.cycle(),
            Action::ToggleHelp => self.mode = Mode::Help(Scroll::default()),
            Action::PollNow => self.effects.send(Control::PollNow),
            Action::Confirm | Action::Cancel | Action::Complete => {}
        }
    }

    /// Shows `window`: the figures follow, and the sources read what it needs (distributions
    /// over it; a long or past one at its period).
    pub(super) fn set_window(&mut self, window: Window) {
        self.window = window;
        self.effects.send(Control::Window(window));
    }

    /// Esc: one step back — to the fleet, or on the fleet the minute picked, else the filter,
    /// else the project.
    fn back(&mut self) {
        match &self.screen {
            Screen::Detail(_) | Screen::Projects | Screen::Alarms(_) | Screen::Classes(_) => {
                self.screen = Screen::Dashboard
            }
            Screen::Dashboard if self.flow.cursor.is_some() => self.flow.cursor = None,
            Screen::Dashboard if !self.fleet.filter.is_empty() => self.fleet.filter.clear(),
            Screen::Dashboard if self.class.is_some() => {
                self.class = None;
                self.fleet.scroll.to_top();
            }
            Screen::Dashboard if self.window.is_past() => self.set_window(self.window.ending(None)),
            Screen::Dashboard => {
                // The project first, then the account.
                if self.project.take().is_none() {
                    self.account = None;
                }
                self.fleet.scroll.to_top();
            }
            Screen::Logs { .. } => self.close_logs(),
        }
    }
}
