//! CloudTrail, CloudWatch Logs and CloudWatch types: trails, log groups and metric alarms.
//!
//! A plan shows a trail's configuration but not whether it is logging or what AWS will
//! answer for its selectors: the rules that need those (the account-wide ones) are
//! runtime-only, so the trail's `is_logging` and `event_selectors` are left unknown to the
//! model (`None`), never guessed.

use crate::model::ResourceKind::{
    CloudtrailTrail as TrailKind, CloudwatchAlarm as AlarmKind, LogsLogGroup as GroupKind,
};
use crate::model::*;
use crate::terraform::adapt::Builder;
use crate::terraform::instances::strings;
use crate::terraform::registry::{TypeMapping, UnknownField};

/// The types, in the order of docs/terraform.md.
pub(crate) const TYPES: &[TypeMapping] = &[
    TypeMapping {
        types: &["aws_cloudtrail"],
        kinds: &[TrailKind],
        resource: Some(trail),
        relation: None,
        unknown: &[TRAIL_VALIDATION, TRAIL_KMS, TRAIL_LOG_GROUP, TRAIL_BUCKET],
        becomes: "`cloudtrail_trail`",
        notes: "`enable_log_file_validation` (default false), `kms_key_id`, \
                `cloud_watch_logs_group_arn`, `is_multi_region_trail`, `s3_bucket_name`; \
                the home region is the provider's; whether it logs and what it records are \
                runtime facts (those rules are runtime-only)",
    },
    TypeMapping {
        types: &["aws_cloudwatch_log_group"],
        kinds: &[GroupKind],
        resource: Some(log_group),
        relation: None,
        unknown: &[GROUP_RETENTION, GROUP_KMS],
        becomes: "`logs_log_group`",
        notes: "`retention_in_days` (0 or absent: never expire), `kms_key_id`",
    },
    TypeMapping {
        types: &["aws_cloudwatch_metric_alarm"],
        kinds: &[AlarmKind],
        resource: Some(alarm),
        relation: None,
        unknown: &[ALARM_ENABLED, ALARM_ACTIONS],
        becomes: "`cloudwatch_alarm`",
        notes: "`actions_enabled` (default true), `alarm_actions`, the metric (`namespace`, \
                `metric_name`, or `metric_query` blocks)",
    },
];

const TRAIL_VALIDATION: UnknownField = UnknownField::new(
    TrailKind,
    "log_file_validation_enabled",
    "enable_log_file_validation",
);
const TRAIL_KMS: UnknownField = UnknownField::new(TrailKind, "kms_key_id", "kms_key_id");
const TRAIL_LOG_GROUP: UnknownField = UnknownField::new(
    TrailKind,
    "cloud_watch_logs_log_group_arn",
    "cloud_watch_logs_group_arn",
);
const TRAIL_BUCKET: UnknownField = UnknownField::new(TrailKind, "s3_bucket_name", "s3_bucket_name");
const GROUP_RETENTION: UnknownField =
    UnknownField::new(GroupKind, "retention_in_days", "retention_in_days");
const GROUP_KMS: UnknownField = UnknownField::new(GroupKind, "kms_key_id", "kms_key_id");
const ALARM_ENABLED: UnknownField =
    UnknownField::new(AlarmKind, "actions_enabled", "actions_enabled");
const ALARM_ACTIONS: UnknownField = UnknownField::new(AlarmKind, "alarm_actions", "alarm_actions");

/// The declared fields whose attribute the configuration sets and the plan knows only
/// after apply.
fn unknowns(b: &Builder<'_>, position: usize, fields: &[UnknownField]) -> Vec<UnknownValue> {
    let i = &b.instances[position];
    fields
        .iter()
        .filter(|field| i.is_unknown(field.attribute) && i.configured(field.attribute))
        .map(|field| i.unknown(field))
        .collect()
}

