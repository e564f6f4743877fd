//! `Settings`: what every command runs with, resolved once — the built-in defaults (clap's),
//! under the config file, under the flags given on the command line. The config file's values
//! are checked against the ranges clap's parsers use (`cli`), so the two cannot disagree.

use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::time::Duration;

use clap::ArgMatches;
use clap::parser::ValueSource;

use crate::app::keymap::UserKeys;
use crate::cli::{
    API_SHARE_PERCENT, GlobalArgs, INTERVAL_SECS, INVENTORY_SECS, SCROLLBACK_LINES, parse_age,
};
use crate::config;
use crate::store::Window;
use crate::store::health::Thresholds;

/// The resolved settings. Field by field as the flags name them (`GlobalArgs` documents each).
#[derive(Debug, Clone)]
pub struct Settings {
    pub demo: bool,
    /// `--replay FILE`: a recording instead of an account.
    pub replay: Option<PathBuf>,
    /// Profiles: none (the default chain), one, or several accounts.
    pub profiles: Vec<String>,
    /// Accounts to assume a role in, from `--accounts` and `--accounts-file`.
    pub accounts: Vec<String>,
    /// `--accounts-file` (or the config file's), read when the settings are resolved.
    pub accounts_file: Option<PathBuf>,
    /// `--demo --accounts N`: the demo fleet in N accounts.
    pub demo_accounts: Option<u32>,
    pub org: bool,
    pub monitoring_account: bool,
    /// Whether --role-name or --role-arn-template was given: a monitoring account's linked
    /// accounts are then tried with the role.
    pub roles_given: bool,
    pub role_name: String,
    pub role_arn_template: Option<String>,
    pub region: Vec<String>,
    pub endpoint_url: Option<String>,
    pub seed: u64,
    pub functions: Option<u32>,
    pub window: Option<Window>,
    /// Where the window ends, as typed (`None`: now).
    pub at: Option<String>,
    pub project_tag: String,
    pub interval: u64,
    /// Percent of each AWS API's documented rate the dashboard may use.
    pub api_share: u64,
    pub refresh: bool,
    pub all_accounts: bool,
    pub cost_ttl: Duration,
    pub scrollback: u64,
    pub inventory_refresh: u64,
    pub theme: String,
    pub no_color: bool,
    pub ascii: bool,
    pub config: Option<PathBuf>,
    /// Highlight thresholds (config file only).
    pub thresholds: Thresholds,
    /// Keys bound in the config file.
    pub keys: UserKeys,
    /// Words that make a log line an error (config file only).
    pub error_words: Vec<String>,
    /// The latency-class tag and budgets (config file only).
    pub classes: crate::store::latency::ClassRule,
    /// Logs Insights queries by name: the built-in ones, and the config file's.
    pub queries: Vec<(String, String)>,
    pub log_file: Option<PathBuf>,
}

impl Settings {
    /// The flags alone, over the built-in defaults.
    pub fn from_flags(g: GlobalArgs) -> Settings {
        Settings {
            demo: g.demo,
            replay: g.replay,
            profiles: g.profile,
            accounts: g.accounts,
            accounts_file: g.accounts_file,
            demo_accounts: None,
            org: g.org,
            monitoring_account: g.monitoring_account,
            roles_given: g.role_arn_template.is_some(),
            role_name: g.role_name,
            role_arn_template: g.role_arn_template,
            region: g.region,
            endpoint_url: g.endpoint_url,
            seed: g.seed,
            functions: g.functions,
            window: g.window,
            at: g.at,
            project_tag: g.project_tag,
            interval: g.interval,
            api_share: g.api_share,
            refresh: g.refresh,
            all_accounts: g.all_accounts,
            cost_ttl: g.cost_ttl,
            scrollback: g.scrollback,
            inventory_refresh: g.inventory_refresh,
            theme: g.theme,
            no_color: g.no_color,
            ascii: g.ascii,
            config: g.config,
            thresholds: Thresholds::default(),
            keys: UserKeys::default(),
            error_words: Vec::new(),
            classes: crate::store::latency::ClassRule::default(),
            queries: crate::store::insights::named_queries(),
            log_file: g.log_file,
        }
    }

