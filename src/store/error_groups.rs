//! Error lines folded into groups: one per function and fingerprint (`logtext::errors`), with
//! how many there were, when, one sample, and whether the error is new since the function was
//! last deployed. The fold holds only the groups, never the lines, so reading a day of logs
//! takes the memory of its distinct errors; past `MAX_GROUPS` the rest are counted apart.
//!
//! "New since the deploy" is decided only when the lines read reach back before the deploy:
//! an error first seen after it is new; when the read starts after the deploy there is no
//! telling, and it is `None` — not `false`.

use std::collections::HashMap;

use super::FunctionKey;
use crate::logtext::errors::{error_text, fingerprint, is_error};

/// Distinct groups kept at most; errors of further kinds are counted in `overflow`.
pub const MAX_GROUPS: usize = 2_000;
/// Bars of a group's sparkline across the span read.
pub const BUCKETS: usize = 24;
/// Characters of a sample kept.
const SAMPLE_CHARS: usize = 400;

#[derive(Debug, Clone, PartialEq)]
pub struct ErrorGroup {
    pub function: FunctionKey,
    pub fingerprint: String,
    /// The error as its latest line said it.
    pub sample: String,
    pub count: u64,
    pub first_seen_ms: i64,
    pub last_seen_ms: i64,
    /// Counts across the span read, `BUCKETS` of them, oldest first.
    pub buckets: Vec<u32>,
    /// First seen after the function's last deploy; `None` when the lines read do not reach
    /// back to it (or it is not known).
    pub new_since_deploy: Option<bool>,
}

#[derive(Debug)]
pub struct ErrorFold {
    from_ms: i64,
    to_ms: i64,
    extra: Vec<String>,
    groups: HashMap<(FunctionKey, String), ErrorGroup>,
    /// Error lines of kinds beyond `MAX_GROUPS`.
    pub overflow: u64,
    /// Lines looked at, and how many were errors.
    pub lines: u64,
    pub errors: u64,
}

impl ErrorFold {
    /// A fold over the lines from `from_ms` to `to_ms`; `extra` are the config's words that
    /// also make a line an error.
    pub fn new(from_ms: i64, to_ms: i64, extra: Vec<String>) -> Self {
        Self {
            from_ms,
            to_ms: to_ms.max(from_ms + 1),
            extra,
            groups: HashMap::new(),
            overflow: 0,
            lines: 0,
            errors: 0,
        }
    }

    /// Looks at one (sanitized) line; returns whether it was an error.
    pub fn add(&mut self, function: &FunctionKey, at_ms: i64, text: &str) -> bool {
        self.lines += 1;
        if !is_error(text, &self.extra) {
            return false;
        }
        self.errors += 1;
        let said = error_text(text);
        let said = if said.is_empty() {
            text.lines().next().unwrap_or_default().to_string()
        } else {
            said
        };
        let print = fingerprint(&said);
        let bucket = self.bucket_of(at_ms);
        let key = (function.clone(), print);
        if !self.groups.contains_key(&key) && self.groups.len() >= MAX_GROUPS {
            self.overflow += 1;
            return true;
        }
        let g = self
            .groups
            .entry(key)
            .or_insert_with_key(|(f, p)| ErrorGroup {
                function: f.clone(),
                fingerprint: p.clone(),
                sample: String::new(),
                count: 0,
                first_seen_ms: at_ms,
                last_seen_ms: at_ms,
                buckets: vec![0; BUCKETS],
                new_since_deploy: None,
            });
        g.count += 1;
        g.first_seen_ms = g.first_seen_ms.min(at_ms);
        if at_ms >= g.last_seen_ms || g.sample.is_empty() {
            g.last_seen_ms = g.last_seen_ms.max(at_ms);
            g.sample = said.chars().take(SAMPLE_CHARS).collect();
        }
        g.buckets[bucket] += 1;
        true
    }

    fn bucket_of(&self, at_ms: i64) -> usize {
        let span = (self.to_ms - self.from_ms) as i128;
        let at = (at_ms.clamp(self.from_ms, self.to_ms) - self.from_ms) as i128;
        ((at * BUCKETS as i128 / span) as usize).min(BUCKETS - 1)
    }

    /// The groups worst first (most errors, then the latest), each told whether it is new
    /// since its function's last deploy (`deployed_ms`).
    pub fn finish(self, deployed_ms: impl Fn(&FunctionKey) -> Option<i64>) -> Vec<ErrorGroup> {
        let from_ms = self.from_ms;
        let mut out: Vec<ErrorGroup> = self
            .groups
            .into_values()
            .map(|mut g| {
                g.new_since_deploy = deployed_ms(&g.function)
                    .filter(|&d| d >= from_ms)
                    .map(|d| g.first_seen_ms > d);
                g
            })
            .collect();
        out.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then(b.last_seen_ms.cmp(&a.last_seen_ms))
                .then(a.function.cmp(&b.function))
                .then(a.fingerprint.cmp(&b.fingerprint))
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_group_and_a_deploy_inside_the_span_tells_new_from_old() {
        let f = FunctionKey::new("r", "f");
        let mut fold = ErrorFold::new(0, 24_000, Vec::new());
        for (at, line) in [
            (1_000, "[ERROR] order 17 failed for 'alice'"),
            (2_000, "[ERROR] order 99 failed for 'bob'"),
            (3_000, "INFO fine"),
            (
                13_000,
                r#"{"level":"ERROR","errorType":"TypeError","errorMessage":"x of undefined"}"#,
            ),
            (20_000, "[ERROR] order 5 failed for 'carol'"),
        ] {
            fold.add(&f, at, line);
        }
        assert_eq!((fold.lines, fold.errors), (5, 4));
        let groups = fold.finish(|_| Some(10_000));
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].fingerprint, "order <n> failed for '…'");
        assert_eq!(groups[0].count, 3);
        assert_eq!(groups[0].sample, "order 5 failed for 'carol'");
        assert_eq!(
            (groups[0].first_seen_ms, groups[0].last_seen_ms),
            (1_000, 20_000)
        );
        assert_eq!(groups[0].new_since_deploy, Some(false));
        assert_eq!(groups[1].sample, "TypeError: x of undefined");
        assert_eq!(groups[1].new_since_deploy, Some(true));
        assert_eq!(groups[0].buckets[1] + groups[0].buckets[2], 2);
        assert_eq!(groups[0].buckets[20], 1);
    }

    #[test]
    fn a_deploy_before_the_span_cannot_tell_and_groups_are_bounded() {
        let f = FunctionKey::new("r", "f");
        let mut fold = ErrorFold::new(100, 200, Vec::new());
        fold.add(&f, 150, "[ERROR] boom");
        assert_eq!(fold.finish(|_| Some(50))[0].new_since_deploy, None);
        let mut fold = ErrorFold::new(0, 100, Vec::new());
        for i in 0..MAX_GROUPS + 5 {
            // Letters, not numbers, so each is a kind of its own.
            let word: String = format!("{i:x}")
                .chars()
                .map(|c| (b'g' + c.to_digit(16).unwrap() as u8) as char)
                .collect();
            fold.add(&f, 1, &format!("[ERROR] kind {word}"));
        }
        assert_eq!(fold.overflow, 5);
        assert_eq!(fold.finish(|_| None).len(), MAX_GROUPS);
    }
}
