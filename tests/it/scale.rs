//! A big account and a hostile terminal: 10,000 rows, names far too long or far from ASCII,
//! sizes down to 1×1 and storms of resizes, and an idle dashboard that writes nothing.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use lambdatop::source::SourceEvent;
use lambdatop::source::demo::fixture::demo_store_of;
use lambdatop::source::demo::{DEFAULT_SEED, Fleet};
use lambdatop::store::{FunctionFacts, FunctionKey, Metric, Minute, Window};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;

use crate::pty::Pty;
use crate::support::{app_with, empty_store, line_with, render, screen, t0};

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::from(code)
}

fn typed(app: &mut lambdatop::app::App, text: &str) {
    for c in text.chars() {
        app.handle_key(key(KeyCode::Char(c)));
    }
}

#[test]
fn ten_thousand_rows_scroll_filter_sort_and_survive_a_resize_storm() {
    let store = demo_store_of(DEFAULT_SEED, Arc::new(Fleet::sized(Some(10_000))), t0());
    assert_eq!(store.functions().len(), 10_000);
    let mut app = app_with(store, Window::H1);
    let s = screen(&render(&mut app, 160, 48));
    assert!(s.contains(" of 10000 "), "{s}");
    // The cast's incidents still lead the default sort (errors first).
    assert!(line_with(&s, "payments-charge").is_some(), "{s}");

    app.handle_key(key(KeyCode::End));
    let s = screen(&render(&mut app, 160, 48));
    assert!(s.contains("-10000 of 10000 "), "the last page: {s}");

    app.handle_key(key(KeyCode::Char('/')));
    typed(&mut app, "checkout-api-8");
    app.handle_key(key(KeyCode::Enter));
    let s = screen(&render(&mut app, 160, 48));
    let matched = app.figures().order().len();
    assert!((1..100).contains(&matched), "{matched}:\n{s}");
    assert!(
        s.contains(&format!("{matched}/10000")),
        "the count follows the filter: {s}"
    );
    // Fuzzy matches (checkout-api-118) rank with the rest; the exact name is among them.
    assert!(line_with(&s, "checkout-api-8 ").is_some(), "{s}");
    assert!(s.contains(&format!(" of {matched} ")), "{s}");

    // Sorting through every column, at a size storm's every step.
    app.handle_key(key(KeyCode::Esc));
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
    let sizes = [
        (160, 48),
        (1, 1),
        (20, 5),
        (80, 24),
        (0, 0),
        (300, 100),
        (79, 23),
        (120, 40),
    ];
    for step in 0..40 {
        let (w, h) = sizes[step % sizes.len()];
        terminal.resize(Rect::new(0, 0, w, h)).unwrap();
        app.handle_key(key(KeyCode::Char('s')));
        lambdatop::app::frame::draw_all(&mut terminal, &mut app)
            .unwrap_or_else(|e| panic!("{w}x{h}: {e}"));
    }
    terminal.resize(Rect::new(0, 0, 160, 48)).unwrap();
    lambdatop::app::frame::draw_all(&mut terminal, &mut app).unwrap();
    assert!(screen(&terminal).contains(" of 10000 "));

    // The projects pane counts ten thousand in its four columns, and narrowing says how many.
    app.handle_key(key(KeyCode::Char('p')));
    let s = screen(&render(&mut app, 160, 48));
    let all = line_with(&s, "│ALL ").unwrap_or_else(|| panic!("{s}"));
    assert!(all.contains(" 10k "), "{all}");
    app.handle_key(key(KeyCode::Enter));
    let project = app.scope.project.clone().expect("narrowed");
    let count = app
        .store
        .functions()
        .iter()
        .filter(|f| f.project == project)
        .count();
    let s = screen(&render(&mut app, 160, 48));
    assert!(
        s.contains(&format!("· project {project}: {count} functions ")),
        "{s}"
    );
    assert!(s.contains(&format!(" of {count} ")), "{s}");
}

