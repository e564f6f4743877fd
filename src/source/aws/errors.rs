//! What went wrong with an AWS call, in the words an on-call engineer needs: the kind (so the
//! header can say "credentials expired" rather than a stack of wrappers) and one line of detail.
//! Messages carry the service's error code and message, never a credential.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

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

/// Classifies an SDK error; `what` names the call, e.g. "ListFunctions".
pub fn classify<E, R>(what: &str, err: &SdkError<E, R>) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    match err {
        SdkError::ServiceError(service) => {
            let e = service.err();
            let code = e.code().unwrap_or("UnknownError");
            let detail = e.message().map(|m| format!(": {m}")).unwrap_or_default();
            let status = format!("{:?}", service.raw());
            // An endpoint that does not implement the call answers 404 without an AWS code.
            let kind = if e.code().is_none() && status.contains("StatusCode(404)") {
                ProblemKind::NotSupported
            } else {
                kind_of_code(code)
            };
            let message = if e.code().is_none() {
                format!(
                    "{what} failed ({})",
                    http_status(&status).unwrap_or("no status")
                )
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

/// The HTTP status from a raw response's debug text, e.g. "500".
fn http_status(raw: &str) -> Option<&str> {
    let at = raw.find("StatusCode(")? + "StatusCode(".len();
    raw[at..].split(')').next()
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

    #[test]
    fn statuses_from_raw_responses() {
        assert_eq!(
            http_status("Response { status: StatusCode(500), headers"),
            Some("500")
        );
    }
}
