//! Secrets Manager collection, per region, in one job: `ListSecrets` (every page), whose
//! entries carry the rotation settings and dates. `GetSecretValue` is never called and not
//! in the policy: no secret value is read, stored or written. Secrets scheduled for
//! deletion are left out (the listing's default).

use super::convert::{tags, time};
use super::service::{
    paginate, sdk_client, AwsService, Collected, Job, PageEnd, ScopeContext, Scoped, ServiceScope,
};
use crate::model::*;

/// The Secrets Manager service: secrets' metadata, per region.
pub(crate) struct Secretsmanager;

impl AwsService for Secretsmanager {
    fn name(&self) -> &'static str {
        "secretsmanager"
    }

    fn scope(&self) -> ServiceScope {
        ServiceScope::Regional
    }

    fn kinds(&self) -> &'static [ResourceKind] {
        &[ResourceKind::SecretsmanagerSecret]
    }

    fn actions(&self) -> &'static [&'static str] {
        &["secretsmanager:ListSecrets"]
    }

    fn jobs(&self, ctx: ScopeContext) -> Vec<Job> {
        let scope = Scoped {
            client: sdk_client!(aws_sdk_secretsmanager, &ctx),
            ctx,
        };
        vec![Job::one(ResourceKind::SecretsmanagerSecret, async move {
            secrets(&scope).await
        })]
    }
}

/// The largest `MaxResults` of `ListSecrets`.
const PAGE_SIZE: i32 = 100;

async fn secrets(scope: &Scoped<aws_sdk_secretsmanager::Client>) -> Collected {
    const LIST: &str = "secretsmanager:ListSecrets";
    paginate(
        scope,
        LIST,
        |token| {
            scope
                .client
                .list_secrets()
                .max_results(PAGE_SIZE)
                .set_next_token(token)
                .send()
        },
        |page, out| {
            for entry in page.secret_list() {
                let arn = scope.required(entry.arn(), LIST, "ARN")?;
                let name = scope.required(entry.name(), LIST, "Name")?;
                let rules = entry.rotation_rules().map(|rules| SecretRotationRules {
                    automatically_after_days: rules
                        .automatically_after_days()
                        .and_then(|days| u64::try_from(days).ok()),
                    schedule_expression: rules.schedule_expression().map(str::to_string),
                    duration: rules.duration().map(str::to_string),
                });
                let config = SecretsmanagerSecret {
                    name: name.to_string(),
                    kms_key_id: entry.kms_key_id().map(str::to_string),
                    rotation_enabled: entry.rotation_enabled().unwrap_or(false),
                    rotation_lambda_arn: entry
                        .rotation_lambda_arn()
                        .filter(|arn| !arn.is_empty())
                        .map(str::to_string),
                    rotation_rules: rules,
                    owning_service: entry.owning_service().map(str::to_string),
                    primary_region: entry.primary_region().map(str::to_string),
                    history: Some(SecretHistory {
                        created_date: entry.created_date().and_then(time),
                        last_rotated_date: entry.last_rotated_date().and_then(time),
                        last_changed_date: entry.last_changed_date().and_then(time),
                        next_rotation_date: entry.next_rotation_date().and_then(time),
                    }),
                };
                let (_, tags) = tags(entry.tags().iter().map(|t| (t.key(), t.value())));
                out.push(scope.resource(
                    arn.to_string(),
                    Some(name.to_string()),
                    tags,
                    ResourceConfig::SecretsmanagerSecret(config),
                ));
            }
            Ok(PageEnd::next_token(page.next_token()))
        },
    )
    .await
}
