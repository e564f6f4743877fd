//! Themes: every built-in theme draws every pane with its own colors; without color (NO_COLOR,
//! `--no-color`) no color reaches the screen at all, and emphasis survives as bold, underline
//! and reverse; a bad theme is one line naming the file and the line.

use std::time::Duration;

use lambdatop::app::{Action, App};
use lambdatop::ui::theme::{BUILT_IN, Theme};
use ratatui::style::{Color, Modifier};

use crate::pty::Pty;
use crate::support::{demo_store, lambdatop_without_aws, render, screen};

/// The app on the demo fleet with `theme`, at each main view in turn.
fn views(theme: &Theme) -> Vec<(&'static str, App)> {
    use lambdatop::commands::screenshot::{VIEWS, actions_of};
    let make = |actions: &[Action]| {
        let mut app = crate::support::app_with(demo_store(), lambdatop::store::Window::H1);
        app.theme = theme.clone();
        for a in actions {
            app.update(*a);
        }
        app
    };
    // The screenshots' views of the dashboard, reached the way they are.
    VIEWS
        .iter()
        .filter(|v| **v != "cost")
        .map(|v| (*v, make(actions_of(v))))
        .collect()
}

#[test]
fn every_theme_draws_every_pane_in_its_own_colors() {
    for (name, _) in BUILT_IN {
        let theme = Theme::load(name, None).unwrap();
        for (view, mut app) in views(&theme) {
            let t = render(&mut app, 120, 40);
            let s = screen(&t);
            assert!(s.contains(" DEMO "), "{name} {view}:\n{s}");
            // The brand mark is in the theme's brand style, wherever the theme puts it.
            let cell = &t.backend().buffer()[(1, 0)];
            assert_eq!(
                cell.fg,
                theme.brand.fg.unwrap_or(Color::Reset),
                "{name} {view}"
            );
            let used: std::collections::HashSet<Color> = t
                .backend()
                .buffer()
                .content()
                .iter()
                .map(|c| c.fg)
                .collect();
            assert!(used.len() >= 4, "{name} {view}: colors {used:?}");
        }
    }
}

#[test]
fn without_color_nothing_on_screen_has_a_color() {
    let theme = Theme::default().without_color();
    for (view, mut app) in views(&theme) {
        let t = render(&mut app, 120, 40);
        for (i, c) in t.backend().buffer().content().iter().enumerate() {
            assert!(
                c.fg == Color::Reset && c.bg == Color::Reset,
                "{view}: cell {i} '{}' is {:?} on {:?}",
                c.symbol(),
                c.fg,
                c.bg
            );
        }
        let mods: Modifier = t
            .backend()
            .buffer()
            .content()
            .iter()
            .fold(Modifier::empty(), |m, c| m | c.modifier);
        assert!(mods.contains(Modifier::BOLD), "{view}: emphasis stays");
        if view == "fleet" {
            assert!(
                mods.contains(Modifier::REVERSED),
                "the selected row and badge"
            );
            assert!(mods.contains(Modifier::UNDERLINED), "breaching figures");
        }
    }
}

/// SGR sequences in `out` that set a color (30-38, 40-48, 90-97, 100-107).
fn color_escapes(out: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(out);
    let mut found = Vec::new();
    for part in text.split("\u{1b}[").skip(1) {
        let Some(end) = part.find(|c: char| c.is_ascii_alphabetic()) else {
            continue;
        };
        if !part[end..].starts_with('m') {
            continue;
        }
        let params = &part[..end];
        let colored = params.split(';').any(|p| {
            p.parse::<u16>()
                .is_ok_and(|n| matches!(n, 30..=38 | 40..=48 | 90..=97 | 100..=107))
        });
        if colored {
            found.push(format!("ESC[{params}m"));
        }
    }
    found
}

#[test]
fn no_color_in_the_environment_sends_no_color_escape_to_the_terminal() {
    for (env, flag) in [(Some(("NO_COLOR", "1")), None), (None, Some("--no-color"))] {
        let mut vars = vec![
            ("TERM".to_string(), "xterm-256color".to_string()),
            ("LAMBDATOP_LOG".to_string(), "off".to_string()),
        ];
        if let Some((k, v)) = env {
            vars.push((k.to_string(), v.to_string()));
        }
        let mut args = vec!["--demo"];
        args.extend(flag);
        let mut tui = Pty::spawn(&args, &vars, 120, 40);
        tui.wait_for(Duration::from_secs(20), |s| s.contains("payments-charge"))
            .unwrap_or_else(|s| panic!("no dashboard:\n{s}"));
        tui.send("p");
        tui.wait_for(Duration::from_secs(10), |s| s.contains("BILLED MTD"))
            .unwrap_or_else(|s| panic!("no projects:\n{s}"));
        let escapes = color_escapes(&tui.output());
        assert!(
            escapes.is_empty(),
            "{args:?} {env:?}: {:?}",
            &escapes[..escapes.len().min(5)]
        );
        assert_eq!(tui.quit(), Some(0));
    }
    // The same dashboard with color does send them: the check can fail.
    let vars = vec![("TERM".to_string(), "xterm-256color".to_string())];
    let tui = Pty::spawn(&["--demo"], &vars, 120, 40);
    tui.wait_for(Duration::from_secs(20), |s| s.contains("payments-charge"))
        .unwrap();
    assert!(!color_escapes(&tui.output()).is_empty());
}

#[test]
fn a_bad_theme_is_one_line_naming_the_file_and_the_line() {
    let path =
        std::env::temp_dir().join(format!("lambdatop-bad-theme-{}.toml", std::process::id()));
    let text = lambdatop::ui::theme::DARK_TOML.replace("ok = \"#5fd787\"", "ok = \"greenish\"");
    std::fs::write(&path, &text).unwrap();
    let out = lambdatop_without_aws(&["--demo", "--theme", path.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    let line = text.lines().position(|l| l.starts_with("ok ")).unwrap() + 1;
    assert!(
        err.contains(&format!(
            "theme file {}: line {line}: role 'ok'",
            path.display()
        )),
        "{err}"
    );
    let unknown = lambdatop_without_aws(&["--demo", "--theme", "neon"]);
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown theme 'neon'"));
    std::fs::remove_file(path).unwrap();
}

#[test]
fn sixteen_colors_and_block_charts_degrade_cleanly() {
    use lambdatop::ui::theme::ColorDepth;
    let theme = Theme::default().fitted(ColorDepth::Ansi16, true);
    for (view, mut app) in views(&theme) {
        let t = render(&mut app, 120, 40);
        for c in t.backend().buffer().content() {
            for color in [c.fg, c.bg] {
                assert!(
                    !matches!(color, Color::Rgb(..) | Color::Indexed(_)),
                    "{view}: {color:?} on a 16-color terminal"
                );
            }
            assert!(
                !c.symbol()
                    .chars()
                    .any(|ch| ('\u{2800}'..='\u{28ff}').contains(&ch)),
                "{view}: braille '{}' with block charts",
                c.symbol()
            );
        }
        if view == "fleet" {
            let s = screen(&t);
            assert!(
                s.contains('▀') || s.contains('▄') || s.contains('█'),
                "the charts still draw:\n{s}"
            );
        }
    }
    let with_256 = Theme::default().fitted(ColorDepth::Ansi256, false);
    let t = render(&mut views(&with_256).remove(0).1, 120, 40);
    assert!(
        t.backend()
            .buffer()
            .content()
            .iter()
            .all(|c| !matches!(c.fg, Color::Rgb(..)))
    );
}
