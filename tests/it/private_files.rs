//! What lambdatop writes on a shared bastion is its owner's only: the diagnostics log and the
//! Cost Explorer cache are 0600 in 0700 directories whatever the umask, and no file holds a
//! credential (the AWS CLI keeps its caches the same way).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::moto::{self, Spec, create_function};

const SECRET: &str = "lambdatop-secret-0f9e2c";
const TOKEN: &str = "lambdatop-session-token-77aa41";

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        out.push(p.clone());
        if p.is_dir() {
            walk(&p, out);
        }
    }
}

#[tokio::test]
async fn every_file_lambdatop_writes_is_the_owners_only_and_holds_no_secret() {
    // Shared: it reads the region whatever else lives there.
    let region = "ap-southeast-5";
    create_function(region, &Spec::new("private-api")).await;
    let root = std::env::temp_dir().join(format!("lambdatop-private-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let mut env = moto::env(&moto::url());
    for (k, v) in [
        ("XDG_STATE_HOME", root.join("state")),
        ("XDG_CACHE_HOME", root.join("cache")),
        ("XDG_CONFIG_HOME", root.join("config")),
    ] {
        env.retain(|(key, _)| key != k);
        env.push((k.into(), v.to_str().unwrap().into()));
    }
    env.retain(|(key, _)| key != "AWS_SECRET_ACCESS_KEY" && key != "LAMBDATOP_LOG");
    env.push(("AWS_SECRET_ACCESS_KEY".into(), SECRET.into()));
    env.push(("AWS_SESSION_TOKEN".into(), TOKEN.into()));
    // Everything, requests and their signing included.
    env.push(("LAMBDATOP_LOG".into(), "trace".into()));
    // moto keeps one queue of Cost Explorer answers: take a turn, with an answer of our own.
    let _turn = crate::cost::COST_EXPLORER.lock().await;
    crate::cost::queue_cost_results(&[(
        crate::cost::month_days()[0].as_str(),
        &[("project$private", "0.50")],
    )]);
    for args in [
        vec!["snapshot", "--region", region, "--format", "json"],
        vec!["cost", "--region", region, "--format", "json"],
    ] {
        let out = Command::new("sh")
            .arg("-c")
            .arg("umask 022; exec \"$0\" \"$@\"")
            .arg(env!("CARGO_BIN_EXE_lambdatop"))
            .args(&args)
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut written = Vec::new();
    walk(&root, &mut written);
    let files: Vec<&PathBuf> = written.iter().filter(|p| p.is_file()).collect();
    assert!(
        files.iter().any(|p| p.ends_with("lambdatop.log"))
            && files.iter().any(|p| p.to_string_lossy().contains("cost-")),
        "the log and the bill are written: {written:?}"
    );
    for p in &written {
        let mode = std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let want = if p.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode, want, "{} is {mode:o}", p.display());
        if p.is_file() {
            let text = String::from_utf8_lossy(&std::fs::read(p).unwrap()).to_string();
            assert!(
                !text.contains(SECRET),
                "{} holds the secret key",
                p.display()
            );
            assert!(
                !text.contains(TOKEN),
                "{} holds the session token",
                p.display()
            );
        }
    }
    std::fs::remove_dir_all(&root).unwrap();
}
