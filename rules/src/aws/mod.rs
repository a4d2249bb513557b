//! Rules for Amazon Web Services.

pub mod acm;
pub mod backup;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod config;
pub mod dynamodb;
pub mod ec2;
pub mod efs;
pub mod elbv2;
pub mod guardduty;
pub mod iam;
pub mod kms;
pub mod lambda;
pub mod logs;
pub mod rds;
pub mod resource_policy;
pub mod s3;
pub mod secretsmanager;
pub mod securityhub;

use soc2scan_model::Resource;

/// How a message names a resource: its display name, followed by its own id when the
/// display name is a `Name` tag (`web-1 (i-0abc)`), so the finding can be found either way.
pub(crate) fn named(resource: &Resource) -> String {
    let display = resource.display_name();
    match resource.config.native_id() {
        Some(id) if id != display => format!("{display} ({id})"),
        _ => display.to_string(),
    }
}

/// The verdict for a resource whose configuration is not the kind the rule targets (the
/// engine only hands a rule its target kinds, so this means a programming error).
pub(crate) fn wrong_kind(resource: &Resource, expected: &str) -> crate::rule::Verdict {
    crate::rule::Verdict::NotEvaluated(format!(
        "{} is a {}, not {expected}",
        resource.id,
        resource.kind().label()
    ))
}
