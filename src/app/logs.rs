//! The log pane's state: what is tailed (a function, a project, a minute), which of the store's
//! lines match the typed filter, whether it follows, is paused or is scrolled, and which
//! filters go to CloudWatch instead of being applied on screen.

use std::collections::HashSet;

use super::scroll::Scroll;
use super::{Action, App, Focus, Screen};
use crate::logtext::filter::Pattern;
use crate::source::{Control, SourceKind, TailTarget};
use crate::store::{FunctionKey, Store};
use crate::view::LogsDrawn;

/// What the matching lines were computed for: the store's lines, the filter, the target.
type MatchesKey = (u64, String, String);

#[derive(Debug, Clone, Default)]
pub struct LogPane {
    pub filter: String,
    pub pretty_json: bool,
    /// While paused: how many matching lines the view is frozen at.
    pub paused_at: Option<usize>,
    /// Follows the newest line; otherwise `scroll` holds the first line shown.
    pub following: bool,
    /// Over the matching lines, a page of the pane's rows.
    pub scroll: Scroll,
    /// Why the typed filter is not applied, if it is not.
    pub filter_error: Option<String>,
    /// Indices into the store's log lines of the lines that match, oldest first.
    matches: Vec<usize>,
    matches_key: Option<MatchesKey>,
    /// The first line the pane showed last frame.
    first_drawn: usize,
}

impl LogPane {
    /// A new target: follow from the newest line, the typed filter kept.
    fn restart(&mut self) {
        *self = LogPane {
            filter: std::mem::take(&mut self.filter),
            following: true,
            ..LogPane::default()
        };
    }

    /// Indices into the store's lines of the lines shown, oldest first (while paused, only
    /// those there when it paused).
    pub fn lines(&self) -> &[usize] {
        match self.paused_at {
            Some(n) => &self.matches[..n.min(self.matches.len())],
            None => &self.matches,
        }
    }

    /// Matching lines that arrived since the pause.
    pub fn waiting(&self) -> usize {
        self.paused_at
            .map_or(0, |n| self.matches.len().saturating_sub(n))
    }

    /// The first line shown when scrolled; `None` while following.
    pub fn top(&self) -> Option<usize> {
        (!self.following).then(|| self.scroll.offset())
    }

    pub(super) fn drawn(&mut self, d: LogsDrawn) {
        self.scroll.set_page(d.rows);
        self.first_drawn = d.first;
    }

    /// Moves through the lines: up stops following, down to the end follows again.
    fn scroll_by(&mut self, action: Action) {
        if self.following {
            self.scroll.set_offset(self.first_drawn);
        }
        let page = self.scroll.page() as isize;
        match action {
            Action::Up => self.scroll.by(-1),
            Action::PageUp => self.scroll.by(-page),
            Action::Down => self.scroll.by(1),
            Action::PageDown => self.scroll.by(page),
            Action::Top => self.scroll.to_top(),
            _ => {}
        }
        let down = matches!(action, Action::Down | Action::PageDown);
        self.following =
            action == Action::Bottom || (self.following && down) || (down && self.scroll.at_end());
        if action == Action::Bottom {
            self.paused_at = None;
        }
    }

    /// Recomputes the matching lines when the lines, the filter or the target changed.
    pub(super) fn follow_store(&mut self, store: &Store, screen: &Screen) {
        let Screen::Logs { target, .. } = screen else {
            return;
        };
        let key = (
            store.logs().version(),
            self.filter.clone(),
            target.label.clone(),
        );
        if self.matches_key.as_ref() == Some(&key) {
            return;
        }
        let pattern = match Pattern::parse(&self.filter) {
            Ok(p) => {
                self.filter_error = None;
                p
            }
            // CloudWatch applies it (see `apply_log_filter`): nothing to do here.
            Err(_) if target.filter.as_deref() == Some(self.filter.trim()) => {
                self.filter_error = None;
                Pattern::default()
            }
            Err(e) => {
                self.filter_error = Some(e);
                Pattern::default()
            }
        };
        let wanted: HashSet<&FunctionKey> = target.functions.iter().collect();
        self.matches = store
            .logs()
            .lines()
            .iter()
            .enumerate()
            .filter(|(_, l)| wanted.contains(&l.function) && pattern.matches(&l.text))
            .map(|(i, _)| i)
            .collect();
        self.matches_key = Some(key);
        self.scroll.set_len(self.lines().len());
    }
}

