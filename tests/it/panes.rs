//! Every pane rendered through ratatui's `TestBackend` at 80×24 and 160×48, with assertions on
//! what a user reads and insta snapshots beside them.

use lambdatop::app::screens::detail::Detail;
use lambdatop::app::{Action, Screen};
use lambdatop::store::{FunctionKey, Window};
use ratatui::style::Modifier;

use crate::support::{app_with, demo_app, demo_store, empty_store, line_with, render, screen};

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

#[test]
fn the_dashboard_shows_the_demo_fleet_labelled_demo() {
    for (w, h) in SIZES {
        let mut app = demo_app();
        let s = screen(&render(&mut app, w, h));
        let first = s.lines().next().unwrap();
        assert!(first.contains(" DEMO "), "{first}");
        // What pages is said right after the problems, then the consumer that stopped; the
        // rest shortens to make room at 80 columns.
        assert!(
            first.contains(" │ ▲ 2 alarm") && first.contains(" │ ⏸ 1 ") && first.contains(" 1h"),
            "{first}"
        );
        if w == 160 {
            assert!(
                first.contains(
                    "no problems │ ▲ 2 alarms in ALARM │ ⏸ 1 event source stopped or failing"
                ),
                "{first}"
            );
        }
        let totals = s.lines().nth(1).unwrap();
        if w == 160 {
            // Claimed (use plus the demo's reservation and provisioned environments) is
            // the pool nearest its limit.
            assert!(
                totals.contains("claimed concurrency") && totals.contains("of 1.0k in"),
                "{totals}"
            );
        } else {
            assert!(
                totals.contains("claimed ") && totals.contains("/1.0k"),
                "{totals}"
            );
        }
        assert!(s.contains("Functions 62 · sort errors ▼"));
        assert!(s.contains("Task flow · fleet"));
        assert!(s.contains("━ started") && s.contains("━ errors"), "legend");
        assert!(s.lines().last().unwrap().contains("q quit"), "footer hints");
        // Sorted by errors over the last hour, what pages first: checkout-api's alarm is in
        // ALARM; then the digest whose queue was left disabled, idle as it looks; then the
        // earlier bad deploy of payments-charge leads.
        let row = |n: usize| s.lines().nth(n).unwrap();
        assert!(row(4).contains("checkout-api"), "{}", row(4));
        assert!(row(5).contains("notifications-digest"), "{}", row(5));
        assert!(row(6).contains("payments-charge"), "{}", row(6));
        insta::assert_snapshot!(format!("dashboard_{w}x{h}"), s);
    }
}

#[test]
fn narrow_terminals_keep_region_and_project_columns() {
    let s = screen(&render(&mut demo_app(), 80, 24));
    let header = line_with(&s, "FUNCTION").unwrap();
    for col in ["PROJECT", "RGN", "ERRORS", "ERR%", "THROT", "PK/TO"] {
        assert!(header.contains(col), "{col} in {header}");
    }
    let row = line_with(&s, "payments-charge").unwrap();
    assert!(row.contains("use1") && row.contains("payments"), "{row}");
    // The task flow's title says it was cut, and its two legends keep their entries whole:
    // `• still filli━ errors` was two legends run together.
    let title = line_with(&s, "Task flow").unwrap();
    assert!(title.ends_with("…┐"), "{title}");
    let legend = line_with(&s, "━ started").unwrap();
    for entry in ["━ started", "━ completed", "━ errors"] {
        assert!(legend.contains(entry), "{entry} in {legend}");
    }
    assert!(!legend.contains("• still filli━"), "{legend}");
    // At 160 columns every column is there (regions short); wider, regions are spelt out.
    let wide = screen(&render(&mut demo_app(), 160, 48));
    let header = line_with(&wide, "FUNCTION").unwrap();
    for col in [
        "RGN",
        "ALM",
        "AVG",
        "CONC",
        "LOST",
        "SRC",
        "AGE",
        "CLASS",
        "INV TREND",
    ] {
        assert!(header.contains(col), "{col} in {header}");
    }
    let wider = screen(&render(&mut demo_app(), 200, 48));
    assert!(line_with(&wider, "FUNCTION").unwrap().contains("REGION"));
    assert!(
        line_with(&wider, "payments-charge")
            .unwrap()
            .contains("us-east-1")
    );
}

#[test]
fn breaching_figures_are_drawn_in_the_error_style() {
    let mut app = demo_app();
    let t = render(&mut app, 160, 48);
    let s = screen(&t);
    let buf = t.backend().buffer();
    let y = s
        .lines()
        .position(|l| l.contains("payments-charge"))
        .unwrap() as u16;
    let row = s.lines().nth(y as usize).unwrap();
    // The error-rate figure of a failing function is red and bold.
    let pct = row.find('%').unwrap();
    let x = row[..pct].chars().count() as u16;
    let cell = &buf[(x, y)];
    assert_eq!(cell.fg, app.theme.error.fg.unwrap());
    assert!(cell.modifier.contains(Modifier::BOLD));
    // A healthy row's figures are not.
    let y2 = s
        .lines()
        .position(|l| l.contains("identity-authorizer"))
        .unwrap() as u16;
    let row2 = s.lines().nth(y2 as usize).unwrap();
    let x2 = row2[..row2.find('%').unwrap()].chars().count() as u16;
    assert_ne!(buf[(x2, y2)].fg, app.theme.error.fg.unwrap());
}

