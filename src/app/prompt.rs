//! What the two prompts need besides the app: editing the text typed (the `/` filter, the `:`
//! line), what an argument of a command may be, and the answers a command finds in the store
//! (the function `:fn` names, the project, region or account it narrows to), or why not in one
//! line. `input` types into the prompts and runs the commands with these.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::command_line::ArgKind;
use crate::store::{AccountId, FunctionKey, Store};
use crate::ui::theme;

/// Characters a filter holds: more is never a name.
pub const FILTER_MAX: usize = 64;
/// Characters the command line holds: room for a Logs Insights query.
pub const LINE_MAX: usize = 1000;

/// What a key did to the text typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typed {
    /// A character added or taken away.
    Changed,
    /// Backspace on empty text.
    Emptied,
    /// Not a key that types.
    Ignored,
}

/// Types `key` into `text`, which holds at most `max` characters.
pub fn type_into(text: &mut String, key: &KeyEvent, max: usize) -> Typed {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Backspace => match text.pop() {
            Some(_) => Typed::Changed,
            None => Typed::Emptied,
        },
        KeyCode::Char(c) if !ctrl && text.chars().count() < max => {
            text.push(c);
            Typed::Changed
        }
        _ => Typed::Ignored,
    }
}

/// What an argument of the command line may be.
pub fn candidates(kind: ArgKind, store: &Store, queries: &[(String, String)]) -> Vec<String> {
    match kind {
        ArgKind::Function => store
            .functions()
            .iter()
            .map(|f| f.facts.name.clone())
            .collect(),
        ArgKind::Project => store.projects().into_iter().map(String::from).collect(),
        ArgKind::Region => store.regions().into_iter().map(String::from).collect(),
        ArgKind::Account => store.account_names(),
        ArgKind::Theme => theme::names(),
        ArgKind::Query => queries.iter().map(|(n, _)| n.clone()).collect(),
        ArgKind::None => Vec::new(),
    }
}

/// `:fn NAME`: the function of that name, else the first whose name holds it (any case).
pub fn function(store: &Store, name: &str) -> Result<FunctionKey, String> {
    let lower = name.to_lowercase();
    let fns = store.functions();
    fns.iter()
        .find(|f| f.facts.name == name)
        .or_else(|| {
            fns.iter()
                .find(|f| f.facts.name.to_lowercase().contains(&lower))
        })
        .map(|f| f.facts.key())
        .ok_or_else(|| format!("no function '{name}'"))
}

/// `:project NAME`: a project of the fleet.
pub fn project(store: &Store, name: String) -> Result<String, String> {
    if store.projects().contains(name.as_str()) {
        Ok(name)
    } else {
        Err(format!("no project '{name}'"))
    }
}

/// `:region [NAME]`: the fleet filter that shows a region (empty: all).
pub fn region(store: &Store, name: Option<String>) -> Result<String, String> {
    let name = name.unwrap_or_default();
    if name.is_empty() || store.regions().contains(name.as_str()) {
        Ok(name)
    } else {
        Err(format!("no functions in region '{name}'"))
    }
}

/// `:account [ID|ALIAS]`: the account to narrow to (`None`: all of them).
pub fn account(store: &Store, name: Option<String>) -> Result<Option<AccountId>, String> {
    let Some(name) = name else {
        return Ok(None);
    };
    match store.account_named(&name) {
        Some(a) => Ok(Some(a)),
        None if store.session().accounts.is_empty() => {
            Err("one account is watched: --accounts or several --profile watch more".into())
        }
        None => {
            let names = store.account_names().join(", ");
            Err(format!("no account '{name}' (watched: {names})"))
        }
    }
}
