//! The app: UI state (focus, screen, selection, filter, sort, window) over the store, and the
//! one place where actions change it. `run` drives it from the terminal and the sources.

pub mod action;
pub mod command_line;
pub mod frame;
pub mod keymap;
pub mod run;
pub mod view;

use std::cell::Cell;
use std::collections::HashSet;

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Position, Rect};

pub use action::Action;
use keymap::Context;
use view::{FleetView, FlowScope, ProjectSort, Query, SortColumn};

use crate::logtext::filter::Pattern;
use crate::source::{Command, SourceKind, TailTarget};
pub use crate::store::health::{Breach, Thresholds};
use crate::store::{Function, FunctionKey, Metric, Minute, Store, Window};
use crate::ui::theme::Theme;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Fleet,
    Flow,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    Dashboard,
    Detail(FunctionKey),
    /// The log pane; `from_detail`: Esc goes back to the function's detail.
    Logs {
        target: TailTarget,
        from_detail: bool,
    },
    /// The projects pane.
    Projects,
}

/// How the log pane is being read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogView {
    /// Rows scrolled up from the newest; 0 follows new lines.
    pub scroll: usize,
    /// While paused: how many matching lines the view is frozen at.
    pub paused_at: Option<usize>,
    pub filter: String,
    pub pretty_json: bool,
}

/// What the task-flow graph follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowFollows {
    Fleet,
    Project,
    Function,
}

#[derive(Debug)]
pub struct UiState {
    pub focus: Focus,
    pub screen: Screen,
    pub help: bool,
    /// First line of the help overlay shown, for terminals shorter than the help.
    pub help_scroll: u16,
    pub filter: String,
    /// True while the filter line has the keyboard.
    pub filter_editing: bool,
    pub sort: SortColumn,
    pub descending: bool,
    pub window: Window,
    pub selected: Option<FunctionKey>,
    pub flow_follows: FlowFollows,
    /// A minute picked on the task-flow graph, for its logs. Held as the minute itself, so it
    /// stays put while the window slides.
    pub flow_cursor: Option<Minute>,
    /// First visible row of the fleet table; kept by the table pane so scrolling is stable.
    pub table_offset: Cell<usize>,
    /// Rows the fleet table showed last frame: the page size of PgUp/PgDn.
    pub table_rows: Cell<usize>,
    pub log: LogView,
    /// Rows the log pane showed last frame.
    pub log_rows: Cell<usize>,
    /// Where the fleet table, the task flow and the projects table (with its first row) were
    /// drawn last frame: what a mouse click lands on.
    pub table_area: Cell<Rect>,
    pub flow_area: Cell<Rect>,
    pub projects_area: Cell<(Rect, usize)>,
    /// The project every pane is narrowed to, if any.
    pub project: Option<String>,
    /// The project selected in the projects pane.
    pub project_selected: Option<String>,
    pub project_sort: ProjectSort,
    pub project_sort_reversed: bool,
    /// The `:` command line while it is being typed.
    pub command_line: Option<String>,
    /// What Tab found for the command line.
    pub command_matches: Vec<String>,
    /// A one-line answer (a command's error) shown in the footer until the next key.
    pub message: Option<String>,
}

/// Options the app starts with.
#[derive(Debug, Clone)]
pub struct AppOptions {
    pub window: Window,
    pub thresholds: Thresholds,
}

impl Default for AppOptions {
    /// The dashboard's defaults: a one-hour window, the default thresholds.
    fn default() -> Self {
        Self {
            window: Window::H1,
            thresholds: Thresholds::default(),
        }
    }
}

pub struct App {
    pub store: Store,
    pub theme: Theme,
    /// Keys the user bound in the config file.
    pub keys: keymap::UserKeys,
    /// How themes are fitted to this terminal (colors, block charts), for `:theme`.
    pub theme_fit: (crate::ui::theme::ColorDepth, bool),
    pub thresholds: Thresholds,
    pub ui: UiState,
    now: DateTime<Utc>,
    view: FleetView,
    /// Indices into the log buffer of the lines the log pane shows, and what they were for.
    log_matches: (Option<(u64, String, String)>, Vec<usize>),
    /// Why the typed log filter is not applied, if it is not.
    pub log_filter_error: Option<String>,
    outbox: Vec<Command>,
    /// The functions last said to be on screen (`Command::Watch`).
    watched: Vec<FunctionKey>,
    quit: bool,
}

