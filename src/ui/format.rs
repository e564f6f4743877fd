//! Number formatting for narrow columns: compact counts, durations, percentages, money.
//! An unknown figure is shown as "–" (never as 0).

pub const UNKNOWN: &str = "–";

/// 843, 1.2k, 12k, 1.2M.
pub fn count(v: Option<f64>) -> String {
    let Some(v) = v else {
        return UNKNOWN.to_string();
    };
    let a = v.abs();
    if a < 1000.0 {
        if v.fract().abs() < 0.05 || a >= 100.0 {
            format!("{v:.0}")
        } else {
            format!("{v:.1}")
        }
    } else if a < 10_000.0 {
        format!("{:.1}k", v / 1e3)
    } else if a < 1e6 {
        format!("{:.0}k", v / 1e3)
    } else if a < 1e7 {
        format!("{:.1}M", v / 1e6)
    } else {
        format!("{:.0}M", v / 1e6)
    }
}

/// A figure counted over part of what it should count (REPORT lines read for some of the
/// window's minutes): a floor, `≥12`. An unknown one stays `–`.
pub fn at_least(text: String, partial: bool) -> String {
    if partial && text != UNKNOWN {
        format!("≥{text}")
    } else {
        text
    }
}

/// A latency class in a table cell: `rt`, `bg`, `batch`.
pub fn class(c: Option<crate::store::latency::LatencyClass>) -> &'static str {
    use crate::store::latency::LatencyClass;
    match c {
        None => UNKNOWN,
        Some(LatencyClass::RealTime) => "rt",
        Some(LatencyClass::Background) => "bg",
        Some(LatencyClass::Batch) => "batch",
    }
}

/// 7ms, 350ms, 1.4s, 27s, 4m05s, 2h14m.
pub fn millis(v: Option<f64>) -> String {
    let Some(ms) = v else {
        return UNKNOWN.to_string();
    };
    if ms < 1000.0 {
        format!("{ms:.0}ms")
    } else if ms < 10_000.0 {
        format!("{:.1}s", ms / 1000.0)
    } else if ms < 60_000.0 {
        format!("{:.0}s", ms / 1000.0)
    } else if ms < 3_600_000.0 {
        let s = (ms / 1000.0).round() as u64;
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        let m = (ms / 60_000.0).round() as u64;
        format!("{}h{:02}m", m / 60, m % 60)
    }
}

/// Bytes in the decimal units AWS bills data in: 512 B, 1.2 kB, 34 MB, 5.6 GB.
pub fn bytes(v: Option<f64>) -> String {
    let Some(b) = v else {
        return UNKNOWN.to_string();
    };
    let units = [(1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")];
    for (size, unit) in units {
        if b >= size {
            let n = b / size;
            return if n < 10.0 {
                format!("{n:.1} {unit}")
            } else {
                format!("{n:.0} {unit}")
            };
        }
    }
    format!("{b:.0} B")
}

/// A fraction as a percentage: 0.0123 → "1.2%", 0.5 → "50%".
pub fn percent(v: Option<f64>) -> String {
    let Some(f) = v else {
        return UNKNOWN.to_string();
    };
    let p = f * 100.0;
    if p == 0.0 {
        "0%".to_string()
    } else if p < 10.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.0}%")
    }
}

/// $0.0042, $1.23, $1,234; a credit or refund is -$12.34, and a negative amount too small to
/// show (Cost Explorer's rounding) is $0.00, never "$-0.00".
pub fn usd(v: Option<f64>) -> String {
    let Some(d) = v else {
        return UNKNOWN.to_string();
    };
    if d < 0.0 || (d == 0.0 && d.is_sign_negative()) {
        return if d > -0.0001 {
            "$0.00".to_string()
        } else {
            format!("-{}", usd(Some(-d)))
        };
    }
    if d > 0.0 && d < 0.0001 {
        "<$0.0001".to_string()
    } else if d < 0.01 && d > 0.0 {
        format!("${d:.4}")
    } else if d < 1000.0 {
        format!("${d:.2}")
    } else {
        let whole = d.round() as u64;
        let s = whole.to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        format!("${out}")
    }
}

/// Values as a one-line bar chart `width` columns wide: each column the mean of the values it
/// covers, scaled to the peak; unknown stays blank.
pub fn bars(values: &[Option<f64>], width: usize) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let width = width.max(1);
    let n = values.len();
    let buckets: Vec<Option<f64>> = (0..width)
        .map(|i| {
            let start = i * n / width;
            let end = ((i + 1) * n / width).max(start + 1).min(n);
            let known: Vec<f64> = values
                .get(start..end)
                .unwrap_or(&[])
                .iter()
                .flatten()
                .copied()
                .collect();
            (!known.is_empty()).then(|| known.iter().sum::<f64>() / known.len() as f64)
        })
        .collect();
    let peak = buckets.iter().flatten().fold(0.0f64, |a, &b| a.max(b));
    buckets
        .iter()
        .map(|b| match b {
            None => ' ',
            Some(_) if peak <= 0.0 => BARS[0],
            Some(v) => BARS[((v / peak) * 7.0).round().clamp(0.0, 7.0) as usize],
        })
        .collect()
}

