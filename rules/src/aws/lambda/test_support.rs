//! Builders of Lambda functions for the rules' unit tests.

use crate::testing::{days_ago, resource, ACCOUNT, REGION};
use soc2scan_model::{
    LambdaFunction, LambdaFunctionUrlState, LambdaPolicyState, PolicyDocument, Resource,
    ResourceConfig,
};

/// A zip function on `python3.12` with no policy and no URL.
pub fn function(name: &str) -> LambdaFunction {
    LambdaFunction {
        function_name: name.to_string(),
        package_type: Some("Zip".to_string()),
        runtime: Some("python3.12".to_string()),
        role: Some(format!("arn:aws:iam::{ACCOUNT}:role/{name}-role")),
        last_modified: Some(days_ago(30)),
        policy: Some(LambdaPolicyState::None),
        function_url: Some(LambdaFunctionUrlState::None),
    }
}

/// The function with a policy document.
pub fn with_policy(function: LambdaFunction, json: &str) -> LambdaFunction {
    LambdaFunction {
        policy: Some(LambdaPolicyState::Set {
            document: PolicyDocument::parse(json).expect("a valid test policy"),
        }),
        ..function
    }
}

/// The function with a URL of `auth_type`.
pub fn with_url(function: LambdaFunction, auth_type: &str) -> LambdaFunction {
    LambdaFunction {
        function_url: Some(LambdaFunctionUrlState::Set {
            auth_type: auth_type.to_string(),
            url: Some(format!(
                "https://{}.lambda-url.{REGION}.on.aws/",
                function.function_name
            )),
        }),
        ..function
    }
}

/// The function on `runtime`.
pub fn on(function: LambdaFunction, runtime: &str) -> LambdaFunction {
    LambdaFunction {
        runtime: Some(runtime.to_string()),
        ..function
    }
}

/// A container-image function (no runtime).
pub fn image(name: &str) -> LambdaFunction {
    LambdaFunction {
        package_type: Some(LambdaFunction::IMAGE.to_string()),
        runtime: None,
        ..function(name)
    }
}

/// A function as a resource.
pub fn lambda(config: LambdaFunction) -> Resource {
    resource(
        &format!(
            "arn:aws:lambda:{REGION}:{ACCOUNT}:function:{}",
            config.function_name
        ),
        ResourceConfig::LambdaFunction(config),
    )
}