#[test]
fn the_detail_view_shows_configuration_figures_and_charts() {
    for (w, h) in SIZES {
        let mut app = demo_app();
        // Not the first row: checkout-api's alarm puts it first.
        app.dashboard
            .fleet
            .select(FunctionKey::new("us-east-1", "payments-charge"));
        app.update(Action::OpenDetail);
        assert_eq!(
            app.screen,
            Screen::Detail(Detail::open(FunctionKey::new(
                "us-east-1",
                "payments-charge"
            )))
        );
        let s = screen(&render(&mut app, w, h));
        assert!(s.contains("payments-charge · last 1h"));
        for text in [
            "java21",
            "1536 MB",
            "x86_64",
            "30 s",
            "errors",
            "peak p99",
            "of timeout",
            "est. cost",
            "of 1.0k in the region",
        ] {
            assert!(s.contains(text), "{text} at {w}x{h}");
        }
        for chart in [
            "Invocations",
            "Errors and throttles",
            "Duration",
            "Durations, log scales",
        ] {
            assert!(s.contains(chart), "{chart} at {w}x{h}");
        }
        // The distribution's caption names its source at every size, its p99 always: what
        // does not fit goes whole, lowest percentile first.
        let caption = s
            .lines()
            .find(|l| l.contains("· CloudWatch") || l.contains("· REPORT lines"))
            .unwrap_or_else(|| panic!("no whole source in the caption at {w}x{h}:\n{s}"));
        assert!(caption.contains(" p99 "), "{caption}");
        // Tall enough, the distributions get a row of their own beside the waits.
        if h >= 40 {
            assert!(
                s.contains("Concurrency (max)") && s.contains("Waits"),
                "{s}"
            );
        }
        assert!(s.contains("━ minute p99"), "duration legend:\n{s}");
        assert!(s.lines().last().unwrap().contains("Esc back"));
        insta::assert_snapshot!(format!("detail_{w}x{h}"), s);
    }
}

#[test]
fn help_lists_every_binding_and_scrolls_when_short() {
    let mut app = demo_app();
    app.update(Action::ToggleHelp);
    let s = screen(&render(&mut app, 160, 48));
    // Every screen's keys, where they apply: the fleet's screens, then the log pane's; the
    // help's own and the prompts' keys are in its frame and lines.
    use lambdatop::app::keymap::Context;
    let fleet = [
        Context::Global,
        Context::Dashboard,
        Context::Detail,
        Context::Projects,
        Context::Alarms,
    ];
    let logs = [
        Context::Global,
        Context::Logs,
        Context::Errors,
        Context::Invocations,
        Context::Insights,
    ];
    let mut in_logs = demo_app();
    in_logs.update(Action::OpenLogs);
    in_logs.update(Action::ToggleHelp);
    let s_logs = screen(&render(&mut in_logs, 160, 48));
    for b in lambdatop::app::keymap::BINDINGS {
        let text = lambdatop::app::keymap::help_text(b, &Default::default());
        if fleet.contains(&b.context) {
            assert!(s.contains(&text), "help shows '{text}'");
        }
        if logs.contains(&b.context) {
            assert!(s_logs.contains(&text), "the log pane's help shows '{text}'");
        }
    }
    assert!(
        !s.contains("indent JSON lines"),
        "the fleet's help leaves the log pane's keys out"
    );
    assert!(s.contains("Esc or ? to close") && s.contains("Enter keeps · Esc clears"));
    assert!(s.contains("error rate ≥ 5.0% · any throttle · peak p99 ≥ 80% of the timeout"));
    insta::assert_snapshot!("help_160x48", s);

    let short = screen(&render(&mut app, 80, 24));
    assert!(short.contains("j for more"));
    insta::assert_snapshot!("help_80x24", short);
    for _ in 0..80 {
        app.handle_key(key('j'));
    }
    let end = screen(&render(&mut app, 80, 24));
    assert!(end.contains("never read it as zero"), "scrolled to the end");
    assert!(!end.contains("j for more"));
}

#[test]
fn a_terminal_below_80x24_says_so_and_never_panics() {
    for (w, h) in [(79, 24), (80, 23), (20, 5), (1, 1), (0, 0)] {
        let mut app = demo_app();
        let s = screen(&render(&mut app, w, h));
        if w >= 20 {
            assert!(s.contains("terminal too small"), "{w}x{h}: {s}");
        }
    }
    let s = screen(&render(&mut demo_app(), 40, 10));
    assert!(s.contains("40×10, needs 80×24"));
}

#[test]
fn an_empty_store_shows_loading_not_zeros() {
    let mut app = app_with(empty_store(), Window::H1);
    let s = screen(&render(&mut app, 80, 24));
    assert!(s.lines().next().unwrap().contains("loading…"));
    assert!(s.contains("loading the fleet…"));
    assert!(
        s.contains("– err (–)") || s.contains("– errors (–)"),
        "unknown totals: {s}"
    );
    insta::assert_snapshot!("loading_80x24", s);
    let s = screen(&render(&mut app, 160, 48));
    assert!(s.contains("loading the fleet…"), "{s}");
    insta::assert_snapshot!("loading_160x48", s);
}

