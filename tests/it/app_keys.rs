//! The app driven by key events, with no terminal: filter, sort, navigation, detail, help,
//! windows, refresh and quit.

use lambdatop::app::screens::detail::Detail;
use lambdatop::app::{App, Focus, Screen};
use lambdatop::source::Control;
use lambdatop::store::Window;
use lambdatop::view::SortColumn;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::support::demo_app;

fn press(app: &mut App, keys: &[KeyCode]) {
    for k in keys {
        app.handle_key(KeyEvent::from(*k));
    }
}

fn chars(app: &mut App, s: &str) {
    for c in s.chars() {
        app.handle_key(KeyEvent::from(KeyCode::Char(c)));
    }
}

fn visible_names(app: &App) -> Vec<String> {
    app.figures()
        .order()
        .iter()
        .map(|&i| app.store.functions()[i].facts.name.clone())
        .collect()
}

fn selected_name(app: &App) -> String {
    app.dashboard.fleet.selected.as_ref().unwrap().name.clone()
}

#[test]
fn slash_filters_as_you_type_and_esc_clears() {
    let mut app = demo_app();
    chars(&mut app, "/pay");
    assert!(app.mode.is_filter());
    let names = visible_names(&app);
    assert_eq!(names.len(), 11);
    assert!(names.iter().all(|n| n.starts_with("payments-")));
    // q while typing is text, not quit.
    chars(&mut app, "q");
    assert!(!app.should_quit());
    assert_eq!(app.dashboard.fleet.filter, "payq");
    press(&mut app, &[KeyCode::Backspace, KeyCode::Enter]);
    assert!(!app.mode.is_filter());
    assert_eq!(app.dashboard.fleet.filter, "pay");
    assert!(
        selected_name(&app).starts_with("payments-"),
        "the selection follows the filter"
    );
    press(&mut app, &[KeyCode::Esc]);
    assert_eq!(app.dashboard.fleet.filter, "");
    assert_eq!(visible_names(&app).len(), 62);
}

#[test]
fn a_fuzzy_filter_finds_by_initials() {
    let mut app = demo_app();
    chars(&mut app, "/ntfdgst");
    assert_eq!(visible_names(&app), ["notifications-digest"]);
}

#[test]
fn s_cycles_columns_worst_first_and_shift_s_reverses() {
    let mut app = demo_app();
    assert_eq!(app.dashboard.fleet.sort, SortColumn::Errors);
    // Over 15 minutes the hourly jobs did not run: their error rate is unknown.
    chars(&mut app, "1s");
    assert_eq!(app.dashboard.fleet.sort, SortColumn::ErrorRate);
    assert!(app.dashboard.fleet.descending);
    let rate = |app: &App, row: usize| {
        let i = app.figures().order()[row];
        app.figures().stats().functions[i].error_rate
    };
    assert!(rate(&app, 0) >= rate(&app, 1) && rate(&app, 1) >= rate(&app, 2));
    let top = visible_names(&app)[0].clone();
    chars(&mut app, "S");
    assert!(!app.dashboard.fleet.descending);
    assert!(rate(&app, 0) <= rate(&app, 1));
    // Unknown figures sort last in both directions.
    let last = *app.figures().order().last().unwrap();
    assert_eq!(app.figures().stats().functions[last].error_rate, None);
    assert_ne!(visible_names(&app)[0], top);
    // ErrorRate → throttles, avg, p99, p99/timeout, concurrency, cold starts, memory, cost →
    // name.
    for _ in 0..9 {
        chars(&mut app, "s");
    }
    assert_eq!(app.dashboard.fleet.sort, SortColumn::Name);
    assert!(!app.dashboard.fleet.descending, "names read A to Z");
    assert_eq!(visible_names(&app)[0], "checkout-abandoned-cart");
}

#[test]
fn arrows_and_vim_keys_move_and_enter_opens_the_detail() {
    let mut app = demo_app();
    let names = visible_names(&app);
    assert_eq!(selected_name(&app), names[0]);
    press(&mut app, &[KeyCode::Down, KeyCode::Down]);
    chars(&mut app, "k");
    assert_eq!(selected_name(&app), names[1]);
    chars(&mut app, "G");
    assert_eq!(selected_name(&app), *names.last().unwrap());
    chars(&mut app, "g");
    assert_eq!(selected_name(&app), names[0]);
    // The page is what the last frame showed of the table.
    crate::support::render(&mut app, 80, 24);
    let page = app.dashboard.fleet.scroll.page();
    assert!(page > 1);
    press(&mut app, &[KeyCode::PageDown]);
    assert_eq!(selected_name(&app), names[page]);
    press(&mut app, &[KeyCode::Up]);
    press(&mut app, &[KeyCode::Enter]);
    let Screen::Detail(Detail { key }) = app.screen.clone() else {
        panic!("Enter opens the detail");
    };
    assert_eq!(key.name, names[page - 1]);
    // j/k in the detail step through functions without leaving it.
    chars(&mut app, "j");
    assert!(matches!(&app.screen, Screen::Detail(d) if d.key.name == names[page]));
    press(&mut app, &[KeyCode::Esc]);
    assert_eq!(app.screen, Screen::Dashboard);
    assert_eq!(selected_name(&app), names[page]);
}

