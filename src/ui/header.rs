//! The header: who and where (source badge, profile, regions), the window, the data's age and
//! open problems; below, the fleet's totals over the window. Each line is built in a full and
//! a compact wording, and the widest that fits is shown, so nothing is cut mid-word at 80
//! columns.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::format;
use super::theme::Theme;
use crate::store::health::{is_stale, near_concurrency_limit, throttling};
use crate::store::{Pool, ProblemKind, SourceKind};
use crate::view::View;

/// A piece of a header line with its full and compact wordings.
struct Part {
    full: String,
    compact: String,
    style: Style,
}

fn part(full: String, compact: impl Into<String>, style: Style) -> Part {
    Part {
        full,
        compact: compact.into(),
        style,
    }
}

/// The fullest rendering of `lead` + `parts` that fits `width`: parts turn compact from the
/// last one backwards, which keeps problems and totals (first) readable longest. A part whose
/// compact wording is empty leaves the line when compact; past that, the last parts leave.
fn fit<'a>(lead: Vec<Span<'a>>, parts: &[Part], width: u16, t: &Theme) -> Line<'a> {
    let lead_width: usize = lead.iter().map(|s| s.width()).sum();
    let sep = " │ ";
    // The width of the first `kept` parts, compact from `compact_from` on.
    let width_of = |compact_from: usize, kept: usize| -> usize {
        lead_width
            + parts
                .iter()
                .take(kept)
                .enumerate()
                .map(|(i, p)| {
                    let text = if i >= compact_from {
                        &p.compact
                    } else {
                        &p.full
                    };
                    if text.is_empty() {
                        return 0;
                    }
                    unicode_width::UnicodeWidthStr::width(text.as_str()) + sep.len() - 2
                })
                .sum::<usize>()
    };
    let compact_from = (0..=parts.len())
        .rev()
        .find(|&k| width_of(k, parts.len()) <= usize::from(width))
        .unwrap_or(0);
    // Still too wide all compact (a big fleet's figures are longer): the last parts leave
    // whole rather than be cut mid-word.
    let mut kept = parts.len();
    // (`width_of` counts a separator before the first part too, which is not drawn.)
    while kept > 1 && width_of(compact_from, kept).saturating_sub(3) > usize::from(width) {
        kept -= 1;
    }
    let mut spans = lead;
    let mut first = true;
    for (i, p) in parts.iter().enumerate().take(kept) {
        let text = if i >= compact_from {
            &p.compact
        } else {
            &p.full
        };
        if text.is_empty() {
            continue;
        }
        if !first {
            spans.push(Span::styled(sep, t.muted));
        }
        first = false;
        spans.push(Span::styled(text.clone(), p.style));
    }
    Line::from(spans)
}

