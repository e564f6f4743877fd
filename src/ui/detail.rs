//! Function detail: configuration, tags and window figures beside charts of invocations,
//! errors and throttles, duration (average and p99 against the timeout) and concurrency.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::chart::{self, Series};
use super::theme::Theme;
use super::{format, wrap};
use crate::store::health::{Breach, is_stale, timeout_in_sight};
use crate::store::{Function, Metric};
use crate::view::figures::DetailFigures;
use crate::view::{DetailView, View};

/// The width of a fact's label: its value starts one column after it.
const LABEL: usize = 12;

pub fn render(frame: &mut Frame, area: Rect, v: &View, d: Option<&DetailView>, t: &Theme) {
    let Some(d) = d else {
        let block = Block::new().borders(Borders::ALL).border_style(t.border);
        let gone = format!("this function is gone ({} to go back)", v.keys.detail_back);
        return chart::placeholder(frame, area, block, &gone, t);
    };
    let f = d.function;
    let wide = area.width >= 120;
    // Worked out once a frame: the layout needs to know whether there is one.
    let since = since_deploy(v.figures.detail(&f.facts.key()));
    let (facts_area, charts_area) = if wide {
        let [a, b] = Layout::horizontal([Constraint::Length(52), Constraint::Fill(1)]).areas(area);
        (a, b)
    } else {
        // Ten lines of configuration and figures inside the border, and a line for each
        // figure only some functions have.
        let extra = [
            f.history.is_async(),
            v.facts.event_sources_of(f).is_some_and(|s| !s.is_empty()),
            since.is_some(),
        ]
        .iter()
        .filter(|x| **x)
        .count() as u16;
        let [a, b] =
            Layout::vertical([Constraint::Length(12 + extra), Constraint::Fill(1)]).areas(area);
        (a, b)
    };
    render_facts(frame, facts_area, v, d, since, wide, t);
    render_charts(frame, charts_area, v, f, t);
}

