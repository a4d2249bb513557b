//! Elastic Load Balancing (v2) collection, per region: `DescribeLoadBalancers` (every
//! page), then for every load balancer, concurrently under the shared bound,
//! `DescribeListeners` (every page) and `DescribeLoadBalancerAttributes`. Gateway Load
//! Balancers have no access logs, so their attributes are not asked for.
//!
//! A failed per-load-balancer call costs only what depends on it: a failed
//! `DescribeListeners` leaves `listeners` unset with an `elbv2_listeners` gap narrowed to
//! the load balancer, a failed `DescribeLoadBalancerAttributes` leaves `access_logs` unset
//! with an `elbv2_load_balancer_attributes` gap, so only the rules reading that part are
//! not evaluated there. A load balancer deleted since the listing (`LoadBalancerNotFound`)
//! is left out.
//!
//! The security policy of a listener is kept only for `HTTPS` and `TLS` listeners: moto
//! reports one on plain HTTP listeners too, where it means nothing.

use super::convert::time;
use super::errors::CallFailure;
use super::service::{
    paginate, sdk_client, AwsService, Collected, Job, PageEnd, ScopeContext, Scoped, ServiceScope,
};
use crate::model::*;
use aws_sdk_elasticloadbalancingv2::types::{Action, Listener, LoadBalancer};
use futures::future::join_all;

/// The ELBv2 service: load balancers with their listeners and access logs, per region.
pub(crate) struct Elbv2;

/// The ELBv2 kinds, in coverage order: all three come from one job.
const KINDS: &[ResourceKind] = &[
    ResourceKind::Elbv2LoadBalancer,
    ResourceKind::Elbv2Listeners,
    ResourceKind::Elbv2LoadBalancerAttributes,
];

impl AwsService for Elbv2 {
    fn name(&self) -> &'static str {
        "elbv2"
    }

    #[cfg(test)]
    fn iam_prefix(&self) -> &'static str {
        "elasticloadbalancing"
    }

    fn scope(&self) -> ServiceScope {
        ServiceScope::Regional
    }

    fn kinds(&self) -> &'static [ResourceKind] {
        KINDS
    }

    fn actions(&self) -> &'static [&'static str] {
        &[
            "elasticloadbalancing:DescribeLoadBalancers",
            "elasticloadbalancing:DescribeListeners",
            "elasticloadbalancing:DescribeLoadBalancerAttributes",
        ]
    }

    fn jobs(&self, ctx: ScopeContext) -> Vec<Job> {
        let scope = Elbv2Scope {
            client: sdk_client!(aws_sdk_elasticloadbalancingv2, &ctx),
            ctx,
        };
        vec![Job::several(KINDS, async move { collect(&scope).await })]
    }
}

/// `DescribeLoadBalancers`' and `DescribeListeners`' largest `PageSize`.
const PAGE_SIZE: i32 = 400;

/// What one region's ELBv2 calls share.
type Elbv2Scope = Scoped<aws_sdk_elasticloadbalancingv2::Client>;

/// Every load balancer of the region; when the listing fails, all three units fail.
async fn collect(scope: &Elbv2Scope) -> Vec<(ResourceKind, Collected)> {
    let listed = match list_load_balancers(scope).await {
        Ok(listed) => listed,
        Err(failure) => return KINDS.iter().map(|&k| (k, Err(failure.clone()))).collect(),
    };
    let resources: Vec<Resource> =
        join_all(listed.iter().map(|(arn, lb)| load_balancer(scope, arn, lb)))
            .await
            .into_iter()
            .flatten()
            .collect();
    vec![
        (ResourceKind::Elbv2LoadBalancer, Ok(resources)),
        (ResourceKind::Elbv2Listeners, Ok(Vec::new())),
        (ResourceKind::Elbv2LoadBalancerAttributes, Ok(Vec::new())),
    ]
}

