//! `lambdatop screenshot`: each main view of the demo fleet drawn by the real draw code,
//! off-screen, at one fixed moment, and written as SVG in a theme's colors. The same seed,
//! moment and theme give the same files byte for byte, so a test can tell when the committed
//! screenshots are stale.

use std::path::Path;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::{Action, App, AppOptions};
use crate::cli::ScreenshotArgs;
use crate::settings::Settings;
use crate::source::SourceEvent;
use crate::source::demo::Fleet;
use crate::source::demo::logs::DemoLogs;
use crate::store::cost::CostGroupBy;
use crate::store::{DEFAULT_RETENTION_MINUTES, Minute, Window};
use crate::ui::svg;
use crate::ui::theme::{BUILT_IN, Theme};

/// The views, in the order the README shows them.
pub const VIEWS: [&str; 13] = [
    "fleet",
    "alarms",
    "task-flow",
    "detail",
    "logs",
    "projects",
    "classes",
    "cost",
    "help",
    "day",
    "past",
    "accounts",
    "replay",
];

/// Views drawn at other sizes too (in each theme's folder as `VIEW-WxH.svg`): those whose
/// layout changes most with the terminal.
pub const SIZED: [&str; 4] = ["detail", "classes", "projects", "task-flow"];
pub const OTHER_SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

/// What a user does to get from the dashboard to a view (of `VIEWS`; `cost` is no view of the
/// dashboard's).
pub fn actions_of(view: &str) -> &'static [Action] {
    match view {
        "task-flow" => &[Action::FocusNext, Action::CursorLeft, Action::CursorLeft],
        "detail" => &[Action::OpenDetail],
        "logs" => &[Action::OpenLogs],
        "projects" => &[Action::OpenProjects],
        "alarms" => &[Action::OpenAlarms],
        "classes" => &[Action::OpenClasses],
        "help" => &[Action::ToggleHelp],
        // The night's incident: the window's last minute picked, ready for its logs.
        "past" => &[Action::FocusNext, Action::CursorLeft],
        // Several accounts: the projects pane breaks the selected project down by account.
        "accounts" => &[Action::OpenProjects],
        // A recording opened: a minute picked on the task flow, as the night shift hands it on.
        "replay" => &[Action::FocusNext, Action::CursorLeft],
        _ => &[],
    }
}

/// The window a view is drawn over: the last day for `day`, and for `past` the hour that
/// ended ten hours before `now`, inside the demo's night incident (`:at -10h`).
pub fn window_of(view: &str, now: DateTime<Utc>) -> Window {
    match view {
        "day" => Window::H24,
        "past" => Window::H1.ending(Some(Minute::of(now - chrono::Duration::hours(10)))),
        _ => AppOptions::default().window,
    }
}

/// The terminal the screenshots are drawn in.
pub const SIZE: (u16, u16) = (120, 40);

pub use crate::source::demo::fixture::{demo_store, demo_store_over, moment};

/// `store` as `--replay` opens it once `:save` has written it at `now`.
fn replayed(store: crate::store::Store, now: DateTime<Utc>) -> Result<crate::store::Store> {
    let mut bytes = Vec::new();
    store.write_recording(
        &mut bytes,
        &crate::store::recording::Recorded::by_this_build(now),
    )?;
    Ok(crate::store::Store::read_recording(bytes.as_slice())?.0)
}

fn app_at(seed: u64, theme: &Theme, now: DateTime<Utc>, view: &str) -> Result<App> {
    let window = window_of(view, now);
    let store = match view {
        // The demo fleet in three accounts (`--demo --accounts 3`).
        "accounts" => crate::source::demo::fixture::demo_accounts_store(
            seed,
            3,
            crate::source::demo::Fleet::default().len(),
            now,
            crate::store::DEFAULT_RETENTION_MINUTES,
        ),
        // The demo written to a recording and opened again (`--replay`).
        "replay" => replayed(demo_store_over(seed, now, window), now)?,
        _ => demo_store_over(seed, now, window),
    };
    let mut app = App::new(
        store,
        theme.clone(),
        AppOptions {
            window,
            ..AppOptions::default()
        },
        now,
    );
    let actions = actions_of(view);
    for a in actions {
        app.update(*a);
    }
    Ok(app)
}

