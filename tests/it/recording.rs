//! Recordings: what the store holds, written to a file and opened again as it was.

use std::sync::Arc;

use lambdatop::app::{App, AppOptions, Screen};
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
/// there: the screenshots' list, less the shell's `cost`.
fn views() -> impl Iterator<Item = &'static str> {
    lambdatop::commands::screenshot::VIEWS
        .into_iter()
        .filter(|v| !["cost", "replay"].contains(v))
}

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
    if let Screen::Logs(shown) = &app.screen {
        let target = &shown.target;
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
    for view in views() {
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
            if view == "fleet" && size == (80, 24) {
                let text = crate::support::screen(
                    &Terminal::new(TestBackend::new(80, 24))
                        .map(|mut t| {
                            lambdatop::app::frame::draw_all(&mut t, &mut replay).unwrap();
                            t
                        })
                        .unwrap(),
                );
                assert!(text.lines().next().unwrap().contains("REPLAY 03:07"));
                insta::assert_snapshot!("replay_fleet_80x24", text);
            }
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

/// A recording's text, and the file made of it.
fn gz(text: &str) -> Vec<u8> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text.as_bytes()).unwrap();
    gz.finish().unwrap()
}

fn text_of(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn a_hostile_recording_reaches_the_screen_sanitized() {
    let bytes = record(&crate::support::demo_store());
    // Escape sequences where the store never keeps any: a function's name (OSC 52 writes the
    // clipboard), a tag, a problem's message.
    let text = text_of(&bytes).replace(
        "\"name\":\"checkout-api\"",
        "\"name\":\"checkout-api\\u001b]52;c;cm0gLXJmIH4=\\u0007\\u001b[2J\"",
    );
    let (store, _) = Store::read_recording(gz(&text).as_slice()).unwrap();
    let names: Vec<&str> = store
        .functions()
        .iter()
        .map(|f| f.facts.name.as_str())
        .filter(|n| n.starts_with("checkout-api"))
        .collect();
    assert!(!names.is_empty());
    for name in names {
        assert!(!name.chars().any(char::is_control), "{name:?}");
        assert!(name.contains("\\x1b]52"), "shown, escaped: {name:?}");
    }
    let mut app = app(store, "fleet");
    let screen = crate::support::screen(&crate::support::render(&mut app, 160, 48));
    assert!(!screen.contains('\u{1b}'));
}

#[test]
fn a_damaged_or_newer_file_is_one_line_of_error() {
    let bytes = record(&crate::support::demo_store());
    let cut = &bytes[..bytes.len() / 2];
    let e = Store::read_recording(cut).unwrap_err().to_string();
    assert!(e.starts_with("damaged: "), "{e}");
    assert_eq!(e.lines().count(), 1);

    let e = Store::read_recording(&b"not gzip at all"[..])
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("not a lambdatop recording"), "{e}");

    let text = text_of(&bytes).replacen("\"version\":1", "\"version\":99", 1);
    let e = Store::read_recording(gz(&text).as_slice())
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "written by a newer lambdatop (format 99; this one reads up to 1)"
    );

    // A series of a wrong length, a log buffer beyond its bound: errors or bounded, never a
    // panic.
    let text = text_of(&bytes);
    let broken = text.replacen("\"values\":\"", "\"values\":\"A", 1);
    assert!(Store::read_recording(gz(&broken).as_slice()).is_err());
}

