//! One account's source among several: what it reports is named that account's
//! (`SourceEvent::in_account`), and what is on screen and the app's orders reach it only for
//! that account's functions. The sources themselves stay as they are for one account: they
//! name functions by region and name, and never know there are others.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

use super::{Control, Source, SourceEvent, TailTarget};
use crate::store::FunctionKey;
use crate::store::account::{AccountId, source_in};

pub struct InAccount {
    account: AccountId,
    name: String,
    inner: Box<dyn Source>,
    /// Whether it follows some of this account's logs: a Logs Insights query goes only to
    /// the tails that have functions to ask of.
    tailing: bool,
}

impl InAccount {
    pub fn new(account: AccountId, inner: Box<dyn Source>) -> InAccount {
        InAccount {
            account,
            name: source_in(account, inner.name()),
            inner,
            tailing: false,
        }
    }

    /// `key` as the source knows it, if it is of this account.
    fn mine(&self, key: &FunctionKey) -> Option<FunctionKey> {
        (key.account == self.account).then(|| FunctionKey::new(&key.region, &key.name))
    }

    /// The order as the source should get it: what concerns other accounts left out, `None`
    /// when nothing of it is this account's.
    fn order(&mut self, control: &Control) -> Option<Control> {
        match control {
            Control::Tail(None) => {
                self.tailing = false;
                Some(Control::Tail(None))
            }
            Control::Tail(Some(target)) => {
                let functions: Vec<FunctionKey> = target
                    .functions
                    .iter()
                    .filter_map(|k| self.mine(k))
                    .collect();
                self.tailing = !functions.is_empty();
                if !self.tailing {
                    return Some(Control::Tail(None));
                }
                // arn:aws:lambda:REGION:ACCOUNT:function:NAME
                let arns = target
                    .function_arns
                    .iter()
                    .filter(|a| a.split(':').nth(4) == Some(self.account.to_string().as_str()))
                    .cloned()
                    .collect();
                Some(Control::Tail(Some(TailTarget {
                    functions,
                    function_arns: arns,
                    ..target.clone()
                })))
            }
            Control::Inspect(key) => self.mine(key).map(Control::Inspect),
            Control::ReadRequest {
                function,
                request_id,
                around_ms,
            } => self.mine(function).map(|function| Control::ReadRequest {
                function,
                request_id: request_id.clone(),
                around_ms: *around_ms,
            }),
            Control::Insights { .. } if !self.tailing => None,
            other => Some(other.clone()),
        }
    }
}

impl Source for InAccount {
    fn name(&self) -> &str {
        &self.name
    }

    fn cadence(&self) -> Duration {
        self.inner.cadence()
    }

    fn poll(&mut self, now: DateTime<Utc>) -> BoxFuture<'_, Vec<SourceEvent>> {
        Box::pin(async move {
            let events = self.inner.poll(now).await;
            events
                .into_iter()
                .map(|e| e.in_account(self.account))
                .collect()
        })
    }

    fn has_more(&self) -> bool {
        self.inner.has_more()
    }

    fn tracks_status(&self) -> bool {
        self.inner.tracks_status()
    }

    fn forget_cached(&mut self) {
        self.inner.forget_cached();
    }

    fn control(&mut self, control: &Control) -> bool {
        match self.order(control) {
            Some(c) => self.inner.control(&c),
            None => false,
        }
    }

    fn watch(&mut self, on_screen: &[FunctionKey]) {
        let mine: Vec<FunctionKey> = on_screen.iter().filter_map(|k| self.mine(k)).collect();
        self.inner.watch(&mine);
    }

    fn polls_may_be_cut(&self) -> bool {
        self.inner.polls_may_be_cut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// A source that keeps what it was told, and reports one function.
    struct Seen(Arc<Mutex<Vec<String>>>);

    impl Source for Seen {
        fn name(&self) -> &str {
            "metrics"
        }
        fn cadence(&self) -> Duration {
            Duration::from_secs(60)
        }
        fn poll(&mut self, _: DateTime<Utc>) -> BoxFuture<'_, Vec<SourceEvent>> {
            Box::pin(async {
                vec![SourceEvent::Reserved {
                    key: FunctionKey::new("us-east-1", "checkout"),
                    reserved: Some(5),
                }]
            })
        }
        fn control(&mut self, control: &Control) -> bool {
            self.0.lock().unwrap().push(format!("{control:?}"));
            true
        }
        fn watch(&mut self, on_screen: &[FunctionKey]) {
            for k in on_screen {
                self.0.lock().unwrap().push(format!("watch {k}"));
            }
        }
    }

    #[tokio::test]
    async fn an_accounts_source_hears_of_its_own_functions_and_names_what_it_reports() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (a, b) = (
            AccountId::parse("111111111111").unwrap(),
            AccountId::parse("222222222222").unwrap(),
        );
        let mut s = InAccount::new(a, Box::new(Seen(seen.clone())));
        assert_eq!(s.name(), "111111111111 metrics");
        let mine = FunctionKey::new("us-east-1", "checkout").in_account(a);
        let theirs = FunctionKey::new("us-east-1", "checkout").in_account(b);
        s.watch(&[mine.clone(), theirs.clone()]);
        assert!(!s.control(&Control::Inspect(theirs.clone())));
        assert!(s.control(&Control::Inspect(mine.clone())));
        // Logs of only another account's functions: this account's tail stops.
        s.control(&Control::Tail(Some(TailTarget::follow(
            "checkout".into(),
            vec![theirs],
            vec!["arn:aws:lambda:us-east-1:222222222222:function:checkout".into()],
        ))));
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen[0], "watch checkout (us-east-1)");
        assert_eq!(seen.len(), 3, "{seen:?}");
        assert!(seen[1].contains("Inspect") && !seen[1].contains("222222222222"));
        assert_eq!(seen[2], "Tail(None)");

        let events = s.poll(Utc::now()).await;
        match &events[0] {
            SourceEvent::InAccount { account, event } => {
                assert_eq!(*account, a);
                assert!(matches!(**event, SourceEvent::Reserved { .. }));
            }
            other => panic!("{other:?}"),
        }
    }
}
