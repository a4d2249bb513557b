//! KMS collection, per region: `ListKeys` (every page), then for every key, concurrently
//! under the shared bound, `DescribeKey`; for customer-managed keys also `GetKeyPolicy`,
//! and `GetKeyRotationStatus` for the enabled ones that can rotate automatically (no other
//! key's rotation is judged). AWS-managed keys are kept as `DescribeKey` describes them.
//!
//! A failed per-key call costs only what depends on it: a failed `DescribeKey` keeps the
//! key with its id alone and a `kms_key` gap narrowed to it (every KMS rule is then not
//! evaluated for it); a failed `GetKeyRotationStatus` or `GetKeyPolicy` leaves that field
//! unset with a `kms_key_rotation` or `kms_key_policy` gap narrowed to the key, so only the
//! rule reading it is not evaluated. A key deleted between `ListKeys` and `DescribeKey`
//! (`NotFoundException`) is gone and is left out.

use super::convert::time;
use super::errors::CallFailure;
use super::service::{
    paginate, sdk_client, AwsService, Collected, Job, PageEnd, ScopeContext, Scoped, ServiceScope,
};
use crate::model::*;
use crate::snapshot::FailureKind;
use aws_sdk_kms::types::KeyMetadata;
use futures::future::join_all;

/// The KMS service: keys with their rotation status and policies, per region.
pub(crate) struct Kms;

/// The KMS kinds, in coverage order: all three come from one job.
const KINDS: &[ResourceKind] = &[
    ResourceKind::KmsKey,
    ResourceKind::KmsKeyRotation,
    ResourceKind::KmsKeyPolicy,
];

impl AwsService for Kms {
    fn name(&self) -> &'static str {
        "kms"
    }

    fn scope(&self) -> ServiceScope {
        ServiceScope::Regional
    }

    fn kinds(&self) -> &'static [ResourceKind] {
        KINDS
    }

    fn actions(&self) -> &'static [&'static str] {
        &[
            "kms:ListKeys",
            "kms:DescribeKey",
            "kms:GetKeyRotationStatus",
            "kms:GetKeyPolicy",
        ]
    }

    fn jobs(&self, ctx: ScopeContext) -> Vec<Job> {
        let scope = KmsScope {
            client: sdk_client!(aws_sdk_kms, &ctx),
            ctx,
        };
        vec![Job::several(KINDS, async move { collect(&scope).await })]
    }
}

/// `ListKeys`' largest `Limit`.
const PAGE_SIZE: i32 = 1000;

/// What one region's KMS calls share.
type KmsScope = Scoped<aws_sdk_kms::Client>;

/// Every key of the region. When the listing fails, so do all three units: neither the
/// keys nor their rotation and policies are known.
async fn collect(scope: &KmsScope) -> Vec<(ResourceKind, Collected)> {
    let keys = match list_keys(scope).await {
        Ok(keys) => keys,
        Err(failure) => return KINDS.iter().map(|&k| (k, Err(failure.clone()))).collect(),
    };
    let resources: Vec<Resource> = join_all(keys.iter().map(|id| key(scope, id)))
        .await
        .into_iter()
        .flatten()
        .collect();
    vec![
        (ResourceKind::KmsKey, Ok(resources)),
        (ResourceKind::KmsKeyRotation, Ok(Vec::new())),
        (ResourceKind::KmsKeyPolicy, Ok(Vec::new())),
    ]
}

/// The key ids of the region.
async fn list_keys(scope: &KmsScope) -> Result<Vec<String>, CallFailure> {
    const OP: &str = "kms:ListKeys";
    paginate(
        scope,
        OP,
        |marker| {
            scope
                .client
                .list_keys()
                .limit(PAGE_SIZE)
                .set_marker(marker)
                .send()
        },
        |page, out| {
            for entry in page.keys() {
                out.push(scope.required(entry.key_id(), OP, "KeyId")?.to_string());
            }
            Ok(PageEnd::truncated(page.truncated(), page.next_marker()))
        },
    )
    .await
}

/// One key: described, then (customer-managed keys) its policy and rotation status.
/// `None` when the key no longer exists.
async fn key(scope: &KmsScope, key_id: &str) -> Option<Resource> {
    const DESCRIBE: &str = "kms:DescribeKey";
    let arn = scope.regional_arn("kms", &format!("key/{key_id}"));
    let mut config = KmsKey::id_only(key_id);
    let described = scope
        .call(scope.client.describe_key().key_id(key_id).send())
        .await;
    let metadata = match described {
        Ok(answer) => scope.required(answer.key_metadata().cloned(), DESCRIBE, "KeyMetadata"),
        Err(error)
            if error
                .as_service_error()
                .is_some_and(|e| e.is_not_found_exception()) =>
        {
            return None
        }
        Err(error) => Err(scope.fail(DESCRIBE, &error)),
    };
    match metadata {
        Ok(metadata) => describe(&mut config, &metadata),
        Err(failure) => {
            scope.record_narrowed_gap(&arn, ResourceKind::KmsKey, &failure);
            return Some(resource(scope, arn, config));
        }
    }
    if !config.aws_managed() {
        let asks_rotation = config.key_state.as_deref() == Some("Enabled")
            && config.supports_automatic_rotation() == Some(true);
        let (policy, rotation) = tokio::join!(key_policy(scope, key_id), async {
            if asks_rotation {
                Some(rotation(scope, key_id).await)
            } else {
                None
            }
        });
        match policy {
            Ok(policy) => config.policy = Some(policy),
            Err(failure) => scope.record_narrowed_gap(&arn, ResourceKind::KmsKeyPolicy, &failure),
        }
        match rotation {
            Some(Ok((enabled, period))) => {
                config.rotation_enabled = Some(enabled);
                config.rotation_period_days = period;
            }
            Some(Err(failure)) => {
                scope.record_narrowed_gap(&arn, ResourceKind::KmsKeyRotation, &failure)
            }
            None => {}
        }
    }
    Some(resource(scope, arn, config))
}