impl App {
    pub fn new(store: Store, theme: Theme, options: AppOptions, now: DateTime<Utc>) -> Self {
        let mut app = Self {
            store,
            theme,
            theme_fit: (crate::ui::theme::ColorDepth::TrueColor, false),
            keys: keymap::UserKeys::default(),
            thresholds: options.thresholds,
            ui: UiState {
                focus: Focus::Fleet,
                screen: Screen::Dashboard,
                help: false,
                help_scroll: 0,
                filter: String::new(),
                filter_editing: false,
                sort: SortColumn::Errors,
                descending: true,
                window: options.window,
                selected: None,
                flow_follows: FlowFollows::Fleet,
                flow_cursor: None,
                table_offset: Cell::new(0),
                table_rows: Cell::new(10),
                log: LogView::default(),
                log_rows: Cell::new(10),
                table_area: Cell::new(Rect::default()),
                flow_area: Cell::new(Rect::default()),
                projects_area: Cell::new((Rect::default(), 0)),
                project: None,
                project_selected: None,
                project_sort: ProjectSort::Errors,
                project_sort_reversed: false,
                command_line: None,
                command_matches: Vec::new(),
                message: None,
            },
            now,
            view: FleetView::default(),
            log_matches: (None, Vec::new()),
            log_filter_error: None,
            outbox: Vec::new(),
            watched: Vec::new(),
            quit: false,
        };
        app.refresh();
        app
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// Commands for the sources, taken once.
    pub fn take_commands(&mut self) -> Vec<Command> {
        std::mem::take(&mut self.outbox)
    }

    pub fn view(&self) -> &FleetView {
        &self.view
    }

    /// The functions whose figures are on screen: the fleet table's visible rows, the function
    /// of the detail view, the functions whose logs are tailed.
    pub fn on_screen(&self) -> Vec<FunctionKey> {
        let fns = self.store.functions();
        let order = self.view.order();
        let offset = self.ui.table_offset.get().min(order.len());
        let end = (offset + self.ui.table_rows.get()).min(order.len());
        let mut keys: Vec<FunctionKey> = order[offset..end]
            .iter()
            .map(|&i| fns[i].facts.key())
            .collect();
        match &self.ui.screen {
            Screen::Detail(k) => keys.insert(0, k.clone()),
            Screen::Logs { target, .. } => keys.extend(target.functions.iter().cloned()),
            Screen::Dashboard | Screen::Projects => {}
        }
        if let Some(k) = &self.ui.selected
            && !keys.contains(k)
        {
            keys.insert(0, k.clone());
        }
        keys
    }

    /// Tells the sources what is on screen, when that changed since it was last said.
    pub fn note_on_screen(&mut self) {
        let keys = self.on_screen();
        if keys != self.watched {
            self.watched = keys.clone();
            self.outbox.push(Command::Watch(keys));
        }
    }

    /// Moves the app's clock; the view follows when the minute turns.
    pub fn set_now(&mut self, now: DateTime<Utc>) {
        self.now = now;
        self.refresh();
    }

    /// Brings the cached view up to date after the store or the UI state changed.
    pub fn refresh(&mut self) {
        self.refresh_view();
        // The projects pane keeps a selection too, and a narrowed project that is gone (a
        // new inventory) lets go.
        let projects = &self.view.stats().projects;
        let known = |p: &String| projects.iter().any(|s| &s.name == p);
        let mut again = false;
        if self.ui.project.as_ref().is_some_and(|p| !known(p)) {
            self.ui.project = None;
            again = true;
        }
        if !self.ui.project_selected.as_ref().is_some_and(known) {
            let order = self.project_order();
            self.ui.project_selected = order
                .first()
                .map(|&i| self.view.stats().projects[i].name.clone());
            again = true;
        }
        if again {
            // The rows and the chart follow what just changed.
            self.refresh_view();
        }
        self.refresh_log_matches();
    }

    fn refresh_view(&mut self) {
        let scope = self.flow_scope();
        let q = Query {
            window: self.ui.window,
            filter: &self.ui.filter,
            project: self.ui.project.as_deref(),
            chart_project: match self.ui.screen {
                Screen::Projects => self.ui.project_selected.as_deref(),
                _ => None,
            },
            sort: self.ui.sort,
            descending: self.ui.descending,
            scope: &scope,
        };
        self.view.refresh(&self.store, &q, self.now);
        // Keep a function selected while there are rows: the first one by default.
        let order = self.view.order();
        let still_there = self.ui.selected.as_ref().is_some_and(|k| {
            order.iter().any(|&i| {
                let f = &self.store.functions()[i].facts;
                f.name == k.name && f.region == k.region
            })
        });
        if !still_there {
            self.ui.selected = order
                .first()
                .map(|&i| self.store.functions()[i].facts.key());
        }
    }

    /// Indices into the window's project figures, in the projects pane's order.
    pub fn project_order(&self) -> Vec<usize> {
        view::sorted_projects(
            self.view.stats(),
            self.store.cost(),
            self.ui.project_sort,
            self.ui.project_sort_reversed,
        )
    }

    /// Position of the selected project in the projects pane.
    pub fn selected_project_row(&self) -> Option<usize> {
        let name = self.ui.project_selected.as_ref()?;
        let projects = &self.view.stats().projects;
        self.project_order()
            .iter()
            .position(|&i| &projects[i].name == name)
    }

    fn move_project_selection(&mut self, action: Action) {
        let order = self.project_order();
        if order.is_empty() {
            return;
        }
        let last = order.len() - 1;
        let current = self.selected_project_row().unwrap_or(0);
        let next = match action {
            Action::Up => current.saturating_sub(1),
            Action::Down => (current + 1).min(last),
            Action::Top => 0,
            _ => last,
        };
        self.ui.project_selected = Some(self.view.stats().projects[order[next]].name.clone());
    }

    /// Recomputes which log lines the pane shows, when the lines, the filter or the target
    /// changed.
    fn refresh_log_matches(&mut self) {
        let Screen::Logs { target, .. } = &self.ui.screen else {
            return;
        };
        let key = (
            self.store.logs().version(),
            self.ui.log.filter.clone(),
            target.label.clone(),
        );
        if self.log_matches.0.as_ref() == Some(&key) {
            return;
        }
        let pattern = match Pattern::parse(&self.ui.log.filter) {
            Ok(p) => {
                self.log_filter_error = None;
                p
            }
            // CloudWatch applies it (see `apply_log_filter`): nothing to do here.
            Err(_) if target.filter.as_deref() == Some(self.ui.log.filter.trim()) => {
                self.log_filter_error = None;
                Pattern::default()
            }
            Err(e) => {
                self.log_filter_error = Some(e);
                Pattern::default()
            }
        };
        let wanted: HashSet<&FunctionKey> = target.functions.iter().collect();
        let matches = self
            .store
            .logs()
            .lines()
            .iter()
            .enumerate()
            .filter(|(_, l)| wanted.contains(&l.function) && pattern.matches(&l.text))
            .map(|(i, _)| i)
            .collect();
        self.log_matches = (Some(key), matches);
    }

    /// Indices into `store.logs()` of the lines the log pane shows, oldest first (while paused,
    /// only those there when it paused).
    pub fn log_lines(&self) -> &[usize] {
        let all = &self.log_matches.1;
        match self.ui.log.paused_at {
            Some(n) => &all[..n.min(all.len())],
            None => all,
        }
    }

    /// Matching lines that arrived since the pause.
    pub fn log_lines_waiting(&self) -> usize {
        self.ui
            .log
            .paused_at
            .map_or(0, |n| self.log_matches.1.len().saturating_sub(n))
    }

    /// The logs of every function of `project`.
    fn project_target(&self, project: &str) -> Option<TailTarget> {
        let mut functions: Vec<FunctionKey> = self
            .store
            .functions()
            .iter()
            .filter(|g| g.project == project)
            .map(|g| g.facts.key())
            .collect();
        if functions.is_empty() {
            return None;
        }
        functions.sort();
        Some(TailTarget {
            label: format!("project {project} ({} functions)", functions.len()),
            log_group_arns: self.log_group_arns(&functions),
            functions,
            range_ms: None,
            filter: None,
        })
    }

    /// The logs to follow for an action: the selected function, or its project.
    fn tail_target(&self, project: bool) -> Option<TailTarget> {
        if let (Screen::Projects, Some(p)) = (&self.ui.screen, &self.ui.project_selected) {
            return self.project_target(p);
        }
        let key = match &self.ui.screen {
            Screen::Detail(k) => Some(k.clone()),
            _ => self.ui.selected.clone(),
        }?;
        let f = self.store.function(&key)?;
        if !project {
            return Some(TailTarget {
                label: format!("{} ({})", key.name, key.region),
                log_group_arns: self.log_group_arns(std::slice::from_ref(&key)),
                functions: vec![key],
                range_ms: None,
                filter: None,
            });
        }
        self.project_target(&f.project)
    }

    /// The logs of the minute picked on the task flow, for what the graph shows: the function,
    /// or the functions of the project or fleet that failed most in that minute (then the
    /// busiest), at most ten.
    fn minute_target(&self, m: Minute) -> Option<TailTarget> {
        let scope = self.flow_scope();
        let (scope_label, mut keys): (String, Vec<FunctionKey>) = match &scope {
            FlowScope::Function(k) => (format!("{} ({})", k.name, k.region), vec![k.clone()]),
            FlowScope::Project(p) => (
                format!("project {p}"),
                self.store
                    .functions()
                    .iter()
                    .filter(|f| f.project == *p)
                    .map(|f| f.facts.key())
                    .collect(),
            ),
            FlowScope::Fleet => (
                "fleet".to_string(),
                self.store
                    .functions()
                    .iter()
                    .map(|f| f.facts.key())
                    .collect(),
            ),
        };
        let weight = |k: &FunctionKey| {
            let h = &self.store.function(k).map(|f| &f.history);
            let get = |metric| h.and_then(|h| h.get(metric, m)).unwrap_or(0.0);
            (
                get(Metric::Errors) + get(Metric::Timeouts) + get(Metric::Throttles),
                get(Metric::Invocations),
            )
        };
        keys.sort_by(|a, b| {
            weight(b)
                .partial_cmp(&weight(a))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        keys.truncate(crate::source::tail::MAX_TAILED);
        if keys.is_empty() {
            return None;
        }
        Some(TailTarget {
            label: format!("{scope_label} · {} UTC", m.start().format("%H:%M")),
            log_group_arns: Vec::new(),
            functions: keys,
            range_ms: Some(m.ms_range()),
            filter: None,
        })
    }

    /// Log group ARNs, by region, of those of `keys` whose function ARN is known.
    fn log_group_arns(&self, keys: &[FunctionKey]) -> Vec<(String, String)> {
        keys.iter()
            .filter_map(|k| {
                let arn = self.store.function(k)?.facts.arn.as_deref()?;
                Some((
                    k.region.clone(),
                    crate::source::aws::logs::log_group_arn(arn)?,
                ))
            })
            .collect()
    }

    /// A log filter only CloudWatch understands (JSON, space-delimited) goes to the tail on an
    /// AWS account, which reads again with it; a text filter is applied on screen.
    fn apply_log_filter(&mut self) {
        let Screen::Logs {
            target,
            from_detail,
        } = &self.ui.screen
        else {
            return;
        };
        let f = self.ui.log.filter.trim();
        let by_cloudwatch = self.store.session().kind == SourceKind::Aws
            && !f.is_empty()
            && Pattern::parse(f).is_err();
        let filter = by_cloudwatch.then(|| f.to_string());
        if filter == target.filter {
            return;
        }
        let target = TailTarget {
            filter,
            ..target.clone()
        };
        self.outbox.push(Command::Tail(Some(target.clone())));
        self.ui.screen = Screen::Logs {
            target,
            from_detail: *from_detail,
        };
    }

    fn open_logs(&mut self, project: bool) {
        let target = match (self.ui.focus, self.ui.flow_cursor, &self.ui.screen) {
            (Focus::Flow, Some(i), Screen::Dashboard) => self.minute_target(i),
            _ => self.tail_target(project),
        };
        let Some(target) = target else {
            return;
        };
        let from_detail = matches!(self.ui.screen, Screen::Detail(_));
        self.ui.log = LogView {
            filter: std::mem::take(&mut self.ui.log.filter),
            ..LogView::default()
        };
        self.outbox.push(Command::Tail(Some(target.clone())));
        self.ui.screen = Screen::Logs {
            target,
            from_detail,
        };
    }

    fn scroll_logs(&mut self, action: Action) {
        let page = self.ui.log_rows.get().max(1);
        let log = &mut self.ui.log;
        log.scroll = match action {
            Action::Up => log.scroll.saturating_add(1),
            Action::Down => log.scroll.saturating_sub(1),
            Action::PageUp => log.scroll.saturating_add(page),
            Action::PageDown => log.scroll.saturating_sub(page),
            Action::Top => usize::MAX / 2,
            _ => 0,
        };
        if action == Action::Bottom {
            log.paused_at = None;
        }
    }

    /// The task-flow scope the graph shows now.
    pub fn flow_scope(&self) -> FlowScope {
        let selected = self
            .ui
            .selected
            .as_ref()
            .and_then(|k| self.store.function(k));
        match (self.ui.flow_follows, selected, &self.ui.project) {
            (FlowFollows::Project, Some(f), _) => FlowScope::Project(f.project.clone()),
            (FlowFollows::Function, Some(f), _) => FlowScope::Function(f.facts.key()),
            // Narrowed to a project: its flow is the whole there is.
            (_, _, Some(p)) => FlowScope::Project(p.clone()),
            _ => FlowScope::Fleet,
        }
    }

    /// Position of the selected function among the visible rows.
    pub fn selected_row(&self) -> Option<usize> {
        let key = self.ui.selected.as_ref()?;
        let fns = self.store.functions();
        self.view.order().iter().position(|&i| {
            let f = &fns[i].facts;
            f.name == key.name && f.region == key.region
        })
    }

    /// The function of the detail screen, if it is still in the store.
    pub fn detail_function(&self) -> Option<&Function> {
        match &self.ui.screen {
            Screen::Detail(key) => self.store.function(key),
            _ => None,
        }
    }

    /// Where the keys apply now.
    pub fn context(&self) -> Context {
        match self.ui.screen {
            Screen::Dashboard => Context::Dashboard,
            Screen::Detail(_) => Context::Detail,
            Screen::Logs { .. } => Context::Logs,
            Screen::Projects => Context::Projects,
        }
    }

    /// A key from the terminal.
    pub fn handle_key(&mut self, key: KeyEvent) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return self.update(Action::Quit);
        }
        self.ui.message = None;
        if self.ui.command_line.is_some() {
            return self.edit_command(key);
        }
        if self.ui.filter_editing {
            return self.edit_filter(key);
        }
        if self.ui.help {
            match key.code {
                KeyCode::Esc | KeyCode::Char('?') | KeyCode::Enter => self.ui.help = false,
                KeyCode::Char('q') => self.update(Action::Quit),
                KeyCode::Down | KeyCode::Char('j') | KeyCode::PageDown | KeyCode::Char(' ') => {
                    self.ui.help_scroll = self.ui.help_scroll.saturating_add(1)
                }
                KeyCode::Up | KeyCode::Char('k') | KeyCode::PageUp => {
                    self.ui.help_scroll = self.ui.help_scroll.saturating_sub(1)
                }
                _ => {}
            }
            return;
        }
        if let Some(action) = keymap::action_for(self.context(), &key, &self.keys) {
            self.update(action);
        }
    }

    /// A mouse event: the wheel scrolls what is under it, a click selects a row (a second
    /// click on the selected row opens it) or focuses a pane. Returns whether it was one of
    /// those (moves and drags are not: they must not cost a redraw).
    pub fn handle_mouse(&mut self, m: MouseEvent) -> bool {
        let at = Position::new(m.column, m.row);
        match m.kind {
            MouseEventKind::ScrollUp | MouseEventKind::ScrollDown => {
                let up = m.kind == MouseEventKind::ScrollUp;
                if self.ui.help {
                    self.ui.help_scroll = if up {
                        self.ui.help_scroll.saturating_sub(3)
                    } else {
                        self.ui.help_scroll.saturating_add(3)
                    };
                    return true;
                }
                let steps = if matches!(self.ui.screen, Screen::Logs { .. }) {
                    3
                } else {
                    1
                };
                for _ in 0..steps {
                    self.update(if up { Action::Up } else { Action::Down });
                }
                true
            }
            MouseEventKind::Down(MouseButton::Left) if !self.ui.help => {
                match self.ui.screen {
                    Screen::Dashboard => self.click_dashboard(at),
                    Screen::Projects => self.click_projects(at),
                    _ => {}
                }
                true
            }
            _ => false,
        }
    }

    /// The row under `at` of a table drawn in `area` (a border and a header above the rows).
    fn row_at(area: Rect, at: Position) -> Option<usize> {
        let rows_top = area.y + 2;
        (area.contains(at) && at.y >= rows_top && at.y + 1 < area.bottom())
            .then(|| usize::from(at.y - rows_top))
    }

    fn click_dashboard(&mut self, at: Position) {
        let table = self.ui.table_area.get();
        if table.contains(at) {
            self.ui.focus = Focus::Fleet;
            let Some(row) = Self::row_at(table, at) else {
                return self.refresh();
            };
            let Some(&i) = self.view.order().get(self.ui.table_offset.get() + row) else {
                return self.refresh();
            };
            let key = self.store.functions()[i].facts.key();
            if self.ui.selected.as_ref() == Some(&key) {
                return self.update(Action::OpenDetail);
            }
            self.ui.selected = Some(key);
            self.refresh();
        } else if self.ui.flow_area.get().contains(at) {
            self.ui.focus = Focus::Flow;
        }
    }

    fn click_projects(&mut self, at: Position) {
        let (area, offset) = self.ui.projects_area.get();
        let Some(row) = Self::row_at(area, at) else {
            return;
        };
        let order = self.project_order();
        let Some(&i) = order.get(offset + row) else {
            return;
        };
        let name = self.view.stats().projects[i].name.clone();
        if self.ui.project_selected.as_ref() == Some(&name) {
            return self.update(Action::NarrowToProject);
        }
        self.ui.project_selected = Some(name);
        self.refresh();
    }

    fn edit_command(&mut self, key: KeyEvent) {
        let Some(line) = self.ui.command_line.as_mut() else {
            return;
        };
        match key.code {
            KeyCode::Esc => self.ui.command_line = None,
            KeyCode::Enter => {
                let text = std::mem::take(line);
                self.ui.command_line = None;
                match command_line::parse(&text) {
                    Ok(cmd) => self.run_command(cmd),
                    Err(e) => self.ui.message = Some(e),
                }
            }
            KeyCode::Tab => {
                let text = line.clone();
                let (done, matches) = command_line::complete(&text, |k| self.candidates(k));
                self.ui.command_line = Some(done);
                self.ui.command_matches = matches;
                return;
            }
            // Backspace on an empty line leaves it, as in vi.
            KeyCode::Backspace if line.pop().is_none() => self.ui.command_line = None,
            KeyCode::Char(c)
                if !key.modifiers.contains(KeyModifiers::CONTROL) && line.chars().count() < 80 =>
            {
                line.push(c)
            }
            _ => {}
        }
        self.ui.command_matches.clear();
        self.refresh();
    }

    /// What an argument of the command line may be.
    fn candidates(&self, kind: command_line::ArgKind) -> Vec<String> {
        use command_line::ArgKind;
        match kind {
            ArgKind::Function => self
                .store
                .functions()
                .iter()
                .map(|f| f.facts.name.clone())
                .collect(),
            ArgKind::Project => self
                .store
                .projects()
                .into_iter()
                .map(String::from)
                .collect(),
            ArgKind::Region => self.store.regions().into_iter().map(String::from).collect(),
            ArgKind::Theme => {
                let mut names: Vec<String> = crate::ui::theme::BUILT_IN
                    .iter()
                    .map(|(n, _)| n.to_string())
                    .collect();
                if let Some(Ok(dir)) = user_theme_dir().map(std::fs::read_dir) {
                    names.extend(dir.flatten().filter_map(|e| {
                        let name = e.file_name().to_string_lossy().to_string();
                        name.strip_suffix(".toml").map(str::to_string)
                    }));
                }
                names
            }
            ArgKind::None => Vec::new(),
        }
    }

    fn run_command(&mut self, cmd: command_line::LineCommand) {
        use command_line::LineCommand;
        match cmd {
            LineCommand::Function(name) => {
                let found = self
                    .store
                    .functions()
                    .iter()
                    .filter(|f| f.facts.name == name)
                    .map(|f| f.facts.key())
                    .next()
                    .or_else(|| {
                        let lower = name.to_lowercase();
                        self.store
                            .functions()
                            .iter()
                            .find(|f| f.facts.name.to_lowercase().contains(&lower))
                            .map(|f| f.facts.key())
                    });
                match found {
                    Some(key) => {
                        self.ui.selected = Some(key.clone());
                        self.ui.screen = Screen::Detail(key);
                    }
                    None => self.ui.message = Some(format!("no function '{name}'")),
                }
            }
            LineCommand::Project(None) => {
                self.ui.project = None;
                self.ui.screen = Screen::Dashboard;
            }
            LineCommand::Project(Some(p)) => {
                if self.store.projects().contains(p.as_str()) {
                    self.ui.project_selected = Some(p.clone());
                    self.ui.project = Some(p);
                    self.ui.screen = Screen::Dashboard;
                    self.ui.table_offset.set(0);
                } else {
                    self.ui.message = Some(format!("no project '{p}'"));
                }
            }
            LineCommand::Region(r) => {
                let r = r.unwrap_or_default();
                if r.is_empty() || self.store.regions().contains(r.as_str()) {
                    self.ui.filter = r;
                    self.ui.screen = Screen::Dashboard;
                    self.ui.table_offset.set(0);
                } else {
                    self.ui.message = Some(format!("no functions in region '{r}'"));
                }
            }
            LineCommand::Theme(name) => {
                match crate::ui::theme::Theme::load(&name, user_theme_dir().as_deref()) {
                    Ok(t) => self.theme = t.fitted(self.theme_fit.0, self.theme_fit.1),
                    Err(e) => self.ui.message = Some(e),
                }
            }
            LineCommand::Logs => return self.update(Action::OpenLogs),
            LineCommand::Help => return self.update(Action::ToggleHelp),
            LineCommand::Quit => return self.update(Action::Quit),
        }
        self.refresh();
    }

    /// The filter the focused screen types into: the log pane's, or the fleet table's.
    pub fn filter_text(&self) -> &str {
        match self.ui.screen {
            Screen::Logs { .. } => &self.ui.log.filter,
            _ => &self.ui.filter,
        }
    }

    fn edit_filter(&mut self, key: KeyEvent) {
        let filter = match self.ui.screen {
            Screen::Logs { .. } => &mut self.ui.log.filter,
            _ => &mut self.ui.filter,
        };
        match key.code {
            KeyCode::Enter => {
                self.ui.filter_editing = false;
                self.apply_log_filter();
            }
            KeyCode::Esc => {
                filter.clear();
                self.ui.filter_editing = false;
                self.apply_log_filter();
            }
            KeyCode::Backspace => {
                filter.pop();
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                if filter.chars().count() < 64 {
                    filter.push(c);
                }
            }
            KeyCode::Up | KeyCode::Down => {
                let a = if key.code == KeyCode::Up {
                    Action::Up
                } else {
                    Action::Down
                };
                self.update(a);
                return;
            }
            _ => return,
        }
        if !matches!(self.ui.screen, Screen::Logs { .. }) {
            self.ui.table_offset.set(0);
        }
        self.refresh();
    }

    /// Applies an action: the only place UI state changes.
    pub fn update(&mut self, action: Action) {
        let in_logs = matches!(self.ui.screen, Screen::Logs { .. });
        let in_projects = self.ui.screen == Screen::Projects;
        match action {
            Action::Quit => self.quit = true,
            Action::Up | Action::Down | Action::Top | Action::Bottom if in_projects => {
                self.move_project_selection(action)
            }
            Action::SortNext if in_projects => {
                self.ui.project_sort = self.ui.project_sort.next();
                self.ui.project_sort_reversed = false;
            }
            Action::SortReverse if in_projects => {
                self.ui.project_sort_reversed = !self.ui.project_sort_reversed
            }
            Action::OpenProjects => {
                if let Some(p) = &self.ui.project {
                    self.ui.project_selected = Some(p.clone());
                }
                self.ui.screen = Screen::Projects;
            }
            Action::NarrowToProject => {
                if let Some(p) = self.ui.project_selected.clone() {
                    self.ui.project = Some(p);
                    self.ui.flow_cursor = None;
                    self.ui.table_offset.set(0);
                }
                self.ui.screen = Screen::Dashboard;
            }
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
                if in_logs =>
            {
                self.scroll_logs(action)
            }
            Action::Up => self.move_selection(-1),
            Action::Down => self.move_selection(1),
            Action::PageUp => self.move_selection(-(self.ui.table_rows.get().max(1) as isize)),
            Action::PageDown => self.move_selection(self.ui.table_rows.get().max(1) as isize),
            Action::Top => self.move_selection(isize::MIN / 2),
            Action::Bottom => self.move_selection(isize::MAX / 2),
            Action::OpenDetail => {
                if let Some(k) = self.ui.selected.clone() {
                    self.ui.screen = Screen::Detail(k);
                }
            }
            Action::Back => match &self.ui.screen {
                Screen::Detail(_) | Screen::Projects => self.ui.screen = Screen::Dashboard,
                Screen::Dashboard if self.ui.flow_cursor.is_some() => self.ui.flow_cursor = None,
                Screen::Dashboard if !self.ui.filter.is_empty() => self.ui.filter.clear(),
                Screen::Dashboard => {
                    self.ui.project = None;
                    self.ui.table_offset.set(0);
                }
                Screen::Logs {
                    target,
                    from_detail,
                } => {
                    self.ui.screen = match (from_detail, target.functions.first()) {
                        (true, Some(k)) => Screen::Detail(k.clone()),
                        _ => Screen::Dashboard,
                    };
                    self.outbox.push(Command::Tail(None));
                }
            },
            Action::OpenLogs => self.open_logs(false),
            Action::OpenProjectLogs => self.open_logs(true),
            Action::TogglePause => {
                self.ui.log.paused_at = match self.ui.log.paused_at {
                    Some(_) => None,
                    None => Some(self.log_matches.1.len()),
                }
            }
            Action::TogglePrettyJson => self.ui.log.pretty_json = !self.ui.log.pretty_json,
            Action::CursorLeft | Action::CursorRight => {
                let range = self.view.stats().range;
                self.ui.focus = Focus::Flow;
                let m = match (self.ui.flow_cursor, action) {
                    (Some(m), Action::CursorLeft) if range.contains(m) => m.minus(1),
                    (Some(m), Action::CursorRight) if range.contains(m) => m.plus(1),
                    // None yet, or slid out of the window: start from the newest minute.
                    _ => range.last,
                };
                self.ui.flow_cursor = Some(m.max(range.first).min(range.last));
            }
            Action::StartFilter => self.ui.filter_editing = true,
            Action::StartCommand => {
                self.ui.command_line = Some(String::new());
                self.ui.command_matches.clear();
            }
            Action::SortNext => {
                self.ui.sort = self.ui.sort.next();
                self.ui.descending = self.ui.sort.descending_by_default();
            }
            Action::SortReverse => self.ui.descending = !self.ui.descending,
            Action::FocusNext | Action::FocusPrev => {
                self.ui.focus = match self.ui.focus {
                    Focus::Fleet => Focus::Flow,
                    Focus::Flow => Focus::Fleet,
                }
            }
            Action::SetWindow(w) => self.ui.window = w,
            Action::CycleFlowScope => {
                self.ui.flow_follows = match self.ui.flow_follows {
                    FlowFollows::Fleet => FlowFollows::Project,
                    FlowFollows::Project => FlowFollows::Function,
                    FlowFollows::Function => FlowFollows::Fleet,
                }
            }
            Action::ToggleHelp => {
                self.ui.help = !self.ui.help;
                self.ui.help_scroll = 0;
            }
            Action::Refresh => self.outbox.push(Command::RefreshNow),
        }
        self.refresh();
    }

    fn move_selection(&mut self, by: isize) {
        let order = self.view.order();
        if order.is_empty() {
            return;
        }
        let current = self.selected_row().unwrap_or(0) as isize;
        let next = (current.saturating_add(by)).clamp(0, order.len() as isize - 1) as usize;
        let key = self.store.functions()[order[next]].facts.key();
        if let Screen::Detail(_) = self.ui.screen {
            self.ui.screen = Screen::Detail(key.clone());
        }
        self.ui.selected = Some(key);
    }
}

/// Where user themes live: `~/.config/lambdatop/themes/NAME.toml` (none without a home).
pub fn user_theme_dir() -> Option<std::path::PathBuf> {
    dirs::config_dir().map(|d| d.join("lambdatop").join("themes"))
}
