//! DynamoDB collection, per region: `ListTables` (every page), then for every table,
//! concurrently under the shared bound, `DescribeTable` and `DescribeContinuousBackups`.
//!
//! A failed `DescribeTable` keeps the table with its name alone and a `dynamodb_table` gap
//! narrowed to it; a failed `DescribeContinuousBackups` leaves point-in-time recovery unset
//! with a `dynamodb_continuous_backups` gap narrowed to the table. A table deleted since
//! `ListTables` (`ResourceNotFoundException`, `TableNotFoundException`) is left out.

use super::convert::time;
use super::errors::CallFailure;
use super::service::{
    paginate, sdk_client, AwsService, Collected, Job, PageEnd, ScopeContext, Scoped, ServiceScope,
};
use crate::model::*;
use aws_sdk_dynamodb::types::{PointInTimeRecoveryStatus, TableDescription};

/// The DynamoDB service: tables with their continuous backups, per region.
pub(crate) struct Dynamodb;

/// The DynamoDB kinds, in coverage order: both come from one job.
const KINDS: &[ResourceKind] = &[
    ResourceKind::DynamodbTable,
    ResourceKind::DynamodbContinuousBackups,
];

impl AwsService for Dynamodb {
    fn name(&self) -> &'static str {
        "dynamodb"
    }

    fn scope(&self) -> ServiceScope {
        ServiceScope::Regional
    }

    fn kinds(&self) -> &'static [ResourceKind] {
        KINDS
    }

    fn actions(&self) -> &'static [&'static str] {
        &[
            "dynamodb:ListTables",
            "dynamodb:DescribeTable",
            "dynamodb:DescribeContinuousBackups",
        ]
    }

    fn jobs(&self, ctx: ScopeContext) -> Vec<Job> {
        let scope = DynamodbScope {
            client: sdk_client!(aws_sdk_dynamodb, &ctx),
            ctx,
        };
        vec![Job::several(KINDS, async move { collect(&scope).await })]
    }
}

/// `ListTables`' largest `Limit`.
const PAGE_SIZE: i32 = 100;

/// What one region's DynamoDB calls share.
type DynamodbScope = Scoped<aws_sdk_dynamodb::Client>;

/// Every table of the region; when the listing fails, both units fail.
async fn collect(scope: &DynamodbScope) -> Vec<(ResourceKind, Collected)> {
    let names = match list_tables(scope).await {
        Ok(names) => names,
        Err(failure) => return KINDS.iter().map(|&k| (k, Err(failure.clone()))).collect(),
    };
    let tables: Vec<Resource> =
        futures::future::join_all(names.iter().map(|name| table(scope, name)))
            .await
            .into_iter()
            .flatten()
            .collect();
    vec![
        (ResourceKind::DynamodbTable, Ok(tables)),
        (ResourceKind::DynamodbContinuousBackups, Ok(Vec::new())),
    ]
}

async fn list_tables(scope: &DynamodbScope) -> Result<Vec<String>, CallFailure> {
    paginate(
        scope,
        "dynamodb:ListTables",
        |start| {
            scope
                .client
                .list_tables()
                .limit(PAGE_SIZE)
                .set_exclusive_start_table_name(start)
                .send()
        },
        |page, out| {
            out.extend(page.table_names().iter().cloned());
            Ok(PageEnd::next_token(page.last_evaluated_table_name()))
        },
    )
    .await
}

/// The outcome of one per-table call: the answer, the table is gone, or a failure.
enum Answer<T> {
    Found(T),
    Gone,
    Failed(CallFailure),
}

