//! Trails and accounts for the CloudTrail and CloudWatch rules' cases.

use crate::testing::{resource, ACCOUNT, REGION};
use soc2scan_model::{
    CloudtrailAccount, CloudtrailTrail, DataResource, EventSelector, Provider, Resource,
    ResourceConfig, TrailEventSelectors, GLOBAL_REGION,
};
use std::collections::BTreeMap;

/// A basic selector of management events.
pub(crate) fn basic_selector(read_write_type: &str, management: bool) -> EventSelector {
    EventSelector {
        read_write_type: read_write_type.to_string(),
        include_management_events: management,
        data_resources: vec![],
        exclude_management_event_sources: vec![],
    }
}

/// AWS's default: every management event, read and write.
pub(crate) fn all_management() -> TrailEventSelectors {
    TrailEventSelectors {
        basic: vec![basic_selector("All", true)],
        advanced: vec![],
    }
}

/// Every management event, and S3 object data events of every bucket.
pub(crate) fn with_s3_data_events() -> TrailEventSelectors {
    let mut selector = basic_selector("All", true);
    selector.data_resources.push(DataResource {
        resource_type: "AWS::S3::Object".to_string(),
        values: vec!["arn:aws:s3".to_string()],
    });
    TrailEventSelectors {
        basic: vec![selector],
        advanced: vec![],
    }
}

/// A well-configured multi-region trail of `ACCOUNT` homed in `REGION`, changed by `edit`.
pub(crate) fn trail(name: &str, edit: impl FnOnce(&mut CloudtrailTrail)) -> Resource {
    let mut config = CloudtrailTrail {
        name: name.to_string(),
        owner_account: ACCOUNT.to_string(),
        home_region: REGION.to_string(),
        is_multi_region_trail: true,
        is_organization_trail: false,
        log_file_validation_enabled: true,
        kms_key_id: Some(format!(
            "arn:aws:kms:{REGION}:{ACCOUNT}:key/0e1f2a3b-4c5d-6e7f-8091-a2b3c4d5e6f7"
        )),
        s3_bucket_name: Some("acme-trail".to_string()),
        s3_key_prefix: None,
        cloud_watch_logs_log_group_arn: Some(format!(
            "arn:aws:logs:{REGION}:{ACCOUNT}:log-group:cloudtrail/{name}:*"
        )),
        include_global_service_events: Some(true),
        is_logging: Some(true),
        event_selectors: Some(all_management()),
        unreadable_from_member: None,
    };
    edit(&mut config);
    let arn = format!(
        "arn:aws:cloudtrail:{}:{}:trail/{name}",
        config.home_region, config.owner_account
    );
    let region = config.home_region.clone();
    let mut trail = resource(&arn, ResourceConfig::CloudtrailTrail(config));
    trail.region = region;
    trail
}

/// The organization trail of management account 999988887777, seen from `ACCOUNT`.
pub(crate) fn organization_trail(edit: impl FnOnce(&mut CloudtrailTrail)) -> Resource {
    trail("org-trail", |t| {
        t.owner_account = "999988887777".to_string();
        t.is_organization_trail = true;
        t.cloud_watch_logs_log_group_arn = Some(format!(
            "arn:aws:logs:{REGION}:999988887777:log-group:org-trail:*"
        ));
        edit(t);
    })
}

fn account_resource(id: String, config: ResourceConfig) -> Resource {
    Resource {
        id,
        provider: Provider::Aws,
        account: ACCOUNT.to_string(),
        region: GLOBAL_REGION.to_string(),
        name: None,
        tags: BTreeMap::new(),
        config,
    }
}

/// `ACCOUNT`'s CloudTrail, scanned in `REGION`.
pub(crate) fn cloudtrail_account() -> Resource {
    account_resource(
        format!("arn:aws:cloudtrail::{ACCOUNT}:account"),
        ResourceConfig::CloudtrailAccount(CloudtrailAccount {
            regions: vec![REGION.to_string()],
        }),
    )
}

/// `ACCOUNT`'s CloudWatch monitoring, scanned in `REGION`.
pub(crate) fn cloudwatch_account() -> Resource {
    account_resource(
        format!("arn:aws:cloudwatch::{ACCOUNT}:account"),
        ResourceConfig::CloudwatchAccount(soc2scan_model::CloudwatchAccount {
            regions: vec![REGION.to_string()],
        }),
    )
}