fn render_facts(
    frame: &mut Frame,
    area: Rect,
    v: &View,
    d: &DetailView,
    since: Option<String>,
    wide: bool,
    t: &Theme,
) {
    let f = d.function;
    // The figures the table shows, from the same cache.
    let s = &v.figures.stats().functions[d.index];
    // The REPORT-derived figures count some of the window's minutes only: each a floor.
    let partial = s.reports_partial();
    let range_period = v.figures.stats().range.period();
    let breach = Breach::of(s, v.thresholds);
    let facts = &f.facts;
    let flag = |on: bool| if on { t.error } else { t.text };
    // What REPORT records would tell, where Lambda sends none: unknown, and why.
    let withheld = facts.logging.reports_withheld().then(|| {
        format!(
            "– · system logs at {}: no REPORT",
            facts.logging.system_level.as_deref().unwrap_or_default()
        )
    });
    let date_format = if wide {
        "%Y-%m-%d %H:%M"
    } else {
        "%m-%d %H:%M"
    };
    let deployed = facts
        .last_modified
        .map_or(format::UNKNOWN.to_string(), |at| {
            format!(
                "{} ({} ago)",
                at.format(date_format),
                format::age((v.now - at).num_seconds())
            )
        });
    let read = f.history.read_at.map(|at| (v.now - at).num_seconds());
    let read_style = if read.is_some_and(|secs| is_stale(secs, v.interval_secs)) {
        t.warn
    } else {
        t.text
    };
    let config: Vec<(&str, String, ratatui::style::Style)> = vec![
        (
            "figures",
            read.map_or(format::UNKNOWN.into(), |secs| {
                format!("read {} ago", format::age(secs))
            }),
            read_style,
        ),
        ("region", facts.region.clone(), t.text),
        ("project", f.project.clone(), t.text),
        (
            "runtime",
            facts
                .runtime
                .clone()
                .unwrap_or_else(|| format::UNKNOWN.into()),
            t.text,
        ),
        (
            "memory",
            facts
                .memory_mb
                .map_or(format::UNKNOWN.into(), |m| format!("{m} MB")),
            t.text,
        ),
        ("arch", facts.architecture.to_string(), t.text),
        (
            "timeout",
            facts
                .timeout_s
                .map_or(format::UNKNOWN.into(), |s| format!("{s} s")),
            t.text,
        ),
        ("modified", deployed, t.text),
        (
            "reserved",
            match s.reserved {
                Some(Some(0)) => "0: every invocation is throttled".to_string(),
                Some(Some(n)) => format!("{n} (its own cap)"),
                Some(None) => "none".to_string(),
                None => format::UNKNOWN.to_string(),
            },
            if s.reserved == Some(Some(0)) {
                t.error
            } else {
                t.text
            },
        ),
        (
            "serves",
            match &f.capacity.serving {
                Some(Some(sv)) => format!(
                    "version {} via alias {} ({}, {}, {})",
                    sv.version,
                    sv.alias,
                    sv.memory_mb
                        .map_or(format::UNKNOWN.into(), |m| format!("{m} MB")),
                    sv.architecture,
                    sv.timeout_s
                        .map_or(format::UNKNOWN.into(), |t| format!("{t} s")),
                ),
                Some(None) => "$LATEST (no alias to a version)".to_string(),
                None => format::UNKNOWN.to_string(),
            },
            t.text,
        ),
        (
            "provisioned",
            match s.provisioned {
                Some(0) => "none".to_string(),
                Some(n) => format!(
                    "{n} · peak use {} · {} spilled over",
                    format::percent(s.provisioned_use_max),
                    format::count(s.spillover)
                ),
                None => format::UNKNOWN.to_string(),
            },
            t.text,
        ),
    ];
    let alarms = alarms_line(v, f);
    let mut figures: Vec<(&str, String, ratatui::style::Style)> = vec![
        ("alarms", alarms, flag(breach.alarm)),
        (
            "invocations",
            format!(
                "{} ({}/min)",
                format::count(s.invocations),
                format::count(s.invocations_per_min)
            ),
            t.text,
        ),
        (
            "errors",
            format!(
                "{} ({}) · {} timeouts",
                format::count(s.errors),
                format::percent(s.error_rate),
                format::at_least(format::count(s.timeouts), partial)
            ),
            flag(breach.errors || s.timeouts.is_some_and(|n| n > 0.0)),
        ),
        (
            "throttles",
            match s.throttle_cause {
                Some(cause) => format!("{} · by {}", format::count(s.throttles), cause.words()),
                None => format::count(s.throttles),
            },
            flag(breach.throttles),
        ),
        (
            "duration",
            format!(
                "avg {} · p99 {}",
                format::millis(s.duration_avg_ms),
                format::millis(s.duration_p99_ms),
            ),
            t.text,
        ),
        (
            // The worst minute's p99, and how near it came to the timeout.
            "peak p99",
            format!(
                "{} · {} of timeout",
                format::millis(s.duration_p99_peak_ms),
                format::percent(s.p99_peak_of_timeout)
            ),
            flag(breach.timeout),
        ),
        (
            "concurrency",
            match (
                s.reserved.flatten(),
                v.facts.concurrency_limit(&facts.place()),
            ) {
                // Reserved: its cap is what it runs into, not the region's limit.
                (Some(cap), _) => format!(
                    "max {} of its {cap} reserved",
                    format::count(s.concurrency_max)
                ),
                (None, Some(limit)) => format!(
                    "max {} of {} in the region",
                    format::count(s.concurrency_max),
                    format::count(Some(f64::from(limit)))
                ),
                (None, None) => format!("max {}", format::count(s.concurrency_max)),
            },
            t.text,
        ),
        (
            "cold starts",
            match &withheld {
                Some(why) => why.clone(),
                None => format!(
                    "{} · init p50 {} · p99 {}{}{}",
                    format::at_least(format::count(s.cold_starts), partial),
                    format::millis(s.init_p50_ms),
                    format::millis(s.init_p99_ms),
                    // SnapStart resumes a snapshot instead: said only where it happened.
                    match s.restores {
                        Some(n) if n > 0.0 => format!(
                            " · {} SnapStart restores",
                            format::at_least(format::count(Some(n)), partial)
                        ),
                        _ => String::new(),
                    },
                    // What those figures count, where it is not every minute (none read:
                    // they are `–`, which says it).
                    match s.reports_read {
                        Some(c) if c.is_partial() && c.read > 0 => format!(
                            " · REPORT lines of {} of {} {}",
                            c.read,
                            c.of,
                            if range_period > 1 {
                                "periods"
                            } else {
                                "minutes"
                            }
                        ),
                        _ => String::new(),
                    }
                ),
            },
            t.text,
        ),
        (
            "memory",
            match (s.memory_used_max_mb, facts.memory_mb, &withheld) {
                (Some(used), Some(size), _) => format!(
                    "max {} of {size} MB ({})",
                    format::at_least(format!("{used:.0}"), partial),
                    format::percent(s.memory_used_ratio)
                ),
                (_, _, Some(why)) => why.clone(),
                _ => format::UNKNOWN.to_string(),
            },
            flag(breach.memory),
        ),
        (
            "est. cost",
            {
                // The rate now, and a month at that rate.
                let rate = v.figures.stats().cost_rate(s.est_cost_usd);
                format!(
                    "{}/h · ≈{}/mo",
                    format::usd(rate.per_hour),
                    format::usd(rate.month)
                )
            },
            t.text,
        ),
    ];
    if f.history.is_async() {
        figures.insert(
            3,
            (
                "async",
                async_line(s, f),
                flag(breach.async_lost || breach.async_age),
            ),
        );
    }
    if let Some(line) = since {
        figures.insert(1, ("since deploy", line, t.text));
    }
    let sources = v.facts.event_sources_of(f).unwrap_or(&[]);
    if !sources.is_empty() {
        figures.insert(
            1,
            (
                "sources",
                sources_summary(sources),
                flag(breach.event_source),
            ),
        );
    }
    let line = |(k, v, style): &(&str, String, ratatui::style::Style)| {
        Line::from(vec![
            Span::styled(format!("{k:>LABEL$} "), t.muted),
            Span::styled(v.clone(), *style),
        ])
    };
    let title = Line::from(vec![
        Span::styled(format!(" {} ", facts.name), t.title),
        Span::styled(
            format!(
                "· {} ",
                format::window(v.window, v.figures.stats().range, v.now)
            ),
            t.muted,
        ),
    ]);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border_focused)
        .title(super::wrap::title(title, area.width));
    let tags = facts
        .tags
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ");
    if wide {
        let mut lines: Vec<Line> = config.iter().map(line).collect();
        lines.push(Line::raw(""));
        lines.extend(figures.iter().map(line));
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::styled(format!("{:>LABEL$} ", "tags"), t.muted),
            Span::styled(tags, t.text),
        ]));
        // Each event source on a line of its own: what it reads, whether it does, its backlog.
        for m in sources {
            lines.push(Line::from(vec![
                Span::styled(format!("{:>LABEL$} ", m.kind.as_str()), t.muted),
                Span::styled(source_line(m, s), flag(m.breach())),
            ]));
        }
        lines.extend(version_lines(f, v, t));
        // A value too long for a row goes on under its own column, not under the labels.
        let width = usize::from(block.inner(area).width);
        let rows: Vec<Line> = lines
            .into_iter()
            .flat_map(|l| wrap::wrap(l.spans, width, LABEL + 1))
            .collect();
        frame.render_widget(Paragraph::new(rows).block(block), area);
    } else {
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)])
                .areas(inner);
        // Two columns have no rows to spare: a value that does not fit ends with `…`.
        let column = |facts: &[(&str, String, ratatui::style::Style)], width: u16| {
            facts
                .iter()
                .map(|f| wrap::clip(line(f).spans, usize::from(width)))
                .collect::<Vec<_>>()
        };
        frame.render_widget(Paragraph::new(column(&config, left.width)), left);
        frame.render_widget(Paragraph::new(column(&figures, right.width)), right);
    }
}