fn trail(b: &mut Builder<'_>, position: usize) {
    let unknown = unknowns(
        b,
        position,
        &[TRAIL_VALIDATION, TRAIL_KMS, TRAIL_LOG_GROUP, TRAIL_BUCKET],
    );
    let i = &b.instances[position];
    let text = |name: &str| i.str(name).map(str::to_string);
    let config = ResourceConfig::CloudtrailTrail(CloudtrailTrail {
        name: i
            .str("name")
            .map(str::to_string)
            .unwrap_or_else(|| i.native_id()),
        owner_account: i.account.clone(),
        home_region: i.region.clone(),
        is_multi_region_trail: i.bool("is_multi_region_trail").unwrap_or(false),
        is_organization_trail: i.bool("is_organization_trail").unwrap_or(false),
        log_file_validation_enabled: i.bool(TRAIL_VALIDATION.attribute).unwrap_or(false),
        kms_key_id: text(TRAIL_KMS.attribute),
        s3_bucket_name: text(TRAIL_BUCKET.attribute),
        s3_key_prefix: text("s3_key_prefix"),
        cloud_watch_logs_log_group_arn: text(TRAIL_LOG_GROUP.attribute),
        include_global_service_events: Some(
            i.bool("include_global_service_events").unwrap_or(true),
        ),
        is_logging: None,
        event_selectors: None,
        unreadable_from_member: None,
    });
    let identity = i.str("arn").map(str::to_string);
    b.push_primary(position, config, unknown, identity);
}

fn log_group(b: &mut Builder<'_>, position: usize) {
    let unknown = unknowns(b, position, &[GROUP_RETENTION, GROUP_KMS]);
    let i = &b.instances[position];
    let config = ResourceConfig::LogsLogGroup(LogsLogGroup {
        log_group_name: i
            .str("name")
            .map(str::to_string)
            .unwrap_or_else(|| i.native_id()),
        retention_in_days: i
            .int(GROUP_RETENTION.attribute)
            .and_then(|days| u32::try_from(days).ok())
            .filter(|days| *days > 0),
        kms_key_id: i.str(GROUP_KMS.attribute).map(str::to_string),
        creation_time: None,
        log_group_class: Some(i.str("log_group_class").unwrap_or("STANDARD").to_string()),
        // Metric filters are separate resources, and only a runtime-only rule reads them.
        metric_filters: None,
    });
    let identity = i.str("arn").map(str::to_string);
    b.push_primary(position, config, unknown, identity);
}

fn alarm(b: &mut Builder<'_>, position: usize) {
    let unknown = unknowns(b, position, &[ALARM_ENABLED, ALARM_ACTIONS]);
    let i = &b.instances[position];
    let list = |name: &str| -> Vec<String> {
        strings(i.attr(name))
            .into_iter()
            .map(str::to_string)
            .collect()
    };
    let metric_queries = i
        .attr("metric_query")
        .and_then(serde_json::Value::as_array)
        .map(|queries| {
            queries
                .iter()
                .filter_map(|query| {
                    let metric = query.get("metric")?.as_array()?.first()?;
                    Some(AlarmMetric {
                        namespace: metric.get("namespace")?.as_str()?.to_string(),
                        metric_name: metric.get("metric_name")?.as_str()?.to_string(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let config = ResourceConfig::CloudwatchAlarm(CloudwatchAlarm {
        alarm_name: i
            .str("alarm_name")
            .map(str::to_string)
            .unwrap_or_else(|| i.native_id()),
        actions_enabled: i.bool(ALARM_ENABLED.attribute).unwrap_or(true),
        alarm_actions: list(ALARM_ACTIONS.attribute),
        ok_actions: list("ok_actions"),
        insufficient_data_actions: list("insufficient_data_actions"),
        metric_name: i.str("metric_name").map(str::to_string),
        namespace: i.str("namespace").map(str::to_string),
        metric_queries,
        state_value: None,
    });
    let identity = i.str("arn").map(str::to_string);
    b.push_primary(position, config, unknown, identity);
}
