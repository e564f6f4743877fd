//! Shared fixtures: a fixed clock, a demo store filled at that time, an app over it, and a
//! renderer into ratatui's `TestBackend`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use lambdatop::app::{App, AppOptions};
use lambdatop::source::demo::{DEFAULT_SEED, DemoSource, fixture};
use lambdatop::store::{DEFAULT_RETENTION_MINUTES, Store, Window};
use lambdatop::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The demo's fixed moment: 03:07:30 UTC, half-way through a minute of an on-call night.
pub fn t0() -> DateTime<Utc> {
    fixture::moment()
}

pub fn empty_store() -> Store {
    fixture::empty_store(DEFAULT_RETENTION_MINUTES)
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
    fixture::demo_store(DEFAULT_SEED, t0())
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

/// An account reached through `endpoint` with the test credentials, watching `region`: the
/// sources a test polls itself.
pub fn account_at(endpoint: &str, region: &str) -> lambdatop::source::aws::Account {
    let credentials =
        aws_credential_types::Credentials::new("testing", "testing", None, None, "tests");
    account_with(endpoint, region, credentials)
}

/// The same with `credentials` (another account's, from `accounts::credentials_of`).
pub fn account_with(
    endpoint: &str,
    region: &str,
    credentials: aws_credential_types::Credentials,
) -> lambdatop::source::aws::Account {
    let config = aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(aws_config::Region::new(region.to_string()))
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(credentials),
        )
        .build();
    lambdatop::source::aws::Account::new(
        config,
        vec![region.to_string()],
        None,
        // The whole documented rate: these tests drive sources one poll after another, and
        // the pacing has tests of its own (`quotas`).
        lambdatop::source::aws::pace::Pace::new(1.0),
    )
}