/// One table, described and with its continuous backups; `None` when it no longer exists.
async fn table(scope: &DynamodbScope, name: &str) -> Option<Resource> {
    let arn = scope.regional_arn("dynamodb", &format!("table/{name}"));
    let (description, backups) =
        tokio::join!(describe(scope, name), continuous_backups(scope, name));
    let mut config = DynamodbTable {
        table_name: name.to_string(),
        table_status: None,
        deletion_protection_enabled: None,
        billing_mode: None,
        sse_type: None,
        kms_key_arn: None,
        creation_time: None,
        point_in_time_recovery_enabled: None,
        point_in_time_recovery_days: None,
    };
    match description {
        Answer::Found(description) => fill(&mut config, &description),
        Answer::Gone => return None,
        Answer::Failed(failure) => {
            scope.record_narrowed_gap(&arn, ResourceKind::DynamodbTable, &failure)
        }
    }
    match backups {
        Answer::Found((enabled, days)) => {
            config.point_in_time_recovery_enabled = Some(enabled);
            config.point_in_time_recovery_days = days;
        }
        Answer::Gone => return None,
        Answer::Failed(failure) => {
            scope.record_narrowed_gap(&arn, ResourceKind::DynamodbContinuousBackups, &failure)
        }
    }
    Some(scope.resource(
        arn,
        None,
        Default::default(),
        ResourceConfig::DynamodbTable(config),
    ))
}

async fn describe(scope: &DynamodbScope, name: &str) -> Answer<TableDescription> {
    const OP: &str = "dynamodb:DescribeTable";
    match scope
        .call(scope.client.describe_table().table_name(name).send())
        .await
    {
        Ok(answer) => match scope.required(answer.table().cloned(), OP, "Table") {
            Ok(table) => Answer::Found(table),
            Err(failure) => Answer::Failed(failure),
        },
        Err(error)
            if error
                .as_service_error()
                .is_some_and(|e| e.is_resource_not_found_exception()) =>
        {
            Answer::Gone
        }
        Err(error) => Answer::Failed(scope.fail(OP, &error)),
    }
}

fn fill(config: &mut DynamodbTable, table: &TableDescription) {
    config.table_status = table.table_status().map(|s| s.as_str().to_string());
    config.deletion_protection_enabled = table.deletion_protection_enabled();
    config.billing_mode = table
        .billing_mode_summary()
        .and_then(|b| b.billing_mode())
        .map(|m| m.as_str().to_string());
    // No SSEDescription (or a disabled one) means the default AWS-owned key.
    let sse = table.sse_description().filter(|sse| {
        sse.status()
            .is_none_or(|s| s.as_str() == "ENABLED" || s.as_str() == "UPDATING")
    });
    config.sse_type = sse
        .and_then(|sse| sse.sse_type())
        .map(|t| t.as_str().to_string());
    config.kms_key_arn = sse
        .and_then(|sse| sse.kms_master_key_arn())
        .map(str::to_string);
    config.creation_time = table.creation_date_time().and_then(time);
}

/// Whether point-in-time recovery is on, and how many days it reaches back.
async fn continuous_backups(scope: &DynamodbScope, name: &str) -> Answer<(bool, Option<u32>)> {
    const OP: &str = "dynamodb:DescribeContinuousBackups";
    let answer = match scope
        .call(
            scope
                .client
                .describe_continuous_backups()
                .table_name(name)
                .send(),
        )
        .await
    {
        Ok(answer) => answer,
        Err(error)
            if error
                .as_service_error()
                .is_some_and(|e| e.is_table_not_found_exception()) =>
        {
            return Answer::Gone
        }
        Err(error) => return Answer::Failed(scope.fail(OP, &error)),
    };
    let status = answer
        .continuous_backups_description()
        .and_then(|d| d.point_in_time_recovery_description())
        .and_then(|p| p.point_in_time_recovery_status().map(|s| (s, p)));
    match status {
        Some((PointInTimeRecoveryStatus::Enabled, description)) => Answer::Found((
            true,
            description
                .recovery_period_in_days()
                .and_then(|days| u32::try_from(days).ok()),
        )),
        Some((PointInTimeRecoveryStatus::Disabled, _)) => Answer::Found((false, None)),
        Some((other, _)) => Answer::Failed(CallFailure::new(
            crate::snapshot::FailureKind::Error,
            format!(
                "{} {OP}: table {name}: unknown PointInTimeRecoveryStatus {:?}",
                scope.region,
                other.as_str()
            ),
        )),
        None => Answer::Failed(CallFailure::new(
            crate::snapshot::FailureKind::Error,
            format!(
                "{} {OP}: table {name}: the response lacks PointInTimeRecoveryDescription.PointInTimeRecoveryStatus",
                scope.region
            ),
        )),
    }
}
