//! The log pane's lines: which of the store's lines for what is tailed match the typed filter,
//! whether it follows, is paused or is scrolled, a line opened whole, and the keys that copy a
//! line, its request id or a console link to it.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use super::errors::ErrorKind;
use super::invocations::Request;
use crate::app::effects::Effects;
use crate::app::list::Step;
use crate::app::scroll::Scroll;
use crate::logtext::filter::Pattern;
use crate::source::TailTarget;
use crate::source::aws::console::Link;
use crate::store::logs::LogLine;
use crate::store::{FunctionKey, Store};
use crate::view::LogsDrawn;

/// The typed filter and the reader's choices of layout: they stay from one target to the next.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogLayout {
    pub filter: String,
    pub pretty_json: bool,
    /// Long lines are cut at the edge instead of wrapped (and moved `hscroll` columns left).
    pub no_wrap: bool,
    /// START, END, REPORT and `platform.*` lines are left out.
    pub hide_platform: bool,
}

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
#[derive(Debug, Clone, PartialEq)]
pub struct Opened {
    pub line: LogLine,
    pub report: Option<String>,
    pub scroll: Scroll,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogLines {
    /// The filter and the layout, kept for the next target.
    pub layout: LogLayout,
    /// While paused: how many matching lines the view is frozen at.
    pub paused_at: Option<usize>,
    /// Follows the newest line; otherwise `scroll` holds the first line shown.
    pub following: bool,
    /// Over the matching lines, a page of the pane's rows.
    pub scroll: Scroll,
    /// Why the typed filter is not applied, if it is not.
    pub filter_error: Option<String>,
    /// Columns unwrapped lines are moved left.
    pub hscroll: usize,
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

impl LogLines {
    /// A new target: follow from the newest line, with the typed filter and the reader's
    /// choices of layout as they were last.
    pub(super) fn open(layout: &LogLayout) -> LogLines {
        LogLines {
            layout: layout.clone(),
            following: true,
            ..LogLines::default()
        }
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
    pub(super) fn move_by(&mut self, step: Step) {
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
    pub(super) fn follow_store(&mut self, store: &Store, target: &TailTarget, words: &[String]) {
        if let Some(o) = &mut self.opened
            && o.report.is_none()
        {
            o.report = report_of(store, &o.line);
        }
        let key = (
            store.logs().version(),
            self.layout.filter.clone(),
            target.label.clone(),
            self.layout.hide_platform,
            self.kind.clone(),
            self.request.clone(),
        );
        if self.matches_key.as_ref() == Some(&key) {
            return;
        }
        let pattern = match Pattern::parse(&self.layout.filter) {
            Ok(p) => {
                self.filter_error = None;
                p
            }
            // CloudWatch applies it (see `Logs::apply_filter`): nothing to do here.
            Err(_) if target.filter.as_deref() == Some(self.layout.filter.trim()) => {
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
        let hide = self.layout.hide_platform;
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

impl LogLines {
    /// ←/→: unwrapped lines move sideways; wrapped ones say how to unwrap them (`wrap_key`).
    pub(super) fn scroll_sideways(&mut self, right: bool, wrap_key: &str, fx: &mut Effects) {
        if !self.layout.no_wrap {
            fx.say(format!(
                "lines wrap: {wrap_key} cuts them at the edge, then ←/→ move sideways"
            ));
            return;
        }
        self.hscroll = if right {
            (self.hscroll + HSCROLL_STEP).min(crate::store::logs::MAX_LINE_CHARS)
        } else {
            self.hscroll.saturating_sub(HSCROLL_STEP)
        };
    }

    pub(super) fn toggle_wrap(&mut self) {
        self.layout.no_wrap = !self.layout.no_wrap;
        self.hscroll = 0;
    }

    pub(super) fn toggle_pause(&mut self) {
        self.paused_at = match self.paused_at {
            Some(_) => None,
            None => Some(self.matches.len()),
        };
        self.scroll.set_len(self.lines().len());
    }

    /// Enter: the selected line (else the newest) opened whole; Esc closes it.
    pub(super) fn open_line(&mut self, store: &Store) {
        let Some(line) = self.current(store).cloned() else {
            return;
        };
        let report = report_of(store, &line);
        self.opened = Some(Opened {
            line,
            report,
            scroll: Scroll::default(),
        });
    }

    /// Follows the newest line again (the lines narrowed to a kind or a request).
    pub(super) fn follow_newest(&mut self) {
        self.selected = None;
        self.following = true;
    }

    /// The line the copy keys act on: the opened one, else the selected, else the newest.
    fn line_at_hand<'a>(&'a self, store: &'a Store) -> Option<&'a LogLine> {
        match &self.opened {
            Some(o) => Some(&o.line),
            None => self.current(store),
        }
    }

    /// `y`: the line's text to the clipboard; `Y`: its request id.
    pub(super) fn copy_line(&self, request_id: bool, store: &Store, fx: &mut Effects) {
        let Some(line) = self.line_at_hand(store) else {
            fx.say("no line to copy");
            return;
        };
        let (what, text) = if request_id {
            match &line.request_id {
                Some(id) => (format!("request id {id}"), id.clone()),
                None => {
                    fx.say("this line names no request");
                    return;
                }
            }
        } else {
            (
                format!("the line ({} characters)", line.text.chars().count()),
                line.text.clone(),
            )
        };
        fx.copy(&what, text);
    }

    /// `o`: a console link — the request's Logs Insights query, else the log group.
    pub(super) fn copy_link(&self, store: &Store, now: DateTime<Utc>, fx: &mut Effects) {
        let Some(line) = self.line_at_hand(store) else {
            fx.say("no line to link to");
            return;
        };
        let function = &line.function;
        let logging = store
            .function(function)
            .map(|f| f.facts.logging.clone())
            .unwrap_or_default();
        let link = match &line.request_id {
            // From a quarter of an hour before the line, so the request's first lines show.
            Some(id) => Link::Request {
                function,
                logging: &logging,
                request_id: id,
                seconds: (now.timestamp_millis() - line.at_ms).max(0) / 1000 + 15 * 60,
            },
            None => Link::LogGroup {
                function,
                logging: &logging,
            },
        };
        let (what, url) = link.url(store);
        fx.copy(&what, url);
    }
}
