//! The app: the store, the state of each part of the screen, and what goes to the sources.
//! State lives with its concern — `fleet` (the table), `flow` (the task-flow graph), `mode`
//! (help and prompts), and the screens of `screens/` (the log pane, the projects, the alarms,
//! the latency classes), which own their state and keys — and `update` dispatches actions to them;
//! `input` turns keys and clicks into actions, `present` builds the read-only `View` the panes
//! draw from, `effects` collects what they ask of the world, and `run` drives it all from the
//! terminal and the sources.

pub mod action;
pub mod command_line;
pub mod dashboard;
pub mod effects;
pub mod fleet;
pub mod flow;
pub mod frame;
pub mod input;
pub mod keymap;
pub mod keys;
pub mod list;
pub mod logs;
pub mod mode;
pub mod options;
pub mod present;
pub mod prompt;
pub mod run;
pub mod save;
pub mod scope;
pub mod screen;
pub mod screens;
pub mod scroll;
pub mod update;

use chrono::{DateTime, Utc};

/// What a screen is handed with an action: the app's fields it reads, and its outbox, each
/// borrowed on its own so the screen shown can be borrowed beside them.
macro_rules! cx {
    ($app:ident) => {
        $crate::app::screens::Cx {
            store: &$app.store,
            figures: &$app.figures,
            now: $app.now,
            keys: &$app.keys.names,
            effects: &mut $app.effects,
        }
    };
}
pub(crate) use cx;

pub use action::Action;
pub use mode::{Mode, Prompt};
pub use options::AppOptions;
pub use screen::{Focus, LogsPart, Screen};

use crate::source::Control;
use crate::store::{FunctionKey, Store};
use crate::ui::theme::Theme;
use crate::view::{Drawn, Figures};
use keymap::{Context, UserKeys};

pub struct App {
    pub store: Store,
    pub theme: Theme,
    options: AppOptions,
    /// Who has the keyboard.
    pub mode: Mode,
    pub screen: Screen,
    /// The fleet table and the task flow, under every screen.
    pub dashboard: dashboard::Dashboard,
    /// What the panes are narrowed to: the window, a project, a class, an account.
    pub scope: scope::Scope,
    /// What screens keep from one opening to the next.
    memory: screens::Memory,
    figures: Figures,
    /// The keys as bound, their names in words, the help.
    keys: keys::Keys,
    /// What the panes drew last frame: page sizes and click targets.
    drawn: Drawn,
    now: DateTime<Utc>,
    /// What handling the keys asked of the sources, the terminal and the disk.
    effects: effects::Effects,
    quit: bool,
}

impl App {
    pub fn new(store: Store, theme: Theme, mut options: AppOptions, now: DateTime<Utc>) -> Self {
        let mut app = Self {
            store,
            theme,
            mode: Mode::Normal,
            screen: Screen::Dashboard,
            dashboard: dashboard::Dashboard::default(),
            scope: scope::Scope::over(options.window),
            memory: screens::Memory::default(),
            figures: Figures::default(),
            // Kept here, with what follows from them (`set_keys` replaces them).
            keys: keys::Keys::new(std::mem::take(&mut options.keys)),
            options,
            drawn: Drawn::default(),
            now,
            effects: effects::Effects::default(),
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
        &self.keys.user
    }

    /// Takes the user's keys: dispatch, help, footer and pane texts follow them.
    pub fn set_keys(&mut self, keys: UserKeys) {
        self.keys = keys::Keys::new(keys);
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
        let scroll = &self.dashboard.fleet.scroll;
        let start = scroll.offset().min(order.len());
        let end = (start + scroll.page()).min(order.len());
        let mut keys: Vec<FunctionKey> = order[start..end]
            .iter()
            .map(|&i| fns[i].facts.key())
            .collect();
        match &self.screen {
            Screen::Detail(d) => keys.insert(0, d.key.clone()),
            Screen::Logs(logs) => keys.extend(logs.target.functions.iter().cloned()),
            Screen::Dashboard | Screen::Projects(_) | Screen::Alarms(_) | Screen::Classes(_) => {}
        }
        if let Some(k) = &self.dashboard.fleet.selected
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
                app.dashboard.fleet.scroll,
                match &app.screen {
                    Screen::Projects(p) => Some(p.view(&app.figures)),
                    _ => None,
                },
                match &app.screen {
                    Screen::Alarms(a) => Some(*a),
                    _ => None,
                },
                match &app.screen {
                    Screen::Logs(l) => Some(l.position()),
                    _ => None,
                },
                app.mode.clone(),
            )
        };
        let before = shown(self);
        if let Some(t) = drawn.fleet {
            self.dashboard.fleet.scroll.set_page(t.rows);
            self.dashboard
                .fleet
                .keep_in_view(&self.store, &self.figures);
        }
        if let (Some(t), Screen::Projects(p)) = (drawn.projects, &mut self.screen) {
            p.drawn(t.rows, &self.figures);
        }
        if let (Some(t), Screen::Alarms(a)) = (drawn.alarms, &mut self.screen) {
            a.drawn(t.rows);
        }
        if let Screen::Logs(l) = &mut self.screen {
            l.drawn(&drawn);
        }
        if let (Some(h), Mode::Help(help)) = (drawn.help, &mut self.mode) {
            help.drawn(h.rows, h.visible);
        }
        self.drawn = drawn;
        before != shown(self)
    }

    /// Brings the cached figures and everything that follows them up to date, after the store
    /// or the state changed.
    pub fn recompute(&mut self) {
        // A long or past window is kept beside the minutes, at its period.
        let span = self
            .scope
            .window
            .span(self.now, self.store.retention_minutes());
        self.store.set_span(span);
        self.recompute_figures();
        let mut moved = self.scope.follow(&self.figures);
        if let Screen::Projects(p) = &mut self.screen {
            moved |= p.follow(&self.figures, self.store.cost());
        }
        if moved {
            // The rows and the chart follow what just changed.
            self.recompute_figures();
        }
        self.dashboard
            .fleet
            .keep_in_view(&self.store, &self.figures);
        match &mut self.screen {
            Screen::Alarms(a) => a.follow(&self.store),
            Screen::Logs(l) => l.follow(&self.store, &self.options.error_words),
            _ => {}
        }
    }

    /// Every change of screen: leaving the log pane keeps its filter and layout for the next
    /// opening and, unless another log pane takes its place, stops the tail; a function's
    /// detail that opens asks for its versions and aliases, once (an order that follows from
    /// the screen shown, never from recomputing the figures).
    pub(crate) fn show(&mut self, next: Screen) {
        self.keep_memory();
        let left = std::mem::replace(&mut self.screen, next);
        if matches!(left, Screen::Logs(_)) && !matches!(self.screen, Screen::Logs(_)) {
            self.effects.send(Control::Tail(None));
        }
        if let Screen::Detail(d) = &self.screen
            && left != self.screen
        {
            self.effects.send(Control::Inspect(d.key.clone()));
        }
    }

    fn keep_memory(&mut self) {
        match &self.screen {
            Screen::Logs(l) => self.memory.logs.layout = l.lines.layout.clone(),
            Screen::Projects(p) => self.memory.projects = p.memory(),
            _ => {}
        }
    }
}
