//! The log pane's invocations view: the requests read from the lines held for what is tailed,
//! recomputed when the lines change, by start or slowest first, the failures alone on request.
//! Enter narrows the lines to one request and asks the tail for all of its lines.

use std::collections::HashSet;

use crate::app::list::{List, Step};
use crate::source::{Control, TailTarget};
use crate::store::invocations::{Invocation, invocations};
use crate::store::{FunctionKey, Store};
use crate::view::InvocationsView;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogInvocations {
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

impl LogInvocations {
    /// Reads the requests of the lines held for `target` again when they changed.
    pub(super) fn follow_store(&mut self, store: &Store, target: &TailTarget, words: &[String]) {
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

impl LogInvocations {
    pub(super) fn step(&mut self, step: Step) {
        self.list.step(step);
    }

    pub(super) fn toggle_failures_only(&mut self) {
        self.only_failures = !self.only_failures;
        self.list.reset();
    }

    pub(super) fn toggle_sort(&mut self) {
        self.by_duration = !self.by_duration;
        self.list.reset();
    }

    /// The request selected, and the order that asks the tail for all of its lines.
    pub(super) fn selected_request(&self) -> Option<(Request, Control)> {
        let inv = self.current()?;
        let request = Request {
            function: inv.function.clone(),
            id: inv.request_id.clone(),
        };
        let read = Control::ReadRequest {
            function: request.function.clone(),
            request_id: request.id.clone(),
            around_ms: inv.start_ms,
        };
        Some((request, read))
    }

    pub(super) fn selected_id(&self) -> Option<String> {
        self.current().map(|i| i.request_id.clone())
    }

    pub(super) fn drawn(&mut self, rows: usize) {
        self.list.set_page(rows);
    }

    pub(super) fn view<'a>(&'a self, target: &'a TailTarget) -> InvocationsView<'a> {
        InvocationsView {
            label: &target.label,
            rows: &self.rows,
            order: &self.order,
            only_failures: self.only_failures,
            by_duration: self.by_duration,
            selected: self.list.selected(),
            offset: self.list.offset(),
            several: target.functions.len() > 1,
        }
    }
}
