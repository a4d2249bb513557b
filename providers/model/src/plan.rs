//! What a Terraform plan adds to a snapshot: where each resource is defined and which of
//! its model fields are known only after apply.
//!
//! Kept beside the resources (in [`crate::Snapshot::plan`]) rather than in every
//! [`crate::Resource`], so live collection and snapshot files are unchanged.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A snapshot built from a Terraform plan (or state) rather than a live collection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanInfo {
    /// The plan file as given on the command line (`/` separators).
    pub plan_file: String,
    /// The plan's `format_version` (`1.2`).
    pub format_version: String,
    /// The plan's `terraform_version`, if present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terraform_version: Option<String>,
    /// Whether the document is a state (`terraform show -json` of a state) rather than a plan.
    #[serde(default)]
    pub is_state: bool,
    /// Planned resources by canonical resource id (the Terraform address).
    #[serde(default)]
    pub resources: BTreeMap<String, PlannedResource>,
    /// Resource types in the plan that soc2scan does not model, with how many instances of
    /// each were ignored.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ignored_types: BTreeMap<String, usize>,
    /// Resources the plan deletes (not evaluated: only the planned end state counts).
    #[serde(default)]
    pub deleted: usize,
    /// Module calls whose source directory was not found under the Terraform root: their
    /// resources point at the plan file (`module.x (source "…"): why`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unresolved_modules: Vec<String>,
}

/// Plan facts about one resource of the snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlannedResource {
    /// The Terraform address of the resource instance that defines it
    /// (`module.network["a"].aws_security_group.web[0]`).
    pub address: String,
    /// Where it is defined: a `.tf` file and line, or the plan file when the `.tf`
    /// sources were not given or the block was not found.
    pub source: SourceRef,
    /// Model fields whose values are known only after apply.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<UnknownValue>,
}

/// A file and line a result points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    /// Path relative to the Terraform root (`modules/network/main.tf`), or the plan file.
    pub file: String,
    /// 1-based line of the resource block; `None` when pointing at the plan file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// A model field whose value the plan does not know yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnknownValue {
    /// The model field (`encrypted`, `metadata_options.http_tokens`, `ingress`), as rules
    /// name it in [`reads`](https://docs.rs/soc2scan-rules) metadata.
    pub field: String,
    /// The Terraform attribute behind it, as the user wrote it
    /// (`aws_ebs_volume.data.encrypted`).
    pub attribute: String,
}

/// Whether a field a rule reads and an unknown field overlap: equal, or one is a
/// `.`-separated prefix of the other (`metadata_options` and `metadata_options.http_tokens`).
pub fn fields_overlap(read: &str, unknown: &str) -> bool {
    let prefix = |short: &str, long: &str| {
        long.len() > short.len() && long.starts_with(short) && long.as_bytes()[short.len()] == b'.'
    };
    read == "*" || read == unknown || prefix(read, unknown) || prefix(unknown, read)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_overlap_on_dot_boundaries_only() {
        assert!(fields_overlap("encrypted", "encrypted"));
        assert!(fields_overlap(
            "metadata_options",
            "metadata_options.http_tokens"
        ));
        assert!(fields_overlap(
            "metadata_options.http_tokens",
            "metadata_options"
        ));
        assert!(fields_overlap("*", "anything"));
        assert!(!fields_overlap("ingress", "ingress_rules"));
        assert!(!fields_overlap("egress", "ingress"));
    }
}
