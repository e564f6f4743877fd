//! When CloudWatch's figures of a minute are final. Lambda stamps a datapoint with the
//! invocation's start and sends it when the invocation ends, and it becomes visible a minute or
//! two later ("if your function has a 10-minute timeout, look more than 10 minutes in the past
//! for accurate metrics", Lambda Developer Guide, *Viewing metrics*). The AWS source settles by
//! this, and the demo fleet plays the same timing.

/// Minutes CloudWatch may still change after they end, for a function that runs at most a
/// minute: its datapoints are sent when its invocations end, a minute or two after.
pub const SETTLE_MINUTES: i64 = 3;
/// Minutes after an invocation ends before its datapoints are visible, at most.
const LANDING_MINUTES: i64 = 2;

/// The longest a function may run (Lambda Developer Guide, *Configure Lambda function
/// timeout*: "The maximum allowed value is 900 seconds"): how late a function whose timeout is
/// not known may still report.
pub const LONGEST_TIMEOUT_S: u32 = 900;

/// Minutes a function's figures may still change after they end: an invocation that started
/// in a minute reports when it ends, up to its timeout later, and lands a minute or two after
/// that. A 15-minute job settles after 17, and so does a function whose timeout is not known
/// (one read through a monitoring account, which sees its metrics, not its configuration):
/// it may be such a job, and its minutes must not settle as zeros before its invocations land.
pub fn settle_minutes(timeout_s: Option<u32>) -> i64 {
    let timeout_s = timeout_s.unwrap_or(LONGEST_TIMEOUT_S);
    let run = (i64::from(timeout_s) + 59) / 60;
    (run + LANDING_MINUTES).max(SETTLE_MINUTES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_function_settles_after_its_timeout_and_the_landing() {
        assert_eq!(settle_minutes(None), 17, "unknown: as late as any may");
        assert_eq!(settle_minutes(Some(3)), SETTLE_MINUTES);
        assert_eq!(settle_minutes(Some(60)), SETTLE_MINUTES);
        assert_eq!(settle_minutes(Some(61)), 4);
        assert_eq!(settle_minutes(Some(600)), 12);
        assert_eq!(settle_minutes(Some(900)), 17);
    }
}