/// The region's load balancers, each with its ARN (which AWS always gives).
async fn list_load_balancers(
    scope: &Elbv2Scope,
) -> Result<Vec<(String, LoadBalancer)>, CallFailure> {
    const OP: &str = "elasticloadbalancing:DescribeLoadBalancers";
    paginate(
        scope,
        OP,
        |marker| {
            scope
                .client
                .describe_load_balancers()
                .page_size(PAGE_SIZE)
                .set_marker(marker)
                .send()
        },
        |page, out| {
            for lb in page.load_balancers() {
                let arn = scope.required(lb.load_balancer_arn(), OP, "LoadBalancerArn")?;
                out.push((arn.to_string(), lb.clone()));
            }
            Ok(PageEnd::next_token(page.next_marker()))
        },
    )
    .await
}

/// Why a per-load-balancer read gave nothing.
enum PartError {
    /// The load balancer no longer exists.
    Gone,
    /// The call failed.
    Failed(CallFailure),
}

/// One load balancer with its listeners and access logs; `None` when it no longer exists.
async fn load_balancer(scope: &Elbv2Scope, arn: &str, lb: &LoadBalancer) -> Option<Resource> {
    let load_balancer_type = lb.r#type().map(|t| t.as_str().to_string());
    let gateway = load_balancer_type.as_deref() == Some("gateway");
    let (listeners, attributes) = tokio::join!(listeners(scope, arn), async {
        if gateway {
            None
        } else {
            Some(access_logs(scope, arn).await)
        }
    });
    let listeners = match listeners {
        Ok(listeners) => Some(listeners),
        Err(PartError::Gone) => return None,
        Err(PartError::Failed(failure)) => {
            scope.record_narrowed_gap(arn, ResourceKind::Elbv2Listeners, &failure);
            None
        }
    };
    let access_logs = match attributes {
        None => None,
        Some(Ok(logs)) => Some(logs),
        Some(Err(PartError::Gone)) => return None,
        Some(Err(PartError::Failed(failure))) => {
            scope.record_narrowed_gap(arn, ResourceKind::Elbv2LoadBalancerAttributes, &failure);
            None
        }
    };
    let config = Elbv2LoadBalancer {
        load_balancer_name: lb
            .load_balancer_name()
            .map(str::to_string)
            .unwrap_or_else(|| arn.rsplit('/').nth(1).unwrap_or(arn).to_string()),
        load_balancer_type,
        scheme: lb.scheme().map(|s| s.as_str().to_string()),
        vpc_id: lb.vpc_id().map(str::to_string),
        dns_name: lb.dns_name().map(str::to_string),
        state: lb
            .state()
            .and_then(|s| s.code())
            .map(|c| c.as_str().to_string()),
        created_time: lb.created_time().and_then(time),
        listeners,
        access_logs,
    };
    Some(scope.resource(
        arn.to_string(),
        None,
        Default::default(),
        ResourceConfig::Elbv2LoadBalancer(config),
    ))
}

/// `DescribeListeners` of one load balancer, every page.
async fn listeners(scope: &Elbv2Scope, arn: &str) -> Result<Vec<Elbv2Listener>, PartError> {
    const OP: &str = "elasticloadbalancing:DescribeListeners";
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    let mut seen = std::collections::HashSet::new();
    loop {
        let answer = scope
            .call(
                scope
                    .client
                    .describe_listeners()
                    .load_balancer_arn(arn)
                    .page_size(PAGE_SIZE)
                    .set_marker(marker.take())
                    .send(),
            )
            .await;
        let page = match answer {
            Ok(page) => page,
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_load_balancer_not_found_exception()) =>
            {
                return Err(PartError::Gone)
            }
            Err(error) => return Err(PartError::Failed(scope.fail(OP, &error))),
        };
        out.extend(page.listeners().iter().map(listener));
        let end = PageEnd::next_token(page.next_marker());
        match super::errors::next_page(&mut seen, end.more, end.token.as_deref(), &scope.region, OP)
        {
            Ok(Some(next)) => marker = Some(next),
            Ok(None) => return Ok(out),
            Err(failure) => return Err(PartError::Failed(failure)),
        }
    }
}

