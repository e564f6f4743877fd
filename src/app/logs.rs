//! What the log pane tails for a key: the function selected or opened, its project, the
//! project selected; in a window in the past, that window's lines. (The minute picked on the
//! task flow is the flow's: `flow::minute_target`.) `update` opens the pane with these.

use crate::source::TailTarget;
use crate::store::{FunctionKey, Store, Window};
use crate::view::figures::Figures;

/// The logs of `key`, or of every function of its project.
pub fn function_target(store: &Store, key: &FunctionKey, project: bool) -> Option<TailTarget> {
    let f = store.function(key)?;
    if project {
        return project_target(store, &f.project);
    }
    let arns = function_arns(store, std::slice::from_ref(key));
    Some(TailTarget::follow(key.to_string(), vec![key.clone()], arns))
}

/// The logs of every function of `project`.
pub fn project_target(store: &Store, project: &str) -> Option<TailTarget> {
    let mut functions: Vec<FunctionKey> = store.keys_of_project(project).collect();
    if functions.is_empty() {
        return None;
    }
    functions.sort();
    let arns = function_arns(store, &functions);
    Some(TailTarget::follow(
        format!("project {project} ({} functions)", functions.len()),
        functions,
        arns,
    ))
}

/// In a window in the past, logs to follow are that window's lines instead, read once with
/// both ends bounded (as `aws logs tail --since … --until`); nothing of now.
pub fn in_window(
    mut target: TailTarget,
    window: Window,
    figures: &Figures,
    now: chrono::DateTime<chrono::Utc>,
) -> TailTarget {
    if target.range_ms.is_some() || !window.is_past() {
        return target;
    }
    target.range_ms = Some(window_range(window, figures, now));
    let r = figures.stats().range;
    target.label = format!(
        "{} · {}",
        target.label,
        crate::ui::format::window(window, r, now)
    );
    target
}

/// The window's span in milliseconds: the last minutes up to now, or a past window's minutes.
pub fn window_range(
    window: Window,
    figures: &Figures,
    now: chrono::DateTime<chrono::Utc>,
) -> (i64, i64) {
    match window.end() {
        None => {
            let now_ms = now.timestamp_millis();
            (now_ms - i64::from(window.minutes()) * 60_000, now_ms)
        }
        Some(_) => {
            let r = figures.stats().range;
            (r.first.start_ms(), r.last_minute().ms_range().1)
        }
    }
}

/// The ARNs the inventory gave of `keys`, for the tail to find their log groups.
fn function_arns(store: &Store, keys: &[FunctionKey]) -> Vec<String> {
    keys.iter()
        .filter_map(|k| store.function(k)?.facts.arn.clone())
        .collect()
}