#[test]
fn a_filter_that_matches_nothing_says_how_to_clear_it() {
    let mut app = demo_app();
    app.update(Action::StartFilter);
    for c in "zzzz".chars() {
        app.handle_key(key(c));
    }
    let s = screen(&render(&mut app, 80, 24));
    assert!(s.contains("no function matches 'zzzz' (Esc clears the filter)"));
    assert!(s.contains("filter 'zzzz' 0/62"));
    assert!(s.lines().last().unwrap().contains("/zzzz"));
}

#[test]
fn the_task_flow_follows_the_selection_on_f() {
    let mut app = demo_app();
    app.dashboard
        .fleet
        .select(FunctionKey::new("us-east-1", "payments-charge"));
    app.update(Action::CycleFlowScope);
    let s = screen(&render(&mut app, 160, 48));
    assert!(
        s.contains("Task flow · project payments"),
        "{}",
        line_with(&s, "Task flow").unwrap()
    );
    app.update(Action::CycleFlowScope);
    let s = screen(&render(&mut app, 160, 48));
    assert!(s.contains("Task flow · payments-charge (us-east-1)"));
    insta::assert_snapshot!("task_flow_function_160x48", s);
    let s = screen(&render(&mut app, 80, 24));
    let title = line_with(&s, "Task flow").unwrap();
    assert!(title.contains("Task flow · payments-charge"), "{title}");
    insta::assert_snapshot!("task_flow_function_80x24", s);
}

#[test]
fn the_window_keys_change_every_figure() {
    let mut app = demo_app();
    let hour = screen(&render(&mut app, 160, 48));
    app.handle_key(key('1'));
    let quarter = screen(&render(&mut app, 160, 48));
    assert!(quarter.lines().next().unwrap().contains("window 15m"));
    assert!(quarter.contains("last 15m"));
    // Over 15 minutes the current incident (checkout-api) leads, not the earlier one.
    let first_row = quarter.lines().nth(4).unwrap();
    assert!(first_row.contains("checkout-api"), "{first_row}");
    assert_ne!(hour, quarter);
}

#[test]
fn every_function_name_is_readable_in_the_wide_table() {
    let store = demo_store();
    let mut app = app_with(store, Window::H1);
    while app.dashboard.fleet.sort != lambdatop::view::SortColumn::Name {
        app.update(Action::SortNext);
    }
    // The selection (payments-charge) stays in view; go to the top of the list.
    app.update(Action::Top);
    let s = screen(&render(&mut app, 160, 48));
    assert!(s.contains("checkout-abandoned-cart "));
    assert!(s.contains("identity-session-cleanup "));
}

fn key(c: char) -> ratatui::crossterm::event::KeyEvent {
    ratatui::crossterm::event::KeyEvent::from(ratatui::crossterm::event::KeyCode::Char(c))
}

#[test]
fn problems_get_a_line_of_their_own_most_severe_first() {
    use lambdatop::source::SourceEvent;
    use lambdatop::store::ProblemKind;
    let mut store = demo_store();
    for (scope, kind, message) in [
        (
            "us-east-1 p99",
            ProblemKind::Service,
            "GetMetricData failed (500)",
        ),
        (
            "us-east-1 inventory",
            ProblemKind::Network,
            "ListFunctions: cannot reach AWS (Connection refused)",
        ),
    ] {
        store.apply(SourceEvent::Problem {
            source: "aws us-east-1".into(),
            scope: scope.into(),
            kind,
            message: message.into(),
            at: crate::support::t0(),
        });
    }
    let mut app = app_with(store, Window::H1);
    for (w, h) in SIZES {
        let s = screen(&render(&mut app, w, h));
        let lines: Vec<&str> = s.lines().collect();
        assert!(lines[0].contains("⚠ 2"), "{}", lines[0]);
        assert!(
            lines[2].starts_with(" ⚠ us-east-1 inventory: ListFunctions: cannot reach AWS"),
            "the network problem first: {}",
            lines[2]
        );
        assert!(
            lines[3].starts_with("┌ Functions"),
            "the table moves down a line"
        );
        if w == 160 {
            assert!(lines[2].contains("· us-east-1 p99: GetMetricData failed (500)"));
        }
        insta::assert_snapshot!(format!("problems_{w}x{h}"), s);
    }
}

/// A throttled API holds every request of it back (`source/aws/pace.rs`): the header says
/// which while it waits, and nothing once the hold is over.
#[test]
fn the_header_says_which_api_a_throttle_holds_back() {
    use lambdatop::source::SourceEvent;
    use lambdatop::store::usage::{ApiUsage, Paced};
    let held = |until: chrono::DateTime<chrono::Utc>| {
        let mut store = demo_store();
        let mut u = ApiUsage::default();
        u.paced.push(Paced {
            region: "eu-west-1".into(),
            service: "lambda".into(),
            operation: "*".into(),
            documented_per_second: Some(15.0),
            per_second: Some(4.0),
            throttled: 1,
            held_until: Some(until),
        });
        store.apply(SourceEvent::ApiUsage(u));
        app_with(store, Window::H1)
    };
    let t0 = crate::support::t0();
    let mut app = held(t0 + chrono::Duration::seconds(8));
    for (w, h) in SIZES {
        let s = screen(&render(&mut app, w, h));
        let line = s.lines().nth(1).unwrap_or_default();
        assert!(
            line.contains("▲ throttled, waiting: Lambda eu-west-1")
                || line.contains("▲ Lambda eu-west-1 throttled"),
            "{w}x{h}: {line}"
        );
    }
    let mut app = held(t0 - chrono::Duration::seconds(1));
    let over = screen(&render(&mut app, 160, 48));
    assert!(!over.contains("throttled"), "{over}");
}

