use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The account's IAM credential report, as a fact of its own: when IAM generated it. The
/// report's rows fill the users' `credentials`; IAM reuses a report for up to four hours,
/// so its dates (last use, last rotation) are true as of [`generated_at`], which can be
/// well before the scan.
///
/// [`generated_at`]: IamCredentialReport::generated_at
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamCredentialReport {
    /// When IAM generated the report (`GetCredentialReport`'s `GeneratedTime`); `None`
    /// when the answer did not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated_at: Option<DateTime<Utc>>,
}
