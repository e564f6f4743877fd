//! The projects pane: each project's breakdown beside the bill, narrowing every pane to one
//! project and widening again; then the same against moto, with Cost Explorer's answer on
//! screen.

use std::time::Duration;

use lambdatop::app::{Action, Screen};
use lambdatop::ui::format;

use crate::moto::{self, STEADY_MINUTES, Spec, create_function, put_metric};
use crate::pty::Pty;
use crate::support::{demo_app, line_with, render, screen};

#[test]
fn the_projects_pane_shows_each_projects_figures_and_its_bill() {
    let mut app = demo_app();
    app.update(Action::OpenProjects);
    assert!(matches!(app.screen, Screen::Projects(_)));
    for (w, h) in [(80, 24), (160, 48)] {
        let s = screen(&render(&mut app, w, h));
        let stats = app.figures().stats();
        let bill = app.store.cost().expect("the demo has a bill");
        assert!(s.contains("Projects 6 · sort errors ▼"), "{s}");
        for p in &stats.projects {
            let row = line_with(&s, &format!("│{}", p.name))
                .unwrap_or_else(|| panic!("{} has a row:\n{s}", p.name));
            assert!(row.contains(&format::count(p.errors)), "{row}");
            let billed = bill.group(&p.name).map(|g| g.mtd_usd);
            assert!(row.contains(&format::usd(billed)), "{row}");
        }
        // The bill's own line for costs without the tag, and the fleet's total.
        let untagged = line_with(&s, "(untagged)").expect("untagged row");
        assert!(untagged.contains(&format::usd(bill.group("(untagged)").map(|g| g.mtd_usd))));
        let all = line_with(&s, "│ALL").expect("total row");
        assert!(all.contains(&format::usd(Some(bill.total_usd))), "{all}");
        if w == 160 {
            assert!(
                all.contains(&format!(" {} ", stats.totals.functions)),
                "{all}"
            );
        }
        assert!(s.contains("Cost Explorer Nov 1–23"), "{s}");
        assert!(s.contains("answered 1h ago"));
        assert!(
            s.contains("EST") && s.contains("free tier") && s.contains("INIT"),
            "{s}"
        );
        assert!(s.contains("against the fleet"), "the chart");
        insta::assert_snapshot!(format!("projects_{w}x{h}"), s);
    }
    // Sorted by errors, payments (the bad deploy) first; by name, checkout first.
    let first = |app: &lambdatop::app::App| {
        app.figures().stats().projects[app.projects().unwrap().order()[0]]
            .name
            .clone()
    };
    assert_eq!(first(&app), "payments");
    for _ in 0..5 {
        app.update(Action::SortNext);
    }
    assert_eq!(app.projects().unwrap().sort().label(), "name");
    assert_eq!(first(&app), "checkout");
    app.update(Action::SortReverse);
    assert_eq!(first(&app), "search");
    // Left and opened again, the pane sorts as it did, on the project it had selected.
    let selected = app.projects().unwrap().selected().map(String::from);
    app.update(Action::Down);
    let moved = app.projects().unwrap().selected().map(String::from);
    assert_ne!(moved, selected);
    app.update(Action::Back);
    assert!(app.projects().is_none());
    app.update(Action::OpenProjects);
    let pane = app.projects().unwrap();
    assert_eq!(
        (pane.sort().label(), first(&app).as_str()),
        ("name", "search")
    );
    assert_eq!(pane.selected().map(String::from), moved);
}

#[test]
fn enter_narrows_every_pane_to_the_project_and_esc_widens() {
    let mut app = demo_app();
    app.update(Action::OpenProjects);
    while app.projects().unwrap().selected() != Some("identity") {
        app.update(Action::Down);
    }
    app.update(Action::NarrowToProject);
    assert_eq!(app.screen, Screen::Dashboard);
    assert_eq!(app.scope.project.as_deref(), Some("identity"));
    let s = screen(&render(&mut app, 160, 48));
    assert!(
        s.lines()
            .next()
            .unwrap()
            .contains("project identity (Esc widens)")
    );
    let identity = app
        .figures()
        .stats()
        .projects
        .iter()
        .find(|p| p.name == "identity")
        .unwrap()
        .clone();
    // The header's totals are the project's.
    let totals = s.lines().nth(1).unwrap();
    assert!(
        totals.contains(&format!("{} errors", format::count(identity.errors))),
        "{totals}"
    );
    // The fleet table holds the project's functions only; the task flow follows it.
    assert_eq!(app.figures().order().len(), identity.functions);
    let fns = app.store.functions();
    assert!(
        app.figures()
            .order()
            .iter()
            .all(|&i| fns[i].project == "identity")
    );
    assert!(s.contains("· project identity"), "table title");
    assert!(s.contains("Task flow · project identity"), "{s}");
    // The functions on screen are what the pollers are told to keep hot.
    let watched = app.on_screen();
    assert!(!watched.is_empty());
    assert!(watched.iter().all(|k| {
        app.store
            .function(k)
            .is_some_and(|f| f.project == "identity")
    }));

    app.update(Action::Back);
    assert_eq!(app.scope.project, None);
    assert_eq!(app.figures().order().len(), 62);
    let s = screen(&render(&mut app, 160, 48));
    assert!(!s.contains("project identity"));
    assert!(s.contains("Task flow · fleet"));
}

