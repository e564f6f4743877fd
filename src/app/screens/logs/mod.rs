//! The log pane: what is tailed (a function, a project, a minute) and its four parts — the
//! lines, their errors by kind, their requests, a Logs Insights query's answer — each with its
//! own state; the keys go to the part shown, and Esc steps back through what was narrowed
//! (a line opened, a kind, a request, a part) before it leaves the pane.

pub mod errors;
pub mod insights;
pub mod invocations;
pub mod lines;

use chrono::{DateTime, Utc};

use super::{Cx, Go};
use crate::app::Action;
use crate::app::list::{List, Step};
use crate::app::screen::LogsPart;
use crate::app::scroll::Scroll;
use crate::logtext::filter::Pattern;
use crate::source::{Control, SourceKind, TailTarget};
use crate::store::Store;
use crate::view::figures::Figures;
use crate::view::{Body, Drawn, LogsView, OpenedLineView};
use errors::LogErrors;
use insights::LogInsights;
use invocations::LogInvocations;
use lines::{LogLayout, LogLines};

/// What the log pane keeps from one target to the next: the filter and the layout, the last
/// query asked and how many were (every query has a new number, so an answer to an older one
/// is never shown for a newer).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogMemory {
    pub layout: LogLayout,
    pub queries: u64,
    pub last_query: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Logs {
    pub target: TailTarget,
    /// Esc goes back to the function's detail.
    pub from_detail: bool,
    pub part: LogsPart,
    pub lines: LogLines,
    pub errors: LogErrors,
    pub invocations: LogInvocations,
    pub insights: LogInsights,
}

impl Logs {
    /// The lines of `target`, following the newest, laid out as last time.
    pub fn open(target: TailTarget, from_detail: bool, memory: &LogMemory) -> Logs {
        Logs {
            target,
            from_detail,
            part: LogsPart::Lines,
            lines: LogLines::open(&memory.layout),
            errors: LogErrors::default(),
            invocations: LogInvocations::default(),
            insights: LogInsights::default(),
        }
    }

    /// `e`, `i`: a view of the lines held (their errors by kind, their requests), from the top.
    pub fn open_part(&mut self, part: LogsPart) {
        self.part = part;
        match part {
            LogsPart::Errors => self.errors.reset(),
            LogsPart::Invocations => self.invocations.reset(),
            LogsPart::Insights | LogsPart::Lines => {}
        }
    }

    /// `:insights`: `asked` (a query, or the name of one of `queries`) over these logs — the
    /// span they were read over, else `range` — as a new query whose answer is the part shown;
    /// the order that runs it.
    pub fn ask(
        &mut self,
        asked: String,
        memory: &mut LogMemory,
        queries: &[(String, String)],
        range: (i64, i64),
        now: DateTime<Utc>,
    ) -> Control {
        memory.queries += 1;
        memory.last_query = Some(asked.clone());
        let range = self.target.range_ms.unwrap_or(range);
        let (pane, run) = LogInsights::ask(memory.queries, asked, queries, range, now);
        self.insights = pane;
        self.part = LogsPart::Insights;
        run
    }

    pub fn on(&mut self, action: Action, cx: &mut Cx) -> Go {
        if let Some(step) = Step::of(action) {
            match self.part {
                LogsPart::Lines => self.lines.move_by(step),
                LogsPart::Errors => self.errors.step(step),
                LogsPart::Invocations => self.invocations.step(step),
                LogsPart::Insights => self.insights.step(step, cx.store),
            }
            return Go::Stay;
        }
        let part = self.part;
        match action {
            Action::Back => return self.back(),
            Action::CopyLine if part == LogsPart::Insights => {
                if let Some(row) = self.insights.selected_row(cx.store) {
                    cx.effects.copy("the row", row);
                }
            }
            Action::CopyLine if part == LogsPart::Errors => {
                if let Some(sample) = self.errors.sample() {
                    cx.effects.copy("the error's sample", sample);
                }
            }
            Action::CopyLine => self.lines.copy_line(false, cx.store, cx.effects),
            Action::CopyRequestId if part == LogsPart::Invocations => {
                if let Some(id) = self.invocations.selected_id() {
                    cx.effects.copy(&format!("request id {id}"), id);
                }
            }
            Action::CopyRequestId => self.lines.copy_line(true, cx.store, cx.effects),
            Action::CopyLink => self.lines.copy_link(cx.store, cx.now, cx.effects),
            Action::SortNext if part == LogsPart::Invocations => self.invocations.toggle_sort(),
            Action::ToggleFailuresOnly => self.invocations.toggle_failures_only(),
            Action::OpenInvocations => self.open_part(LogsPart::Invocations),
            Action::OpenErrors => self.open_part(LogsPart::Errors),
            Action::OpenErrorKind => {
                let Some(kind) = self.errors.selected_kind() else {
                    return Go::Stay;
                };
                self.lines.kind = Some(kind);
                self.lines.follow_newest();
                self.part = LogsPart::Lines;
            }
            Action::OpenRequest => {
                let Some((request, read)) = self.invocations.selected_request() else {
                    return Go::Stay;
                };
                // All of the request's lines, not only those the tail held.
                cx.effects.send(read);
                self.lines.request = Some(request);
                self.lines.follow_newest();
                self.part = LogsPart::Lines;
            }
            Action::TogglePause => self.lines.toggle_pause(),
            Action::TogglePrettyJson => {
                self.lines.layout.pretty_json = !self.lines.layout.pretty_json
            }
            Action::ToggleWrap => self.lines.toggle_wrap(),
            Action::ScrollLeft | Action::ScrollRight => {
                self.lines
                    .scroll_sideways(action == Action::ScrollRight, &cx.keys.wrap, cx.effects)
            }
            Action::OpenLine => self.lines.open_line(cx.store),
            Action::TogglePlatformLines => {
                self.lines.layout.hide_platform = !self.lines.layout.hide_platform
            }
            _ => return Go::Pass,
        }
        Go::Stay
    }

