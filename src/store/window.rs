//! Windows: a look-back of whole minutes, ending now or at a moment in the past, the period
//! it is read at and the moments `--at` and `:at` accept. What is computed over a window is in
//! `store::figures`.

use std::fmt;

use chrono::{DateTime, Utc};

use super::span::{MAX_BUCKETS, Span};
use super::{Minute, MinuteRange};

/// A look-back window of whole minutes, ending now (live) or at a moment in the past.
///
/// CloudWatch keeps one-minute datapoints for 15 days, five-minute ones for 63 days and
/// hourly ones for 455 days ("Amazon CloudWatch retains metric data as follows",
/// CloudWatch API Reference, *GetMetricData*), and GetMetricData bills per metric, not per
/// datapoint. So a window is read at the finest period CloudWatch still keeps for its oldest
/// minute, coarsened until it fits `MAX_BUCKETS`: 6 hours minute by minute, a day by five
/// minutes, a week by half hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    minutes: u32,
    /// The minute after its last, for a window in the past (`None`: it ends now).
    end: Option<Minute>,
}

/// The periods a window may be read at, in minutes: each a whole number of CloudWatch's
/// (one minute, five, an hour) and dividing a day.
const PERIODS: [u32; 12] = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440];

/// The longest window: CloudWatch's five-minute data reaches back 63 days.
pub const MAX_MINUTES: u32 = 63 * 24 * 60;

/// The period CloudWatch keeps for datapoints `age_minutes` old.
fn kept_period(age_minutes: i64) -> u32 {
    const DAY: i64 = 24 * 60;
    match age_minutes {
        a if a <= 15 * DAY => 1,
        a if a <= 63 * DAY => 5,
        _ => 60,
    }
}

impl Window {
    pub const M15: Window = Window::last(15);
    pub const H1: Window = Window::last(60);
    pub const H3: Window = Window::last(180);
    pub const H6: Window = Window::last(6 * 60);
    pub const H24: Window = Window::last(24 * 60);
    pub const D7: Window = Window::last(7 * 24 * 60);
    pub const PRESETS: [Window; 6] = [Self::M15, Self::H1, Self::H3, Self::H6, Self::H24, Self::D7];

    const fn last(minutes: u32) -> Window {
        Window { minutes, end: None }
    }

    pub fn from_minutes(minutes: u32) -> Option<Window> {
        (1..=MAX_MINUTES)
            .contains(&minutes)
            .then_some(Window::last(minutes))
    }

    pub fn minutes(self) -> u32 {
        self.minutes
    }

    pub fn hours(self) -> f64 {
        f64::from(self.minutes) / 60.0
    }

    /// The same length, ending at `end` (the minute after its last; `None`: now).
    pub fn ending(self, end: Option<Minute>) -> Window {
        Window { end, ..self }
    }

    /// Where a window in the past ends (`None`: it ends now).
    pub fn end(self) -> Option<Minute> {
        self.end
    }

    /// Whether it ends before now.
    pub fn is_past(self) -> bool {
        self.end.is_some()
    }

    /// A cost over the window as a rate per hour.
    pub fn per_hour(self, usd: Option<f64>) -> Option<f64> {
        usd.map(|c| c / self.hours())
    }

    /// The window if CloudWatch still keeps any of it at `now`: its hourly datapoints go after
    /// 455 days.
    pub fn kept_at(self, now: DateTime<Utc>) -> Result<Window, String> {
        let end = self.end.unwrap_or(Minute::of(now));
        if Minute::of(now).0 - end.0 > 455 * 24 * 60 {
            return Err(format!(
                "CloudWatch keeps metrics for 455 days: nothing is left of the window to {}",
                end.start().format("%Y-%m-%d %H:%M UTC")
            ));
        }
        Ok(self)
    }

    /// The same length, ending at the moment `text` says (`parse_moment`), if CloudWatch
    /// still keeps any of it: what `--at` and `:at` do.
    pub fn ending_at<Tz: chrono::TimeZone>(
        self,
        text: &str,
        now: DateTime<Utc>,
        tz: &Tz,
    ) -> Result<Window, String> {
        let at = parse_moment(text, now, tz)?;
        self.ending(at.map(Minute::of)).kept_at(now)
    }

    /// Minutes a bucket of the window spans at `now`.
    pub fn period(self, now: DateTime<Utc>) -> u32 {
        let by_length = PERIODS
            .into_iter()
            .find(|p| self.minutes.div_ceil(*p) <= MAX_BUCKETS)
            .unwrap_or(1440);
        let end = self.end.map_or(Minute::of(now), |e| e.min(Minute::of(now)));
        let oldest = end.minus(i64::from(self.minutes));
        by_length.max(kept_period(Minute::of(now).0 - oldest.0))
    }

