//! The dashboard: start the sources, take over the terminal, run the app loop, and give the
//! terminal back however the loop ends.

use anyhow::{Context, Result};
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use crate::app::{App, AppOptions};
use crate::clock::SharedClock;
use crate::settings::Settings;
use crate::source::runner;
use crate::store::Window;

pub async fn run(settings: &Settings, clock: SharedClock) -> Result<()> {
    let window = super::window(settings, Window::H1, clock.now())?;
    // A bad theme fails before any AWS call.
    let (theme, fit) = super::theme(settings)?;
    let setup = super::setup(settings, &clock, true).await?;
    let mut app = App::new(
        setup.store,
        theme,
        AppOptions {
            window,
            thresholds: settings.thresholds,
            keys: settings.keys.clone(),
            fit,
            interval_secs: settings.interval,
            error_words: settings.error_words.clone(),
            queries: settings.queries.clone(),
        },
        clock.now(),
    );

    // Room for a few refreshes of a large fleet's events before a source waits for the loop.
    let (events_tx, events_rx) = mpsc::channel(4096);
    let (on_screen_tx, on_screen_rx) = watch::channel(Vec::new());
    let cancel = CancellationToken::new();
    let mut controls = Vec::new();
    // Among several accounts, a bounded number of polls at once.
    let budget = (app.store.session().accounts.len() > 1)
        .then(|| std::sync::Arc::new(tokio::sync::Semaphore::new(runner::POLLS_AT_ONCE)));
    let tasks: Vec<_> = setup
        .sources
        .into_iter()
        .map(|mut s| {
            // Distributions are read over the window from the first poll.
            s.control(&crate::source::Control::Window(window));
            let (control_tx, control_rx) = mpsc::unbounded_channel();
            controls.push(control_tx);
            let links = runner::Links {
                events: events_tx.clone(),
                controls: control_rx,
                on_screen: on_screen_rx.clone(),
                cancel: cancel.clone(),
                budget: budget.clone(),
            };
            runner::spawn(s, clock.clone(), links)
        })
        .collect();
    drop(events_tx);
    let sources = crate::app::run::Sources {
        events: events_rx,
        controls,
        on_screen: on_screen_tx,
    };

    tracing::info!(window = %window, sources = tasks.len(), "dashboard started");
    let result = {
        let mut guard = crate::terminal::init().context("cannot start the dashboard")?;
        crate::app::run::run(&mut guard.terminal, &mut app, clock, sources).await
    };
    cancel.cancel();
    for t in tasks {
        if let Err(e) = t.await
            && e.is_panic()
        {
            tracing::error!("a source task panicked: {e}");
        }
    }
    tracing::info!("dashboard stopped");
    result.context("the terminal failed")
}