/// How often a chart's points come: "per minute", "per 5 min", "per hour".
pub fn per_period(period: u32) -> String {
    match period {
        1 => "per minute".to_string(),
        60 => "per hour".to_string(),
        p if p % 60 == 0 => format!("per {} h", p / 60),
        p => format!("per {p} min"),
    }
}

/// The window in words, as titles say it: "last 1h" while it ends now, "1h to 02:05 UTC" in the
/// past (with the day when it is not `now`'s).
pub fn window(
    w: crate::store::Window,
    range: crate::store::MinuteRange,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    if !w.is_past() {
        return format!("last {w}");
    }
    format!("{w} to {}", until(range, now))
}

/// Where a window in the past ends: "02:05 UTC", or "Dec 04 02:05 UTC" on another day.
pub fn until(range: crate::store::MinuteRange, now: chrono::DateTime<chrono::Utc>) -> String {
    let end = range.last_minute().plus(1).start();
    if end.date_naive() == now.date_naive() {
        end.format("%H:%M UTC").to_string()
    } else {
        end.format("%b %d %H:%M UTC").to_string()
    }
}

/// How long ago: <1m, 3m, 2h, 4d. Minutes at the finest: CloudWatch's data comes by the
/// minute, and an age that ticked every second would redraw an idle screen every second.
pub fn age(seconds: i64) -> String {
    let s = seconds.max(0);
    if s < 60 {
        "<1m".to_string()
    } else if s < 3600 {
        format!("{}m", s / 60)
    } else if s < 86_400 {
        format!("{}h", s / 3600)
    } else {
        format!("{}d", s / 86_400)
    }
}

/// A function's own capacity in a few cells: `R50` reserved, `P10` provisioned, `R50P10`
/// both, empty when it has neither (or they are not known yet).
pub fn capacity(reserved: Option<u32>, provisioned: Option<u32>) -> String {
    let mut out = String::new();
    if let Some(r) = reserved {
        out.push_str(&format!("R{}", compact(r)));
    }
    if let Some(p) = provisioned.filter(|p| *p > 0) {
        out.push_str(&format!("P{}", compact(p)));
    }
    out
}

/// `950`, `1.2k`, `10k`: short enough for a narrow column.
fn compact(n: u32) -> String {
    match n {
        0..1000 => n.to_string(),
        1000..10_000 => format!("{:.1}k", f64::from(n) / 1000.0),
        _ => format!("{}k", n / 1000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_in_decimal_units_and_unknown_as_a_dash() {
        assert_eq!(bytes(Some(512.0)), "512 B");
        assert_eq!(bytes(Some(1_234.0)), "1.2 kB");
        assert_eq!(bytes(Some(34_000_000.0)), "34 MB");
        assert_eq!(bytes(Some(5.6e9)), "5.6 GB");
        assert_eq!(bytes(None), "–");
    }

    #[test]
    fn capacity_in_a_few_cells() {
        assert_eq!(capacity(Some(50), Some(0)), "R50");
        assert_eq!(capacity(None, Some(10)), "P10");
        assert_eq!(capacity(Some(1200), Some(10)), "R1.2kP10");
        assert_eq!(capacity(Some(0), None), "R0");
        assert_eq!(capacity(None, None), "");
    }

    #[test]
    fn compact_figures() {
        assert_eq!(count(None), "–");
        assert_eq!(count(Some(0.0)), "0");
        assert_eq!(count(Some(12.34)), "12.3");
        assert_eq!(count(Some(843.0)), "843");
        assert_eq!(count(Some(1234.0)), "1.2k");
        assert_eq!(count(Some(45_678.0)), "46k");
        assert_eq!(count(Some(2_500_000.0)), "2.5M");
        assert_eq!(millis(Some(7.0)), "7ms");
        assert_eq!(millis(Some(1400.0)), "1.4s");
        assert_eq!(millis(Some(27_400.0)), "27s");
        assert_eq!(millis(Some(245_000.0)), "4m05s");
        assert_eq!(millis(Some(3_600_000.0)), "1h00m");
        assert_eq!(millis(Some(8_040_000.0)), "2h14m");
        assert_eq!(percent(Some(0.0123)), "1.2%");
        assert_eq!(percent(Some(0.5)), "50%");
        assert_eq!(usd(Some(1234.4)), "$1,234");
        assert_eq!(usd(Some(0.004)), "$0.0040");
        assert_eq!(usd(Some(-0.000_000_1)), "$0.00", "no negative zero");
        assert_eq!(
            usd(Some(-0.0)),
            "$0.00",
            "IEEE negative zero, as Cost Explorer sums give it"
        );
        assert_eq!(usd(Some(-12.345)), "-$12.35");
        assert_eq!(usd(Some(-1234.4)), "-$1,234");
        assert_eq!(age(125), "2m");
        assert_eq!(age(59), "<1m", "no second-by-second ticking");
    }
}