/// The error rate and peak p99 since the newest deploy inside the window, beside those of as
/// long before it (`store::figures::since_deploy`): what the deploy did.
fn since_deploy(d: Option<&DetailFigures>) -> Option<String> {
    let d = d?.since_deploy?;
    let kind = match d.kind {
        crate::store::DeployKind::Code => "code",
        crate::store::DeployKind::Config => "config",
        crate::store::DeployKind::Unknown => "change",
    };
    Some(format!(
        "{} {kind}: {} err, peak p99 {} (was {}, {})",
        d.at.format("%H:%M"),
        format::percent(d.after.error_rate),
        format::millis(d.after.duration_p99_peak_ms),
        format::percent(d.before.error_rate),
        format::millis(d.before.duration_p99_peak_ms),
    ))
}

/// Its versions, and where each alias routes with each routed version's last hour: read when
/// the detail opens.
fn version_lines<'a>(f: &Function, v: &View, t: &Theme) -> Vec<Line<'a>> {
    let label = |k: &str| Span::styled(format!("{k:>LABEL$} "), t.muted);
    let Some(vs) = &f.versions else {
        return vec![Line::from(vec![
            label("versions"),
            Span::styled("reading…", t.muted),
        ])];
    };
    let mut out = Vec::new();
    let listed: Vec<String> = vs
        .versions
        .iter()
        .map(|x| match x.last_modified {
            Some(at) => format!(
                "{} ({} ago)",
                x.version,
                format::age((v.now - at).num_seconds())
            ),
            None => x.version.clone(),
        })
        .collect();
    out.push(Line::from(vec![
        label("versions"),
        Span::styled(
            if listed.is_empty() {
                "none published ($LATEST only)".to_string()
            } else {
                listed.join(", ")
            },
            t.text,
        ),
    ]));
    for a in &vs.aliases {
        let routes: Vec<String> = a
            .routes
            .iter()
            .map(|(version, share)| {
                let figures = vs
                    .executed
                    .iter()
                    .find(|e| e.alias == a.name && e.version == *version)
                    .map(|e| {
                        format!(
                            " ({} inv, {} err, {})",
                            format::count(e.invocations),
                            format::percent(e.error_rate()),
                            format::millis(e.duration_avg_ms)
                        )
                    })
                    .unwrap_or_default();
                format!("{version} {}{figures}", format::percent(Some(*share)))
            })
            .collect();
        out.push(Line::from(vec![
            label("alias"),
            Span::styled(format!("{} → {}", a.name, routes.join(" · ")), t.text),
        ]));
    }
    if !vs.executed.is_empty() {
        out.push(Line::from(vec![
            label(""),
            Span::styled("figures by executed version, last hour", t.muted),
        ]));
    }
    out
}

