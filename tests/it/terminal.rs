//! The terminal is always given back: the real binary runs in a pseudo-terminal (util-linux
//! `script`), and after it ends — by `q`, by a panic, by SIGHUP — the tty must be back in
//! cooked mode with echo, the alternate screen left and the cursor shown.

use std::process::{Command, Stdio};

/// Runs `shell` in a 100×30 pseudo-terminal, feeding `input` after a pause; returns what the
/// terminal received.
fn in_pty(shell: &str, input: &str) -> String {
    let bin = env!("CARGO_BIN_EXE_lambdatop");
    let state = std::env::temp_dir().join("lambdatop-tests");
    let script = format!(
        "stty cols 100 rows 30; export LAMBDATOP_LOG=off XDG_STATE_HOME={}; {}; echo; stty -a",
        state.display(),
        shell.replace("{bin}", bin)
    );
    let feed = format!("sleep 2; printf '{input}'; sleep 1");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("({feed}) | script -qec \"$0\" /dev/null",))
        .arg(&script)
        .stdin(Stdio::null())
        .output()
        .expect("util-linux `script` runs the pseudo-terminal");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn assert_restored(out: &str) {
    let enter = out
        .find("\x1b[?1049h")
        .expect("entered the alternate screen");
    let leave = out.rfind("\x1b[?1049l").expect("left the alternate screen");
    assert!(leave > enter);
    assert!(out[leave..].contains("\x1b[?25h"), "cursor shown again");
    let stty = &out[out.rfind("speed").expect("stty -a ran")..];
    assert!(
        stty.contains(" icanon") && !stty.contains("-icanon"),
        "cooked mode: {stty}"
    );
    assert!(
        stty.contains(" echo ") && !stty.contains("-echo "),
        "echo on: {stty}"
    );
}

#[test]
fn q_exits_zero_and_restores_the_terminal() {
    let out = in_pty("{bin} --demo; echo EXIT=$?", "q");
    assert!(out.contains("EXIT=0"), "{out}");
    assert!(out.contains("DEMO"), "the dashboard was drawn");
    assert_restored(&out);
}

#[test]
fn a_panic_restores_the_terminal_before_its_message() {
    let out = in_pty("LAMBDATOP_TEST_PANIC=1 {bin} --demo; echo EXIT=$?", "");
    assert!(out.contains("EXIT=101"), "{out}");
    assert_restored(&out);
    // The panic hook restores first; the guard restores again while unwinding, harmlessly.
    let first_leave = out.find("\x1b[?1049l").unwrap();
    let message = out
        .find("panicking on purpose")
        .expect("panic message shown");
    assert!(
        message > first_leave,
        "the message lands on the normal screen"
    );
}

#[test]
fn a_hangup_ends_cleanly_and_restores_the_terminal() {
    let out = in_pty(
        "{bin} --demo </dev/tty & pid=$!; sleep 1.5; kill -HUP $pid; wait $pid; echo EXIT=$?",
        "",
    );
    assert!(out.contains("EXIT=0"), "{out}");
    assert_restored(&out);
}