impl App {
    pub(super) fn scroll_logs(&mut self, action: Action) {
        self.logs.scroll_by(action);
    }

    pub(super) fn toggle_pause(&mut self) {
        self.logs.paused_at = match self.logs.paused_at {
            Some(_) => None,
            None => Some(self.logs.matches.len()),
        };
        self.logs.scroll.set_len(self.logs.lines().len());
    }

    /// The logs of every function of `project`.
    fn project_target(&self, project: &str) -> Option<TailTarget> {
        let mut functions: Vec<FunctionKey> = self.store.keys_of_project(project).collect();
        if functions.is_empty() {
            return None;
        }
        functions.sort();
        let arns = self.function_arns(&functions);
        Some(TailTarget::follow(
            format!("project {project} ({} functions)", functions.len()),
            functions,
            arns,
        ))
    }

    /// The logs to follow for an action: the selected function, or its project.
    fn tail_target(&self, project: bool) -> Option<TailTarget> {
        if let (Screen::Projects, Some(p)) = (&self.screen, &self.projects.selected) {
            return self.project_target(p);
        }
        let key = match &self.screen {
            Screen::Detail(k) => Some(k.clone()),
            _ => self.fleet.selected.clone(),
        }?;
        let f = self.store.function(&key)?;
        if project {
            return self.project_target(&f.project);
        }
        let arns = self.function_arns(std::slice::from_ref(&key));
        Some(TailTarget::follow(key.to_string(), vec![key], arns))
    }

    /// The ARNs the inventory gave of `keys`, for the tail to find their log groups.
    fn function_arns(&self, keys: &[FunctionKey]) -> Vec<String> {
        keys.iter()
            .filter_map(|k| self.store.function(k)?.facts.arn.clone())
            .collect()
    }

    /// A log filter only CloudWatch understands (JSON, space-delimited) goes to the tail on an
    /// AWS account, which reads again with it; a text filter is applied on screen.
    pub(super) fn apply_log_filter(&mut self) {
        let Screen::Logs { target, .. } = &mut self.screen else {
            return;
        };
        let f = self.logs.filter.trim();
        let by_cloudwatch = self.store.session().kind == SourceKind::Aws
            && !f.is_empty()
            && Pattern::parse(f).is_err();
        let filter = by_cloudwatch.then(|| f.to_string());
        if filter == target.filter {
            return;
        }
        target.filter = filter;
        self.outbox.push(Control::Tail(Some(target.clone())));
    }

    pub(super) fn open_logs(&mut self, project: bool) {
        let target = match (self.focus, self.flow.cursor, &self.screen) {
            (Focus::Flow, Some(m), Screen::Dashboard) => self.minute_target(m),
            _ => self.tail_target(project),
        };
        let Some(target) = target else {
            return;
        };
        let from_detail = matches!(self.screen, Screen::Detail(_));
        self.logs.restart();
        self.outbox.push(Control::Tail(Some(target.clone())));
        self.screen = Screen::Logs {
            target,
            from_detail,
        };
    }

    /// Leaves the log pane, for the function's detail if it came from there; the tail stops.
    pub(super) fn close_logs(&mut self) {
        if let Screen::Logs {
            target,
            from_detail,
        } = &self.screen
        {
            self.screen = match (from_detail, target.functions.first()) {
                (true, Some(k)) => Screen::Detail(k.clone()),
                _ => Screen::Dashboard,
            };
            self.outbox.push(Control::Tail(None));
        }
    }
}