/// The mappings in a few words: how many, and those that stopped or fail.
fn sources_summary(sources: &[crate::store::event_sources::EventSource]) -> String {
    let stopped = sources.iter().filter(|m| m.stopped()).count();
    let failing = sources.iter().filter(|m| m.failing()).count();
    let mut out = format!(
        "{} event source{}",
        sources.len(),
        if sources.len() == 1 { "" } else { "s" }
    );
    if stopped > 0 {
        out.push_str(&format!(" · {stopped} not reading"));
    }
    if failing > 0 {
        out.push_str(&format!(" · {failing} failing"));
    }
    out
}

/// One mapping: what it reads, its state and last result, and how far behind it is.
fn source_line(
    m: &crate::store::event_sources::EventSource,
    s: &crate::store::figures::FunctionStats,
) -> String {
    let mut out = format!("{} · {}", m.name(), m.state);
    if m.stopped()
        && let Some(why) = &m.state_reason
    {
        out.push_str(&format!(" ({why})"));
    }
    if let Some(r) = &m.last_result {
        out.push_str(&format!(" · {r}"));
    }
    if let Some(b) = &m.backlog {
        out.push_str(&format!(
            " · {} waiting, oldest {}",
            format::count(b.visible.map(|n| n as f64)),
            match b.oldest_age_s {
                None => format::UNKNOWN.to_string(),
                Some(s) if s < 3600.0 => format::millis(Some(s * 1000.0)),
                Some(s) => format::age(s as i64),
            }
        ));
    }
    if let Some((dlq, b)) = &m.dead_letter {
        let dlq = dlq.rsplit(':').next().unwrap_or(dlq);
        out.push_str(&format!(
            " · DLQ {dlq} {}",
            format::count(b.visible.map(|n| n as f64))
        ));
    }
    if m.kind.is_stream() {
        out.push_str(&format!(
            " · iterator age {}",
            format::millis(s.iterator_age_max_ms)
        ));
    }
    out
}

