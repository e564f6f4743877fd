//! The command line as a user meets it: help, version, and one clear line for every mistake.

use std::process::{Command, Output};

use crate::support::lambdatop_without_aws;

fn lambdatop(args: &[&str]) -> Output {
    lambdatop_in(args, &[])
}

/// `lambdatop` with `env` set beside the tests' own.
fn lambdatop_in(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .args(args)
        .env("LAMBDATOP_LOG", "off")
        .env(
            "XDG_STATE_HOME",
            std::env::temp_dir().join("lambdatop-tests"),
        )
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

fn one_line_error(out: &Output) -> String {
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
    assert!(err.starts_with("lambdatop: "), "{err}");
    assert!(out.stdout.is_empty(), "nothing half-printed on stdout");
    err
}

#[test]
fn help_and_version_exit_zero() {
    let help = lambdatop(&["--help"]);
    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    for flag in ["--demo", "--seed", "--window", "--project-tag", "snapshot"] {
        assert!(text.contains(flag), "--help mentions {flag}");
    }
}

#[test]
fn version_names_the_commit_it_was_built_from() {
    let out = lambdatop(&["--version"]);
    assert!(out.status.success());
    let version = String::from_utf8_lossy(&out.stdout).trim_end().to_string();
    // Built from a checkout (as every test run is): HEAD's short hash, `-dirty` when edited.
    let head = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let named = match head {
        Some(commit) => format!("commit {commit}"),
        None => "commit unknown".to_string(),
    };
    let expected = format!("lambdatop {} ({named}", env!("CARGO_PKG_VERSION"));
    assert!(
        version.starts_with(&expected),
        "{version:?} starts {expected:?}"
    );
    assert!(version.ends_with(')'), "{version:?}");
    assert_eq!(lambdatop(&["-V"]).stdout, out.stdout);
}

#[test]
fn man_pages_for_the_program_and_each_command() {
    let dir = std::env::temp_dir().join(format!("lambdatop-man-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = lambdatop_without_aws(&["manpages", dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let page = |name: &str| {
        let roff =
            std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        // What `man` shows: roff's escaped dash and apostrophe as typed.
        roff.replace("\\-", "-").replace("\\*(Aq", "'")
    };
    let main = page("lambdatop.1");
    assert!(main.contains(".TH lambdatop 1"), "{main}");
    for section in [
        ".SH SYNOPSIS",
        ".SH OPTIONS",
        ".SH SUBCOMMANDS",
        ".SH KEYS",
        ".SH FILES",
        ".SH ENVIRONMENT",
        ".SH \"EXIT STATUS\"",
    ] {
        assert!(main.contains(section), "lambdatop.1 has {section}");
    }
    assert!(
        main.contains("check: 0 healthy, 1 a breach, 2 the account could not be read"),
        "{main}"
    );
    for flag in [
        "--demo",
        "--profile",
        "--region",
        "--endpoint-url",
        "--window",
    ] {
        assert!(main.contains(flag), "lambdatop.1 documents {flag}");
    }
    for b in lambdatop::app::keymap::BINDINGS {
        let text = lambdatop::app::keymap::help_text(b, &Default::default());
        assert!(main.contains(&text), "lambdatop.1 lists the key '{text}'");
    }
    for (command, flag) in [
        ("snapshot", "--format"),
        ("logs", "--follow"),
        ("errors", "--since"),
        ("insights", "--function"),
        ("cost", "--group-by"),
        ("screenshot", "--all-themes"),
        ("config", "--print-default"),
        ("completions", "fish"),
        ("manpages", "DIR"),
        ("record", "--out"),
        ("check", "--max-error-rate"),
    ] {
        let sub = page(&format!("lambdatop-{command}.1"));
        let title = format!(
            ".TH lambdatop-{command} 1  \"lambdatop {}",
            env!("CARGO_PKG_VERSION")
        );
        assert!(
            sub.contains(&title),
            "lambdatop-{command}.1 is titled with the version"
        );
        assert!(sub.contains(flag), "lambdatop-{command}.1 documents {flag}");
        assert!(
            main.contains(&format!("lambdatop-{command}(1)")),
            "lambdatop.1 names {command}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();

    // A folder that cannot be made: one line, naming it.
    let out = lambdatop_without_aws(&["manpages", "/proc/self/lambdatop-man"]);
    let err = one_line_error(&out);
    assert!(
        err.contains("cannot write the man pages into /proc/self/lambdatop-man"),
        "{err}"
    );
}

#[test]
fn a_bad_flag_is_one_line_and_exit_2() {
    let out = lambdatop(&["--demo", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
    let err = one_line_error(&out);
    assert!(err.contains("--no-such-flag"), "{err}");
}

#[test]
fn a_bad_window_says_what_is_expected() {
    let err = one_line_error(&lambdatop(&["snapshot", "--demo", "--window", "5x"]));
    assert!(err.contains("expected e.g. 15m, 1h, 24h or 7d"), "{err}");
    // CloudWatch's five-minute data goes back 63 days: no window reaches further.
    let err = one_line_error(&lambdatop(&["snapshot", "--demo", "--window", "64d"]));
    assert!(err.contains("at most 63d"), "{err}");
}

#[test]
fn without_demo_it_never_shows_demo_data() {
    // No region and no credentials anywhere: one line, and the demo suggested.
    let out = crate::support::lambdatop_without_aws(&["snapshot", "--format", "json"]);
    let err = one_line_error(&out);
    assert!(
        err.contains("no AWS region") && err.contains("--demo"),
        "suggests the demo: {err}"
    );
}

#[test]
fn an_unknown_region_is_refused_before_any_call() {
    let err = one_line_error(&lambdatop(&["snapshot", "--region", "us-east-1,mars-1"]));
    assert!(err.contains("'mars-1' is not an AWS region code"), "{err}");
}

#[test]
fn the_dashboard_refuses_a_non_terminal_with_one_line() {
    let err = one_line_error(&lambdatop(&["--demo"]));
    assert!(err.contains("interactive terminal"), "{err}");
}

#[test]
fn a_malformed_config_is_one_line_naming_the_file_and_the_line() {
    let dir = std::env::temp_dir().join(format!("lambdatop-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        "window = \"1h\"\n[thresholds]\nerror_rate = 0.01\nmemroy_used = 0.5\n",
    )
    .unwrap();
    let out = lambdatop_without_aws(&["--demo", "snapshot", "--config", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "lambdatop: config file {}: line 4: unknown field `memroy_used`",
            path.display()
        )),
        "{err}"
    );

    // A missing file given by --config is an error too; the XDG one is read when present.
    let missing = lambdatop_without_aws(&["--demo", "snapshot", "--config", "/nonexistent/x.toml"]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("config file /nonexistent/x.toml"));
    let xdg = dir.join("xdg");
    std::fs::create_dir_all(xdg.join("lambdatop")).unwrap();
    std::fs::write(xdg.join("lambdatop/config.toml"), "window = \"1h\"\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .args(["--demo", "snapshot", "--format", "json"])
        .env("XDG_CONFIG_HOME", &xdg)
        .env("LAMBDATOP_LOG", "off")
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["window_minutes"], 60, "the XDG config's window");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .args(["--demo", "snapshot", "--format", "json", "--window", "15m"])
        .env("XDG_CONFIG_HOME", &xdg)
        .env("LAMBDATOP_LOG", "off")
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["window_minutes"], 15, "the flag overrides the file");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_printed_default_config_is_commented_and_valid() {
    let out = lambdatop_without_aws(&["config", "--print-default"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(text.contains("# interval = 60") && text.contains("[thresholds]"));
    let path = std::env::temp_dir().join(format!("lambdatop-default-{}.toml", std::process::id()));
    std::fs::write(&path, &text).unwrap();
    let out = lambdatop_without_aws(&["--demo", "snapshot", "--config", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_file(path).unwrap();
}

#[test]
fn completions_for_each_shell_and_help_that_lists_every_key() {
    for shell in ["bash", "zsh", "fish"] {
        let out = lambdatop_without_aws(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8_lossy(&out.stdout);
        for word in [
            "lambdatop",
            "snapshot",
            "cost",
            "screenshot",
            "--theme",
            "record",
            "check",
            "replay",
            "max-error-rate",
            "wait",
        ] {
            assert!(script.contains(word), "{shell} completes {word}");
        }
    }
    let out = lambdatop_without_aws(&["--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("Keys in the dashboard"), "{help}");
    for b in lambdatop::app::keymap::BINDINGS {
        let text = lambdatop::app::keymap::help_text(b, &Default::default());
        assert!(help.contains(&text), "--help lists '{text}'");
    }
}

/// On the nights the clocks change (Central European time here, as a POSIX `TZ` rule that needs
/// no zone database: summer time from the last Sunday of March at 02:00 to the last Sunday of
/// October at 03:00), `--at` refuses a local time that happened twice or never, in one line
/// that says which and how to give it; with its offset it is taken.
#[test]
fn at_on_the_nights_the_clocks_change_says_why_it_refuses() {
    let run = |at: &str| {
        lambdatop_in(
            &["snapshot", "--demo", "--format", "json", "--at", at],
            &[("TZ", "CET-1CEST,M3.5.0,M10.5.0/3")],
        )
    };
    let twice = one_line_error(&run("2026-10-25 02:30"));
    assert!(
        twice.contains("02:30 on 2026-10-25 happened twice"),
        "{twice}"
    );
    assert!(
        twice.contains(
            "2026-10-25T02:30:00+02:00 for the first or 2026-10-25T02:30:00+01:00 for the second"
        ),
        "{twice}"
    );
    let never = one_line_error(&run("2026-03-29 02:30"));
    assert!(
        never.contains("02:30 on 2026-03-29 never happened"),
        "{never}"
    );
    // An hour that happened once is taken, as before.
    let once = run("2026-10-25 04:30");
    assert!(
        !String::from_utf8_lossy(&once.stderr).contains("happened"),
        "{}",
        String::from_utf8_lossy(&once.stderr)
    );
}
