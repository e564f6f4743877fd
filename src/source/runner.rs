//! Runs one `Source` as a tokio task: polls on an interval (missed ticks skipped, never
//! bunched), polls at once on `Command::RefreshNow`, stops on cancellation. Events go to the
//! app loop over a channel, framed by `Status` events that carry the loading state.

use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;

use super::{Command, LoadingState, Source, SourceEvent};
use crate::clock::SharedClock;

pub fn spawn(
    source: Box<dyn Source>,
    clock: SharedClock,
    events: mpsc::Sender<SourceEvent>,
    commands: broadcast::Receiver<Command>,
    cancel: CancellationToken,
) -> JoinHandle<()> {
    tokio::spawn(run(source, clock, events, commands, cancel))
}

pub async fn run(
    mut source: Box<dyn Source>,
    clock: SharedClock,
    events: mpsc::Sender<SourceEvent>,
    mut commands: broadcast::Receiver<Command>,
    cancel: CancellationToken,
) {
    let mut interval = tokio::time::interval(source.cadence());
    interval.set_missed_tick_behavior(MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = interval.tick() => {}
            cmd = commands.recv() => match cmd {
                Ok(command) if source.command(&command) => interval.reset(),
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return,
            },
        }
        if !poll_once(source.as_mut(), &clock, &events, &cancel).await {
            return;
        }
    }
}

/// One poll, with its status events. Returns false when the app has gone away.
async fn poll_once(
    source: &mut dyn Source,
    clock: &SharedClock,
    events: &mpsc::Sender<SourceEvent>,
    cancel: &CancellationToken,
) -> bool {
    let name = source.name().to_string();
    let tracked = source.tracks_status();
    let status = |state| SourceEvent::Status {
        source: name.clone(),
        state,
        at: clock.now(),
    };
    if tracked && events.send(status(LoadingState::Loading)).await.is_err() {
        return false;
    }
    let started = std::time::Instant::now();
    let (mut brought_data, mut reported_problem) = (false, false);
    loop {
        let batch = tokio::select! {
            _ = cancel.cancelled() => return false,
            batch = source.poll(clock.now()) => batch,
        };
        tracing::debug!(
            source = %name,
            events = batch.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "poll part finished"
        );
        for event in &batch {
            match event {
                SourceEvent::Problem { scope, message, .. } => {
                    tracing::warn!(source = %name, %scope, %message, "problem");
                    reported_problem = true;
                }
                SourceEvent::Inventory { .. } | SourceEvent::Metrics(_) | SourceEvent::Logs(_) => {
                    brought_data = true;
                }
                _ => {}
            }
        }
        for event in batch {
            if events.send(event).await.is_err() {
                return false;
            }
        }
        if !source.has_more() {
            break;
        }
    }
    // A poll that brought no data and reported a problem failed: the data age keeps counting.
    let failed = reported_problem && !brought_data;
    let state = if failed {
        LoadingState::Failed
    } else {
        LoadingState::Loaded
    };
    !tracked || events.send(status(state)).await.is_ok()
}
