//! GuardDuty collection, per region, in one job: `ListDetectors` (every page), then one
//! `GetDetector` per detector (a region has one at most) for its status. The answers make
//! the region's `guardduty_region` resource, which exists whether the region has a detector
//! or not: an empty list is "not enabled", a value; a failed call fails the unit (a gap).

use super::convert::parse_time;
use super::service::{
    paginate, sdk_client, AwsService, Collected, Job, PageEnd, ScopeContext, Scoped, ServiceScope,
};
use crate::model::*;

/// The GuardDuty service: the detector of each region.
pub(crate) struct Guardduty;

impl AwsService for Guardduty {
    fn name(&self) -> &'static str {
        "guardduty"
    }

    fn scope(&self) -> ServiceScope {
        ServiceScope::Regional
    }

    fn kinds(&self) -> &'static [ResourceKind] {
        &[ResourceKind::GuarddutyRegion]
    }

    fn actions(&self) -> &'static [&'static str] {
        &["guardduty:ListDetectors", "guardduty:GetDetector"]
    }

    fn jobs(&self, ctx: ScopeContext) -> Vec<Job> {
        let scope = Scoped {
            client: sdk_client!(aws_sdk_guardduty, &ctx),
            ctx,
        };
        vec![Job::one(ResourceKind::GuarddutyRegion, async move {
            region(&scope).await
        })]
    }
}

/// What one region's GuardDuty calls share.
type GuarddutyScope = Scoped<aws_sdk_guardduty::Client>;

/// The largest `MaxResults` of `ListDetectors`.
const PAGE_SIZE: i32 = 50;

async fn region(scope: &GuarddutyScope) -> Collected {
    const GET: &str = "guardduty:GetDetector";
    let ids: Vec<String> = paginate(
        scope,
        "guardduty:ListDetectors",
        |token| {
            scope
                .client
                .list_detectors()
                .max_results(PAGE_SIZE)
                .set_next_token(token)
                .send()
        },
        |page, out| {
            out.extend(page.detector_ids().iter().cloned());
            Ok(PageEnd::next_token(page.next_token()))
        },
    )
    .await?;
    let mut detectors = Vec::with_capacity(ids.len());
    for id in ids {
        let detector = scope
            .call(scope.client.get_detector().detector_id(&id).send())
            .await
            .map_err(|e| scope.fail(GET, &e))?;
        let status = scope.required(detector.status(), GET, "status")?;
        detectors.push(GuarddutyDetector {
            status: status.as_str().to_string(),
            detector_id: id,
            finding_publishing_frequency: detector
                .finding_publishing_frequency()
                .map(|f| f.as_str().to_string()),
            created_at: detector.created_at().and_then(parse_time),
        });
    }
    Ok(vec![scope.resource(
        scope.regional_arn("guardduty", "guardduty-region"),
        None,
        Default::default(),
        ResourceConfig::GuarddutyRegion(GuarddutyRegion { detectors }),
    )])
}
