//! The projects pane: each project's figures beside the bill, in the order of the column it is
//! sorted by. The keys move among the projects and sort them; Enter (or a click on the project
//! selected) narrows the fleet to the one selected. Its sort and selection are kept from one
//! opening to the next, as the log pane keeps its layout.

use super::{Cx, Go};
use crate::app::Action;
use crate::app::list::Step;
use crate::app::scroll::Scroll;
use crate::store::cost::CostReport;
use crate::view::ProjectsView;
use crate::view::figures::Figures;
use crate::view::sort::{ProjectSort, sorted_projects};

/// What the pane keeps from one opening to the next: how it sorts, what was selected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectsMemory {
    pub sort: ProjectSort,
    pub reversed: bool,
    pub selected: Option<String>,
}

impl Default for ProjectsMemory {
    /// The most errors first.
    fn default() -> Self {
        ProjectsMemory {
            sort: ProjectSort::Errors,
            reversed: false,
            selected: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Projects {
    sort: ProjectSort,
    reversed: bool,
    /// The project selected, by name: it stays on its project while the rows re-sort.
    selected: Option<String>,
    scroll: Scroll,
    /// Indices into the window's project figures in the pane's order, ordered when the figures
    /// or the sort change, not for every frame.
    order: Vec<usize>,
}

impl Projects {
    /// Opened on the project the fleet is narrowed to, else on the one selected last time,
    /// sorted as last time.
    pub fn open(memory: &ProjectsMemory, narrowed: Option<&str>) -> Projects {
        Projects {
            sort: memory.sort,
            reversed: memory.reversed,
            selected: narrowed.map(String::from).or(memory.selected.clone()),
            scroll: Scroll::default(),
            order: Vec::new(),
        }
    }

    /// What the next opening keeps.
    pub fn memory(&self) -> ProjectsMemory {
        ProjectsMemory {
            sort: self.sort,
            reversed: self.reversed,
            selected: self.selected.clone(),
        }
    }

    /// The project selected, whose chart and logs the pane shows.
    pub fn selected(&self) -> Option<&str> {
        self.selected.as_deref()
    }

    pub fn sort(&self) -> ProjectSort {
        self.sort
    }

    /// Indices into the window's project figures, in the pane's order.
    pub fn order(&self) -> &[usize] {
        &self.order
    }

    /// Orders the projects by the figures, lets go of a project that left the fleet and
    /// selects the first where none is; returns whether the selection changed (the chart
    /// follows it).
    pub fn follow(&mut self, figures: &Figures, cost: Option<&CostReport>) -> bool {
        let projects = &figures.stats().projects;
        self.order = sorted_projects(figures.stats(), cost, self.sort, self.reversed);
        let known = |p: &String| projects.iter().any(|s| &s.name == p);
        let mut changed = false;
        if !self.selected.as_ref().is_some_and(known) {
            self.selected = self.order.first().map(|&i| projects[i].name.clone());
            changed = true;
        }
        // The pane lists the window's projects, then the bill's lines no project has.
        let bill_only = cost.map_or(0, |b| {
            b.groups
                .iter()
                .filter(|g| !projects.iter().any(|p| p.name == g.key))
                .count()
        });
        self.scroll.set_len(projects.len() + bill_only);
        self.keep_in_view(figures);
        changed
    }

    /// The frame drawn shows `rows` projects at a time.
    pub fn drawn(&mut self, rows: usize, figures: &Figures) {
        self.scroll.set_page(rows);
        self.keep_in_view(figures);
    }

    pub fn on(&mut self, action: Action, cx: &mut Cx) -> Go {
        if let Some(step) = Step::of(action) {
            self.step(step, cx.figures);
            return Go::Stay;
        }
        match action {
            Action::SortNext => {
                self.sort = self.sort.next();
                self.reversed = false;
            }
            Action::SortReverse => self.reversed = !self.reversed,
            Action::NarrowToProject => {
                return self.selected.clone().map_or(Go::Back, Go::NarrowToProject);
            }
            Action::Back => return Go::Back,
            _ => return Go::Pass,
        }
        self.follow(cx.figures, cx.store.cost());
        Go::Stay
    }

    /// A click on the project at `row` selects it; on the one selected, narrows to it.
    pub fn click(&mut self, row: usize, figures: &Figures) -> Go {
        let Some(&i) = self.order.get(row) else {
            return Go::Stay;
        };
        let name = &figures.stats().projects[i].name;
        if self.selected.as_ref() == Some(name) {
            return Go::NarrowToProject(name.clone());
        }
        self.selected = Some(name.clone());
        Go::Stay
    }

    pub fn view(&self, figures: &Figures) -> ProjectsView {
        ProjectsView {
            order: self.order.clone(),
            selected: self.selected_row(figures),
            offset: self.scroll.offset(),
            sort: self.sort,
            reversed: self.reversed,
        }
    }

    /// Position of the selected project in the pane's order.
    fn selected_row(&self, figures: &Figures) -> Option<usize> {
        let name = self.selected.as_ref()?;
        let projects = &figures.stats().projects;
        self.order.iter().position(|&i| &projects[i].name == name)
    }

    fn step(&mut self, step: Step, figures: &Figures) {
        let current = self.selected_row(figures).unwrap_or(0);
        let Some(next) = step.from(current, self.order.len(), self.scroll.page()) else {
            return;
        };
        self.selected = Some(figures.stats().projects[self.order[next]].name.clone());
        self.scroll.show(next);
    }

    fn keep_in_view(&mut self, figures: &Figures) {
        if let Some(row) = self.selected_row(figures) {
            self.scroll.show(row);
        }
    }
}
