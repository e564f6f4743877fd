//! The latency classes view's state: the class selected, and Enter narrowing the fleet to it.

use super::{Action, App, Screen};
use crate::store::latency::LatencyClass;

#[derive(Debug, Clone, Default)]
pub struct ClassesPane {
    /// The row selected, among the classes with members.
    pub selected: usize,
}

impl App {
    pub(super) fn open_classes(&mut self) {
        // The class the fleet is narrowed to, else the first.
        let classes = &self.figures.stats().classes;
        self.classes.selected = self
            .class
            .and_then(|c| classes.iter().position(|s| s.class == c))
            .unwrap_or(0);
        self.screen = Screen::Classes;
    }

    pub(super) fn move_class_selection(&mut self, action: Action) {
        let last = self.figures.stats().classes.len().saturating_sub(1);
        let s = self.classes.selected;
        self.classes.selected = match action {
            Action::Up => s.saturating_sub(1),
            Action::Down => (s + 1).min(last),
            Action::Top => 0,
            Action::Bottom => last,
            _ => s,
        };
    }

    /// The class selected, if it still has members.
    pub fn selected_class(&self) -> Option<LatencyClass> {
        let classes = &self.figures.stats().classes;
        classes
            .get(self.classes.selected.min(classes.len().saturating_sub(1)))
            .map(|c| c.class)
    }

    /// Enter on a class: the fleet of its functions only (Esc on the fleet widens).
    pub(super) fn narrow_to_class(&mut self) {
        if let Some(c) = self.selected_class() {
            self.class = Some(c);
            self.flow.cursor = None;
            self.fleet.scroll.to_top();
        }
        self.screen = Screen::Dashboard;
    }
}
