//! The log pane's errors view: the error lines the store holds for what is tailed, grouped by
//! kind (`ErrorFold`), worst first, recomputed when the lines change; Enter narrows the lines
//! to one kind, Esc goes back.

use std::collections::HashSet;

use super::screen::LogsPart;
use super::scroll::Scroll;
use super::{Action, App, Screen};
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
    pub selected: usize,
    pub scroll: Scroll,
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
        self.scroll.set_len(self.groups.len());
        self.selected = self.selected.min(self.groups.len().saturating_sub(1));
        self.scroll.show(self.selected);
    }
}

impl App {
    /// `e`: the errors of the lines held, grouped; from a function's detail, its logs' errors.
    pub(super) fn open_errors(&mut self) {
        if matches!(self.screen, Screen::Detail(_)) {
            self.open_logs(false);
        }
        if let Screen::Logs { part, .. } = &mut self.screen {
            *part = LogsPart::Errors;
            self.errors.selected = 0;
            self.errors.scroll.to_top();
            self.errors.key = None;
        }
        self.recompute();
    }

    pub(super) fn move_error_selection(&mut self, action: Action) {
        let last = self.errors.groups.len().saturating_sub(1);
        let page = self.errors.scroll.page().max(1);
        let s = self.errors.selected;
        self.errors.selected = match action {
            Action::Up => s.saturating_sub(1),
            Action::Down => (s + 1).min(last),
            Action::PageUp => s.saturating_sub(page),
            Action::PageDown => (s + page).min(last),
            Action::Top => 0,
            Action::Bottom => last,
            _ => s,
        };
        self.errors.scroll.show(self.errors.selected);
    }

    /// Enter on a kind: the log pane's lines narrowed to it.
    pub(super) fn open_error_kind(&mut self) {
        let Some(g) = self.errors.groups.get(self.errors.selected) else {
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
        if let Some(g) = self.errors.groups.get(self.errors.selected) {
            let sample = g.sample.clone();
            self.copy("the error's sample".into(), sample);
        }
    }

    /// Esc in the errors view: back to the lines.
    pub(super) fn close_errors(&mut self) {
        if let Screen::Logs { part, .. } = &mut self.screen {
            *part = LogsPart::Lines;
        }
        self.recompute();
    }
}