/// The frame of one view at `(w, h)`.
fn draw(
    view: &str,
    (w, h): (u16, u16),
    seed: u64,
    theme: &Theme,
    now: DateTime<Utc>,
) -> Result<Buffer> {
    let mut terminal = Terminal::new(TestBackend::new(w, h))?;
    if view == "cost" {
        let text = super::cost::table(&super::cost::demo_output(
            seed,
            &Fleet::default(),
            now,
            CostGroupBy::Project,
        ));
        let mut lines = vec![Line::styled("$ lambdatop --demo cost", theme.key)];
        lines.extend(
            text.lines()
                .map(|l| Line::styled(l.to_string(), theme.text)),
        );
        terminal.draw(|f| {
            let block = Block::new()
                .borders(Borders::ALL)
                .border_style(theme.border)
                .title(Line::styled(" shell ", theme.title));
            f.render_widget(Paragraph::new(lines).block(block), Rect::new(0, 0, w, h));
        })?;
        return Ok(terminal.backend().buffer().clone());
    }
    let mut app = app_at(seed, theme, now, view)?;
    if let crate::app::Screen::Logs(logs) = &app.screen {
        let target = &logs.target;
        // What the tail would have brought: the last 15 minutes of the function's logs.
        let demo = DemoLogs::new(seed, Minute::of(now), DEFAULT_RETENTION_MINUTES);
        let names: Vec<String> = target.functions.iter().map(|k| k.name.clone()).collect();
        let to = now.timestamp_millis();
        let events = demo.events(&names, to - 15 * 60_000, to);
        app.store.apply(SourceEvent::Logs(events));
        app.recompute();
    }
    crate::app::frame::draw_all(&mut terminal, &mut app)?;
    Ok(terminal.backend().buffer().clone())
}

/// Every view in `theme` at `SIZE`, then the `SIZED` ones at the `OTHER_SIZES`, as (file
/// name without `.svg`, SVG).
pub fn render_all(seed: u64, theme: &Theme, now: DateTime<Utc>) -> Result<Vec<(String, String)>> {
    let main = VIEWS.iter().map(|view| (view.to_string(), *view, SIZE));
    let sized = SIZED.iter().flat_map(|view| {
        OTHER_SIZES
            .iter()
            .map(move |&(w, h)| (format!("{view}-{w}x{h}"), *view, (w, h)))
    });
    main.chain(sized)
        .map(|(name, view, size)| {
            let buffer = draw(view, size, seed, theme, now)?;
            let title = format!(
                "lambdatop {view} · {}×{} · {} theme · demo fleet",
                size.0, size.1, theme.name
            );
            Ok((name, svg::render(&buffer, theme, &title)))
        })
        .collect()
}

/// Writes `<out>/<theme>/<view>.svg` for each theme asked for.
pub fn write(out: &Path, themes: &[Theme], seed: u64, now: DateTime<Utc>) -> Result<Vec<String>> {
    let mut written = Vec::new();
    for theme in themes {
        let dir = out.join(&theme.name);
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        for (view, svg) in render_all(seed, theme, now)? {
            let path = dir.join(format!("{view}.svg"));
            std::fs::write(&path, svg)
                .with_context(|| format!("cannot write {}", path.display()))?;
            written.push(path.display().to_string());
        }
    }
    Ok(written)
}

pub fn run(settings: &Settings, args: &ScreenshotArgs) -> Result<()> {
    let themes: Vec<Theme> = if args.all_themes {
        BUILT_IN
            .iter()
            .map(|(name, _)| Theme::load(name, None).map_err(anyhow::Error::msg))
            .collect::<Result<_>>()?
    } else {
        vec![super::theme_unfitted(settings)?]
    };
    let written = write(&args.out, &themes, settings.seed, moment())?;
    super::print_line(&written.join("\n"))
}
