//! The log pane's state: what is tailed (a function, a project, a minute), which of the store's
//! lines match the typed filter, whether it follows, is paused or is scrolled, and which
//! filters go to CloudWatch instead of being applied on screen.

use std::collections::HashSet;

use super::errors::ErrorKind;
use super::invocations::Request;
use super::list::Step;
use super::scroll::Scroll;
use super::{App, Focus, LogsPart, Screen};
use crate::logtext::filter::Pattern;
use crate::source::aws::console;
use crate::source::aws::logs::LogPlace;
use crate::source::{Control, SourceKind, TailTarget};
use crate::store::logs::LogLine;
use crate::store::{FunctionKey, Store};
use crate::view::LogsDrawn;

/// What the matching lines were computed for: the store's lines, the filter, the target,
/// whether platform lines are hidden, the kind of error or the request shown.
type MatchesKey = (
    u64,
    String,
    String,
    bool,
    Option<ErrorKind>,
    Option<Request>,
);

/// Columns a sideways move of unwrapped lines goes.
const HSCROLL_STEP: usize = 20;

/// A line opened whole: a copy (the store's lines move as old ones go), its invocation's
/// REPORT once read, the first row shown.
#[derive(Debug, Clone)]
pub struct Opened {
    pub line: LogLine,
    pub report: Option<String>,
    pub scroll: Scroll,
}

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
    /// Long lines are cut at the edge instead of wrapped, and moved `hscroll` columns left.
    pub no_wrap: bool,
    pub hscroll: usize,
    /// START, END, REPORT and `platform.*` lines are left out.
    pub hide_platform: bool,
    /// The selected line (an index into `lines()`); `None` while following.
    pub selected: Option<usize>,
    /// A line opened whole, shown in place of the list.
    pub opened: Option<Opened>,
    /// Only the lines of this kind of error (picked in the errors view).
    pub kind: Option<ErrorKind>,
    /// Only the lines of this request (picked in the invocations view).
    pub request: Option<Request>,
    /// Indices into the store's log lines of the lines that match, oldest first.
    matches: Vec<usize>,
    matches_key: Option<MatchesKey>,
    /// The first line the pane showed last frame.
    first_drawn: usize,
}

impl LogPane {
    /// A new target: follow from the newest line, the typed filter and the reader's choices
    /// of layout kept.
    fn restart(&mut self) {
        *self = LogPane {
            filter: std::mem::take(&mut self.filter),
            pretty_json: self.pretty_json,
            no_wrap: self.no_wrap,
            hide_platform: self.hide_platform,
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
        if let Some(o) = &mut self.opened {
            o.scroll.set_len(d.opened_rows);
            o.scroll.set_page(d.rows);
            return;
        }
        self.scroll.set_page(d.rows);
        self.first_drawn = d.first;
        if !self.following {
            // The pane moved down to show the selected line whole.
            self.scroll.set_offset(d.first);
        }
    }

    /// Moves the selection: the first move up selects the newest line and stops following,
    /// moving down past the newest follows again.
    fn move_by(&mut self, step: Step) {
        if let Some(o) = &mut self.opened {
            o.scroll.step(step);
            return;
        }
        let len = self.lines().len();
        if step == Step::Bottom {
            self.paused_at = None;
        }
        if len == 0 {
            return;
        }
        let last = len - 1;
        let page = self.scroll.page().max(1);
        // While following, the selection sits just past the newest line.
        let at = self.selected.map_or(len, |s| s.min(last));
        // Past the newest line (Down, PageDown or End there) follows the newest again.
        let next = match step {
            Step::Up if self.selected.is_none() => Some(last),
            Step::Up | Step::PageUp | Step::Top => step.from(at, len, page),
            Step::Down => (at < last).then(|| at + 1),
            Step::PageDown => (at + page <= last).then(|| at + page),
            Step::Bottom => None,
        };
        if self.following && next.is_some() {
            self.scroll.set_offset(self.first_drawn);
        }
        self.selected = next;
        self.following = next.is_none();
        if let Some(s) = next
            && s < self.scroll.offset()
        {
            self.scroll.set_offset(s);
        }
    }

    /// The selected line, else (while following) the newest.
    fn current<'a>(&self, store: &'a Store) -> Option<&'a LogLine> {
        let shown = self.lines();
        let n = self.selected.unwrap_or(shown.len().checked_sub(1)?);
        store.logs().lines().get(*shown.get(n)?)
    }

    /// Recomputes the matching lines when the lines, the filter or the target changed.
    pub(super) fn follow_store(&mut self, store: &Store, screen: &Screen, words: &[String]) {
        let Screen::Logs { target, .. } = screen else {
            return;
        };
        if let Some(o) = &mut self.opened
            && o.report.is_none()
        {
            o.report = report_of(store, &o.line);
        }
        let key = (
            store.logs().version(),
            self.filter.clone(),
            target.label.clone(),
            self.hide_platform,
            self.kind.clone(),
            self.request.clone(),
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
        // The selected line stays selected while lines arrive and old ones go.
        let selected_id = self
            .selected
            .and_then(|n| store.logs().lines().get(*self.matches.get(n)?))
            .map(|l| (l.at_ms, l.event_id.clone()));
        let hide = self.hide_platform;
        let kind = self.kind.as_ref();
        let request = self.request.as_ref();
        self.matches = store
            .logs()
            .lines()
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                wanted.contains(&l.function)
                    && !(hide && l.platform)
                    && pattern.matches(&l.text)
                    && kind.is_none_or(|k| k.matches(l, words))
                    && request.is_none_or(|r| {
                        l.function == r.function && l.request_id.as_deref() == Some(r.id.as_str())
                    })
            })
            .map(|(i, _)| i)
            .collect();
        self.matches_key = Some(key);
        if let (Some(_), Some(id)) = (self.selected, selected_id) {
            let lines = store.logs().lines();
            let at = self
                .matches
                .partition_point(|&i| (lines[i].at_ms, &lines[i].event_id) < (id.0, &id.1));
            self.selected = Some(at.min(self.matches.len().saturating_sub(1)));
        }
        if let Some(s) = self.selected
            && s >= self.lines().len()
        {
            self.selected = self.lines().len().checked_sub(1);
        }
        self.scroll.set_len(self.lines().len());
    }
}

