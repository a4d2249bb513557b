//! CloudTrail collection: the trails of an account, merged across its regions.
//!
//! `DescribeTrails` with shadow trails is called once in every scanned region of the
//! account — by whichever of the account's CloudTrail jobs needs it first, shared through
//! [`AccountShared`](super::service::AccountShared) — and the answers are merged by ARN: a
//! multi-region trail (and an organization trail) appears in every region, a trail that is
//! not only in its home region. Each trail then becomes one `cloudtrail_trail` resource in
//! its home region, made by that region's job, with `GetTrailStatus` and
//! `GetEventSelectors` called once, by ARN, in the home region. A trail whose home region is
//! not scanned is made by the job of the account's first scanned region.
//!
//! Coverage: a region's `cloudtrail_trail` unit is its own listing — failed, the trails
//! that only it shows (single-region trails homed there) may be missing. A trail homed in
//! such a region, or outside the scanned regions, that another region's listing showed in
//! full gets a unit narrowed to it and `ok`, so its own verdicts still run. A failed status
//! or selectors read is a `cloudtrail_trail_status` / `cloudtrail_event_selectors` gap
//! narrowed to the trail (their region units are otherwise `ok`). For an organization
//! trail of another account, seen from a member, a failed read is not a gap: the member
//! cannot be granted more (AWS documents `GetTrailStatus` by ARN for members; reading an
//! organization trail's selectors from a member is refused in practice). The field stays
//! unknown and [`CloudtrailTrail::unreadable_from_member`] says why, so no rule can pass on
//! it.
//!
//! The account's `cloudtrail_account` resource is made once per account (the region
//! `global`) whatever the listings gave.

use super::errors::CallFailure;
use super::service::{sdk_client, AwsService, Collected, Job, ScopeContext};
use crate::model::*;
use crate::snapshot::{CollectionUnit, CoverageEntry, CoverageStatus};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The CloudTrail service: trails per region, and the account as a whole.
pub(crate) struct Cloudtrail;

/// The CloudTrail kinds listed per region, in coverage order.
const KINDS: &[ResourceKind] = &[
    ResourceKind::CloudtrailTrail,
    ResourceKind::CloudtrailTrailStatus,
    ResourceKind::CloudtrailEventSelectors,
];

const DESCRIBE: &str = "cloudtrail:DescribeTrails";
const STATUS: &str = "cloudtrail:GetTrailStatus";
const SELECTORS: &str = "cloudtrail:GetEventSelectors";

impl AwsService for Cloudtrail {
    fn name(&self) -> &'static str {
        "cloudtrail"
    }

    fn scope(&self) -> super::service::ServiceScope {
        super::service::ServiceScope::Regional
    }

    fn kinds(&self) -> &'static [ResourceKind] {
        KINDS
    }

    fn account_kinds(&self) -> &'static [ResourceKind] {
        &[ResourceKind::CloudtrailAccount]
    }

    fn actions(&self) -> &'static [&'static str] {
        &[DESCRIBE, STATUS, SELECTORS]
    }

    fn jobs(&self, ctx: ScopeContext) -> Vec<Job> {
        vec![Job::several(
            KINDS,
            async move { region_trails(&ctx).await },
        )]
    }

    fn account_jobs(&self, ctx: ScopeContext) -> Vec<Job> {
        vec![Job::one(ResourceKind::CloudtrailAccount, async move {
            // The listings come first, so the account's regions are all attempted before
            // the resource that stands for them exists.
            directory(&ctx).await;
            Ok(vec![ctx.resource(
                format!("arn:{}:cloudtrail::{}:account", ctx.partition, ctx.account),
                None,
                Default::default(),
                ResourceConfig::CloudtrailAccount(CloudtrailAccount {
                    regions: ctx.account_regions.to_vec(),
                }),
            )])
        })]
    }
}

/// What every region's `DescribeTrails` gave, merged.
#[derive(Default)]
struct Directory {
    /// Per scanned region: its listing's outcome.
    listings: BTreeMap<String, Result<(), CallFailure>>,
    /// Every trail seen, once (the first region's answer that showed it).
    trails: Vec<aws_sdk_cloudtrail::types::Trail>,
}

type SharedDirectory = tokio::sync::OnceCell<Arc<Directory>>;

/// The scope's context, in `region` (a real region its client uses).
fn in_region(ctx: &ScopeContext, region: &str) -> ScopeContext {
    let mut scoped = ctx.clone();
    scoped.region = region.to_string();
    scoped.regional = true;
    scoped
}

/// The account's merged listing, made once.
async fn directory(ctx: &ScopeContext) -> Arc<Directory> {
    let cell = ctx.account_shared.get::<SharedDirectory>("cloudtrail");
    cell.get_or_init(|| list_every_region(ctx)).await.clone()
}

