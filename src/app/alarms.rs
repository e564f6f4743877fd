//! The alarms view's state: the alarm selected and the scroll, and where Enter on an alarm
//! goes — the function it watches, else the project of the functions it watches.

use super::list::{List, Step};
use super::{App, Screen};
use crate::store::FunctionKey;

#[derive(Debug, Clone, Default)]
pub struct AlarmsPane {
    /// The row selected, in the store's alarm order.
    pub list: List,
}

impl App {
    pub(super) fn open_alarms(&mut self) {
        self.alarms.list.reset();
        self.screen = Screen::Alarms;
    }

    pub(super) fn move_alarm_selection(&mut self, step: Step) {
        self.keep_alarm_in_view();
        self.alarms.list.step(step);
    }

    pub(super) fn keep_alarm_in_view(&mut self) {
        self.alarms.list.set_len(self.store.alarm_list().len());
    }

    /// Enter on an alarm: the detail of the one function it watches; the fleet narrowed to
    /// the project of the several it watches; else a word on why neither.
    pub(super) fn open_alarm(&mut self) {
        let list = self.store.alarm_list();
        let Some((region, alarm)) = list.get(self.alarms.list.selected()) else {
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
