//! Runs one `Source` as a tokio task: polls on an interval (missed ticks skipped, never
//! bunched), at once on `Control::PollNow`, and stops on cancellation. Events go to the app
//! loop over a channel, framed by `Status` events that carry the loading state.
//!
//! Two channels come from the app, each with the guarantee its messages need: orders
//! (`Control`: poll now, tail this) on an unbounded channel of the source's own, so none is
//! lost; and what is on screen on a `watch` channel, where only the latest matters. A source
//! whose polls may be cut (the tail) carries out an order at once, dropping the poll under way;
//! the others carry it out when the poll ends.

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;

use super::{Control, LoadingState, Source, SourceEvent};
use crate::clock::SharedClock;
use crate::store::FunctionKey;

/// Polls under way at once, at most, among the sources of several accounts: 50 accounts of
/// 3 regions are some 1,500 sources, whose first polls would otherwise all start in the same
/// second. Each account keeps AWS's own request quotas (they are per account and region); the
/// budget keeps the bastion's connections and the burst of the start bounded.
pub const POLLS_AT_ONCE: usize = 24;

/// What ties a source to the app loop.
pub struct Links {
    pub events: mpsc::Sender<SourceEvent>,
    pub controls: mpsc::UnboundedReceiver<Control>,
    pub on_screen: watch::Receiver<Vec<FunctionKey>>,
    pub cancel: CancellationToken,
    /// The polls under way at once, shared by every source (`None`: no bound). A source whose
    /// polls an order may cut (the log tail) answers at once and takes none.
    pub budget: Option<std::sync::Arc<tokio::sync::Semaphore>>,
}

pub fn spawn(source: Box<dyn Source>, clock: SharedClock, links: Links) -> JoinHandle<()> {
    tokio::spawn(run(source, clock, links))
}

/// How a poll ended.
enum Polled {
    Done,
    /// An order arrived while it ran, and cut it short.
    Cut(Control),
    /// The app has gone away.
    Gone,
}

pub async fn run(mut source: Box<dyn Source>, clock: SharedClock, mut links: Links) {
    let mut interval = tokio::time::interval(source.cadence());
    interval.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut pending: Option<Control> = None;
    loop {
        if let Some(control) = pending.take() {
            if !source.control(&control) {
                continue;
            }
            interval.reset();
        } else {
            tokio::select! {
                _ = links.cancel.cancelled() => return,
                _ = interval.tick() => {}
                control = links.controls.recv() => match control {
                    Some(c) => {
                        pending = Some(c);
                        continue;
                    }
                    None => return,
                },
                Ok(()) = links.on_screen.changed() => {
                    source.watch(&links.on_screen.borrow_and_update());
                    continue;
                }
            }
        }
        match poll_once(source.as_mut(), &clock, &mut links).await {
            Polled::Done => {}
            Polled::Cut(c) => pending = Some(c),
            Polled::Gone => return,
        }
    }
}

