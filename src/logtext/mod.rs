//! Untrusted text from the account (names, tags, log lines) made safe for a terminal, and
//! read: Lambda's REPORT lines, request ids, structured (JSON) lines, error fingerprints.

pub mod errors;
pub mod filter;
pub mod report;
pub mod request_id;
pub mod sanitize;
pub mod structured;
