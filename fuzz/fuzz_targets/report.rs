//! Any text as a log line: the REPORT parser never panics, and what it reads is sane.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../src/logtext/mod.rs"]
mod logtext;

use logtext::report;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = report::is_timeout(text);
    if let Some(r) = report::parse(text) {
        assert!(r.duration_ms.is_finite() && r.duration_ms >= 0.0, "{r:?}");
        assert!(r.init_ms.is_none_or(|v| v.is_finite() && v >= 0.0), "{r:?}");
        assert!(
            r.billed_ms.is_none_or(|v| v.is_finite() && v >= 0.0),
            "{r:?}"
        );
        if let Some(used) = r.memory_used() {
            assert!(used.is_finite() && used >= 0.0, "{r:?}");
        }
    }
});
