//! The log pane's Logs Insights view: `:insights QUERY|NAME` runs a query over the logs of
//! what the pane shows (a function, a project, a minute picked) for the window, and shows its
//! answer as a table once the tail hands it in. The queries are numbered, so an answer to an
//! older one is never shown for a newer.

use chrono::{DateTime, Utc};

use crate::app::list::{List, Step};
use crate::source::{Control, TailTarget};
use crate::store::Store;
use crate::store::insights::{InsightsResult, query_text};
use crate::view::InsightsView;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogInsights {
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

impl LogInsights {
    /// Query number `seq`: `asked` (a query, or the name of one of `queries`) over
    /// `from_ms..to_ms`, asked at `now`; and the order that runs it.
    pub fn ask(
        seq: u64,
        asked: String,
        queries: &[(String, String)],
        (from_ms, to_ms): (i64, i64),
        now: DateTime<Utc>,
    ) -> (LogInsights, Control) {
        let query = query_text(queries, &asked);
        let run = Control::Insights {
            seq,
            query: query.clone(),
            from_ms,
            to_ms,
        };
        let pane = LogInsights {
            seq,
            asked,
            query,
            from_ms,
            to_ms,
            asked_ms: now.timestamp_millis(),
            ..LogInsights::default()
        };
        (pane, run)
    }

    /// The answer to the query shown, once the tail has handed it in.
    pub fn answer<'a>(&self, store: &'a Store) -> Option<&'a InsightsResult> {
        store
            .insights()
            .filter(|r| self.seq > 0 && r.seq == self.seq)
    }

    /// Keeps the selection on the rows of the answer shown.
    pub(super) fn follow_store(&mut self, store: &Store) {
        let rows = self.answer(store).and_then(|r| r.answer.as_ref());
        self.list.set_len(rows.map_or(0, |a| a.rows.len()));
    }

    pub(super) fn step(&mut self, step: Step, store: &Store) {
        self.follow_store(store);
        self.list.step(step);
    }

    pub(super) fn drawn(&mut self, rows: usize) {
        self.list.set_page(rows);
    }

    /// The selected row as `field=value` pairs, for the clipboard.
    pub(super) fn selected_row(&self, store: &Store) -> Option<String> {
        let a = self.answer(store)?.answer.as_ref()?;
        let row = a.rows.get(self.list.selected())?;
        let text: Vec<String> = a
            .fields
            .iter()
            .zip(row)
            .filter(|(_, v)| !v.is_empty())
            .map(|(f, v)| format!("{f}={v}"))
            .collect();
        Some(text.join("\t"))
    }

    pub(super) fn view<'a>(
        &'a self,
        target: &'a TailTarget,
        store: &'a Store,
        now: DateTime<Utc>,
    ) -> InsightsView<'a> {
        InsightsView {
            label: &target.label,
            asked: &self.asked,
            query: &self.query,
            from_ms: self.from_ms,
            to_ms: self.to_ms,
            waited_secs: (now.timestamp_millis() - self.asked_ms).max(0) / 1000,
            result: self.answer(store),
            selected: self.list.selected(),
            offset: self.list.offset(),
        }
    }
}