#[test]
fn the_selection_stays_on_its_function_when_the_order_changes() {
    let mut app = demo_app();
    chars(&mut app, "jjj");
    let chosen = selected_name(&app);
    chars(&mut app, "sS");
    assert_eq!(selected_name(&app), chosen);
}

#[test]
fn help_opens_on_question_mark_and_closes_on_esc() {
    let mut app = demo_app();
    chars(&mut app, "?");
    assert!(app.mode.is_help());
    chars(&mut app, "s");
    assert_eq!(
        app.dashboard.fleet.sort,
        SortColumn::Errors,
        "keys do not leak through the help"
    );
    press(&mut app, &[KeyCode::Esc]);
    assert!(!app.mode.is_help());
    chars(&mut app, "??");
    assert!(!app.mode.is_help());
}

#[test]
fn tab_moves_focus_and_number_keys_set_the_window() {
    let mut app = demo_app();
    assert_eq!(app.dashboard.focus, Focus::Fleet);
    press(&mut app, &[KeyCode::Tab]);
    assert_eq!(app.dashboard.focus, Focus::Flow);
    press(&mut app, &[KeyCode::BackTab]);
    assert_eq!(app.dashboard.focus, Focus::Fleet);
    for (c, w) in [('1', Window::M15), ('3', Window::H3), ('2', Window::H1)] {
        chars(&mut app, &c.to_string());
        assert_eq!(app.scope.window, w);
        assert_eq!(app.figures().stats().window, w);
    }
}

#[test]
fn r_asks_every_source_to_poll_now() {
    let mut app = demo_app();
    chars(&mut app, "r");
    assert_eq!(app.take_controls(), [Control::PollNow]);
    assert!(app.take_controls().is_empty());
}

#[test]
fn q_and_ctrl_c_quit() {
    let mut app = demo_app();
    chars(&mut app, "q");
    assert!(app.should_quit());
    let mut app = demo_app();
    chars(&mut app, "/ab");
    app.handle_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(app.should_quit(), "Ctrl-C quits even while typing a filter");
}

#[test]
fn l_tails_the_selection_and_esc_stops() {
    use lambdatop::source::TailTarget;
    use lambdatop::store::FunctionKey;
    let mut app = demo_app();
    chars(&mut app, "l");
    // The first row: what pages (checkout-api's alarm is in ALARM).
    let key = FunctionKey::new("eu-west-1", "checkout-api");
    let target = TailTarget {
        functions: vec![key.clone()],
        label: "checkout-api (eu-west-1)".into(),
        range_ms: None,
        function_arns: vec!["arn:aws:lambda:eu-west-1:123456789012:function:checkout-api".into()],
        filter: None,
    };
    assert!(matches!(&app.screen, Screen::Logs(l) if l.target == target && !l.from_detail));
    assert_eq!(app.take_controls(), [Control::Tail(Some(target))]);
    press(&mut app, &[KeyCode::Esc]);
    assert_eq!(app.screen, Screen::Dashboard);
    assert_eq!(app.take_controls(), [Control::Tail(None)]);

    // From the detail, back to the detail.
    press(&mut app, &[KeyCode::Enter]);
    chars(&mut app, "l");
    press(&mut app, &[KeyCode::Esc]);
    assert_eq!(app.screen, Screen::Detail(Detail::open(key)));

    // L: the whole project.
    press(&mut app, &[KeyCode::Esc]);
    chars(&mut app, "L");
    let Screen::Logs(logs) = &app.screen else {
        panic!("L opens the logs");
    };
    let target = &logs.target;
    assert_eq!(target.label, "project checkout (10 functions)");
    assert_eq!(target.functions.len(), 10);
}

