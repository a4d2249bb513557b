//! Elastic Load Balancing (v2) rules: HTTP listeners that do not redirect to HTTPS, TLS
//! listeners whose security policy allows old TLS versions, and load balancers without
//! access logs.

mod access_logging_off;
mod http_not_redirected;
pub mod tls_policies;
mod tls_policy_outdated;

#[cfg(test)]
mod test_support;

pub use access_logging_off::AccessLoggingOff;
pub use http_not_redirected::HttpNotRedirected;
pub use tls_policy_outdated::TlsPolicyOutdated;

use crate::rule::{Rule, Verdict};
use soc2scan_model::{Elbv2Listener, Elbv2LoadBalancer, Resource, ResourceConfig};

/// The ELBv2 rules, in documentation order.
pub const RULES: &[&dyn Rule] = &[&HttpNotRedirected, &TlsPolicyOutdated, &AccessLoggingOff];

/// The load balancer of a resource the engine handed an ELBv2 rule.
fn load_balancer_of(resource: &Resource) -> Result<&Elbv2LoadBalancer, Verdict> {
    match &resource.config {
        ResourceConfig::Elbv2LoadBalancer(lb) => Ok(lb),
        _ => Err(crate::aws::wrong_kind(resource, "a load balancer")),
    }
}

/// The listeners of a load balancer, or why they are not known.
fn listeners_of<'a>(
    resource: &Resource,
    lb: &'a Elbv2LoadBalancer,
) -> Result<&'a [Elbv2Listener], Verdict> {
    lb.listeners.as_deref().ok_or_else(|| {
        Verdict::NotEvaluated(format!(
            "the listeners of load balancer {} were not collected, so they cannot be judged",
            resource.display_name()
        ))
    })
}
