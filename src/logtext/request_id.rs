//! The request id a Lambda log line names: `RequestId: …` in the platform's START, END and
//! REPORT lines, `requestId` (or `AWSRequestId`, `awsRequestId`, `request_id`) in JSON lines
//! and in Lambda's JSON platform events, and the id the runtimes' text formats put in a field
//! of their own near the start (Node: `time<TAB>id<TAB>LEVEL`, Python: `[LEVEL]<TAB>time<TAB>id`,
//! a timeout: `time id Task timed out`).

/// How far into a text line the runtimes' own id field can be.
const HEAD: usize = 120;

pub fn request_id(text: &str) -> Option<&str> {
    if let Some(at) = text.find("RequestId: ") {
        return token(&text[at + "RequestId: ".len()..]);
    }
    if text.trim_start().starts_with('{') {
        for key in [
            "\"requestId\"",
            "\"AWSRequestId\"",
            "\"awsRequestId\"",
            "\"request_id\"",
        ] {
            if let Some(at) = text.find(key) {
                let after = text[at + key.len()..].trim_start().strip_prefix(':')?;
                let value = after.trim_start().strip_prefix('"')?;
                return value.split('"').next().filter(|v| !v.is_empty());
            }
        }
        return None;
    }
    let mut end = text.len().min(HEAD);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end]
        .split(|c: char| c.is_whitespace())
        .find(|w| is_uuid(w))
}

fn token(s: &str) -> Option<&str> {
    s.split(|c: char| c.is_whitespace())
        .next()
        .filter(|t| !t.is_empty())
}

/// `8-4-4-4-12` hex digits, as Lambda's request ids are.
pub fn is_uuid(w: &str) -> bool {
    let parts: Vec<&str> = w.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "8f5e3f2a-1b2c-4d3e-9f00-0123456789ab";

    #[test]
    fn every_format_names_its_request() {
        let lines = [
            format!("START RequestId: {ID} Version: $LATEST"),
            format!("REPORT RequestId: {ID}    Duration: 2.00 ms"),
            format!(r#"{{"level":"INFO","requestId":"{ID}","msg":"x"}}"#),
            format!(r#"{{"type":"platform.start","record":{{"requestId": "{ID}"}}}}"#),
            format!("2024-01-01T00:00:00.000Z    {ID}    ERROR    Invoke Error"),
            format!("[ERROR]    2024-01-01T00:00:00.000Z    {ID}    boom"),
            format!("2024-01-01T00:00:00.000Z {ID} Task timed out after 3.00 seconds"),
        ];
        for l in &lines {
            assert_eq!(request_id(l), Some(ID), "{l}");
        }
        assert_eq!(request_id("INFO cart synced items=3"), None);
        assert_eq!(request_id(r#"{"msg":"no id"}"#), None);
    }
}
