//! Lambda collection, per region: `ListFunctions` (every page), then for every function,
//! concurrently under the shared bound, `GetPolicy` and `GetFunctionUrlConfig` of the
//! unqualified function.
//!
//! `ResourceNotFoundException` from either is an answer: the function has no
//! resource-based policy, or no URL. Any other failure leaves that field unset with a
//! `lambda_function_policy` or `lambda_function_url` gap narrowed to the function, so only
//! the rule reading it is not evaluated there.
//!
//! `ListFunctions` returns each function's environment variables, which often hold
//! secrets: they are never read into the model, so no snapshot, report or log can hold
//! them. Aliases' and versions' own policies and URLs are not read.

use super::convert::parse_time;
use super::errors::CallFailure;
use super::service::{
    paginate, sdk_client, AwsService, Collected, Job, PageEnd, ScopeContext, Scoped, ServiceScope,
};
use crate::model::*;
use crate::snapshot::FailureKind;
use aws_sdk_lambda::types::FunctionConfiguration;
use chrono::{DateTime, Utc};
use futures::future::join_all;

/// The Lambda service: functions with their policies and URLs, per region.
pub(crate) struct Lambda;

/// The Lambda kinds, in coverage order: all three come from one job.
const KINDS: &[ResourceKind] = &[
    ResourceKind::LambdaFunction,
    ResourceKind::LambdaFunctionPolicy,
    ResourceKind::LambdaFunctionUrl,
];

impl AwsService for Lambda {
    fn name(&self) -> &'static str {
        "lambda"
    }

    fn scope(&self) -> ServiceScope {
        ServiceScope::Regional
    }

    fn kinds(&self) -> &'static [ResourceKind] {
        KINDS
    }

    fn actions(&self) -> &'static [&'static str] {
        &[
            "lambda:ListFunctions",
            "lambda:GetPolicy",
            "lambda:GetFunctionUrlConfig",
        ]
    }

    fn jobs(&self, ctx: ScopeContext) -> Vec<Job> {
        let scope = LambdaScope {
            client: sdk_client!(aws_sdk_lambda, &ctx),
            ctx,
        };
        vec![Job::several(KINDS, async move { collect(&scope).await })]
    }
}

/// `ListFunctions`' largest `MaxItems`.
const PAGE_SIZE: i32 = 50;

/// What one region's Lambda calls share.
type LambdaScope = Scoped<aws_sdk_lambda::Client>;

/// What `ListFunctions` says of one function: only the fields the model keeps (never its
/// environment).
struct Listed {
    name: String,
    arn: String,
    config: LambdaFunction,
}

/// Every function of the region; when the listing fails, all three units fail.
async fn collect(scope: &LambdaScope) -> Vec<(ResourceKind, Collected)> {
    let listed = match list_functions(scope).await {
        Ok(listed) => listed,
        Err(failure) => return KINDS.iter().map(|&k| (k, Err(failure.clone()))).collect(),
    };
    let resources: Vec<Resource> = join_all(listed.into_iter().map(|f| function(scope, f)))
        .await
        .into_iter()
        .collect();
    vec![
        (ResourceKind::LambdaFunction, Ok(resources)),
        (ResourceKind::LambdaFunctionPolicy, Ok(Vec::new())),
        (ResourceKind::LambdaFunctionUrl, Ok(Vec::new())),
    ]
}

async fn list_functions(scope: &LambdaScope) -> Result<Vec<Listed>, CallFailure> {
    const OP: &str = "lambda:ListFunctions";
    paginate(
        scope,
        OP,
        |marker| {
            scope
                .client
                .list_functions()
                .max_items(PAGE_SIZE)
                .set_marker(marker)
                .send()
        },
        |page, out| {
            for function in page.functions() {
                out.push(listed(scope, function)?);
            }
            Ok(PageEnd::next_token(page.next_marker()))
        },
    )
    .await
}

