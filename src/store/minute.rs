//! `Minute`: the store's unit of time, whole minutes since the Unix epoch (UTC). CloudWatch
//! Lambda metrics have one-minute resolution, so every series is keyed by it.

use chrono::{DateTime, TimeZone, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

/// An inclusive range of minutes, `first..=last`. Empty when `last < first`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinuteRange {
    pub first: Minute,
    pub last: Minute,
}

impl MinuteRange {
    /// The `len` minutes that end with `last`.
    pub fn ending_at(last: Minute, len: u32) -> Self {
        Self {
            first: last.minus(i64::from(len) - 1),
            last,
        }
    }

    pub fn len(&self) -> usize {
        usize::try_from(self.last.0 - self.first.0 + 1).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn contains(&self, m: Minute) -> bool {
        self.first <= m && m <= self.last
    }

    pub fn iter(&self) -> impl Iterator<Item = Minute> + use<> {
        (self.first.0..=self.last.0).map(Minute)
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
}
