//! lambdatop: a terminal dashboard for AWS Lambda fleets.
//!
//! Data flows one way: `source` tasks send plain events (the `store`'s vocabulary), the `app`
//! loop applies them to the `store`, and `ui` panes render the read-only `view` the app gives
//! them, handing back what they drew. Panes never do I/O; sources never touch the terminal.
//! Non-interactive `commands` reuse the same sources, store and panes. ARCHITECTURE.md has the
//! import rule.

pub mod app;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod logging;
pub mod logtext;
pub mod private;
pub mod settings;
pub mod source;
pub mod store;
pub mod terminal;
pub mod ui;
pub mod view;
