//! The help overlay: every key of the screen under it, scrolled with the movement keys; Esc or
//! `?` closes it. It lies over a screen rather than replacing it (`Mode::Help`), so the
//! footer under it keeps that screen's keys.

use super::Go;
use crate::app::Action;
use crate::app::list::Step;
use crate::app::scroll::Scroll;
use crate::view::{HelpSection, HelpView};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Help {
    scroll: Scroll,
}

impl Help {
    pub fn open() -> Help {
        Help::default()
    }

    /// `Go::Back` closes it; `Go::Pass` is the app's (quit).
    pub fn on(&mut self, action: Action) -> Go {
        match action {
            Action::Back | Action::ToggleHelp => Go::Back,
            Action::Quit => Go::Pass,
            _ => {
                if let Some(step) = Step::of(action) {
                    self.scroll.step(step);
                }
                Go::Stay
            }
        }
    }

    /// The frame drew `rows` lines of help, `visible` at a time.
    pub fn drawn(&mut self, rows: usize, visible: usize) {
        self.scroll.set_len(rows);
        self.scroll.set_page(visible);
    }

    pub fn view<'a>(&self, sections: &'a [HelpSection]) -> HelpView<'a> {
        HelpView {
            sections,
            scroll: self.scroll.offset(),
        }
    }
}
