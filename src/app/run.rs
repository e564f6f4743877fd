//! The app loop: one task owns the app and its store, and waits on terminal input, source
//! events, a one-second tick and signals. Source events are drained in batches; the screen is
//! rendered after each, at most ~30 times a second, and written only when the frame changed
//! (`frame`).

use std::io;
use std::time::Duration;

use futures::StreamExt;
use ratatui::crossterm::event::{Event, EventStream};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, MissedTickBehavior};

use super::App;
use super::frame::{self, Shown};
use crate::clock::SharedClock;
use crate::source::{Control, SourceEvent};
use crate::store::{Changed, FunctionKey};
use crate::terminal::Tui;

const FRAME: Duration = Duration::from_millis(33);
/// How long events are taken in before a frame is drawn and keys are read again: a storm of
/// log lines waits in the channel, not the user.
pub const DRAIN_BUDGET: Duration = Duration::from_millis(10);
/// Figures are recomputed after new data at most this share of the time: a first poll of
/// 30,000 functions pours in for seconds, and recomputing them after every batch (100 ms or
/// more each) left the channel to drain 10 ms in every 110.
const FIGURES_SHARE: u32 = 4;

/// The app's ends of the sources' channels.
pub struct Sources {
    pub events: mpsc::Receiver<SourceEvent>,
    /// Orders, one channel a source: each order reaches every source.
    pub controls: Vec<mpsc::UnboundedSender<Control>>,
    /// What is on screen: only the latest matters.
    pub on_screen: watch::Sender<Vec<FunctionKey>>,
}

/// Runs until the user quits, the terminal goes away or a signal arrives.
pub async fn run(
    terminal: &mut Tui,
    app: &mut App,
    clock: SharedClock,
    sources: Sources,
) -> io::Result<()> {
    let Sources {
        mut events,
        controls,
        on_screen,
    } = sources;
    let mut input = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut sigint = signal(SignalKind::interrupt())?;
    let mut dirty = true;
    // What `:save` and `:export` wrote, said when the file is done.
    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let mut next_frame = Instant::now();
    // New data whose figures are not computed yet, and when they may be next.
    let mut figures_due = false;
    let mut next_figures = Instant::now();
    let mut shown = Shown::default();

    loop {
        if figures_due && Instant::now() >= next_figures {
            let began = Instant::now();
            app.set_now(clock.now());
            figures_due = false;
            next_figures = Instant::now() + began.elapsed() * FIGURES_SHARE;
        }
        if dirty && Instant::now() >= next_frame {
            if frame::draw(terminal, app, &mut shown)? {
                // Only a frame that went out paces the next one.
                next_frame = Instant::now() + FRAME;
            }
            let keys = app.on_screen();
            on_screen.send_if_modified(|shown| {
                let changed = *shown != keys;
                if changed {
                    *shown = keys;
                }
                changed
            });
            dirty = false;
            test_panic_after_first_draw();
        }
        tokio::select! {
            maybe = input.next() => match maybe {
                Some(Ok(Event::Key(key))) => {
                    app.handle_key(key);
                    dirty = true;
                }
                Some(Ok(Event::Mouse(m))) => dirty |= app.handle_mouse(m),
                Some(Ok(Event::Resize(..))) => {
                    terminal.autoresize()?;
                    dirty = true;
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e),
                None => return Ok(()),
            },
            Some(event) = events.recv() => {
                let mut changed = app.store.apply(event);
                // Drain what else is waiting (for a frame's share of time at most), then
                // recompute the figures once, if they changed: a problem, a status or the API
                // usage is drawn as the store has it.
                let began = std::time::Instant::now();
                while began.elapsed() < DRAIN_BUDGET
                    && let Ok(event) = events.try_recv()
                {
                    changed = changed.max(app.store.apply(event));
                }
                figures_due |= changed >= Changed::Logs;
                dirty |= changed >= Changed::Status;
            }
            Some(said) = done_rx.recv() => {
                app.say(said);
                dirty = true;
            }
            _ = tick.tick() => {
                app.set_now(clock.now());
                dirty = true;
            }
            _ = tokio::time::sleep_until(next_frame), if dirty => {}
            _ = tokio::time::sleep_until(next_figures), if figures_due => dirty = true,
            _ = sigterm.recv() => return Ok(()),
            _ = sighup.recv() => return Ok(()),
            _ = sigint.recv() => return Ok(()),
        }
        for order in app.take_files() {
            let done = done_tx.clone();
            tokio::task::spawn_blocking(move || {
                let _ = done.send(order.write());
            });
        }
        if let Some(text) = app.take_clipboard() {
            crate::terminal::copy_to_clipboard(terminal.backend_mut(), &text)?;
        }
        for control in app.take_controls() {
            for source in &controls {
                // A source that has stopped needs no orders.
                let _ = source.send(control.clone());
            }
        }
        if app.should_quit() {
            return Ok(());
        }
    }
}

/// Debug builds only: `LAMBDATOP_TEST_PANIC=1` panics after the first frame, to prove that a
/// panic restores the terminal.
#[cfg(debug_assertions)]
fn test_panic_after_first_draw() {
    if std::env::var_os("LAMBDATOP_TEST_PANIC").is_some() {
        panic!("LAMBDATOP_TEST_PANIC is set: panicking on purpose after the first frame");
    }
}

#[cfg(not(debug_assertions))]
fn test_panic_after_first_draw() {}