/// The demo app with payments-charge's last 15 minutes of logs, plus hostile lines, in the
/// store, and the log pane open on it.
fn app_with_logs() -> lambdatop::app::App {
    use lambdatop::source::SourceEvent;
    use lambdatop::source::demo::logs::DemoLogs;
    use lambdatop::source::logs::LogEvent;
    let mut store = demo_store();
    let t0 = crate::support::t0().timestamp_millis();
    let logs = DemoLogs::new(7, lambdatop::store::Minute::of(crate::support::t0()), 180);
    let mut events: Vec<LogEvent> = logs
        .events(&["payments-charge".to_string()], t0 - 15 * 60_000, t0)
        .into_iter()
        .filter(|e| e.function.region == "us-east-1")
        .collect();
    let key = FunctionKey::new("us-east-1", "payments-charge");
    for (i, m) in [
        "\x1b]52;c;aGk=\x07clipboard \x1b[2Jwipe",
        "bidi \u{202e}kcatta",
        "決済 完了 🚀 wide",
    ]
    .iter()
    .enumerate()
    {
        events.push(LogEvent {
            function: key.clone(),
            at_ms: t0 - 1000 + i as i64,
            stream: "s".into(),
            event_id: format!("hostile-{i}"),
            message: m.to_string(),
        });
    }
    store.apply(SourceEvent::Logs(events));
    let mut app = app_with(store, Window::H1);
    app.dashboard
        .fleet
        .select(FunctionKey::new("us-east-1", "payments-charge"));
    app.update(Action::OpenLogs);
    app
}

#[test]
fn the_log_pane_follows_the_newest_lines_and_nothing_reaches_the_terminal() {
    for (w, h) in SIZES {
        let mut app = app_with_logs();
        let t = render(&mut app, w, h);
        let s = screen(&t);
        assert!(
            s.contains("Logs · payments-charge (us-east-1) · following"),
            "{s}"
        );
        // The newest lines at the bottom, hostile ones inert.
        let body: Vec<&str> = s.lines().filter(|l| l.starts_with('│')).collect();
        let last = body.last().unwrap();
        assert!(last.contains("03:07:29.002 決済 完了 🚀 wide"), "{last}");
        assert!(s.contains("clipboard wipe"), "sequences removed whole");
        assert!(s.contains("bidi \\u{202e}kcatta"));
        for cell in t.backend().buffer().content() {
            assert!(
                !cell
                    .symbol()
                    .chars()
                    .any(|c| (c as u32) < 0x20 || (0x7f..=0x9f).contains(&(c as u32))),
                "a control character reached the screen"
            );
        }
        assert!(s.lines().last().unwrap().contains("Enter open"));
        insta::assert_snapshot!(format!("logs_{w}x{h}"), s);
    }
}

#[test]
fn the_log_pane_filters_pauses_scrolls_and_indents_json() {
    let mut app = app_with_logs();
    // Filter as typed: only REPORT lines.
    app.handle_key(key('/'));
    for c in "REPORT".chars() {
        app.handle_key(key(c));
    }
    app.handle_key(ratatui::crossterm::event::KeyEvent::from(
        ratatui::crossterm::event::KeyCode::Enter,
    ));
    let s = screen(&render(&mut app, 160, 48));
    let rows: Vec<&str> = s.lines().filter(|l| l.starts_with("│0")).collect();
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| r[4..].starts_with(|c: char| c.is_ascii_digit())
                && r.contains(" REPORT RequestId: ")),
        "{rows:?}"
    );
    assert!(s.contains("filter 'REPORT'"));

    // Scrolling up stops following; G follows again.
    app.update(Action::Up);
    let s = screen(&render(&mut app, 160, 48));
    assert!(s.contains("scrolled (G follows)"), "{s}");
    app.handle_key(key('G'));
    assert!(screen(&render(&mut app, 160, 48)).contains("· following"));

    // Pause: new lines wait.
    if let Screen::Logs(logs) = &mut app.screen {
        logs.lines.layout.filter.clear();
    }
    app.recompute();
    app.handle_key(key(' '));
    let t0 = crate::support::t0().timestamp_millis();
    app.store.apply(lambdatop::source::SourceEvent::Logs(vec![
        lambdatop::source::logs::LogEvent {
            function: FunctionKey::new("us-east-1", "payments-charge"),
            at_ms: t0 + 5,
            stream: "s".into(),
            event_id: "new-1".into(),
            message: "arrived while paused".into(),
        },
    ]));
    app.recompute();
    let s = screen(&render(&mut app, 160, 48));
    assert!(
        s.contains("paused, 1 new") && !s.contains("arrived while paused"),
        "{s}"
    );
    app.handle_key(key(' '));
    assert!(screen(&render(&mut app, 160, 48)).contains("arrived while paused"));

    // J indents JSON lines.
    app.update(Action::Top);
    app.handle_key(key('J'));
    let s = screen(&render(&mut app, 160, 48));
    assert!(s.contains("\"level\": \"INFO\""), "{s}");
}

