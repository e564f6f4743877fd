//! The app: the store, the state of each part of the screen, and what goes to the sources.
//! State lives with its concern — `fleet` (the table), `flow` (the task-flow graph), `projects`,
//! `logs`, `mode` (help and prompts) — and `update` dispatches actions to them; `input` turns
//! keys and clicks into actions, `present` builds the read-only `View` the panes draw from, and
//! `run` drives it all from the terminal and the sources.

pub mod action;
pub mod command_line;
pub mod effects;
pub mod errors;
pub mod fleet;
pub mod flow;
pub mod frame;
pub mod input;
pub mod insights;
pub mod invocations;
pub mod keymap;
pub mod list;
pub mod logs;
pub mod mode;
pub mod options;
pub mod present;
pub mod projects;
pub mod prompt;
pub mod run;
pub mod save;
pub mod screen;
pub mod screens;
pub mod scroll;
pub mod update;

use chrono::{DateTime, Utc};

pub use action::Action;
pub use mode::{Mode, Prompt};
pub use options::AppOptions;
pub use screen::{Focus, LogsPart, Screen};

use crate::source::Control;
use crate::store::{FunctionKey, Store, Window};
use crate::ui::theme::Theme;
use crate::view::{Drawn, Figures, HelpSection, KeyNames};
use keymap::{Context, UserKeys};

pub struct App {
    pub store: Store,
    pub theme: Theme,
    options: AppOptions,
    /// Who has the keyboard.
    pub mode: Mode,
    pub screen: Screen,
    pub focus: Focus,
    pub window: Window,
    /// The project every pane is narrowed to, if any.
    pub project: Option<String>,
    /// The latency class the fleet is narrowed to, if any.
    pub class: Option<crate::store::latency::LatencyClass>,
    /// The account every pane is narrowed to (`:account`), if any.
    pub account: Option<crate::store::AccountId>,
    pub fleet: fleet::FleetTable,
    pub flow: flow::TaskFlow,
    pub projects: projects::ProjectsPane,
    pub logs: logs::LogPane,
    pub errors: errors::ErrorsPane,
    pub invocations: invocations::InvocationsPane,
    pub insights: insights::InsightsPane,
    figures: Figures,
    /// The keys in words, and the help, as the user has them bound.
    key_names: KeyNames,
    /// The help of the fleet's screens, and of the log pane's.
    help: [Vec<HelpSection>; 2],
    /// What the panes drew last frame: page sizes and click targets.
    drawn: Drawn,
    now: DateTime<Utc>,
    /// What handling the keys asked of the sources, the terminal and the disk.
    effects: effects::Effects,
    /// The function whose detail last asked for its versions (`None`: no detail open).
    inspected: Option<FunctionKey>,
    quit: bool,
}

