use super::principal::{AttachedPolicy, InlinePolicy};
use crate::PolicyDocument;
use serde::{Deserialize, Serialize};

/// An IAM role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamRole {
    /// Role name.
    pub role_name: String,
    /// Role path (`/aws-service-role/` for service-linked roles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Trust policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assume_role_policy: Option<PolicyDocument>,
    /// Managed policies attached to the role.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attached_managed_policies: Vec<AttachedPolicy>,
    /// Inline policies of the role.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inline_policies: Vec<InlinePolicy>,
}