    /// The window's buckets at `now`. A live one ends with the minute before the current one
    /// (still filling, left out); with a period longer than a minute its last bucket holds
    /// that minute and may be partial. One in the past ends at the last whole bucket before
    /// its end.
    pub fn range(self, now: DateTime<Utc>) -> MinuteRange {
        let period = self.period(now);
        let buckets = self.minutes.div_ceil(period);
        let last = match self.end {
            None => Minute::of(now).minus(1),
            Some(end) => end.min(Minute::of(now)).floor(period).minus(1),
        };
        MinuteRange::buckets_ending_at(last, buckets, period)
    }

    /// The span the store must keep beside its `kept` minutes for this window at `now`:
    /// `None` when those minutes hold it.
    pub fn span(self, now: DateTime<Utc>, kept: u32) -> Option<Span> {
        let range = self.range(now);
        let oldest_kept = Minute::of(now).minus(i64::from(kept));
        if range.period() == 1 && range.first >= oldest_kept {
            return None;
        }
        Some(Span {
            period: range.period(),
            buckets: range.len() as u32,
            end: self.end.map(|_| range.last_minute().plus(1)),
        })
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.minutes;
        if m.is_multiple_of(24 * 60) && m > 24 * 60 {
            write!(f, "{}d", m / (24 * 60))
        } else if m.is_multiple_of(60) {
            write!(f, "{}h", m / 60)
        } else {
            write!(f, "{m}m")
        }
    }
}

impl std::str::FromStr for Window {
    type Err = String;

    /// `15m`, `1h`, `90m`, `24h`, `7d` or a bare number of minutes.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        let (digits, factor) = if let Some(d) = t.strip_suffix('d') {
            (d, 24 * 60)
        } else if let Some(h) = t.strip_suffix('h') {
            (h, 60)
        } else if let Some(m) = t.strip_suffix('m') {
            (m, 1)
        } else {
            (t.as_str(), 1)
        };
        digits
            .parse::<u32>()
            .ok()
            .and_then(|n| n.checked_mul(factor))
            .and_then(Window::from_minutes)
            .ok_or_else(|| {
                format!("invalid window '{s}': expected e.g. 15m, 1h, 24h or 7d (at most 63d)")
            })
    }
}

