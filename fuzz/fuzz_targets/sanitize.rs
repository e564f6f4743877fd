//! Any bytes, as a log event or a name could carry them: what comes out must be inert in a
//! terminal (no control character but the `\n` of a multi-line event, no bidi override), and
//! a long line must be cut to the length asked for.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../src/logtext/mod.rs"]
mod logtext;

use logtext::sanitize::{clean_field, clean_log, clean_log_bytes, is_bidi_control, is_control};

fn inert(s: &str, allow_newline: bool) -> bool {
    s.chars()
        .all(|c| !(is_control(c) && !(allow_newline && c == '\n')) && !is_bidi_control(c))
}

fuzz_target!(|data: &[u8]| {
    let max = usize::from(data.first().copied().unwrap_or(0)) * 8 + 1;
    let line = clean_log_bytes(data, max);
    assert!(inert(&line.text, true), "{:?}", line.text);
    if let Ok(text) = std::str::from_utf8(data) {
        let line = clean_log(text, max);
        assert!(inert(&line.text, true), "{:?}", line.text);
        // At most `max` characters are kept; an escaped control or an expanded tab shows as
        // up to eight.
        assert!(
            line.text.chars().count() <= max * 8,
            "{} > {max} * 8",
            line.text.len()
        );
        if line.cut_bytes > 0 {
            assert!(line.cut_bytes <= text.len());
        }
        let field = clean_field(text);
        assert!(inert(&field, false), "{field:?}");
        assert!(!field.contains('\n'));
    }
});
