//! A braille line chart of per-minute series with a time axis and a legend, shared by the
//! task-flow graph and the detail view. Gaps stay gaps: a series is drawn as separate runs, so a
//! minute with no data is never drawn as a drop to zero. Provisional minutes (CloudWatch is
//! still adding to them) are drawn as dots in the series' color, not as a line (a chart's
//! cells take a color, not a dim style), so a right edge still filling never reads as a dip.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType};

use super::theme::Theme;
use crate::store::{Minute, MinuteRange};

/// What a mark on a chart marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MarkKind {
    /// An alarm went into ALARM.
    AlarmOn,
    /// An alarm left ALARM.
    AlarmOff,
    /// A deploy of new code (or of a change of unknown kind).
    Deploy,
    /// A change of configuration only.
    ConfigChange,
}

/// A moment marked on a chart with a vertical line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Mark {
    /// The minute's index in the range.
    pub at: usize,
    pub kind: MarkKind,
}

/// Marks of `deploys` inside `range`.
pub fn deploy_marks(deploys: &[crate::store::Deploy], range: MinuteRange) -> Vec<Mark> {
    deploys
        .iter()
        .filter(|d| range.contains(Minute::of(d.at)))
        .map(|d| Mark {
            at: range.position(Minute::of(d.at)).unwrap_or(0),
            kind: match d.kind {
                crate::store::DeployKind::Config => MarkKind::ConfigChange,
                _ => MarkKind::Deploy,
            },
        })
        .collect()
}

/// The time a chart spans: its minutes, the first still provisional, a picked one, and
/// moments marked.
#[derive(Debug, Clone, Copy)]
pub struct Time<'a> {
    pub range: MinuteRange,
    /// Minutes from this one on are drawn as dots.
    pub provisional_from: Option<Minute>,
    /// A vertical line at this minute index (a minute picked on the graph).
    pub marker: Option<usize>,
    /// Vertical lines where alarms changed state.
    pub marks: &'a [Mark],
}

impl Time<'static> {
    pub fn of(range: MinuteRange, provisional_from: Option<Minute>) -> Time<'static> {
        Time {
            range,
            provisional_from,
            marker: None,
            marks: &[],
        }
    }
}

impl Time<'_> {
    /// The index of the first provisional minute, if it is in the range.
    fn provisional_index(&self) -> Option<usize> {
        let p = self.provisional_from?;
        self.range
            .contains(p)
            .then(|| self.range.position(p).unwrap_or(0))
    }
}

/// One line of a chart.
pub struct Series<'a> {
    pub name: &'a str,
    pub style: Style,
    pub values: &'a [Option<f64>],
}

/// Runs of consecutive known values as chart points (x = minute index).
fn runs(values: &[Option<f64>]) -> Vec<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    let mut run = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(y) => run.push((i as f64, *y)),
            None if !run.is_empty() => out.push(std::mem::take(&mut run)),
            None => {}
        }
    }
    if !run.is_empty() {
        out.push(run);
    }
    out
}

/// A round ceiling for the y axis: 1, 2 or 5 times a power of ten.
pub fn nice_ceiling(peak: f64) -> f64 {
    if peak <= 0.0 || !peak.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(peak.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|c| *c >= peak)
        .unwrap_or(10.0 * p)
}

/// A chart point: minute index, value.
type Point = (f64, f64);

/// A run split where the provisional minutes start: the settled part and the provisional one.
fn split_run(run: &[Point], provisional: Option<usize>) -> (&[Point], &[Point]) {
    let Some(p) = provisional else {
        return (run, &[]);
    };
    run.split_at(run.partition_point(|(x, _)| (*x as usize) < p))
}