/// Asynchronous invocation: events queued, lost (and how), the oldest event's wait, and where
/// failed events go.
fn async_line(s: &crate::store::figures::FunctionStats, f: &Function) -> String {
    let name = |arn: &str| arn.rsplit(':').next().unwrap_or(arn).to_string();
    let mut lost = Vec::new();
    for (n, what) in [
        (s.async_dropped, "dropped"),
        (s.dead_letter_errors, "DLQ errors"),
        (s.destination_failures, "destination failures"),
    ] {
        if n.is_some_and(|n| n > 0.0) {
            lost.push(format!("{} {what}", format::count(n)));
        }
    }
    let lost = match lost.is_empty() {
        true => format!("lost {}", format::count(s.async_lost())),
        false => format!("lost {}", lost.join(", ")),
    };
    let dlq = f.facts.dead_letter.as_deref().map(name);
    let on_failure = match &f.capacity.on_failure {
        Some(Some(d)) => Some(name(d)),
        Some(None) => None,
        None => Some(format::UNKNOWN.to_string()),
    };
    let goes = match (dlq, on_failure) {
        (None, None) => "no DLQ, no on-failure destination".to_string(),
        (Some(q), None) => format!("DLQ {q}"),
        (None, Some(d)) => format!("on failure → {d}"),
        (Some(q), Some(d)) => format!("DLQ {q}, on failure → {d}"),
    };
    format!(
        "{} received · {lost} · oldest {} · {goes}",
        format::count(s.async_received),
        format::millis(s.async_age_max_ms),
    )
}

/// The alarms that watch the function: those in ALARM first, with since when and why.
fn alarms_line(v: &View, f: &Function) -> String {
    let Some(region) = v.facts.alarms().get(&f.facts.place()) else {
        return format::UNKNOWN.to_string();
    };
    let all: Vec<_> = region.of(&f.facts.name).collect();
    let firing: Vec<_> = all.iter().filter(|a| a.firing()).collect();
    // The newest of its alarms to leave ALARM lately: the incident just over.
    let recovered = region
        .recovered
        .iter()
        .rfind(|r| r.functions.contains(&f.facts.name))
        .map(|r| {
            format!(
                "; {} left ALARM {} ago",
                r.alarm,
                format::age((v.now - r.at).num_seconds())
            )
        })
        .unwrap_or_default();
    match (firing.first(), all.len()) {
        (None, 0) => "none watch it".into(),
        (None, n) => format!("{n} watch it, none in ALARM{recovered}"),
        (Some(a), _) => {
            let since = a.since.map_or(String::new(), |at| {
                format!(" for {}", format::age((v.now - at).num_seconds()))
            });
            let more = match firing.len() {
                1 => String::new(),
                n => format!(" (+{} more in ALARM)", n - 1),
            };
            format!("▲ {} in ALARM{since}{more}: {}", a.name, a.reason)
        }
    }
}

