//! What the app shows: its state as the read-only `View` the panes draw from. The panes get
//! plain figures and words; they never see the app.

use super::mode::Mode;
use super::{App, Focus, LogsPart, Screen};
use crate::source::TailTarget;
use crate::view::{
    Body, DetailView, ErrorsView, Facts, FleetTableView, FlowScope, FlowView, Footer, HelpView,
    InsightsView, InvocationsView, LogsView, OpenedLineView, ProjectsView, View,
};

impl App {
    /// The latency class selected while the classes view is open.
    pub fn selected_class(&self) -> Option<crate::store::latency::LatencyClass> {
        match &self.screen {
            Screen::Classes(c) => c.selected(&self.figures),
            _ => None,
        }
    }

    /// The view of this moment, for one frame.
    pub fn view(&self) -> View<'_> {
        // The help is an overlay: the footer under it keeps the screen's keys.
        let context = match self.mode {
            Mode::Help(_) => self.screen.context(),
            _ => self.context(),
        };
        let mut hints = super::keymap::hints(context, self.keys());
        if self.logs.opened.is_some() && context == super::keymap::Context::Logs {
            // A line opened whole: only what acts on that line, not on the list.
            hints.retain(|h| h.global || ["back", "copy"].contains(&h.text));
        }
        let footer = match &self.mode {
            Mode::Command(p) => Footer::Command {
                line: &p.line,
                matches: &p.matches,
                hints,
            },
            _ if let Some(message) = self.message() => Footer::Message(message),
            Mode::Filter => Footer::Filter {
                text: self.filter_text(),
                hints,
            },
            _ => Footer::Hints(hints),
        };
        View {
            facts: Facts::of(&self.store),
            figures: &self.figures,
            now: self.now,
            window: self.window,
            thresholds: &self.options.thresholds,
            interval_secs: self.options.interval_secs,
            project: self.project.as_deref(),
            class: self.class,
            account: self.account,
            body: self.body(),
            fleet: FleetTableView {
                sort: self.fleet.sort,
                descending: self.fleet.descending,
                filter: &self.fleet.filter,
                filter_editing: self.mode.is_filter() && self.screen == Screen::Dashboard,
                selected: self.selected_row(),
                offset: self.fleet.scroll.offset(),
                focused: self.focus == Focus::Fleet,
            },
            flow: FlowView {
                focused: self.focus == Focus::Flow,
                cursor: self.flow.cursor,
                scope: match self.flow_scope() {
                    FlowScope::Fleet => "fleet".to_string(),
                    FlowScope::Project(p) => format!("project {p}"),
                    FlowScope::Account(a) => format!(
                        "account {}",
                        self.store.account_name(a).unwrap_or_else(|| a.to_string())
                    ),
                    FlowScope::Function(k) => k.to_string(),
                },
                of: self.flow_scope(),
            },
            footer,
            help: match &self.mode {
                Mode::Help(scroll) => Some(HelpView {
                    sections: &self.help[usize::from(matches!(self.screen, Screen::Logs { .. }))],
                    scroll: scroll.offset(),
                }),
                _ => None,
            },
            keys: &self.key_names,
        }
    }

    fn body(&self) -> Body<'_> {
        match &self.screen {
            Screen::Dashboard => Body::Dashboard,
            Screen::Detail(key) => Body::Detail(self.store.position(key).map(|index| DetailView {
                function: &self.store.functions()[index],
                index,
            })),
            Screen::Logs {
                target,
                part: LogsPart::Errors,
                ..
            } => Body::LogErrors(ErrorsView {
                label: &target.label,
                groups: &self.errors.groups,
                selected: self.errors.list.selected(),
                offset: self.errors.list.offset(),
                lines: self.errors.lines,
                from_ms: self.errors.from_ms,
                several: target.functions.len() > 1,
            }),
            Screen::Logs {
                target,
                part: LogsPart::Invocations,
                ..
            } => Body::LogInvocations(InvocationsView {
                label: &target.label,
                rows: &self.invocations.rows,
                order: &self.invocations.order,
                only_failures: self.invocations.only_failures,
                by_duration: self.invocations.by_duration,
                selected: self.invocations.list.selected(),
                offset: self.invocations.list.offset(),
                several: target.functions.len() > 1,
            }),
            Screen::Logs {
                target,
                part: LogsPart::Insights,
                ..
            } => Body::LogInsights(InsightsView {
                label: &target.label,
                asked: &self.insights.asked,
                query: &self.insights.query,
                from_ms: self.insights.from_ms,
                to_ms: self.insights.to_ms,
                waited_secs: (self.now.timestamp_millis() - self.insights.asked_ms).max(0) / 1000,
                result: self.insights_answer(),
                selected: self.insights.list.selected(),
                offset: self.insights.list.offset(),
            }),
            Screen::Logs { target, .. } => Body::Logs(self.logs_view(target)),
            Screen::Projects => {
                let order = self.projects.order(&self.figures, self.store.cost());
                ProjectsView {
                    selected: self.projects.selected_row(&order, &self.figures),
                    order,
                    offset: self.projects.scroll.offset(),
                    sort: self.projects.sort,
                    reversed: self.projects.reversed,
                }
                .into()
            }
            Screen::Alarms(a) => Body::Alarms(a.view()),
            Screen::Classes(c) => Body::Classes(c.view()),
        }
    }

    fn logs_view<'a>(&'a self, target: &'a TailTarget) -> LogsView<'a> {
        let l = &self.logs;
        LogsView {
            label: &target.label,
            functions: target.functions.len(),
            max_tailed: TailTarget::MAX_FUNCTIONS,
            bounded: target.range_ms.map(|(from, to)| {
                let window = self.figures.stats().range;
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
            filter: &l.filter,
            filter_editing: self.mode.is_filter(),
            filter_by_cloudwatch: target.filter.is_some(),
            filter_error: l.filter_error.as_deref(),
            pretty_json: l.pretty_json,
            sampled: self.store.logs().sampled(),
            wrap: !l.no_wrap,
            hscroll: l.hscroll,
            hide_platform: l.hide_platform,
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

impl From<ProjectsView> for Body<'_> {
    fn from(p: ProjectsView) -> Self {
        Body::Projects(p)
    }
}
