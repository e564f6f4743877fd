//! The latency classes view's state: the class selected, and Enter narrowing the fleet to it.

use super::list::{List, Step};
use super::{App, Screen};
use crate::store::latency::LatencyClass;

#[derive(Debug, Clone, Default)]
pub struct ClassesPane {
    /// The row selected, among the classes with members.
    pub list: List,
}

impl App {
    pub(super) fn open_classes(&mut self) {
        // The class the fleet is narrowed to, else the first.
        let classes = &self.figures.stats().classes;
        let row = self
            .class
            .and_then(|c| classes.iter().position(|s| s.class == c))
            .unwrap_or(0);
        self.classes.list.set_len(classes.len());
        self.classes.list.select(row);
        self.screen = Screen::Classes;
    }

    pub(super) fn move_class_selection(&mut self, step: Step) {
        self.classes
            .list
            .set_len(self.figures.stats().classes.len());
        self.classes.list.step(step);
    }

    /// The class selected, if it still has members.
    pub fn selected_class(&self) -> Option<LatencyClass> {
        let classes = &self.figures.stats().classes;
        classes
            .get(
                self.classes
                    .list
                    .selected()
                    .min(classes.len().saturating_sub(1)),
            )
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
