//! `Series`: one metric of one function as a bounded ring of minute buckets.
//!
//! A minute with no data is a gap (`None`), never 0. Slots are addressed by `minute mod
//! capacity`, so writing a newer minute evicts the oldest ones and clears the slots it skips.
//! Values are kept as `f32` with NaN marking a gap: 4 bytes a bucket keeps a 10,000-function
//! fleet's 3 hours of history small.

use super::minute::{Minute, MinuteRange};

/// No bucket written yet.
const NONE: i64 = i64::MIN;

#[derive(Debug, Clone)]
pub struct Series {
    slots: Box<[f32]>,
    /// The newest bucket written, as its index since the epoch (`NONE`: none yet). Kept as
    /// a bare `i64` so that a series stays 32 bytes: a function keeps a dozen.
    newest: i64,
    /// Minutes a bucket spans: 1 for the minutes kept live, more for a long or past window.
    period: u32,
}

impl Series {
    pub fn new(capacity: usize) -> Self {
        Self::with_period(capacity, 1)
    }

    /// A ring of `capacity` buckets of `period` minutes each.
    pub fn with_period(capacity: usize, period: u32) -> Self {
        let capacity = capacity.max(1);
        Self {
            slots: vec![f32::NAN; capacity].into_boxed_slice(),
            newest: NONE,
            period: period.max(1),
        }
    }

    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// Minutes a bucket spans.
    pub fn period(&self) -> u32 {
        self.period
    }

    fn bucket(&self, m: Minute) -> i64 {
        m.0.div_euclid(i64::from(self.period))
    }

    fn minute(&self, bucket: i64) -> Minute {
        Minute(bucket * i64::from(self.period))
    }

    /// The newest bucket held, by its first minute.
    pub fn newest(&self) -> Option<Minute> {
        (self.newest != NONE).then(|| self.minute(self.newest))
    }

    /// The oldest bucket still held, by its first minute.
    pub fn oldest(&self) -> Option<Minute> {
        (self.newest != NONE).then(|| self.minute(self.newest - (self.capacity() as i64 - 1)))
    }

    fn slot(&self, bucket: i64) -> usize {
        bucket.rem_euclid(self.capacity() as i64) as usize
    }

    /// Records `value` for the bucket holding minute `m` (`None` records a gap). A bucket
    /// older than the ring holds is ignored.
    pub fn set(&mut self, m: Minute, value: Option<f64>) {
        let stored = value.map_or(f32::NAN, |v| v as f32);
        let b = self.bucket(m);
        let capacity = self.capacity() as i64;
        if self.newest == NONE {
            self.newest = b;
        } else if b <= self.newest {
            if b <= self.newest - capacity {
                return;
            }
        } else {
            // Clear the buckets between the old newest and `b`: they are gaps now.
            let skipped = (b - self.newest - 1).min(capacity);
            for k in 0..skipped {
                let slot = self.slot(self.newest + 1 + k);
                self.slots[slot] = f32::NAN;
            }
            self.newest = b;
        }
        let slot = self.slot(b);
        self.slots[slot] = stored;
    }

    /// The value of the bucket holding minute `m`, or `None` for a gap or a bucket outside
    /// the ring.
    pub fn get(&self, m: Minute) -> Option<f64> {
        if self.newest == NONE {
            return None;
        }
        let b = self.bucket(m);
        if b > self.newest || b <= self.newest - self.capacity() as i64 {
            return None;
        }
        let v = self.slots[self.slot(b)];
        (!v.is_nan()).then_some(f64::from(v))
    }

    /// Every bucket of `range` with its value or gap, oldest first.
    pub fn values(&self, range: MinuteRange) -> impl Iterator<Item = Option<f64>> + '_ {
        range.iter().map(move |m| self.get(m))
    }
}

/// How a series is written in a recording (`store::recording`): its period, its newest
/// bucket, and every bucket oldest first as the bytes of its `f32` (NaN: a gap), laid out
/// byte plane by byte plane (every value's first byte, then every second…) and in base64.
/// Neighbouring values share their sign and exponent, so the planes compress well.
#[derive(serde::Serialize, serde::Deserialize)]
struct Written {
    period: u32,
    newest: Option<i64>,
    values: String,
}

/// Bounds a recording's series must keep: a damaged file gives an error, never a panic or a
/// ring too large to hold.
const MAX_CAPACITY: usize = 1 << 20;
const MAX_BUCKET: i64 = 1 << 40;

