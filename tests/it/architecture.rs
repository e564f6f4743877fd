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

/// Panes never hold app state: no `Cell` in the app, `app/mod.rs` kept small.
#[test]
fn the_app_holds_no_cell_and_its_root_stays_small() {
    for path in files().iter().filter(|p| module_of(p) == "app") {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(!text.contains("Cell<"), "{} holds a Cell", path.display());
    }
    let root = std::fs::read_to_string(format!("{SRC}/app/mod.rs")).unwrap();
    assert!(
        root.lines().count() < 300,
        "app/mod.rs: {} lines",
        root.lines().count()
    );
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

/// Where `text` implements `App` (`impl App {`, comments left out).
fn implements_app(text: &str) -> bool {
    text.lines()
        .any(|l| l.trim_start().starts_with("impl App {"))
}

/// `App` is implemented only where the app's loop lives (`mod`, `run`, `input`, `update`,
/// `present`, `frame`) and, until each moves into `screens/`, in the files of the parts not
/// moved yet. A new part of the app is a screen, never another `impl App`; a part that moves
/// leaves the list (a name left on it that no longer implements `App` fails too).
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
    const NOT_MOVED_YET: [&str; 3] = ["logs.rs", "prompt.rs", "save.rs"];
    let app = Path::new(SRC).join("app");
    let mut implementing = BTreeSet::new();
    for path in files().iter().filter(|p| p.starts_with(&app)) {
        if implements_app(&std::fs::read_to_string(path).unwrap()) {
            implementing.insert(path.strip_prefix(&app).unwrap().display().to_string());
        }
    }
    let allowed: BTreeSet<String> = LOOP
        .iter()
        .chain(&NOT_MOVED_YET)
        .map(|f| f.to_string())
        .collect();
    let stray: Vec<&String> = implementing.difference(&allowed).collect();
    assert!(stray.is_empty(), "impl App outside the loop: {stray:?}");
    let moved: Vec<&&str> = NOT_MOVED_YET
        .iter()
        .filter(|f| !implementing.contains(**f))
        .collect();
    assert!(
        moved.is_empty(),
        "{moved:?} no longer implement App: take them off NOT_MOVED_YET"
    );
    assert!(implements_app("impl App {\n}") && !implements_app("// impl App {"));
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