#[test]
fn record_writes_0600_and_snapshot_replays_it_as_json_and_csv() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("lambdatop-record-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("incident.ltrec");
    let path = file.to_str().unwrap();
    let out = crate::support::lambdatop_without_aws(&[
        "--demo",
        "--functions",
        "40",
        "record",
        "--out",
        path,
    ]);
    assert!(out.status.success(), "{out:?}");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.starts_with("recorded 40 functions over 3h with ") && said.contains(" log lines of "),
        "{said}"
    );
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    let (store, recorded) =
        Store::read_recording(std::fs::read(&file).unwrap().as_slice()).unwrap();
    let out =
        crate::support::lambdatop_without_aws(&["--replay", path, "snapshot", "--format", "json"]);
    assert!(out.status.success(), "{out:?}");
    let replayed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The JSON the store gave at its time, as `snapshot` would have printed it then.
    let then = lambdatop::commands::snapshot::build(
        &store,
        lambdatop::store::Window::M15,
        recorded.recorded_at,
    );
    assert_eq!(replayed, serde_json::to_value(&then).unwrap());
    assert_eq!(replayed["functions"].as_array().unwrap().len(), 40);
    assert_eq!(replayed["source"], "demo");

    let out = crate::support::lambdatop_without_aws(&["--replay", path, "snapshot"]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.starts_with(&format!(
            "REPLAY of a recording made {} by lambdatop 0.1.0",
            recorded
                .recorded_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        )),
        "{table}"
    );
    let out =
        crate::support::lambdatop_without_aws(&["--replay", path, "snapshot", "--format", "csv"]);
    let csv = String::from_utf8(out.stdout).unwrap();
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("name,account_id,region,project,"),
        "{csv}"
    );
    assert_eq!(lines.count(), 40);

    let out = crate::support::lambdatop_without_aws(&["--replay", "/nonexistent/x.ltrec"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("cannot open the recording /nonexistent/x.ltrec"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn save_in_the_dashboard_then_replay_shows_the_same_picture_and_its_logs() {
    use crate::pty::Pty;
    use std::os::unix::fs::PermissionsExt;
    const WAIT: std::time::Duration = std::time::Duration::from_secs(30);
    let dir = std::env::temp_dir().join(format!("lambdatop-save-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let env = vec![
        ("LAMBDATOP_LOG".to_string(), "off".to_string()),
        ("TERM".to_string(), "xterm-256color".to_string()),
    ];
    let bin = env!("CARGO_BIN_EXE_lambdatop");
    let mut tui = Pty::spawn_shell(
        &format!("cd '{}' && exec {bin} --demo", dir.display()),
        &env,
        120,
        36,
    );
    tui.wait_for(WAIT, |s| {
        s.contains("DEMO") && s.contains("payments-charge")
    })
    .unwrap_or_else(|s| panic!("no dashboard:\n{s}"));
    tui.logs_of("payments-charge", WAIT);
    tui.send(":save incident.ltrec\r");
    let said = tui
        .wait_for(WAIT, |s| s.contains("saved 62 functions to incident.ltrec"))
        .unwrap_or_else(|s| panic!("not saved:\n{s}"));
    assert!(said.contains("lambdatop --replay incident.ltrec"));
    assert_eq!(tui.quit(), Some(0));
    let file = dir.join("incident.ltrec");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        mode, 0o600,
        "a recording holds an account's figures and logs"
    );

    let mut tui = Pty::spawn_shell(
        &format!(
            "cd '{}' && exec {bin} --replay incident.ltrec",
            dir.display()
        ),
        &env,
        120,
        36,
    );
    let screen = tui
        .wait_for(WAIT, |s| {
            s.contains("REPLAY") && s.contains("payments-charge")
        })
        .unwrap_or_else(|s| panic!("no replay:\n{s}"));
    assert!(screen.contains("DEMO"), "a recording of the demo says so");
    // The recorded lines: nothing is read during a replay.
    tui.logs_of("payments-charge", WAIT);
    tui.send("\x1b");
    tui.wait_for(WAIT, |s| s.contains("Functions 62"))
        .unwrap_or_else(|s| panic!("not back on the fleet:\n{s}"));
    tui.send(":export rows.csv\r");
    tui.wait_for(WAIT, |s| s.contains("exported 2 rows to rows.csv"))
        .unwrap_or_else(|s| panic!("not exported:\n{s}"));
    assert_eq!(tui.quit(), Some(0));
    let csv = std::fs::read_to_string(dir.join("rows.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].starts_with("name,account_id,region,project,"));
    assert!(
        rows[1..].iter().all(|r| r.starts_with("payments-charge,")),
        "{csv}"
    );
    // Commands that read an account now refuse a recording, in one line.
    for command in [
        &["record", "--out", "x.ltrec"][..],
        &["logs", "checkout-api"],
        &["cost"],
    ] {
        let mut args = vec!["--replay", "incident.ltrec"];
        args.extend_from_slice(command);
        let out = crate::support::lambdatop_without_aws(&args);
        assert_eq!(out.status.code(), Some(2), "{command:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "lambdatop: --replay opens a recording in the dashboard, snapshot or check\n"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Later versions keep reading older files: this one was written by the first version of the
/// format (`lambdatop --demo --functions 3 --window 15m record`).
#[test]
fn a_file_of_the_first_version_still_opens() {
    let bytes = std::fs::read("tests/it/data/recording-v1.ltrec").unwrap();
    let (store, recorded) = Store::read_recording(bytes.as_slice()).unwrap();
    assert_eq!(store.functions().len(), 3);
    assert!(recorded.lambdatop.starts_with("0.1.0"), "{recorded:?}");
    let snapshot = lambdatop::commands::snapshot::build(
        &store,
        lambdatop::store::Window::M15,
        recorded.recorded_at,
    );
    assert!(
        snapshot
            .functions
            .iter()
            .any(|f| f.invocations.is_some_and(|n| n > 0)),
        "its figures are read, not only its names"
    );
}
