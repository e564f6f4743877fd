//! CloudWatch Logs filter patterns for text, applied locally where the service cannot apply
//! them (the demo fleet, lines already on screen): every term must appear (`ERROR timeout`),
//! quoted terms are phrases (`"Task timed out"`), `?term` terms are alternatives (any one
//! suffices), `-term` terms must not appear. Matching is case-sensitive, as in CloudWatch.
//! JSON and space-delimited patterns (`{ $.level = … }`, `[ip, …]`) are the service's alone.

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pattern {
    all: Vec<String>,
    any: Vec<String>,
    none: Vec<String>,
}

impl Pattern {
    pub fn parse(text: &str) -> Result<Pattern, String> {
        let t = text.trim();
        if t.starts_with('{') || t.starts_with('[') {
            return Err(format!(
                "'{t}': JSON and space-delimited filter patterns are only understood by CloudWatch itself"
            ));
        }
        let mut p = Pattern::default();
        let mut rest = t;
        while !rest.is_empty() {
            let (prefix, body) = match rest.chars().next() {
                Some(c @ ('?' | '-')) => (Some(c), &rest[1..]),
                _ => (None, rest),
            };
            let (term, after) = if let Some(quoted) = body.strip_prefix('"') {
                let end = quoted
                    .find('"')
                    .ok_or_else(|| format!("'{t}': a quote is not closed"))?;
                (&quoted[..end], &quoted[end + 1..])
            } else {
                let end = body.find(char::is_whitespace).unwrap_or(body.len());
                (&body[..end], &body[end..])
            };
            if !term.is_empty() {
                let list = match prefix {
                    Some('?') => &mut p.any,
                    Some('-') => &mut p.none,
                    _ => &mut p.all,
                };
                list.push(term.to_string());
            }
            rest = after.trim_start();
        }
        Ok(p)
    }

    pub fn matches(&self, line: &str) -> bool {
        self.all.iter().all(|t| line.contains(t.as_str()))
            && (self.any.is_empty() || self.any.iter().any(|t| line.contains(t.as_str())))
            && !self.none.iter().any(|t| line.contains(t.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_phrases_alternatives_and_exclusions() {
        let p = Pattern::parse(r#"ERROR "upstream payments" -retryable"#).unwrap();
        assert!(p.matches("ERROR: upstream payments returned 502"));
        assert!(!p.matches("ERROR: upstream payments returned 502 retryable"));
        assert!(!p.matches("error: upstream payments"), "case-sensitive");
        let q = Pattern::parse("?ERROR ?WARN").unwrap();
        assert!(q.matches("WARN slow") && q.matches("ERROR x") && !q.matches("INFO"));
        assert!(Pattern::parse("").unwrap().matches("anything"));
        assert!(Pattern::parse("{ $.level = \"ERROR\" }").is_err());
        assert!(Pattern::parse("\"open").is_err());
    }
}
