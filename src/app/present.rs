//! What the app shows: its state as the read-only `View` the panes draw from. The panes get
//! plain figures and words; they never see the app.

use super::mode::Mode;
use super::{App, Focus, Screen};
use crate::view::figures::Query;
use crate::view::{Body, Facts, FleetTableView, FlowScope, FlowView, Footer, View};

impl App {
    /// Recomputes what changed of the figures for what the panes are narrowed to, and keeps a
    /// function selected while there are rows (the first one by default).
    pub(super) fn recompute_figures(&mut self) {
        let scope = self.flow_scope();
        let q = Query {
            window: self.scope.window,
            filter: &self.dashboard.fleet.filter,
            project: self.scope.project.as_deref(),
            account: self.scope.account,
            class: self.scope.class,
            chart_project: match &self.screen {
                Screen::Projects(p) => p.selected(),
                _ => None,
            },
            detail: match &self.screen {
                Screen::Detail(d) => Some(&d.key),
                _ => None,
            },
            sort: self.dashboard.fleet.sort,
            descending: self.dashboard.fleet.descending,
            scope: &scope,
        };
        self.figures.update(&self.store, &q, self.now);
        self.dashboard.fleet.follow(&self.store, &self.figures);
    }

    /// Position of the selected function among the fleet table's rows.
    pub fn selected_row(&self) -> Option<usize> {
        self.dashboard
            .fleet
            .selected_row(&self.store, &self.figures)
    }

    /// What the task-flow graph shows now.
    pub fn flow_scope(&self) -> FlowScope {
        let selected = self.dashboard.fleet.selected.as_ref();
        self.dashboard
            .flow
            .scope(&self.store, selected, &self.scope)
    }

    /// The latency class selected while the classes view is open.
    pub fn selected_class(&self) -> Option<crate::store::latency::LatencyClass> {
        match &self.screen {
            Screen::Classes(c) => c.selected(&self.figures),
            _ => None,
        }
    }

    /// The filter the screen types into: the log pane's, or the fleet table's.
    pub fn filter_text(&self) -> &str {
        match &self.screen {
            Screen::Logs(logs) => &logs.lines.layout.filter,
            _ => &self.dashboard.fleet.filter,
        }
    }

    /// The projects pane, while it is shown.
    pub fn projects(&self) -> Option<&super::screens::projects::Projects> {
        match &self.screen {
            Screen::Projects(p) => Some(p),
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
        if matches!(&self.screen, Screen::Logs(l) if l.lines.opened.is_some())
            && context == super::keymap::Context::Logs
        {
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
            window: self.scope.window,
            thresholds: &self.options.thresholds,
            interval_secs: self.options.interval_secs,
            project: self.scope.project.as_deref(),
            class: self.scope.class,
            account: self.scope.account,
            body: self.body(),
            fleet: FleetTableView {
                sort: self.dashboard.fleet.sort,
                descending: self.dashboard.fleet.descending,
                filter: &self.dashboard.fleet.filter,
                filter_editing: self.mode.is_filter() && matches!(self.screen, Screen::Dashboard),
                selected: self.selected_row(),
                offset: self.dashboard.fleet.scroll.offset(),
                focused: self.dashboard.focus == Focus::Fleet,
            },
            flow: FlowView {
                focused: self.dashboard.focus == Focus::Flow,
                cursor: self.dashboard.flow.cursor,
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
                Mode::Help(help) => {
                    Some(help.view(self.keys.help(matches!(self.screen, Screen::Logs(_)))))
                }
                _ => None,
            },
            keys: &self.keys.names,
        }
    }

    fn body(&self) -> Body<'_> {
        match &self.screen {
            Screen::Dashboard => Body::Dashboard,
            Screen::Detail(d) => Body::Detail(d.view(&self.store)),
            Screen::Logs(logs) => {
                logs.view(&self.store, &self.figures, self.now, self.mode.is_filter())
            }
            Screen::Projects(p) => Body::Projects(p.view(&self.figures)),
            Screen::Alarms(a) => Body::Alarms(a.view()),
            Screen::Classes(c) => Body::Classes(c.view()),
        }
    }
}
