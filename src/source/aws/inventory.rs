//! The inventory of one region: every function (ListFunctions, every page) and the whole
//! region's tags in a few calls (Resource Groups Tagging GetResources for `lambda:function`,
//! never one ListTags per function). The account's limits and each function's reserved and
//! provisioned concurrency are read apart (`capacity`).

use std::collections::{BTreeMap, HashMap};

use aws_sdk_lambda::types::{Architecture as LambdaArch, FunctionConfiguration};
use chrono::{DateTime, Utc};

use super::errors::{AwsError, classify};
use crate::store::{Architecture, FunctionFacts, Logging};

/// Every function of the region, without tags.
pub async fn list_functions(
    client: &aws_sdk_lambda::Client,
    region: &str,
) -> Result<Vec<FunctionFacts>, AwsError> {
    let mut out = Vec::new();
    let mut pages = client
        .list_functions()
        .max_items(50)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("ListFunctions", &e))?;
        out.extend(page.functions().iter().map(|f| facts_of(f, region)));
    }
    Ok(out)
}

fn facts_of(f: &FunctionConfiguration, region: &str) -> FunctionFacts {
    FunctionFacts {
        name: f.function_name().unwrap_or_default().to_string(),
        region: region.to_string(),
        account: Default::default(),
        runtime: f.runtime().map(|r| r.as_str().to_string()),
        memory_mb: f.memory_size().and_then(|m| u32::try_from(m).ok()),
        architecture: match f.architectures().first() {
            Some(LambdaArch::Arm64) => Architecture::Arm64,
            _ => Architecture::X86_64,
        },
        timeout_s: f.timeout().and_then(|t| u32::try_from(t).ok()),
        tags: BTreeMap::new(),
        last_modified: f.last_modified().and_then(parse_last_modified),
        arn: f.function_arn().map(str::to_string),
        logging: logging_of(f.function_name().unwrap_or_default(), f.logging_config()),
        code_sha256: f.code_sha256().map(str::to_string),
        revision_id: f.revision_id().map(str::to_string),
        dead_letter: f
            .dead_letter_config()
            .and_then(|d| d.target_arn())
            .filter(|a| !a.is_empty())
            .map(str::to_string),
    }
}

/// What `LoggingConfig` says of function `name`, where it is given (older functions and some
/// emulators leave it out: plain text in the default group).
pub fn logging_of(name: &str, config: Option<&aws_sdk_lambda::types::LoggingConfig>) -> Logging {
    let Some(c) = config else {
        return Logging::default();
    };
    let default = |g: &&str| *g == format!("/aws/lambda/{name}");
    Logging {
        json: matches!(c.log_format(), Some(aws_sdk_lambda::types::LogFormat::Json)),
        group: c
            .log_group()
            .filter(|g| !g.is_empty() && !default(g))
            .map(str::to_string),
        system_level: c.system_log_level().map(|l| l.as_str().to_string()),
    }
}

/// How one function logs (GetFunctionConfiguration), for a reader that has no inventory.
pub async fn logging_of_function(
    client: &aws_sdk_lambda::Client,
    name: &str,
) -> Result<(Logging, Option<DateTime<Utc>>), AwsError> {
    let f = client
        .get_function_configuration()
        .function_name(name)
        .send()
        .await
        .map_err(|e| classify("GetFunctionConfiguration", &e))?;
    let last_modified = f.last_modified().and_then(parse_last_modified);
    Ok((logging_of(name, f.logging_config()), last_modified))
}

/// Lambda writes `2026-11-23T07:45:08.102+0000`; accept RFC 3339 as well.
pub fn parse_last_modified(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z")
        .or_else(|_| DateTime::parse_from_rfc3339(s))
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Tags of every function of the region, by function name.
pub async fn tags_by_function(
    client: &aws_sdk_resourcegroupstagging::Client,
) -> Result<HashMap<String, BTreeMap<String, String>>, AwsError> {
    let mut out = HashMap::new();
    let mut pages = client
        .get_resources()
        .resource_type_filters("lambda:function")
        .resources_per_page(100)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("GetResources", &e))?;
        for mapping in page.resource_tag_mapping_list() {
            let Some(name) = mapping.resource_arn().and_then(function_name_of_arn) else {
                continue;
            };
            let tags = mapping
                .tags()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect();
            out.insert(name.to_string(), tags);
        }
    }
    Ok(out)
}

/// `arn:aws:lambda:eu-west-1:123456789012:function:orders-api[:qualifier]` → `orders-api`.
pub fn function_name_of_arn(arn: &str) -> Option<&str> {
    let mut parts = arn.split(':');
    (parts.nth(5)? == "function").then_some(())?;
    parts.next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_arns() {
        let arn = "arn:aws:lambda:eu-west-1:123456789012:function:orders-api";
        assert_eq!(function_name_of_arn(arn), Some("orders-api"));
        assert_eq!(
            function_name_of_arn(&format!("{arn}:prod")),
            Some("orders-api")
        );
        assert_eq!(
            function_name_of_arn("arn:aws:lambda:eu-west-1:1:layer:x"),
            None
        );
    }

    #[test]
    fn lambda_timestamps_parse() {
        let t = parse_last_modified("2026-11-23T07:45:08.102+0000").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-23T07:45:08.102+00:00");
        assert!(parse_last_modified("2026-11-23T07:45:08.102262000Z").is_some());
    }
}
