//! The projects pane's state: its sort, the project selected and the scroll, and how they
//! follow the figures (a project that left the fleet lets go of the selection and of the
//! narrowing).

use super::list::Step;
use super::scroll::Scroll;
use super::{Action, App};
use crate::store::cost::CostReport;
use crate::view::figures::Figures;
use crate::view::sort::{ProjectSort, sorted_projects};

#[derive(Debug, Clone)]
pub struct ProjectsPane {
    pub sort: ProjectSort,
    pub reversed: bool,
    /// The project selected in the pane.
    pub selected: Option<String>,
    pub scroll: Scroll,
}

impl Default for ProjectsPane {
    fn default() -> Self {
        Self {
            sort: ProjectSort::Errors,
            reversed: false,
            selected: None,
            scroll: Scroll::default(),
        }
    }
}

impl ProjectsPane {
    /// Indices into the window's project figures, in the pane's order.
    pub fn order(&self, figures: &Figures, cost: Option<&CostReport>) -> Vec<usize> {
        sorted_projects(figures.stats(), cost, self.sort, self.reversed)
    }

    /// Position of the selected project in the pane's order.
    pub fn selected_row(&self, order: &[usize], figures: &Figures) -> Option<usize> {
        let name = self.selected.as_ref()?;
        let projects = &figures.stats().projects;
        order.iter().position(|&i| &projects[i].name == name)
    }

    /// Lets go of projects that left the fleet and selects the first one where none is;
    /// returns whether the narrowing or the selection changed.
    pub(super) fn follow_figures(
        &mut self,
        figures: &Figures,
        cost: Option<&CostReport>,
        narrowed: &mut Option<String>,
    ) -> bool {
        let projects = &figures.stats().projects;
        let known = |p: &String| projects.iter().any(|s| &s.name == p);
        let mut changed = false;
        if narrowed.as_ref().is_some_and(|p| !known(p)) {
            *narrowed = None;
            changed = true;
        }
        if !self.selected.as_ref().is_some_and(known) {
            let order = self.order(figures, cost);
            self.selected = order.first().map(|&i| projects[i].name.clone());
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
        changed
    }
}

impl App {
    pub(super) fn keep_project_in_view(&mut self) {
        let order = self.projects.order(&self.figures, self.store.cost());
        if let Some(row) = self.projects.selected_row(&order, &self.figures) {
            self.projects.scroll.show(row);
        }
    }

    pub(super) fn move_project_selection(&mut self, step: Step) {
        let order = self.projects.order(&self.figures, self.store.cost());
        let current = self
            .projects
            .selected_row(&order, &self.figures)
            .unwrap_or(0);
        let Some(next) = step.from(current, order.len(), self.projects.scroll.page()) else {
            return;
        };
        self.projects.selected = Some(self.figures.stats().projects[order[next]].name.clone());
        self.projects.scroll.show(next);
    }

    /// Selects the project at `row` of the pane; a click on the selected one narrows to it.
    pub(super) fn click_project(&mut self, row: usize) {
        let order = self.projects.order(&self.figures, self.store.cost());
        let Some(&i) = order.get(row) else {
            return;
        };
        let name = self.figures.stats().projects[i].name.clone();
        if self.projects.selected.as_ref() == Some(&name) {
            return self.update(Action::NarrowToProject);
        }
        self.projects.selected = Some(name);
    }
}
