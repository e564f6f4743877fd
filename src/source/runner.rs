//! Runs one `Source` as a tokio task: polls on an interval (missed ticks skipped, never
//! bunched), at once on `Control::PollNow`, and stops on cancellation. Events go to the app
//! loop over a channel, framed by `Status` events that carry the loading state.
//!
//! Two channels come from the app, each with the guarantee its messages need: orders
//! (`Control`: poll now, tail this) on an unbounded channel of the source's own, so none is
//! lost; and what is on screen on a `watch` channel, where only the latest matters. A source
//! whose polls may be cut (the tail) carries out an order at once, dropping the poll under way;
//! the others carry it out when the poll ends.

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;

use super::{Control, LoadingState, Source, SourceEvent};
use crate::clock::SharedClock;
use crate::store::FunctionKey;

/// What ties a source to the app loop.
pub struct Links {
    pub events: mpsc::Sender<SourceEvent>,
    pub controls: mpsc::UnboundedReceiver<Control>,
    pub on_screen: watch::Receiver<Vec<FunctionKey>>,
    pub cancel: CancellationToken,
}

pub fn spawn(source: Box<dyn Source>, clock: SharedClock, links: Links) -> JoinHandle<()> {
    tokio::spawn(run(source, clock, links))
}

/// How a poll ended.
enum Polled {
    Done,
    /// An order arrived while it ran, and cut it short.
    Cut(Control),
    /// The app has gone away.
    Gone,
}

pub async fn run(mut source: Box<dyn Source>, clock: SharedClock, mut links: Links) {
    let mut interval = tokio::time::interval(source.cadence());
    interval.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut pending: Option<Control> = None;
    loop {
        if let Some(control) = pending.take() {
            if !source.control(&control) {
                continue;
            }
            interval.reset();
        } else {
            tokio::select! {
                _ = links.cancel.cancelled() => return,
                _ = interval.tick() => {}
                control = links.controls.recv() => match control {
                    Some(c) => {
                        pending = Some(c);
                        continue;
                    }
                    None => return,
                },
                Ok(()) = links.on_screen.changed() => {
                    source.watch(&links.on_screen.borrow_and_update());
                    continue;
                }
            }
        }
        match poll_once(source.as_mut(), &clock, &mut links).await {
            Polled::Done => {}
            Polled::Cut(c) => pending = Some(c),
            Polled::Gone => return,
        }
    }
}

/// One poll, with its status events.
async fn poll_once(source: &mut dyn Source, clock: &SharedClock, links: &mut Links) -> Polled {
    let name = source.name().to_string();
    let tracked = source.tracks_status();
    let may_be_cut = source.polls_may_be_cut();
    let status = |state| SourceEvent::Status {
        source: name.clone(),
        state,
        at: clock.now(),
    };
    if tracked
        && links
            .events
            .send(status(LoadingState::Loading))
            .await
            .is_err()
    {
        return Polled::Gone;
    }
    let started = std::time::Instant::now();
    let (mut brought_data, mut reported_problem) = (false, false);
    loop {
        // The poll's future is dropped when this ends, whichever way.
        let outcome = tokio::select! {
            _ = links.cancel.cancelled() => return Polled::Gone,
            batch = source.poll(clock.now()) => Ok(batch),
            Some(c) = links.controls.recv(), if may_be_cut => Err(c),
        };
        let batch = match outcome {
            Ok(batch) => batch,
            Err(control) => {
                tracing::debug!(source = %name, "poll cut short by an order");
                return Polled::Cut(control);
            }
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
            if links.events.send(event).await.is_err() {
                return Polled::Gone;
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
    if tracked && links.events.send(status(state)).await.is_err() {
        return Polled::Gone;
    }
    Polled::Done
}
