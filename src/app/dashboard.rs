//! The dashboard under every screen: the fleet table, the task-flow graph, and which of the two
//! has the keys. It stays as it was while another screen is shown over it (a detail, the log
//! pane, the projects), so Esc comes back to the same rows, the same minute picked.

use super::Focus;
use super::fleet::FleetTable;
use super::flow::TaskFlow;

#[derive(Debug, Clone)]
pub struct Dashboard {
    /// The pane that has the keys.
    pub focus: Focus,
    pub fleet: FleetTable,
    pub flow: TaskFlow,
}

impl Default for Dashboard {
    fn default() -> Self {
        Dashboard {
            focus: Focus::Fleet,
            fleet: FleetTable::default(),
            flow: TaskFlow::default(),
        }
    }
}
