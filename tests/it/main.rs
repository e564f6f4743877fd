//! lambdatop's integration tests: one binary, so the suite builds and links once.

mod app_keys;
mod cli;
mod demo;
mod panes;
mod snapshot;
mod store;
mod support;
mod terminal;
