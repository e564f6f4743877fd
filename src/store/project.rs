//! The project rule: which project a function belongs to.
//!
//! The value of the tag named by `--project-tag` (default `project`); else the CloudFormation
//! stack that made it; else the function name's prefix before the first `-` or `_`.

use std::collections::BTreeMap;

pub const DEFAULT_PROJECT_TAG: &str = "project";
const STACK_TAG: &str = "aws:cloudformation:stack-name";

pub fn project_of(name: &str, tags: &BTreeMap<String, String>, project_tag: &str) -> String {
    let tagged = |key: &str| tags.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());
    if let Some(v) = tagged(project_tag).or_else(|| tagged(STACK_TAG)) {
        return v.to_string();
    }
    let prefix = name.split(['-', '_']).next().unwrap_or(name);
    if prefix.is_empty() { name } else { prefix }.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_project_tag_wins() {
        let t = tags(&[("project", "payments"), (STACK_TAG, "pay-stack")]);
        assert_eq!(project_of("checkout-api", &t, "project"), "payments");
    }

    #[test]
    fn a_custom_tag_name_is_honoured() {
        let t = tags(&[("team", "search"), ("project", "other")]);
        assert_eq!(project_of("x-y", &t, "team"), "search");
    }

    #[test]
    fn then_the_stack_then_the_name_prefix() {
        assert_eq!(
            project_of("a-b", &tags(&[(STACK_TAG, "stack-1")]), "project"),
            "stack-1"
        );
        assert_eq!(
            project_of("orders_sync-v2", &tags(&[]), "project"),
            "orders"
        );
        assert_eq!(project_of("monolith", &tags(&[]), "project"), "monolith");
        assert_eq!(
            project_of("-odd", &tags(&[("project", "  ")]), "project"),
            "-odd"
        );
    }
}
