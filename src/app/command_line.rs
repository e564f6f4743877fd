//! The command line on `:`, in the manner of k9s: `:fn NAME`, `:project NAME`, `:region NAME`,
//! `:account NAME`, `:at TIME`, `:alarms`, `:classes`, `:theme NAME`, `:logs`, `:insights QUERY|NAME`, with Tab
//! completing commands and their arguments.

/// A command typed on the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineCommand {
    /// Open a function's detail.
    Function(String),
    /// Narrow to a project; `None` widens.
    Project(Option<String>),
    /// Show one region's functions; `None` shows all.
    Region(Option<String>),
    /// Narrow to one account (its id or alias); `None` widens.
    Account(Option<String>),
    /// End the window at a moment in the past, as typed (`now`: live again).
    At(String),
    Theme(String),
    Alarms,
    Classes,
    Logs,
    /// A Logs Insights query, or a named one, as typed; `None`: the last one again.
    Insights(Option<String>),
    /// Write what the store holds to a recording (`None`: a file named by the time).
    Save(Option<String>),
    /// Write the fleet table's rows, as shown, to a CSV file.
    Export(String),
    Help,
    Quit,
}

/// The commands, with the names they answer to (the first is the one completed to).
pub const COMMANDS: [(&[&str], &str); 14] = [
    (
        &["fn", "function", "func"],
        "NAME  open a function's detail",
    ),
    (
        &["project", "proj"],
        "[NAME]  narrow to a project (none: all)",
    ),
    (
        &["region", "rg"],
        "[NAME]  one region's functions (none: all)",
    ),
    (
        &["account", "acct"],
        "[ID|ALIAS]  one account's functions (none: all)",
    ),
    (
        &["at"],
        "TIME  the window ending then: 02:00, -9h, 2026-12-05 02:00 (now: live)",
    ),
    (&["alarms", "alarm"], "the alarms, those in ALARM first"),
    (
        &["classes", "class"],
        "the latency classes against their budgets",
    ),
    (&["theme"], "NAME  switch the color theme"),
    (&["logs"], "the selected function's logs"),
    (
        &["insights", "in"],
        "QUERY|NAME  Logs Insights over the logs shown",
    ),
    (
        &["save", "w"],
        "[FILE]  keep this picture for --replay (default lambdatop-DATE-TIME.ltrec)",
    ),
    (
        &["export"],
        "FILE  the table's rows, as shown, to a CSV file",
    ),
    (&["help"], "every key"),
    (&["quit", "q"], "quit"),
];

/// The commands' names, as errors list them: "fn, project, region, …".
fn verbs() -> String {
    let names: Vec<&str> = COMMANDS.iter().map(|(names, _)| names[0]).collect();
    names.join(", ")
}

/// Reads a command line (without its `:`).
pub fn parse(line: &str) -> Result<LineCommand, String> {
    let mut words = line.split_whitespace();
    let Some(verb) = words.next() else {
        return Err(format!("type a command: {}", verbs()));
    };
    // A query keeps its spacing (a pattern may hold two spaces); other arguments are words.
    let raw = line.trim_start()[verb.len()..].trim();
    let rest: Vec<&str> = words.collect();
    let arg = (!rest.is_empty()).then(|| rest.join(" "));
    let Some((names, _)) = COMMANDS.iter().find(|(names, _)| names.contains(&verb)) else {
        return Err(format!("unknown command '{verb}': {}", verbs()));
    };
    let need = |what: &str| {
        arg.clone()
            .ok_or_else(|| format!(":{} needs {what}", names[0]))
    };
    Ok(match names[0] {
        "fn" => LineCommand::Function(need("a function name")?),
        "project" => LineCommand::Project(arg),
        "region" => LineCommand::Region(arg),
        "account" => LineCommand::Account(arg),
        "at" => LineCommand::At(need("a time (02:00, -9h, now)")?),
        "theme" => LineCommand::Theme(need("a theme name")?),
        "logs" => LineCommand::Logs,
        "insights" => LineCommand::Insights((!raw.is_empty()).then(|| raw.to_string())),
        "alarms" => LineCommand::Alarms,
        "classes" => LineCommand::Classes,
        "save" => LineCommand::Save(arg),
        "export" => LineCommand::Export(need("a file name")?),
        "help" => LineCommand::Help,
        _ => LineCommand::Quit,
    })
}