async fn list_every_region(ctx: &ScopeContext) -> Arc<Directory> {
    let listings = futures::future::join_all(ctx.account_regions.iter().map(|region| {
        let scoped = in_region(ctx, region);
        async move {
            let client = sdk_client!(aws_sdk_cloudtrail, &scoped);
            let answer = scoped
                .call(client.describe_trails().include_shadow_trails(true).send())
                .await
                .map_err(|e| scoped.fail(DESCRIBE, &e));
            (scoped.region.clone(), answer)
        }
    }))
    .await;
    let mut directory = Directory::default();
    for (region, answer) in listings {
        match answer {
            Ok(answer) => {
                let mut ok = Ok(());
                for trail in answer.trail_list() {
                    let Some(arn) = trail.trail_arn() else {
                        // A trail that cannot be named cannot be judged; leaving it out
                        // could make the account look trail-less.
                        ok = Err(CallFailure::new(
                            FailureKind::Error,
                            format!("{region} {DESCRIBE}: a trail in the response lacks TrailARN"),
                        ));
                        continue;
                    };
                    if !directory.trails.iter().any(|t| t.trail_arn() == Some(arn)) {
                        directory.trails.push(trail.clone());
                    }
                }
                directory.listings.insert(region, ok);
            }
            Err(failure) => {
                directory.listings.insert(region, Err(failure));
            }
        }
    }
    Arc::new(directory)
}

/// `arn:PARTITION:cloudtrail:REGION:ACCOUNT:trail/NAME` → (region, account).
fn arn_parts(arn: &str) -> Option<(&str, &str)> {
    let mut parts = arn.split(':');
    let (_, _, _, region, account) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    Some((region, account))
}

/// The trail's home region: as listed, else from its ARN.
fn home_region(trail: &aws_sdk_cloudtrail::types::Trail) -> Option<&str> {
    trail.home_region().filter(|r| !r.is_empty()).or_else(|| {
        trail
            .trail_arn()
            .and_then(arn_parts)
            .map(|(region, _)| region)
    })
}

/// One region's trails, its listing's coverage, and the status and selectors units.
async fn region_trails(ctx: &ScopeContext) -> Vec<(ResourceKind, Collected)> {
    let directory = directory(ctx).await;
    let scanned = |region: &str| ctx.account_regions.iter().any(|r| r == region);
    let first_region = ctx.account_regions.first().map(String::as_str);
    let mine: Vec<&aws_sdk_cloudtrail::types::Trail> = directory
        .trails
        .iter()
        .filter(|trail| match home_region(trail) {
            Some(home) if scanned(home) => home == ctx.region,
            _ => first_region == Some(ctx.region.as_str()),
        })
        .collect();
    let trails: Vec<Resource> = futures::future::join_all(
        mine.into_iter()
            .map(|trail| read_trail(ctx, trail, &directory)),
    )
    .await
    .into_iter()
    .flatten()
    .collect();
    let listing = directory
        .listings
        .get(&ctx.region)
        .cloned()
        .unwrap_or_else(|| {
            Err(CallFailure::new(
                FailureKind::Error,
                format!("{} {DESCRIBE}: the region was not listed", ctx.region),
            ))
        });
    match listing {
        Ok(()) => vec![
            (ResourceKind::CloudtrailTrail, Ok(trails)),
            (ResourceKind::CloudtrailTrailStatus, Ok(vec![])),
            (ResourceKind::CloudtrailEventSelectors, Ok(vec![])),
        ],
        // The region's own listing failed; the trails homed here that other regions showed
        // in full are still kept (each with its own unit narrowed to it, see
        // `read_trail`), carried by the status unit, which is per trail.
        Err(failure) => vec![
            (ResourceKind::CloudtrailTrail, Err(failure)),
            (ResourceKind::CloudtrailTrailStatus, Ok(trails)),
            (ResourceKind::CloudtrailEventSelectors, Ok(vec![])),
        ],
    }
}

