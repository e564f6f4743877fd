//! lambdatop is read-only against AWS: the source calls no mutating API, and the shipped IAM
//! policy grants exactly the read calls it makes.

use std::path::Path;

fn source_files(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            ));
        }
    }
}

/// SDK calls made in `src/` (`.operation_name()` on a client), by name.
const CALLS: [(&str, &str); 29] = [
    (".list_functions()", "lambda:ListFunctions"),
    (
        ".get_function_configuration()",
        "lambda:GetFunctionConfiguration",
    ),
    (".get_account_settings()", "lambda:GetAccountSettings"),
    (
        ".get_function_concurrency()",
        "lambda:GetFunctionConcurrency",
    ),
    (
        ".list_provisioned_concurrency_configs()",
        "lambda:ListProvisionedConcurrencyConfigs",
    ),
    (".list_aliases()", "lambda:ListAliases"),
    (
        ".list_versions_by_function()",
        "lambda:ListVersionsByFunction",
    ),
    (".get_resources()", "tag:GetResources"),
    (".get_metric_data()", "cloudwatch:GetMetricData"),
    (".describe_alarms()", "cloudwatch:DescribeAlarms"),
    (".list_metrics()", "cloudwatch:ListMetrics"),
    (
        ".list_event_source_mappings()",
        "lambda:ListEventSourceMappings",
    ),
    (".get_queue_url()", "sqs:GetQueueUrl"),
    (".get_queue_attributes()", "sqs:GetQueueAttributes"),
    (
        ".list_function_event_invoke_configs()",
        "lambda:ListFunctionEventInvokeConfigs",
    ),
    (".filter_log_events()", "logs:FilterLogEvents"),
    (".start_live_tail()", "logs:StartLiveTail"),
    (".start_query()", "logs:StartQuery"),
    (".get_query_results()", "logs:GetQueryResults"),
    (".stop_query()", "logs:StopQuery"),
    (".describe_log_groups()", "logs:DescribeLogGroups"),
    (".get_cost_and_usage()", "ce:GetCostAndUsage"),
    (".get_cost_forecast()", "ce:GetCostForecast"),
    (".get_caller_identity()", "sts:GetCallerIdentity"),
    (".list_account_aliases()", "iam:ListAccountAliases"),
    // Several accounts: the caller assumes the role in each, lists the Organization's, or a
    // monitoring account's linked ones.
    ("AssumeRoleProvider::builder(", "sts:AssumeRole"),
    (".list_accounts()", "organizations:ListAccounts"),
    (".list_sinks()", "oam:ListSinks"),
    (".list_attached_links()", "oam:ListAttachedLinks"),
];

#[test]
fn the_source_calls_no_mutating_api() {
    let mut files = Vec::new();
    source_files(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
        &mut files,
    );
    let mutating = [
        ".create_",
        ".delete_",
        ".update_",
        ".put_",
        ".invoke(",
        ".invoke_async(",
        ".tag_resource(",
        ".untag_resource(",
        ".publish_",
        ".add_permission(",
        ".remove_permission(",
        ".set_alarm_state(",
    ];
    for (path, text) in &files {
        for m in mutating {
            assert!(!text.contains(m), "{path} calls a mutating API ({m})");
        }
    }
    let all: String = files.iter().map(|(_, t)| t.as_str()).collect();
    for (call, _) in CALLS {
        assert!(
            all.contains(call),
            "{call} is made somewhere: keep CALLS current"
        );
    }
}

#[test]
fn the_policy_grants_exactly_the_calls_made() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/iam-policy.json")).unwrap();
    let policy: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut granted: Vec<&str> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["Action"].as_array().unwrap())
        .map(|a| a.as_str().unwrap())
        .collect();
    granted.sort_unstable();
    let mut needed: Vec<&str> = CALLS.iter().map(|(_, action)| *action).collect();
    needed.sort_unstable();
    assert_eq!(granted, needed);
    // Live Tail only reads: it streams the log events a group receives. StartQuery reads too:
    // the Service Authorization Reference gives it the Read access level. StopQuery ends only
    // a query lambdatop started, which would otherwise scan on (and be billed) for up to an
    // hour: it changes nothing else of the account.
    // AssumeRole reads nothing and changes nothing: it hands the caller the read-only role
    // of another account.
    let read_verbs = [
        ":AssumeRole",
        ":List",
        ":Get",
        ":Describe",
        ":Filter",
        ":StartLiveTail",
        ":StartQuery",
        ":StopQuery",
    ];
    assert!(
        granted
            .iter()
            .all(|a| read_verbs.iter().any(|v| a.contains(v))),
        "read calls only: {granted:?}"
    );
}

/// The role deployed in each account (`deploy/lambdatop-read-role.json`, a CloudFormation
/// template for a StackSet) grants what lambdatop reads in an account: the policy's first
/// statement, no more; and only the account named may assume it.
#[test]
fn the_role_template_grants_the_policys_reads() {
    let read = |path: &str| -> serde_json::Value {
        let text =
            std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        serde_json::from_str(&text).unwrap()
    };
    let policy = read("iam-policy.json");
    let template = read("deploy/lambdatop-read-role.json");
    let role = &template["Resources"]["LambdatopReadRole"]["Properties"];
    let granted = &role["Policies"][0]["PolicyDocument"]["Statement"][0]["Action"];
    assert_eq!(granted, &policy["Statement"][0]["Action"]);
    let trust = &role["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(trust["Action"], "sts:AssumeRole");
    assert_eq!(
        trust["Principal"]["AWS"]["Fn::Sub"],
        "arn:${AWS::Partition}:iam::${TrustedAccountId}:root"
    );
    assert_eq!(role["RoleName"]["Ref"], "RoleName");
    assert_eq!(
        template["Parameters"]["RoleName"]["Default"],
        "lambdatop-read"
    );
}
