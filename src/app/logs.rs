//! Opening the log pane: what to tail for a key (the selected function, its project, the
//! project selected, the minute picked on the task flow; in a window in the past, that
//! window's lines), a part of it opened from a function's detail, and `:insights`.

use super::screens::logs::Logs;
use super::screens::logs::insights::LogInsights;
use super::{App, Focus, LogsPart, Screen};
use crate::source::aws::console;
use crate::source::{Control, TailTarget};
use crate::store::FunctionKey;

impl App {
    /// `o` in a function's detail: its page in the Lambda console.
    pub(super) fn copy_function_link(&mut self) {
        let Screen::Detail(key) = &self.screen else {
            return;
        };
        let partition = self
            .store
            .identity()
            .map_or_else(|| "aws".to_string(), |i| i.partition.clone());
        let url = console::function_url(&partition, &key.region, &key.name);
        self.effects.copy(&format!("console URL of {key}"), url);
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
        if let Some(p) = self.projects().and_then(|p| p.selected()) {
            return self.project_target(p);
        }
        let key = match &self.screen {
            Screen::Detail(k) => Some(k.clone()),
            _ => self.dashboard.fleet.selected.clone(),
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
        if target.range_ms.is_some() || !self.scope.window.is_past() {
            return target;
        }
        let r = self.figures.stats().range;
        target.range_ms = Some((r.first.start_ms(), r.last_minute().ms_range().1));
        target.label = format!(
            "{} · {}",
            target.label,
            crate::ui::format::window(self.scope.window, r, self.now)
        );
        target
    }

    /// The ARNs the inventory gave of `keys`, for the tail to find their log groups.
    fn function_arns(&self, keys: &[FunctionKey]) -> Vec<String> {
        keys.iter()
            .filter_map(|k| self.store.function(k)?.facts.arn.clone())
            .collect()
    }

    /// A filter typed in the log pane: applied on screen, or handed to CloudWatch.
    pub(super) fn apply_log_filter(&mut self) {
        let mut cx = super::cx!(self);
        if let Screen::Logs(logs) = &mut self.screen {
            logs.apply_filter(&mut cx);
        }
    }

    pub(super) fn open_logs(&mut self, project: bool) {
        let target = match (
            self.dashboard.focus,
            self.dashboard.flow.cursor,
            &self.screen,
        ) {
            (Focus::Flow, Some(m), Screen::Dashboard) => {
                super::flow::minute_target(&self.store, &self.figures, &self.flow_scope(), m)
            }
            _ => self.tail_target(project),
        };
        let Some(target) = target.map(|t| self.in_past_window(t)) else {
            return;
        };
        let from_detail = matches!(self.screen, Screen::Detail(_));
        self.effects.send(Control::Tail(Some(target.clone())));
        let logs = Logs::open(target, from_detail, &self.memory.logs);
        self.show(Screen::Logs(Box::new(logs)));
    }

    /// `e`, `i` in a function's detail: a view of its logs' lines.
    pub(super) fn open_log_part(&mut self, part: LogsPart) {
        if matches!(self.screen, Screen::Detail(_)) {
            self.open_logs(false);
        }
        if let Screen::Logs(logs) = &mut self.screen {
            logs.open_part(part);
        }
    }

    /// `:insights QUERY|NAME` (none: the last query again) over the logs shown, or the
    /// selected function's from the fleet or a detail.
    pub(super) fn run_insights(&mut self, asked: Option<String>) {
        let Some(asked) = asked.or_else(|| self.memory.logs.last_query.clone()) else {
            let names: Vec<&str> = self
                .options
                .queries
                .iter()
                .map(|(n, _)| n.as_str())
                .collect();
            self.effects.say(format!(
                ":insights needs a query or one of: {}",
                names.join(", ")
            ));
            return;
        };
        if !matches!(self.screen, Screen::Logs(_)) {
            self.open_logs(false);
        }
        let Screen::Logs(logs) = &mut self.screen else {
            self.effects
                .say("no function selected to query the logs of");
            return;
        };
        let now_ms = self.now.timestamp_millis();
        let range = logs
            .target
            .range_ms
            .unwrap_or_else(|| match self.scope.window.end() {
                None => (
                    now_ms - i64::from(self.scope.window.minutes()) * 60_000,
                    now_ms,
                ),
                Some(_) => {
                    let r = self.figures.stats().range;
                    (r.first.start_ms(), r.last_minute().ms_range().1)
                }
            });
        self.memory.logs.queries += 1;
        self.memory.logs.last_query = Some(asked.clone());
        let (pane, run) = LogInsights::ask(
            self.memory.logs.queries,
            asked,
            &self.options.queries,
            range,
            self.now,
        );
        logs.show_query(pane);
        self.effects.send(run);
    }
}
