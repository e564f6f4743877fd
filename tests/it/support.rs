//! Shared fixtures: a fixed clock, a demo store filled at that time, an app over it, and a
//! renderer into ratatui's `TestBackend`.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use lambdatop::app::{App, AppOptions};
use lambdatop::source::SourceKind;
use lambdatop::source::demo::{DEFAULT_SEED, DemoSource};
use lambdatop::store::{DEFAULT_RETENTION_MINUTES, Session, Store, Window};
use lambdatop::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// 03:07:30 UTC, half-way through a minute: the middle of an on-call night.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 3, 7, 30).unwrap()
}

pub fn demo_session() -> Session {
    Session {
        kind: SourceKind::Demo,
        profile: Some("demo".into()),
        regions: DemoSource::regions(),
    }
}

pub fn empty_store() -> Store {
    Store::new(demo_session(), DEFAULT_RETENTION_MINUTES, "project")
}

pub fn demo_source(seed: u64, start: DateTime<Utc>) -> DemoSource {
    DemoSource::new(
        seed,
        start,
        DEFAULT_RETENTION_MINUTES,
        Duration::from_secs(60),
    )
}

/// The demo fleet as the first poll at `t0` leaves it, with the poll's status recorded.
pub fn demo_store() -> Store {
    let mut store = empty_store();
    let mut demo = demo_source(DEFAULT_SEED, t0());
    store.apply_all(demo.events_at(t0()));
    store.apply(lambdatop::source::SourceEvent::Status {
        source: "demo".into(),
        state: lambdatop::source::LoadingState::Loaded,
        at: t0(),
    });
    store
}

pub fn app_with(store: Store, window: Window) -> App {
    App::new(
        store,
        Theme::default(),
        AppOptions {
            window,
            ..AppOptions::default()
        },
        t0(),
    )
}

pub fn demo_app() -> App {
    app_with(demo_store(), Window::H1)
}

/// Draws the app into a `width`×`height` test terminal.
pub fn render(app: &mut App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    lambdatop::app::frame::draw_all(&mut terminal, app).unwrap();
    terminal
}

/// The screen as text, one line per row.
pub fn screen(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut x = 0;
        while x < buffer.area.width {
            let symbol = buffer[(x, y)].symbol();
            out.push_str(symbol);
            // A wide character covers the next cell too: that cell is not a character.
            x += unicode_width::UnicodeWidthStr::width(symbol).max(1) as u16;
        }
        out.push('\n');
    }
    out
}

/// The row of the screen that contains `needle`.
pub fn line_with<'a>(screen: &'a str, needle: &str) -> Option<&'a str> {
    screen.lines().find(|l| l.contains(needle))
}

/// The real binary with nothing of AWS around it: no credentials, config files, region or
/// instance metadata. What a fresh bastion user without a profile gets.
pub fn lambdatop_without_aws(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap())
        .env("HOME", "/nonexistent/lambdatop-tests")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("LAMBDATOP_LOG", "off")
        .output()
        .unwrap()
}
