//! What the panes are narrowed to: the window of time shown, and a project, a latency class or
//! an account, each if any. The figures are computed for it; Esc lets go of its parts one by
//! one (`App::back`).

use crate::store::latency::LatencyClass;
use crate::store::{AccountId, Window};
use crate::view::figures::Figures;

#[derive(Debug, Clone, PartialEq)]
pub struct Scope {
    pub window: Window,
    /// The project every pane is narrowed to, if any.
    pub project: Option<String>,
    /// The latency class the fleet is narrowed to, if any.
    pub class: Option<LatencyClass>,
    /// The account every pane is narrowed to (`:account`), if any.
    pub account: Option<AccountId>,
}

impl Scope {
    /// The whole fleet over `window`.
    pub fn over(window: Window) -> Scope {
        Scope {
            window,
            project: None,
            class: None,
            account: None,
        }
    }

    /// Lets go of a project that left the fleet; returns whether it did (the figures follow).
    pub fn follow(&mut self, figures: &Figures) -> bool {
        let projects = &figures.stats().projects;
        let gone = self
            .project
            .as_ref()
            .is_some_and(|p| !projects.iter().any(|s| &s.name == p));
        if gone {
            self.project = None;
        }
        gone
    }
}
