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

/// Puts `text` on the clipboard of the terminal the user sits at, through OSC 52, which
/// terminals (and tmux with `set-clipboard on`) honour over SSH too. Only lambdatop writes
/// this sequence: the text travels base64-encoded, so nothing in it can act on the terminal.
pub fn copy_to_clipboard(out: &mut impl io::Write, text: &str) -> io::Result<()> {
    write!(out, "\x1b]52;c;{}\x07", base64(text.as_bytes()))?;
    out.flush()
}

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Restore before the panic message is printed, so it lands on a usable screen.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clipboard_gets_base64_in_one_osc_52() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"hello\x1b]"), "aGVsbG8bXQ==");
        let mut out = Vec::new();
        copy_to_clipboard(&mut out, "id-1").unwrap();
        assert_eq!(out, b"\x1b]52;c;aWQtMQ==\x07");
    }
}
