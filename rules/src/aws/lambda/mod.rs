//! AWS Lambda rules: functions whose resource-based policy lets anyone invoke them,
//! function URLs without authentication, and functions on deprecated runtimes.

mod function_public;
mod runtime_deprecated;
pub mod runtimes;
mod url_unauthenticated;

#[cfg(test)]
mod test_support;

pub use function_public::FunctionPublic;
pub use runtime_deprecated::RuntimeDeprecated;
pub use url_unauthenticated::UrlUnauthenticated;

use crate::rule::{Rule, Verdict};
use soc2scan_model::{LambdaFunction, Resource, ResourceConfig};

/// The Lambda rules, in documentation order.
pub const RULES: &[&dyn Rule] = &[&FunctionPublic, &UrlUnauthenticated, &RuntimeDeprecated];

/// The function of a resource the engine handed a Lambda rule.
fn function_of(resource: &Resource) -> Result<&LambdaFunction, Verdict> {
    match &resource.config {
        ResourceConfig::LambdaFunction(function) => Ok(function),
        _ => Err(crate::aws::wrong_kind(resource, "a Lambda function")),
    }
}
