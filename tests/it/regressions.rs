//! Bugs found in review, each pinned by what a user sees: the log pane's `g` then `j`, the help
//! overlay scrolling past its end, a rebound help key, the repeated names of the unknown-action
//! error, and a log file that cannot be opened.

use lambdatop::app::{Action, App};
use lambdatop::source::logs::LogEvent;
use lambdatop::source::{Source, SourceEvent};
use lambdatop::store::{FunctionKey, Window};
use ratatui::crossterm::event::{KeyCode, KeyEvent};

use crate::support::{app_with, demo_app, demo_store, lambdatop_without_aws, render, screen, t0};

fn chars(app: &mut App, s: &str) {
    for c in s.chars() {
        app.handle_key(KeyEvent::from(KeyCode::Char(c)));
    }
}

/// The log pane of payments-charge with `n` numbered one-line events, oldest first.
fn logs_app(n: usize) -> App {
    let mut store = demo_store();
    let key = FunctionKey::new("us-east-1", "payments-charge");
    let at = t0().timestamp_millis() - 60_000;
    store.apply(SourceEvent::Logs(
        (0..n)
            .map(|i| LogEvent {
                function: key.clone(),
                at_ms: at + i as i64,
                stream: "s".into(),
                event_id: format!("e{i}"),
                message: format!("line number {i:03} end"),
            })
            .collect(),
    ));
    let mut app = app_with(store, Window::H1);
    app.dashboard.fleet.select(key);
    app.update(Action::OpenLogs);
    app
}

/// The line selected in the log pane shown.
fn selected_line(app: &App) -> Option<usize> {
    match &app.screen {
        lambdatop::app::Screen::Logs(logs) => logs.lines.selected,
        _ => None,
    }
}

fn shown_numbers(s: &str) -> Vec<usize> {
    s.lines()
        .filter_map(|l| l.split("line number ").nth(1))
        .filter_map(|r| r.get(..3)?.parse().ok())
        .collect()
}

#[test]
fn in_the_log_pane_g_then_j_and_page_down_move_at_once() {
    let mut app = logs_app(200);
    let following = shown_numbers(&screen(&render(&mut app, 80, 24)));
    assert_eq!(following.last(), Some(&199), "it follows the newest line");

    chars(&mut app, "g");
    let top = shown_numbers(&screen(&render(&mut app, 80, 24)));
    assert_eq!(top.first(), Some(&0), "g shows the oldest line first");
    assert_eq!(selected_line(&app), Some(0), "and selects it");

    chars(&mut app, "j");
    let after_j = shown_numbers(&screen(&render(&mut app, 80, 24)));
    assert_eq!(
        selected_line(&app),
        Some(1),
        "j selects the next line at once"
    );
    assert_eq!(after_j.first(), Some(&0), "which is in view: nothing moves");

    app.handle_key(KeyEvent::from(KeyCode::PageDown));
    let after_page = shown_numbers(&screen(&render(&mut app, 80, 24)));
    let page = after_j.len();
    assert_eq!(
        selected_line(&app),
        Some(1 + page),
        "PgDn selects a page down at once"
    );
    assert_eq!(
        after_page.last(),
        Some(&(1 + page)),
        "and the view moves to show it at the bottom"
    );
    let s = screen(&render(&mut app, 80, 24));
    assert!(s.contains("scrolled"), "{s}");

    chars(&mut app, "G");
    let s = screen(&render(&mut app, 80, 24));
    assert_eq!(shown_numbers(&s).last(), Some(&199));
    assert!(s.contains("following"), "{s}");
}

#[test]
fn the_help_stops_at_its_end_and_k_comes_back_at_once() {
    let mut app = demo_app();
    chars(&mut app, "?");
    let first = screen(&render(&mut app, 80, 24));
    for _ in 0..200 {
        chars(&mut app, "j");
        render(&mut app, 80, 24);
    }
    let end = screen(&render(&mut app, 80, 24));
    assert_ne!(first, end, "j scrolls the help");
    assert!(
        end.contains("never read it as zero"),
        "the last line shows: {end}"
    );
    chars(&mut app, "k");
    let back = screen(&render(&mut app, 80, 24));
    assert_ne!(back, end, "one k scrolls back at once");
    for _ in 0..200 {
        app.handle_key(KeyEvent::from(KeyCode::Up));
    }
    assert_eq!(screen(&render(&mut app, 80, 24)), first);
}

