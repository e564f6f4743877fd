//! Untrusted text from the account (names, tags, log lines) made safe for a terminal, and
//! Lambda's REPORT lines read.

pub mod filter;
pub mod report;
pub mod sanitize;
