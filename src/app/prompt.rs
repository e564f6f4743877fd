//! The two prompts: the `/` filter (the fleet's, or the log pane's) and the `:` command line,
//! with what is typed into them, Tab completion, and running a command.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::command_line::{self, ArgKind, LineCommand};
use super::mode::Mode;
use super::{Action, App, Screen};
use crate::ui::theme::{self, Theme};

/// Characters a filter holds: more is never a name.
const FILTER_MAX: usize = 64;
/// Characters the command line holds: room for a Logs Insights query.
const LINE_MAX: usize = 1000;

impl App {
    /// The filter the screen types into: the log pane's, or the fleet table's.
    pub fn filter_text(&self) -> &str {
        match &self.screen {
            Screen::Logs(logs) => &logs.lines.layout.filter,
            _ => &self.dashboard.fleet.filter,
        }
    }

    pub(super) fn filter_mut(&mut self) -> &mut String {
        match &mut self.screen {
            Screen::Logs(logs) => &mut logs.lines.layout.filter,
            _ => &mut self.dashboard.fleet.filter,
        }
    }

    /// A key no binding took: text for the prompt being typed.
    pub(super) fn type_into_prompt(&mut self, key: KeyEvent) {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match &mut self.mode {
            Mode::Filter => {
                let filter = self.filter_mut();
                match key.code {
                    KeyCode::Backspace => {
                        filter.pop();
                    }
                    KeyCode::Char(c) if !ctrl && filter.chars().count() < FILTER_MAX => {
                        filter.push(c)
                    }
                    _ => return,
                }
                if !matches!(self.screen, Screen::Logs(_)) {
                    self.dashboard.fleet.scroll.to_top();
                }
            }
            Mode::Command(prompt) => {
                match key.code {
                    // Backspace on an empty line leaves it, as in vi.
                    KeyCode::Backspace if prompt.line.pop().is_none() => self.mode = Mode::Normal,
                    KeyCode::Backspace => {}
                    KeyCode::Char(c) if !ctrl && prompt.line.chars().count() < LINE_MAX => {
                        prompt.line.push(c)
                    }
                    _ => return,
                }
                if let Mode::Command(p) = &mut self.mode {
                    p.matches.clear();
                }
            }
            Mode::Normal | Mode::Help(_) => return,
        }
        self.recompute();
    }

    pub(super) fn complete_line(&mut self) {
        let Mode::Command(prompt) = &self.mode else {
            return;
        };
        let (done, matches) = command_line::complete(&prompt.line, |k| self.candidates(k));
        if let Mode::Command(prompt) = &mut self.mode {
            prompt.line = done;
            prompt.matches = matches;
        }
    }

    /// What an argument of the command line may be.
    fn candidates(&self, kind: ArgKind) -> Vec<String> {
        match kind {
            ArgKind::Function => self
                .store
                .functions()
                .iter()
                .map(|f| f.facts.name.clone())
                .collect(),
            ArgKind::Project => self
                .store
                .projects()
                .into_iter()
                .map(String::from)
                .collect(),
            ArgKind::Region => self.store.regions().into_iter().map(String::from).collect(),
            ArgKind::Account => self.store.account_names(),
            ArgKind::Theme => theme::names(),
            ArgKind::Query => self
                .options
                .queries
                .iter()
                .map(|(n, _)| n.clone())
                .collect(),
            ArgKind::None => Vec::new(),
        }
    }

    pub(super) fn run_line(&mut self, line: &str) {
        match command_line::parse(line) {
            Ok(cmd) => self.run_command(cmd),
            Err(e) => self.effects.say(e),
        }
    }

    fn run_command(&mut self, cmd: LineCommand) {
        match cmd {
            LineCommand::Function(name) => {
                let lower = name.to_lowercase();
                let fns = self.store.functions();
                let found = fns
                    .iter()
                    .find(|f| f.facts.name == name)
                    .or_else(|| {
                        fns.iter()
                            .find(|f| f.facts.name.to_lowercase().contains(&lower))
                    })
                    .map(|f| f.facts.key());
                match found {
                    Some(key) => {
                        self.dashboard.fleet.select(key.clone());
                        self.show(Screen::Detail(key));
                    }
                    None => self.effects.say(format!("no function '{name}'")),
                }
            }
            LineCommand::Project(None) => {
                self.scope.project = None;
                self.show(Screen::Dashboard);
            }
            LineCommand::Project(Some(p)) => {
                if self.store.projects().contains(p.as_str()) {
                    self.narrow_to_project(p);
                } else {
                    self.effects.say(format!("no project '{p}'"));
                }
            }
            LineCommand::Region(r) => {
                let r = r.unwrap_or_default();
                if r.is_empty() || self.store.regions().contains(r.as_str()) {
                    self.dashboard.fleet.filter = r;
                    self.show(Screen::Dashboard);
                    self.dashboard.fleet.scroll.to_top();
                } else {
                    self.effects.say(format!("no functions in region '{r}'"));
                }
            }
            LineCommand::Account(None) => {
                self.scope.account = None;
                self.show(Screen::Dashboard);
                self.dashboard.fleet.scroll.to_top();
            }
            LineCommand::Account(Some(name)) => match self.store.account_named(&name) {
                Some(a) => {
                    self.scope.account = Some(a);
                    self.show(Screen::Dashboard);
                    self.dashboard.fleet.scroll.to_top();
                }
                None if self.store.session().accounts.is_empty() => {
                    self.effects
                        .say("one account is watched: --accounts or several --profile watch more");
                }
                None => {
                    let names = self.store.account_names().join(", ");
                    self.effects
                        .say(format!("no account '{name}' (watched: {names})"));
                }
            },
            LineCommand::At(text) => {
                match self
                    .scope
                    .window
                    .ending_at(&text, self.now(), &chrono::Local)
                {
                    Ok(w) => self.set_window(w),
                    Err(e) => self.effects.say(e),
                }
            }
            LineCommand::Theme(name) => match Theme::load(&name, theme::user_dir().as_deref()) {
                Ok(t) => self.theme = t.fitted(self.options.fit.0, self.options.fit.1),
                Err(e) => self.effects.say(e),
            },
            LineCommand::Logs => self.update(Action::OpenLogs),
            LineCommand::Insights(asked) => self.run_insights(asked),
            LineCommand::Alarms => self.open_alarms(),
            LineCommand::Classes => self.open_classes(),
            LineCommand::Save(file) => self.save(file),
            LineCommand::Export(file) => self.export(file),
            LineCommand::Help => self.update(Action::ToggleHelp),
            LineCommand::Quit => self.update(Action::Quit),
        }
    }
}
