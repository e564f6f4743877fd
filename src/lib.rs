//! lambdatop: a terminal dashboard for AWS Lambda fleets.
//!
//! Data flows one way: `source` tasks send plain events, the `app` loop applies them to the
//! `store`, and `ui` panes render a read-only view of that store. Panes never do I/O; sources
//! never touch the terminal. Non-interactive `commands` reuse the same sources, store and panes.

pub mod app;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod logging;
pub mod logtext;
pub mod source;
pub mod store;
pub mod terminal;
pub mod ui;
