//! `Minute`: the store's unit of time, whole minutes since the Unix epoch (UTC). CloudWatch
//! Lambda metrics have one-minute resolution, so every series is keyed by it. A range may step
//! by a longer *period* (five minutes, an hour…): CloudWatch keeps one-minute data for 15 days
//! only, and a day drawn minute by minute would not fit a screen. A period's bucket is keyed by
//! its first minute, aligned to the period since the epoch.

use chrono::{DateTime, TimeZone, Utc};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Minute(pub i64);

impl Minute {
    /// The minute that contains `t`.
    pub fn of(t: DateTime<Utc>) -> Self {
        Minute(t.timestamp().div_euclid(60))
    }

    /// The instant this minute starts.
    pub fn start(self) -> DateTime<Utc> {
        Utc.timestamp_opt(self.0 * 60, 0)
            .single()
            .unwrap_or(DateTime::<Utc>::MIN_UTC)
    }

    /// The minute that contains `ms` milliseconds since the Unix epoch.
    pub fn of_ms(ms: i64) -> Self {
        Minute(ms.div_euclid(60_000))
    }

    /// Milliseconds since the Unix epoch at which this minute starts.
    pub fn start_ms(self) -> i64 {
        self.0 * 60_000
    }

    /// The milliseconds of this minute, both ends included.
    pub fn ms_range(self) -> (i64, i64) {
        (self.start_ms(), self.start_ms() + 59_999)
    }

    pub fn plus(self, minutes: i64) -> Self {
        Minute(self.0 + minutes)
    }

    pub fn minus(self, minutes: i64) -> Self {
        Minute(self.0 - minutes)
    }
}

impl Minute {
    /// The first minute of the `period`-minute bucket that holds this one.
    pub fn floor(self, period: u32) -> Minute {
        let p = i64::from(period.max(1));
        Minute(self.0.div_euclid(p) * p)
    }
}

/// An inclusive range of buckets, `first..=last`, `period` minutes each (1: minutes); each
/// bucket is named by its first minute. Empty when `last < first`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct MinuteRange {
    pub first: Minute,
    pub last: Minute,
    period: u32,
}

impl MinuteRange {
    /// The minutes from `first` to `last`, both included.
    pub fn new(first: Minute, last: Minute) -> Self {
        Self {
            first,
            last,
            period: 1,
        }
    }

    /// The `len` minutes that end with `last`.
    pub fn ending_at(last: Minute, len: u32) -> Self {
        Self::new(last.minus(i64::from(len) - 1), last)
    }

    /// `len` buckets of `period` minutes, the last of them holding minute `last`.
    pub fn buckets_ending_at(last: Minute, len: u32, period: u32) -> Self {
        let period = period.max(1);
        let last = last.floor(period);
        Self {
            first: last.minus((i64::from(len) - 1) * i64::from(period)),
            last,
            period,
        }
    }

    /// Minutes a bucket spans.
    pub fn period(&self) -> u32 {
        self.period
    }

    /// Buckets in the range.
    pub fn len(&self) -> usize {
        usize::try_from((self.last.0 - self.first.0).div_euclid(i64::from(self.period)) + 1)
            .unwrap_or(0)
    }

    /// Minutes the range spans, its last bucket whole.
    pub fn minutes(&self) -> i64 {
        self.len() as i64 * i64::from(self.period)
    }

    /// The last minute of the last bucket.
    pub fn last_minute(&self) -> Minute {
        self.last.plus(i64::from(self.period) - 1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether minute `m` falls in one of the range's buckets.
    pub fn contains(&self, m: Minute) -> bool {
        self.first <= m && m <= self.last_minute()
    }

    /// The buckets' first minutes, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = Minute> + use<> {
        let period = i64::from(self.period);
        let first = self.first.0;
        (0..self.len() as i64).map(move |i| Minute(first + i * period))
    }

    /// Where the bucket holding `m` sits among the range's, if it is one of them.
    pub fn position(&self, m: Minute) -> Option<usize> {
        self.contains(m)
            .then(|| ((m.0 - self.first.0).div_euclid(i64::from(self.period))) as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minute_of_a_time_and_back() {
        let t = Utc.with_ymd_and_hms(2026, 11, 23, 3, 7, 59).unwrap();
        let m = Minute::of(t);
        assert_eq!(
            m.start(),
            Utc.with_ymd_and_hms(2026, 11, 23, 3, 7, 0).unwrap()
        );
        assert_eq!(
            m.plus(1).start(),
            Utc.with_ymd_and_hms(2026, 11, 23, 3, 8, 0).unwrap()
        );
    }

    #[test]
    fn range_ending_at() {
        let r = MinuteRange::ending_at(Minute(100), 15);
        assert_eq!(r.first, Minute(86));
        assert_eq!(r.len(), 15);
        assert!(r.contains(Minute(86)) && r.contains(Minute(100)) && !r.contains(Minute(101)));
        assert_eq!(r.iter().count(), 15);
    }

    #[test]
    fn buckets_of_a_period_are_aligned_and_cover_their_minutes() {
        let r = MinuteRange::buckets_ending_at(Minute(1003), 4, 5);
        assert_eq!(r.period(), 5);
        assert_eq!(
            r.last,
            Minute(1000),
            "the bucket holding 1003 starts at 1000"
        );
        assert_eq!(r.first, Minute(985));
        assert_eq!(r.len(), 4);
        assert_eq!(r.minutes(), 20);
        assert_eq!(
            r.iter().collect::<Vec<_>>(),
            vec![Minute(985), Minute(990), Minute(995), Minute(1000)]
        );
        assert!(r.contains(Minute(1004)) && !r.contains(Minute(1005)));
        assert_eq!(r.position(Minute(993)), Some(1));
        assert_eq!(r.position(Minute(984)), None);
    }
}