/// However the log pane is left — Esc, or a command that shows another view — its tail stops
/// (a tail left running reads a function nobody looks at, at the account's FilterLogEvents
/// quota); the next log pane opens with the layout and the filter the last one had.
#[test]
fn leaving_the_log_pane_any_way_stops_its_tail_and_the_next_keeps_its_layout() {
    let mut app = demo_app();
    chars(&mut app, "l");
    assert!(matches!(app.take_controls()[..], [Control::Tail(Some(_))]));
    // Unwrapped lines, platform lines hidden, a filter.
    chars(&mut app, "wp/ERROR");
    press(&mut app, &[KeyCode::Enter]);
    chars(&mut app, ":classes");
    press(&mut app, &[KeyCode::Enter]);
    assert!(matches!(app.screen, Screen::Classes(_)), "{:?}", app.screen);
    assert_eq!(app.take_controls(), [Control::Tail(None)]);
    press(&mut app, &[KeyCode::Esc]);
    chars(&mut app, "l");
    let Screen::Logs(logs) = &app.screen else {
        panic!("l opens the logs again: {:?}", app.screen);
    };
    assert!(logs.lines.layout.no_wrap && logs.lines.layout.hide_platform);
    assert_eq!(logs.lines.layout.filter, "ERROR");
    // A log pane in place of a log pane: the tail moves to it, and is not stopped.
    let _ = app.take_controls();
    chars(&mut app, ":logs");
    press(&mut app, &[KeyCode::Enter]);
    assert!(matches!(app.screen, Screen::Logs(_)));
    assert!(
        matches!(app.take_controls()[..], [Control::Tail(Some(_))]),
        "only the new tail"
    );
    // `:fn` from the log pane: the function's detail, and the tail stops.
    chars(&mut app, ":fn payments-charge");
    press(&mut app, &[KeyCode::Enter]);
    assert!(matches!(app.screen, Screen::Detail(_)), "{:?}", app.screen);
    assert!(app.take_controls().contains(&Control::Tail(None)));
}

#[test]
fn a_minute_picked_on_the_graph_opens_its_logs() {
    use lambdatop::store::Metric;
    let mut app = demo_app();
    let range = app.figures().stats().range;
    press(&mut app, &[KeyCode::Left]);
    assert_eq!(app.dashboard.focus, Focus::Flow);
    assert_eq!(app.dashboard.flow.cursor, Some(range.last));
    press(&mut app, &[KeyCode::Left, KeyCode::Left, KeyCode::Right]);
    let m = range.last.minus(1);
    assert_eq!(app.dashboard.flow.cursor, Some(m));
    // The window slides; the picked minute stays the same minute.
    app.set_now(crate::support::t0() + chrono::Duration::minutes(1));
    assert_eq!(app.dashboard.flow.cursor, Some(m));

    chars(&mut app, "l");
    let Screen::Logs(logs) = app.screen.clone() else {
        panic!("l opens that minute's logs");
    };
    let target = logs.target;
    assert_eq!(target.range_ms, Some((m.0 * 60_000, m.0 * 60_000 + 59_999)));
    assert!(
        target.label.starts_with("fleet · ") && target.label.ends_with(" UTC"),
        "{}",
        target.label
    );
    assert_eq!(target.functions.len(), 10);
    // The fleet's worst function of that minute comes first.
    let failing = |k: &lambdatop::store::FunctionKey| {
        let h = &app.store.function(k).unwrap().history;
        [Metric::Errors, Metric::Timeouts, Metric::Throttles]
            .iter()
            .map(|&x| h.get(x, m).unwrap_or(0.0))
            .sum::<f64>()
    };
    let worst = app
        .store
        .functions()
        .iter()
        .map(|f| failing(&f.facts.key()))
        .fold(0.0, f64::max);
    assert_eq!(failing(&target.functions[0]), worst);
    assert_eq!(app.take_controls(), [Control::Tail(Some(target))]);

    press(&mut app, &[KeyCode::Esc]);
    assert_eq!(app.screen, Screen::Dashboard);
    press(&mut app, &[KeyCode::Esc]);
    assert_eq!(
        app.dashboard.flow.cursor, None,
        "Esc drops the minute before the filter"
    );
}

fn click(app: &mut App, column: u16, row: u16) -> bool {
    use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    app.handle_mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column,
        row,
        modifiers: KeyModifiers::NONE,
    })
}

fn wheel(app: &mut App, down: bool) {
    use ratatui::crossterm::event::{MouseEvent, MouseEventKind};
    app.handle_mouse(MouseEvent {
        kind: if down {
            MouseEventKind::ScrollDown
        } else {
            MouseEventKind::ScrollUp
        },
        column: 10,
        row: 10,
        modifiers: KeyModifiers::NONE,
    });
}

