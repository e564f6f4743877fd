//! The movement keys' one meaning in every list, and `List`, the selected row and scroll every
//! list and table of the app keeps. A list whose selection is a name or a key rather than a row
//! (the fleet table, the projects) moves with `Step::from` and scrolls with its own `Scroll`;
//! text that has no selection (the help, an opened line) scrolls with `Scroll::step`.

use super::Action;
use super::scroll::Scroll;

/// A movement key: ↑ ↓ PgUp PgDn Home End, whatever they are bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
}

impl Step {
    /// The movement an action asks for, if it is one.
    pub fn of(action: Action) -> Option<Step> {
        Some(match action {
            Action::Up => Step::Up,
            Action::Down => Step::Down,
            Action::PageUp => Step::PageUp,
            Action::PageDown => Step::PageDown,
            Action::Top => Step::Top,
            Action::Bottom => Step::Bottom,
            _ => return None,
        })
    }

    /// The row a selection at `current` moves to, in a list of `len` rows shown `page` at a
    /// time; `None` in an empty list. It never leaves the list, whatever `current` was.
    pub fn from(self, current: usize, len: usize, page: usize) -> Option<usize> {
        let last = len.checked_sub(1)?;
        let page = page.max(1);
        Some(
            match self {
                Step::Up => current.saturating_sub(1),
                Step::Down => current.saturating_add(1),
                Step::PageUp => current.saturating_sub(page),
                Step::PageDown => current.saturating_add(page),
                Step::Top => 0,
                Step::Bottom => last,
            }
            .min(last),
        )
    }
}

/// A list's selected row and its scroll: the selection stays on a row and in view whatever
/// the keys, the data or the frame's size do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct List {
    selected: usize,
    scroll: Scroll,
}

impl List {
    pub fn selected(&self) -> usize {
        self.selected
    }

    /// The first row shown.
    pub fn offset(&self) -> usize {
        self.scroll.offset()
    }

    /// The list now has `len` rows.
    pub fn set_len(&mut self, len: usize) {
        self.scroll.set_len(len);
        self.select(self.selected);
    }

    /// A frame showed `rows` of it at once: the size of a page.
    pub fn set_page(&mut self, rows: usize) {
        self.scroll.set_page(rows);
        self.scroll.show(self.selected);
    }

    pub fn step(&mut self, step: Step) {
        if let Some(row) = step.from(self.selected, self.scroll.rows(), self.scroll.page()) {
            self.select(row);
        }
    }

    /// Selects `row` (the last one past the end) and scrolls as little as shows it.
    pub fn select(&mut self, row: usize) {
        self.selected = row.min(self.scroll.rows().saturating_sub(1));
        self.scroll.show(self.selected);
    }

    /// Back to the first row, at the top.
    pub fn reset(&mut self) {
        self.selected = 0;
        self.scroll.to_top();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_keeps_the_selection_on_a_row_and_in_view() {
        let mut l = List::default();
        l.set_len(25);
        l.set_page(10);
        l.step(Step::PageDown);
        assert_eq!((l.selected(), l.offset()), (10, 1));
        l.step(Step::Bottom);
        assert_eq!((l.selected(), l.offset()), (24, 15));
        l.step(Step::Down);
        assert_eq!(l.selected(), 24, "past the end stays on the last row");
        l.step(Step::Up);
        assert_eq!(
            (l.selected(), l.offset()),
            (23, 15),
            "and one step back moves at once"
        );
        l.step(Step::PageUp);
        assert_eq!((l.selected(), l.offset()), (13, 13));
        l.set_len(5);
        assert_eq!(
            (l.selected(), l.offset()),
            (4, 0),
            "a shorter list pulls it back"
        );
        l.step(Step::Top);
        assert_eq!(l.selected(), 0);
        l.set_len(0);
        l.step(Step::PageDown);
        assert_eq!(
            (l.selected(), l.offset()),
            (0, 0),
            "an empty list has nowhere to go"
        );
        assert_eq!(Step::Down.from(7, 0, 10), None);
        assert_eq!(Step::of(Action::Quit), None);
    }
}
