//! # soc2scan-rules
//!
//! The SOC 2 criteria catalog ([`catalog`]), the rules (one file each under
//! `aws/ec2`, `aws/iam`, `gcp/gcs`), the parallel [`engine`], rule [`select`]ion and the
//! rendering of rule documentation ([`docs`]).
//!
//! A rule reads only the snapshot model of `soc2scan-providers`, never an SDK type, so the
//! same rule checks a live account, a Terraform plan or a snapshot file.

pub mod catalog;
pub mod docs;
pub mod engine;
pub mod inventory;
pub mod registry;
pub mod rule;
pub mod select;

pub mod aws;
pub mod gcp;

#[cfg(test)]
pub(crate) mod cases;
#[cfg(test)]
#[allow(dead_code)]
pub(crate) mod testing;

pub use catalog::{Category, Criterion, CRITERIA};
pub use engine::{Engine, Evaluation, Report, RuleRun, SkipReason, SkippedRule, Subject, Tally};
pub use registry::all_rules;
pub use rule::{ParamValue, Params, Rule, RuleMeta, Severity, Verdict};
pub use select::{Selection, SelectionError};
