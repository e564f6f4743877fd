//! CloudWatch Logs Live Tail, which moto cannot serve: the loopback proxy answers StartLiveTail
//! with recorded-style event-stream frames (sessionStart, sessionUpdate) and keeps the session
//! open. The log pane must show what streams in, once and inert; without Live Tail (moto alone)
//! it falls back to polling, which the other log tests cover.

use std::time::Duration;

use aws_smithy_types::event_stream::{Header, HeaderValue, Message};

use crate::fault_proxy::FaultProxy;
use crate::moto::{self, Spec, create_function};
use crate::pty::Pty;

/// One event-stream frame of a Live Tail event.
fn frame(event_type: &'static str, payload: serde_json::Value) -> Vec<u8> {
    let message = Message::new(payload.to_string().into_bytes())
        .add_header(Header::new(
            ":message-type",
            HeaderValue::String("event".into()),
        ))
        .add_header(Header::new(
            ":event-type",
            HeaderValue::String(event_type.into()),
        ))
        .add_header(Header::new(
            ":content-type",
            HeaderValue::String("application/json".into()),
        ));
    let mut out = Vec::new();
    aws_smithy_eventstream::frame::write_message_to(&message, &mut out).unwrap();
    out
}

/// The frame that opens a session over `group`.
fn session_start(group: &str) -> Vec<u8> {
    frame(
        "sessionStart",
        serde_json::json!({"requestId": "r", "sessionId": "s", "logGroupIdentifiers": [group]}),
    )
}

