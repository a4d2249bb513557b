use crate::PolicyDocument;
use serde::{Deserialize, Serialize};

/// A managed policy attached to a principal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachedPolicy {
    /// Policy name.
    pub policy_name: String,
    /// Policy ARN (look it up among the snapshot's managed policies).
    pub policy_arn: String,
}

/// An inline policy embedded in a user, group or role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InlinePolicy {
    /// Policy name.
    pub policy_name: String,
    /// The policy document.
    pub document: PolicyDocument,
}
