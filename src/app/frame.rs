//! Drawing a frame, only when it differs from the one on screen. The app redraws on every tick
//! and event; a frame equal to the last one writes nothing at all, so an idle dashboard costs
//! an SSH session no bytes. A changed frame goes out as ratatui's cell diff, wrapped in a
//! synchronized update so the terminal shows it whole.

use std::io::{self, Write};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::queue;
use ratatui::crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};

use super::App;
use crate::ui;

/// What the terminal shows now, as far as this process wrote it.
#[derive(Debug, Default)]
pub struct Shown {
    frame: Option<Buffer>,
}

/// Renders the app and writes what changed; returns whether anything was written.
pub fn draw<W: Write>(
    terminal: &mut Terminal<CrosstermBackend<W>>,
    app: &mut App,
    shown: &mut Shown,
) -> io::Result<bool> {
    terminal.autoresize()?;
    render(terminal, app);
    let buffer = terminal.current_buffer_mut();
    if shown.frame.as_ref() == Some(&*buffer) {
        // Left as it is, the next render would start from this frame instead of a blank one.
        buffer.reset();
        return Ok(false);
    }
    shown.frame = Some(buffer.clone());
    queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    terminal.flush()?;
    terminal.hide_cursor()?;
    terminal.swap_buffers();
    queue!(terminal.backend_mut(), EndSynchronizedUpdate)?;
    terminal.backend_mut().flush()?;
    Ok(true)
}

/// Renders the app and writes it whole, diffed by ratatui alone: for off-screen terminals
/// (screenshots, tests).
pub fn draw_all<B: ratatui::backend::Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
) -> Result<(), B::Error> {
    terminal.autoresize()?;
    render(terminal, app);
    terminal.flush()?;
    terminal.swap_buffers();
    terminal.backend_mut().flush()
}

/// Renders the app into the terminal's buffer and gives the app what the panes drew. When that
/// moves what is shown (a new size changes a page), the frame is rendered once more, so what
/// goes out already follows it.
pub fn render<B: ratatui::backend::Backend>(terminal: &mut Terminal<B>, app: &mut App) {
    for _ in 0..2 {
        let mut frame = terminal.get_frame();
        let drawn = ui::draw(&mut frame, &app.view(), &app.theme);
        if !app.set_drawn(drawn) {
            return;
        }
        terminal.current_buffer_mut().reset();
    }
}
