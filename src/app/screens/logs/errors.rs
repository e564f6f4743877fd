//! The log pane's errors view: the error lines the store holds for what is tailed, grouped by
//! kind (`ErrorFold`), worst first, recomputed when the lines change; Enter narrows the lines
//! to one kind, Esc goes back.

use std::collections::HashSet;

use crate::app::list::{List, Step};
use crate::logtext::errors::{error_text, fingerprint, is_error};
use crate::source::TailTarget;
use crate::store::error_groups::{ErrorFold, ErrorGroup};
use crate::store::logs::LogLine;
use crate::store::{FunctionKey, Store};
use crate::view::ErrorsView;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogErrors {
    pub groups: Vec<ErrorGroup>,
    /// Lines looked at, and the oldest one's time.
    pub lines: u64,
    pub from_ms: Option<i64>,
    pub list: List,
    /// What the groups were computed for: the store's lines and the target.
    key: Option<(u64, String)>,
}

/// One kind of error of one function: the log pane shows only its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorKind {
    pub function: FunctionKey,
    pub fingerprint: String,
}

impl ErrorKind {
    pub fn matches(&self, line: &LogLine, words: &[String]) -> bool {
        line.function == self.function
            && is_error(&line.text, words)
            && fingerprint(&error_text(&line.text)) == self.fingerprint
    }
}

impl LogErrors {
    /// Groups the lines held for `target` again when they changed.
    pub(super) fn follow_store(&mut self, store: &Store, target: &TailTarget, words: &[String]) {
        let key = (store.logs().version(), target.label.clone());
        if self.key.as_ref() == Some(&key) {
            return;
        }
        let wanted: HashSet<&FunctionKey> = target.functions.iter().collect();
        let lines: Vec<&LogLine> = store
            .logs()
            .lines()
            .iter()
            .filter(|l| wanted.contains(&l.function))
            .collect();
        self.from_ms = lines.first().map(|l| l.at_ms);
        let from = self.from_ms.unwrap_or(0);
        let to = lines.last().map_or(from, |l| l.at_ms);
        let mut fold = ErrorFold::new(from, to, words.to_vec());
        for l in &lines {
            fold.add(&l.function, l.at_ms, &l.text);
        }
        self.lines = fold.lines;
        self.groups = fold.finish(|k| {
            store
                .function(k)?
                .facts
                .last_modified
                .map(|t| t.timestamp_millis())
        });
        self.key = Some(key);
        self.list.set_len(self.groups.len());
    }

    /// Opened afresh: the first kind, folded again.
    pub(super) fn reset(&mut self) {
        self.list.reset();
        self.key = None;
    }
}

impl LogErrors {
    pub(super) fn step(&mut self, step: Step) {
        self.list.step(step);
    }

    /// The kind selected, for the lines to narrow to.
    pub(super) fn selected_kind(&self) -> Option<ErrorKind> {
        let g = self.groups.get(self.list.selected())?;
        Some(ErrorKind {
            function: g.function.clone(),
            fingerprint: g.fingerprint.clone(),
        })
    }

    /// The selected kind's sample, for the clipboard.
    pub(super) fn sample(&self) -> Option<String> {
        Some(self.groups.get(self.list.selected())?.sample.clone())
    }

    pub(super) fn drawn(&mut self, rows: usize) {
        self.list.set_page(rows);
    }

    pub(super) fn view<'a>(&'a self, target: &'a TailTarget) -> ErrorsView<'a> {
        ErrorsView {
            label: &target.label,
            groups: &self.groups,
            selected: self.list.selected(),
            offset: self.list.offset(),
            lines: self.lines,
            from_ms: self.from_ms,
            several: target.functions.len() > 1,
        }
    }
}
