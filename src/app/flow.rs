//! The task-flow graph's state: what it follows (the fleet, the selected function's project or
//! the function) and the minute picked on it, whose logs `l` opens.

use super::Action;
use super::scope::Scope;
use crate::source::TailTarget;
use crate::store::{FunctionKey, Metric, Minute, MinuteRange, Store};
use crate::view::FlowScope;
use crate::view::figures::Figures;

/// What the task-flow graph follows, as `f` cycles it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FlowFollows {
    #[default]
    Fleet,
    Project,
    Function,
}

#[derive(Debug, Clone, Default)]
pub struct TaskFlow {
    pub follows: FlowFollows,
    /// A minute picked on the graph, held as the minute itself so it stays put while the
    /// window slides.
    pub cursor: Option<Minute>,
}

impl TaskFlow {
    /// What the graph shows: the selected function's project or the function, as `f` picked,
    /// else what the panes are narrowed to (a project, an account), else the fleet.
    pub fn scope(
        &self,
        store: &Store,
        selected: Option<&FunctionKey>,
        narrowed: &Scope,
    ) -> FlowScope {
        let selected = selected.and_then(|k| store.function(k));
        match (self.follows, selected, &narrowed.project) {
            (FlowFollows::Project, Some(f), _) => FlowScope::Project(f.project.clone()),
            (FlowFollows::Function, Some(f), _) => FlowScope::Function(f.facts.key()),
            // Narrowed to a project: its flow is the whole there is.
            (_, _, Some(p)) => FlowScope::Project(p.clone()),
            _ => match narrowed.account {
                Some(a) => FlowScope::Account(a),
                None => FlowScope::Fleet,
            },
        }
    }

    /// Moves the picked minute (or period, in a long window) within `range`; the first move
    /// picks the newest.
    pub fn move_cursor(&mut self, action: Action, range: MinuteRange) {
        let period = i64::from(range.period());
        let m = match (self.cursor.map(|m| m.floor(range.period())), action) {
            (Some(m), Action::CursorLeft) if range.contains(m) => m.minus(period),
            (Some(m), Action::CursorRight) if range.contains(m) => m.plus(period),
            // None yet, or slid out of the window: start from the newest minute.
            _ => range.last,
        };
        self.cursor = Some(m.max(range.first).min(range.last));
    }

    pub fn cycle(&mut self) {
        self.follows = match self.follows {
            FlowFollows::Fleet => FlowFollows::Project,
            FlowFollows::Project => FlowFollows::Function,
            FlowFollows::Function => FlowFollows::Fleet,
        }
    }
}

/// The logs of the minute `m` picked on the task flow, for what the graph shows (`scope`): the
/// function, or the functions of the project or fleet that failed most in that minute (then the
/// busiest), at most as many as the tail reads.
pub fn minute_target(
    store: &Store,
    figures: &Figures,
    scope: &FlowScope,
    m: Minute,
) -> Option<TailTarget> {
    let fns = store.functions();
    let (scope_label, mut keys): (String, Vec<FunctionKey>) = match scope {
        FlowScope::Function(k) => (k.to_string(), vec![k.clone()]),
        FlowScope::Project(p) => (format!("project {p}"), store.keys_of_project(p).collect()),
        FlowScope::Fleet => (
            "fleet".to_string(),
            fns.iter().map(|f| f.facts.key()).collect(),
        ),
        FlowScope::Account(a) => (
            format!("account {a}"),
            fns.iter()
                .filter(|f| f.facts.account == *a)
                .map(|f| f.facts.key())
                .collect(),
        ),
    };
    let range = figures.stats().range;
    let m = m.floor(range.period());
    let weight = |k: &FunctionKey| {
        let h = &store.function(k).map(|f| f.history_over(range));
        let get = |metric| h.and_then(|h| h.get(metric, m)).unwrap_or(0.0);
        (
            get(Metric::Errors) + get(Metric::Timeouts) + get(Metric::Throttles),
            get(Metric::Invocations),
        )
    };
    keys.sort_by(|a, b| {
        weight(b)
            .partial_cmp(&weight(a))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    keys.truncate(TailTarget::MAX_FUNCTIONS);
    if keys.is_empty() {
        return None;
    }
    // A period's logs in a long window: all of its minutes.
    let last = m.plus(i64::from(range.period()) - 1);
    let label = if range.period() == 1 {
        format!("{scope_label} · {} UTC", m.start().format("%H:%M"))
    } else {
        format!(
            "{scope_label} · {}–{} UTC",
            m.start().format("%H:%M"),
            last.plus(1).start().format("%H:%M")
        )
    };
    Some(TailTarget::minute(
        label,
        keys,
        (m.start_ms(), last.ms_range().1),
    ))
}