/// What an argument of `verb` may be, for completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    Function,
    Project,
    Region,
    Account,
    Theme,
    /// A named Logs Insights query.
    Query,
    None,
}

pub fn arg_kind(verb: &str) -> ArgKind {
    match COMMANDS
        .iter()
        .find(|(names, _)| names.contains(&verb))
        .map(|(names, _)| names[0])
    {
        Some("fn") => ArgKind::Function,
        Some("project") => ArgKind::Project,
        Some("region") => ArgKind::Region,
        Some("account") => ArgKind::Account,
        Some("theme") => ArgKind::Theme,
        Some("insights") => ArgKind::Query,
        _ => ArgKind::None,
    }
}

/// Completes `line` with `candidates(kind)` for an argument: the longest common prefix of the
/// matches (all of it, and a space after a command, when only one matches). Returns the new
/// line and the matches, for the footer to show.
pub fn complete(line: &str, candidates: impl Fn(ArgKind) -> Vec<String>) -> (String, Vec<String>) {
    match line.split_once(' ') {
        None => {
            let matches: Vec<String> = COMMANDS
                .iter()
                .filter(|(names, _)| names.iter().any(|n| n.starts_with(line)))
                .map(|(names, _)| names[0].to_string())
                .collect();
            match matches.as_slice() {
                [one] => (format!("{one} "), matches),
                _ => (common_prefix(line, &matches), matches),
            }
        }
        Some((verb, arg)) => {
            let arg = arg.trim_start();
            let lower = arg.to_lowercase();
            let mut matches: Vec<String> = candidates(arg_kind(verb))
                .into_iter()
                .filter(|c| c.to_lowercase().starts_with(&lower))
                .collect();
            matches.sort();
            matches.dedup();
            let done = match matches.as_slice() {
                [one] => one.clone(),
                _ => common_prefix(arg, &matches),
            };
            (format!("{verb} {done}"), matches)
        }
    }
}

/// The longest prefix all `words` share, at least `typed`.
fn common_prefix(typed: &str, words: &[String]) -> String {
    let Some(first) = words.first() else {
        return typed.to_string();
    };
    let mut prefix: String = first.clone();
    for w in &words[1..] {
        let n = prefix
            .chars()
            .zip(w.chars())
            .take_while(|(a, b)| a == b)
            .count();
        prefix = prefix.chars().take(n).collect();
    }
    if prefix.chars().count() < typed.chars().count() {
        typed.to_string()
    } else {
        prefix
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_and_their_arguments() {
        assert_eq!(
            parse("fn checkout-api"),
            Ok(LineCommand::Function("checkout-api".into()))
        );
        assert_eq!(
            parse("proj payments"),
            Ok(LineCommand::Project(Some("payments".into())))
        );
        assert_eq!(parse("project"), Ok(LineCommand::Project(None)));
        assert_eq!(parse("  logs "), Ok(LineCommand::Logs));
        assert_eq!(parse("q"), Ok(LineCommand::Quit));
        assert_eq!(
            parse("in filter @message like /a  b/ | limit 5 "),
            Ok(LineCommand::Insights(Some(
                "filter @message like /a  b/ | limit 5".into()
            )))
        );
        assert_eq!(parse("insights"), Ok(LineCommand::Insights(None)));
        assert_eq!(parse("fn"), Err(":fn needs a function name".into()));
        assert!(
            parse("deploy x")
                .unwrap_err()
                .starts_with("unknown command 'deploy'")
        );
    }

    #[test]
    fn tab_completes_commands_then_arguments() {
        let names = |k: ArgKind| match k {
            ArgKind::Function => vec![
                "checkout-api".into(),
                "checkout-tax-calc".into(),
                "search-query".into(),
            ],
            ArgKind::Theme => vec!["dark".into(), "light".into()],
            _ => vec![],
        };
        assert_eq!(complete("pro", names).0, "project ");
        assert_eq!(complete("fn che", names).0, "fn checkout-");
        assert_eq!(complete("fn che", names).1.len(), 2);
        assert_eq!(complete("fn s", names).0, "fn search-query");
        assert_eq!(complete("theme l", names).0, "theme light");
        assert_eq!(complete("fn zz", names), ("fn zz".to_string(), vec![]));
        let (line, all) = complete("", names);
        assert_eq!((line.as_str(), all.len()), ("", COMMANDS.len()));
    }
}
