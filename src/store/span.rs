//! The span the store keeps beside its minutes: a window longer than the three hours of
//! minutes kept live, or one in the past, held at the period CloudWatch is asked for (one
//! minute, five, an hour…). One span at a time, so memory is bounded by the buckets of one
//! window, whatever its length: a function keeps at most `MAX_BUCKETS` of each metric there.

use super::minute::Minute;

/// The most buckets a window is drawn with: a period is chosen so that a window fits.
pub const MAX_BUCKETS: u32 = 360;

/// Which buckets a span holds: `buckets` of `period` minutes, ending with the window's end
/// (`end`: the minute after its last, for a window in the past) or now (`None`: a live
/// window, whose buckets move on with the clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Span {
    pub period: u32,
    pub buckets: u32,
    pub end: Option<Minute>,
}

impl Span {
    /// Buckets a series of the span holds: the window's, and the one still filling beside
    /// them for a live window.
    pub fn capacity(&self) -> usize {
        self.buckets as usize + 1
    }
}
