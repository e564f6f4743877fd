//! Untrusted text from the account (names, tags, later log lines) made safe for a terminal.

pub mod sanitize;
