//! From google-cloud-storage's types to the snapshot model.

use crate::model::{
    GcsBucket, GcsIamBinding, GcsIamCondition, GcsIamPolicy, GcsLogging, GcsRetentionPolicy,
    Provider, Resource, ResourceConfig,
};
use chrono::{DateTime, Utc};
use google_cloud_storage::model::Bucket;

/// The canonical id of bucket `name`: its full resource name.
pub fn bucket_id(name: &str) -> String {
    format!("//storage.googleapis.com/projects/_/buckets/{name}")
}

/// The resource name GetIamPolicy takes for bucket `name`.
pub(crate) fn bucket_resource_name(name: &str) -> String {
    format!("projects/_/buckets/{name}")
}

/// The short name of a bucket: gRPC returns `projects/_/buckets/NAME` in `name` and NAME in
/// `bucket_id`; log buckets may come in either form.
pub(crate) fn short_bucket_name(name: &str) -> &str {
    match name.rsplit_once("/buckets/") {
        Some((_, short)) => short,
        None => name,
    }
}

/// A bucket of `project` as a resource; its IAM policy is filled in later.
pub(crate) fn bucket(project: &str, bucket: Bucket) -> Resource {
    let name = if bucket.bucket_id.is_empty() {
        short_bucket_name(&bucket.name).to_string()
    } else {
        bucket.bucket_id.clone()
    };
    let iam_config = bucket.iam_config.as_ref();
    let public_access_prevention = iam_config
        .map(|c| c.public_access_prevention.trim().to_ascii_lowercase())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "unspecified".to_string());
    let config = GcsBucket {
        name: name.clone(),
        location: bucket.location.clone(),
        location_type: non_empty(&bucket.location_type),
        uniform_bucket_level_access: iam_config
            .and_then(|c| c.uniform_bucket_level_access.as_ref())
            .is_some_and(|u| u.enabled),
        public_access_prevention,
        versioning_enabled: bucket.versioning.as_ref().is_some_and(|v| v.enabled),
        default_kms_key: bucket
            .encryption
            .as_ref()
            .and_then(|e| non_empty(&e.default_kms_key)),
        logging: bucket.logging.as_ref().and_then(|logging| {
            non_empty(&logging.log_bucket).map(|log_bucket| GcsLogging {
                log_bucket: short_bucket_name(&log_bucket).to_string(),
                log_object_prefix: non_empty(&logging.log_object_prefix),
            })
        }),
        soft_delete_retention_seconds: bucket
            .soft_delete_policy
            .as_ref()
            .and_then(|p| p.retention_duration.as_ref())
            .map(|d| d.seconds().max(0) as u64),
        retention_policy: bucket
            .retention_policy
            .as_ref()
            .map(|p| GcsRetentionPolicy {
                retention_period_seconds: p
                    .retention_duration
                    .as_ref()
                    .map_or(0, |d| d.seconds().max(0) as u64),
                is_locked: p.is_locked,
            }),
        create_time: bucket.create_time.as_ref().and_then(timestamp),
        update_time: bucket.update_time.as_ref().and_then(timestamp),
        iam_policy: None,
    };
    Resource {
        id: bucket_id(&name),
        provider: Provider::Gcp,
        account: project.to_string(),
        region: if bucket.location.is_empty() {
            "unknown".to_string()
        } else {
            bucket.location.clone()
        },
        name: Some(name),
        tags: bucket.labels.into_iter().collect(),
        config: ResourceConfig::GcsBucket(config),
    }
}

/// A bucket IAM policy in the model (bindings sorted by role, members sorted).
pub(crate) fn iam_policy(policy: google_cloud_iam_v1::model::Policy) -> GcsIamPolicy {
    let mut bindings: Vec<GcsIamBinding> = policy
        .bindings
        .into_iter()
        .map(|binding| {
            let mut members = binding.members;
            members.sort();
            GcsIamBinding {
                role: binding.role,
                members,
                condition: binding.condition.map(|expr| GcsIamCondition {
                    title: non_empty(&expr.title),
                    expression: expr.expression,
                }),
            }
        })
        .collect();
    bindings.sort_by(|a, b| a.role.cmp(&b.role));
    GcsIamPolicy { bindings }
}

fn non_empty(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_string())
}