impl serde::Serialize for Series {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use base64::Engine;
        let n = self.capacity();
        let mut planes = vec![0u8; n * 4];
        let first = self.newest.saturating_sub(n as i64 - 1);
        for k in 0..n {
            let value = if self.newest == NONE {
                f32::NAN
            } else {
                self.slots[self.slot(first + k as i64)]
            };
            let value = if value.is_nan() { f32::NAN } else { value };
            for (plane, byte) in value.to_be_bytes().into_iter().enumerate() {
                planes[plane * n + k] = byte;
            }
        }
        Written {
            period: self.period,
            newest: (self.newest != NONE).then_some(self.newest),
            values: base64::engine::general_purpose::STANDARD_NO_PAD.encode(planes),
        }
        .serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for Series {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use base64::Engine;
        use serde::de::Error;
        let w = Written::deserialize(deserializer)?;
        let planes = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(w.values.as_bytes())
            .map_err(|e| D::Error::custom(format!("a series' values: {e}")))?;
        let n = planes.len() / 4;
        if planes.len() % 4 != 0 || n == 0 || n > MAX_CAPACITY {
            return Err(D::Error::custom("a series of a wrong length"));
        }
        if w.period == 0 || w.period > 1_000_000 {
            return Err(D::Error::custom("a series' period out of range"));
        }
        if w.newest
            .is_some_and(|b| !(-MAX_BUCKET..=MAX_BUCKET).contains(&b))
        {
            return Err(D::Error::custom("a series' newest minute out of range"));
        }
        let mut series = Series::with_period(n, w.period);
        if let Some(newest) = w.newest {
            series.newest = newest;
            let first = newest - (n as i64 - 1);
            for k in 0..n {
                let bytes = std::array::from_fn(|plane| planes[plane * n + k]);
                let slot = series.slot(first + k as i64);
                series.slots[slot] = f32::from_be_bytes(bytes);
            }
        }
        Ok(series)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unwritten_minute_is_a_gap_not_zero() {
        let mut s = Series::new(10);
        s.set(Minute(100), Some(5.0));
        s.set(Minute(103), Some(0.0));
        assert_eq!(s.get(Minute(100)), Some(5.0));
        assert_eq!(s.get(Minute(101)), None);
        assert_eq!(s.get(Minute(102)), None);
        assert_eq!(s.get(Minute(103)), Some(0.0));
        assert_eq!(s.get(Minute(104)), None, "future minute");
    }

    #[test]
    fn the_ring_evicts_the_oldest_minutes() {
        let mut s = Series::new(5);
        for m in 0..8 {
            s.set(Minute(m), Some(m as f64));
        }
        assert_eq!(s.oldest(), Some(Minute(3)));
        assert_eq!(s.get(Minute(2)), None, "evicted");
        assert_eq!(s.get(Minute(3)), Some(3.0));
        assert_eq!(s.get(Minute(7)), Some(7.0));
        // Too old to hold: ignored, and nothing else disturbed.
        s.set(Minute(1), Some(99.0));
        assert_eq!(s.get(Minute(1)), None);
        assert_eq!(s.get(Minute(6)), Some(6.0));
    }

    #[test]
    fn a_jump_past_the_capacity_clears_everything_older() {
        let mut s = Series::new(4);
        for m in 0..4 {
            s.set(Minute(m), Some(1.0));
        }
        s.set(Minute(20), Some(2.0));
        let r = MinuteRange::ending_at(Minute(20), 4);
        assert_eq!(
            s.values(r).collect::<Vec<_>>(),
            vec![None, None, None, Some(2.0)]
        );
    }

    #[test]
    fn late_data_corrects_a_held_minute() {
        let mut s = Series::new(5);
        s.set(Minute(10), Some(1.0));
        s.set(Minute(12), Some(3.0));
        s.set(Minute(10), Some(4.0));
        s.set(Minute(11), None);
        assert_eq!(s.get(Minute(10)), Some(4.0));
        assert_eq!(s.get(Minute(11)), None);
        assert_eq!(s.newest(), Some(Minute(12)));
    }

    #[test]
    fn a_series_of_five_minute_buckets_keys_each_by_its_first_minute() {
        let mut s = Series::with_period(3, 5);
        s.set(Minute(100), Some(1.0));
        s.set(Minute(107), Some(2.0));
        assert_eq!(s.get(Minute(104)), Some(1.0), "104 is in the bucket of 100");
        assert_eq!(s.get(Minute(105)), Some(2.0));
        assert_eq!(s.newest(), Some(Minute(105)));
        s.set(Minute(120), Some(3.0));
        assert_eq!(s.get(Minute(100)), None, "evicted: three buckets are kept");
        assert_eq!(s.get(Minute(110)), None, "skipped: a gap");
        assert_eq!(s.oldest(), Some(Minute(110)));
        let r = MinuteRange::buckets_ending_at(Minute(124), 3, 5);
        assert_eq!(s.values(r).collect::<Vec<_>>(), vec![None, None, Some(3.0)]);
    }

    #[test]
    fn a_series_written_and_read_back_keeps_its_values_gaps_and_period() {
        let mut s = Series::with_period(4, 5);
        for (m, v) in [
            (100, Some(1.5)),
            (105, None),
            (110, Some(0.0)),
            (125, Some(7.0)),
        ] {
            s.set(Minute(m), v);
        }
        let text = serde_json::to_string(&s).unwrap();
        let back: Series = serde_json::from_str(&text).unwrap();
        let r = MinuteRange::buckets_ending_at(Minute(125), 4, 5);
        assert_eq!(
            back.values(r).collect::<Vec<_>>(),
            s.values(r).collect::<Vec<_>>()
        );
        assert_eq!(
            back.values(r).collect::<Vec<_>>(),
            vec![Some(0.0), None, None, Some(7.0)]
        );
        assert_eq!(
            (back.period(), back.capacity(), back.newest()),
            (5, 4, s.newest())
        );
        let empty: Series =
            serde_json::from_str(&serde_json::to_string(&Series::new(3)).unwrap()).unwrap();
        assert_eq!((empty.capacity(), empty.newest()), (3, None));
        for bad in [
            r#"{"period":0,"newest":null,"values":"AAAAAA"}"#,
            r#"{"period":1,"newest":null,"values":""}"#,
            r#"{"period":1,"newest":null,"values":"AAA"}"#,
            r#"{"period":1,"newest":99999999999999999,"values":"AAAAAA"}"#,
        ] {
            assert!(serde_json::from_str::<Series>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_series_stays_32_bytes() {
        assert_eq!(std::mem::size_of::<Series>(), 32);
    }
}
