//! The config file: `$XDG_CONFIG_HOME/lambdatop/config.toml` (`~/.config/...`), or `--config
//! PATH`. It sets what the flags set — profile, regions, project tag, cadences, window,
//! thresholds, scrollback, theme — and the flags given on the command line override it. A bad
//! file stops lambdatop at start with one line naming the file, the line and what was expected.

use std::path::{Path, PathBuf};

use clap::ArgMatches;
use clap::parser::ValueSource;
use serde::Deserialize;

use crate::cli::{GlobalArgs, parse_age};
use crate::store::Window;

/// The commented default, as `lambdatop config --print-default` writes it.
pub const DEFAULT: &str = r#"# lambdatop configuration: ~/.config/lambdatop/config.toml (or --config PATH).
# Every setting is optional; flags given on the command line override it.

# The AWS profile (else AWS_PROFILE, else the default profile).
# profile = "prod"

# Regions to watch, each polled in its own task (else the profile's or AWS_REGION's region).
# regions = ["us-east-1", "eu-west-1"]

# Send every AWS request here (an emulator, a VPC endpoint).
# endpoint_url = "http://127.0.0.1:5000"

# The tag that names a function's project (then its CloudFormation stack, then its name's
# prefix before the first - or _).
# project_tag = "project"

# Seconds between metric polls (5 to 3600).
# interval = 60

# Seconds between inventory polls: functions, configuration, tags (10 to 86400).
# inventory_refresh = 300

# The look-back window: 15m, 1h, 3h or any number of minutes up to 3h.
# window = "1h"

# Log lines the log pane keeps (100 to 1000000).
# scrollback = 10000

# dark, light, high-contrast, solarized-dark, a NAME.toml in ~/.config/lambdatop/themes/,
# or a theme file's path.
# theme = "dark"

# How long a Cost Explorer answer is kept and used: 30m, 6h, 1d.
# cost_ttl = "6h"

# When a row is highlighted as breaching.
[thresholds]
# Error rate at or above which a function is failing (0 to 1).
# error_rate = 0.05
# p99 duration as a share of the timeout at or above which it is at risk (0 to 1).
# p99_of_timeout = 0.8
# Peak memory as a share of the memory size at or above which it is about to run out (0 to 1).
# memory_used = 0.9

# Keys: an action's keys replace its defaults everywhere (help and footer show them). Actions:
# quit help window_15m window_1h window_3h refresh command up down page_up page_down top bottom
# open logs project_logs filter sort sort_reverse next_pane previous_pane projects flow_of
# minute_earlier minute_later back pause json narrow. Keys: x, X, ctrl-x, enter, esc, tab,
# space, up, down, left, right, pgup, pgdn, home, end, f1-f12.
[keys]
# projects = "P"
# down = ["j", "ctrl-n"]
"#;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    profile: Option<String>,
    regions: Option<Vec<String>>,
    endpoint_url: Option<String>,
    project_tag: Option<String>,
    interval: Option<u64>,
    inventory_refresh: Option<u64>,
    window: Option<String>,
    scrollback: Option<u64>,
    theme: Option<String>,
    cost_ttl: Option<String>,
    thresholds: Option<ThresholdsFile>,
    keys: Option<std::collections::BTreeMap<String, KeySpec>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum KeySpec {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThresholdsFile {
    error_rate: Option<f64>,
    p99_of_timeout: Option<f64>,
    memory_used: Option<f64>,
}

/// The config file to read: `--config`, else the XDG place if it exists.
pub fn path(global: &GlobalArgs) -> Option<(PathBuf, bool)> {
    if let Some(p) = &global.config {
        return Some((p.clone(), true));
    }
    let p = dirs::config_dir()?.join("lambdatop").join("config.toml");
    p.exists().then_some((p, false))
}

/// Whether the user gave `id` on the command line (or in its environment variable), in the
/// top-level matches or a subcommand's.
fn given(matches: &ArgMatches, id: &str) -> bool {
    let here = matches!(
        matches.value_source(id),
        Some(ValueSource::CommandLine | ValueSource::EnvVariable)
    );
    here || matches.subcommand().is_some_and(|(_, sub)| given(sub, id))
}

/// Reads the config file, if there is one, into `global`, under the flags given.
pub fn apply(global: &mut GlobalArgs, matches: &ArgMatches) -> Result<(), String> {
    let Some((path, explicit)) = path(global) else {
        return Ok(());
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if !explicit && e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("config file {}: {e}", path.display())),
    };
    apply_text(global, matches, &path, &text)
}

