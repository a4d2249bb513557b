use super::principal::{AttachedPolicy, InlinePolicy};
use serde::{Deserialize, Serialize};

/// An IAM group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamGroup {
    /// Group name.
    pub group_name: String,
    /// Managed policies attached to the group.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attached_managed_policies: Vec<AttachedPolicy>,
    /// Inline policies of the group.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inline_policies: Vec<InlinePolicy>,
}
