//! The shape ARCHITECTURE.md describes, checked: the import rule between the folders of
//! `src/` (nothing points back up), and its layout list against the tree.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");

/// What each top-level module may import, as ARCHITECTURE.md's table says.
const MAY_IMPORT: &[(&str, &[&str])] = &[
    ("logtext", &[]),
    ("clock", &[]),
    ("terminal", &[]),
    ("private", &[]),
    ("logging", &["private"]),
    ("store", &["logtext"]),
    ("view", &["store"]),
    ("source", &["store", "logtext", "clock", "private"]),
    ("ui", &["view", "store", "logtext"]),
    (
        "app",
        &[
            "ui", "view", "source", "store", "logtext", "clock", "terminal", "private",
        ],
    ),
    ("config", &["ui"]),
    ("cli", &["source", "store"]),
    ("settings", &["cli", "config", "app", "ui", "store"]),
    (
        "commands",
        &[
            "app", "cli", "clock", "config", "logtext", "settings", "source", "store", "terminal",
            "ui", "view", "logging", "private",
        ],
    ),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    rust_files(Path::new(SRC), &mut out);
    out.sort();
    out
}

/// The top-level module a file belongs to: `src/store/window.rs` → `store`.
fn module_of(path: &Path) -> String {
    let rel = path.strip_prefix(SRC).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// The modules a file names as `crate::NAME`.
fn imports(text: &str) -> BTreeSet<String> {
    text.match_indices("crate::")
        .map(|(i, m)| {
            text[i + m.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

#[test]
fn no_module_imports_one_above_it() {
    let rule: BTreeMap<&str, &[&str]> = MAY_IMPORT.iter().copied().collect();
    let mut broken = Vec::new();
    for path in files() {
        let module = module_of(&path);
        if matches!(module.as_str(), "main" | "lib") {
            continue;
        }
        let allowed = rule
            .get(module.as_str())
            .unwrap_or_else(|| panic!("{module} is in no row of ARCHITECTURE.md's import table"));
        let text = std::fs::read_to_string(&path).unwrap();
        for m in imports(&text) {
            if m != module && !allowed.contains(&m.as_str()) {
                broken.push(format!("{} imports {m}", path.display()));
            }
        }
    }
    assert!(broken.is_empty(), "back-edges:\n{}", broken.join("\n"));
}

#[test]
fn the_rule_catches_a_back_edge() {
    // The check itself can fail: a pane naming the app is seen.
    let text = "use crate::app::App;\nfn f(x: crate::store::Store) {}";
    let found = imports(text);
    assert!(
        found.contains("app") && found.contains("store"),
        "{found:?}"
    );
}

#[test]
fn the_layout_lists_every_file_and_only_files_that_exist() {
    let note =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/ARCHITECTURE.md")).unwrap();
    let listed: BTreeSet<String> = note
        .split_whitespace()
        .filter(|w| w.starts_with("src/") && w.ends_with(".rs"))
        .map(str::to_string)
        .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tree: BTreeSet<String> = files()
        .iter()
        .map(|p| p.strip_prefix(root).unwrap().to_string_lossy().to_string())
        .collect();
    let missing: Vec<&String> = tree.difference(&listed).collect();
    let gone: Vec<&String> = listed.difference(&tree).collect();
    assert!(
        missing.is_empty(),
        "files ARCHITECTURE.md does not list: {missing:?}"
    );
    assert!(
        gone.is_empty(),
        "ARCHITECTURE.md lists files that are not there: {gone:?}"
    );
}

/// Panes never hold app state: no `Cell` in the app.
#[test]
fn the_app_holds_no_cell() {
    for path in files().iter().filter(|p| module_of(p) == "app") {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(!text.contains("Cell<"), "{} holds a Cell", path.display());
    }
}

/// What a pane's text would use to derive a figure of its own: the store itself, or a
/// function of the store's modules (`crate::store::cost::month_at_rate(…)`). Types and
/// constants of the store's are words a pane may use; its figures come from the view.
/// Where `text`, comments left out, names `word` as a word of its own.
fn names_word(text: &str, word: &str) -> usize {
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let part = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    code.match_indices(word)
        .filter(|(i, _)| {
            !part(code[..*i].chars().next_back()) && !part(code[i + word.len()..].chars().next())
        })
        .count()
}

fn store_reaches(text: &str) -> Vec<String> {
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = Vec::new();
    for _ in 0..names_word(&code, "Store") {
        found.push("the Store".to_string());
    }
    for (i, m) in code.match_indices("crate::store::") {
        let path: String = code[i + m.len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        // A function of a module (`cost::month_at_rate`), not a type's (`Minute::of`).
        let module_fn = path
            .split("::")
            .all(|seg| seg.starts_with(|c: char| c.is_ascii_lowercase()));
        let called = code[i + m.len() + path.len()..].starts_with('(');
        if called && module_fn {
            found.push(format!("crate::store::{path}(…)"));
        }
    }
    found
}

/// Panes take every figure from the view (`View::figures`) and read the store's facts only
/// through `View::facts`: none of them can compute a figure of its own, so a number shown in
/// a pane is the one `snapshot`, the export and every other pane show.
#[test]
fn panes_read_figures_only_through_the_view() {
    let mut broken = Vec::new();
    for path in files().iter().filter(|p| module_of(p) == "ui") {
        let text = std::fs::read_to_string(path).unwrap();
        for reach in store_reaches(&text) {
            broken.push(format!("{} reaches {reach}", path.display()));
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

/// A screen in `src/app/screens/` owns its state, keys and view and never names `App`: what
/// it reads comes through `Cx`, where the app goes next is its `Go`, so a new screen touches
/// its own file and a few lines elsewhere, never the app's fields.
#[test]
fn screens_never_name_the_app() {
    let screens = Path::new(SRC).join("app").join("screens");
    let mut broken = Vec::new();
    for path in files().iter().filter(|p| p.starts_with(&screens)) {
        let text = std::fs::read_to_string(path).unwrap();
        if names_word(&text, "App") > 0 {
            broken.push(path.display().to_string());
        }
    }
    assert!(broken.is_empty(), "screens naming App: {broken:?}");
    assert!(
        names_word("fn on(&mut self, app: &mut App)", "App") == 1
            && names_word("// the App\nlet a = Apple;", "App") == 0,
        "the rule can fail"
    );
}

/// Where `text` implements `App` or a trait for it (`impl App {`, `impl super::App {`,
/// `impl Drop for App {`), comments left out.
fn implements_app(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("impl") && names_word(l, "App") > 0 && l.trim_end().ends_with('{')
    })
}

/// `App` is implemented only where the app's loop lives (`mod`, `run`, `input`, `update`,
/// `present`, `frame`): every other part of the app is a type of its own — a screen of
/// `screens/`, the fleet table, the task flow, the prompts' helpers — handed what it needs, so
/// none of them reaches every field of the app.
#[test]
fn app_is_implemented_only_where_its_loop_lives() {
    const LOOP: [&str; 6] = [
        "mod.rs",
        "run.rs",
        "input.rs",
        "update.rs",
        "present.rs",
        "frame.rs",
    ];
    let app = Path::new(SRC).join("app");
    let stray: Vec<String> = files()
        .iter()
        .filter(|p| p.starts_with(&app))
        .filter(|p| implements_app(&std::fs::read_to_string(p).unwrap()))
        .map(|p| p.strip_prefix(&app).unwrap().display().to_string())
        .filter(|f| !LOOP.contains(&f.as_str()))
        .collect();
    assert!(stray.is_empty(), "impl App outside the loop: {stray:?}");
    assert!(
        implements_app("impl App {\n}")
            && implements_app("impl super::App {")
            && implements_app("impl Drop for App {")
            && !implements_app("// impl App {")
            && !implements_app("impl Apple {"),
        "the rule can fail"
    );
}

/// The fields of `pub struct App`, as declared in `app/mod.rs`.
fn app_fields(root: &str) -> Vec<String> {
    let start = root
        .find("pub struct App {")
        .expect("App is declared in app/mod.rs");
    root[start..]
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with('}'))
        .map(str::trim)
        .filter(|l| !l.starts_with("//") && !l.starts_with('#'))
        .filter_map(|l| l.split_once(':').map(|(name, _)| name.to_string()))
        .collect()
}

/// The app keeps the screen shown, the modes, the outbox and the loop's own state — at most
/// 15 fields; what a view keeps is its screen's, not the app's.
#[test]
fn the_app_keeps_at_most_fifteen_fields() {
    let root = std::fs::read_to_string(format!("{SRC}/app/mod.rs")).unwrap();
    let fields = app_fields(&root);
    assert!(
        (5..=15).contains(&fields.len()),
        "App has {} fields: {fields:?}",
        fields.len()
    );
    assert_eq!(
        app_fields("pub struct App {\n    /// a: b\n    pub a: u8,\n    b: Vec<u8>,\n}\n"),
        ["pub a", "b"]
    );
}

#[test]
fn the_panes_rule_catches_a_store_and_a_derivation() {
    let text = "fn f(s: &Store) {}\nlet m = crate::store::cost::month_at_rate(h, d);\n\
                // a comment naming the Store\nuse crate::store::figures::FunctionStats;\n\
                let m = crate::store::Minute::of(at);";
    assert_eq!(
        store_reaches(text),
        ["the Store", "crate::store::cost::month_at_rate(…)"]
    );
}
