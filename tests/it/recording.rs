//! Recordings: what the store holds, written to a file and opened again as it was.

use std::sync::Arc;

use lambdatop::app::{Action, App, AppOptions, Screen};
use lambdatop::commands::screenshot::{actions_of, window_of};
use lambdatop::source::SourceEvent;
use lambdatop::source::demo::Fleet;
use lambdatop::source::demo::fixture;
use lambdatop::source::demo::logs::DemoLogs;
use lambdatop::store::recording::Recorded;
use lambdatop::store::{DEFAULT_RETENTION_MINUTES, Minute, Store};
use lambdatop::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::support::t0;

/// The views a replay must draw as the live dashboard did, with what a user does to get
/// there (the screenshots' list, less the shell's `cost`).
const VIEWS: [&str; 11] = [
    "fleet",
    "alarms",
    "task-flow",
    "detail",
    "logs",
    "projects",
    "classes",
    "help",
    "day",
    "past",
    "accounts",
];

fn recorded() -> Recorded {
    Recorded {
        lambdatop: "test".into(),
        recorded_at: t0(),
    }
}

pub fn record(store: &Store) -> Vec<u8> {
    let mut bytes = Vec::new();
    store.write_recording(&mut bytes, &recorded()).unwrap();
    bytes
}

fn app(store: Store, view: &str) -> App {
    let mut app = App::new(
        store,
        Theme::default(),
        AppOptions {
            window: window_of(view, t0()),
            ..AppOptions::default()
        },
        t0(),
    );
    for a in actions_of(view) {
        app.update(*a);
    }
    app
}

/// The demo of `functions` functions as the live dashboard holds it in `view`, its log pane
/// filled where it is open.
fn live(view: &str, functions: usize) -> App {
    let window = window_of(view, t0());
    let store = if view == "accounts" {
        fixture::demo_accounts_store(
            lambdatop::source::demo::DEFAULT_SEED,
            3,
            functions / 3,
            t0(),
            DEFAULT_RETENTION_MINUTES,
        )
    } else {
        fixture::demo_over(
            lambdatop::source::demo::DEFAULT_SEED,
            Arc::new(Fleet::sized(Some(functions))),
            t0(),
            DEFAULT_RETENTION_MINUTES,
            window,
        )
        .1
    };
    let mut app = app(store, view);
    if let Screen::Logs { target, .. } = &app.screen {
        let logs = DemoLogs::new(
            lambdatop::source::demo::DEFAULT_SEED,
            Minute::of(t0()),
            DEFAULT_RETENTION_MINUTES,
        );
        let names: Vec<String> = target.functions.iter().map(|k| k.name.clone()).collect();
        let to = t0().timestamp_millis();
        app.store
            .apply(SourceEvent::Logs(logs.events(&names, to - 15 * 60_000, to)));
        app.recompute();
    }
    app
}

fn draw(app: &mut App, (w, h): (u16, u16)) -> ratatui::buffer::Buffer {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    lambdatop::app::frame::draw_all(&mut terminal, app).unwrap();
    terminal.backend().buffer().clone()
}

fn row(buffer: &ratatui::buffer::Buffer, y: u16) -> String {
    (0..buffer.area.width)
        .map(|x| buffer[(x, y)].symbol())
        .collect()
}

#[test]
fn a_recording_of_a_thousand_functions_replays_every_pane_as_it_was_drawn() {
    let sizes = [(120, 40), (80, 24), (160, 48)];
    let mut size_of_fleet = 0;
    for view in VIEWS {
        let mut live = live(view, 1000);
        let bytes = record(&live.store);
        if view == "fleet" {
            size_of_fleet = bytes.len();
        }
        let (store, at) = Store::read_recording(bytes.as_slice()).unwrap();
        assert_eq!(at, recorded());
        let mut replay = app(store, view);
        for size in sizes {
            let a = draw(&mut live, size);
            let b = draw(&mut replay, size);
            // The header says REPLAY and when; every other row is the live one, cell by cell
            // (symbols and styles).
            // (The help covers the header's middle: its rows below are compared.)
            let header = row(&b, 0);
            let badge = if size.0 < 120 {
                " REPLAY 03:07 ".to_string()
            } else {
                " REPLAY 2026-11-23 03:07 UTC ".to_string()
            };
            assert!(
                view == "help" || header.contains(&badge),
                "{view} {size:?}: {header}"
            );
            for y in 1..a.area.height {
                for x in 0..a.area.width {
                    assert_eq!(
                        a[(x, y)],
                        b[(x, y)],
                        "{view} at {size:?}: cell ({x}, {y}) differs\nlive:   {}\nreplay: {}",
                        row(&a, y),
                        row(&b, y)
                    );
                }
            }
            // The header's parts are the live ones, the badge added (narrow headers drop
            // whole parts from the end to make room).
            if view == "help" {
                continue;
            }
            let live_header = row(&a, 0);
            let without = header.replacen(&format!("{badge} "), "", 1);
            let kept = without.trim_end().split(" · ").collect::<Vec<_>>();
            let had = live_header.trim_end().split(" · ").collect::<Vec<_>>();
            assert!(
                !kept.is_empty() && kept[..kept.len() - 1] == had[..kept.len() - 1],
                "{view} {size:?}:\nlive:   {live_header}\nreplay: {header}"
            );
        }
    }
    eprintln!("a recording of 1,000 functions (3 h): {size_of_fleet} bytes");
    assert!(
        size_of_fleet < 5_000_000,
        "{size_of_fleet} bytes for 1,000 functions"
    );
}
