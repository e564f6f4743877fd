//! `Scroll`: a window of `page` rows over `len`, whose first row keeps itself in range on every
//! move. Every list (`list::List`), the log pane and the help scroll with it, so no limit is
//! ever applied while drawing and no key is lost past an end.

use super::list::Step;

/// The first row shown of `len`, `page` at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scroll {
    offset: usize,
    page: usize,
    len: usize,
}

impl Default for Scroll {
    /// Ten rows a page until a frame says how many fit.
    fn default() -> Self {
        Self {
            offset: 0,
            page: 10,
            len: 0,
        }
    }
}

impl Scroll {
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Rows a page: what the last frame showed (at least one).
    pub fn page(&self) -> usize {
        self.page
    }

    /// The furthest first row: the last page shows the last row at its foot.
    pub fn max_offset(&self) -> usize {
        self.len.saturating_sub(self.page)
    }

    /// Rows in all.
    pub fn rows(&self) -> usize {
        self.len
    }

    pub fn at_end(&self) -> bool {
        self.offset >= self.max_offset()
    }

    pub fn set_len(&mut self, len: usize) {
        self.len = len;
        self.clamp();
    }

    pub fn set_page(&mut self, page: usize) {
        self.page = page.max(1);
        self.clamp();
    }

    pub fn set_offset(&mut self, offset: usize) {
        self.offset = offset;
        self.clamp();
    }

    /// Moves the first row by `rows` (negative: up).
    pub fn by(&mut self, rows: isize) {
        self.set_offset(self.offset.saturating_add_signed(rows));
    }

    pub fn to_top(&mut self) {
        self.offset = 0;
    }

    pub fn to_end(&mut self) {
        self.offset = self.max_offset();
    }

    /// Moves text that has no selection (the help, an opened line) as a movement key asks.
    pub fn step(&mut self, step: Step) {
        let page = self.page as isize;
        match step {
            Step::Up => self.by(-1),
            Step::Down => self.by(1),
            Step::PageUp => self.by(-page),
            Step::PageDown => self.by(page),
            Step::Top => self.to_top(),
            Step::Bottom => self.to_end(),
        }
    }

    /// Scrolls as little as possible to bring row `i` into view.
    pub fn show(&mut self, i: usize) {
        if i < self.offset {
            self.offset = i;
        } else if i >= self.offset + self.page {
            self.offset = i + 1 - self.page;
        }
        self.clamp();
    }

    fn clamp(&mut self) {
        self.offset = self.offset.min(self.max_offset());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_row_stays_in_range_whatever_the_moves() {
        let mut s = Scroll::default();
        s.set_page(10);
        s.set_len(25);
        s.by(100);
        assert_eq!(s.offset(), 15, "past the end stops at the last page");
        s.by(-1);
        assert_eq!(s.offset(), 14, "and one step back moves at once");
        s.by(-100);
        assert_eq!(s.offset(), 0);
        s.show(12);
        assert_eq!(s.offset(), 3, "the least scroll that shows row 12");
        s.set_len(5);
        assert_eq!(s.offset(), 0, "a shorter list pulls it back");
        s.set_page(0);
        assert_eq!(s.page(), 1);
    }
}
