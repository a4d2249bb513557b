//! Google Cloud Storage rules: public access, uniform access, encryption keys, logging,
//! versioning and soft delete.

mod access_logging_off;
mod bucket_public;
mod cmek_off;
mod log_bucket_retention_unlocked;
mod public_access_prevention_off;
mod soft_delete_short;
mod uniform_access_off;
mod versioning_off;

pub use access_logging_off::AccessLoggingOff;
pub use bucket_public::BucketPublic;
pub use cmek_off::CmekOff;
pub use log_bucket_retention_unlocked::LogBucketRetentionUnlocked;
pub use public_access_prevention_off::PublicAccessPreventionOff;
pub use soft_delete_short::SoftDeleteShort;
pub use uniform_access_off::UniformAccessOff;
pub use versioning_off::VersioningOff;

use crate::rule::{Rule, Verdict};
use soc2scan_model::{GcsBucket, Resource, ResourceConfig};

/// The Cloud Storage rules, in documentation order.
pub const RULES: &[&dyn Rule] = &[
    &BucketPublic,
    &UniformAccessOff,
    &PublicAccessPreventionOff,
    &CmekOff,
    &AccessLoggingOff,
    &VersioningOff,
    &SoftDeleteShort,
    &LogBucketRetentionUnlocked,
];

/// The bucket a rule checks, or the verdict to give when the resource is not a bucket (the
/// engine only hands rules their target kinds, so this is a programming error made visible
/// rather than a silent pass).
fn bucket_of(resource: &Resource) -> Result<&GcsBucket, Verdict> {
    match &resource.config {
        ResourceConfig::GcsBucket(bucket) => Ok(bucket),
        _ => Err(Verdict::NotEvaluated(format!(
            "{} is not a Cloud Storage bucket",
            resource.id
        ))),
    }
}

/// Builders shared by the Cloud Storage rules' unit tests.
#[cfg(test)]
mod test_support {
    use crate::testing::resource;
    use soc2scan_model::{GcsBucket, GcsIamPolicy, Resource, ResourceConfig};

    /// The canonical id of a test bucket.
    pub fn bucket_id(name: &str) -> String {
        format!("//storage.googleapis.com/projects/_/buckets/{name}")
    }

    /// A bucket with every control on: uniform access, public access prevention enforced,
    /// a CMEK, usage logging, versioning, 7 days of soft delete and an empty IAM policy.
    pub fn good_bucket(name: &str) -> GcsBucket {
        GcsBucket {
            name: name.to_string(),
            location: "EU".to_string(),
            location_type: Some("multi-region".to_string()),
            uniform_bucket_level_access: true,
            public_access_prevention: "enforced".to_string(),
            versioning_enabled: true,
            default_kms_key: Some(
                "projects/acme-prod/locations/eu/keyRings/storage/cryptoKeys/buckets".to_string(),
            ),
            logging: Some(soc2scan_model::GcsLogging {
                log_bucket: "acme-prod-usage-logs".to_string(),
                log_object_prefix: Some(name.to_string()),
            }),
            soft_delete_retention_seconds: Some(7 * 86_400),
            retention_policy: None,
            create_time: None,
            update_time: None,
            iam_policy: Some(GcsIamPolicy::default()),
        }
    }

    /// A bucket resource in the test project.
    pub fn bucket(config: GcsBucket) -> Resource {
        resource(&bucket_id(&config.name), ResourceConfig::GcsBucket(config))
    }
}