/// Renders `series` over `time`; `y_label` formats the axis figures.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    block: Block,
    time: Time<'_>,
    series: &[Series],
    y_label: impl Fn(f64) -> String,
    theme: &Theme,
) {
    let (range, marker) = (time.range, time.marker);
    let provisional = time.provisional_index();
    let peak = series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .fold(0.0f64, |a, &b| a.max(b));
    let ceiling = nice_ceiling(peak);
    let points: Vec<Vec<Vec<(f64, f64)>>> = series.iter().map(|s| runs(s.values)).collect();
    let mut datasets = Vec::new();
    for (s, runs) in series.iter().zip(&points) {
        for run in runs {
            let (settled, filling) = split_run(run, provisional);
            if !settled.is_empty() {
                datasets.push(
                    Dataset::default()
                        .marker(theme.chart_marker)
                        .graph_type(if settled.len() == 1 {
                            GraphType::Scatter
                        } else {
                            GraphType::Line
                        })
                        .style(s.style)
                        .data(settled),
                );
            }
            if !filling.is_empty() {
                datasets.push(
                    Dataset::default()
                        .marker(Marker::Dot)
                        .graph_type(GraphType::Scatter)
                        .style(s.style)
                        .data(filling),
                );
            }
        }
    }
    // Alarm marks, under the picked minute's line. The same mark twice is one line: a fleet of
    // many accounts has the same alarm's move in many of them, and each line is a pass over
    // the canvas. The last of each is kept, as it would have been drawn on top.
    let mut seen = std::collections::HashSet::new();
    let mut marks: Vec<&Mark> = time
        .marks
        .iter()
        .rev()
        .filter(|m| seen.insert(**m))
        .collect();
    marks.reverse();
    let mark_points: Vec<[(f64, f64); 2]> = marks
        .iter()
        .map(|m| [(m.at as f64, 0.0), (m.at as f64, ceiling)])
        .collect();
    for (m, points) in marks.iter().zip(&mark_points) {
        datasets.push(
            Dataset::default()
                .marker(theme.chart_marker)
                .graph_type(GraphType::Line)
                .style(match m.kind {
                    MarkKind::AlarmOn => theme.error,
                    MarkKind::AlarmOff => theme.ok,
                    MarkKind::Deploy => theme.key,
                    MarkKind::ConfigChange => theme.muted,
                })
                .data(points),
        );
    }
    let marker_points: Vec<(f64, f64)> = marker
        .map(|x| vec![(x as f64, 0.0), (x as f64, ceiling)])
        .unwrap_or_default();
    if !marker_points.is_empty() {
        datasets.push(
            Dataset::default()
                .marker(theme.chart_marker)
                .graph_type(GraphType::Line)
                .style(theme.key)
                .data(&marker_points),
        );
    }
    let last = range.len().saturating_sub(1) as f64;
    // Beyond a day, the day too.
    let day = range.minutes() >= 24 * 60;
    let time = |m: crate::store::Minute| {
        let f = if day { "%b %d %H:%M" } else { "%H:%M" };
        m.start().format(f).to_string()
    };
    let mid = range
        .first
        .plus(range.len() as i64 / 2 * i64::from(range.period()));
    let x_axis = Axis::default()
        .style(theme.axis)
        .bounds([0.0, last.max(1.0)])
        .labels([
            Span::styled(time(range.first), theme.axis),
            Span::styled(time(mid), theme.axis),
            Span::styled(format!("{} UTC", time(range.last)), theme.axis),
        ])
        .labels_alignment(Alignment::Right);
    let y_axis = Axis::default()
        .style(theme.axis)
        .bounds([0.0, ceiling])
        .labels([
            Span::styled("0", theme.axis),
            Span::styled(y_label(ceiling / 2.0), theme.axis),
            Span::styled(y_label(ceiling), theme.axis),
        ]);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 {
        return;
    }
    let [legend_area, plot] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
    let mut legend = legend(series, &y_label, provisional, theme);
    // A point of a long window is a period of several minutes: the legend says how long
    // (points of a minute are what every chart has always drawn).
    if range.period() > 1 {
        let per = super::format::per_period(range.period());
        legend.push(vec![Span::styled(per, theme.muted)]);
    }
    let legend = super::wrap::fit(legend, usize::from(legend_area.width), 3);
    frame.render_widget(legend, legend_area);
    // A short chart gives its time axis up to the data: the pane title already says the window.
    let x_axis = if plot.height < 8 {
        Axis::default().bounds([0.0, last.max(1.0)])
    } else {
        x_axis
    };
    let chart = Chart::new(datasets)
        .style(theme.text)
        .x_axis(x_axis)
        .y_axis(y_axis)
        .legend_position(None);
    frame.render_widget(chart, plot);
}

/// The legend's entries, for one line above the plot, where it never covers data. Each series
/// carries its newest minute: the figure on-call reads first. When minutes are still filling,
/// the legend says that the dotted part can still grow. Entries that do not fit the line are
/// left out whole (`wrap::fit`).
fn legend<'a>(
    series: &[Series],
    y_label: &impl Fn(f64) -> String,
    provisional: Option<usize>,
    theme: &Theme,
) -> Vec<Vec<Span<'a>>> {
    let mut entries: Vec<Vec<Span>> = series
        .iter()
        .map(|s| {
            let latest = s.values.iter().rev().flatten().next().copied();
            let figure =
                latest.map_or_else(|| " no data".to_string(), |v| format!(" {}", y_label(v)));
            vec![
                Span::styled("━ ", s.style),
                Span::styled(s.name.to_string(), theme.text),
                Span::styled(figure, theme.muted),
            ]
        })
        .collect();
    if provisional.is_some() {
        entries.push(vec![Span::styled("• still filling", theme.muted)]);
    }
    entries
}

/// A one-line note in place of a chart, e.g. while loading.
pub fn placeholder(frame: &mut Frame, area: Rect, block: Block, text: &str, theme: &Theme) {
    let p = ratatui::widgets::Paragraph::new(Line::styled(text.to_string(), theme.muted))
        .alignment(Alignment::Center)
        .block(block);
    frame.render_widget(p, area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_split_runs() {
        let v = [Some(1.0), Some(2.0), None, None, Some(3.0)];
        assert_eq!(
            runs(&v),
            vec![vec![(0.0, 1.0), (1.0, 2.0)], vec![(4.0, 3.0)]]
        );
    }

    #[test]
    fn a_run_splits_where_minutes_turn_provisional() {
        let run = [(0.0, 1.0), (1.0, 2.0), (2.0, 3.0), (3.0, 4.0)];
        let (settled, filling) = split_run(&run, Some(2));
        assert_eq!(settled, &run[..2]);
        assert_eq!(filling, &run[2..]);
        assert_eq!(split_run(&run, None), (&run[..], &[][..]));
        assert_eq!(split_run(&run, Some(0)), (&[][..], &run[..]));
        assert_eq!(split_run(&run, Some(9)), (&run[..], &[][..]));
    }

    #[test]
    fn nice_ceilings() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(1234.0), 2000.0);
        assert_eq!(nice_ceiling(450.0), 500.0);
    }
}
