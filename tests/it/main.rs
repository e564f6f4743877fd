//! lambdatop's integration tests: one binary, so the suite builds and links once.

mod app_keys;
mod architecture;
mod aws;
mod cli;
mod cost;
mod demo;
mod fault_proxy;
mod live;
mod live_tail;
mod logs;
mod moto;
mod panes;
mod projects;
mod properties;
mod pty;
mod read_only;
mod regressions;
mod resilience;
mod scale;
mod screenshots;
mod snapshot;
mod store;
mod support;
mod terminal;
mod themes;
mod timing;