    /// Esc: a part back to the lines; on the lines, the line opened, then the kind of error
    /// or the request narrowed to (back to the part it was picked in); then out of the pane.
    fn back(&mut self) -> Go {
        if self.part != LogsPart::Lines {
            self.part = LogsPart::Lines;
            return Go::Stay;
        }
        if self.lines.opened.take().is_some() {
            return Go::Stay;
        }
        if self.lines.kind.take().is_some() {
            self.open_part(LogsPart::Errors);
            return Go::Stay;
        }
        if self.lines.request.take().is_some() {
            self.part = LogsPart::Invocations;
            return Go::Stay;
        }
        Go::Back
    }

    /// A log filter only CloudWatch understands (JSON, space-delimited) goes to the tail on an
    /// AWS account, which reads again with it; a text filter is applied on screen.
    pub fn apply_filter(&mut self, cx: &mut Cx) {
        let f = self.lines.layout.filter.trim();
        let by_cloudwatch = cx.store.session().kind == SourceKind::Aws
            && !f.is_empty()
            && Pattern::parse(f).is_err();
        let filter = by_cloudwatch.then(|| f.to_string());
        if filter == self.target.filter {
            return;
        }
        self.target.filter = filter;
        cx.effects.send(Control::Tail(Some(self.target.clone())));
    }

    /// Brings the part shown up to date with the store's lines.
    pub fn follow(&mut self, store: &Store, words: &[String]) {
        self.lines.follow_store(store, &self.target, words);
        match self.part {
            LogsPart::Errors => self.errors.follow_store(store, &self.target, words),
            LogsPart::Invocations => self.invocations.follow_store(store, &self.target, words),
            LogsPart::Lines | LogsPart::Insights => {}
        }
        self.insights.follow_store(store);
    }

    /// Takes what the last frame drew: the pages the keys move by.
    pub fn drawn(&mut self, drawn: &Drawn) {
        if let Some(l) = drawn.logs {
            self.lines.drawn(l);
        }
        if let Some(t) = drawn.errors {
            self.errors.drawn(t.rows);
        }
        if let Some(t) = drawn.invocations {
            self.invocations.drawn(t.rows);
        }
        if let Some(t) = drawn.insights {
            self.insights.drawn(t.rows);
        }
    }

    /// What a new frame size can move.
    pub fn position(&self) -> (Scroll, [List; 3]) {
        (
            self.lines.scroll,
            [self.errors.list, self.invocations.list, self.insights.list],
        )
    }

    /// The part shown, for the frame; `filter_editing`: the `/` filter is being typed.
    pub fn view<'a>(
        &'a self,
        store: &'a Store,
        figures: &Figures,
        now: DateTime<Utc>,
        filter_editing: bool,
    ) -> Body<'a> {
        match self.part {
            LogsPart::Errors => Body::LogErrors(self.errors.view(&self.target)),
            LogsPart::Invocations => Body::LogInvocations(self.invocations.view(&self.target)),
            LogsPart::Insights => Body::LogInsights(self.insights.view(&self.target, store, now)),
            LogsPart::Lines => Body::Logs(self.lines_view(store, figures, filter_editing)),
        }
    }

    fn lines_view<'a>(
        &'a self,
        store: &'a Store,
        figures: &Figures,
        filter_editing: bool,
    ) -> LogsView<'a> {
        let (l, target) = (&self.lines, &self.target);
        LogsView {
            label: &target.label,
            functions: target.functions.len(),
            max_tailed: TailTarget::MAX_FUNCTIONS,
            bounded: target.range_ms.map(|(from, to)| {
                let window = figures.stats().range;
                match to - from + 1 {
                    60_000 => "minute",
                    ms if ms == window.minutes() * 60_000 && from == window.first.start_ms() => {
                        "window"
                    }
                    _ => "period",
                }
            }),
            lines: l.lines(),
            paused_waiting: l.paused_at.map(|_| l.waiting()),
            top: l.top(),
            filter: &l.layout.filter,
            filter_editing,
            filter_by_cloudwatch: target.filter.is_some(),
            filter_error: l.filter_error.as_deref(),
            pretty_json: l.layout.pretty_json,
            sampled: store.logs().sampled(),
            wrap: !l.layout.no_wrap,
            hscroll: l.hscroll,
            hide_platform: l.layout.hide_platform,
            selected: l.selected,
            kind: l.kind.as_ref().map(|k| k.fingerprint.as_str()),
            request: l.request.as_ref().map(|r| r.id.as_str()),
            opened: l.opened.as_ref().map(|o| OpenedLineView {
                line: &o.line,
                report: o.report.as_deref(),
                scroll: o.scroll.offset(),
            }),
        }
    }
}
