//! Text from AWS is untrusted: a tag value or a log line may carry escape sequences that would
//! move the cursor, recolour or clear the screen, retitle the window or write the clipboard
//! (OSC 52). Nothing that reaches the terminal may hold a control character:
//!
//! - single-line fields (names, tags, messages of problems) show every control visibly escaped;
//! - log lines lose their escape sequences whole (CSI, OSC, DCS, SOS, PM, APC, in their 7-bit
//!   and C1 forms, and two-character escapes), keep their line breaks as `\n` (the only control
//!   left, which panes split on), expand tabs, and show any other control visibly escaped. Bidi
//!   overrides, which can make text read differently than it is, are escaped too. Very long
//!   lines are cut, saying how much was left out, so one 256 KB line costs no more than a page.

use std::fmt::Write;

/// A single-line field made safe: every control character (C0, DEL, C1) becomes a visible
/// escape such as `\x1b`, and line breaks and tabs become `\n`, `\r`, `\t`.
pub fn clean_field(s: &str) -> String {
    if !s.chars().any(|c| is_control(c) || is_bidi_control(c)) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_control(c) || is_bidi_control(c) => push_escaped(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// C0 controls, DEL and the C1 range (which some terminals read as CSI, OSC and DCS).
pub fn is_control(c: char) -> bool {
    matches!(c as u32, 0x00..=0x1f | 0x7f..=0x9f)
}

/// Bidirectional embedding, override and isolate controls.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c as u32, 0x202a..=0x202e | 0x2066..=0x2069)
}

fn push_escaped(out: &mut String, c: char) {
    let n = c as u32;
    if n <= 0xff {
        let _ = write!(out, "\\x{n:02x}");
    } else {
        let _ = write!(out, "\\u{{{n:x}}}");
    }
}

/// A log line made safe to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanLine {
    /// Safe text; `\n` separates the lines of a multi-line event and is the only control.
    pub text: String,
    /// Escape sequences removed.
    pub removed: usize,
    /// Bytes of the original left out because the line was too long.
    pub cut_bytes: usize,
}

/// What a sequence introducer starts.
enum Introducer {
    /// CSI: parameters and intermediates, then one final byte in `@`..=`~`.
    Csi,
    /// OSC, DCS, SOS, PM, APC: a string ended by ST (`ESC \` or 0x9c) or, for OSC, BEL.
    Str,
}

fn introducer_7bit(c: char) -> Option<Introducer> {
    match c {
        '[' => Some(Introducer::Csi),
        ']' | 'P' | 'X' | '^' | '_' => Some(Introducer::Str),
        _ => None,
    }
}

fn introducer_c1(c: char) -> Option<Introducer> {
    match c as u32 {
        0x9b => Some(Introducer::Csi),
        0x9d | 0x90 | 0x98 | 0x9e | 0x9f => Some(Introducer::Str),
        _ => None,
    }
}

/// Cleans one log event's message, keeping at most `max_chars` characters of it.
pub fn clean_log(message: &str, max_chars: usize) -> CleanLine {
    let mut out = String::with_capacity(message.len().min(max_chars + 16));
    let mut removed = 0;
    let mut kept = 0usize;
    let mut chars = message.char_indices().peekable();
    let mut cut_at = None;
    while let Some((i, c)) = chars.next() {
        if kept >= max_chars {
            cut_at = Some(i);
            break;
        }
        let seq = if c == '\x1b' {
            match chars.peek().map(|&(_, n)| n) {
                Some(n) if introducer_7bit(n).is_some() => {
                    chars.next();
                    introducer_7bit(n)
                }
                // A two-character escape (ESC c resets the terminal, ESC 7 saves the cursor…).
                Some(n) if ('\x20'..='\x7e').contains(&n) => {
                    chars.next();
                    removed += 1;
                    continue;
                }
                _ => {
                    removed += 1;
                    continue;
                }
            }
        } else {
            introducer_c1(c)
        };
        if let Some(kind) = seq {
            removed += 1;
            match kind {
                Introducer::Csi => {
                    for (_, n) in chars.by_ref() {
                        if ('\x40'..='\x7e').contains(&n) {
                            break;
                        }
                    }
                }
                Introducer::Str => {
                    while let Some((_, n)) = chars.next() {
                        match n {
                            '\x07' | '\u{9c}' => break,
                            '\x1b' if chars.peek().map(|&(_, x)| x) == Some('\\') => {
                                chars.next();
                                break;
                            }
                            _ => {}
                        }
                    }
                }
            }
            continue;
        }
        match c {
            '\n' => out.push('\n'),
            // Lambda's Python runtime writes a multi-line message with \r between its lines.
            '\r' => {
                if chars.peek().map(|&(_, n)| n) == Some('\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\t' => out.push_str("    "),
            c if is_control(c) || is_bidi_control(c) => push_escaped(&mut out, c),
            c => out.push(c),
        }
        kept += 1;
    }
    let cut_bytes = cut_at.map_or(0, |i| message.len() - i);
    // Trailing line breaks are the logger's, not the reader's.
    while out.ends_with('\n') {
        out.pop();
    }
    CleanLine {
        text: out,
        removed,
        cut_bytes,
    }
}

/// Cleans raw bytes that may not be UTF-8 (invalid sequences become U+FFFD).
pub fn clean_log_bytes(bytes: &[u8], max_chars: usize) -> CleanLine {
    clean_log(&String::from_utf8_lossy(bytes), max_chars)
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
        assert_eq!(clean_log("決済-api 🚀 done", 100).text, "決済-api 🚀 done");
    }

    #[test]
    fn log_sequences_are_removed_whole() {
        let line = "\x1b[31mERROR\x1b[0m boom \x1b]52;c;cm0gLXJmIC8=\x1b\\ \x1b]0;pwned\x07 \u{9b}2J \x1bPq#0;2;0;0;0\x1b\\ \x1bc end";
        let c = clean_log(line, 1000);
        assert_eq!(c.text, format!("ERROR boom{}end", " ".repeat(6)));
        assert_eq!(c.removed, 7);
    }

    #[test]
    fn line_breaks_tabs_and_lone_controls() {
        let c = clean_log("Traceback:\r  File x\r\n\tline\x07\x08 bell\n", 1000);
        assert_eq!(c.text, "Traceback:\n  File x\n    line\\x07\\x08 bell");
        assert_eq!(clean_log("a\u{202e}b", 10).text, "a\\u{202e}b");
    }

    #[test]
    fn long_lines_are_cut_with_the_size_left_out() {
        let long = "x".repeat(256 * 1024);
        let c = clean_log(&long, 4096);
        assert_eq!(c.text.len(), 4096);
        assert_eq!(c.cut_bytes, 256 * 1024 - 4096);
    }

    #[test]
    fn invalid_utf8_becomes_replacement_characters() {
        let c = clean_log_bytes(b"ok \xff\xfe done", 100);
        assert_eq!(c.text, "ok \u{fffd}\u{fffd} done");
    }
}
