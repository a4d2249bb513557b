use crate::PolicyDocument;
use serde::{Deserialize, Serialize};

/// A managed policy and the document of its default version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamManagedPolicy {
    /// Policy name.
    pub policy_name: String,
    /// `true` for AWS-managed policies (`arn:aws:iam::aws:policy/…`).
    pub aws_managed: bool,
    /// Default version id (`v3`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_version_id: Option<String>,
    /// Number of principals it is attached to.
    #[serde(default)]
    pub attachment_count: u32,
    /// The default version's document.
    pub document: PolicyDocument,
}