fn apply_text(
    global: &mut GlobalArgs,
    matches: &ArgMatches,
    path: &Path,
    text: &str,
) -> Result<(), String> {
    let fail = |line: Option<usize>, what: String| {
        let at = line.map_or(String::new(), |n| format!("line {n}: "));
        format!("config file {}: {at}{what}", path.display())
    };
    let file: File = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        fail(line, e.message().trim().to_string())
    })?;
    let bad = |key: &str, what: &str| {
        fail(
            crate::ui::text::line_of_key(text, key),
            format!("{key}: {what}"),
        )
    };
    let set = |id: &str| !given(matches, id);

    if let Some(v) = file.profile
        && set("profile")
    {
        global.profile = Some(v);
    }
    if let Some(v) = file.regions
        && set("region")
    {
        global.region = v;
    }
    if let Some(v) = file.endpoint_url
        && set("endpoint_url")
    {
        global.endpoint_url = Some(v);
    }
    if let Some(v) = file.project_tag
        && set("project_tag")
    {
        if v.trim().is_empty() {
            return Err(bad(
                "project_tag",
                "expected a tag key, not an empty string",
            ));
        }
        global.project_tag = v;
    }
    if let Some(v) = file.interval {
        if !(5..=3600).contains(&v) {
            return Err(bad("interval", "expected seconds from 5 to 3600"));
        }
        if set("interval") {
            global.interval = v;
        }
    }
    if let Some(v) = file.inventory_refresh {
        if !(10..=86_400).contains(&v) {
            return Err(bad(
                "inventory_refresh",
                "expected seconds from 10 to 86400",
            ));
        }
        if set("inventory_refresh") {
            global.inventory_refresh = v;
        }
    }
    if let Some(v) = file.window {
        let w: Window = v.parse().map_err(|e: String| bad("window", &e))?;
        if set("window") {
            global.window = Some(w);
        }
    }
    if let Some(v) = file.scrollback {
        if !(100..=1_000_000).contains(&v) {
            return Err(bad("scrollback", "expected lines from 100 to 1000000"));
        }
        if set("scrollback") {
            global.scrollback = v;
        }
    }
    if let Some(v) = file.theme
        && set("theme")
    {
        global.theme = v;
    }
    if let Some(v) = file.cost_ttl {
        let ttl = parse_age(&v).map_err(|e| bad("cost_ttl", &e))?;
        if set("cost_ttl") {
            global.cost_ttl = ttl;
        }
    }
    if let Some(t) = file.thresholds {
        let share = |key: &str, v: Option<f64>, into: &mut f64| -> Result<(), String> {
            match v {
                Some(x) if !(x > 0.0 && x <= 1.0) => Err(bad(
                    key,
                    "expected a share above 0 and at most 1, e.g. 0.05",
                )),
                Some(x) => {
                    *into = x;
                    Ok(())
                }
                None => Ok(()),
            }
        };
        let mut th = global.thresholds;
        share("error_rate", t.error_rate, &mut th.error_rate)?;
        share("p99_of_timeout", t.p99_of_timeout, &mut th.p99_of_timeout)?;
        share("memory_used", t.memory_used, &mut th.memory_used)?;
        global.thresholds = th;
    }
    for (action, spec) in file.keys.unwrap_or_default() {
        let keys = match spec {
            KeySpec::One(k) => vec![k],
            KeySpec::Many(ks) => ks,
        };
        global.keys.bind(&action, &keys).map_err(|e| {
            fail(
                crate::ui::text::line_of_key(text, &action),
                format!("keys: {e}"),
            )
        })?;
    }
    Ok(())
}

