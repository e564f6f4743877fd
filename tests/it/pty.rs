//! The real binary in a pseudo-terminal (util-linux `script`), its output read through a
//! terminal emulator (`vt100`), so a test can type keys and wait for what a user would see.

use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Pty {
    child: Child,
    stdin: ChildStdin,
    screen: Arc<Mutex<vt100::Parser>>,
    /// Every byte the program wrote.
    raw: Arc<Mutex<Vec<u8>>>,
}

impl Pty {
    /// Runs lambdatop with `args` and `env` in a `cols`×`rows` terminal.
    pub fn spawn(args: &[&str], env: &[(String, String)], cols: u16, rows: u16) -> Pty {
        let bin = env!("CARGO_BIN_EXE_lambdatop");
        let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
        Self::spawn_shell(&format!("exec {bin} {}", quoted.join(" ")), env, cols, rows)
    }

    /// Runs a shell command line in a `cols`×`rows` terminal.
    pub fn spawn_shell(shell: &str, env: &[(String, String)], cols: u16, rows: u16) -> Pty {
        let command = format!("stty cols {cols} rows {rows}; {shell}");
        let mut child = Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("util-linux `script` runs the pseudo-terminal");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let feed = screen.clone();
        let raw = Arc::new(Mutex::new(Vec::new()));
        let keep = raw.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                feed.lock().unwrap().process(&buf[..n]);
                keep.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Pty {
            child,
            stdin,
            screen,
            raw,
        }
    }

    pub fn send(&mut self, keys: &str) {
        self.stdin.write_all(keys.as_bytes()).unwrap();
        self.stdin.flush().unwrap();
    }

    /// Everything the program wrote so far, escapes and all.
    pub fn output(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    /// The screen as text.
    pub fn text(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until the screen satisfies `ok`; returns the screen either way.
    pub fn wait_for(&self, timeout: Duration, ok: impl Fn(&str) -> bool) -> Result<String, String> {
        let start = Instant::now();
        loop {
            let text = self.text();
            if ok(&text) {
                return Ok(text);
            }
            if start.elapsed() > timeout {
                return Err(text);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Narrows the fleet to `name` with `/` and opens its logs; the screen once a REPORT
    /// line is on it.
    pub fn logs_of(&mut self, name: &str, timeout: Duration) -> String {
        self.send(&format!("/{name}\r"));
        self.wait_for(timeout, |s| s.contains(&format!("filter '{name}'")))
            .unwrap_or_else(|s| panic!("no filter:\n{s}"));
        self.send("l");
        self.wait_for(timeout, |s| {
            s.contains(&format!("Logs · {name}")) && s.contains("REPORT RequestId:")
        })
        .unwrap_or_else(|s| panic!("no logs of {name}:\n{s}"))
    }

    /// Quits with `q` and returns the exit status.
    pub fn quit(mut self) -> Option<i32> {
        self.send("q");
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        None
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
