//! Accounts: where region-wide figures belong (an account's region), and how a source of one
//! account among several is told apart from the same source of another.
//!
//! A session of one set of credentials leaves the account `OWN` everywhere: its id is the
//! identity's, known once AWS has said. A session of several accounts (several profiles, roles
//! assumed in a list of accounts) names each by its twelve digits from the start.

use std::fmt;

/// An account's id: twelve digits, kept as a number (every function's key holds one, and a
/// first poll holds some 150,000 events naming functions). `OWN` is the one account of a
/// session of one set of credentials, whose id the identity gives once AWS has said.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct AccountId(u64);

impl AccountId {
    pub const OWN: AccountId = AccountId(0);

    /// Twelve digits, as AWS writes an account's id.
    pub fn parse(id: &str) -> Option<AccountId> {
        is_account_id(id)
            .then(|| id.parse().ok())
            .flatten()
            .filter(|n| *n != 0)
            .map(AccountId)
    }

    /// Whether it is the session's one account, not named.
    pub fn is_own(self) -> bool {
        self == Self::OWN
    }
}

/// Twelve digits, leading zeros kept; nothing for the session's own account.
impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_own() {
            Ok(())
        } else {
            write!(f, "{:012}", self.0)
        }
    }
}

/// An account's region: what region-wide figures, alarms and event sources are kept by.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Place {
    pub account: AccountId,
    pub region: String,
}

impl Place {
    pub fn new(account: AccountId, region: impl Into<String>) -> Self {
        Self {
            account,
            region: region.into(),
        }
    }
}

/// "region", or "account region" when the account is named.
impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.account.is_own() {
            f.write_str(&self.region)
        } else {
            write!(f, "{} {}", self.account, self.region)
        }
    }
}

/// An account a session of several watches: its id and the regions watched in it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Watched {
    pub id: AccountId,
    pub regions: Vec<String>,
    /// Read through a monitoring account's metrics and logs only: its configuration,
    /// capacity and alarms are unknown.
    pub metrics_only: bool,
}

/// The name a source of `account` goes by among the sources of every account: its problems
/// and loading state are its own, apart from the same source's in another account.
pub fn source_in(account: AccountId, source: &str) -> String {
    if account.is_own() {
        source.to_string()
    } else {
        format!("{account} {source}")
    }
}

/// Twelve digits, as AWS writes an account's id.
pub fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

/// The account ids of an accounts file: one a line, `#` comments and blank lines skipped,
/// anything after the id (a name) ignored. One line of error for anything else.
pub fn read_accounts_file(text: &str, path: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        let Some(id) = line
            .split([' ', '\t', ','])
            .next()
            .filter(|s| !s.is_empty())
        else {
            continue;
        };
        if !is_account_id(id) {
            return Err(format!(
                "{path}:{}: '{}' is not an AWS account id (twelve digits)",
                n + 1,
                crate::logtext::sanitize::clean_field(id)
            ));
        }
        out.push(id.to_string());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_account_prefixes_its_sources_and_places() {
        let a = AccountId::parse("011111111111").unwrap();
        assert_eq!(a.to_string(), "011111111111", "leading zeros kept");
        assert_eq!(source_in(AccountId::OWN, "metrics"), "metrics");
        assert_eq!(source_in(a, "metrics"), "011111111111 metrics");
        assert_eq!(
            Place::new(AccountId::OWN, "us-east-1").to_string(),
            "us-east-1"
        );
        assert_eq!(
            Place::new(a, "us-east-1").to_string(),
            "011111111111 us-east-1"
        );
        assert_eq!(AccountId::parse("000000000000"), None);
        assert_eq!(AccountId::parse("1111"), None);
    }

    #[test]
    fn account_ids_are_twelve_digits() {
        assert!(is_account_id("123456789012"));
        for bad in ["12345678901", "1234567890123", "12345678901a", ""] {
            assert!(!is_account_id(bad), "{bad}");
        }
    }
    #[test]
    fn an_accounts_file_holds_ids_comments_and_names() {
        let ids = read_accounts_file(
            "# prod accounts\n111111111111 payments\n\n222222222222,search # team x\n",
            "accounts.txt",
        )
        .unwrap();
        assert_eq!(ids, ["111111111111", "222222222222"]);
        let bad = read_accounts_file("111111111111\nprod-account\n", "accounts.txt").unwrap_err();
        assert_eq!(
            bad,
            "accounts.txt:2: 'prod-account' is not an AWS account id (twelve digits)"
        );
    }
}