/// The line of `text` that sets `key`.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use crate::store::health::Thresholds;
    use clap::{CommandFactory, FromArgMatches};

    fn parse(args: &[&str], text: &str) -> Result<GlobalArgs, String> {
        let matches = Cli::command()
            .try_get_matches_from(std::iter::once("lambdatop").chain(args.iter().copied()))
            .unwrap();
        let mut cli = Cli::from_arg_matches(&matches).unwrap();
        apply_text(&mut cli.global, &matches, Path::new("/etc/lt.toml"), text)?;
        Ok(cli.global)
    }

    #[test]
    fn the_file_sets_what_the_flags_did_not() {
        let text = "regions = [\"eu-west-1\"]\ninterval = 30\nwindow = \"15m\"\ntheme = \"light\"\n[thresholds]\nerror_rate = 0.02\n";
        let g = parse(&["--interval", "90"], text).unwrap();
        assert_eq!(g.region, vec!["eu-west-1"]);
        assert_eq!(g.interval, 90, "the flag wins");
        assert_eq!(g.window, Some(Window::M15));
        assert_eq!(g.theme, "light");
        assert_eq!(g.thresholds.error_rate, 0.02);
        assert_eq!(g.thresholds.p99_of_timeout, 0.8);
        let g = parse(&["snapshot", "--window", "3h"], text).unwrap();
        assert_eq!(
            g.window,
            Some(Window::H3),
            "a flag after the subcommand wins too"
        );
    }

    #[test]
    fn a_bad_file_names_the_file_the_line_and_what_was_expected() {
        let e = parse(&[], "interval = 30\nintervall = 5\n").unwrap_err();
        assert!(
            e.starts_with(
                "config file /etc/lt.toml: line 2: unknown field `intervall`, expected one of"
            ),
            "{e}"
        );
        let e = parse(&[], "# ok\ninterval = 2\n").unwrap_err();
        assert_eq!(
            e,
            "config file /etc/lt.toml: line 2: interval: expected seconds from 5 to 3600"
        );
        let e = parse(&[], "window = \"2 weeks\"\n").unwrap_err();
        assert!(
            e.starts_with("config file /etc/lt.toml: line 1: window: invalid window"),
            "{e}"
        );
        let e = parse(&[], "[thresholds]\nerror_rate = 5\n").unwrap_err();
        assert!(e.contains("line 2: error_rate: expected a share"), "{e}");
        let e = parse(&[], "regions = \"us-east-1\n").unwrap_err();
        assert!(e.starts_with("config file /etc/lt.toml: line 1: "), "{e}");
        assert_eq!(e.lines().count(), 1, "{e}");
    }

    #[test]
    fn keys_rebind_actions_and_bad_ones_name_the_line() {
        use crate::app::Action;
        use crate::app::keymap::{Context, action_for};
        use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        let g = parse(
            &[],
            "[keys]\nprojects = \"s\"\ndown = [\"j\", \"ctrl-n\"]\n",
        )
        .unwrap();
        let key = |c: char, m| KeyEvent::new(KeyCode::Char(c), m);
        let none = KeyModifiers::NONE;
        assert_eq!(
            action_for(Context::Dashboard, &key('s', none), &g.keys),
            Some(Action::OpenProjects),
            "the user's key wins"
        );
        assert_eq!(
            action_for(Context::Dashboard, &key('p', none), &g.keys),
            None,
            "the default is replaced"
        );
        assert_eq!(
            action_for(
                Context::Dashboard,
                &key('n', KeyModifiers::CONTROL),
                &g.keys
            ),
            Some(Action::Down)
        );
        assert_eq!(
            action_for(Context::Logs, &key('n', KeyModifiers::CONTROL), &g.keys),
            Some(Action::Down),
            "everywhere"
        );
        let e = parse(&[], "[keys]\n\nteleport = \"t\"\n").unwrap_err();
        assert!(e.starts_with("config file /etc/lt.toml: line 3: keys: unknown action 'teleport', expected one of quit, help"), "{e}");
        let e = parse(&[], "[keys]\nquit = \"ctrl-\"\n").unwrap_err();
        assert!(
            e.contains("line 2: keys: quit: 'ctrl-' is not a key"),
            "{e}"
        );
    }

    #[test]
    fn the_printed_default_is_a_valid_config_that_changes_nothing() {
        let g = parse(&[], DEFAULT).unwrap();
        let d = parse(&[], "").unwrap();
        assert_eq!(
            (g.interval, g.window, g.theme),
            (d.interval, d.window, d.theme)
        );
        assert_eq!(g.thresholds, Thresholds::default());
    }
}