fn resource(scope: &KmsScope, arn: String, config: KmsKey) -> Resource {
    scope.resource(
        arn,
        None,
        Default::default(),
        ResourceConfig::KmsKey(config),
    )
}

/// What `DescribeKey` says. `KeyUsage` may be missing (moto leaves it out of keys created
/// without it): it stays unknown, and no rule needs it (`SYMMETRIC_DEFAULT` keys are always
/// `ENCRYPT_DECRYPT`).
fn describe(config: &mut KmsKey, metadata: &KeyMetadata) {
    config.key_manager = metadata.key_manager().map(|m| m.as_str().to_string());
    config.key_state = metadata.key_state().map(|s| s.as_str().to_string());
    config.key_spec = metadata.key_spec().map(|s| s.as_str().to_string());
    config.key_usage = metadata.key_usage().map(|u| u.as_str().to_string());
    config.origin = metadata.origin().map(|o| o.as_str().to_string());
    config.multi_region = metadata.multi_region();
    config.description = metadata
        .description()
        .filter(|d| !d.is_empty())
        .map(str::to_string);
    config.creation_date = metadata.creation_date().and_then(time);
    config.deletion_date = metadata.deletion_date().and_then(time);
    config.pending_deletion_window_days = metadata
        .pending_deletion_window_in_days()
        .and_then(|days| u32::try_from(days).ok());
}

/// `GetKeyPolicy` of the `default` policy (the only name a key policy has).
async fn key_policy(scope: &KmsScope, key_id: &str) -> Result<PolicyDocument, CallFailure> {
    const OP: &str = "kms:GetKeyPolicy";
    let answer = scope
        .call(
            scope
                .client
                .get_key_policy()
                .key_id(key_id)
                .policy_name("default")
                .send(),
        )
        .await
        .map_err(|e| scope.fail(OP, &e))?;
    let text = scope.required(answer.policy(), OP, "Policy")?;
    PolicyDocument::parse(text).map_err(|error| {
        CallFailure::new(
            FailureKind::Error,
            format!("{} {OP}: key {key_id}: {error}", scope.region),
        )
    })
}

/// `GetKeyRotationStatus`: whether rotation is on, and its period in days.
async fn rotation(scope: &KmsScope, key_id: &str) -> Result<(bool, Option<u32>), CallFailure> {
    const OP: &str = "kms:GetKeyRotationStatus";
    let answer = scope
        .call(scope.client.get_key_rotation_status().key_id(key_id).send())
        .await
        .map_err(|e| scope.fail(OP, &e))?;
    let period = answer
        .rotation_period_in_days()
        .and_then(|days| u32::try_from(days).ok())
        .filter(|_| answer.key_rotation_enabled());
    Ok((answer.key_rotation_enabled(), period))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_kms::types::{KeyManagerType, KeySpec, KeyState, OriginType};

    #[test]
    fn an_aws_managed_key_without_key_usage_is_described_not_refused() {
        let metadata = KeyMetadata::builder()
            .key_id("k-ebs")
            .key_manager(KeyManagerType::Aws)
            .key_state(KeyState::Enabled)
            .key_spec(KeySpec::SymmetricDefault)
            .origin(OriginType::AwsKms)
            .description("Default key that protects my EBS volumes")
            .build()
            .expect("key id set");
        let mut config = KmsKey::id_only("k-ebs");
        describe(&mut config, &metadata);
        assert!(config.aws_managed());
        assert_eq!(config.key_usage, None, "unknown, not a guess");
        assert_eq!(config.supports_automatic_rotation(), Some(true));
        assert_eq!(config.pending_deletion(), Some(false));
    }

    #[test]
    fn a_key_pending_deletion_keeps_its_date_and_window() {
        let metadata = KeyMetadata::builder()
            .key_id("k-doomed")
            .key_manager(KeyManagerType::Customer)
            .key_state(KeyState::PendingDeletion)
            .key_spec(KeySpec::Rsa2048)
            .origin(OriginType::AwsKms)
            .deletion_date(aws_smithy_types::DateTime::from_secs(1_780_000_000))
            .pending_deletion_window_in_days(7)
            .description("")
            .build()
            .expect("key id set");
        let mut config = KmsKey::id_only("k-doomed");
        describe(&mut config, &metadata);
        assert_eq!(config.pending_deletion(), Some(true));
        assert_eq!(config.pending_deletion_window_days, Some(7));
        assert_eq!(
            config.deletion_date.map(|d| d.timestamp()),
            Some(1_780_000_000)
        );
        assert_eq!(config.description, None, "an empty description is none");
        assert_eq!(config.supports_automatic_rotation(), Some(false));
    }
}
