//! Keys and the mouse: a key goes through the key map of the current context (a screen, the
//! help, a prompt) to an action; text typed into a prompt goes to the prompt, and a command
//! line confirmed runs; the wheel scrolls what is under it and a click selects what the last
//! frame drew there.

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Position;

use super::command_line::{self, LineCommand};
use super::keymap;
use super::mode::Mode;
use super::prompt::{self, Typed};
use super::save::FileOrder;
use super::screens::Go;
use super::{Action, App, Focus, Screen};
use crate::ui::theme::{self, Theme};

/// Wheel steps in the log pane and the help: three lines, as terminals scroll text.
const WHEEL_LINES: usize = 3;

impl App {
    /// A key from the terminal.
    pub fn handle_key(&mut self, key: KeyEvent) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        // Ctrl-C quits from anywhere, even a prompt being typed.
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            self.quit = true;
            return;
        }
        self.effects.forget_message();
        match keymap::action_for(self.context(), &key, self.keys()) {
            Some(action) => self.update(action),
            None => self.type_into_prompt(key),
        }
    }

    /// A mouse event: the wheel scrolls what is under it, a click selects a row (a second
    /// click on the selected row opens it) or focuses a pane. Returns whether it was one of
    /// those (moves and drags are not: they must not cost a redraw).
    pub fn handle_mouse(&mut self, m: MouseEvent) -> bool {
        match m.kind {
            MouseEventKind::ScrollUp | MouseEventKind::ScrollDown => {
                let action = if m.kind == MouseEventKind::ScrollUp {
                    Action::Up
                } else {
                    Action::Down
                };
                let lines = matches!(self.screen, Screen::Logs(_)) || self.mode.is_help();
                for _ in 0..if lines { WHEEL_LINES } else { 1 } {
                    self.update(action);
                }
                true
            }
            // A click lands on the screen, also while a filter is typed (not under the help).
            MouseEventKind::Down(MouseButton::Left)
                if matches!(self.mode, Mode::Normal | Mode::Filter) =>
            {
                match &mut self.screen {
                    Screen::Dashboard => self.click_dashboard(m.column, m.row),
                    Screen::Projects(p) => {
                        if let Some(row) =
                            self.drawn.projects.and_then(|t| t.row_at(m.column, m.row))
                        {
                            let go = p.click(row, &self.figures);
                            self.go(go);
                        }
                    }
                    _ => {}
                }
                self.recompute();
                true
            }
            _ => false,
        }
    }

    fn click_dashboard(&mut self, x: u16, y: u16) {
        if let Some(table) = self.drawn.fleet
            && table.area.contains(Position::new(x, y))
        {
            self.dashboard.focus = Focus::Fleet;
            if let Some(row) = table.row_at(x, y) {
                let go = self.dashboard.fleet.click(row, &self.store, &self.figures);
                self.go(go);
            }
        } else if self
            .drawn
            .flow
            .is_some_and(|a| a.contains(Position::new(x, y)))
        {
            self.dashboard.focus = Focus::Flow;
        }
    }

    /// The filter the screen types into: the log pane's, or the fleet table's.
    pub(super) fn filter_mut(&mut self) -> &mut String {
        match &mut self.screen {
            Screen::Logs(logs) => &mut logs.lines.layout.filter,
            _ => &mut self.dashboard.fleet.filter,
        }
    }

    /// A key no binding took: text for the prompt being typed.
    fn type_into_prompt(&mut self, key: KeyEvent) {
        match &mut self.mode {
            Mode::Filter => {
                if prompt::type_into(self.filter_mut(), &key, prompt::FILTER_MAX) == Typed::Ignored
                {
                    return;
                }
                if !matches!(self.screen, Screen::Logs(_)) {
                    self.dashboard.fleet.scroll.to_top();
                }
            }
            Mode::Command(p) => match prompt::type_into(&mut p.line, &key, prompt::LINE_MAX) {
                Typed::Ignored => return,
                // Backspace on an empty line leaves it, as in vi.
                Typed::Emptied => self.mode = Mode::Normal,
                Typed::Changed => p.matches.clear(),
            },
            Mode::Normal | Mode::Help(_) => return,
        }
        self.recompute();
    }

    /// Tab on the command line: the command or argument completed, or the choices.
    pub(super) fn complete_line(&mut self) {
        let Mode::Command(p) = &self.mode else {
            return;
        };
        let queries = &self.options.queries;
        let (done, matches) =
            command_line::complete(&p.line, |k| prompt::candidates(k, &self.store, queries));
        if let Mode::Command(p) = &mut self.mode {
            p.line = done;
            p.matches = matches;
        }
    }

    /// A command line confirmed; what went wrong is said in the footer.
    pub(super) fn run_line(&mut self, line: &str) {
        if let Err(e) = command_line::parse(line).and_then(|cmd| self.run_command(cmd)) {
            self.effects.say(e);
        }
    }

    fn run_command(&mut self, cmd: LineCommand) -> Result<(), String> {
        let store = &self.store;
        match cmd {
            LineCommand::Function(name) => self.go(Go::OpenDetail(prompt::function(store, &name)?)),
            LineCommand::Project(None) => {
                self.scope.project = None;
                self.show(Screen::Dashboard);
            }
            LineCommand::Project(Some(p)) => self.narrow_to_project(prompt::project(store, p)?),
            LineCommand::Region(r) => {
                self.dashboard.fleet.filter = prompt::region(store, r)?;
                self.show(Screen::Dashboard);
                self.dashboard.fleet.scroll.to_top();
            }
            LineCommand::Account(name) => {
                self.scope.account = prompt::account(store, name)?;
                self.show(Screen::Dashboard);
                self.dashboard.fleet.scroll.to_top();
            }
            LineCommand::At(text) => {
                let w = self
                    .scope
                    .window
                    .ending_at(&text, self.now, &chrono::Local)?;
                self.set_window(w);
            }
            LineCommand::Theme(name) => {
                let t = Theme::load(&name, theme::user_dir().as_deref())?;
                self.theme = t.fitted(self.options.fit.0, self.options.fit.1);
            }
            LineCommand::Logs => self.update(Action::OpenLogs),
            LineCommand::Insights(asked) => self.run_insights(asked),
            LineCommand::Alarms => self.open_alarms(),
            LineCommand::Classes => self.open_classes(),
            LineCommand::Save(file) => {
                let order = FileOrder::recording(file, store, self.now);
                self.effects.write(order);
                self.effects.say("saving…");
            }
            LineCommand::Export(file) => {
                let order = FileOrder::export(file, store, &self.figures);
                self.effects.write(order);
            }
            LineCommand::Help => self.update(Action::ToggleHelp),
            LineCommand::Quit => self.update(Action::Quit),
        }
        Ok(())
    }
}
