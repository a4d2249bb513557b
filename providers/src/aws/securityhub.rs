//! Security Hub collection, per region, in one job: one `DescribeHub`, whose answer makes
//! the region's `securityhub_region` resource. Security Hub answers
//! `InvalidAccessException` where the account is not subscribed: that is "not enabled", a
//! value; any other failure (access denied, throttling) fails the unit (a gap).

use super::convert::parse_time;
use super::errors::service_error_code;
use super::service::{sdk_client, AwsService, Collected, Job, ScopeContext, Scoped, ServiceScope};
use crate::model::*;

/// The Security Hub service: the hub of each region.
pub(crate) struct Securityhub;

impl AwsService for Securityhub {
    fn name(&self) -> &'static str {
        "securityhub"
    }

    fn scope(&self) -> ServiceScope {
        ServiceScope::Regional
    }

    fn kinds(&self) -> &'static [ResourceKind] {
        &[ResourceKind::SecurityhubRegion]
    }

    fn actions(&self) -> &'static [&'static str] {
        &["securityhub:DescribeHub"]
    }

    fn jobs(&self, ctx: ScopeContext) -> Vec<Job> {
        let scope = Scoped {
            client: sdk_client!(aws_sdk_securityhub, &ctx),
            ctx,
        };
        vec![Job::one(ResourceKind::SecurityhubRegion, async move {
            region(&scope).await
        })]
    }
}

async fn region(scope: &Scoped<aws_sdk_securityhub::Client>) -> Collected {
    let answer = scope.call(scope.client.describe_hub().send()).await;
    let hub = match answer {
        Ok(hub) => SecurityhubRegion {
            enabled: true,
            hub_arn: hub.hub_arn().map(str::to_string),
            subscribed_at: hub.subscribed_at().and_then(parse_time),
            auto_enable_controls: hub.auto_enable_controls(),
        },
        // By its code, not its modeled type: moto answers with an XML error document
        // that the SDK's JSON reader leaves unread.
        Err(error) if service_error_code(&error) == Some("InvalidAccessException") => {
            SecurityhubRegion {
                enabled: false,
                hub_arn: None,
                subscribed_at: None,
                auto_enable_controls: None,
            }
        }
        Err(error) => return Err(scope.fail("securityhub:DescribeHub", &error)),
    };
    Ok(vec![scope.resource(
        scope.regional_arn("securityhub", "securityhub-region"),
        None,
        Default::default(),
        ResourceConfig::SecurityhubRegion(hub),
    )])
}