#[test]
fn a_picked_minute_shows_its_figures_under_the_graph() {
    let mut app = demo_app();
    app.update(Action::CursorLeft);
    app.update(Action::CursorLeft);
    let m = app.figures().stats().range.last.minus(1);
    let s = screen(&render(&mut app, 160, 48));
    let line = line_with(&s, "▸ ").unwrap();
    let label = format!("▸ {} started ", m.start().format("%H:%M UTC"));
    assert!(line.contains(&label), "{line}");
    assert!(line.contains("· l: its logs · Esc: drop"), "{line}");
    let flow = app.figures().flow();
    let i = flow.range.len() - 2;
    let errors = lambdatop::ui::format::count(flow.errors[i]);
    assert!(line.contains(&format!("errors {errors} ")), "{line}");
}

/// The alarms view (`a`): the demo's bad deploy pages through checkout-api's error alarm and
/// the composite over it; they come first, with why and since when, before the alarms in OK;
/// Enter goes to the function the alarm watches.
#[test]
fn the_alarms_view_lists_what_pages_first_and_enter_opens_its_function() {
    for (w, h) in SIZES {
        let mut app = demo_app();
        let dashboard = screen(&render(&mut app, w, h));
        assert!(
            dashboard.lines().next().unwrap().contains("▲ 2 alarm"),
            "{dashboard}"
        );
        // What pages sorts first, above functions with more errors.
        let first_row = dashboard.lines().nth(4).unwrap();
        assert!(first_row.contains("checkout-api"), "{first_row}");
        app.update(Action::OpenAlarms);
        let s = screen(&render(&mut app, w, h));
        assert!(s.contains("Alarms · 2 in ALARM of"), "{s}");
        let rows: Vec<&str> = s
            .lines()
            .filter(|l| l.contains("-errors") || l.contains("checkout-health"))
            .collect();
        assert!(
            rows[0].contains("ALARM") && rows[1].contains("ALARM"),
            "{s}"
        );
        assert!(rows[..2].iter().any(|r| r.contains("checkout-api-errors")));
        assert!(rows[..2].iter().any(|r| r.contains("checkout-health")));
        assert!(rows[2..].iter().all(|r| r.contains("OK")), "{s}");
        if w == 160 {
            assert!(rows[0].contains("Threshold Crossed"), "{}", rows[0]);
            assert!(rows[0].contains("eu-west-1"), "{}", rows[0]);
        }
        insta::assert_snapshot!(format!("alarms_{w}x{h}"), s);
        // Enter on the alarm in ALARM that watches checkout-api: its detail.
        let at = rows
            .iter()
            .position(|r| r.contains("checkout-api-errors"))
            .unwrap();
        for _ in 0..at {
            app.update(Action::Down);
        }
        app.update(Action::OpenAlarm);
        assert!(
            matches!(&app.screen, Screen::Detail(d) if d.key.name == "checkout-api"),
            "{:?}",
            app.screen
        );
        let detail = screen(&render(&mut app, w, h));
        // At 80 columns the fact is cut where its column ends, and says so.
        let fact = if w == 160 {
            "▲ checkout-api-errors in ALARM"
        } else {
            "▲ checkout-api-errors in ALAR…"
        };
        assert!(detail.contains(fact), "{detail}");
    }
}

/// The task flow marks where alarms changed: checkout-api's went into ALARM inside the hour,
/// payments-charge's left it.
#[test]
fn the_task_flow_names_the_newest_alarm_change() {
    let mut app = demo_app();
    let s = screen(&render(&mut app, 160, 48));
    let title = line_with(&s, "Task flow").unwrap();
    assert!(
        title.contains("▲ checkout-") && title.contains("ALARM"),
        "{title}"
    );
    assert!(title.contains("more)"), "the recovery too: {title}");
}

/// The demo app with `name`'s (in `region`) last 15 minutes of logs in the store, as the
/// demo's tail brings them, and the log pane open on it.
fn app_with_logs_of(region: &str, name: &str) -> lambdatop::app::App {
    use lambdatop::source::SourceEvent;
    use lambdatop::source::demo::logs::DemoLogs;
    let mut store = demo_store();
    let t0 = crate::support::t0().timestamp_millis();
    let logs = DemoLogs::new(
        lambdatop::source::demo::DEFAULT_SEED,
        lambdatop::store::Minute::of(crate::support::t0()),
        180,
    );
    let events = logs
        .events(&[name.to_string()], t0 - 15 * 60_000, t0)
        .into_iter()
        .filter(|e| e.function.region == region)
        .collect();
    store.apply(SourceEvent::Logs(events));
    let mut app = app_with(store, Window::H1);
    app.dashboard.fleet.select(FunctionKey::new(region, name));
    app.update(Action::OpenLogs);
    app
}