pub fn render(frame: &mut Frame, area: Rect, v: &View, t: &Theme) {
    let facts = v.facts;
    let session = facts.session();

    let mut lead = vec![Span::styled(" lambdatop ", t.brand)];
    lead.push(match session.kind {
        SourceKind::Demo => Span::styled(" DEMO ", t.demo_badge),
        SourceKind::Aws => Span::styled(" AWS ", t.aws_badge),
    });
    // A recording is as plain as DEMO: nothing on screen is happening now, and the badge says
    // when it was.
    if let Some(recorded) = facts.recorded() {
        let at = recorded.recorded_at;
        let badge = if area.width < 120 {
            format!(" REPLAY {} ", at.format("%H:%M"))
        } else {
            format!(" REPLAY {} UTC ", at.format("%Y-%m-%d %H:%M"))
        };
        lead.push(Span::raw(" "));
        lead.push(Span::styled(badge, t.past_badge));
    }
    // A window in the past is as plain as DEMO: nothing on screen is happening now.
    if v.window.is_past() {
        let until = format::until(v.figures.stats().range, v.now);
        // Narrow: the time alone (every time on screen is UTC).
        let badge = if area.width < 120 {
            format!(" PAST {} ", until.trim_end_matches(" UTC"))
        } else {
            format!(" PAST to {until} ")
        };
        lead.push(Span::raw(" "));
        lead.push(Span::styled(badge, t.past_badge));
    }
    lead.push(Span::raw(" "));

    let problems = facts.problems();
    let problem = match problems.len() {
        0 => part("no problems".into(), "ok", t.ok),
        1 => part("⚠ 1 problem".into(), "⚠ 1", t.error),
        n => part(format!("⚠ {n} problems"), format!("⚠ {n}"), t.error),
    };
    let age = match facts.data_as_of() {
        _ if facts.is_loading() => part("loading…".into(), "loading…", t.warn),
        Some(at) => {
            let secs = (v.now - at).num_seconds();
            // Data older than three polls is stale: say so loudly.
            let style = if is_stale(secs, v.interval_secs) {
                t.warn
            } else {
                t.header
            };
            let a = format::age(secs);
            // Several regions, one behind: which.
            let ages = facts.region_ages();
            let behind = ages
                .first()
                .filter(|(_, read)| ages.len() > 1 && *read == Some(at))
                .map(|(r, _)| *r);
            match behind.filter(|_| is_stale(secs, v.interval_secs)) {
                Some(place) => {
                    // Among several accounts, whose region it is.
                    let whose = facts
                        .account_name(place.account)
                        .filter(|_| !place.account.is_own())
                        .map(|a| format!("{a} "))
                        .unwrap_or_default();
                    part(
                        format!("data {a} old in {whose}{}", place.region),
                        format!(
                            "{a} {whose}{}",
                            crate::ui::text::short_region(&place.region)
                        ),
                        style,
                    )
                }
                None => part(format!("data {a} old"), a, style),
            }
        }
        None => part("no data yet".into(), "no data", t.warn),
    };
    let profile = session.profile.as_deref().unwrap_or("default");
    let regions = if session.regions.len() == 1 {
        session.regions[0].clone()
    } else {
        format!("{} regions", session.regions.len())
    };
    let mut top = vec![
        problem,
        age,
        part(
            format!("window {}", v.window),
            v.window.to_string(),
            t.header,
        ),
        part(session.regions.join(", "), regions, t.header),
        // Among several accounts the first profile says little: it leaves a narrow line.
        part(
            format!("profile {profile}"),
            if session.accounts.len() > 1 {
                ""
            } else {
                profile
            },
            t.header,
        ),
    ];
    // Whose account: the profile name says nothing of it with exported or role credentials.
    // (The demo's made-up account would only repeat the DEMO badge.)
    if session.accounts.len() > 1 {
        let n = session.accounts.len();
        // Accounts read through a monitoring account only: their rows are metrics alone.
        let metrics = session.accounts.iter().filter(|a| a.metrics_only).count();
        let full = match metrics {
            0 => format!("{n} accounts"),
            m => format!("{n} accounts ({m} metrics only)"),
        };
        top.push(part(full, format!("{n} acct"), t.header));
    } else if let Some(who) = facts.identity().filter(|_| session.kind == SourceKind::Aws) {
        let (long, short) = match &who.alias {
            Some(alias) => (
                format!("account {} ({alias})", who.account_id),
                alias.clone(),
            ),
            None => (
                format!("account {}", who.account_id),
                who.account_id.clone(),
            ),
        };
        top.push(part(long, short, t.header));
    }
    // Consumers that stopped: a disabled or failing mapping is idle, not healthy.
    let stopped = facts.event_sources_in_breach();
    if stopped > 0 {
        top.insert(
            1,
            part(
                format!(
                    "⏸ {stopped} event source{} stopped or failing",
                    if stopped == 1 { "" } else { "s" }
                ),
                format!("⏸ {stopped} src"),
                t.error,
            ),
        );
    }
    // What is paging: every alarm in ALARM in the watched regions, once any were read.
    if !facts.alarms().is_empty() {
        // Narrowed to an account, its alarms.
        let firing = facts
            .alarms()
            .iter()
            .filter(|(place, _)| v.account.is_none_or(|a| place.account == a))
            .map(|(_, r)| r.firing().count())
            .sum::<usize>();
        // Alarms are as they are now, whatever the window: say so of a window in the past.
        let now = if v.window.is_past() { " now" } else { "" };
        top.insert(
            1,
            match firing {
                0 => part(format!("no alarms firing{now}"), String::new(), t.ok),
                1 => part(format!("▲ 1 alarm in ALARM{now}"), "▲ 1 alarm", t.error),
                n => part(
                    format!("▲ {n} alarms in ALARM{now}"),
                    format!("▲ {n} alarms"),
                    t.error,
                ),
            },
        );
    }
    if let Some(a) = v.account {
        let name = facts.account_name(a).unwrap_or_else(|| a.to_string());
        top.insert(
            1,
            part(
                format!("account {name} ({} widens)", v.keys.back),
                format!("▸{name}"),
                t.filter,
            ),
        );
    }
    if let Some(p) = v.project {
        top.insert(
            1,
            part(
                format!("project {p} ({} widens)", v.keys.back),
                format!("▸{p}"),
                t.filter,
            ),
        );
    }

    let stats = v.figures.stats();
    // Narrowed to a project, the figures are the project's.
    let tot = stats.totals_of(v.project, v.account);
    let tot = &tot;
    let error_style = if v.thresholds.failing(tot.error_rate) {
        t.error
    } else {
        t.header
    };
    let throttle_style = if throttling(tot.throttles) {
        t.warn
    } else {
        t.header
    };
    let (errors, rate) = (format::count(tot.errors), format::percent(tot.error_rate));
    let throttles = format::count(tot.throttles);
    let per_min = format::count(tot.invocations_per_min);
    let cost_rate = stats.cost_rate(tot.est_cost_usd);
    let cost = format::usd(cost_rate.per_hour);
    let month = format::usd(cost_rate.month);
    let busiest = stats.busiest_region();
    // The pool nearest its limit: with most of the limit reserved, unreserved functions
    // throttle at a small number while all executions look far from the account limit.
    let concurrency = busiest.map(|r| {
        let style = if near_concurrency_limit(r.utilization()) {
            t.error
        } else {
            t.header
        };
        match r.tightest() {
            Some((pool, peak, limit)) => {
                let (peak, limit) = (
                    format::count(Some(peak)),
                    format::count(Some(f64::from(limit))),
                );
                let (long, short) = match pool {
                    Pool::All => ("peak concurrency", "conc"),
                    Pool::Unreserved => ("unreserved concurrency", "unres"),
                    Pool::Claimed => ("claimed concurrency", "claimed"),
                };
                part(
                    format!("{long} {peak} of {limit} in {}", r.region),
                    format!("{short} {peak}/{limit}"),
                    style,
                )
            }
            None => {
                let peak = format::count(r.concurrency_max);
                part(
                    format!("peak concurrency {peak} in {}", r.region),
                    format!("conc {peak}"),
                    style,
                )
            }
        }
    });
    let mut bottom = vec![
        part(
            format!("{errors} errors ({rate})"),
            format!("{errors} err ({rate})"),
            error_style,
        ),
        part(
            format!("{throttles} throttles"),
            format!("{throttles} thr"),
            throttle_style,
        ),
        part(
            format!("{per_min} invocations/min"),
            format!("{per_min}/min"),
            t.header,
        ),
        part(
            format!("est. {cost}/h (≈{month}/month)"),
            format!("{cost}/h"),
            t.header,
        ),
        part(
            format!(
                "{} functions in {} projects",
                tot.functions,
                stats.projects.len()
            ),
            // The tables' titles count them: the first to go on a narrow terminal.
            String::new(),
            t.header,
        ),
    ];
    if let Some(c) = concurrency {
        bottom.insert(4, c);
    }
    // The bill so far, from Cost Explorer: the fleet's, or the narrowed project's.
    if let Some(b) = facts.cost() {
        let billed = match v.project {
            Some(p) => b.group(p).map(|g| g.mtd_usd),
            None => Some(b.total_usd),
        };
        if let Some(usd) = billed {
            let usd = format::usd(Some(usd));
            bottom.push(part(
                format!("billed {usd} this month"),
                format!("MTD {usd}"),
                t.header,
            ));
        }
    }
    // What watching costs: the dashboard's own requests (AWS only).
    if let Some(u) = facts.api_usage() {
        let usd = format::usd(Some(u.est_cost_usd()));
        bottom.push(part(
            format!("API {} requests, {usd}", u.requests()),
            format!("API {usd}"),
            t.muted,
        ));
        // An API AWS throttled: every request of it waits (`source/aws/pace.rs`), and its
        // figures may lag. Beside the errors and throttles, where it stays at every width.
        let held: Vec<String> = u.held_at(v.now).map(|p| p.label()).collect();
        if let Some(first) = held.first() {
            let more = match held.len() {
                1 => String::new(),
                n => format!(" +{}", n - 1),
            };
            let at = bottom.len().min(2);
            bottom.insert(
                at,
                part(
                    format!("▲ throttled, waiting: {}", held.join(", ")),
                    format!("▲ {first}{more} throttled"),
                    t.warn,
                ),
            );
        }
    }
    let mut lines = vec![
        fit(lead, &top, area.width, t),
        fit(vec![Span::raw(" ")], &bottom, area.width, t),
    ];
    if !problems.is_empty() {
        lines.push(problem_line(v, t));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// Lines the header needs: a third one while there are problems.
pub fn height(v: &View) -> u16 {
    if v.facts.problems().is_empty() { 2 } else { 3 }
}

/// How much a problem matters to someone reading the screen: what blinds the whole view first.
fn severity(kind: ProblemKind) -> u8 {
    match kind {
        ProblemKind::Credentials => 0,
        ProblemKind::Network => 1,
        ProblemKind::AccessDenied => 2,
        ProblemKind::Throttled => 3,
        ProblemKind::Service => 4,
        ProblemKind::NotSupported => 5,
    }
}

/// The problems, most severe first, each as "scope: message"; cut by the terminal's width.
fn problem_line(v: &View, t: &Theme) -> Line<'static> {
    let mut problems: Vec<_> = v.facts.problems().iter().collect();
    problems.sort_by_key(|p| (severity(p.kind), p.scope.clone()));
    let mut spans = vec![Span::styled(" ⚠ ", t.error)];
    for (i, p) in problems.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", t.muted));
        }
        let style = if i == 0 { t.error } else { t.warn };
        spans.push(Span::styled(format!("{}: {}", p.scope, p.message), style));
    }
    Line::from(spans)
}
