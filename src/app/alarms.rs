//! The alarms view's state: the alarm selected and the scroll, and where Enter on an alarm
//! goes — the function it watches, else the project of the functions it watches.

use super::scroll::Scroll;
use super::{Action, App, Screen};
use crate::store::FunctionKey;

#[derive(Debug, Clone, Default)]
pub struct AlarmsPane {
    /// The row selected, in the store's alarm order.
    pub selected: usize,
    pub scroll: Scroll,
}

impl App {
    pub(super) fn open_alarms(&mut self) {
        self.alarms.selected = 0;
        self.alarms.scroll.to_top();
        self.screen = Screen::Alarms;
    }

    pub(super) fn move_alarm_selection(&mut self, action: Action) {
        let len = self.store.alarm_list().len();
        let last = len.saturating_sub(1);
        let page = self.alarms.scroll.page().max(1);
        let s = self.alarms.selected;
        self.alarms.selected = match action {
            Action::Up => s.saturating_sub(1),
            Action::Down => (s + 1).min(last),
            Action::PageUp => s.saturating_sub(page),
            Action::PageDown => (s + page).min(last),
            Action::Top => 0,
            Action::Bottom => last,
            _ => s,
        };
        self.keep_alarm_in_view();
    }

    pub(super) fn keep_alarm_in_view(&mut self) {
        let len = self.store.alarm_list().len();
        self.alarms.scroll.set_len(len);
        self.alarms.selected = self.alarms.selected.min(len.saturating_sub(1));
        self.alarms.scroll.show(self.alarms.selected);
    }

    /// Enter on an alarm: the detail of the one function it watches; the fleet narrowed to
    /// the project of the several it watches; else a word on why neither.
    pub(super) fn open_alarm(&mut self) {
        let list = self.store.alarm_list();
        let Some((region, alarm)) = list.get(self.alarms.selected) else {
            return;
        };
        let keys: Vec<FunctionKey> = alarm
            .functions
            .iter()
            .map(|f| FunctionKey::new(&region.region, f.as_str()).in_account(region.account))
            .filter(|k| self.store.function(k).is_some())
            .collect();
        let mut projects: Vec<&str> = keys
            .iter()
            .filter_map(|k| self.store.function(k))
            .map(|f| f.project.as_str())
            .collect();
        projects.sort_unstable();
        projects.dedup();
        let name = alarm.name.clone();
        match (keys.as_slice(), projects.as_slice()) {
            ([key], _) => {
                let key = key.clone();
                self.fleet.select(key.clone());
                self.screen = Screen::Detail(key);
            }
            (_, [project]) => {
                let project = project.to_string();
                self.projects.selected = Some(project.clone());
                self.project = Some(project);
                self.fleet.scroll.to_top();
                self.screen = Screen::Dashboard;
            }
            ([], _) => self.message = Some(format!("{name} watches no function of the fleet")),
            (_, many) => {
                self.message = Some(format!(
                    "{name} watches {} functions in projects {}",
                    keys.len(),
                    many.join(", ")
                ))
            }
        }
    }
}
