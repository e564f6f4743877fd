//! Screens that own their state, their keys and their view. A screen takes the actions its
//! key context gives it with `on(action, &mut Cx) -> Go` and says where the app goes next; its
//! `view` is pure. It reads what it needs through `Cx`, asks for what goes outside the state
//! (a message, an order for the sources) through `Cx`'s effects, and never names `App`: the
//! app keeps the screen shown and carries out the `Go`. Every screen is here, and the help that lies
//! over them (ARCHITECTURE.md, *Adding a screen*); the dashboard under them all is the app's
//! (`app/dashboard.rs`).

pub mod alarms;
pub mod classes;
pub mod detail;
pub mod help;
pub mod logs;
pub mod projects;

use chrono::{DateTime, Utc};

use super::effects::Effects;
use crate::store::latency::LatencyClass;
use crate::store::{FunctionKey, Store};
use crate::view::KeyNames;
use crate::view::figures::Figures;

/// What a screen reads (the store, the cached figures, the app's clock, the keys as bound) and
/// where it asks for effects.
pub struct Cx<'a> {
    pub store: &'a Store,
    pub figures: &'a Figures,
    pub now: DateTime<Utc>,
    pub keys: &'a KeyNames,
    pub effects: &'a mut Effects,
}

/// Where the app goes after a screen's action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Go {
    /// The action is not the screen's: the app's own keys (quit, help, the command line…).
    Pass,
    /// The screen stays.
    Stay,
    /// Back to where it was opened from.
    Back,
    /// Back to the fleet, narrowed to a latency class.
    NarrowToClass(LatencyClass),
    /// Back to the fleet, narrowed to a project.
    NarrowToProject(String),
    /// A function's detail.
    OpenDetail(FunctionKey),
}

/// What screens keep from one opening to the next: the log pane's layout and queries, the
/// projects pane's sort and selection.
#[derive(Debug, Clone, Default)]
pub struct Memory {
    pub logs: logs::LogMemory,
    pub projects: projects::ProjectsMemory,
}