#[test]
fn the_mouse_selects_opens_scrolls_and_focuses() {
    use crate::support::{render, screen};
    let mut app = demo_app();
    let s = screen(&render(&mut app, 160, 48));
    // The third row of the table, where it was drawn.
    let third = visible_names(&app)[2].clone();
    let y = s
        .lines()
        .position(|l| l.contains(&format!("│{third}")))
        .unwrap() as u16;
    assert!(click(&mut app, 20, y));
    assert_eq!(selected_name(&app), third);
    assert_eq!(app.screen, Screen::Dashboard);
    click(&mut app, 20, y);
    assert!(
        matches!(app.screen, Screen::Detail(ref d) if d.key.name == third),
        "a second click opens it"
    );
    press(&mut app, &[KeyCode::Esc]);

    wheel(&mut app, true);
    assert_eq!(selected_name(&app), visible_names(&app)[3]);
    wheel(&mut app, false);
    assert_eq!(selected_name(&app), third);

    render(&mut app, 160, 48);
    let s = screen(&render(&mut app, 160, 48));
    let flow_y = s.lines().position(|l| l.contains("Task flow")).unwrap() as u16;
    let flow = ratatui::layout::Rect::new(0, flow_y, 160, 10);
    click(&mut app, flow.x + 5, flow.y + 3);
    assert_eq!(app.dashboard.focus, Focus::Flow);

    // Moving the mouse is no event worth a redraw.
    use ratatui::crossterm::event::{MouseEvent, MouseEventKind};
    assert!(!app.handle_mouse(MouseEvent {
        kind: MouseEventKind::Moved,
        column: 3,
        row: 3,
        modifiers: KeyModifiers::NONE,
    }));

    // In the projects pane, a click selects a project and a second one narrows to it.
    chars(&mut app, "p");
    let s = screen(&render(&mut app, 160, 48));
    let y = s.lines().position(|l| l.contains("│checkout")).unwrap() as u16;
    click(&mut app, 10, y);
    assert_eq!(app.projects().unwrap().selected(), Some("checkout"));
    click(&mut app, 10, y);
    assert_eq!(app.scope.project.as_deref(), Some("checkout"));
    assert_eq!(app.screen, Screen::Dashboard);
}

#[test]
fn the_command_line_runs_commands_and_completes_them() {
    use crate::support::{render, screen};
    let mut app = demo_app();
    chars(&mut app, ":fn checkout-t");
    assert_eq!(app.command_line(), Some("fn checkout-t"));
    press(&mut app, &[KeyCode::Tab]);
    assert_eq!(app.command_line(), Some("fn checkout-tax-calc"));
    let s = screen(&render(&mut app, 120, 40));
    assert!(
        s.lines().last().unwrap().contains(":fn checkout-tax-calc"),
        "{s}"
    );
    press(&mut app, &[KeyCode::Enter]);
    assert!(matches!(app.screen, Screen::Detail(ref d) if d.key.name == "checkout-tax-calc"));

    chars(&mut app, ":pro");
    press(&mut app, &[KeyCode::Tab]);
    chars(&mut app, "ide");
    press(&mut app, &[KeyCode::Tab, KeyCode::Enter]);
    assert_eq!(app.scope.project.as_deref(), Some("identity"));
    assert_eq!(app.screen, Screen::Dashboard);
    chars(&mut app, ":project");
    press(&mut app, &[KeyCode::Enter]);
    assert_eq!(app.scope.project, None);

    let regions = |app: &App| -> std::collections::BTreeSet<String> {
        let fns = app.store.functions();
        let order = app.figures().order();
        order.iter().map(|&i| fns[i].facts.region.clone()).collect()
    };
    assert!(regions(&app).len() > 1, "{:?}", regions(&app));
    chars(&mut app, ":region eu-west-1");
    press(&mut app, &[KeyCode::Enter]);
    assert_eq!(
        regions(&app),
        ["eu-west-1".to_string()].into(),
        "rows of eu-west-1, and only those"
    );

    chars(&mut app, ":theme solarized-dark");
    press(&mut app, &[KeyCode::Enter]);
    assert_eq!(app.theme.name, "solarized-dark");

    // A mistake is one line in the footer, gone with the next key.
    chars(&mut app, ":deploy now");
    press(&mut app, &[KeyCode::Enter]);
    let s = screen(&render(&mut app, 120, 40));
    assert!(
        s.lines()
            .last()
            .unwrap()
            .contains("unknown command 'deploy'"),
        "{s}"
    );
    chars(&mut app, ":fn nothing-like-it");
    press(&mut app, &[KeyCode::Enter]);
    assert_eq!(app.message(), Some("no function 'nothing-like-it'"));
    // Esc leaves the line without running it.
    chars(&mut app, ":q");
    press(&mut app, &[KeyCode::Esc]);
    assert!(!app.should_quit());
    chars(&mut app, ":q");
    press(&mut app, &[KeyCode::Enter]);
    assert!(app.should_quit());
}

