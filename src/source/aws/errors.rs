//! What went wrong with an AWS call, in the words an on-call engineer needs: the kind (so the
//! header can say "credentials expired" rather than a stack of wrappers) and one line of detail.
//! Messages carry the service's error code and message, never a credential.

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_smithy_types::event_stream::RawMessage;

use chrono::{DateTime, Utc};

use crate::source::SourceEvent;
use crate::store::ProblemKind;

/// A classified failure of one call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct AwsError {
    pub kind: ProblemKind,
    pub message: String,
}

impl AwsError {
    pub fn new(kind: ProblemKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// This failure as the problem of `scope` that `source` raises at `at`.
    pub fn problem(&self, source: &str, scope: String, at: DateTime<Utc>) -> SourceEvent {
        SourceEvent::Problem {
            source: source.to_string(),
            scope,
            kind: self.kind,
            message: self.message.clone(),
            at,
        }
    }
}

/// `source`'s problem of `scope` is over.
pub fn resolved(source: &str, scope: String) -> SourceEvent {
    SourceEvent::Resolved {
        source: source.to_string(),
        scope,
    }
}

/// The kind of a service error code.
pub fn kind_of_code(code: &str) -> ProblemKind {
    match code {
        "AccessDenied"
        | "AccessDeniedException"
        | "UnauthorizedOperation"
        | "UnauthorizedException"
        | "AuthorizationError" => ProblemKind::AccessDenied,
        "ExpiredToken"
        | "ExpiredTokenException"
        | "InvalidClientTokenId"
        | "UnrecognizedClientException"
        | "InvalidSignatureException"
        | "SignatureDoesNotMatch"
        | "IncompleteSignature"
        | "MissingAuthenticationToken" => ProblemKind::Credentials,
        "Throttling"
        | "ThrottlingException"
        | "TooManyRequestsException"
        | "RequestLimitExceeded"
        | "ProvisionedThroughputExceededException" => ProblemKind::Throttled,
        _ => ProblemKind::Service,
    }
}

/// The HTTP status of a raw answer, where it has one.
pub trait RawStatus {
    fn http_status(&self) -> Option<u16>;
}

impl RawStatus for HttpResponse {
    fn http_status(&self) -> Option<u16> {
        Some(self.status().as_u16())
    }
}

/// A message of an event stream (Live Tail) carries no status of its own.
impl RawStatus for RawMessage {
    fn http_status(&self) -> Option<u16> {
        None
    }
}

/// Classifies an SDK error; `what` names the call, e.g. "ListFunctions".
pub fn classify<E, R>(what: &str, err: &SdkError<E, R>) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: RawStatus + std::fmt::Debug + 'static,
{
    match err {
        SdkError::ServiceError(service) => {
            let e = service.err();
            let code = e.code().unwrap_or("UnknownError");
            let detail = e.message().map(|m| format!(": {m}")).unwrap_or_default();
            let status = service.raw().http_status();
            // An endpoint that does not implement the call answers 404 without an AWS code.
            let kind = if e.code().is_none() && status == Some(404) {
                ProblemKind::NotSupported
            } else {
                kind_of_code(code)
            };
            let message = if e.code().is_none() {
                match status {
                    Some(s) => format!("{what} failed ({s})"),
                    None => format!("{what} failed (no status)"),
                }
            } else {
                format!("{what}: {code}{detail}")
            };
            AwsError::new(kind, one_line(&message))
        }
        SdkError::TimeoutError(_) => {
            AwsError::new(ProblemKind::Network, format!("{what} timed out"))
        }
        other => {
            let cause = innermost(other);
            let lower = DisplayErrorContext(other).to_string().to_lowercase();
            if lower.contains("credential")
                || (lower.contains("token") && lower.contains("expired"))
            {
                AwsError::new(
                    ProblemKind::Credentials,
                    format!("{what}: no valid AWS credentials ({cause})"),
                )
            } else if matches!(other, SdkError::DispatchFailure(_)) {
                AwsError::new(
                    ProblemKind::Network,
                    format!("{what}: cannot reach AWS ({cause})"),
                )
            } else {
                AwsError::new(ProblemKind::Service, format!("{what}: {cause}"))
            }
        }
    }
}

/// The innermost cause of an error chain: the one that says what actually happened
/// ("Connection refused (os error 111)"), without the wrappers' Debug noise.
fn innermost(err: &(dyn std::error::Error + 'static)) -> String {
    let mut e = err;
    while let Some(source) = e.source() {
        e = source;
    }
    one_line(&e.to_string())
}

fn one_line(s: &str) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = flat.chars().take(200).collect();
    if flat.chars().count() > 200 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_kinds() {
        assert_eq!(
            kind_of_code("AccessDeniedException"),
            ProblemKind::AccessDenied
        );
        assert_eq!(
            kind_of_code("ExpiredTokenException"),
            ProblemKind::Credentials
        );
        assert_eq!(kind_of_code("ThrottlingException"), ProblemKind::Throttled);
        assert_eq!(
            kind_of_code("ResourceNotFoundException"),
            ProblemKind::Service
        );
    }

    /// An answer without an AWS error code, by its HTTP status alone: a 404 is a call the
    /// endpoint does not implement (as moto answers GetAccountSettings), a 500 a failure.
    #[test]
    fn a_bare_status_is_read_from_the_response_itself() {
        use aws_sdk_lambda::operation::get_account_settings::GetAccountSettingsError;
        use aws_smithy_runtime_api::http::StatusCode;
        use aws_smithy_types::body::SdkBody;
        use aws_smithy_types::error::ErrorMetadata;
        let bare = |status: u16| {
            SdkError::service_error(
                GetAccountSettingsError::generic(ErrorMetadata::builder().build()),
                HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::empty()),
            )
        };
        let e = classify("GetAccountSettings", &bare(404));
        assert_eq!(e.kind, ProblemKind::NotSupported);
        assert_eq!(e.message, "GetAccountSettings failed (404)");
        let e = classify("GetAccountSettings", &bare(500));
        assert_eq!(e.kind, ProblemKind::Service);
        assert_eq!(e.message, "GetAccountSettings failed (500)");
    }
}
