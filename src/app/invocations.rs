//! The log pane's invocations view: the requests read from the lines held for what is tailed,
//! recomputed when the lines change, by start or slowest first, the failures alone on request.
//! Enter narrows the lines to one request and asks the tail for all of its lines.

use std::collections::HashSet;

use super::list::{List, Step};
use super::screen::LogsPart;
use super::{App, Screen};
use crate::source::Control;
use crate::store::invocations::{Invocation, invocations};
use crate::store::{FunctionKey, Store};

#[derive(Debug, Clone, Default)]
pub struct InvocationsPane {
    pub rows: Vec<Invocation>,
    /// Indices into `rows` in the order shown (failures only, slowest first, if asked).
    pub order: Vec<usize>,
    pub only_failures: bool,
    pub by_duration: bool,
    pub list: List,
    key: Option<(u64, String, bool, bool)>,
}

/// One request of one function: the log pane shows only its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub function: FunctionKey,
    pub id: String,
}

impl InvocationsPane {
    pub(super) fn follow_store(&mut self, store: &Store, screen: &Screen, words: &[String]) {
        let Screen::Logs {
            target,
            part: LogsPart::Invocations,
            ..
        } = screen
        else {
            return;
        };
        let key = (
            store.logs().version(),
            target.label.clone(),
            self.only_failures,
            self.by_duration,
        );
        if self.key.as_ref() == Some(&key) {
            return;
        }
        let wanted: HashSet<&FunctionKey> = target.functions.iter().collect();
        self.rows = invocations(
            store
                .logs()
                .lines()
                .iter()
                .filter(|l| wanted.contains(&l.function)),
            words,
        );
        self.order = (0..self.rows.len())
            .filter(|&i| !self.only_failures || self.rows[i].status.failed())
            .collect();
        if self.by_duration {
            let rows = &self.rows;
            self.order.sort_by(|&a, &b| {
                let d = |i: usize| rows[i].duration_ms.unwrap_or(f64::INFINITY);
                d(b).total_cmp(&d(a))
            });
        } else {
            // Newest at the top, as the reader looks for what just happened.
            self.order.reverse();
        }
        self.key = Some(key);
        self.list.set_len(self.order.len());
    }

    /// Opened afresh: the first request, read again from the lines.
    pub(super) fn reset(&mut self) {
        self.list.reset();
        self.key = None;
    }

    fn current(&self) -> Option<&Invocation> {
        self.rows.get(*self.order.get(self.list.selected())?)
    }
}

impl App {
    pub(super) fn move_invocation_selection(&mut self, step: Step) {
        self.invocations.list.step(step);
    }

    pub(super) fn toggle_failures_only(&mut self) {
        self.invocations.only_failures = !self.invocations.only_failures;
        self.invocations.list.reset();
        self.recompute();
    }

    pub(super) fn toggle_invocation_sort(&mut self) {
        self.invocations.by_duration = !self.invocations.by_duration;
        self.invocations.list.reset();
        self.recompute();
    }

    /// Enter on a request: the lines narrowed to it, and all of its lines asked for.
    pub(super) fn open_request(&mut self) {
        let Some(inv) = self.invocations.current() else {
            return;
        };
        let request = Request {
            function: inv.function.clone(),
            id: inv.request_id.clone(),
        };
        self.effects.send(Control::ReadRequest {
            function: request.function.clone(),
            request_id: request.id.clone(),
            around_ms: inv.start_ms,
        });
        self.logs.request = Some(request);
        if let Screen::Logs { part, .. } = &mut self.screen {
            *part = LogsPart::Lines;
        }
        self.logs.selected = None;
        self.logs.following = true;
        self.recompute();
    }

    /// `Y` in the invocations view: the request id to the clipboard.
    pub(super) fn copy_invocation_id(&mut self) {
        if let Some(id) = self.invocations.current().map(|i| i.request_id.clone()) {
            self.effects.copy(&format!("request id {id}"), id);
        }
    }
}