#[test]
fn a_rebound_help_key_closes_the_help_too() {
    let mut app = demo_app();
    let mut keys = lambdatop::app::keymap::UserKeys::default();
    keys.bind("help", &["H".to_string()]).unwrap();
    app.set_keys(keys);
    chars(&mut app, "H");
    let s = screen(&render(&mut app, 160, 48));
    assert!(s.contains(" Help · "), "H opens the help: {s}");
    assert!(
        s.contains("H to close"),
        "the help names the user's key: {s}"
    );
    chars(&mut app, "H");
    let s = screen(&render(&mut app, 160, 48));
    assert!(!s.contains(" Help · "), "H closes it again: {s}");
}

#[test]
fn help_texts_name_the_keys_the_user_bound() {
    let mut app = demo_app();
    let mut keys = lambdatop::app::keymap::UserKeys::default();
    keys.bind("narrow", &["n".to_string()]).unwrap();
    keys.bind("back", &["x".to_string()]).unwrap();
    app.set_keys(keys);
    chars(&mut app, "?");
    let s = screen(&render(&mut app, 160, 48));
    assert!(s.contains("n there narrows to one"), "{s}");
    assert!(s.contains("(x on the fleet widens)"), "{s}");
}

#[test]
fn the_unknown_action_error_names_each_action_once() {
    let mut keys = lambdatop::app::keymap::UserKeys::default();
    let e = keys.bind("teleport", &["t".to_string()]).unwrap_err();
    let names: Vec<&str> = e
        .split("expected one of ")
        .nth(1)
        .unwrap()
        .split(", ")
        .collect();
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(names.len(), unique.len(), "{e}");
    assert!(names.contains(&"down") && names.contains(&"narrow"), "{e}");
}

#[test]
fn a_log_file_that_cannot_be_opened_is_said_once_and_the_command_still_runs() {
    let out = lambdatop_without_aws(&[
        "--log-file",
        "/dev/null/lambdatop.log",
        "snapshot",
        "--demo",
        "--format",
        "json",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("lambdatop: warning: cannot write the log file /dev/null"),
        "{stderr}"
    );
    assert!(!out.stdout.is_empty());
}

/// Stale means older than three polls of the `--interval` in force, not a fixed 180 s: with
/// ten-minute polls, data five minutes old is as fresh as it gets; with one-minute polls it is
/// stale.
#[test]
fn data_is_stale_after_three_polls_of_the_interval() {
    use lambdatop::app::AppOptions;
    use lambdatop::ui::theme::Theme;
    let age_style = |interval_secs: u64| {
        let options = AppOptions {
            interval_secs,
            ..AppOptions::default()
        };
        let mut app = App::new(demo_store(), Theme::default(), options, t0());
        app.set_now(t0() + chrono::Duration::minutes(5));
        let terminal = render(&mut app, 160, 48);
        let s = screen(&terminal);
        let header = s.lines().next().unwrap().to_string();
        let x = header
            .find("data 5m old")
            .unwrap_or_else(|| panic!("{header}"));
        let x = unicode_width::UnicodeWidthStr::width(&header[..x]) as u16;
        let fg = terminal.backend().buffer()[(x, 0)].fg;
        (fg, app.theme.warn.fg.unwrap())
    };
    let (fg, warn) = age_style(600);
    assert_ne!(fg, warn, "five minutes is fresh for ten-minute polls");
    let (fg, warn) = age_style(60);
    assert_eq!(
        fg, warn,
        "five minutes is three polls past for one-minute polls"
    );
}

/// The first frame can come while the first poll is half in: the first row then was a function
/// whose errors had not all arrived. Nobody chose it, so when the rest comes the selection
/// follows the new first row, and the table does not scroll the worst functions out of view.
#[test]
fn a_selection_nobody_made_follows_the_first_row_as_the_data_comes_in() {
    let mut demo = crate::support::demo_source(lambdatop::source::demo::DEFAULT_SEED, t0());
    let mut app = app_with(crate::support::empty_store(), Window::H1);
    app.store.apply_all(demo.part_at(t0()));
    app.recompute();
    let early = app.dashboard.fleet.selected.clone().expect("a first row");
    while demo.has_more() {
        app.store.apply_all(demo.part_at(t0()));
    }
    app.recompute();
    let first = app.figures().order()[0];
    let first = app.store.functions()[first].facts.key();
    assert_ne!(
        early, first,
        "the first part's first row is not the fleet's"
    );
    assert_eq!(app.dashboard.fleet.selected, Some(first));
    assert_eq!(app.selected_row(), Some(0));
    // Once the user picks a row, it stays theirs while rows re-sort.
    app.update(Action::Down);
    let chosen = app.dashboard.fleet.selected.clone();
    app.store
        .apply_all(demo.events_at(t0() + chrono::Duration::minutes(1)));
    app.set_now(t0() + chrono::Duration::minutes(1));
    app.recompute();
    assert_eq!(app.dashboard.fleet.selected, chosen);
}