fn enter() -> ratatui::crossterm::event::KeyEvent {
    ratatui::crossterm::event::KeyEvent::from(ratatui::crossterm::event::KeyCode::Enter)
}

/// Rows of the pane's body that start with a time (a line's first row).
fn timed_rows(s: &str) -> Vec<&str> {
    s.lines()
        .filter(|l| l.starts_with('│') && l[3..].starts_with(|c: char| c.is_ascii_digit()))
        .collect()
}

#[test]
fn the_failing_functions_error_reads_at_80x24_and_a_line_opens_whole() {
    let mut app = app_with_logs_of("eu-west-1", "checkout-api");
    let s = screen(&render(&mut app, 80, 24));
    // The error's text without a key: level, message, error, then the rest, wrapped.
    assert!(
        s.contains("03:07:28.235 ERROR request failed · UpstreamError: checkout returned 502"),
        "{s}"
    );
    assert!(
        s.contains("             requestId=1e0caa8a"),
        "the rest wraps under the text"
    );
    insta::assert_snapshot!("logs_error_80x24", s);
    let wide = screen(&render(&mut app, 160, 48));
    assert!(
        wide.contains("03:07:28.235 ERROR request failed · UpstreamError: checkout returned 502"),
        "{wide}"
    );
    insta::assert_snapshot!("logs_error_160x48", wide);

    // w: cut at the edge, → moves the text and keeps the time.
    app.handle_key(key('w'));
    let s = screen(&render(&mut app, 80, 24));
    assert!(s.contains("· not wrapped, from column 1"), "{s}");
    assert!(!s.contains("│             "), "no continuation rows: {s}");
    app.handle_key(ratatui::crossterm::event::KeyEvent::from(
        ratatui::crossterm::event::KeyCode::Right,
    ));
    let s = screen(&render(&mut app, 80, 24));
    let moved = line_with(&s, "03:07:28.235").unwrap();
    assert!(!moved.contains("ERROR request failed"), "{moved}");
    app.handle_key(key('w'));

    // p: START, END and REPORT go; the error stays.
    app.handle_key(key('p'));
    let s = screen(&render(&mut app, 80, 24));
    assert!(s.contains("platform lines hidden"), "{s}");
    assert!(
        !s.contains("START RequestId") && !s.contains("REPORT RequestId"),
        "{s}"
    );
    assert!(s.contains("returned 502"));
    app.handle_key(key('p'));

    // ↑ selects the newest line (the REPORT); Enter opens it with its invocation's figures.
    app.update(Action::Up);
    app.handle_key(key('y'));
    let copied = app.take_clipboard().expect("y copies the selected line");
    assert!(copied.starts_with("REPORT RequestId: 1e0caa8a"), "{copied}");
    app.handle_key(key('Y'));
    assert_eq!(
        app.take_clipboard().as_deref(),
        Some("1e0caa8a-eaf5-40df-ae92-eaf50dfe92ef")
    );
    app.handle_key(enter());
    let s = screen(&render(&mut app, 80, 24));
    assert!(s.contains("┌ Line · checkout-api"), "{s}");
    assert!(
        line_with(&s, "request ")
            .unwrap()
            .contains("1e0caa8a-eaf5-40df-ae92-eaf50dfe92ef")
    );
    assert!(
        s.contains("duration 194 ms · billed 194 ms · memory 644 of 1024 MB"),
        "{s}"
    );
    let footer = s.lines().last().unwrap();
    assert!(
        footer.contains("Esc back") && !footer.contains("filter"),
        "only the keys that act on the line: {footer}"
    );
    insta::assert_snapshot!("log_line_open_80x24", s);
    let wide = screen(&render(&mut app, 160, 48));
    assert!(
        wide.contains("duration 194 ms · billed 194 ms · memory 644 of 1024 MB"),
        "{wide}"
    );
    insta::assert_snapshot!("log_line_open_160x48", wide);
    app.handle_key(ratatui::crossterm::event::KeyEvent::from(
        ratatui::crossterm::event::KeyCode::Esc,
    ));
    assert!(screen(&render(&mut app, 80, 24)).contains("┌ Logs · checkout-api"));
}

#[test]
fn the_errors_view_groups_the_lines_worst_first_and_flags_the_deploys_new_kind() {
    let mut app = app_with_logs_of("eu-west-1", "checkout-api");
    app.handle_key(key('e'));
    let s = screen(&render(&mut app, 160, 48));
    assert!(
        s.contains("┌ Errors · checkout-api (eu-west-1) · 23 error lines of 2 kinds"),
        "{s}"
    );
    let first = line_with(&s, "UpstreamError: checkout returned 502").unwrap();
    assert!(first.starts_with("│    17 "), "{first}");
    let second = line_with(&s, "reading 'currency'").unwrap();
    assert!(
        second.starts_with("│     6 ") && second.contains(" new TypeError"),
        "{second}"
    );
    assert!(
        !first.contains(" new "),
        "the 502s were there before the deploy"
    );
    insta::assert_snapshot!("log_errors_160x48", s);
    let narrow = screen(&render(&mut app, 80, 24));
    let first = line_with(&narrow, "UpstreamError: checkout returned").unwrap();
    assert!(first.starts_with("│    17 "), "{first}");
    insta::assert_snapshot!("log_errors_80x24", narrow);

    // Enter on the new kind: only its lines.
    app.update(Action::Down);
    app.handle_key(enter());
    let s = screen(&render(&mut app, 160, 48));
    assert!(s.contains("· only 'TypeError"), "{s}");
    let rows = timed_rows(&s);
    assert_eq!(rows.len(), 6, "{s}");
    assert!(rows.iter().all(|r| r.contains("'currency'")), "{rows:#?}");
    // Esc: back to the kinds, then to all the lines.
    app.update(Action::Back);
    assert!(screen(&render(&mut app, 160, 48)).contains("┌ Errors · "));
    app.update(Action::Back);
    let s = screen(&render(&mut app, 160, 48));
    assert!(
        s.contains("┌ Logs · checkout-api") && !s.contains("· only"),
        "{s}"
    );
}

