//! The dashboard: start the sources, take over the terminal, run the app loop, and give the
//! terminal back however the loop ends.

use anyhow::{Context, Result};
use tokio::sync::{broadcast, mpsc};
use tokio_util::sync::CancellationToken;

use crate::app::{App, AppOptions};
use crate::cli::GlobalArgs;
use crate::clock::SharedClock;
use crate::source::runner;
use crate::store::Window;

pub async fn run(global: &GlobalArgs, clock: SharedClock) -> Result<()> {
    let window = super::window(global, Window::H1)?;
    // A bad theme fails before any AWS call.
    let (theme, fit) = super::theme(global)?;
    let setup = super::setup(global, &clock, true).await?;
    let mut app = App::new(
        setup.store,
        theme,
        AppOptions {
            window,
            thresholds: global.thresholds,
        },
        clock.now(),
    );
    app.theme_fit = fit;
    app.keys = global.keys.clone();

    let (events_tx, events_rx) = mpsc::channel(4096);
    let (commands_tx, _) = broadcast::channel(256);
    let cancel = CancellationToken::new();
    let tasks: Vec<_> = setup
        .sources
        .into_iter()
        .map(|s| {
            runner::spawn(
                s,
                clock.clone(),
                events_tx.clone(),
                commands_tx.subscribe(),
                cancel.clone(),
            )
        })
        .collect();
    drop(events_tx);

    tracing::info!(window = %window, sources = tasks.len(), "dashboard started");
    let result = {
        let mut guard = crate::terminal::init().context("cannot start the dashboard")?;
        crate::app::run::run(&mut guard.terminal, &mut app, clock, events_rx, commands_tx).await
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