/// The dashboard on `region` through a proxy that answers StartLiveTail with `frames`, with
/// the log pane of `function` (the fleet's only one there) open.
fn open_logs(region: &str, function: &str, frames: Vec<u8>) -> (FaultProxy, Pty) {
    let proxy = FaultProxy::start(&moto::url());
    proxy.serve_live_tail(frames);
    let mut env = moto::env(&proxy.url);
    env.push(("TERM".into(), "xterm-256color".into()));
    let mut tui = Pty::spawn(&["--region", region], &env, 120, 36);
    tui.wait_for(Duration::from_secs(20), |s| s.contains(function))
        .unwrap_or_else(|s| panic!("no fleet:\n{s}"));
    tui.send("l");
    (proxy, tui)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_log_pane_shows_what_live_tail_streams() {
    let region = "eu-south-2";
    create_function(region, &Spec::new("streamed-fn")).await;
    let group = format!("arn:aws:logs:{region}:123456789012:log-group:/aws/lambda/streamed-fn");
    let now = chrono::Utc::now().timestamp_millis();
    let event = |ms: i64, message: &str| {
        serde_json::json!({
            "logStreamName": "2026/11/23/[$LATEST]live",
            "logGroupIdentifier": group,
            "message": message,
            "timestamp": ms,
            "ingestionTime": ms + 50,
        })
    };
    let mut frames = session_start(&group);
    frames.extend(frame(
        "sessionUpdate",
        serde_json::json!({
            "sessionMetadata": {"sampled": false},
            "sessionResults": [
                event(now - 2000, "START RequestId: live-1 Version: $LATEST"),
                event(now - 1000, "\u{1b}[31mERROR\u{1b}[0m streamed live \u{1b}]52;c;aGk=\u{7}"),
            ],
        }),
    ));
    let (proxy, mut tui) = open_logs(region, "streamed-fn", frames);
    // The log group does not exist in moto: these lines can only have come through Live Tail.
    let screen = tui
        .wait_for(Duration::from_secs(20), |s| {
            s.contains("ERROR streamed live") && s.contains("START RequestId: live-1")
        })
        .unwrap_or_else(|s| panic!("nothing streamed:\n{s}"));
    assert_eq!(screen.matches("ERROR streamed live").count(), 1, "{screen}");
    assert!(proxy.seen("StartLiveTail") >= 1);

    // A JSON pattern is CloudWatch's to apply: the tail asks again with it, on the wire.
    tui.send("/{ $.level = \"ERROR\" }\r");
    tui.wait_for(Duration::from_secs(20), |s| s.contains("(by CloudWatch)"))
        .unwrap_or_else(|s| panic!("filter not handed to CloudWatch:\n{s}"));
    let asked = |op: &str| {
        proxy
            .bodies(op)
            .iter()
            .any(|b| b.contains("$.level") && b.contains("ERROR"))
    };
    let start = std::time::Instant::now();
    while !(asked("StartLiveTail") && asked("FilterLogEvents"))
        && start.elapsed() < Duration::from_secs(20)
    {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(asked("FilterLogEvents"), "the refill carries the pattern");
    assert!(
        asked("StartLiveTail"),
        "the new session carries the pattern"
    );
    assert_eq!(tui.quit(), Some(0));
}

/// A Live Tail session ends normally after three hours with `SessionTimeoutException`, and
/// above 500 events a second it samples (`sessionMetadata.sampled`; CloudWatch Logs API
/// Reference, *StartLiveTail*, *LiveTailSessionMetadata*). The tail opens a new session instead
/// of falling back to polling for good, shows each line once, and says the lines are sampled.
#[tokio::test(flavor = "multi_thread")]
async fn a_timed_out_session_is_opened_again_and_sampling_is_said() {
    let region = "ap-southeast-2";
    create_function(region, &Spec::new("sampled-fn")).await;
    let group = format!("arn:aws:logs:{region}:123456789012:log-group:/aws/lambda/sampled-fn");
    let now = chrono::Utc::now().timestamp_millis();
    let mut frames = session_start(&group);
    frames.extend(frame(
        "sessionUpdate",
        serde_json::json!({
            "sessionMetadata": {"sampled": true},
            "sessionResults": [{
                "logStreamName": "2026/12/01/[$LATEST]busy",
                "logGroupIdentifier": group,
                "message": "one of very many lines",
                "timestamp": now - 1000,
                "ingestionTime": now - 950,
            }],
        }),
    ));
    // The session's end, as CloudWatch sends it after three hours.
    frames.extend(session_timeout());
    let (proxy, tui) = open_logs(region, "sampled-fn", frames);
    let screen = tui
        .wait_for(Duration::from_secs(20), |s| {
            s.contains("one of very many lines") && s.contains("sampled: Live Tail shows part")
        })
        .unwrap_or_else(|s| panic!("no sampled line:\n{s}"));
    assert_eq!(
        screen.matches("one of very many lines").count(),
        1,
        "{screen}"
    );
    let start = std::time::Instant::now();
    while proxy.seen("StartLiveTail") < 3 && start.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        proxy.seen("StartLiveTail") >= 3,
        "a timed-out session is opened again, not given up: {}",
        proxy.seen("StartLiveTail")
    );
    let screen = tui.text();
    assert_eq!(
        screen.matches("one of very many lines").count(),
        1,
        "{screen}"
    );
    assert_eq!(tui.quit(), Some(0));
}

/// A storm through Live Tail: ten updates of 500 events (the most an update holds before
/// CloudWatch samples, CloudWatch Logs API Reference, *LiveTailSessionUpdate*), sampled, at
/// once, into a scrollback of 2,000 lines. The newest line shows, the keys still answer, and
/// nothing goes silently: the title says the lines are sampled, the foot holds 2,000 and
/// counts the 3,000 let go. (How fast, at 5,000 lines a second for a minute: `benches/
/// log_storm.rs`.)
#[tokio::test(flavor = "multi_thread")]
async fn a_live_tail_storm_past_the_scrollback_is_counted_on_screen() {
    let region = "ap-southeast-4";
    let name = "storm-fn";
    create_function(region, &Spec::new(name)).await;
    let group = format!("arn:aws:logs:{region}:123456789012:log-group:/aws/lambda/{name}");
    let now = chrono::Utc::now().timestamp_millis();
    let mut frames = session_start(&group);
    for update in 0..10 {
        let results: Vec<serde_json::Value> = (0..500)
            .map(|i| {
                let n = update * 500 + i;
                serde_json::json!({
                    "logStreamName": format!("2026/12/04/[$LATEST]s{}", n % 10),
                    "logGroupIdentifier": group,
                    "message": format!("storm line {n}"),
                    "timestamp": now - 10_000 + n,
                    "ingestionTime": now - 9_000 + n,
                })
            })
            .collect();
        frames.extend(frame(
            "sessionUpdate",
            serde_json::json!({"sessionMetadata": {"sampled": true}, "sessionResults": results}),
        ));
    }
    let proxy = FaultProxy::start(&moto::url());
    proxy.serve_live_tail(frames);
    let mut env = moto::env(&proxy.url);
    env.push(("TERM".into(), "xterm-256color".into()));
    let mut tui = Pty::spawn(&["--region", region, "--scrollback", "2000"], &env, 140, 36);
    tui.wait_for(Duration::from_secs(20), |s| s.contains(name))
        .unwrap_or_else(|s| panic!("no fleet:\n{s}"));
    tui.send(&format!(":fn {name}\r"));
    tui.wait_for(Duration::from_secs(10), |s| s.contains("Esc back"))
        .unwrap_or_else(|s| panic!("no detail:\n{s}"));
    tui.send("l");
    let s = tui
        .wait_for(Duration::from_secs(30), |s| {
            s.contains("storm line 4999")
                && s.contains("older let go")
                && s.contains("sampled: Live Tail shows part")
        })
        .unwrap_or_else(|s| panic!("the storm did not arrive:\n{s}"));
    assert!(s.contains("sampled: Live Tail shows part"), "{s}");
    assert!(
        s.contains("2000 lines · 3.0k older let go (scrollback 2.0k)"),
        "{s}"
    );
    tui.send("?");
    tui.wait_for(Duration::from_secs(10), |s| s.contains("Everywhere"))
        .unwrap_or_else(|s| panic!("a key after the storm:\n{s}"));
    tui.send("?");
    assert_eq!(tui.quit(), Some(0));
}

/// The frame that ends a session, as CloudWatch does after three hours (CloudWatch Logs API
/// Reference, *StartLiveTail*: `SessionTimeoutException`).
fn session_timeout() -> Vec<u8> {
    let timeout = Message::new(br#"{"message":"Session timed out"}"#.to_vec())
        .add_header(Header::new(
            ":message-type",
            HeaderValue::String("exception".into()),
        ))
        .add_header(Header::new(
            ":exception-type",
            HeaderValue::String("SessionTimeoutException".into()),
        ))
        .add_header(Header::new(
            ":content-type",
            HeaderValue::String("application/json".into()),
        ));
    let mut out = Vec::new();
    aws_smithy_eventstream::frame::write_message_to(&timeout, &mut out).unwrap();
    out
}

/// A session over `function`'s group in `region` that streams `line`.
fn streaming(account: &str, region: &str, function: &str, line: &str) -> Vec<u8> {
    let group = format!("arn:aws:logs:{region}:{account}:log-group:/aws/lambda/{function}");
    let now = chrono::Utc::now().timestamp_millis();
    let mut frames = session_start(&group);
    frames.extend(frame(
        "sessionUpdate",
        serde_json::json!({
            "sessionMetadata": {"sampled": false},
            "sessionResults": [{
                "logStreamName": "2026/12/07/[$LATEST]one",
                "logGroupIdentifier": group,
                "message": line,
                "timestamp": now - 1000,
                "ingestionTime": now - 950,
            }],
        }),
    ));
    frames
}

/// StartLiveTail takes the log groups of one region, so a project across regions has a session
/// in each, and each lives on its own: one that times out (*StartLiveTail*:
/// `SessionTimeoutException` after three hours) is opened again in its region alone, and a
/// region where Live Tail is denied (`AccessDeniedException`) is polled with FilterLogEvents
/// while the others stream on. Before, the first session to end or be denied ended every
/// region's: the steady one was opened again and again, or never again.
#[tokio::test(flavor = "multi_thread")]
async fn each_regions_live_tail_ends_and_is_denied_on_its_own() {
    use crate::accounts::create_in;
    use crate::fault_proxy::Fault;
    // An account of its own: these functions are in no other test's fleet.
    const ACCOUNT: &str = "636363636363";
    let (ending, steady, denied) = ("eu-west-1", "us-east-1", "ap-south-1");
    for (region, name) in [
        (ending, "lt-ending"),
        (steady, "lt-steady"),
        (denied, "lt-denied"),
    ] {
        create_in(ACCOUNT, region, name, &[("project", "tails")]).await;
    }
    let proxy = FaultProxy::start(&moto::url());
    // The signing region is in the request's `Authorization` header.
    let signed_in = |region: &str| format!("/{region}/logs/aws4_request");
    let mut frames = streaming(
        ACCOUNT,
        ending,
        "lt-ending",
        "a line of the session that ends",
    );
    frames.extend(session_timeout());
    proxy.serve_live_tail_where(&signed_in(ending), frames);
    proxy.serve_live_tail_where(
        &signed_in(steady),
        streaming(ACCOUNT, steady, "lt-steady", "a line of the steady session"),
    );
    proxy.inject_where(
        "StartLiveTail",
        Some(&signed_in(denied)),
        Fault::AccessDenied,
        None,
    );
    let mut env: Vec<(String, String)> = moto::env(&proxy.url)
        .into_iter()
        .filter(|(k, _)| !k.starts_with("AWS_ACCESS_KEY_ID") && !k.starts_with("AWS_SECRET"))
        .collect();
    env.extend(moto::assumed(ACCOUNT));
    env.push(("TERM".into(), "xterm-256color".into()));
    let regions = format!("{ending},{steady},{denied}");
    let mut tui = Pty::spawn(&["--region", &regions], &env, 140, 36);
    tui.wait_for(Duration::from_secs(30), |s| {
        ["lt-ending", "lt-steady", "lt-denied"]
            .iter()
            .all(|n| s.contains(n))
    })
    .unwrap_or_else(|s| panic!("no fleet:\n{s}"));
    // The project's logs: its three functions, in three regions.
    tui.send("L");
    tui.wait_for(Duration::from_secs(20), |s| {
        s.contains("a line of the steady session") && s.contains("a line of the session that ends")
    })
    .unwrap_or_else(|s| panic!("nothing streamed:\n{s}"));
    let sessions = |region: &str| {
        proxy
            .bodies("StartLiveTail")
            .iter()
            .filter(|b| b.contains(&format!(":logs:{region}:")))
            .count()
    };
    let polled = |function: &str| {
        proxy
            .bodies("FilterLogEvents")
            .iter()
            .filter(|b| b.contains(&format!("/aws/lambda/{function}")) && !b.contains("REPORT"))
            .count()
    };
    let start = std::time::Instant::now();
    while (sessions(ending) < 3 || polled("lt-denied") < 3)
        && start.elapsed() < Duration::from_secs(30)
    {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        sessions(ending) >= 3,
        "the session that ends is opened again: {}",
        sessions(ending)
    );
    assert!(
        polled("lt-denied") >= 3,
        "where Live Tail is denied, the lines are polled: {}",
        polled("lt-denied")
    );
    assert_eq!(
        sessions(steady),
        1,
        "the steady region's session is left streaming"
    );
    assert!(
        polled("lt-steady") <= 1,
        "a streaming region is read once, to fill the pane, and not polled: {}",
        polled("lt-steady")
    );
    let screen = tui.text();
    assert_eq!(
        screen.matches("a line of the steady session").count(),
        1,
        "{screen}"
    );
    assert_eq!(tui.quit(), Some(0));
}
