//! What the panes are narrowed to: the window of time shown, and a project, a latency class or
//! an account, each if any. The figures are computed for it; Esc lets go of its parts one by
//! one (`App::back`).

use crate::store::latency::LatencyClass;
use crate::store::{AccountId, Window};

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
}