/// A moment a window may end at, as typed after `--at` or `:at`: RFC 3339
/// (`2026-12-05T02:00:00Z`), a date and clock time (`2026-12-05 02:00`), a clock time alone
/// (`02:00`: the last time the clock of `tz` read it), or a time ago (`-9h`, `-90m`, `-2d`).
/// `now` and `live` come back as `None`: the window ends now. A moment to come is refused.
/// On the nights clocks change, a local time that happens twice is refused unless its offset is
/// given (a clock time alone is the later of the two, the last time the clock read it), and
/// one that never happened is refused, saying so.
pub fn parse_moment<Tz: chrono::TimeZone>(
    text: &str,
    now: DateTime<Utc>,
    tz: &Tz,
) -> Result<Option<DateTime<Utc>>, String> {
    use chrono::{NaiveDateTime, NaiveTime};
    let t = text.trim();
    let bad = || {
        format!(
            "invalid time '{text}': expected 02:00, 2026-12-05 02:00, 2026-12-05T02:00:00Z, -9h or now"
        )
    };
    if t.eq_ignore_ascii_case("now") || t.eq_ignore_ascii_case("live") {
        return Ok(None);
    }
    // A local time, as the clocks of `tz` read it: `clock_only`, the last time they did.
    let local = |n: NaiveDateTime, clock_only: bool| -> Result<DateTime<Utc>, String> {
        let day = n.format("%Y-%m-%d");
        let hm = n.format("%H:%M");
        match tz.from_local_datetime(&n) {
            chrono::LocalResult::Single(d) => Ok(d.with_timezone(&Utc)),
            chrono::LocalResult::Ambiguous(a, b) => {
                // In the order they happened (chrono gives no order).
                let (first, second) = if a.with_timezone(&Utc) <= b.with_timezone(&Utc) {
                    (a, b)
                } else {
                    (b, a)
                };
                let (earlier, later) = (first.with_timezone(&Utc), second.with_timezone(&Utc));
                if clock_only {
                    return Ok(if later <= now { later } else { earlier });
                }
                Err(format!(
                    "{hm} on {day} happened twice here (the clocks went back): give its offset, \
                 {} for the first or {} for the second",
                    first.to_rfc3339(),
                    second.to_rfc3339()
                ))
            }
            chrono::LocalResult::None => Err(format!(
                "{hm} on {day} never happened here (the clocks went forward past it): give a \
                 time before or after the change, or in UTC ({day}T{hm}:00Z)"
            )),
        }
    };
    let at = if let Some(ago) = t.strip_prefix('-') {
        let w: Window = ago.parse().map_err(|_| bad())?;
        now - chrono::Duration::minutes(i64::from(w.minutes()))
    } else if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        d.with_timezone(&Utc)
    } else if let Some(n) = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
    {
        local(n, false)?
    } else if let Some(clock) = ["%H:%M", "%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(t, f).ok())
    {
        let local_now = now.with_timezone(tz);
        let today = local_now.date_naive();
        let yesterday = || -> Result<DateTime<Utc>, String> {
            local(today.pred_opt().ok_or_else(bad)?.and_time(clock), true)
        };
        match local(today.and_time(clock), true) {
            Ok(at) if at <= now => at,
            // Later today: the day before's.
            Ok(_) => yesterday()?,
            // Skipped today by the clocks, and not reached yet: the day before's.
            Err(_) if local_now.time() < clock => yesterday()?,
            Err(e) => return Err(e),
        }
    } else {
        return Err(bad());
    };
    if at > now {
        return Err(format!(
            "time '{text}' is in the future ({}): a window can only end now or before",
            at.format("%Y-%m-%d %H:%M UTC")
        ));
    }
    Ok(Some(at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{FixedOffset, TimeZone};

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 5, h, m, 30).unwrap()
    }

    #[test]
    fn moments_as_typed() {
        let now = at(15, 13);
        let utc = Utc;
        let p = |t: &str| parse_moment(t, now, &utc);
        assert_eq!(p("now"), Ok(None));
        assert_eq!(p("-9h"), Ok(Some(now - chrono::Duration::hours(9))));
        assert_eq!(p("-2d"), Ok(Some(now - chrono::Duration::days(2))));
        assert_eq!(
            p("2026-12-05T02:00:00Z"),
            Ok(Some(Utc.with_ymd_and_hms(2026, 12, 5, 2, 0, 0).unwrap()))
        );
        assert_eq!(
            p("2026-12-04 23:30"),
            Ok(Some(Utc.with_ymd_and_hms(2026, 12, 4, 23, 30, 0).unwrap()))
        );
        // A clock time is the last time the clock read it: today's 02:00, yesterday's 16:00.
        assert_eq!(
            p("02:00"),
            Ok(Some(Utc.with_ymd_and_hms(2026, 12, 5, 2, 0, 0).unwrap()))
        );
        assert_eq!(
            p("16:00"),
            Ok(Some(Utc.with_ymd_and_hms(2026, 12, 4, 16, 0, 0).unwrap()))
        );
        // On a clock two hours ahead of UTC, 02:00 local is midnight UTC.
        let east = FixedOffset::east_opt(2 * 3600).unwrap();
        assert_eq!(
            parse_moment("02:00", now, &east),
            Ok(Some(Utc.with_ymd_and_hms(2026, 12, 5, 0, 0, 0).unwrap()))
        );
        assert!(
            p("2027-01-01T00:00:00Z")
                .unwrap_err()
                .contains("in the future")
        );
        assert!(
            p("yesterday")
                .unwrap_err()
                .starts_with("invalid time 'yesterday'")
        );
    }

    #[test]
    fn the_period_fits_the_screen_and_what_cloudwatch_keeps() {
        let now = at(15, 13);
        let w = |s: &str| s.parse::<Window>().unwrap();
        assert_eq!(w("3h").period(now), 1);
        assert_eq!(w("6h").period(now), 1);
        assert_eq!(w("24h").period(now), 5);
        assert_eq!(w("7d").period(now), 30);
        assert_eq!(w("7d").to_string(), "7d");
        assert_eq!(w("24h").to_string(), "24h");
        // An hour three weeks ago: CloudWatch has only five-minute data left of it.
        let past = w("1h").ending(Some(Minute::of(now - chrono::Duration::days(21))));
        assert_eq!(past.period(now), 5);
        // Beyond 63 days, hours.
        let old = w("1h").ending(Some(Minute::of(now - chrono::Duration::days(90))));
        assert_eq!(old.period(now), 60);
        assert!("64d".parse::<Window>().is_err());
    }

    #[test]
    fn a_window_in_the_past_ends_at_its_last_whole_bucket() {
        let now = at(15, 13);
        let end = Minute::of(Utc.with_ymd_and_hms(2026, 12, 5, 3, 7, 0).unwrap());
        let r = Window::H1.ending(Some(end)).range(now);
        assert_eq!(r.period(), 1);
        assert_eq!(r.len(), 60);
        assert_eq!(r.last, end.minus(1));
        let day = Window::H24.ending(Some(end)).range(now);
        assert_eq!(day.period(), 5);
        assert_eq!(day.len(), 288);
        assert_eq!(day.last_minute().plus(1), end.floor(5), "ends at 03:05");
        // It needs a span of its own; a live hour does not.
        let span = Window::H1.ending(Some(end)).span(now, 180).unwrap();
        assert_eq!((span.period, span.buckets), (1, 60));
        assert_eq!(span.end, Some(end));
        assert_eq!(Window::H1.span(now, 180), None);
        assert_eq!(Window::H3.span(now, 180), None);
        let live_day = Window::H24.span(now, 180).unwrap();
        assert_eq!(
            (live_day.period, live_day.buckets, live_day.end),
            (5, 288, None)
        );
    }
}