#[test]
fn keys_bound_in_the_config_drive_the_app_and_show_in_help_and_footer() {
    use crate::support::{render, screen};
    let mut app = demo_app();
    let mut keys = lambdatop::app::keymap::UserKeys::default();
    keys.bind("projects", &["P".to_string()]).unwrap();
    keys.bind("down", &["n".to_string(), "ctrl-n".to_string()])
        .unwrap();
    app.set_keys(keys);
    let footer = screen(&render(&mut app, 160, 48))
        .lines()
        .last()
        .unwrap()
        .to_string();
    assert!(footer.contains("P projects"), "{footer}");
    chars(&mut app, "p");
    assert_eq!(app.screen, Screen::Dashboard, "p no longer opens projects");
    let before = selected_name(&app);
    chars(&mut app, "n");
    assert_ne!(selected_name(&app), before, "n moves down");
    chars(&mut app, "P");
    assert!(matches!(app.screen, Screen::Projects(_)));
    app.update(lambdatop::app::Action::ToggleHelp);
    let help = screen(&render(&mut app, 160, 48));
    let line = help
        .lines()
        .find(|l| l.contains("projects: breakdown and cost"))
        .unwrap();
    assert!(line.contains("  P "), "{line}");
    assert!(help.contains("n ctrl-n"), "both keys of down are listed");
}

/// Every list moves with the same keys: PgDn and PgUp move the projects' and the classes'
/// selection a page at a time, as in the fleet table and the alarms. Before, they did
/// nothing in those two views.
#[test]
fn every_list_pages_with_the_same_keys() {
    let mut app = demo_app();
    let fleet_selected = selected_name(&app);
    chars(&mut app, "p");
    assert!(matches!(app.screen, Screen::Projects(_)));
    crate::support::render(&mut app, 80, 24);
    let first = app.projects().unwrap().selected().map(String::from);
    assert!(first.is_some());
    press(&mut app, &[KeyCode::PageDown]);
    assert_ne!(
        app.projects().unwrap().selected().map(String::from),
        first,
        "PgDn moves down the projects"
    );
    press(&mut app, &[KeyCode::PageUp]);
    assert_eq!(
        app.projects().unwrap().selected().map(String::from),
        first,
        "PgUp comes back up"
    );
    press(&mut app, &[KeyCode::Esc]);
    assert_eq!(app.screen, Screen::Dashboard);
    chars(&mut app, "c");
    assert!(matches!(app.screen, Screen::Classes(_)));
    crate::support::render(&mut app, 80, 24);
    let top = app.selected_class();
    assert!(top.is_some());
    press(&mut app, &[KeyCode::PageDown]);
    assert_ne!(app.selected_class(), top, "PgDn moves down the classes");
    press(&mut app, &[KeyCode::PageUp]);
    assert_eq!(app.selected_class(), top, "PgUp comes back up");
    assert_eq!(
        selected_name(&app),
        fleet_selected,
        "the fleet's selection stays where it was"
    );
}

/// A detail asks the sources for its function's versions and aliases once: when it opens and
/// when j/k move it to another function. The figures recomputed every second ask for nothing
/// (before, asking was a side effect of recomputing them).
#[test]
fn a_detail_asks_for_its_versions_as_it_opens_and_only_then() {
    let mut app = demo_app();
    app.take_controls();
    press(&mut app, &[KeyCode::Enter]);
    let Screen::Detail(Detail { key: first }) = app.screen.clone() else {
        panic!("Enter opens the detail");
    };
    assert_eq!(app.take_controls(), [Control::Inspect(first.clone())]);
    app.set_now(crate::support::t0() + chrono::Duration::seconds(1));
    crate::support::render(&mut app, 160, 48);
    assert!(
        app.take_controls().is_empty(),
        "a recompute asks for nothing"
    );
    chars(&mut app, "j");
    let Screen::Detail(Detail { key: next }) = app.screen.clone() else {
        panic!("j stays in the detail");
    };
    assert_ne!(next, first);
    assert_eq!(app.take_controls(), [Control::Inspect(next.clone())]);
    press(&mut app, &[KeyCode::Esc]);
    assert!(app.take_controls().is_empty());
    press(&mut app, &[KeyCode::Enter]);
    assert_eq!(
        app.take_controls(),
        [Control::Inspect(next)],
        "opened again, asked again"
    );
}
