//! The app loop: one task owns the app and its store, and waits on terminal input, source
//! events, a one-second tick and signals. Source events are drained in batches; the screen is
//! rendered after each, at most ~30 times a second, and written only when the frame changed
//! (`frame`).

use std::io;
use std::time::Duration;

use futures::StreamExt;
use ratatui::crossterm::event::{Event, EventStream};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::{broadcast, mpsc};
use tokio::time::{Instant, MissedTickBehavior};

use super::App;
use super::frame::{self, Shown};
use crate::clock::SharedClock;
use crate::source::{Command, SourceEvent};
use crate::terminal::Tui;

const FRAME: Duration = Duration::from_millis(33);

/// Runs until the user quits, the terminal goes away or a signal arrives.
pub async fn run(
    terminal: &mut Tui,
    app: &mut App,
    clock: SharedClock,
    mut events: mpsc::Receiver<SourceEvent>,
    commands: broadcast::Sender<Command>,
) -> io::Result<()> {
    let mut input = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut sigint = signal(SignalKind::interrupt())?;
    let mut dirty = true;
    let mut next_frame = Instant::now();
    let mut shown = Shown::default();

    loop {
        if dirty && Instant::now() >= next_frame {
            if frame::draw(terminal, app, &mut shown)? {
                // Only a frame that went out paces the next one.
                next_frame = Instant::now() + FRAME;
            }
            app.note_on_screen();
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
                app.store.apply(event);
                // Drain what else is waiting, then recompute the view once.
                while let Ok(event) = events.try_recv() {
                    app.store.apply(event);
                }
                app.set_now(clock.now());
                dirty = true;
            }
            _ = tick.tick() => {
                app.set_now(clock.now());
                dirty = true;
            }
            _ = tokio::time::sleep_until(next_frame), if dirty => {}
            _ = sigterm.recv() => return Ok(()),
            _ = sighup.recv() => return Ok(()),
            _ = sigint.recv() => return Ok(()),
        }
        send_commands(app, &commands);
        if app.should_quit() {
            return Ok(());
        }
    }
}

fn send_commands(app: &mut App, commands: &broadcast::Sender<Command>) {
    for command in app.take_commands() {
        let _ = commands.send(command);
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
