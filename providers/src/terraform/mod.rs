//! The Terraform plan adapter: reads the JSON of `terraform show -json PLANFILE` (or of a
//! state) and builds a [`Snapshot`] of the planned end state in the same model live
//! collection fills, so the same rules run on it.
//!
//! - Only the planned end state counts: resources the plan deletes are not evaluated, a
//!   replacement is evaluated as what it creates, unchanged resources (`no-op`) as they are.
//! - Values known only after apply are recorded per resource as
//!   [`UnknownValue`](crate::UnknownValue)s naming the model field and the Terraform
//!   attribute; the engine makes the rules that read them `NotEvaluated`.
//! - Relations are resolved through the plan: a standalone security group rule joins its
//!   group, a policy attachment gets the document of a policy created in the same plan, a
//!   flow log marks its VPC, bucket IAM members join their bucket. A relation is resolved
//!   by the attribute's known value first, then by the configuration's `references`.
//! - Every resource carries its source: the `.tf` file and line of its block (with
//!   `--tf-root`, through [`locations::LocationIndex`]), else the plan file.
//!
//! Account and region: a plan does not know the AWS account, so AWS resources use the
//! account [`PLAN_ACCOUNT`]; the region is the constant `region` of the resource's provider
//! configuration, else the region of a known ARN, else [`UNKNOWN_REGION`]. GCS buckets use
//! their `project` (or the provider's constant `project`), else [`PLAN_ACCOUNT`].
//! See `docs/terraform.md`.

//!
//! ## Layout
//! - `document`: the JSON, its format and version, and the instances it states;
//! - `instances`: each instance with its configuration, account, region and source;
//! - `relations`: what an attribute that names another resource points at;
//! - `registry`: the supported types, each mapped by a service module (`aws::ec2`,
//!   `aws::iam`, `google::storage`) — a new service is one module and one line there;
//! - `adapt`: runs the mappings and assembles the snapshot.

mod adapt;
mod address;
mod aws;
mod document;
mod google;
mod instances;
pub mod locations;
mod registry;
mod relations;

use crate::model::ResourceKind;
use crate::Snapshot;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The account of AWS resources read from a plan (a plan does not know the account id).
pub const PLAN_ACCOUNT: &str = "plan";
/// The region of resources whose provider configuration has no constant region.
pub const UNKNOWN_REGION: &str = "unknown";

/// Why a plan could not be read. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The file could not be read.
    #[error("{path}: cannot read Terraform plan: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file is not JSON (or is cut short).
    #[error("{path}:{line}:{column}: not valid JSON: {message} (a Terraform plan must be the complete output of `terraform show -json PLANFILE`)")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// The file is JSON but not a plan or state.
    #[error("{path}: not a Terraform plan: expected the JSON of `terraform show -json PLANFILE` (an object with \"format_version\" 1.x and \"resource_changes\" or \"planned_values\", or a state's \"values\"); found {found}")]
    NotPlan {
        /// The file.
        path: PathBuf,
        /// What was found instead.
        found: String,
    },
    /// The plan has a format version this build does not read.
    #[error("{path}: Terraform plan format_version {found} is not supported; soc2scan reads format_version 1.x (`terraform show -json` of Terraform 0.12 and later 1.x releases)")]
    Version {
        /// The file.
        path: PathBuf,
        /// The version found.
        found: String,
    },
    /// A value has the wrong shape.
    #[error("{path}: at {json_path}: {message}")]
    Data {
        /// The file.
        path: PathBuf,
        /// JSON path of the offending value (`resource_changes[3].change.actions`).
        json_path: String,
        /// What was wrong and what was expected.
        message: String,
    },
    /// The `.tf` sources could not be indexed: `--tf-root` is missing, not a directory, has
    /// no `.tf` files, or holds a file that cannot be read or followed.
    #[error(transparent)]
    Locate(#[from] locations::LocateError),
}

/// What to read and how to name it.
#[derive(Debug, Clone)]
pub struct PlanOptions<'a> {
    /// The plan file (named in errors and, without `tf_root`, in locations).
    pub plan_path: &'a Path,
    /// The directory the plan was made in (holding the root module's `.tf` files).
    pub tf_root: Option<&'a Path>,
    /// soc2scan's version, recorded in the snapshot.
    pub tool_version: &'a str,
}

/// Reads a plan file into a snapshot of its planned end state.
pub fn load(options: &PlanOptions<'_>) -> Result<Snapshot, PlanError> {
    let bytes = std::fs::read(options.plan_path).map_err(|source| PlanError::Io {
        path: options.plan_path.to_path_buf(),
        source,
    })?;
    from_json_slice(&bytes, options)
}

/// Parses plan JSON into a snapshot of its planned end state.
pub fn from_json_slice(bytes: &[u8], options: &PlanOptions<'_>) -> Result<Snapshot, PlanError> {
    let (document, kind) = document::read(bytes, options.plan_path)?;
    let locations = match options.tf_root {
        Some(root) => {
            let configuration = document.get("configuration").unwrap_or(&Value::Null);
            Some(locations::LocationIndex::build(root, configuration)?)
        }
        None => None,
    };
    adapt::build(&document, kind, options, locations.as_ref())
}

/// Every model field the adapter can mark known only after apply, as
/// `(kind of the resource that carries it, model field, Terraform attribute)`, from the
/// tables of the service modules. An attribute with `[N]` stands for any index; the
/// attribute an [`UnknownValue`](crate::UnknownValue) names may also carry an explanation
/// (`(not set: …)`) or, for a value that spread through a relation, be the attribute of the
/// resource it came from.
pub fn declared_unknown_fields() -> Vec<(ResourceKind, &'static str, &'static str)> {
    let mut fields: Vec<_> = registry::all()
        .flat_map(|mapping| mapping.unknown.iter())
        .map(|field| (field.kind, field.field, field.attribute))
        .collect();
    fields.sort();
    fields.dedup();
    fields
}

/// Every supported Terraform type with the model kinds it becomes or joins, in the order
/// of docs/terraform.md.
pub fn supported_types() -> Vec<(&'static str, &'static [ResourceKind])> {
    registry::all()
        .flat_map(|mapping| mapping.types.iter().map(|&t| (t, mapping.kinds)))
        .collect()
}

/// The supported-types table of docs/terraform.md (Markdown), generated from the registry.
pub fn supported_types_markdown() -> String {
    registry::supported_types_markdown()
}

#[cfg(test)]
mod tests;
