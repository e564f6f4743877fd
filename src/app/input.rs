//! Keys and the mouse: a key goes through the key map of the current context (a screen, the
//! help, a prompt) to an action; text typed into a prompt goes to the prompt; the wheel scrolls
//! what is under it and a click selects what the last frame drew there.

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Position;

use super::keymap;
use super::mode::Mode;
use super::{Action, App, Focus, Screen};

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
}
