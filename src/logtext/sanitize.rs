//! Text from AWS is untrusted: a tag value or a log line may carry escape sequences that would
//! move the cursor, retitle the window or write the clipboard (OSC 52). Nothing that reaches
//! the terminal may hold a control character; they are shown visibly escaped instead.

use std::fmt::Write;

/// A single-line field made safe: every control character (C0, DEL, C1) becomes a visible
/// escape such as `\x1b`, and line breaks and tabs become `\n`, `\r`, `\t`.
pub fn clean_field(s: &str) -> String {
    if !s.chars().any(is_control) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_control(c) => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// C0 controls, DEL and the C1 range (which some terminals read as CSI, OSC and DCS).
pub fn is_control(c: char) -> bool {
    matches!(c as u32, 0x00..=0x1f | 0x7f..=0x9f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_shown_not_obeyed() {
        let hostile = "team\x1b]52;c;ZXZpbA==\x07\u{9b}31m\r\n";
        let clean = clean_field(hostile);
        assert_eq!(clean, "team\\x1b]52;c;ZXZpbA==\\x07\\x9b31m\\r\\n");
        assert!(!clean.chars().any(is_control));
    }

    #[test]
    fn plain_and_wide_text_pass_unchanged() {
        assert_eq!(clean_field("決済-api 🚀"), "決済-api 🚀");
    }
}
