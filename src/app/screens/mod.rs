//! Screens that own their state, their keys and their view. A screen takes the actions its
//! key context gives it with `on(action, &Cx) -> Go` and says where the app goes next; its
//! `view` is pure. It reads what it needs through `Cx` and never names `App`: the app keeps
//! the screen shown and carries out the `Go`. The latency classes are the first screen here;
//! the others move in the same way (ARCHITECTURE.md, *Adding a screen*).

pub mod classes;

use crate::store::latency::LatencyClass;
use crate::view::figures::Figures;

/// What a screen reads: the cached figures.
pub struct Cx<'a> {
    pub figures: &'a Figures,
}

/// Where the app goes after a screen's action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Go {
    /// The screen stays.
    Stay,
    /// Back to where it was opened from.
    Back,
    /// Back to the fleet, narrowed to a latency class.
    NarrowToClass(LatencyClass),
}