/// The REPORT line of `line`'s invocation, if the store holds it.
fn report_of(store: &Store, line: &LogLine) -> Option<String> {
    let id = line.request_id.as_deref()?;
    store
        .logs()
        .lines()
        .iter()
        .rev()
        .find(|l| {
            l.function == line.function
                && l.text.starts_with("REPORT RequestId")
                && l.request_id.as_deref() == Some(id)
        })
        .map(|l| l.text.clone())
}

impl App {
    pub(super) fn scroll_logs(&mut self, step: Step) {
        self.logs.move_by(step);
    }

    /// ←/→: unwrapped lines move sideways.
    pub(super) fn scroll_logs_sideways(&mut self, right: bool) {
        if !self.logs.no_wrap {
            self.effects.say(format!(
                "lines wrap: {} cuts them at the edge, then ←/→ move sideways",
                self.key_names.wrap
            ));
            return;
        }
        self.logs.hscroll = if right {
            (self.logs.hscroll + HSCROLL_STEP).min(crate::store::logs::MAX_LINE_CHARS)
        } else {
            self.logs.hscroll.saturating_sub(HSCROLL_STEP)
        };
    }

    pub(super) fn toggle_wrap(&mut self) {
        self.logs.no_wrap = !self.logs.no_wrap;
        self.logs.hscroll = 0;
    }

    pub(super) fn toggle_platform_lines(&mut self) {
        self.logs.hide_platform = !self.logs.hide_platform;
        self.recompute();
    }

    /// Enter: the selected line (else the newest) opened whole; Esc closes it.
    pub(super) fn open_line(&mut self) {
        let Some(line) = self.logs.current(&self.store).cloned() else {
            return;
        };
        let report = report_of(&self.store, &line);
        self.logs.opened = Some(Opened {
            line,
            report,
            scroll: Scroll::default(),
        });
    }

    /// The line the copy keys act on: the opened one, else the selected, else the newest.
    fn line_at_hand(&self) -> Option<&LogLine> {
        match &self.logs.opened {
            Some(o) => Some(&o.line),
            None => self.logs.current(&self.store),
        }
    }

    /// `y`: the line's text to the clipboard; `Y`: its request id.
    pub(super) fn copy_line(&mut self, request_id: bool) {
        let Some(line) = self.line_at_hand() else {
            self.effects.say("no line to copy");
            return;
        };
        let (what, text) = if request_id {
            match &line.request_id {
                Some(id) => (format!("request id {id}"), id.clone()),
                None => {
                    self.effects.say("this line names no request");
                    return;
                }
            }
        } else {
            (
                format!("the line ({} characters)", line.text.chars().count()),
                line.text.clone(),
            )
        };
        self.effects.copy(&what, text);
    }