/// One poll, with its status events.
async fn poll_once(source: &mut dyn Source, clock: &SharedClock, links: &mut Links) -> Polled {
    let name = source.name().to_string();
    let tracked = source.tracks_status();
    let may_be_cut = source.polls_may_be_cut();
    let status = |state| SourceEvent::Status {
        source: name.clone(),
        state,
        at: clock.now(),
    };
    if tracked
        && links
            .events
            .send(status(LoadingState::Loading))
            .await
            .is_err()
    {
        return Polled::Gone;
    }
    // A turn within the shared budget, for the whole poll.
    let _turn = match (&links.budget, may_be_cut) {
        (Some(budget), false) => tokio::select! {
            _ = links.cancel.cancelled() => return Polled::Gone,
            permit = budget.clone().acquire_owned() => permit.ok(),
        },
        _ => None,
    };
    let started = std::time::Instant::now();
    let (mut brought_data, mut reported_problem) = (false, false);
    loop {
        // The poll's future is dropped when this ends, whichever way.
        let outcome = tokio::select! {
            _ = links.cancel.cancelled() => return Polled::Gone,
            batch = source.poll(clock.now()) => Ok(batch),
            Some(c) = links.controls.recv(), if may_be_cut => Err(c),
        };
        let batch = match outcome {
            Ok(batch) => batch,
            Err(control) => {
                tracing::debug!(source = %name, "poll cut short by an order");
                return Polled::Cut(control);
            }
        };
        tracing::debug!(
            source = %name,
            events = batch.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "poll part finished"
        );
        for event in &batch {
            // An account's among several: what it reports, whoever's.
            match event.inner() {
                SourceEvent::Problem { scope, message, .. } => {
                    tracing::warn!(source = %name, %scope, %message, "problem");
                    reported_problem = true;
                }
                SourceEvent::Inventory { .. } | SourceEvent::Metrics(_) | SourceEvent::Logs(_) => {
                    brought_data = true;
                }
                _ => {}
            }
        }
        for event in batch {
            if links.events.send(event).await.is_err() {
                return Polled::Gone;
            }
        }
        if !source.has_more() {
            break;
        }
    }
    // A poll that brought no data and reported a problem failed: the data age keeps counting.
    let failed = reported_problem && !brought_data;
    let state = if failed {
        LoadingState::Failed
    } else {
        LoadingState::Loaded
    };
    if tracked && links.events.send(status(state)).await.is_err() {
        return Polled::Gone;
    }
    Polled::Done
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use chrono::{DateTime, Utc};
    use futures::future::BoxFuture;
    use tokio::time::Instant;

    use super::*;

    /// What the test source saw, in order.
    #[derive(Debug, Clone, PartialEq)]
    enum Seen {
        PollStarted,
        PollEnded,
        Control(Control),
        Watch(Vec<FunctionKey>),
    }

    /// A source whose polls take `poll_time`.
    struct Slow {
        poll_time: Duration,
        may_be_cut: bool,
        seen: Arc<Mutex<Vec<(Seen, Instant)>>>,
    }

    impl Slow {
        fn note(&self, s: Seen) {
            self.seen.lock().unwrap().push((s, Instant::now()));
        }
    }

    impl Source for Slow {
        fn name(&self) -> &str {
            "slow"
        }

        fn cadence(&self) -> Duration {
            Duration::from_secs(600)
        }

        fn poll(&mut self, _now: DateTime<Utc>) -> BoxFuture<'_, Vec<SourceEvent>> {
            Box::pin(async move {
                self.note(Seen::PollStarted);
                tokio::time::sleep(self.poll_time).await;
                self.note(Seen::PollEnded);
                Vec::new()
            })
        }

        fn control(&mut self, control: &Control) -> bool {
            self.note(Seen::Control(control.clone()));
            true
        }

        fn watch(&mut self, on_screen: &[FunctionKey]) {
            self.note(Seen::Watch(on_screen.to_vec()));
        }

        fn polls_may_be_cut(&self) -> bool {
            self.may_be_cut
        }

        fn tracks_status(&self) -> bool {
            false
        }
    }

    struct Fixed;

    impl crate::clock::Clock for Fixed {
        fn now(&self) -> DateTime<Utc> {
            DateTime::<Utc>::UNIX_EPOCH
        }
    }

    struct Running {
        seen: Arc<Mutex<Vec<(Seen, Instant)>>>,
        controls: mpsc::UnboundedSender<Control>,
        on_screen: watch::Sender<Vec<FunctionKey>>,
        cancel: CancellationToken,
        _events: mpsc::Receiver<SourceEvent>,
    }

    fn start(poll_time: Duration, may_be_cut: bool) -> Running {
        start_within(
            poll_time,
            may_be_cut,
            None,
            Arc::new(Mutex::new(Vec::new())),
        )
    }

    fn start_within(
        poll_time: Duration,
        may_be_cut: bool,
        budget: Option<Arc<tokio::sync::Semaphore>>,
        seen: Arc<Mutex<Vec<(Seen, Instant)>>>,
    ) -> Running {
        let (events, events_rx) = mpsc::channel(16);
        let (controls, controls_rx) = mpsc::unbounded_channel();
        let (on_screen, on_screen_rx) = watch::channel(Vec::new());
        let cancel = CancellationToken::new();
        let source = Slow {
            poll_time,
            may_be_cut,
            seen: seen.clone(),
        };
        let links = Links {
            events,
            controls: controls_rx,
            on_screen: on_screen_rx,
            cancel: cancel.clone(),
            budget,
        };
        spawn(Box::new(source), Arc::new(Fixed), links);
        Running {
            seen,
            controls,
            on_screen,
            cancel,
            _events: events_rx,
        }
    }

    fn tail() -> Control {
        Control::Tail(None)
    }

    /// An account's source among several reports its problem wrapped in its account: a poll
    /// that brought nothing but a problem failed (the data's age keeps counting).
    #[tokio::test(start_paused = true)]
    async fn an_accounts_poll_with_only_a_problem_failed() {
        struct Partly;
        impl Source for Partly {
            fn name(&self) -> &str {
                "metrics"
            }
            fn cadence(&self) -> Duration {
                Duration::from_secs(600)
            }
            fn poll(&mut self, now: DateTime<Utc>) -> BoxFuture<'_, Vec<SourceEvent>> {
                Box::pin(async move {
                    vec![SourceEvent::Problem {
                        source: "metrics".into(),
                        scope: "eu-west-1 p99".into(),
                        kind: crate::store::ProblemKind::Service,
                        message: "500".into(),
                        at: now,
                    }]
                })
            }
        }
        let account = crate::store::AccountId::parse("111111111111").unwrap();
        let source = crate::source::account::InAccount::new(account, Box::new(Partly));
        let (events, mut events_rx) = mpsc::channel(16);
        let (_controls, controls_rx) = mpsc::unbounded_channel();
        let (_on_screen, on_screen_rx) = watch::channel(Vec::new());
        let cancel = CancellationToken::new();
        let links = Links {
            events,
            controls: controls_rx,
            on_screen: on_screen_rx,
            cancel: cancel.clone(),
            budget: None,
        };
        spawn(Box::new(source), Arc::new(Fixed), links);
        let mut states = Vec::new();
        while states.len() < 2 {
            if let SourceEvent::Status { source, state, .. } = events_rx.recv().await.unwrap() {
                assert_eq!(source, "111111111111 metrics");
                states.push(state);
            }
        }
        assert_eq!(states, [LoadingState::Loading, LoadingState::Failed]);
        cancel.cancel();
    }

    /// Among several accounts' sources, no more polls run at once than the budget allows;
    /// the tail, whose polls an order cuts, does not wait for a turn.
    #[tokio::test(start_paused = true)]
    async fn the_shared_budget_bounds_the_polls_under_way() {
        let budget = Arc::new(tokio::sync::Semaphore::new(2));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let running: Vec<Running> = (0..5)
            .map(|_| {
                start_within(
                    Duration::from_secs(10),
                    false,
                    Some(budget.clone()),
                    seen.clone(),
                )
            })
            .collect();
        let tail_seen = Arc::new(Mutex::new(Vec::new()));
        let tail = start_within(
            Duration::from_secs(10),
            true,
            Some(budget.clone()),
            tail_seen.clone(),
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(
            tail_seen.lock().unwrap().len(),
            1,
            "the tail polls without a turn"
        );
        tokio::time::sleep(Duration::from_secs(40)).await;
        let mut under_way = 0;
        let mut most = 0;
        for (s, _) in seen.lock().unwrap().iter() {
            match s {
                Seen::PollStarted => under_way += 1,
                Seen::PollEnded => under_way -= 1,
                _ => {}
            }
            most = most.max(under_way);
        }
        assert_eq!(most, 2);
        let started = seen
            .lock()
            .unwrap()
            .iter()
            .filter(|(s, _)| *s == Seen::PollStarted)
            .count();
        assert_eq!(started, 5, "every source had its turn");
        for r in running.iter().chain([&tail]) {
            r.cancel.cancel();
        }
    }

    /// The tail's case: a new target arrives while a slow read runs; it is carried out at
    /// once and a fresh poll starts, instead of waiting out the read.
    #[tokio::test(start_paused = true)]
    async fn an_order_cuts_a_poll_that_may_be_cut() {
        let r = start(Duration::from_secs(45), true);
        tokio::time::sleep(Duration::from_secs(1)).await;
        let sent = Instant::now();
        r.controls.send(tail()).unwrap();
        tokio::time::sleep(Duration::from_secs(1)).await;
        let seen = r.seen.lock().unwrap().clone();
        let kinds: Vec<&Seen> = seen.iter().map(|(s, _)| s).collect();
        assert_eq!(
            kinds,
            [
                &Seen::PollStarted,
                &Seen::Control(tail()),
                &Seen::PollStarted
            ],
            "the first poll never ended: it was cut"
        );
        let (_, at) = &seen[1];
        assert!(*at - sent < Duration::from_millis(10), "at once");
        r.cancel.cancel();
    }

    /// A metrics poll is not cut: the orders sent meanwhile all wait for its end, none lost.
    #[tokio::test(start_paused = true)]
    async fn orders_wait_for_a_poll_that_may_not_be_cut_and_none_is_lost() {
        let r = start(Duration::from_secs(45), false);
        tokio::time::sleep(Duration::from_secs(1)).await;
        for _ in 0..3 {
            r.controls.send(Control::PollNow).unwrap();
        }
        r.controls.send(tail()).unwrap();
        // Each order polls at once, so the four take four polls after the first.
        tokio::time::sleep(Duration::from_secs(200)).await;
        let seen = r.seen.lock().unwrap().clone();
        let kinds: Vec<&Seen> = seen.iter().map(|(s, _)| s).collect();
        assert_eq!(
            kinds[..3],
            [
                &Seen::PollStarted,
                &Seen::PollEnded,
                &Seen::Control(Control::PollNow)
            ]
        );
        let orders = kinds
            .iter()
            .filter(|s| matches!(s, Seen::Control(_)))
            .count();
        assert_eq!(orders, 4, "every order arrives: {kinds:?}");
        r.cancel.cancel();
    }

    /// What is on screen is latest-wins: a burst of changes reaches the source as the last.
    #[tokio::test(start_paused = true)]
    async fn the_source_sees_the_latest_of_what_is_on_screen() {
        let r = start(Duration::from_millis(10), false);
        tokio::time::sleep(Duration::from_secs(1)).await;
        for n in 0..5 {
            let keys = vec![FunctionKey::new("us-east-1", format!("f{n}"))];
            r.on_screen.send_replace(keys);
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        let seen = r.seen.lock().unwrap().clone();
        let watched: Vec<&Seen> = seen
            .iter()
            .map(|(s, _)| s)
            .filter(|s| matches!(s, Seen::Watch(_)))
            .collect();
        assert_eq!(
            watched,
            [&Seen::Watch(vec![FunctionKey::new("us-east-1", "f4")])]
        );
        r.cancel.cancel();
    }
}
