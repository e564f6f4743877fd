//! Deterministic noise for the demo fleet: every random-looking figure is a hash of the seed,
//! the function and the minute, so the same seed and clock always give the same fleet and a
//! minute's value never depends on when it was first asked for.

/// SplitMix64's finalizer: a good 64-bit mix of one word.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A uniform value in `[0, 1)` for the given coordinates.
pub fn unit(seed: u64, function: u64, minute: i64, channel: u64) -> f64 {
    let h = mix(mix(mix(seed ^ channel.rotate_left(17)) ^ function) ^ minute as u64);
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// Noise that wanders smoothly: uniform knots every `period` minutes, linearly joined.
pub fn smooth(seed: u64, function: u64, minute: i64, channel: u64, period: i64) -> f64 {
    let k = minute.div_euclid(period);
    let t = minute.rem_euclid(period) as f64 / period as f64;
    let a = unit(seed, function, k, channel);
    let b = unit(seed, function, k + 1, channel);
    a + (b - a) * t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_coordinates_same_value_and_spread_over_unit_interval() {
        assert_eq!(unit(7, 1, 100, 2), unit(7, 1, 100, 2));
        assert_ne!(unit(7, 1, 100, 2), unit(8, 1, 100, 2));
        let n = 10_000;
        let mean = (0..n).map(|m| unit(1, 2, m, 3)).sum::<f64>() / n as f64;
        assert!((mean - 0.5).abs() < 0.02, "{mean}");
        assert!((0..n).all(|m| (0.0..1.0).contains(&smooth(1, 2, m, 3, 10))));
    }
}