fn timestamp(value: &google_cloud_wkt::Timestamp) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(value.seconds(), value.nanos().max(0) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use google_cloud_storage::model::bucket;

    #[test]
    fn every_field_the_rules_read_is_mapped() {
        let source = Bucket::new()
            .set_name("projects/_/buckets/acme-logs")
            .set_bucket_id("acme-logs")
            .set_location("EU")
            .set_location_type("multi-region")
            .set_labels([("env", "prod")])
            .set_iam_config(
                bucket::IamConfig::new()
                    .set_public_access_prevention("enforced")
                    .set_uniform_bucket_level_access(
                        bucket::iam_config::UniformBucketLevelAccess::new().set_enabled(true),
                    ),
            )
            .set_versioning(bucket::Versioning::new().set_enabled(true))
            .set_encryption(
                bucket::Encryption::new()
                    .set_default_kms_key("projects/p/locations/eu/keyRings/r/cryptoKeys/k"),
            )
            .set_logging(
                bucket::Logging::new()
                    .set_log_bucket("projects/_/buckets/acme-audit")
                    .set_log_object_prefix("acme-logs"),
            )
            .set_soft_delete_policy(
                bucket::SoftDeletePolicy::new()
                    .set_retention_duration(google_cloud_wkt::Duration::clamp(604_800, 0)),
            )
            .set_retention_policy(
                bucket::RetentionPolicy::new()
                    .set_is_locked(true)
                    .set_retention_duration(google_cloud_wkt::Duration::clamp(86_400, 0)),
            )
            .set_create_time(google_cloud_wkt::Timestamp::clamp(1_700_000_000, 0));
        let resource = bucket("acme-prod", source);
        assert_eq!(
            resource.id,
            "//storage.googleapis.com/projects/_/buckets/acme-logs"
        );
        assert_eq!(resource.account, "acme-prod");
        assert_eq!(resource.region, "EU");
        assert_eq!(resource.tags.get("env").map(String::as_str), Some("prod"));
        let ResourceConfig::GcsBucket(config) = resource.config else {
            panic!("not a bucket");
        };
        assert_eq!(config.name, "acme-logs");
        assert_eq!(config.location_type.as_deref(), Some("multi-region"));
        assert!(config.uniform_bucket_level_access);
        assert_eq!(config.public_access_prevention, "enforced");
        assert!(config.versioning_enabled);
        assert!(config.default_kms_key.is_some());
        assert_eq!(
            config.logging,
            Some(GcsLogging {
                log_bucket: "acme-audit".to_string(),
                log_object_prefix: Some("acme-logs".to_string())
            })
        );
        assert_eq!(config.soft_delete_retention_seconds, Some(604_800));
        assert_eq!(
            config.retention_policy,
            Some(GcsRetentionPolicy {
                retention_period_seconds: 86_400,
                is_locked: true
            })
        );
        assert_eq!(
            config.create_time.map(|t| t.timestamp()),
            Some(1_700_000_000)
        );
        assert_eq!(config.iam_policy, None);
    }

    #[test]
    fn absent_settings_are_off() {
        let resource = bucket("p", Bucket::new().set_name("projects/_/buckets/b"));
        let ResourceConfig::GcsBucket(config) = resource.config else {
            panic!("not a bucket");
        };
        assert_eq!(config.name, "b");
        assert!(!config.uniform_bucket_level_access);
        assert_eq!(config.public_access_prevention, "unspecified");
        assert!(!config.versioning_enabled);
        assert_eq!(config.default_kms_key, None);
        assert_eq!(config.logging, None);
        assert_eq!(config.soft_delete_retention_seconds, None);
        assert_eq!(config.retention_policy, None);
    }

    #[test]
    fn policy_bindings_and_conditions() {
        use google_cloud_iam_v1::model::{Binding, Policy};
        let policy = Policy::new().set_bindings([
            Binding::new()
                .set_role("roles/storage.objectViewer")
                .set_members(["user:b@example.com", "allUsers"])
                .set_condition(
                    google_cloud_type::model::Expr::new()
                        .set_title("until 2027")
                        .set_expression("request.time < timestamp('2027-01-01T00:00:00Z')"),
                ),
            Binding::new()
                .set_role("roles/storage.admin")
                .set_members(["group:ops@example.com"]),
        ]);
        let converted = iam_policy(policy);
        assert_eq!(converted.bindings[0].role, "roles/storage.admin");
        assert_eq!(
            converted.bindings[1].members,
            vec!["allUsers".to_string(), "user:b@example.com".to_string()]
        );
        assert_eq!(
            converted.bindings[1]
                .condition
                .as_ref()
                .unwrap()
                .title
                .as_deref(),
            Some("until 2027")
        );
    }
}