/// The kept fields of one listed function. Its `Environment` is deliberately not read.
fn listed(scope: &LambdaScope, function: &FunctionConfiguration) -> Result<Listed, CallFailure> {
    const OP: &str = "lambda:ListFunctions";
    let name = scope
        .required(function.function_name(), OP, "FunctionName")?
        .to_string();
    let arn = function
        .function_arn()
        .map(str::to_string)
        .unwrap_or_else(|| scope.regional_arn("lambda", &format!("function:{name}")));
    let package_type = function.package_type().map(|p| p.as_str().to_string());
    let config = LambdaFunction {
        function_name: name.clone(),
        runtime: function
            .runtime()
            .map(|r| r.as_str().to_string())
            .filter(|r| !r.is_empty()),
        package_type,
        role: function.role().map(str::to_string),
        last_modified: function.last_modified().and_then(lambda_time),
        policy: None,
        function_url: None,
    };
    Ok(Listed { name, arn, config })
}

/// Lambda's timestamps: `2024-05-01T10:00:00.000+0000` (no colon in the offset).
fn lambda_time(text: &str) -> Option<DateTime<Utc>> {
    parse_time(text).or_else(|| {
        DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z")
            .ok()
            .map(|t| t.with_timezone(&Utc))
    })
}

/// One function with its policy and URL.
async fn function(scope: &LambdaScope, listed: Listed) -> Resource {
    let Listed {
        name,
        arn,
        mut config,
    } = listed;
    let (policy, url) = tokio::join!(policy(scope, &name), function_url(scope, &name));
    match policy {
        Ok(policy) => config.policy = Some(policy),
        Err(failure) => {
            scope.record_narrowed_gap(&arn, ResourceKind::LambdaFunctionPolicy, &failure)
        }
    }
    match url {
        Ok(url) => config.function_url = Some(url),
        Err(failure) => scope.record_narrowed_gap(&arn, ResourceKind::LambdaFunctionUrl, &failure),
    }
    scope.resource(
        arn,
        None,
        Default::default(),
        ResourceConfig::LambdaFunction(config),
    )
}

/// `GetPolicy` of the unqualified function; `ResourceNotFoundException` is "no policy".
async fn policy(scope: &LambdaScope, name: &str) -> Result<LambdaPolicyState, CallFailure> {
    const OP: &str = "lambda:GetPolicy";
    let answer = scope
        .call(scope.client.get_policy().function_name(name).send())
        .await;
    let answer = match answer {
        Ok(answer) => answer,
        Err(error)
            if error
                .as_service_error()
                .is_some_and(|e| e.is_resource_not_found_exception()) =>
        {
            return Ok(LambdaPolicyState::None)
        }
        Err(error) => return Err(scope.fail(OP, &error)),
    };
    let text = scope.required(answer.policy(), OP, "Policy")?;
    PolicyDocument::parse(text)
        .map(|document| LambdaPolicyState::Set { document })
        .map_err(|error| {
            CallFailure::new(
                FailureKind::Error,
                format!("{} {OP}: function {name}: {error}", scope.region),
            )
        })
}

/// `GetFunctionUrlConfig` of the unqualified function; `ResourceNotFoundException` is
/// "no URL".
async fn function_url(
    scope: &LambdaScope,
    name: &str,
) -> Result<LambdaFunctionUrlState, CallFailure> {
    const OP: &str = "lambda:GetFunctionUrlConfig";
    let answer = scope
        .call(
            scope
                .client
                .get_function_url_config()
                .function_name(name)
                .send(),
        )
        .await;
    match answer {
        Ok(answer) => Ok(LambdaFunctionUrlState::Set {
            auth_type: answer.auth_type().as_str().to_string(),
            url: Some(answer.function_url().to_string()).filter(|u| !u.is_empty()),
        }),
        Err(error)
            if error
                .as_service_error()
                .is_some_and(|e| e.is_resource_not_found_exception()) =>
        {
            Ok(LambdaFunctionUrlState::None)
        }
        Err(error) => Err(scope.fail(OP, &error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambda_timestamps_parse_with_and_without_a_colon_in_the_offset() {
        assert_eq!(
            lambda_time("2024-05-01T10:00:00.000+0000").map(|t| t.timestamp()),
            Some(1_714_557_600)
        );
        assert_eq!(
            lambda_time("2024-05-01T10:00:00Z").map(|t| t.timestamp()),
            Some(1_714_557_600)
        );
        assert_eq!(lambda_time("yesterday"), None);
    }
}