#[test]
fn the_invocations_view_lists_requests_filters_failures_sorts_and_reads_one() {
    let mut app = app_with_logs_of("eu-west-1", "checkout-api");
    app.handle_key(key('i'));
    let s = screen(&render(&mut app, 160, 48));
    assert!(
        s.contains("┌ Invocations · checkout-api (eu-west-1) · 23 failed of 58 · by start"),
        "{s}"
    );
    let newest = line_with(&s, "1e0caa8a-eaf5-40df-ae92-eaf50dfe92ef").unwrap();
    assert!(
        newest.starts_with("│03:07:28.171 error ")
            && newest.contains("194ms")
            && newest.contains("644/1024"),
        "{newest}"
    );
    let cold = line_with(&s, "9149f418").unwrap();
    assert!(
        cold.contains("274ms"),
        "the init duration of a cold start: {cold}"
    );

    // f: failures only; s: the slowest first.
    app.handle_key(key('f'));
    app.handle_key(key('s'));
    let s = screen(&render(&mut app, 160, 48));
    assert!(s.contains("· failures only"), "{s}");
    let rows: Vec<&str> = timed_rows(&s);
    assert_eq!(rows.len(), 23, "{s}");
    assert!(rows.iter().all(|r| r.contains(" error ")), "{rows:#?}");
    let ms = |r: &str| -> u32 {
        r.split_whitespace()
            .nth(2)
            .unwrap()
            .trim_end_matches("ms")
            .parse()
            .unwrap()
    };
    let durations: Vec<u32> = rows.iter().map(|r| ms(r)).collect();
    assert!(durations.windows(2).all(|w| w[0] >= w[1]), "{durations:?}");
    insta::assert_snapshot!("log_invocations_160x48", s);
    let narrow = screen(&render(&mut app, 80, 24));
    assert!(narrow.contains("┌ Invocations · checkout-api"), "{narrow}");
    insta::assert_snapshot!("log_invocations_80x24", narrow);

    // Enter: that request's lines, and a read of all of them from CloudWatch Logs.
    let id = rows[0]
        .split_whitespace()
        .find(|w| w.len() == 36 && w.matches('-').count() == 4)
        .unwrap()
        .to_string();
    app.take_controls();
    app.handle_key(enter());
    let asked = app.take_controls();
    assert!(
        asked.iter().any(|c| matches!(c,
            lambdatop::source::Control::ReadRequest { request_id, function, .. }
                if *request_id == id && function.name == "checkout-api")),
        "{asked:?}"
    );
    let s = screen(&render(&mut app, 160, 48));
    assert!(s.contains(&format!("· request {id}")), "{s}");
    let rows = timed_rows(&s);
    assert_eq!(rows.len(), 4, "START, the error, END, REPORT: {s}");
}