/// One trail, with its status and selectors read in its home region.
async fn read_trail(
    ctx: &ScopeContext,
    listed: &aws_sdk_cloudtrail::types::Trail,
    directory: &Directory,
) -> Option<Resource> {
    let arn = listed.trail_arn()?.to_string();
    let home = home_region(listed)?.to_string();
    let owner = arn_parts(&arn)
        .map(|(_, account)| account.to_string())
        .unwrap_or_else(|| ctx.account.clone());
    let foreign = owner != ctx.account;
    let name = listed
        .name()
        .map(str::to_string)
        .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or(&arn).to_string());
    let at_home = in_region(ctx, &home);
    let client = sdk_client!(aws_sdk_cloudtrail, &at_home);
    let (status, selectors) = futures::join!(
        at_home.call(client.get_trail_status().name(&arn).send()),
        at_home.call(client.get_event_selectors().trail_name(&arn).send()),
    );
    let mut unreadable = Vec::new();
    let is_logging = match status {
        Ok(status) => status.is_logging(),
        Err(error) => {
            let failure = at_home.fail(STATUS, &error);
            if foreign {
                unreadable.push(failure.message);
            } else {
                at_home.record_narrowed_gap(&arn, ResourceKind::CloudtrailTrailStatus, &failure);
            }
            None
        }
    };
    let event_selectors = match selectors {
        Ok(answer) => Some(event_selectors_of(&answer)),
        Err(error) => {
            let failure = at_home.fail(SELECTORS, &error);
            if foreign {
                unreadable.push(failure.message);
            } else {
                at_home.record_narrowed_gap(&arn, ResourceKind::CloudtrailEventSelectors, &failure);
            }
            None
        }
    };
    // Seen in full from another region's listing while its home region's listing failed
    // or was not made: the trail itself was read completely.
    if !matches!(directory.listings.get(&home), Some(Ok(()))) {
        if let Ok(mut narrowed) = ctx.narrowed_gaps.lock() {
            narrowed.push(CoverageEntry {
                unit: CollectionUnit {
                    provider: Provider::Aws,
                    account: ctx.account.clone(),
                    region: home.clone(),
                    kind: ResourceKind::CloudtrailTrail,
                    resource: Some(arn.clone()),
                },
                status: CoverageStatus::Ok,
            });
        }
    }
    let present = |value: Option<&str>| value.filter(|v| !v.is_empty()).map(str::to_string);
    let config = CloudtrailTrail {
        name: name.clone(),
        owner_account: owner,
        home_region: home.clone(),
        is_multi_region_trail: listed.is_multi_region_trail().unwrap_or(false),
        is_organization_trail: listed.is_organization_trail().unwrap_or(false),
        log_file_validation_enabled: listed.log_file_validation_enabled().unwrap_or(false),
        kms_key_id: present(listed.kms_key_id()),
        s3_bucket_name: present(listed.s3_bucket_name()),
        s3_key_prefix: present(listed.s3_key_prefix()),
        cloud_watch_logs_log_group_arn: present(listed.cloud_watch_logs_log_group_arn()),
        include_global_service_events: listed.include_global_service_events(),
        is_logging,
        event_selectors,
        unreadable_from_member: (!unreadable.is_empty()).then(|| unreadable.join("; ")),
    };
    let mut resource = ctx.resource(
        arn,
        Some(name),
        Default::default(),
        ResourceConfig::CloudtrailTrail(config),
    );
    resource.region = home;
    Some(resource)
}

/// The selectors exactly as answered, with AWS's defaults for fields it leaves out
/// (`ReadWriteType` `All`, `IncludeManagementEvents` true).
fn event_selectors_of(
    answer: &aws_sdk_cloudtrail::operation::get_event_selectors::GetEventSelectorsOutput,
) -> TrailEventSelectors {
    let strings = |values: &[String]| values.to_vec();
    TrailEventSelectors {
        basic: answer
            .event_selectors()
            .iter()
            .map(|selector| EventSelector {
                read_write_type: selector
                    .read_write_type()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_else(|| "All".to_string()),
                include_management_events: selector.include_management_events().unwrap_or(true),
                data_resources: selector
                    .data_resources()
                    .iter()
                    .filter_map(|d| {
                        Some(DataResource {
                            resource_type: d.r#type()?.to_string(),
                            values: strings(d.values()),
                        })
                    })
                    .collect(),
                exclude_management_event_sources: strings(
                    selector.exclude_management_event_sources(),
                ),
            })
            .collect(),
        advanced: answer
            .advanced_event_selectors()
            .iter()
            .map(|selector| AdvancedEventSelector {
                name: selector.name().map(str::to_string),
                field_selectors: selector
                    .field_selectors()
                    .iter()
                    .map(|f| AdvancedFieldSelector {
                        field: f.field().to_string(),
                        equals: strings(f.equals()),
                        starts_with: strings(f.starts_with()),
                        ends_with: strings(f.ends_with()),
                        not_equals: strings(f.not_equals()),
                        not_starts_with: strings(f.not_starts_with()),
                        not_ends_with: strings(f.not_ends_with()),
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_give_region_and_owner() {
        assert_eq!(
            arn_parts("arn:aws:cloudtrail:us-east-1:999988887777:trail/org"),
            Some(("us-east-1", "999988887777"))
        );
        let trail = aws_sdk_cloudtrail::types::Trail::builder()
            .trail_arn("arn:aws:cloudtrail:eu-west-1:111122223333:trail/main")
            .build();
        assert_eq!(home_region(&trail), Some("eu-west-1"));
    }
}
