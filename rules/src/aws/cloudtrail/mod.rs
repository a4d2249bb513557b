//! CloudTrail rules: a multi-region trail that records management events, S3 data events,
//! and per trail log file validation, KMS encryption, CloudWatch Logs delivery and a log
//! bucket nobody outside can reach.
//!
//! The account-wide rules judge the account's synthetic `cloudtrail_account` resource and
//! read the trails of every region. A multi-region trail appears in every region's
//! listing, so one region's listing shows them all; a trail that is not multi-region shows
//! only in its home region, so "no trail does X" needs every region's listing.

mod bucket_public;
mod cloudwatch_off;
mod kms_off;
mod log_validation_off;
mod multi_region_off;
mod s3_data_events_off;

#[cfg(test)]
pub(crate) mod test_support;

pub use bucket_public::BucketPublic;
pub use cloudwatch_off::CloudwatchOff;
pub use kms_off::KmsOff;
pub use log_validation_off::LogValidationOff;
pub use multi_region_off::MultiRegionOff;
pub use s3_data_events_off::S3DataEventsOff;

use crate::inventory::{Inventory, UnitState};
use crate::rule::{Rule, Verdict};
use soc2scan_model::{
    CloudtrailTrail, Provider, Resource, ResourceConfig, ResourceKind, TrailEventSelectors,
};

/// The CloudTrail rules, in documentation order.
pub const RULES: &[&dyn Rule] = &[
    &MultiRegionOff,
    &LogValidationOff,
    &KmsOff,
    &CloudwatchOff,
    &BucketPublic,
    &S3DataEventsOff,
];

/// A trail's configuration, or the wrong-kind verdict.
pub(crate) fn trail_of(resource: &Resource) -> Result<&CloudtrailTrail, Verdict> {
    match &resource.config {
        ResourceConfig::CloudtrailTrail(trail) => Ok(trail),
        _ => Err(super::wrong_kind(resource, "a CloudTrail trail")),
    }
}

/// Whether a per-trail rule judges this trail: the account's own trails. An organization
/// trail seen from a member account belongs to the management account, where it is
/// judged; the member cannot change it.
pub(crate) fn own_trail(resource: &Resource) -> bool {
    trail_of(resource).is_ok_and(|trail| !trail.is_foreign(&resource.account))
}

/// "trail main (home us-east-1)", "organization trail org (account 999…, home us-east-1)".
pub(crate) fn describe(resource: &Resource, trail: &CloudtrailTrail) -> String {
    if trail.is_foreign(&resource.account) {
        format!(
            "organization trail {} (account {}, home {})",
            trail.name, trail.owner_account, trail.home_region
        )
    } else {
        format!("trail {} (home {})", trail.name, trail.home_region)
    }
}

/// Every trail of an account, in every region.
pub(crate) fn account_trails<'s>(
    inventory: &Inventory<'s>,
    account: &str,
) -> Vec<(&'s Resource, &'s CloudtrailTrail)> {
    inventory
        .resources_of(ResourceKind::CloudtrailTrail)
        .filter(|r| r.account == account)
        .filter_map(|r| trail_of(r).ok().map(|t| (r, t)))
        .collect()
}

/// The regions of `regions` whose unit of `kind` was not collected, each with why
/// (`eu-west-1 (access_denied: …)`, `us-east-1 (no coverage entry)`).
pub(crate) fn unlisted_regions(
    inventory: &Inventory<'_>,
    account: &str,
    regions: &[String],
    kind: ResourceKind,
) -> Vec<String> {
    regions
        .iter()
        .filter_map(
            |region| match inventory.scope_state(Provider::Aws, account, region, kind) {
                UnitState::Collected => None,
                UnitState::Failed(_, entry) => Some(match &entry.status {
                    soc2scan_model::CoverageStatus::Failed { kind, message } => {
                        format!("{region} ({}: {message})", kind.as_str())
                    }
                    soc2scan_model::CoverageStatus::Ok => region.clone(),
                }),
                UnitState::Absent => Some(format!("{region} (no coverage entry)")),
            },
        )
        .collect()
}

/// Whether the trail is logging, or why that is not known.
pub(crate) fn logging(trail: &CloudtrailTrail) -> Result<bool, String> {
    trail.is_logging.ok_or_else(|| unread(trail, "status"))
}

/// The trail's event selectors, or why they are not known.
pub(crate) fn selectors(trail: &CloudtrailTrail) -> Result<&TrailEventSelectors, String> {
    trail
        .event_selectors
        .as_ref()
        .ok_or_else(|| unread(trail, "event selectors"))
}

fn unread(trail: &CloudtrailTrail, what: &str) -> String {
    match &trail.unreadable_from_member {
        Some(why) => format!("its {what} cannot be read from this member account ({why})"),
        None => format!("its {what} could not be read"),
    }
}

