//! Owning the terminal: raw mode and the alternate screen on the way in, and a restore that
//! runs on every way out — normal return, error, panic (a hook), and signals (the loop ends
//! cleanly on SIGTERM/SIGHUP/SIGINT and the guard drops). Restoring twice is harmless.

use std::io::{self, IsTerminal, Stdout, stdout};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode,
    enable_raw_mode,
};

pub type Tui = Terminal<CrosstermBackend<Stdout>>;

/// Restores the terminal when dropped.
pub struct TerminalGuard {
    pub terminal: Tui,
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Takes over the terminal. Fails with a clear message when there is none.
pub fn init() -> io::Result<TerminalGuard> {
    if !stdout().is_terminal() || !io::stdin().is_terminal() {
        return Err(io::Error::other(
            "the dashboard needs an interactive terminal; for scripts use `lambdatop snapshot`",
        ));
    }
    install_panic_hook();
    enable_raw_mode()?;
    // Mouse reports too: click selects, the wheel scrolls (Shift+drag still selects text in
    // most terminals).
    if let Err(e) = execute!(stdout(), EnterAlternateScreen, EnableMouseCapture) {
        restore();
        return Err(e);
    }
    match Terminal::new(CrosstermBackend::new(stdout())) {
        Ok(terminal) => Ok(TerminalGuard { terminal }),
        Err(e) => {
            restore();
            Err(e)
        }
    }
}

/// Leaves raw mode, mouse reports and the alternate screen and shows the cursor again.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        stdout(),
        EndSynchronizedUpdate,
        DisableMouseCapture,
        LeaveAlternateScreen,
        Show
    );
}

/// Restore before the panic message is printed, so it lands on a usable screen.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}
