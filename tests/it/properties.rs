//! Property tests of the two parsers of untrusted text: the log sanitizer and the REPORT parser.

use lambdatop::logtext::report;
use lambdatop::logtext::sanitize::{clean_field, clean_log};
use proptest::prelude::*;

/// Text rich in what terminals obey: ESC, C1, BEL, CSI and OSC openers, bidi, wide characters.
fn hostile() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("\x1b".to_string()),
        Just("\x1b[".to_string()),
        Just("\x1b]52;c;".to_string()),
        Just("\x1bP".to_string()),
        Just("\x1b\\".to_string()),
        Just("\u{9b}".to_string()),
        Just("\u{9d}".to_string()),
        Just("\x07".to_string()),
        Just("\x08".to_string()),
        Just("\r".to_string()),
        Just("\n".to_string()),
        Just("\t".to_string()),
        Just("\u{202e}".to_string()),
        Just("決済🚀".to_string()),
        "[ -~]{0,8}",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

fn inert(s: &str, allow_newline: bool) -> bool {
    s.chars().all(|c| {
        let n = c as u32;
        !((n < 0x20 && !(allow_newline && c == '\n'))
            || (0x7f..=0x9f).contains(&n)
            || (0x202a..=0x202e).contains(&n)
            || (0x2066..=0x2069).contains(&n))
    })
}

proptest! {
    #[test]
    fn cleaned_log_lines_hold_no_control_but_newlines(s in hostile(), max in 1usize..200) {
        let c = clean_log(&s, max);
        prop_assert!(inert(&c.text, true), "{:?} -> {:?}", s, c.text);
        prop_assert!(!c.text.ends_with('\n'));
    }

    #[test]
    fn cleaned_fields_hold_no_control_at_all(s in hostile()) {
        prop_assert!(inert(&clean_field(&s), false));
    }

    #[test]
    fn text_without_controls_passes_unchanged(s in "[^\\x00-\\x1f\\x7f-\\x9f\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}]{0,200}") {
        prop_assert_eq!(clean_log(&s, 10_000).text, s.trim_end_matches('\n').to_string());
        prop_assert_eq!(clean_field(&s), s);
    }

    #[test]
    fn cutting_keeps_at_most_the_limit_and_counts_the_rest(s in "[a-z]{0,500}", max in 1usize..300) {
        let c = clean_log(&s, max);
        prop_assert!(c.text.chars().count() <= max);
        prop_assert_eq!(c.text.len() + c.cut_bytes, s.len());
    }

    #[test]
    fn reports_round_trip(
        duration in 0.0f64..900_000.0,
        billed in 1u32..900_001,
        memory in 128u32..10_241,
        used in 1u32..10_241,
        init in proptest::option::of(0.0f64..30_000.0),
        timeout in any::<bool>(),
        tabs in any::<bool>(),
    ) {
        let sep = if tabs { "\t" } else { " " };
        let mut line = format!(
            "REPORT RequestId: 0a1b2c3d-aaaa-bbbb-cccc-0123456789ab{sep}Duration: {duration:.2} ms{sep}Billed Duration: {billed} ms{sep}Memory Size: {memory} MB{sep}Max Memory Used: {used} MB{sep}"
        );
        if let Some(i) = init {
            line.push_str(&format!("Init Duration: {i:.2} ms{sep}"));
        }
        if timeout {
            line.push_str("Status: timeout");
        }
        let r = report::parse(&line).expect("a REPORT line parses");
        prop_assert_eq!(r.request_id.as_str(), "0a1b2c3d-aaaa-bbbb-cccc-0123456789ab");
        prop_assert!((r.duration_ms - duration).abs() < 0.006);
        prop_assert_eq!(r.billed_ms, Some(f64::from(billed)));
        prop_assert_eq!(r.memory_mb, Some(memory));
        prop_assert_eq!(r.max_memory_mb, Some(used));
        prop_assert_eq!(r.init_ms.is_some(), init.is_some());
        prop_assert_eq!(r.timed_out, timeout);
    }

    #[test]
    fn the_report_parser_never_panics(s in hostile()) {
        let _ = report::parse(&s);
        let _ = report::parse(&format!("REPORT {s}"));
    }
}
