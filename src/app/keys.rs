//! The keys as the user has them bound, with what follows from them — their names in words for
//! the panes and footer, and the help of the fleet's screens and of the log pane's — derived
//! together whenever the binding changes, so none of them can lag behind.

use super::keymap::{self, UserKeys};
use crate::view::{HelpSection, KeyNames};

pub struct Keys {
    /// The user's bindings, over the defaults.
    pub user: UserKeys,
    /// Each key in words, as bound.
    pub names: KeyNames,
    /// The help of the fleet's screens, and of the log pane's.
    help: [Vec<HelpSection>; 2],
}

impl Keys {
    pub fn new(user: UserKeys) -> Keys {
        Keys {
            names: keymap::key_names(&user),
            help: [false, true].map(|logs| keymap::help_sections(&user, logs)),
            user,
        }
    }

    /// The help sections of the log pane's screens, or of the others.
    pub fn help(&self, logs: bool) -> &[HelpSection] {
        &self.help[usize::from(logs)]
    }
}