    /// The flags, over the config file (if there is one), over the defaults; one line of
    /// error for a bad file or flags that do not go together.
    pub fn resolve(flags: GlobalArgs, matches: &ArgMatches) -> Result<Settings, String> {
        let mut s = Settings::from_flags(flags);
        if let Some(read) = config::read(s.config.as_deref())? {
            s.apply_file(&read, matches)?;
        }
        s.roles_given |= given(matches, "role_name");
        let accounts_file = s.accounts_file.clone();
        s.resolve_accounts(accounts_file.as_deref())?;
        // Checked here, not by clap: `--demo` may stand before the subcommand and
        // `--functions` after it, which clap's `requires` does not see across.
        if s.replay.is_some() && s.demo {
            return Err("--replay opens a recording: leave out --demo".into());
        }
        if s.functions.is_some() && !s.demo {
            return Err(
                "--functions sizes the demo fleet: add --demo (see lambdatop --help)".into(),
            );
        }
        Ok(s)
    }

    /// `--accounts` read as ids (or, with `--demo`, as a count), and `--accounts-file`'s
    /// added.
    fn resolve_accounts(&mut self, file: Option<&std::path::Path>) -> Result<(), String> {
        if self.demo {
            if file.is_some() || self.org || self.monitoring_account {
                return Err(
                    "--accounts-file, --org and --monitoring-account reach AWS accounts; the demo takes --accounts N"
                        .into(),
                );
            }
            match self.accounts.as_slice() {
                [] => {}
                [n] => match n.trim().parse::<u32>() {
                    Ok(n @ 1..=100) => self.demo_accounts = Some(n),
                    _ => {
                        return Err(format!(
                            "--demo --accounts takes a number of accounts from 1 to 100, not '{n}'"
                        ));
                    }
                },
                _ => return Err("--demo --accounts takes one number (e.g. --accounts 50)".into()),
            }
            self.accounts.clear();
            return Ok(());
        }
        if let Some(bad) = self
            .accounts
            .iter()
            .find(|a| !crate::store::account::is_account_id(a.trim()))
        {
            return Err(format!(
                "--accounts: '{bad}' is not an AWS account id (twelve digits)"
            ));
        }
        for a in &mut self.accounts {
            *a = a.trim().to_string();
        }
        if let Some(path) = file {
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("--accounts-file {shown}: {e}"))?;
            let ids = crate::store::account::read_accounts_file(&text, &shown)?;
            if ids.is_empty() {
                return Err(format!("--accounts-file {shown}: no account id in it"));
            }
            self.accounts.extend(ids);
        }
        if self.monitoring_account && (self.org || !self.accounts.is_empty()) {
            return Err(
                "--monitoring-account finds its linked accounts itself: leave out --accounts and --org"
                    .into(),
            );
        }
        if (!self.accounts.is_empty() || self.org || self.monitoring_account)
            && self.profiles.len() > 1
        {
            return Err(
                "roles are assumed from one identity: give one --profile with --accounts or --org"
                    .into(),
            );
        }
        Ok(())
    }

    /// Takes what the file sets and the command line did not.
    fn apply_file(&mut self, read: &config::Read, matches: &ArgMatches) -> Result<(), String> {
        let f = &read.file;
        let bad = |key: &str, what: &str| read.bad(key, what);
        let set = |id: &str| !given(matches, id);
        let within = |key: &str, v: u64, range: &RangeInclusive<u64>, unit: &str| {
            if range.contains(&v) {
                Ok(v)
            } else {
                let what = format!("expected {unit} from {} to {}", range.start(), range.end());
                Err(bad(key, &what))
            }
        };

        if let Some(v) = &f.profile
            && set("profile")
        {
            self.profiles = v.split(',').map(|p| p.trim().to_string()).collect();
        }
        if let Some(v) = &f.regions
            && set("region")
        {
            self.region = v.clone();
        }
        if let Some(v) = &f.endpoint_url
            && set("endpoint_url")
        {
            self.endpoint_url = Some(v.clone());
        }
        // Several accounts, unless the command line names its own.
        if let Some(v) = &f.accounts
            && set("accounts")
            && set("accounts_file")
            && !self.demo
        {
            self.accounts = v.clone();
        }
        if let Some(v) = &f.accounts_file
            && set("accounts_file")
            && set("accounts")
            && !self.demo
        {
            self.accounts_file = Some(v.clone());
        }
        if let Some(v) = &f.role_name
            && set("role_name")
            && set("role_arn_template")
        {
            self.role_name = v.clone();
            self.roles_given = true;
        }
        if let Some(v) = &f.role_arn_template
            && set("role_arn_template")
            && set("role_name")
        {
            let arn =
                crate::cli::parse_role_template(v).map_err(|e| bad("role_arn_template", &e))?;
            self.role_arn_template = Some(arn);
            self.roles_given = true;
        }
        if let Some(v) = &f.project_tag {
            if v.trim().is_empty() {
                return Err(bad(
                    "project_tag",
                    "expected a tag key, not an empty string",
                ));
            }
            if set("project_tag") {
                self.project_tag = v.clone();
            }
        }
        if let Some(v) = f.interval {
            let v = within("interval", v, &INTERVAL_SECS, "seconds")?;
            if set("interval") {
                self.interval = v;
            }
        }
        if let Some(v) = f.api_share {
            let v = within("api_share", v, &API_SHARE_PERCENT, "percent")?;
            if set("api_share") {
                self.api_share = v;
            }
        }
        if let Some(v) = f.inventory_refresh {
            let v = within("inventory_refresh", v, &INVENTORY_SECS, "seconds")?;
            if set("inventory_refresh") {
                self.inventory_refresh = v;
            }
        }
        if let Some(v) = &f.window {
            let w: Window = v.parse().map_err(|e: String| bad("window", &e))?;
            if set("window") {
                self.window = Some(w);
            }
        }
        if let Some(v) = f.scrollback {
            let v = within("scrollback", v, &SCROLLBACK_LINES, "lines")?;
            if set("scrollback") {
                self.scrollback = v;
            }
        }
        if let Some(v) = &f.theme
            && set("theme")
        {
            self.theme = v.clone();
        }
        if let Some(v) = &f.cost_ttl {
            let ttl = parse_age(v).map_err(|e| bad("cost_ttl", &e))?;
            if set("cost_ttl") {
                self.cost_ttl = ttl;
            }
        }
        if let Some(t) = &f.thresholds {
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
            let th = &mut self.thresholds;
            share("error_rate", t.error_rate, &mut th.error_rate)?;
            share("p99_of_timeout", t.p99_of_timeout, &mut th.p99_of_timeout)?;
            share("memory_used", t.memory_used, &mut th.memory_used)?;
            match t.async_event_age_s {
                Some(s) if !(s > 0.0 && s <= 21_600.0) => {
                    return Err(bad(
                        "async_event_age_s",
                        "expected seconds above 0 and at most 21600 (six hours, the longest an event waits), e.g. 30",
                    ));
                }
                Some(s) => th.async_event_age_s = s,
                None => {}
            }
        }
        if let Some(c) = &f.classes {
            if let Some(tag) = &c.tag {
                if tag.trim().is_empty() {
                    return Err(bad("tag", "expected a tag key, e.g. latency-class"));
                }
                self.classes.tag = tag.clone();
            }
            for (i, (key, v)) in [
                ("real_time", &c.real_time),
                ("background", &c.background),
                ("batch", &c.batch),
            ]
            .into_iter()
            .enumerate()
            {
                if let Some(v) = v {
                    let age = crate::cli::parse_age(v).map_err(|e| bad(key, &e))?;
                    self.classes.budgets_ms[i] = age.as_secs_f64() * 1000.0;
                }
            }
        }
        if let Some(words) = f.logs.as_ref().and_then(|l| l.error_words.as_ref()) {
            if words.iter().any(|w| w.trim().is_empty()) {
                return Err(bad("error_words", "expected words, not an empty string"));
            }
            self.error_words = words.clone();
        }
        if let Some(queries) = f.insights.as_ref().and_then(|i| i.queries.as_ref()) {
            for (name, text) in queries {
                if name.contains(char::is_whitespace) || text.trim().is_empty() {
                    return Err(read.error(
                        crate::ui::text::line_of_key(&read.text, name),
                        &format!(
                            "insights.queries.{name}: expected a name without spaces and a query"
                        ),
                    ));
                }
                self.queries.retain(|(n, _)| n != name);
                self.queries.push((name.clone(), text.clone()));
            }
        }
        let keys = read.file_keys();
        for (action, keys) in keys {
            self.keys.bind(&action, &keys).map_err(|e| {
                read.error(
                    crate::ui::text::line_of_key(&read.text, &action),
                    &format!("keys: {e}"),
                )
            })?;
        }
        Ok(())
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use crate::config::DEFAULT;
    use clap::{CommandFactory, FromArgMatches};

    fn parse(args: &[&str], text: &str) -> Result<Settings, String> {
        let matches = Cli::command()
            .try_get_matches_from(std::iter::once("lambdatop").chain(args.iter().copied()))
            .unwrap();
        let cli = Cli::from_arg_matches(&matches).unwrap();
        let mut s = Settings::from_flags(cli.global);
        let read = config::parse(PathBuf::from("/etc/lt.toml"), text.to_string())?;
        s.apply_file(&read, &matches)?;
        Ok(s)
    }

    #[test]
    fn the_class_tag_and_budgets_come_from_the_config() {
        let g = parse(
            &[],
            "[classes]\ntag = \"tier\"\nreal_time = \"2s\"\nbatch = \"2h\"\n",
        )
        .unwrap();
        assert_eq!(g.classes.tag, "tier");
        assert_eq!(g.classes.budgets_ms, [2_000.0, 60_000.0, 7_200_000.0]);
        let e = parse(&[], "[classes]\nbackground = \"soon\"\n").unwrap_err();
        assert!(e.contains("background") && e.contains("line 2"), "{e}");
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

    /// The default's commented values are the built-in defaults: uncommented, its settings
    /// (not its examples: profile, regions, endpoint, keys) change nothing.
    #[test]
    fn the_commented_defaults_are_the_built_in_ones() {
        let examples = [
            "profile",
            "regions",
            "endpoint_url",
            "accounts",
            "accounts_file",
            "role_arn_template",
            "projects",
            "down",
        ];
        let uncommented: String = DEFAULT
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest)
                    if rest.contains(" = ")
                        && !examples.iter().any(|e| rest.starts_with(&format!("{e} ="))) =>
                {
                    rest
                }
                _ => l,
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert!(uncommented.contains("\ninterval = 60"), "{uncommented}");
        let s = parse(&[], &uncommented).unwrap();
        let d = parse(&[], "").unwrap();
        assert_eq!(
            (s.interval, s.inventory_refresh, s.scrollback, &s.theme),
            (d.interval, d.inventory_refresh, d.scrollback, &d.theme)
        );
        assert_eq!((s.cost_ttl, &s.project_tag), (d.cost_ttl, &d.project_tag));
        assert_eq!(s.window, Some(Window::H1));
        assert_eq!(s.thresholds, Thresholds::default());
    }

    /// The accounts and the role may live in the config file; the command line's own win.
    #[test]
    fn accounts_and_the_role_come_from_the_config_unless_the_flags_say() {
        let file = "accounts = [\"111111111111\"]\nrole_arn_template = \"arn:aws:iam::{account}:role/ops/read\"\n";
        let s = parse(&[], file).unwrap();
        assert_eq!(s.accounts, ["111111111111"]);
        assert_eq!(
            s.role_arn_template.as_deref(),
            Some("arn:aws:iam::{account}:role/ops/read")
        );
        assert!(s.roles_given);
        let s = parse(&["--accounts", "222222222222", "--role-name", "x"], file).unwrap();
        assert_eq!(s.accounts, ["222222222222"]);
        assert_eq!((s.role_name.as_str(), s.role_arn_template), ("x", None));
        let bad = parse(&[], "role_arn_template = \"arn:aws:iam::1:role/x\"\n").unwrap_err();
        assert!(
            bad.contains("role_arn_template") && bad.contains("{account}"),
            "{bad}"
        );
    }

    /// Every action a key can be bound to is named in the default's list.
    #[test]
    fn the_default_names_every_action() {
        let words: Vec<&str> = DEFAULT
            .split_whitespace()
            .map(|w| w.trim_end_matches(['.', ',']))
            .collect();
        for b in crate::app::keymap::BINDINGS {
            assert!(words.contains(&b.name), "{}", b.name);
        }
    }
}
