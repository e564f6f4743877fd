//! `Series`: one metric of one function as a bounded ring of minute buckets.
//!
//! A minute with no data is a gap (`None`), never 0. Slots are addressed by `minute mod
//! capacity`, so writing a newer minute evicts the oldest ones and clears the slots it skips.
//! Values are kept as `f32` with NaN marking a gap: 4 bytes a bucket keeps a 10,000-function
//! fleet's 3 hours of history small.

use super::minute::{Minute, MinuteRange};

#[derive(Debug, Clone)]
pub struct Series {
    slots: Box<[f32]>,
    newest: Option<Minute>,
}

impl Series {
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            slots: vec![f32::NAN; capacity].into_boxed_slice(),
            newest: None,
        }
    }

    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    pub fn newest(&self) -> Option<Minute> {
        self.newest
    }

    /// The oldest minute still held.
    pub fn oldest(&self) -> Option<Minute> {
        self.newest.map(|n| n.minus(self.capacity() as i64 - 1))
    }

    fn slot(&self, m: Minute) -> usize {
        m.0.rem_euclid(self.capacity() as i64) as usize
    }

    /// Records `value` for minute `m` (`None` records a gap). A minute older than the ring
    /// holds is ignored.
    pub fn set(&mut self, m: Minute, value: Option<f64>) {
        let stored = value.map_or(f32::NAN, |v| v as f32);
        match self.newest {
            Some(newest) if m <= newest => {
                if m.0 <= newest.0 - self.capacity() as i64 {
                    return;
                }
            }
            Some(newest) => {
                // Clear the minutes between the old newest and `m`: they are gaps now.
                let skipped = (m.0 - newest.0 - 1).min(self.capacity() as i64);
                for k in 0..skipped {
                    let slot = self.slot(newest.plus(1 + k));
                    self.slots[slot] = f32::NAN;
                }
                self.newest = Some(m);
            }
            None => self.newest = Some(m),
        }
        let slot = self.slot(m);
        self.slots[slot] = stored;
    }

    /// The value of minute `m`, or `None` for a gap or a minute outside the ring.
    pub fn get(&self, m: Minute) -> Option<f64> {
        let newest = self.newest?;
        if m > newest || m.0 <= newest.0 - self.capacity() as i64 {
            return None;
        }
        let v = self.slots[self.slot(m)];
        (!v.is_nan()).then_some(f64::from(v))
    }

    /// Every minute of `range` with its value or gap, oldest first.
    pub fn values(&self, range: MinuteRange) -> impl Iterator<Item = Option<f64>> + '_ {
        range.iter().map(move |m| self.get(m))
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
}