    /// `o`: a console link — the request's Logs Insights query, else the log group.
    pub(super) fn copy_logs_link(&mut self) {
        let Some(line) = self.line_at_hand().cloned() else {
            self.effects.say("no line to link to");
            return;
        };
        let key = &line.function;
        let partition = self.partition();
        let group = self.log_group_of(key);
        let (what, url) = match &line.request_id {
            Some(id) => {
                let age_s = (self.now.timestamp_millis() - line.at_ms).max(0) / 1000;
                (
                    format!("Logs Insights URL of request {id}"),
                    console::insights_url(
                        &partition,
                        &key.region,
                        &group,
                        &console::request_query(id),
                        age_s + 15 * 60,
                    ),
                )
            }
            None => (
                format!("console URL of {group}"),
                console::log_group_url(&partition, &key.region, &group),
            ),
        };
        self.effects.copy(&what, url);
    }

    /// `o` in a function's detail: its page in the Lambda console.
    pub(super) fn copy_function_link(&mut self) {
        let Screen::Detail(key) = &self.screen else {
            return;
        };
        let url = console::function_url(&self.partition(), &key.region, &key.name);
        self.effects.copy(&format!("console URL of {key}"), url);
    }

    /// The partition of the account (`aws` until it is known, and on the demo).
    pub(super) fn partition(&self) -> String {
        self.store
            .identity()
            .map_or_else(|| "aws".to_string(), |i| i.partition.clone())
    }

    fn log_group_of(&self, key: &FunctionKey) -> String {
        let logging = self
            .store
            .function(key)
            .map(|f| f.facts.logging.clone())
            .unwrap_or_default();
        LogPlace::of(&key.name, &logging).group
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

    /// In a window in the past, logs to follow are that window's lines instead, read once
    /// with both ends bounded (as `aws logs tail --since … --until`); nothing of now.
    fn in_past_window(&self, mut target: TailTarget) -> TailTarget {
        if target.range_ms.is_some() || !self.window.is_past() {
            return target;
        }
        let r = self.figures.stats().range;
        target.range_ms = Some((r.first.start_ms(), r.last_minute().ms_range().1));
        target.label = format!(
            "{} · {}",
            target.label,
            crate::ui::format::window(self.window, r, self.now)
        );
        target
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
        self.effects.send(Control::Tail(Some(target.clone())));
    }

    pub(super) fn open_logs(&mut self, project: bool) {
        let target = match (self.focus, self.flow.cursor, &self.screen) {
            (Focus::Flow, Some(m), Screen::Dashboard) => self.minute_target(m),
            _ => self.tail_target(project),
        };
        let Some(target) = target.map(|t| self.in_past_window(t)) else {
            return;
        };
        let from_detail = matches!(self.screen, Screen::Detail(_));
        self.logs.restart();
        self.effects.send(Control::Tail(Some(target.clone())));
        self.screen = Screen::Logs {
            target,
            from_detail,
            part: LogsPart::Lines,
        };
    }

    /// `e`, `i`: a view of the lines held (their errors by kind, their requests); from a
    /// function's detail, of its logs.
    pub(super) fn open_log_part(&mut self, to: LogsPart) {
        if matches!(self.screen, Screen::Detail(_)) {
            self.open_logs(false);
        }
        if let Screen::Logs { part, .. } = &mut self.screen {
            *part = to;
            match to {
                LogsPart::Errors => self.errors.reset(),
                LogsPart::Invocations => self.invocations.reset(),
                LogsPart::Insights | LogsPart::Lines => {}
            }
        }
        self.recompute();
    }

    /// Esc in a view of the lines: back to the lines.
    pub(super) fn close_log_part(&mut self) {
        if let Screen::Logs { part, .. } = &mut self.screen {
            *part = LogsPart::Lines;
        }
        self.recompute();
    }

    /// Leaves the log pane, for the function's detail if it came from there; the tail stops.
    /// An opened line closes first.
    pub(super) fn close_logs(&mut self) {
        if self.logs.opened.take().is_some() {
            return;
        }
        if self.logs.kind.take().is_some() {
            self.open_log_part(LogsPart::Errors);
            return;
        }
        if self.logs.request.take().is_some() {
            if let Screen::Logs { part, .. } = &mut self.screen {
                *part = LogsPart::Invocations;
            }
            self.recompute();
            return;
        }
        if let Screen::Logs {
            target,
            from_detail,
            ..
        } = &self.screen
        {
            self.screen = match (from_detail, target.functions.first()) {
                (true, Some(k)) => Screen::Detail(k.clone()),
                _ => Screen::Dashboard,
            };
            self.effects.send(Control::Tail(None));
        }
    }
}
