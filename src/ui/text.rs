//! Small text helpers for anything that prints names in columns: panes and the commands'
//! tables alike.

use unicode_width::UnicodeWidthChar;

/// The short form of a region code, as AWS writes it in resource names: us-east-1 → use1,
/// ap-southeast-2 → apse2, eu-central-1 → euc1.
pub fn short_region(region: &str) -> String {
    let mut parts = region.split('-');
    let mut out = parts.next().unwrap_or_default().to_string();
    for p in parts {
        if p.chars().all(|c| c.is_ascii_digit()) {
            out.push_str(p);
            continue;
        }
        for (word, short) in [
            ("north", "n"),
            ("south", "s"),
            ("east", "e"),
            ("west", "w"),
            ("central", "c"),
        ] {
            if let Some(rest) = p.strip_prefix(word) {
                out.push_str(short);
                out.push_str(match rest {
                    "east" => "e",
                    "west" => "w",
                    _ => "",
                });
            }
        }
    }
    out
}

/// Cuts `s` to `width` columns with an ellipsis.
pub fn truncate(s: &str, width: usize) -> String {
    let total: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// The line (from 1) of `text` that sets `key = …`, for errors about a TOML file.
pub fn line_of_key(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_region_codes() {
        assert_eq!(short_region("us-east-1"), "use1");
        assert_eq!(short_region("eu-west-1"), "euw1");
        assert_eq!(short_region("ap-southeast-2"), "apse2");
        assert_eq!(short_region("eu-central-1"), "euc1");
        assert_eq!(short_region("ap-northeast-1"), "apne1");
    }

    #[test]
    fn truncation_respects_wide_characters() {
        assert_eq!(truncate("payments-charge", 20), "payments-charge");
        assert_eq!(truncate("payments-charge", 8), "payment…");
        assert_eq!(truncate("決済決済決済", 7), "決済決…");
    }
}
