//! The frame every list pane draws in (alarms, the log pane's errors and invocations): a
//! focused block under the pane's title, the rows that fit between its border and header from
//! the first one shown, the selected row marked, and where they are at its foot ("1-20 of 85");
//! an empty list says why in the middle of it.

use std::ops::Range;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table};

use super::theme::Theme;
use crate::view::TableDrawn;

pub struct ListFrame<'a> {
    area: Rect,
    block: Block<'a>,
    /// The first row asked for, and the rows shown from it of `len`.
    first: usize,
    shown: Range<usize>,
    len: usize,
    /// Rows between the border and the header.
    room: usize,
}

impl<'a> ListFrame<'a> {
    /// A list of `len` rows shown from row `first` in `area`, titled `title`.
    pub fn new(area: Rect, title: Line<'a>, first: usize, len: usize, t: &Theme) -> Self {
        let room = usize::from(area.height.saturating_sub(3));
        let from = first.min(len);
        Self {
            area,
            block: Block::new()
                .borders(Borders::ALL)
                .border_style(t.border_focused)
                .title(super::wrap::title(title, area.width)),
            first,
            shown: from..len.min(from + room),
            len,
            room,
        }
    }

    /// The rows to draw: their indices in the list.
    pub fn shown(&self) -> Range<usize> {
        self.shown.clone()
    }

    /// The width inside the border.
    pub fn width(&self) -> u16 {
        self.area.width.saturating_sub(2)
    }

    /// A row's style: `base`, marked when it is the `selected` one.
    pub fn style(base: Style, row: usize, selected: usize, t: &Theme) -> Style {
        if row == selected {
            base.patch(t.selected)
        } else {
            base
        }
    }

    /// What was drawn, for page keys and clicks.
    fn drawn(&self) -> TableDrawn {
        TableDrawn {
            area: self.area,
            first: self.first,
            rows: self.room.max(1),
        }
    }

    /// An empty list: `why`, muted, in the middle of the frame.
    pub fn empty(self, frame: &mut Frame, why: &str, t: &Theme) -> TableDrawn {
        let p = Paragraph::new(Line::styled(why.to_string(), t.muted))
            .alignment(Alignment::Center)
            .block(self.block.clone());
        frame.render_widget(p, self.area);
        self.drawn()
    }

    /// The `rows` shown under `header`, in columns of `widths`.
    pub fn draw(
        self,
        frame: &mut Frame,
        header: Row<'a>,
        rows: Vec<Row<'a>>,
        widths: &[u16],
        t: &Theme,
    ) -> TableDrawn {
        let position = format!(
            " {}-{} of {} ",
            self.shown.start + 1,
            self.shown.end,
            self.len
        );
        let widths: Vec<Constraint> = widths.iter().map(|w| Constraint::Length(*w)).collect();
        let table = Table::new(rows, widths)
            .header(header)
            .column_spacing(1)
            .block(
                self.block
                    .clone()
                    .title_bottom(Line::styled(position, t.muted).right_aligned()),
            )
            .style(t.text);
        frame.render_widget(table, self.area);
        self.drawn()
    }
}
