//! A function's detail: its facts, charts and releases. It shows the function selected in the
//! fleet table, so the movement keys are the table's (the app moves the selection and the
//! detail follows it); the detail's own keys are the console link and Esc.

use super::{Cx, Go};
use crate::app::Action;
use crate::source::aws::console::Link;
use crate::store::{FunctionKey, Store};
use crate::view::DetailView;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    pub key: FunctionKey,
}

impl Detail {
    pub fn open(key: FunctionKey) -> Detail {
        Detail { key }
    }

    pub fn on(&self, action: Action, cx: &mut Cx) -> Go {
        match action {
            // `o`: the function's page in the Lambda console.
            Action::CopyLink => {
                let (what, url) = Link::Function(&self.key).url(cx.store);
                cx.effects.copy(&what, url);
                Go::Stay
            }
            Action::Back => Go::Back,
            _ => Go::Pass,
        }
    }

    /// The function, while the store has it (`None`: it left the inventory).
    pub fn view<'a>(&self, store: &'a Store) -> Option<DetailView<'a>> {
        let index = store.position(&self.key)?;
        Some(DetailView {
            function: &store.functions()[index],
            index,
        })
    }
}
