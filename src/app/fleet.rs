//! The fleet table's state: sort, filter, the selected function and the scroll, and how they
//! follow the figures (the selection stays on its function while rows re-sort, and in view).

use super::list::Step;
use super::scroll::Scroll;
use super::{App, Screen};
use crate::store::FunctionKey;
use crate::view::SortColumn;
use crate::view::figures::Query;

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
}

impl App {
    /// Recomputes what changed of the figures, and keeps a function selected while there
    /// are rows (the first one by default).
    pub(super) fn recompute_figures(&mut self) {
        let scope = self.flow_scope();
        let q = Query {
            window: self.scope.window,
            filter: &self.dashboard.fleet.filter,
            project: self.scope.project.as_deref(),
            account: self.scope.account,
            class: self.scope.class,
            chart_project: match &self.screen {
                Screen::Projects(p) => p.selected(),
                _ => None,
            },
            detail: match &self.screen {
                Screen::Detail(key) => Some(key),
                _ => None,
            },
            sort: self.dashboard.fleet.sort,
            descending: self.dashboard.fleet.descending,
            scope: &scope,
        };
        self.figures.update(&self.store, &q, self.now);
        let order = self.figures.order();
        self.dashboard.fleet.scroll.set_len(order.len());
        let fns = self.store.functions();
        let still_there = self
            .dashboard
            .fleet
            .selected
            .as_ref()
            .is_some_and(|k| order.iter().any(|&i| fns[i].facts.is(k)));
        if !still_there || !self.dashboard.fleet.chosen {
            self.dashboard.fleet.selected = order.first().map(|&i| fns[i].facts.key());
            self.dashboard.fleet.chosen &= still_there;
        }
    }

    /// Position of the selected function among the visible rows.
    pub fn selected_row(&self) -> Option<usize> {
        let key = self.dashboard.fleet.selected.as_ref()?;
        let fns = self.store.functions();
        self.figures
            .order()
            .iter()
            .position(|&i| fns[i].facts.is(key))
    }

    pub(super) fn keep_selection_in_view(&mut self) {
        if let Some(row) = self.selected_row() {
            self.dashboard.fleet.scroll.show(row);
        }
    }

    /// Moves the selection by `by` rows, within the rows; the detail follows it.
    pub(super) fn move_selection(&mut self, step: Step) {
        let order = self.figures.order();
        let current = self.selected_row().unwrap_or(0);
        let Some(next) = step.from(current, order.len(), self.dashboard.fleet.scroll.page()) else {
            return;
        };
        let key = self.store.functions()[order[next]].facts.key();
        if let Screen::Detail(_) = self.screen {
            self.show(Screen::Detail(key.clone()));
        }
        self.dashboard.fleet.select(key);
        self.dashboard.fleet.scroll.show(next);
    }

    /// Selects the function at row `row` of the table; a click on the selected one opens it.
    pub(super) fn click_row(&mut self, row: usize) {
        let Some(&i) = self.figures.order().get(row) else {
            return;
        };
        let key = self.store.functions()[i].facts.key();
        if self.dashboard.fleet.selected.as_ref() == Some(&key) {
            return self.update(super::Action::OpenDetail);
        }
        self.dashboard.fleet.select(key);
    }
}
