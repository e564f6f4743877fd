use super::*;

/// A latency class's roll-up over a window.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassStats {
    pub class: LatencyClass,
    pub functions: usize,
    pub invocations: Option<f64>,
    pub errors: Option<f64>,
    /// Errors over invocations (`ratio`).
    pub error_rate: Option<f64>,
    /// Its members' invocations as a share of the fleet's.
    pub share: Option<f64>,
    /// The members' distributions summed, and the class's p99 from them (never an average
    /// of the members' p99s).
    pub durations: Option<Durations>,
    /// Members over the class's budget at p99.
    pub over_budget: usize,
    /// The longest a member's tasks waited.
    pub wait_max_ms: Option<f64>,
    /// Its members' waits summed: function-minutes by how long their tasks waited at worst.
    pub waits: Option<Histogram>,
    /// Its members, as indices of the fleet's `functions`: the most of the budget used first,
    /// unknown last (ordered once here, not by the pane each frame).
    pub members: Vec<usize>,
}

/// What a function's tasks wait on, and how long they waited over `range`: minute by minute
/// at their worst, the oldest async event (`AsyncEventAge`) or how far behind its stream it
/// reads (`IteratorAge`); for a queue's consumer, its queue's oldest message at the last read
/// (`ApproximateAgeOfOldestMessage`: one reading, not a history). `None`: nothing queues
/// before it runs.
pub fn waits(f: &Function, range: MinuteRange, queue_age_ms: Option<f64>) -> Option<Waits> {
    let h = f.history_over(range);
    let series = if h.is_async() {
        Some(("async event age", Metric::AsyncAgeMax))
    } else if h
        .series(Metric::IteratorAgeMax)
        .values(range)
        .any(|v| v.is_some())
    {
        Some(("stream iterator age", Metric::IteratorAgeMax))
    } else {
        None
    };
    match (series, queue_age_ms) {
        (Some((what, m)), _) => Some(Waits {
            what,
            histogram: distribution::waits(h.series(m).values(range).flatten())?,
        }),
        (None, Some(ms)) => Some(Waits {
            what: "queue's oldest message, last read",
            histogram: distribution::waits([ms])?,
        }),
        (None, None) => None,
    }
}

/// How long a function's tasks waited, and on what.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Waits {
    pub what: &'static str,
    pub histogram: Histogram,
}

/// The oldest message of the queues feeding a function, at their last read, in milliseconds.
pub fn queue_age_ms(sources: Option<&[crate::store::event_sources::EventSource]>) -> Option<f64> {
    sources?
        .iter()
        .filter_map(|m| m.backlog.as_ref()?.oldest_age_s)
        .map(|s| s * 1000.0)
        .fold(None, |a, b| max(a, Some(b)))
}

/// Sets `s`'s class from its facts and figures, and how much of the class's budget its wait
/// plus p99 uses.
pub(super) fn classify(f: &Function, s: &mut FunctionStats, triggered: bool, rule: &ClassRule) {
    let (_, _, timeout_s) = f.serving_config();
    let facts = ClassFacts {
        tag: f.facts.tags.get(&rule.tag).map(String::as_str),
        triggered,
        median_ms: s.duration_p50_ms.or(s.duration_avg_ms),
        timeout_s,
    };
    let (class, by) = rule.classify(facts);
    s.latency_class = Some(class);
    s.class_by = Some(by);
    // The window's p99: a budget is for how long tasks take, not for their worst minute.
    s.budget_used = s
        .duration_p99_ms
        .map(|p| (p + s.wait_max_ms.unwrap_or(0.0)) / rule.budget_ms(class));
}

/// How many of `functions` ran in the window, or may have (their invocations unknown): the
/// ones a group's summed distribution ought to count.
pub(super) fn ran<'a>(functions: impl IntoIterator<Item = &'a FunctionStats>) -> u32 {
    let n = functions
        .into_iter()
        .filter(|s| s.invocations != Some(0.0) || s.durations.is_some())
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

pub(super) fn class_stats(functions: &[FunctionStats]) -> Vec<ClassStats> {
    let fleet = functions.iter().fold(None, |a, s| add(a, s.invocations));
    LatencyClass::ALL
        .into_iter()
        .filter_map(|class| {
            let mut order: Vec<usize> = (0..functions.len())
                .filter(|&i| functions[i].latency_class == Some(class))
                .collect();
            if order.is_empty() {
                return None;
            }
            order.sort_by(|&a, &b| {
                super::unknown_last(functions[a].budget_used, functions[b].budget_used, false)
            });
            let members: Vec<&FunctionStats> = order.iter().map(|&i| &functions[i]).collect();
            let invocations = members.iter().fold(None, |a, s| add(a, s.invocations));
            let errors = members.iter().fold(None, |a, s| add(a, s.errors));
            Some(ClassStats {
                class,
                functions: members.len(),
                invocations,
                errors,
                error_rate: ratio(errors, invocations),
                share: ratio(invocations, fleet),
                durations: Durations::sum(
                    members.iter().filter_map(|s| s.durations.as_ref()),
                    ran(members.iter().copied()),
                ),
                over_budget: members
                    .iter()
                    .filter(|s| s.budget_used.is_some_and(|u| u > 1.0))
                    .count(),
                wait_max_ms: members.iter().fold(None, |a, s| max(a, s.wait_max_ms)),
                waits: None,
                members: order,
            })
        })
        .collect()
}