#[test]
fn names_too_long_or_far_from_ascii_keep_every_row_in_its_columns() {
    let hostile = [
        ("a".repeat(64), "ascii-at-the-64-limit"),
        ("決済-請求書-作成-".repeat(4), "決済チーム"),
        ("emoji-🚀🔥-zwj-👩‍👩‍👧-flag-🇯🇵".into(), "🚀"),
        (
            "combining-e\u{301}e\u{301}e\u{301}-and-rtl-\u{5d0}\u{5d1}".into(),
            "mixed",
        ),
        ("tab\there-and-newline\nthere".into(), "controls"),
    ];
    let mut store = empty_store();
    let functions: Vec<FunctionFacts> = hostile
        .iter()
        .map(|(name, project)| FunctionFacts {
            name: name.clone(),
            region: "us-east-1".into(),
            tags: BTreeMap::from([("project".into(), project.to_string())]),
            ..FunctionFacts::default()
        })
        .collect();
    store.apply(SourceEvent::Inventory {
        region: "us-east-1".into(),
        functions,
    });
    let m = Minute::of(t0()).minus(2);
    for (name, _) in &hostile {
        store.apply(SourceEvent::Metrics(lambdatop::source::MetricUpdate {
            key: FunctionKey::new("us-east-1", name.clone()),
            metric: Metric::Invocations,
            points: vec![(m, Some(7.0))],
            settled: None,
        }));
    }
    let mut app = app_with(store, Window::H1);
    for (w, h) in [(160, 48), (80, 24), (20, 5), (1, 1)] {
        let terminal = render(&mut app, w, h);
        let s = screen(&terminal);
        assert!(!s.contains(['\t', '\x1b']), "{s}");
        if w < 80 {
            continue;
        }
        // Every function has a row, and every row has its region where the header says.
        let buffer = terminal.backend().buffer();
        let cells = |y: u16, x: u16, n: u16| -> String {
            (x..x + n).map(|x| buffer[(x, y)].symbol()).collect()
        };
        let (header_y, region_x) = (0..h)
            .find_map(|y| {
                (0..w.saturating_sub(4))
                    .find(|&x| cells(y, x, 4) == "RGN " || cells(y, x, 4) == "REGI")
                    .map(|x| (y, x))
            })
            .unwrap_or_else(|| panic!("no region column:\n{s}"));
        let rows: Vec<u16> = (header_y + 1..h)
            .filter(|&y| cells(y, region_x, 3) == "use" || cells(y, region_x, 3) == "us-")
            .collect();
        assert_eq!(rows.len(), hostile.len(), "{w}x{h}:\n{s}");
        assert!(s.contains("決済"), "{s}");
    }
}

/// What is written over `quiet` seconds that lie wholly inside one minute, clear of its turn:
/// the charts move with the minute (a change worth drawing), which the app sees on its next
/// one-second tick.
fn written_while_idle(tui: &Pty, quiet: u32) -> Vec<u8> {
    use chrono::Timelike;
    while !(3..57 - quiet).contains(&Utc::now().second()) {
        std::thread::sleep(Duration::from_millis(200));
    }
    let before = tui.output().len();
    std::thread::sleep(Duration::from_secs(u64::from(quiet)));
    tui.output()[before..].to_vec()
}

#[test]
fn an_idle_dashboard_writes_nothing_and_a_key_still_draws_at_once() {
    let env = vec![("TERM".to_string(), "xterm-256color".to_string())];
    // An hour between polls: nothing new arrives while the test watches.
    let mut tui = Pty::spawn(&["--demo", "--interval", "3600"], &env, 160, 48);
    tui.wait_for(Duration::from_secs(30), |s| s.contains("data <1m old"))
        .unwrap_or_else(|s| panic!("no dashboard:\n{s}"));
    std::thread::sleep(Duration::from_millis(500));
    let written = written_while_idle(&tui, 4);
    assert!(
        written.is_empty(),
        "an unchanged screen is not redrawn, yet it got {:?}",
        String::from_utf8_lossy(&written)
    );
    // The check can fail: a key is drawn at once.
    let before = tui.output().len();
    let pressed = Instant::now();
    tui.send("?");
    tui.wait_for(Duration::from_secs(5), |s| s.contains("Help"))
        .unwrap_or_else(|s| panic!("no help:\n{s}"));
    assert!(tui.output().len() > before);
    assert!(pressed.elapsed() < Duration::from_secs(2));
    assert_eq!(tui.quit(), Some(0));
}

#[test]
fn a_resize_storm_in_a_real_terminal_ends_on_a_whole_dashboard() {
    // The binary in the background of a shell that resizes its terminal forty times, down to
    // 1×1 and 20×5, then back to 100×30; each `stty` sends it SIGWINCH.
    let bin = env!("CARGO_BIN_EXE_lambdatop");
    let sizes = "160 48 1 1 20 5 80 24 40 10 200 60 1 1 120 40";
    let storm = format!(
        "exec 3<&0; {bin} --demo <&3 & pid=$!; sleep 2; \
         for i in 1 2 3 4 5; do set -- {sizes}; while [ $# -gt 0 ]; do stty cols $1 rows $2; shift 2; sleep 0.02; done; done; \
         stty cols 100 rows 30; wait $pid; echo EXIT=$?"
    );
    let mut tui = Pty::spawn_shell(&storm, &[], 100, 30);
    let s = tui
        .wait_for(Duration::from_secs(30), |s| {
            s.contains("payments-charge") && s.contains("Task flow")
        })
        .unwrap_or_else(|s| panic!("no dashboard after the storm:\n{s}"));
    assert!(!s.contains("too small"), "{s}");
    tui.send("q");
    tui.wait_for(Duration::from_secs(10), |s| s.contains("EXIT=0"))
        .unwrap_or_else(|s| panic!("did not exit cleanly:\n{s}"));
}
