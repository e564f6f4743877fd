//! AWS's time, as its answers state it. Whether a minute has settled in CloudWatch is a matter
//! of CloudWatch's clock, not the bastion's: a bastion a few minutes fast would take minutes
//! CloudWatch has not filled yet for settled ones, and write their missing datapoints as zeros
//! that are never read again. Every HTTP answer carries a `Date` header (RFC 9110, 6.6.1); the
//! interceptor keeps the offset of the newest one, and sources settle against local time plus
//! that offset.

use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeDeserializationInterceptorContextRef;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use chrono::{DateTime, Duration, Utc};

/// Offsets beyond this are a broken header, not a clock: ignored.
const SANE: Duration = Duration::hours(12);

/// AWS's clock relative to the local one, shared by the clients of an account.
#[derive(Debug, Clone, Default)]
pub struct ServerClock(Arc<Mutex<Option<Duration>>>);

impl ServerClock {
    /// AWS's time when the local clock says `local` (the local time until an answer came).
    pub fn now(&self, local: DateTime<Utc>) -> DateTime<Utc> {
        local + self.offset().unwrap_or_default()
    }

    /// How far AWS's clock is ahead of the local one (negative: behind), once known.
    pub fn offset(&self) -> Option<Duration> {
        self.0.lock().ok().and_then(|o| *o)
    }

    /// An answer stamped `server` arrived at `local`. The header has whole seconds, so
    /// differences under two seconds are noise, not skew.
    pub fn observe(&self, server: DateTime<Utc>, local: DateTime<Utc>) {
        let offset = server - local;
        if offset.abs() > SANE {
            return;
        }
        let offset = if offset.abs() < Duration::seconds(2) {
            Duration::zero()
        } else {
            offset
        };
        if let Ok(mut o) = self.0.lock() {
            *o = Some(offset);
        }
    }
}

/// Reads the `Date` header of every answer a client receives.
#[derive(Debug, Clone)]
pub struct ReadServerDate(pub ServerClock);

impl Intercept for ReadServerDate {
    fn name(&self) -> &'static str {
        "ReadServerDate"
    }

    fn read_after_transmit(
        &self,
        context: &BeforeDeserializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let date = context.response().headers().get("date");
        if let Some(server) = date.and_then(|d| DateTime::parse_from_rfc2822(d).ok()) {
            self.0.observe(server.with_timezone(&Utc), Utc::now());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_offset_of_the_newest_answer_moves_the_time() {
        let clock = ServerClock::default();
        let local = Utc.with_ymd_and_hms(2026, 12, 1, 3, 0, 0).unwrap();
        assert_eq!(clock.now(local), local, "no answer yet: local time");
        // The bastion is five minutes fast.
        clock.observe(local - Duration::minutes(5), local);
        assert_eq!(clock.now(local), local - Duration::minutes(5));
        // A second of difference is the header's rounding.
        clock.observe(local - Duration::seconds(1), local);
        assert_eq!(clock.now(local), local);
        // A date a year off is a broken header.
        clock.observe(local - Duration::days(365), local);
        assert_eq!(clock.now(local), local);
        assert!(
            DateTime::parse_from_rfc2822("Tue, 01 Dec 2026 03:00:00 GMT").is_ok(),
            "the HTTP date format"
        );
    }
}