impl App {
    pub fn new(store: Store, theme: Theme, options: AppOptions, now: DateTime<Utc>) -> Self {
        let mut app = Self {
            store,
            theme,
            mode: Mode::Normal,
            screen: Screen::Dashboard,
            focus: Focus::Fleet,
            window: options.window,
            project: None,
            class: None,
            account: None,
            fleet: fleet::FleetTable::default(),
            flow: flow::TaskFlow::default(),
            projects: projects::ProjectsPane::default(),
            logs: logs::LogPane::default(),
            errors: errors::ErrorsPane::default(),
            invocations: invocations::InvocationsPane::default(),
            insights: insights::InsightsPane::default(),
            figures: Figures::default(),
            key_names: keymap::key_names(&options.keys),
            help: [false, true].map(|logs| keymap::help_sections(&options.keys, logs)),
            options,
            drawn: Drawn::default(),
            now,
            effects: effects::Effects::default(),
            inspected: None,
            quit: false,
        };
        app.recompute();
        app
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    pub fn keys(&self) -> &UserKeys {
        &self.options.keys
    }

    /// Takes the user's keys: dispatch, help, footer and pane texts follow them.
    pub fn set_keys(&mut self, keys: UserKeys) {
        self.key_names = keymap::key_names(&keys);
        self.help = [false, true].map(|logs| keymap::help_sections(&keys, logs));
        self.options.keys = keys;
    }

    /// The `:` line while it is typed.
    pub fn command_line(&self) -> Option<&str> {
        match &self.mode {
            Mode::Command(p) => Some(&p.line),
            _ => None,
        }
    }

    /// Orders for the sources, taken once.
    pub fn take_controls(&mut self) -> Vec<Control> {
        self.effects.take_controls()
    }

    /// Text a key asked to copy, for the loop to hand to the terminal.
    pub fn take_clipboard(&mut self) -> Option<String> {
        self.effects.take_clipboard()
    }

    /// Files a command asked for, for the loop to write.
    pub fn take_files(&mut self) -> Vec<save::FileOrder> {
        self.effects.take_files()
    }

    /// The one-line answer in the footer, until the next key.
    pub fn message(&self) -> Option<&str> {
        self.effects.message()
    }

    /// Shows a one-line answer (a file written, or why not) in the footer.
    pub fn say(&mut self, message: String) {
        self.effects.say(message);
    }

    /// The cached figures: window stats, the rows' order, the task flow.
    pub fn figures(&self) -> &Figures {
        &self.figures
    }

    /// Where the keys apply now: the mode's context, else the screen's.
    pub fn context(&self) -> Context {
        self.mode.context().unwrap_or_else(|| self.screen.context())
    }

    /// The functions whose figures are on screen: the fleet table's visible rows, the function
    /// of the detail view, the functions whose logs are tailed, and the selected one.
    pub fn on_screen(&self) -> Vec<FunctionKey> {
        let fns = self.store.functions();
        let order = self.figures.order();
        let scroll = &self.fleet.scroll;
        let start = scroll.offset().min(order.len());
        let end = (start + scroll.page()).min(order.len());
        let mut keys: Vec<FunctionKey> = order[start..end]
            .iter()
            .map(|&i| fns[i].facts.key())
            .collect();
        match &self.screen {
            Screen::Detail(k) => keys.insert(0, k.clone()),
            Screen::Logs { target, .. } => keys.extend(target.functions.iter().cloned()),
            Screen::Dashboard | Screen::Projects | Screen::Alarms(_) | Screen::Classes(_) => {}
        }
        if let Some(k) = &self.fleet.selected
            && !keys.contains(k)
        {
            keys.insert(0, k.clone());
        }
        keys
    }

    /// Moves the app's clock; the figures follow when the minute turns.
    pub fn set_now(&mut self, now: DateTime<Utc>) {
        self.now = now;
        self.recompute();
    }

    /// Keeps what the panes drew: the pages the keys move by and the areas clicks land on.
    /// Returns whether that moved what is shown (a new size), so the frame is drawn again.
    pub fn set_drawn(&mut self, drawn: Drawn) -> bool {
        let shown = |app: &App| {
            (
                app.fleet.scroll,
                app.projects.scroll,
                match &app.screen {
                    Screen::Alarms(a) => Some(*a),
                    _ => None,
                },
                [app.invocations.list, app.insights.list, app.errors.list],
                app.logs.scroll,
                app.mode.clone(),
            )
        };
        let before = shown(self);
        if let Some(t) = drawn.fleet {
            self.fleet.scroll.set_page(t.rows);
            self.keep_selection_in_view();
        }
        if let Some(t) = drawn.projects {
            self.projects.scroll.set_page(t.rows);
            self.keep_project_in_view();
        }
        if let (Some(t), Screen::Alarms(a)) = (drawn.alarms, &mut self.screen) {
            a.drawn(t.rows);
        }
        if let Some(l) = drawn.logs {
            self.logs.drawn(l);
        }
        if let Some(t) = drawn.invocations {
            self.invocations.list.set_page(t.rows);
        }
        if let Some(t) = drawn.insights {
            self.insights.list.set_page(t.rows);
        }
        if let Some(t) = drawn.errors {
            self.errors.list.set_page(t.rows);
        }
        if let (Some(h), Mode::Help(scroll)) = (drawn.help, &mut self.mode) {
            scroll.set_len(h.rows);
            scroll.set_page(h.visible);
        }
        self.drawn = drawn;
        before != shown(self)
    }

    /// Brings the cached figures and everything that follows them up to date, after the store
    /// or the state changed.
    pub fn recompute(&mut self) {
        // A long or past window is kept beside the minutes, at its period.
        let span = self.window.span(self.now, self.store.retention_minutes());
        self.store.set_span(span);
        self.recompute_figures();
        if self
            .projects
            .follow_figures(&self.figures, self.store.cost(), &mut self.project)
        {
            // The rows and the chart follow what just changed.
            self.recompute_figures();
        }
        self.keep_selection_in_view();
        self.keep_project_in_view();
        if let Screen::Alarms(a) = &mut self.screen {
            a.follow(&screens::Cx {
                store: &self.store,
                figures: &self.figures,
                effects: &mut self.effects,
            });
        }
        self.logs
            .follow_store(&self.store, &self.screen, &self.options.error_words);
        self.errors
            .follow_store(&self.store, &self.screen, &self.options.error_words);
        self.invocations
            .follow_store(&self.store, &self.screen, &self.options.error_words);
        let rows = self.insights_answer().and_then(|r| r.answer.as_ref());
        let rows = rows.map_or(0, |a| a.rows.len());
        self.insights.follow_rows(rows);
    }
}
