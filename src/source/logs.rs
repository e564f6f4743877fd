//! Log events as sources report them, and the bookkeeping every log reader needs (the store's
//! log buffer keeps each event once as well: a belt to these braces, for a tail that changed
//! target between polls): overlapping
//! polls (CloudWatch Logs ingests late, so each poll looks back a little) must neither lose a
//! line nor show one twice, and lines from several streams and functions come out in time order.

use std::collections::{BTreeSet, HashSet, VecDeque};

use crate::store::FunctionKey;
pub use crate::store::event::LogEvent;

/// How far each read looks behind the previous one: CloudWatch Logs ingests late.
pub const OVERLAP_MS: i64 = 60_000;
/// How long an event is remembered as seen: well past any read's look back.
pub const DEDUPE_HORIZON_MS: i64 = 10 * OVERLAP_MS;

/// Remembers the events already handed on, for as long as polls can overlap.
#[derive(Debug, Default)]
pub struct Dedupe {
    seen: HashSet<(FunctionKey, String)>,
    /// (timestamp, id) in arrival order, to forget the old ones.
    order: VecDeque<(i64, FunctionKey, String)>,
}

/// Time order, ties broken by function, stream and id: the order lines are shown in.
pub fn sort(events: &mut [LogEvent]) {
    events.sort_by(|a, b| {
        (a.at_ms, &a.function, &a.stream, &a.event_id).cmp(&(
            b.at_ms,
            &b.function,
            &b.stream,
            &b.event_id,
        ))
    });
}

impl Dedupe {
    /// The events of `batch` not seen before, oldest first (ties broken by function, stream and id).
    pub fn fresh(&mut self, mut batch: Vec<LogEvent>) -> Vec<LogEvent> {
        sort(&mut batch);
        let mut out = Vec::with_capacity(batch.len());
        let mut in_batch: BTreeSet<(FunctionKey, String)> = BTreeSet::new();
        for e in batch {
            let key = (e.function.clone(), e.event_id.clone());
            if self.seen.contains(&key) || !in_batch.insert(key.clone()) {
                continue;
            }
            self.seen.insert(key.clone());
            self.order.push_back((e.at_ms, key.0, key.1));
            out.push(e);
        }
        out
    }

    /// Forgets events older than `before_ms`: no later poll reaches back that far.
    pub fn forget_before(&mut self, before_ms: i64) {
        while let Some((at, ..)) = self.order.front() {
            if *at >= before_ms {
                break;
            }
            let (_, f, id) = self.order.pop_front().expect("front exists");
            self.seen.remove(&(f, id));
        }
    }

    /// Whether `function`'s event `id` was seen (and not forgotten yet).
    pub fn contains(&self, function: &FunctionKey, id: &str) -> bool {
        self.seen.contains(&(function.clone(), id.to_string()))
    }

    /// Remembers `function`'s event `id` at `at_ms`.
    pub fn note(&mut self, at_ms: i64, function: &FunctionKey, id: &str) {
        let key = (function.clone(), id.to_string());
        if self.seen.insert(key.clone()) {
            self.order.push_back((at_ms, key.0, key.1));
        }
    }

    pub fn len(&self) -> usize {
        self.seen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(at: i64, id: &str) -> LogEvent {
        LogEvent {
            function: FunctionKey::new("r", "f"),
            at_ms: at,
            stream: "s".into(),
            event_id: id.into(),
            message: id.into(),
        }
    }

    #[test]
    fn overlapping_polls_give_each_event_once_in_order() {
        let mut d = Dedupe::default();
        let first = d.fresh(vec![ev(20, "b"), ev(10, "a")]);
        assert_eq!(
            first
                .iter()
                .map(|e| e.event_id.as_str())
                .collect::<Vec<_>>(),
            ["a", "b"]
        );
        // The next poll looks back and sees b again, and c at the same millisecond.
        let second = d.fresh(vec![ev(20, "b"), ev(20, "c"), ev(30, "d"), ev(30, "d")]);
        assert_eq!(
            second
                .iter()
                .map(|e| e.event_id.as_str())
                .collect::<Vec<_>>(),
            ["c", "d"]
        );
        d.forget_before(25);
        assert_eq!(d.len(), 1);
    }
}
