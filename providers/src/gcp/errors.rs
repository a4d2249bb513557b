//! Errors: those that stop a collection ([`GcpError`]) and those that become coverage gaps.

use crate::snapshot::FailureKind;
use google_cloud_gax::error::rpc::Code;
use google_cloud_gax::error::Error;

/// A problem that leaves nothing to scan. Failures of single calls are coverage gaps.
#[derive(Debug, thiserror::Error)]
pub enum GcpError {
    /// The options are inconsistent or malformed.
    #[error("invalid Google Cloud scan options: {0}")]
    InvalidOptions(String),
    /// No project was named and none is configured.
    #[error(
        "no Google Cloud project to scan: pass --project PROJECT (repeatable), list \
         `projects` under [gcp] in soc2scan.toml, or set a default project \
         (GOOGLE_CLOUD_PROJECT, or `gcloud config set project PROJECT`)"
    )]
    NoProject,
    /// Application Default Credentials could not be found or loaded.
    #[error(
        "no Google Cloud credentials found: set GOOGLE_APPLICATION_CREDENTIALS to a \
         service account key file, run `gcloud auth application-default login`, or run \
         where workload identity or the metadata server provides them; for emulators and \
         stand-ins pass --gcp-anonymous ({detail})"
    )]
    NoCredentials {
        /// What the credential loader reported.
        detail: String,
    },
    /// The client could not be built (a malformed endpoint, say).
    #[error("cannot create the Cloud Storage client{endpoint}: {detail}")]
    Client {
        /// ` for endpoint URL` when an endpoint was given.
        endpoint: String,
        /// What the library reported.
        detail: String,
    },
}

/// A failed call, classified for the coverage table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CallFailure {
    pub kind: FailureKind,
    pub message: String,
}

/// The longest provider message kept in a coverage entry.
const MAX_MESSAGE: usize = 400;

/// Classifies `error` from `operation` (`storage.buckets.list on projects/acme`).
pub(crate) fn classify(operation: &str, error: &Error) -> CallFailure {
    let (kind, detail) = match service_status(error) {
        Some((code, message)) => {
            let kind = match code {
                Code::PermissionDenied | Code::Unauthenticated => FailureKind::AccessDenied,
                Code::ResourceExhausted => FailureKind::Throttled,
                Code::DeadlineExceeded => FailureKind::Timeout,
                _ => FailureKind::Error,
            };
            let retried = if matches!(
                code,
                Code::Unavailable
                    | Code::DeadlineExceeded
                    | Code::ResourceExhausted
                    | Code::Internal
            ) {
                " (after retries)"
            } else {
                ""
            };
            (kind, format!("{}{retried}: {message}", code.name()))
        }
        None if error.is_timeout() => (FailureKind::Timeout, error.to_string()),
        None if error.is_authentication() => (
            FailureKind::AccessDenied,
            format!("credentials could not be used: {error}"),
        ),
        None => (FailureKind::Error, error.to_string()),
    };
    CallFailure {
        kind,
        message: shorten(&format!("{operation}: {detail}")),
    }
}

/// The gRPC status of `error` or of the error it wraps (retry exhaustion wraps the last).
fn service_status(error: &Error) -> Option<(Code, String)> {
    if let Some(status) = error.status() {
        return Some((status.code, status.message.clone()));
    }
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        if let Some(status) = inner.downcast_ref::<Error>().and_then(Error::status) {
            return Some((status.code, status.message.clone()));
        }
        source = inner.source();
    }
    None
}

fn shorten(message: &str) -> String {
    let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
    if message.len() <= MAX_MESSAGE {
        return message;
    }
    format!("{}…", crate::live::prefix_within(&message, MAX_MESSAGE))
}

#[cfg(test)]
mod tests {
    use super::*;
    use google_cloud_gax::error::rpc::Status;

    fn service(code: Code, message: &str) -> Error {
        Error::service(Status::default().set_code(code).set_message(message))
    }

    #[test]
    fn status_codes_map_to_failure_kinds() {
        let cases = [
            (Code::PermissionDenied, FailureKind::AccessDenied),
            (Code::Unauthenticated, FailureKind::AccessDenied),
            (Code::ResourceExhausted, FailureKind::Throttled),
            (Code::DeadlineExceeded, FailureKind::Timeout),
            (Code::Unavailable, FailureKind::Error),
            (Code::NotFound, FailureKind::Error),
        ];
        for (code, kind) in cases {
            let failure = classify("storage.buckets.list on projects/p", &service(code, "nope"));
            assert_eq!(failure.kind, kind, "{code:?}");
            assert!(
                failure
                    .message
                    .starts_with("storage.buckets.list on projects/p: "),
                "{}",
                failure.message
            );
            assert!(failure.message.ends_with("nope"), "{}", failure.message);
        }
        let failure = classify("x", &service(Code::Unavailable, "down"));
        assert_eq!(failure.message, "x: UNAVAILABLE (after retries): down");
    }

    #[test]
    fn long_messages_are_shortened() {
        let failure = classify("x", &service(Code::Internal, &"é".repeat(1000)));
        assert!(failure.message.len() <= MAX_MESSAGE + '…'.len_utf8());
        assert!(failure.message.ends_with('…'));
    }
}
