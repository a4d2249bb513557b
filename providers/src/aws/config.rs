//! AWS Config collection, per region, in one job: `DescribeConfigurationRecorders` (the
//! account's customer-managed recorder, if any) and `DescribeConfigurationRecorderStatus`,
//! each once. Their answers make the region's `config_region` resource, which exists whether
//! the region has a recorder or not: an empty recorder list is "not enabled", a value; a
//! failed call fails the unit (a gap). Neither call pages.

use super::service::{sdk_client, AwsService, Collected, Job, ScopeContext, Scoped, ServiceScope};
use crate::model::*;
use aws_sdk_config::types::{ConfigurationRecorder, ConfigurationRecorderStatus};

/// The AWS Config service: the recorder of each region.
pub(crate) struct Config;

impl AwsService for Config {
    fn name(&self) -> &'static str {
        "config"
    }

    fn scope(&self) -> ServiceScope {
        ServiceScope::Regional
    }

    fn kinds(&self) -> &'static [ResourceKind] {
        &[ResourceKind::ConfigRegion]
    }

    fn actions(&self) -> &'static [&'static str] {
        &[
            "config:DescribeConfigurationRecorders",
            "config:DescribeConfigurationRecorderStatus",
        ]
    }

    fn jobs(&self, ctx: ScopeContext) -> Vec<Job> {
        let scope = Scoped {
            client: sdk_client!(aws_sdk_config, &ctx),
            ctx,
        };
        vec![Job::one(ResourceKind::ConfigRegion, async move {
            region(&scope).await
        })]
    }
}

/// What one region's AWS Config calls share.
type ConfigScope = Scoped<aws_sdk_config::Client>;

async fn region(scope: &ConfigScope) -> Collected {
    const RECORDERS: &str = "config:DescribeConfigurationRecorders";
    const STATUS: &str = "config:DescribeConfigurationRecorderStatus";
    let (recorders, statuses) = futures::future::join(
        scope.call(scope.client.describe_configuration_recorders().send()),
        scope.call(scope.client.describe_configuration_recorder_status().send()),
    )
    .await;
    let recorders = recorders.map_err(|e| scope.fail(RECORDERS, &e))?;
    let statuses = statuses.map_err(|e| scope.fail(STATUS, &e))?;
    let recorders = recorders
        .configuration_recorders()
        .iter()
        .map(|recorder| {
            let name = scope.required(recorder.name(), RECORDERS, "name")?;
            let status = statuses
                .configuration_recorders_status()
                .iter()
                .find(|status| status.name() == Some(name));
            Ok(model_recorder(name, recorder, status))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(vec![scope.resource(
        scope.regional_arn("config", "config-region"),
        None,
        Default::default(),
        ResourceConfig::ConfigRegion(ConfigRegion { recorders }),
    )])
}

fn model_recorder(
    name: &str,
    recorder: &ConfigurationRecorder,
    status: Option<&ConfigurationRecorderStatus>,
) -> ConfigRecorder {
    let group = recorder.recording_group();
    let strategy = group
        .and_then(|g| g.recording_strategy())
        .and_then(|s| s.use_only())
        .map(|s| s.as_str().to_string())
        .or_else(|| {
            group
                .filter(|g| g.all_supported())
                .map(|_| "ALL_SUPPORTED_RESOURCE_TYPES".to_string())
        });
    let included = group
        .map(|g| resource_type_names(g.resource_types()))
        .unwrap_or_default();
    let excluded = group
        .and_then(|g| g.exclusion_by_resource_types())
        .map(|e| resource_type_names(e.resource_types()))
        .unwrap_or_default();
    ConfigRecorder {
        name: name.to_string(),
        recording: status.map(|s| s.recording()),
        last_status: status
            .and_then(|s| s.last_status())
            .map(|s| s.as_str().to_string()),
        records_global_resource_types: ConfigRecorder::group_records_global_resource_types(
            strategy.as_deref(),
            group.is_some_and(|g| g.all_supported()),
            group.is_some_and(|g| g.include_global_resource_types()),
            &included,
            &excluded,
        ),
        recording_strategy: strategy,
        service_principal: recorder.service_principal().map(str::to_string),
    }
}

fn resource_type_names(list: &[aws_sdk_config::types::ResourceType]) -> Vec<&str> {
    list.iter().map(|t| t.as_str()).collect()
}
