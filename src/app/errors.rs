//! The log pane's errors view: the error lines the store holds for what is tailed, grouped by
//! kind (`ErrorFold`), worst first, recomputed when the lines change; Enter narrows the lines
//! to one kind, Esc goes back.

use std::collections::HashSet;

use super::list::{List, Step};
use super::screen::LogsPart;
use super::{App, Screen};
use crate::logtext::errors::{error_text, fingerprint, is_error};
use crate::store::error_groups::{ErrorFold, ErrorGroup};
use crate::store::logs::LogLine;
use crate::store::{FunctionKey, Store};

#[derive(Debug, Clone, Default)]
pub struct ErrorsPane {
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

impl ErrorsPane {
    pub(super) fn follow_store(&mut self, store: &Store, screen: &Screen, words: &[String]) {
        let Screen::Logs {
            target,
            part: LogsPart::Errors,
            ..
        } = screen
        else {
            return;
        };
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

impl App {
    pub(super) fn move_error_selection(&mut self, step: Step) {
        self.errors.list.step(step);
    }

    /// Enter on a kind: the log pane's lines narrowed to it.
    pub(super) fn open_error_kind(&mut self) {
        let Some(g) = self.errors.groups.get(self.errors.list.selected()) else {
            return;
        };
        self.logs.kind = Some(ErrorKind {
            function: g.function.clone(),
            fingerprint: g.fingerprint.clone(),
        });
        if let Screen::Logs { part, .. } = &mut self.screen {
            *part = LogsPart::Lines;
        }
        self.logs.selected = None;
        self.logs.following = true;
        self.recompute();
    }

    /// `y` in the errors view: the kind's sample to the clipboard.
    pub(super) fn copy_error_sample(&mut self) {
        if let Some(g) = self.errors.groups.get(self.errors.list.selected()) {
            let sample = g.sample.clone();
            self.effects.copy("the error's sample", sample);
        }
    }
}