#[tokio::test(flavor = "multi_thread")]
async fn against_moto_the_pane_shows_cost_explorers_month_and_narrows() {
    let region = "ap-northeast-1";
    let tag = "livecost";
    for (name, project) in [
        ("shop-api", "shop"),
        ("shop-worker", "shop"),
        ("ads-feed", "ads"),
    ] {
        create_function(
            region,
            &Spec {
                tags: &[(tag, project)],
                ..Spec::new(name)
            },
        )
        .await;
        put_metric(region, name, "Invocations", 6.0, STEADY_MINUTES).await;
    }
    put_metric(region, "ads-feed", "Errors", 2.0, STEADY_MINUTES).await;
    let _turn = crate::cost::COST_EXPLORER.lock().await;
    crate::cost::queue_cost_results(&[(
        crate::cost::month_days()[0].as_str(),
        &[
            (format!("{tag}$shop").as_str(), "7.50"),
            (format!("{tag}$ads").as_str(), "1.25"),
            (format!("{tag}$").as_str(), "0.40"),
        ],
    )]);
    let cache = std::env::temp_dir().join(format!("lambdatop-live-cost-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&cache);
    let mut env = moto::env(&moto::url());
    env.push(("TERM".into(), "xterm-256color".into()));
    env.push(("XDG_CACHE_HOME".into(), cache.to_string_lossy().to_string()));
    let mut tui = Pty::spawn(
        &["--region", region, "--project-tag", tag, "--window", "15m"],
        &env,
        140,
        40,
    );
    let wait = Duration::from_secs(20);
    tui.wait_for(wait, |s| s.contains("ads-feed") && s.contains("MTD $9.15"))
        .unwrap_or_else(|s| panic!("the fleet and the bill never appeared:\n{s}"));
    tui.send("p");
    let s = tui
        .wait_for(wait, |s| {
            s.contains("BILLED MTD") && s.contains("(untagged)")
        })
        .unwrap_or_else(|s| panic!("no projects pane:\n{s}"));
    let shop = s.lines().find(|l| l.contains("│shop")).expect("shop row");
    assert!(shop.contains("$7.50"), "{shop}");
    assert!(
        s.lines()
            .any(|l| l.contains("(untagged)") && l.contains("$0.40"))
    );
    assert!(s.contains("Cost Explorer"), "{s}");
    // Sorted by errors: ads first; Enter narrows to it.
    tui.send("\r");
    // A frame can be read half written: wait for the whole narrowed screen.
    tui.wait_for(wait, |s| {
        s.contains("project ads (Esc widens)") && s.contains("ads-feed") && !s.contains("shop-api")
    })
    .unwrap_or_else(|s| panic!("did not narrow:\n{s}"));
    tui.send("\x1b");
    tui.wait_for(wait, |s| {
        s.contains("shop-api") && !s.contains("Esc widens")
    })
    .unwrap_or_else(|s| panic!("did not widen:\n{s}"));
    tui.send("q");
    let _ = std::fs::remove_dir_all(cache);
}

#[test]
fn without_a_bill_the_pane_says_why_and_keeps_the_estimate() {
    use lambdatop::source::SourceEvent;
    use lambdatop::store::ProblemKind;
    let mut store = crate::support::empty_store();
    let mut demo =
        crate::support::demo_source(lambdatop::source::demo::DEFAULT_SEED, crate::support::t0());
    store.apply_all(
        demo.events_at(crate::support::t0())
            .into_iter()
            .filter(|e| !matches!(e, SourceEvent::Cost(_))),
    );
    store.apply(SourceEvent::Problem {
        source: "cost".into(),
        scope: "Cost Explorer".into(),
        kind: ProblemKind::AccessDenied,
        message:
            "GetCostAndUsage: AccessDeniedException: not authorized (the metric estimate goes on)"
                .into(),
        at: crate::support::t0(),
    });
    let mut app = crate::support::app_with(store, lambdatop::store::Window::H1);
    app.update(Action::OpenProjects);
    let s = screen(&render(&mut app, 160, 48));
    assert!(
        s.contains("no bill: GetCostAndUsage: AccessDeniedException"),
        "{s}"
    );
    let payments = line_with(&s, "│payments").unwrap();
    assert!(payments.contains('$'), "the estimate stays: {payments}");
    assert!(!s.contains("(untagged)"), "no bill, no bill-only lines");
    assert!(
        s.lines()
            .nth(2)
            .unwrap()
            .contains("Cost Explorer: GetCostAndUsage"),
        "header problem line"
    );
}

/// A project's distribution sums those of its functions that were read; read for some of them
/// only, its caption says of how many, so its p99 never passes for all of theirs.
#[test]
fn a_project_read_in_part_says_of_how_many_functions() {
    use lambdatop::store::distribution::{BUCKETS, CloudWatchDurations};
    use lambdatop::store::{FunctionKey, Minute, MinuteRange, SourceEvent};
    let mut app = demo_app();
    // payments-charge's distribution answered over a window of another length: not this one's.
    let now = crate::support::t0();
    app.store.apply(SourceEvent::DurationStats {
        key: FunctionKey::new("us-east-1", "payments-charge"),
        stats: Box::new(CloudWatchDurations {
            range: MinuteRange::ending_at(Minute::of(now).minus(1), 15),
            read_at: now,
            samples: None,
            percentiles: [None; 4],
            shares: [None; BUCKETS],
        }),
    });
    app.recompute();
    app.update(Action::OpenProjects);
    let s = screen(&render(&mut app, 160, 48));
    let payments = app
        .figures()
        .stats()
        .projects
        .iter()
        .find(|p| p.name == "payments")
        .unwrap()
        .clone();
    let c = payments.durations.unwrap().coverage.unwrap();
    assert_eq!(
        (c.read + 1, c.of),
        (c.of, payments.functions as u32),
        "{c:?}"
    );
    let caption = format!("· {} of {} functions", c.read, c.of);
    assert!(s.contains(&caption), "{caption}:\n{s}");
    // Read for every function, a project's caption says nothing more.
    let mut whole = demo_app();
    whole.update(Action::OpenProjects);
    assert!(!screen(&render(&mut whole, 160, 48)).contains(" functions ─"));
}
