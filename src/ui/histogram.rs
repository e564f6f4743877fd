//! Distributions drawn on log scales both ways: buckets from 1 ms to 15 minutes along the
//! bottom (short tasks dominate, so a linear axis would put everything in its first column),
//! counts as bar heights on a log axis (so a tail of a few hundred shows beside a body of
//! thousands). Percentiles are marked under the bars, a limit (the timeout) as a line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::format;
use super::theme::Theme;
use crate::store::distribution::{
    BUCKETS, DistributionSource, Durations, EDGES_MS, Histogram, bucket_of, lower_ms,
};

/// A value marked under the bars.
pub struct Mark {
    pub ms: f64,
    pub style: Style,
}

/// A duration distribution: its histogram with p50, p90 and p99 marked under the bars, the
/// percentiles and where they come from along the bottom border, `limit` as a line.
pub fn render_durations(
    frame: &mut Frame,
    area: Rect,
    block: Block,
    d: Option<&Durations>,
    limit: Option<f64>,
    empty: &str,
    t: &Theme,
) {
    let Some(d) = d else {
        return render(frame, area, block, None, &[], limit, empty, t);
    };
    let from = match d.source {
        DistributionSource::Reports => "REPORT lines",
        DistributionSource::Cloudwatch => "CloudWatch",
    };
    // A group's distribution read for some of its functions says of how many.
    let of = match d.coverage {
        Some(c) if c.is_partial() => format!(" · {} of {} functions", c.read, c.of),
        _ => String::new(),
    };
    // Where it comes from is said at every size: where the three percentiles and it do not
    // fit, the lower percentiles go first, whole (p99 is what the table shows).
    let marks = [("p50", d.p50_ms), ("p90", d.p90_ms), ("p99", d.p99_ms)];
    let room = usize::from(area.width.saturating_sub(2));
    let caption = (0..marks.len())
        .map(|skip| {
            let shown: Vec<String> = marks[skip..]
                .iter()
                .map(|(k, ms)| format!("{k} {}", format::millis(*ms)))
                .collect();
            format!(" {} · {from}{of} ", shown.join(" "))
        })
        .find(|c| c.chars().count() <= room)
        .unwrap_or_else(|| format!(" p99 {} · {from}{of} ", format::millis(d.p99_ms)));
    let block = block.title_bottom(super::wrap::title(
        Span::styled(caption, t.muted),
        area.width,
    ));
    let marks: Vec<Mark> = [
        (d.p50_ms, t.chart_completed),
        (d.p90_ms, t.chart_duration_avg),
        (d.p99_ms, t.chart_duration_p99),
    ]
    .into_iter()
    .filter_map(|(ms, style)| Some(Mark { ms: ms?, style }))
    .collect();
    render(
        frame,
        area,
        block,
        Some(&d.histogram),
        &marks,
        limit,
        empty,
        t,
    );
}

/// The column a value falls in: its bucket's columns, placed inside by the log of the value.
fn column(ms: f64, width: usize) -> usize {
    let i = bucket_of(ms);
    let (lo, hi) = (lower_ms(i).max(0.5), EDGES_MS[i]);
    let within = ((ms.max(lo).ln() - lo.ln()) / (hi.ln() - lo.ln())).clamp(0.0, 0.999);
    (((i as f64 + within) / BUCKETS as f64) * width as f64) as usize
}

const EIGHTHS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Draws `h` in `block` over `area`; `limit` is a line across (the timeout); `empty` says why
/// there is nothing to draw.
#[allow(clippy::too_many_arguments)]
pub fn render(
    frame: &mut Frame,
    area: Rect,
    block: Block,
    h: Option<&Histogram>,
    marks: &[Mark],
    limit: Option<f64>,
    empty: &str,
    t: &Theme,
) {
    let Some(h) = h.filter(|h| h.total() > 0.0) else {
        return super::chart::placeholder(frame, area, block, empty, t);
    };
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let (w, rows) = (usize::from(inner.width), usize::from(inner.height));
    if w < BUCKETS || rows == 0 {
        return;
    }
    // The axis under the bars, and the marks' line too when there is room for both.
    let (with_marks, with_axis) = (rows >= 3, rows >= 2);
    let bar_rows = rows - usize::from(with_marks) - usize::from(with_axis);
    let peak = h.counts.iter().copied().fold(0.0f64, f64::max);
    let scale = (1.0 + peak).log10();
    // Each column's height in eighths of a row.
    let heights: Vec<usize> = (0..w)
        .map(|x| {
            let bucket = (x * BUCKETS / w).min(BUCKETS - 1);
            let n = h.counts[bucket];
            // Less than half an invocation (a share of CloudWatch's) is none.
            if n < 0.5 {
                return 0;
            }
            let share = (1.0 + n).log10() / scale;
            // A bucket with anything in it shows at least a sliver.
            ((share * (bar_rows * 8) as f64).round() as usize).max(1)
        })
        .collect();
    let limit_col = limit.map(|ms| column(ms, w));
    let mut lines = Vec::with_capacity(rows);
    for r in (0..bar_rows).rev() {
        let spans: Vec<Span> = (0..w)
            .map(|x| {
                let eighths = heights[x].saturating_sub(r * 8).min(8);
                if eighths == 0 && limit_col == Some(x) {
                    return Span::styled("┊", t.chart_limit);
                }
                Span::styled(EIGHTHS[eighths].to_string(), t.chart_started)
            })
            .collect();
        lines.push(Line::from(spans));
    }
    // The marks' line: each percentile under its column.
    let mut under = vec![Span::raw(" "); w];
    for m in marks {
        let x = column(m.ms, w).min(w - 1);
        under[x] = Span::styled("▲", m.style);
    }
    if let Some(x) = limit_col.filter(|x| *x < w) {
        under[x] = Span::styled("┃", t.chart_limit);
    }
    if with_marks {
        lines.push(Line::from(under));
    }
    if with_axis {
        lines.push(axis(w, t));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Decade labels where they fit: 1ms 10ms 100ms 1s 10s 100s 15m.
fn axis(w: usize, t: &Theme) -> Line<'static> {
    let mut text = vec![' '; w];
    let mut free_from = 0;
    for ms in [1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 9e5] {
        let label = if ms >= 9e5 {
            "15m".to_string()
        } else {
            format::millis(Some(ms))
        };
        let x = if ms >= 9e5 {
            w.saturating_sub(label.len())
        } else {
            // A bucket's upper edge sits at its right end.
            ((bucket_of(ms) + 1) * w / BUCKETS).saturating_sub(1)
        };
        if x < free_from || x + label.len() > w {
            continue;
        }
        for (i, c) in label.chars().enumerate() {
            text[x + i] = c;
        }
        free_from = x + label.len() + 1;
    }
    Line::from(Span::styled(text.into_iter().collect::<String>(), t.muted))
}
