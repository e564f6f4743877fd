//! The latency classes view: each class against its budget; the keys move among the classes
//! with members, Enter narrows the fleet to the one selected, Esc goes back.

use super::{Cx, Go};
use crate::app::Action;
use crate::app::list::{List, Step};
use crate::store::latency::LatencyClass;
use crate::view::ClassesView;
use crate::view::figures::Figures;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Classes {
    /// The row selected, among the classes with members.
    list: List,
}

impl Classes {
    /// Opened on the class the fleet is narrowed to, else on the first.
    pub fn open(narrowed: Option<LatencyClass>, figures: &Figures) -> Classes {
        let classes = &figures.stats().classes;
        let mut list = List::default();
        list.set_len(classes.len());
        list.select(
            narrowed
                .and_then(|c| classes.iter().position(|s| s.class == c))
                .unwrap_or(0),
        );
        Classes { list }
    }

    pub fn on(&mut self, action: Action, cx: &mut Cx) -> Go {
        if let Some(step) = Step::of(action) {
            self.list.set_len(cx.figures.stats().classes.len());
            self.list.step(step);
            return Go::Stay;
        }
        match action {
            Action::NarrowToClass => self
                .selected(cx.figures)
                .map_or(Go::Back, Go::NarrowToClass),
            Action::Back => Go::Back,
            _ => Go::Pass,
        }
    }

    /// The class selected, if it still has members.
    pub fn selected(&self, figures: &Figures) -> Option<LatencyClass> {
        let classes = &figures.stats().classes;
        classes
            .get(self.list.selected().min(classes.len().saturating_sub(1)))
            .map(|c| c.class)
    }

    pub fn view(&self) -> ClassesView {
        ClassesView {
            selected: self.list.selected(),
        }
    }
}
