//! Problems a source reports: what is unavailable (a region, a service, a statistic) and why.
//! A problem is keyed by source and scope, so a later success for the same scope clears it
//! without touching the others.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// The kind of a failure, for callers that branch on it (and for the header's wording).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    Credentials,
    AccessDenied,
    Throttled,
    Network,
    NotSupported,
    Service,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    /// The account it is of, among several (`OWN`: the session's one account).
    pub account: super::account::AccountId,
    pub source: String,
    pub scope: String,
    pub kind: ProblemKind,
    pub message: String,
    pub since: DateTime<Utc>,
}

#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct Problems {
    list: Vec<Problem>,
}

impl Problems {
    /// Records a problem; one already open for the same source and scope keeps its `since`.
    pub fn raise(&mut self, p: Problem) {
        match self
            .list
            .iter_mut()
            .find(|q| q.source == p.source && q.scope == p.scope)
        {
            Some(open) => {
                open.kind = p.kind;
                open.message = p.message;
            }
            None => self.list.push(p),
        }
    }

    /// Clears the problem of a source and scope; returns whether one was open.
    pub fn clear(&mut self, source: &str, scope: &str) -> bool {
        let before = self.list.len();
        self.list
            .retain(|q| !(q.source == source && q.scope == scope));
        before != self.list.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Problem> {
        self.list.iter()
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}
