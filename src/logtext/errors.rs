//! Error lines told apart and fingerprinted, so a thousand copies of one error read as one
//! problem. A line is an error when its level is ERROR or above (`[ERROR]`, `"level":"error"`,
//! pino's 50), when Lambda says a task timed out or a runtime died, when it starts a Python
//! traceback, or when it names an exception; the config can add words of its own. Its
//! fingerprint is what the error says with what varies between copies taken out: ids, UUIDs,
//! hex, numbers, timestamps and quoted values.

use super::request_id::is_uuid;
use super::structured;

/// Levels at ERROR or above, as loggers write them.
const ERROR_LEVELS: &[&str] = &["ERROR", "FATAL", "CRITICAL", "ALERT", "EMERGENCY", "PANIC"];

/// Whether a (sanitized) line reports an error, by the built-in rules or one of `extra`'s
/// words.
pub fn is_error(text: &str, extra: &[String]) -> bool {
    if text.starts_with("START RequestId") || text.starts_with("END RequestId") {
        return false;
    }
    if text.starts_with("REPORT RequestId") {
        // A timeout has its own line; an out-of-memory or crashed runtime only this.
        return text.contains("Error Type:");
    }
    if let Some(level) = structured::level(text) {
        return ERROR_LEVELS.contains(&level.as_str());
    }
    let head = text.lines().next().unwrap_or_default();
    ERROR_LEVELS.iter().any(|l| has_word(head, l))
        || head.contains("Task timed out after")
        || head.contains("Runtime exited with error")
        || head.contains("Traceback (most recent call last)")
        || head.contains("Exception")
        || extra
            .iter()
            .any(|w| !w.is_empty() && text.contains(w.as_str()))
}

/// A word standing alone: `[ERROR]`, `ERROR:`, `\tERROR\t`, not `NOERRORS`.
pub fn has_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        let edge = |c: Option<char>| c.is_none_or(|c| !c.is_ascii_alphanumeric());
        edge(before) && edge(after)
    })
}

/// What an error line says, without its level, time and request id: the error of a JSON line
/// (else its message), the first line of a text one (a stack trace's first line names it).
pub fn error_text(text: &str) -> String {
    if let Some(lead) = structured::lead(text) {
        return match (lead.error, lead.message) {
            // A bare type (`"errorType":"UpstreamError"`) says little without the message.
            (Some(e), Some(m)) if !e.contains(':') => format!("{e}: {m}"),
            (e, m) => e.or(m).unwrap_or_default(),
        };
    }
    if let Some(at) = text.find("Error Type:") {
        return text[at..].trim().to_string();
    }
    let head = text.lines().next().unwrap_or_default();
    let mut rest = head.trim();
    // The runtimes' text formats lead with some of: [LEVEL], a timestamp, the request id, LEVEL.
    loop {
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..word_end];
        let bare = word.trim_matches(|c| c == '[' || c == ']' || c == ':');
        let skip = is_uuid(word)
            || is_timestamp(word)
            || ERROR_LEVELS.contains(&bare)
            || ["WARN", "WARNING", "INFO", "DEBUG"].contains(&bare);
        if !skip || word.is_empty() {
            break;
        }
        rest = rest[word_end..].trim_start();
    }
    // Node's uncaught error: `Invoke Error {"errorType":…,"errorMessage":…}`.
    if let Some(json) = rest.find('{').map(|i| &rest[i..])
        && let Some(lead) = structured::lead(json)
        && let Some(e) = lead.error
    {
        return e;
    }
    rest.to_string()
}

/// An ISO-8601 time as the runtimes write it (`2024-01-02T03:04:05.678Z`).
fn is_timestamp(w: &str) -> bool {
    let b = w.as_bytes();
    b.len() >= 19
        && b[13] == b':'
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[..4].iter().all(u8::is_ascii_digit)
}