/// `:insights NAME` over the log pane's function: Tab completes the named queries, the query
/// goes to the tail with the window's span, the pane says it runs until its own answer (not
/// an older one) is in, then shows the rows, the scan and its cost; `y` copies a row, Esc
/// goes back to the lines.
#[test]
fn the_insights_view_runs_a_named_query_and_shows_its_answer_at_80x24() {
    use lambdatop::source::{Control, SourceEvent};
    use lambdatop::store::insights::{InsightsAnswer, InsightsResult, QueryState};
    let mut app = app_with_logs_of("eu-west-1", "checkout-api");
    app.take_controls();
    for c in ":insights slo".chars() {
        app.handle_key(key(c));
    }
    app.handle_key(ratatui::crossterm::event::KeyEvent::from(
        ratatui::crossterm::event::KeyCode::Tab,
    ));
    assert_eq!(app.command_line(), Some("insights slowest"));
    app.handle_key(enter());
    let asked = app.take_controls();
    let [
        Control::Insights {
            seq,
            query,
            from_ms,
            to_ms,
        },
    ] = asked.as_slice()
    else {
        panic!("{asked:?}");
    };
    assert!(query.contains("sort @duration desc"), "{query}");
    assert_eq!(*to_ms, crate::support::t0().timestamp_millis());
    assert_eq!(to_ms - from_ms, 3_600_000, "the window's hour");
    let s = screen(&render(&mut app, 80, 24));
    assert!(
        s.contains("┌ Logs Insights · running 0s · checkout-api (eu-west-1)"),
        "{s}"
    );
    assert!(s.contains("running for 0s"), "{s}");

    let result = |seq: u64, answer: InsightsAnswer| InsightsResult {
        seq,
        query: query.clone(),
        label: "checkout-api (eu-west-1)".into(),
        from_ms: *from_ms,
        to_ms: *to_ms,
        answer: Some(answer),
        error: None,
    };
    // An answer to an older query is not this one's.
    let stale = InsightsAnswer::empty(QueryState::Complete);
    app.store
        .apply(SourceEvent::Insights(Box::new(result(seq - 1, stale))));
    app.recompute();
    assert!(screen(&render(&mut app, 80, 24)).contains("running for 0s"));

    let mut a = InsightsAnswer::empty(QueryState::Complete);
    for i in 0..30 {
        a.push_record([
            (
                "@timestamp",
                format!("2026-12-04 03:{:02}:00.000", 59 - i).as_str(),
            ),
            (
                "@requestId",
                format!("7c0ffee0-0000-4000-8000-0000000000{i:02}").as_str(),
            ),
            ("@duration", format!("{}", 2900 - i * 40).as_str()),
            ("usedMB", "612"),
        ]);
    }
    a.bytes_scanned = Some(3.2e8);
    a.records_matched = Some(30.0);
    a.records_scanned = Some(1200.0);
    app.store
        .apply(SourceEvent::Insights(Box::new(result(*seq, a))));
    app.recompute();
    let s = screen(&render(&mut app, 80, 24));
    assert!(s.contains("complete · 30 rows"), "{s}");
    assert!(
        s.contains("scanned 320 MB ($0.0016) · 30 of 1.2k records matched"),
        "{s}"
    );
    assert!(s.contains("│slowest: filter @type = \"REPORT\""), "{s}");
    let first = line_with(&s, "2026-12-04 03:59:00.000").unwrap();
    assert!(
        first.contains("7c0ffee0-0000-4000-8000-000000000000") && first.contains("2900"),
        "{first}"
    );
    insta::assert_snapshot!("log_insights_80x24", s);
    let wide = screen(&render(&mut app, 160, 48));
    assert!(wide.contains("complete · 30 rows"), "{wide}");
    insta::assert_snapshot!("log_insights_160x48", wide);

    app.handle_key(key('j'));
    app.handle_key(key('y'));
    assert_eq!(
        app.take_clipboard().as_deref(),
        Some(
            "@timestamp=2026-12-04 03:58:00.000\t@requestId=7c0ffee0-0000-4000-8000-000000000001\t@duration=2860\tusedMB=612"
        )
    );
    app.handle_key(ratatui::crossterm::event::KeyEvent::from(
        ratatui::crossterm::event::KeyCode::Esc,
    ));
    assert!(screen(&render(&mut app, 80, 24)).contains("┌ Logs · "));

    // `:insights` alone runs the same query again, as a new one.
    for c in ":insights".chars() {
        app.handle_key(key(c));
    }
    app.handle_key(enter());
    let again = app.take_controls();
    assert!(
        matches!(again.as_slice(), [Control::Insights { seq: s2, query: q2, .. }] if *s2 == seq + 1 && q2 == query),
        "{again:?}"
    );
    // Left and opened again, the pane numbers its next query on: the answer the store holds
    // for an earlier one is never shown for it.
    let esc = || ratatui::crossterm::event::KeyEvent::from(ratatui::crossterm::event::KeyCode::Esc);
    app.handle_key(esc());
    app.handle_key(esc());
    assert!(!matches!(app.screen, Screen::Logs(_)), "{:?}", app.screen);
    app.handle_key(key('l'));
    for c in ":insights".chars() {
        app.handle_key(key(c));
    }
    app.handle_key(enter());
    let third = app.take_controls();
    assert!(
        third
            .iter()
            .any(|c| matches!(c, Control::Insights { seq: s3, .. } if *s3 == seq + 2)),
        "{third:?}"
    );
    assert!(!screen(&render(&mut app, 160, 48)).contains("complete · 30 rows"));
}

/// A storm past the scrollback: the oldest lines go, and the pane's foot counts them, so
/// nothing is lost silently.
#[test]
fn lines_the_scrollback_lets_go_are_counted_on_screen() {
    use lambdatop::source::SourceEvent;
    use lambdatop::store::event::LogEvent;
    let store = demo_store().with_scrollback(100);
    let mut app = app_with(store, Window::H1);
    let key = FunctionKey::new("eu-west-1", "checkout-api");
    app.dashboard.fleet.select(key.clone());
    app.update(Action::OpenLogs);
    let t0 = crate::support::t0().timestamp_millis();
    let lines: Vec<LogEvent> = (0..1_250)
        .map(|i| LogEvent {
            function: key.clone(),
            at_ms: t0 - 60_000 + i,
            stream: "2026/11/23/[$LATEST]s".into(),
            event_id: format!("{i:08}"),
            message: format!("line {i}"),
        })
        .collect();
    app.store.apply(SourceEvent::Logs(lines));
    app.recompute();
    let s = screen(&render(&mut app, 100, 30));
    assert!(s.contains("line 1249"), "{s}");
    assert!(
        s.contains("100 lines · 1.1k older let go (scrollback 100)"),
        "{s}"
    );
}
