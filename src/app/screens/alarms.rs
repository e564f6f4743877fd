//! The alarms view: those in ALARM first (the store keeps them in that order); the keys move
//! among them, and Enter goes where an alarm points — the function it watches, else the project
//! of the functions it watches, else a word on why neither.

use super::{Cx, Go};
use crate::app::Action;
use crate::app::list::{List, Step};
use crate::store::{FunctionKey, Store};
use crate::view::AlarmsView;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Alarms {
    /// The row selected, in the store's alarm order.
    list: List,
}

impl Alarms {
    /// Opened on the first alarm, the most pressing.
    pub fn open() -> Alarms {
        Alarms::default()
    }

    pub fn on(&mut self, action: Action, cx: &mut Cx) -> Go {
        if let Some(step) = Step::of(action) {
            self.follow(cx.store);
            self.list.step(step);
            return Go::Stay;
        }
        match action {
            Action::OpenAlarm => self.open_selected(cx),
            Action::Back => Go::Back,
            _ => Go::Pass,
        }
    }

    /// Keeps the selection among the alarms there are, as they come and go.
    pub fn follow(&mut self, store: &Store) {
        self.list.set_len(store.alarm_list().len());
    }

    /// The frame drawn shows `rows` alarms at a time.
    pub fn drawn(&mut self, rows: usize) {
        self.list.set_page(rows);
    }

    fn open_selected(&self, cx: &mut Cx) -> Go {
        let store = cx.store;
        let list = store.alarm_list();
        let Some((region, alarm)) = list.get(self.list.selected()) else {
            return Go::Stay;
        };
        let keys: Vec<FunctionKey> = alarm
            .functions
            .iter()
            .map(|f| FunctionKey::new(&region.region, f.as_str()).in_account(region.account))
            .filter(|k| store.function(k).is_some())
            .collect();
        let mut projects: Vec<&str> = keys
            .iter()
            .filter_map(|k| store.function(k))
            .map(|f| f.project.as_str())
            .collect();
        projects.sort_unstable();
        projects.dedup();
        let name = &alarm.name;
        match (keys.as_slice(), projects.as_slice()) {
            ([key], _) => Go::OpenDetail(key.clone()),
            (_, [project]) => Go::NarrowToProject(project.to_string()),
            ([], _) => {
                cx.effects
                    .say(format!("{name} watches no function of the fleet"));
                Go::Stay
            }
            (_, many) => {
                cx.effects.say(format!(
                    "{name} watches {} functions in projects {}",
                    keys.len(),
                    many.join(", ")
                ));
                Go::Stay
            }
        }
    }

    pub fn view(&self) -> AlarmsView {
        AlarmsView {
            selected: self.list.selected(),
            offset: self.list.offset(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::effects::Effects;
    use crate::source::demo::DEFAULT_SEED;
    use crate::source::demo::fixture::{demo_store, moment};
    use crate::store::SourceEvent;
    use crate::store::alarms::{Alarm, AlarmKind, AlarmState, RegionAlarms};
    use crate::view::figures::Figures;

    fn alarm(name: &str, functions: &[&str]) -> Alarm {
        Alarm {
            name: name.into(),
            kind: AlarmKind::Metric,
            state: AlarmState::Alarm,
            since: Some(moment()),
            reason: String::new(),
            functions: functions.iter().map(|f| f.to_string()).collect(),
        }
    }

    /// Enter on an alarm goes to the one function it watches; to the project of the several
    /// it watches; and where neither is one, it stays and the footer says why.
    #[test]
    fn enter_opens_the_function_else_the_project_else_says_why() {
        let mut store = demo_store(DEFAULT_SEED, moment());
        let region = "eu-west-1";
        let mut here: Vec<(String, String)> = store
            .functions()
            .iter()
            .filter(|f| f.facts.key().region == region)
            .map(|f| (f.project.clone(), f.facts.key().name.to_string()))
            .collect();
        here.sort();
        let same = here.windows(2).find(|w| w[0].0 == w[1].0).unwrap();
        let (a, b) = (same[0].1.clone(), same[1].1.clone());
        let other = here
            .iter()
            .find(|(p, _)| *p != same[0].0)
            .unwrap()
            .1
            .clone();
        store.apply(SourceEvent::Alarms {
            region: region.into(),
            alarms: Box::new(RegionAlarms {
                alarms: vec![
                    alarm("1-one", &[&a]),
                    alarm("2-two", &[&a, &b]),
                    alarm("3-apart", &[&a, &other]),
                    alarm("4-none", &["not-in-the-fleet"]),
                ],
                recovered: Vec::new(),
                read_at: moment(),
            }),
        });
        let (figures, mut effects) = (Figures::default(), Effects::default());
        let keys = crate::view::KeyNames::default();
        let mut cx = Cx {
            store: &store,
            figures: &figures,
            now: moment(),
            keys: &keys,
            effects: &mut effects,
        };
        let row = |name: &str| {
            let list = store.alarm_list();
            list.iter().position(|(_, al)| al.name == name).unwrap()
        };
        let at = |name: &str, cx: &mut Cx| {
            let mut s = Alarms::open();
            s.on(Action::Top, cx);
            for _ in 0..row(name) {
                s.on(Action::Down, cx);
            }
            s.on(Action::OpenAlarm, cx)
        };
        match at("1-one", &mut cx) {
            Go::OpenDetail(k) => assert_eq!((k.region.as_str(), k.name.as_str()), (region, &*a)),
            go => panic!("{go:?}"),
        }
        assert_eq!(at("2-two", &mut cx), Go::NarrowToProject(same[0].0.clone()));
        assert_eq!(cx.effects.message(), None);
        assert_eq!(at("3-apart", &mut cx), Go::Stay);
        let said = cx.effects.message().unwrap().to_string();
        assert!(
            said.starts_with("3-apart watches 2 functions in projects "),
            "{said}"
        );
        assert_eq!(at("4-none", &mut cx), Go::Stay);
        assert_eq!(
            cx.effects.message(),
            Some("4-none watches no function of the fleet")
        );
        // Keys that are not the view's are the app's.
        assert_eq!(Alarms::open().on(Action::Quit, &mut cx), Go::Pass);
    }
}
