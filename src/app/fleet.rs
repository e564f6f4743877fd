//! The fleet table's state: sort, filter, the selected function and the scroll, and how they
//! follow the figures (the selection stays on its function while rows re-sort, and in view).

use super::list::Step;
use super::screens::Go;
use super::scroll::Scroll;
use crate::store::{FunctionKey, Store};
use crate::view::SortColumn;
use crate::view::figures::Figures;

#[derive(Debug, Clone)]
pub struct FleetTable {
    pub sort: SortColumn,
    pub descending: bool,
    pub filter: String,
    pub selected: Option<FunctionKey>,
    /// The user picked `selected` (a key, a click, `:fn`, an alarm's Enter): it stays theirs
    /// while rows re-sort. Until then the selection is the first row, whatever comes in.
    chosen: bool,
    pub scroll: Scroll,
}

impl Default for FleetTable {
    /// Errors first, the worst at the top.
    fn default() -> Self {
        Self {
            sort: SortColumn::Errors,
            descending: true,
            filter: String::new(),
            selected: None,
            chosen: false,
            scroll: Scroll::default(),
        }
    }
}

impl FleetTable {
    /// Selects `key` as the user's choice.
    pub fn select(&mut self, key: FunctionKey) {
        self.selected = Some(key);
        self.chosen = true;
    }

    /// Keeps a function selected while there are rows, once the figures were recomputed: the
    /// user's choice while it stays among them, else the first row.
    pub fn follow(&mut self, store: &Store, figures: &Figures) {
        let order = figures.order();
        self.scroll.set_len(order.len());
        let fns = store.functions();
        let still_there = self
            .selected
            .as_ref()
            .is_some_and(|k| order.iter().any(|&i| fns[i].facts.is(k)));
        if !still_there || !self.chosen {
            self.selected = order.first().map(|&i| fns[i].facts.key());
            self.chosen &= still_there;
        }
    }

    /// Position of the selected function among the rows.
    pub fn selected_row(&self, store: &Store, figures: &Figures) -> Option<usize> {
        let key = self.selected.as_ref()?;
        let fns = store.functions();
        figures.order().iter().position(|&i| fns[i].facts.is(key))
    }

    pub fn keep_in_view(&mut self, store: &Store, figures: &Figures) {
        if let Some(row) = self.selected_row(store, figures) {
            self.scroll.show(row);
        }
    }

    /// Moves the selection within the rows; the function it moved to, if it did.
    pub fn step(&mut self, step: Step, store: &Store, figures: &Figures) -> Option<FunctionKey> {
        let order = figures.order();
        let current = self.selected_row(store, figures).unwrap_or(0);
        let next = step.from(current, order.len(), self.scroll.page())?;
        let key = store.functions()[order[next]].facts.key();
        self.select(key.clone());
        self.scroll.show(next);
        Some(key)
    }

    /// A click on the row `row` selects its function; on the one selected, opens it.
    pub fn click(&mut self, row: usize, store: &Store, figures: &Figures) -> Go {
        let Some(&i) = figures.order().get(row) else {
            return Go::Stay;
        };
        let key = store.functions()[i].facts.key();
        if self.selected.as_ref() == Some(&key) {
            return Go::OpenDetail(key);
        }
        self.select(key);
        Go::Stay
    }
}