fn render_charts(frame: &mut Frame, area: Rect, v: &View, f: &Function, t: &Theme) {
    let range = v.figures.stats().range;
    let history = f.history_over(range);
    let provisional_from = v.stats_of(f).and_then(|s| s.provisional_from);
    let values = |m: Metric| -> Vec<Option<f64>> { history.series(m).values(range).collect() };
    let invocations = values(Metric::Invocations);
    let errors = values(Metric::Errors);
    let throttles = values(Metric::Throttles);
    let avg = values(Metric::DurationAvg);
    let p99 = values(Metric::DurationP99);
    let concurrency = values(Metric::ConcurrencyMax);
    let timeout: Vec<Option<f64>> = f
        .facts
        .timeout_s
        .map(|s| vec![Some(f64::from(s) * 1000.0); range.len()])
        .unwrap_or_default();

    // Tall enough: a third row for the distributions; else the duration distribution takes
    // the concurrency chart's place (its peak is among the figures).
    let tall = area.height >= 24;
    let rows = if tall { 3 } else { 2 };
    let areas = Layout::vertical(vec![Constraint::Ratio(1, rows); rows as usize]).split(area);
    let [a, b] = Layout::horizontal([Constraint::Ratio(1, 2); 2]).areas(areas[0]);
    let [c, d] = Layout::horizontal([Constraint::Ratio(1, 2); 2]).areas(areas[1]);
    let fs = v.stats_of(f);
    let (dist, waits) = if tall {
        let [e, g] = Layout::horizontal([Constraint::Ratio(1, 2); 2]).areas(areas[2]);
        (e, Some(g))
    } else {
        (d, None)
    };
    render_distribution(frame, dist, f, fs, t);
    if let Some(g) = waits {
        render_waits(frame, g, v, f, t);
    }
    let block = |title: &str, theme: &Theme| {
        Block::new()
            .borders(Borders::ALL)
            .border_style(theme.border)
            .title(Span::styled(format!(" {title} "), theme.title))
    };
    let count = |v: f64| format::count(Some(v));
    let ms = |v: f64| format::millis(Some(v));
    // Where the function was deployed, on every chart.
    let marks = chart::deploy_marks(&f.deploys, range);
    let time = chart::Time {
        marks: &marks,
        ..chart::Time::of(range, provisional_from)
    };
    let mut started = vec![Series {
        name: "invocations",
        style: t.chart_started,
        values: &invocations,
    }];
    // Invoked asynchronously: the events queued against those dropped.
    let (received, dropped) = (values(Metric::AsyncReceived), values(Metric::AsyncDropped));
    let asynchronous = f.history.is_async();
    if asynchronous {
        started.push(Series {
            name: "events received",
            style: t.chart_completed,
            values: &received,
        });
        started.push(Series {
            name: "dropped",
            style: t.chart_errors,
            values: &dropped,
        });
    }
    let title = if asynchronous {
        "Invocations and async events"
    } else {
        "Invocations"
    };
    chart::render(frame, a, block(title, t), time, &started, count, t);
    chart::render(
        frame,
        b,
        block("Errors and throttles", t),
        time,
        &[
            Series {
                name: "errors",
                style: t.chart_errors,
                values: &errors,
            },
            Series {
                name: "throttles",
                style: t.chart_throttles,
                values: &throttles,
            },
        ],
        count,
        t,
    );
    let mut duration = vec![
        Series {
            name: "avg",
            style: t.chart_duration_avg,
            values: &avg,
        },
        // Each minute's own p99: not the window's p99 the facts and the distribution give.
        Series {
            name: "minute p99",
            style: t.chart_duration_p99,
            values: &p99,
        },
    ];
    // The timeout line only when the p99 comes near it; otherwise it flattens the chart.
    let p99_peak = p99.iter().flatten().fold(0.0f64, |a, &b| a.max(b));
    if timeout
        .first()
        .copied()
        .flatten()
        .is_some_and(|to| timeout_in_sight(p99_peak, to))
    {
        duration.push(Series {
            name: "timeout",
            style: t.chart_limit,
            values: &timeout,
        });
    }
    chart::render(frame, c, block("Duration", t), time, &duration, ms, t);
    if tall {
        chart::render(
            frame,
            d,
            block("Concurrency (max)", t),
            time,
            &[Series {
                name: "concurrent",
                style: t.chart_concurrency,
                values: &concurrency,
            }],
            count,
            t,
        );
    }
}

/// The window's durations on log scales, with p50, p90 and p99 marked and the timeout.
fn render_distribution(
    frame: &mut Frame,
    area: Rect,
    f: &Function,
    s: Option<&crate::store::figures::FunctionStats>,
    t: &Theme,
) {
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(Span::styled(" Durations, log scales ", t.title));
    let (_, _, timeout_s) = f.serving_config();
    crate::ui::histogram::render_durations(
        frame,
        area,
        block,
        s.and_then(|s| s.durations.as_ref()),
        timeout_s.map(|s| f64::from(s) * 1000.0),
        "not read yet: opening the detail asks CloudWatch",
        t,
    );
}

/// How long its tasks waited to run (`store::figures::waits`).
fn render_waits(frame: &mut Frame, area: Rect, v: &View, f: &Function, t: &Theme) {
    let w = v.figures.detail(&f.facts.key()).and_then(|d| d.waits);
    let title = match &w {
        Some(w) => format!(" Waits, log scales · {} ", w.what),
        None => " Waits ".to_string(),
    };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(Span::styled(title, t.title));
    crate::ui::histogram::render(
        frame,
        area,
        block,
        w.as_ref().map(|w| &w.histogram),
        &[],
        None,
        "invoked directly: nothing queues before it runs",
        t,
    );
}
