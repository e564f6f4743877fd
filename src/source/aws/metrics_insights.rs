//! The functions a CloudWatch Metrics Insights query names (CloudWatch User Guide, *Metrics
//! Insights query components and syntax*): `SELECT FUNCTION(metric) FROM "AWS/Lambda" |
//! SCHEMA("AWS/Lambda", …) WHERE label = 'value' | label IN ('a', 'b') …`. An alarm on such a
//! query watches the functions its `WHERE` clause names with `=` or `IN`; one that names them
//! otherwise (`!=`, `LIKE`, `NOT IN`) or not at all watches no function by name.

/// A word of a query: a name (bare, or in double quotes), a string (in single quotes), or a
/// sign (`=`, `!=`, `<>`, `(`, `)`, `,`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Name(String),
    Text(String),
    Sign(String),
}

fn tokens(query: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = query.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '\'' | '"' => {
                let mut text = String::new();
                while let Some(d) = chars.next() {
                    match d {
                        // A backslash escapes the next character (the quote itself).
                        '\\' => text.extend(chars.next()),
                        d if d == c => break,
                        d => text.push(d),
                    }
                }
                out.push(if c == '\'' {
                    Token::Text(text)
                } else {
                    Token::Name(text)
                });
            }
            '!' | '<' if matches!(chars.peek(), Some('=' | '>')) => {
                let next = chars.next().unwrap_or_default();
                out.push(Token::Sign(format!("{c}{next}")));
            }
            c if c.is_alphanumeric() || c == '_' || c == '/' || c == '.' || c == '-' => {
                let mut word = c.to_string();
                while let Some(&d) = chars.peek() {
                    if !(d.is_alphanumeric() || "_/.-".contains(d)) {
                        break;
                    }
                    word.push(d);
                    chars.next();
                }
                out.push(Token::Name(word));
            }
            c => out.push(Token::Sign(c.to_string())),
        }
    }
    out
}

fn keyword(t: Option<&Token>, word: &str) -> bool {
    matches!(t, Some(Token::Name(n)) if n.eq_ignore_ascii_case(word))
}

/// The functions a Metrics Insights query of Lambda's metrics names in its `WHERE` clause, by
/// `FunctionName = '…'` or `FunctionName IN ('…', …)`; none for another namespace's query.
pub fn functions_named(query: &str) -> Vec<String> {
    let t = tokens(query);
    let lambda = t.iter().any(|x| *x == Token::Name("AWS/Lambda".into()));
    let Some(mut i) = t.iter().position(|x| keyword(Some(x), "WHERE")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    while lambda && i < t.len() {
        let at = |k: usize| t.get(k);
        if ["GROUP", "ORDER", "LIMIT"]
            .iter()
            .any(|w| keyword(at(i), w))
        {
            break;
        }
        let is_function = matches!(at(i), Some(Token::Name(n)) if n == "FunctionName");
        match (is_function, at(i + 1), at(i + 2)) {
            (true, Some(Token::Sign(s)), Some(Token::Text(v))) if s == "=" => {
                out.push(v.clone());
                i += 3;
            }
            (true, next, Some(Token::Sign(open))) if keyword(next, "IN") && open == "(" => {
                i += 3;
                while let Some(x) = at(i) {
                    i += 1;
                    match x {
                        Token::Text(v) => out.push(v.clone()),
                        Token::Sign(s) if s == ")" => break,
                        _ => {}
                    }
                }
            }
            _ => i += 1,
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn where_names_a_function_by_equals_or_in_and_nothing_else_counts() {
        let one = r#"SELECT MAX(Errors) FROM SCHEMA("AWS/Lambda", FunctionName) WHERE FunctionName = 'orders-api'"#;
        assert_eq!(functions_named(one), ["orders-api"]);
        let several = "select sum(Throttles) from \"AWS/Lambda\" where \"FunctionName\" in ('b', 'a') and Resource != 'x' group by FunctionName";
        assert_eq!(functions_named(several), ["a", "b"]);
        let either = "SELECT AVG(Duration) FROM \"AWS/Lambda\" WHERE FunctionName='a' OR FunctionName = 'c' ORDER BY AVG() DESC LIMIT 5";
        assert_eq!(functions_named(either), ["a", "c"]);
        for none in [
            // Every function, one series each: none by name.
            "SELECT MAX(Errors) FROM SCHEMA(\"AWS/Lambda\", FunctionName) GROUP BY FunctionName",
            "SELECT MAX(Errors) FROM \"AWS/Lambda\" WHERE FunctionName != 'orders-api'",
            "SELECT MAX(Errors) FROM \"AWS/Lambda\" WHERE FunctionName NOT IN ('orders-api')",
            "SELECT MAX(Errors) FROM \"AWS/Lambda\" WHERE FunctionName LIKE 'orders-%'",
            // Another namespace's dimension of that name.
            "SELECT SUM(Count) FROM \"Custom/App\" WHERE FunctionName = 'orders-api'",
            "",
        ] {
            assert_eq!(functions_named(none), Vec::<String>::new(), "{none}");
        }
    }
}