fn listener(listener: &Listener) -> Elbv2Listener {
    let protocol = listener.protocol().map(|p| p.as_str().to_string());
    let terminates_tls = matches!(protocol.as_deref(), Some("HTTPS" | "TLS"));
    Elbv2Listener {
        listener_arn: listener.listener_arn().map(str::to_string),
        port: listener.port(),
        protocol,
        ssl_policy: listener
            .ssl_policy()
            .filter(|_| terminates_tls)
            .filter(|p| !p.is_empty())
            .map(str::to_string),
        default_actions: listener.default_actions().iter().map(action).collect(),
    }
}

fn action(action: &Action) -> Elbv2ListenerAction {
    let redirect = action.redirect_config();
    Elbv2ListenerAction {
        action_type: action
            .r#type()
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        order: action.order(),
        redirect_protocol: redirect.and_then(|r| r.protocol()).map(str::to_string),
        redirect_port: redirect.and_then(|r| r.port()).map(str::to_string),
        redirect_status_code: redirect
            .and_then(|r| r.status_code())
            .map(|c| c.as_str().to_string()),
    }
}

/// The `access_logs.s3.*` attributes of one load balancer. An answer without
/// `access_logs.s3.enabled` has the attribute's default, off (moto leaves it out).
async fn access_logs(scope: &Elbv2Scope, arn: &str) -> Result<Elbv2AccessLogs, PartError> {
    const OP: &str = "elasticloadbalancing:DescribeLoadBalancerAttributes";
    let answer = scope
        .call(
            scope
                .client
                .describe_load_balancer_attributes()
                .load_balancer_arn(arn)
                .send(),
        )
        .await;
    let answer = match answer {
        Ok(answer) => answer,
        Err(error)
            if error
                .as_service_error()
                .is_some_and(|e| e.is_load_balancer_not_found_exception()) =>
        {
            return Err(PartError::Gone)
        }
        Err(error) => return Err(PartError::Failed(scope.fail(OP, &error))),
    };
    let value = |key: &str| {
        answer
            .attributes()
            .iter()
            .find(|a| a.key() == Some(key))
            .and_then(|a| a.value())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    Ok(Elbv2AccessLogs {
        enabled: value("access_logs.s3.enabled").is_some_and(|v| v.eq_ignore_ascii_case("true")),
        bucket: value("access_logs.s3.bucket"),
        prefix: value("access_logs.s3.prefix"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_elasticloadbalancingv2::types::{
        ActionTypeEnum, ProtocolEnum, RedirectActionConfig, RedirectActionStatusCodeEnum,
    };

    #[test]
    fn a_plain_listener_keeps_no_security_policy_and_a_redirect_keeps_its_target() {
        let http = Listener::builder()
            .listener_arn("arn:l/1")
            .port(80)
            .protocol(ProtocolEnum::Http)
            .ssl_policy("ELBSecurityPolicy-2016-08")
            .default_actions(
                Action::builder()
                    .r#type(ActionTypeEnum::Redirect)
                    .order(1)
                    .redirect_config(
                        RedirectActionConfig::builder()
                            .protocol("HTTPS")
                            .port("443")
                            .status_code(RedirectActionStatusCodeEnum::Http301)
                            .build(),
                    )
                    .build(),
            )
            .build();
        let model = listener(&http);
        assert_eq!(model.ssl_policy, None, "meaningless on HTTP");
        assert_eq!(model.label(), "HTTP:80");
        assert!(model.final_default_action().unwrap().redirects_to_https());
        assert_eq!(
            model.default_actions[0].redirect_status_code.as_deref(),
            Some("HTTP_301")
        );
        let tls = Listener::builder()
            .port(443)
            .protocol(ProtocolEnum::Tls)
            .ssl_policy("ELBSecurityPolicy-TLS13-1-2-2021-06")
            .build();
        assert_eq!(
            listener(&tls).ssl_policy.as_deref(),
            Some("ELBSecurityPolicy-TLS13-1-2-2021-06")
        );
    }
}