/// The error's text with what varies between its copies replaced by placeholders: UUIDs
/// (`<uuid>`), hex ids and `0x` literals (`<hex>`), ids of letters and digits (`<id>`),
/// numbers (`<n>`, decimals too), durations and sizes whatever their unit (`<dur>`, `<size>`),
/// timestamps (`<time>`) and quoted values (`"…"`), whitespace collapsed.
pub fn fingerprint(error_text: &str) -> String {
    let mut out = String::with_capacity(error_text.len());
    let mut chars = error_text.char_indices().peekable();
    let mut last_space = false;
    while let Some((i, c)) = chars.next() {
        if c == '"' || c == '\'' || c == '`' {
            // A quoted value, if it closes soon; else the quote is text.
            let close = error_text[i + 1..]
                .char_indices()
                .take(200)
                .find(|&(_, x)| x == c)
                .map(|(j, _)| i + 1 + j);
            if let Some(end) = close {
                out.push(c);
                out.push('…');
                out.push(c);
                while chars.peek().is_some_and(|&(k, _)| k <= end) {
                    chars.next();
                }
                last_space = false;
                continue;
            }
        }
        if c.is_whitespace() {
            if !last_space && !out.is_empty() {
                out.push(' ');
            }
            last_space = true;
            continue;
        }
        last_space = false;
        if c.is_ascii_digit() && is_timestamp(&error_text[i..]) {
            while chars
                .peek()
                .is_some_and(|&(_, n)| n.is_ascii_digit() || ":.TZ+-".contains(n))
            {
                chars.next();
            }
            out.push_str("<time>");
            continue;
        }
        if c.is_ascii_alphanumeric() {
            let start = i;
            let mut end = i + c.len_utf8();
            while let Some(&(k, n)) = chars.peek() {
                if n.is_ascii_alphanumeric() || n == '-' || n == '_' {
                    end = k + n.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            push_token(&mut out, &error_text[start..end]);
            continue;
        }
        out.push(c);
    }
    join_decimals(out.trim_end().to_string())
}

/// A word with its varying parts replaced.
fn push_token(out: &mut String, word: &str) {
    if is_uuid(word) {
        out.push_str("<uuid>");
        return;
    }
    let has_digit = word.bytes().any(|b| b.is_ascii_digit());
    if !has_digit {
        out.push_str(word);
        return;
    }
    if word.len() >= 8 && word.bytes().all(|b| b.is_ascii_hexdigit()) {
        out.push_str("<hex>");
        return;
    }
    // Each part between `-` and `_`: a number, a hex id, a long id, or a word kept.
    let mut from = 0;
    for (k, c) in word
        .char_indices()
        .chain(std::iter::once((word.len(), ' ')))
    {
        if c != '-' && c != '_' && k != word.len() {
            continue;
        }
        let part = &word[from..k];
        let digits = part.bytes().filter(u8::is_ascii_digit).count();
        let lead_digits = part.bytes().take_while(u8::is_ascii_digit).count();
        if !part.is_empty() && digits == part.len() {
            out.push_str("<n>");
        } else if is_hex_literal(part) {
            out.push_str("<hex>");
        } else if lead_digits > 0 && part.len() - lead_digits <= 3 && digits == lead_digits {
            // A number with its unit: `300ms` and `2.4s` are one duration, `12KB` a size.
            out.push_str(&quantity(&part[lead_digits..]));
        } else if part.len() >= 6 && digits > 0 && part.bytes().all(|b| b.is_ascii_hexdigit()) {
            out.push_str("<hex>");
        } else if part.len() >= 12 && digits > 0 || part.len() >= 5 && runs(part) > 2 {
            // A long id, or letters and digits mixed: `ord_8f3k2`, `tmpa8f3kz2q`.
            out.push_str("<id>");
        } else if digits >= 4 && part.bytes().rev().take(digits).all(|b| b.is_ascii_digit()) {
            // A prefixed number: `INV20931` (a name's digits are fewer: `sha256`, `v2`).
            out.push_str(&part[..part.len() - digits]);
            out.push_str("<n>");
        } else {
            // `v2`, `s3`, `i18n`: names with a digit.
            out.push_str(part);
        }
        if k != word.len() {
            out.push(c);
        }
        from = k + 1;
    }
}

/// A number with `unit`: `<dur>` for a time, `<size>` for bytes, else the number and its unit.
fn quantity(unit: &str) -> String {
    match unit.to_ascii_lowercase().as_str() {
        "ns" | "us" | "ms" | "s" | "sec" | "m" | "min" | "h" => "<dur>".into(),
        "b" | "kb" | "mb" | "gb" | "tb" | "kib" | "mib" | "gib" => "<size>".into(),
        _ => format!("<n>{unit}"),
    }
}

/// Decimals as one value: `<n>.<n>` is a number, `<n>.<dur>` a duration, `<n>.<size>` a size.
fn join_decimals(mut print: String) -> String {
    for (from, to) in [
        ("<n>.<dur>", "<dur>"),
        ("<n>.<size>", "<size>"),
        ("<n>.<n>", "<n>"),
    ] {
        while print.contains(from) {
            print = print.replace(from, to);
        }
    }
    print
}

/// `0x23ccd`: a hex number as C, Go and Java print it.
fn is_hex_literal(part: &str) -> bool {
    part.len() > 2
        && (part.starts_with("0x") || part.starts_with("0X"))
        && part[2..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// Runs of letters and of digits in `part`: `v2` has two, `8f3k2` five.
fn runs(part: &str) -> usize {
    let kinds: Vec<bool> = part.bytes().map(|b| b.is_ascii_digit()).collect();
    kinds.windows(2).filter(|w| w[0] != w[1]).count() + usize::from(!kinds.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The corpus of real runtime error lines, each paragraph one kind.
    fn kinds() -> Vec<Vec<&'static str>> {
        include_str!("../../tests/data/error-kinds.txt")
            .split("\n\n")
            .map(|p| {
                p.lines()
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .collect::<Vec<_>>()
            })
            .filter(|p| !p.is_empty())
            .collect()
    }

    /// What `lambdatop errors` groups a line by.
    fn print_of(line: &str) -> String {
        fingerprint(&error_text(line))
    }

    /// How the corpus groups: lines, kinds, groups formed, kinds split over several groups,
    /// and groups that hold several kinds.
    fn measure(kinds: &[Vec<&str>]) -> (usize, usize, usize, usize, usize) {
        let mut of_group: std::collections::HashMap<String, std::collections::HashSet<usize>> =
            Default::default();
        let mut split = 0;
        for (k, lines) in kinds.iter().enumerate() {
            let prints: std::collections::HashSet<String> =
                lines.iter().map(|l| print_of(l)).collect();
            split += usize::from(prints.len() > 1);
            for p in prints {
                of_group.entry(p).or_default().insert(k);
            }
        }
        let merged = of_group.values().filter(|k| k.len() > 1).count();
        let lines = kinds.iter().map(Vec::len).sum();
        (lines, kinds.len(), of_group.len(), split, merged)
    }

    /// `cargo test --lib corpus -- --nocapture` prints the README's figure.
    #[test]
    fn the_corpus_groups_as_people_would() {
        let kinds = kinds();
        assert!(kinds.len() >= 20, "{} kinds", kinds.len());
        let (lines, n, groups, split, merged) = measure(&kinds);
        println!(
            "{lines} lines of {n} kinds: {groups} groups, {split} kinds split, {merged} groups mixing kinds"
        );
        for lines in &kinds {
            let first = print_of(lines[0]);
            for l in lines {
                assert_eq!(
                    print_of(l),
                    first,
                    "one kind, two groups:\n{}\n{l}",
                    lines[0]
                );
            }
        }
        assert_eq!((groups, merged), (n, 0), "two kinds share a group");
    }

    #[test]
    fn error_lines_are_told_apart() {
        let none: &[String] = &[];
        for l in [
            "[ERROR] ConnectionError: upstream payments returned 502\nTraceback (most recent call last):",
            r#"{"level":"ERROR","msg":"request failed"}"#,
            r#"{"level":"error","msg":"x"}"#,
            r#"{"level":60,"msg":"x"}"#,
            "2024-01-01T00:00:00.000Z 8f5e3f2a-1b2c-4d3e-9f00-0123456789ab Task timed out after 3.00 seconds",
            "2024-01-01T00:00:00.000Z    8f5e3f2a-1b2c-4d3e-9f00-0123456789ab    ERROR    Invoke Error",
            "REPORT RequestId: r    Duration: 1 ms    Status: error    Error Type: Runtime.OutOfMemory",
            "Exception in thread main java.lang.IllegalStateException: closed",
        ] {
            assert!(is_error(l, none), "{l}");
        }
        for l in [
            r#"{"level":"INFO","msg":"request failed? no"}"#,
            "REPORT RequestId: r    Duration: 3000 ms    Status: timeout",
            "START RequestId: r Version: $LATEST",
            "INFO NOERRORS here",
        ] {
            assert!(!is_error(l, none), "{l}");
        }
        assert!(is_error("payment declined", &["declined".to_string()]));
    }

    #[test]
    fn the_error_text_drops_level_time_and_id() {
        assert_eq!(
            error_text("[ERROR] ConnectionError: upstream payments returned 502\n  File x"),
            "ConnectionError: upstream payments returned 502"
        );
        assert_eq!(
            error_text(
                r#"{"level":"ERROR","msg":"request failed","error":"UpstreamError: checkout returned 502"}"#
            ),
            "UpstreamError: checkout returned 502"
        );
        assert_eq!(
            error_text(
                "2024-01-01T00:00:00.000Z    8f5e3f2a-1b2c-4d3e-9f00-0123456789ab    ERROR    Invoke Error     {\"errorType\":\"TypeError\",\"errorMessage\":\"x is undefined\"}"
            ),
            "TypeError: x is undefined"
        );
        assert_eq!(
            error_text(
                "2024-01-01T00:00:00.000Z 8f5e3f2a-1b2c-4d3e-9f00-0123456789ab Task timed out after 3.00 seconds"
            ),
            "Task timed out after 3.00 seconds"
        );
    }

    #[test]
    fn copies_of_one_error_share_a_fingerprint() {
        let a = fingerprint(
            "order 12345 failed: user 'alice' id 8f5e3f2a-1b2c-4d3e-9f00-0123456789ab at 2024-01-01T00:00:00.000Z hash deadbeef01",
        );
        let b = fingerprint(
            "order 99 failed: user 'bob'   id 00000000-1b2c-4d3e-9f00-0123456789ab at 2025-12-31T23:59:59.999Z hash 0123abcdef",
        );
        assert_eq!(a, b);
        assert_eq!(
            a,
            "order <n> failed: user '…' id <uuid> at <time> hash <hex>"
        );
        assert_eq!(
            fingerprint("Task timed out after 3.00 seconds"),
            "Task timed out after <n> seconds"
        );
        assert_eq!(
            fingerprint("req-42 on i-0abc12345def6 via s3"),
            "req-<n> on i-<hex> via s3"
        );
        assert_eq!(
            fingerprint("connect to 10.0.2.22 timed out after 322ms"),
            fingerprint("connect to 10.0.0.20 timed out after 300ms"),
        );
        assert_ne!(
            fingerprint("TypeError: x is undefined"),
            fingerprint("UpstreamError: checkout returned 502")
        );
    }
}
