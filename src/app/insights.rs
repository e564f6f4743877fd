//! The log pane's Logs Insights view: `:insights QUERY|NAME` runs a query over the logs of
//! what the pane shows (a function, a project, a minute picked) for the window, and shows its
//! answer as a table once the tail hands it in. The queries are numbered, so an answer to an
//! older one is never shown for a newer.

use super::list::{List, Step};
use super::screen::LogsPart;
use super::{App, Screen};
use crate::source::Control;
use crate::store::insights::query_text;

#[derive(Debug, Clone, Default)]
pub struct InsightsPane {
    /// The number of the query shown; 0: none asked yet.
    pub seq: u64,
    /// What was typed (a name or a query), and the query it stands for.
    pub asked: String,
    pub query: String,
    pub from_ms: i64,
    pub to_ms: i64,
    /// When it was asked, for the pane to say how long it has run.
    pub asked_ms: i64,
    pub list: List,
}

impl InsightsPane {
    /// Keeps the selection on the rows of the answer shown.
    pub(super) fn follow_rows(&mut self, rows: usize) {
        self.list.set_len(rows);
    }
}

impl App {
    /// `:insights QUERY|NAME` (none: the last query again) over the logs shown, or the
    /// selected function's from the fleet or a detail.
    pub(super) fn run_insights(&mut self, asked: Option<String>) {
        let asked = match asked {
            Some(a) => a,
            None if self.insights.seq > 0 => self.insights.asked.clone(),
            None => {
                let names: Vec<&str> = self
                    .options
                    .queries
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect();
                self.effects.say(format!(
                    ":insights needs a query or one of: {}",
                    names.join(", ")
                ));
                return;
            }
        };
        if !matches!(self.screen, Screen::Logs { .. }) {
            self.open_logs(false);
        }
        let Screen::Logs { target, part, .. } = &mut self.screen else {
            self.effects
                .say("no function selected to query the logs of");
            return;
        };
        let now_ms = self.now.timestamp_millis();
        // The minute picked, else the window: the last minutes, or those of a window past.
        let (from_ms, to_ms) = target.range_ms.unwrap_or_else(|| match self.window.end() {
            None => (now_ms - i64::from(self.window.minutes()) * 60_000, now_ms),
            Some(_) => {
                let r = self.figures.stats().range;
                (r.first.start_ms(), r.last_minute().ms_range().1)
            }
        });
        *part = LogsPart::Insights;
        let query = query_text(&self.options.queries, &asked);
        self.insights = InsightsPane {
            seq: self.insights.seq + 1,
            asked,
            query: query.clone(),
            from_ms,
            to_ms,
            asked_ms: now_ms,
            ..InsightsPane::default()
        };
        self.effects.send(Control::Insights {
            seq: self.insights.seq,
            query,
            from_ms,
            to_ms,
        });
        self.recompute();
    }

    /// The answer to the query shown, once it is in the store.
    pub fn insights_answer(&self) -> Option<&crate::store::insights::InsightsResult> {
        self.store
            .insights()
            .filter(|r| self.insights.seq > 0 && r.seq == self.insights.seq)
    }

    pub(super) fn move_insights_selection(&mut self, step: Step) {
        let rows = self
            .insights_answer()
            .and_then(|r| r.answer.as_ref())
            .map_or(0, |a| a.rows.len());
        self.insights.follow_rows(rows);
        self.insights.list.step(step);
    }

    /// `y` on a row: its fields as `field=value`, tab-separated, as a shell pastes them.
    pub(super) fn copy_insights_row(&mut self) {
        let Some(a) = self.insights_answer().and_then(|r| r.answer.as_ref()) else {
            return;
        };
        let Some(row) = a.rows.get(self.insights.list.selected()) else {
            return;
        };
        let text: Vec<String> = a
            .fields
            .iter()
            .zip(row)
            .filter(|(_, v)| !v.is_empty())
            .map(|(f, v)| format!("{f}={v}"))
            .collect();
        self.effects.copy("the row", text.join("\t"));
    }
}
