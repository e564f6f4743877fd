//! The committed screenshots are what `lambdatop screenshot --all-themes` draws now: a change
//! to any pane, theme or the demo fleet that alters a picture fails here until they are made
//! again.

use lambdatop::commands::screenshot::{OTHER_SIZES, SIZED, VIEWS, render_all};
use lambdatop::source::demo::DEFAULT_SEED;
use lambdatop::source::demo::fixture::moment;
use lambdatop::ui::theme::{BUILT_IN, Theme};

#[test]
fn the_committed_screenshots_are_current() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    let mut stale = Vec::new();
    for (name, _) in BUILT_IN {
        let theme = Theme::load(name, None).unwrap();
        let drawn = render_all(DEFAULT_SEED, &theme, moment()).unwrap();
        assert_eq!(drawn.len(), VIEWS.len() + SIZED.len() * OTHER_SIZES.len());
        for (view, svg) in drawn {
            let path = dir.join(name).join(format!("{view}.svg"));
            match std::fs::read_to_string(&path) {
                Ok(committed) if committed == svg => {}
                _ => stale.push(path.display().to_string()),
            }
            assert!(
                svg.contains("DEMO"),
                "{name}/{view} shows the demo fleet, labelled"
            );
        }
    }
    assert!(
        stale.is_empty(),
        "stale screenshots (make them again with `cargo run -- screenshot --all-themes`): {stale:?}"
    );
}