/// Which management events the selectors record: (read, write).
///
/// Basic selectors: those with `IncludeManagementEvents`, by `ReadWriteType` (`All` both,
/// `ReadOnly` read, `WriteOnly` write; several selectors add up). Excluded event sources
/// (KMS, RDS Data API — the only ones AWS allows) do not disqualify a selector. Advanced
/// selectors: those whose `eventCategory` equals `Management`, read and write unless a
/// `readOnly` field selector picks one; a selector with any other condition on which
/// events it takes (an `eventSource` it must equal, say) records only some management
/// events and does not count. No selectors at all records nothing.
pub(crate) fn management_events(selectors: &TrailEventSelectors) -> (bool, bool) {
    let mut read = false;
    let mut write = false;
    for selector in &selectors.basic {
        if !selector.include_management_events {
            continue;
        }
        match selector.read_write_type.as_str() {
            "All" => (read, write) = (true, true),
            "ReadOnly" => read = true,
            "WriteOnly" => write = true,
            _ => {}
        }
    }
    for selector in &selectors.advanced {
        let mut management = false;
        let mut only = None;
        let mut narrowed = false;
        for field in &selector.field_selectors {
            let positive_only = field.starts_with.is_empty() && field.ends_with.is_empty();
            match field.field.as_str() {
                "eventCategory" => {
                    management = field.equals.iter().any(|v| v == "Management") && positive_only
                }
                "readOnly" if field.not_equals.is_empty() && positive_only => {
                    match field.equals.as_slice() {
                        [v] if v == "true" => only = Some(true),
                        [v] if v == "false" => only = Some(false),
                        _ => {}
                    }
                }
                // Leaving sources out is an exclusion, as in a basic selector.
                "eventSource" if field.equals.is_empty() && positive_only => {}
                _ => narrowed = true,
            }
        }
        if management && !narrowed {
            match only {
                None => (read, write) = (true, true),
                Some(true) => read = true,
                Some(false) => write = true,
            }
        }
    }
    (read, write)
}

/// Whether the selectors record S3 object-level data events: a basic selector with a
/// data resource of type `AWS::S3::Object`, or an advanced selector whose `eventCategory`
/// equals `Data` and whose `resources.type` equals `AWS::S3::Object`.
pub(crate) fn records_s3_data_events(selectors: &TrailEventSelectors) -> bool {
    let basic = selectors.basic.iter().any(|selector| {
        selector
            .data_resources
            .iter()
            .any(|d| d.resource_type == "AWS::S3::Object" && !d.values.is_empty())
    });
    let advanced = selectors.advanced.iter().any(|selector| {
        let equals = |name: &str, value: &str| {
            selector
                .field_selectors
                .iter()
                .any(|f| f.field == name && f.equals.iter().any(|v| v == value))
        };
        equals("eventCategory", "Data") && equals("resources.type", "AWS::S3::Object")
    });
    basic || advanced
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;
    use soc2scan_model::{AdvancedEventSelector, AdvancedFieldSelector};

    fn field(name: &str, equals: &[&str]) -> AdvancedFieldSelector {
        AdvancedFieldSelector {
            field: name.to_string(),
            equals: equals.iter().map(|s| s.to_string()).collect(),
            starts_with: vec![],
            ends_with: vec![],
            not_equals: vec![],
            not_starts_with: vec![],
            not_ends_with: vec![],
        }
    }

    fn advanced(fields: Vec<AdvancedFieldSelector>) -> TrailEventSelectors {
        TrailEventSelectors {
            basic: vec![],
            advanced: vec![AdvancedEventSelector {
                name: None,
                field_selectors: fields,
            }],
        }
    }

    #[test]
    fn management_events_add_up_across_basic_selectors() {
        assert_eq!(management_events(&all_management()), (true, true));
        assert_eq!(
            management_events(&TrailEventSelectors::default()),
            (false, false),
            "an empty answer records nothing"
        );
        let mut split = TrailEventSelectors::default();
        split.basic.push(basic_selector("ReadOnly", true));
        assert_eq!(management_events(&split), (true, false));
        split.basic.push(basic_selector("WriteOnly", true));
        assert_eq!(management_events(&split), (true, true));
        let off = TrailEventSelectors {
            basic: vec![basic_selector("All", false)],
            advanced: vec![],
        };
        assert_eq!(management_events(&off), (false, false));
    }

    #[test]
    fn advanced_management_selectors_count_unless_narrowed_to_some_sources() {
        assert_eq!(
            management_events(&advanced(vec![field("eventCategory", &["Management"])])),
            (true, true)
        );
        assert_eq!(
            management_events(&advanced(vec![
                field("eventCategory", &["Management"]),
                field("readOnly", &["false"])
            ])),
            (false, true)
        );
        let mut excluded = field("eventSource", &[]);
        excluded.not_equals = vec!["kms.amazonaws.com".to_string()];
        assert_eq!(
            management_events(&advanced(vec![
                field("eventCategory", &["Management"]),
                excluded
            ])),
            (true, true)
        );
        assert_eq!(
            management_events(&advanced(vec![
                field("eventCategory", &["Management"]),
                field("eventSource", &["iam.amazonaws.com"])
            ])),
            (false, false)
        );
    }

    #[test]
    fn s3_data_events_basic_or_advanced() {
        assert!(!records_s3_data_events(&all_management()));
        assert!(records_s3_data_events(&with_s3_data_events()));
        assert!(records_s3_data_events(&advanced(vec![
            field("eventCategory", &["Data"]),
            field("resources.type", &["AWS::S3::Object"])
        ])));
        assert!(!records_s3_data_events(&advanced(vec![
            field("eventCategory", &["Data"]),
            field("resources.type", &["AWS::Lambda::Function"])
        ])));
    }
}
