//! Builders of load balancers for the ELBv2 rules' unit tests.

use crate::testing::{resource, ACCOUNT, REGION};
use soc2scan_model::{
    Elbv2AccessLogs, Elbv2Listener, Elbv2ListenerAction, Elbv2LoadBalancer, Resource,
    ResourceConfig,
};

/// An internet-facing Application Load Balancer with no listeners and access logs on.
pub fn alb(name: &str) -> Elbv2LoadBalancer {
    Elbv2LoadBalancer {
        load_balancer_name: name.to_string(),
        load_balancer_type: Some("application".to_string()),
        scheme: Some("internet-facing".to_string()),
        vpc_id: Some("vpc-1".to_string()),
        dns_name: Some(format!("{name}-1.{REGION}.elb.amazonaws.com")),
        state: Some("active".to_string()),
        created_time: None,
        listeners: Some(Vec::new()),
        access_logs: Some(Elbv2AccessLogs {
            enabled: true,
            bucket: Some("acme-lb-logs".to_string()),
            prefix: None,
        }),
    }
}

/// A load balancer of another type (`network`, `gateway`).
pub fn of_type(name: &str, load_balancer_type: &str) -> Elbv2LoadBalancer {
    Elbv2LoadBalancer {
        load_balancer_type: Some(load_balancer_type.to_string()),
        access_logs: (load_balancer_type != "gateway").then(|| Elbv2AccessLogs {
            enabled: true,
            bucket: Some("acme-lb-logs".to_string()),
            prefix: None,
        }),
        ..alb(name)
    }
}

/// An internal load balancer.
pub fn internal(lb: Elbv2LoadBalancer) -> Elbv2LoadBalancer {
    Elbv2LoadBalancer {
        scheme: Some("internal".to_string()),
        ..lb
    }
}

/// The load balancer with these listeners.
pub fn with(lb: Elbv2LoadBalancer, listeners: Vec<Elbv2Listener>) -> Elbv2LoadBalancer {
    Elbv2LoadBalancer {
        listeners: Some(listeners),
        ..lb
    }
}

fn action(action_type: &str, redirect_protocol: Option<&str>) -> Elbv2ListenerAction {
    Elbv2ListenerAction {
        action_type: action_type.to_string(),
        order: Some(1),
        redirect_protocol: redirect_protocol.map(str::to_string),
        redirect_port: redirect_protocol.map(|_| "443".to_string()),
        redirect_status_code: redirect_protocol.map(|_| "HTTP_301".to_string()),
    }
}

/// A listener on `port` with `protocol` (and `ssl_policy`), forwarding to a target group.
pub fn listener(port: i32, protocol: &str, ssl_policy: Option<&str>) -> Elbv2Listener {
    Elbv2Listener {
        listener_arn: Some(format!(
            "arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:listener/app/x/1/{port}"
        )),
        port: Some(port),
        protocol: Some(protocol.to_string()),
        ssl_policy: ssl_policy.map(str::to_string),
        default_actions: vec![action("forward", None)],
    }
}

/// An HTTP listener whose default action redirects to `protocol`.
pub fn redirecting(port: i32, protocol: &str) -> Elbv2Listener {
    Elbv2Listener {
        default_actions: vec![action("redirect", Some(protocol))],
        ..listener(port, "HTTP", None)
    }
}

/// An HTTP listener answering with a fixed response.
pub fn fixed_response(port: i32) -> Elbv2Listener {
    Elbv2Listener {
        default_actions: vec![action("fixed-response", None)],
        ..listener(port, "HTTP", None)
    }
}

/// A load balancer as a resource.
pub fn lb(config: Elbv2LoadBalancer) -> Resource {
    let kind = match config.load_balancer_type.as_deref() {
        Some("network") => "net",
        Some("gateway") => "gwy",
        _ => "app",
    };
    resource(
        &format!(
            "arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/{kind}/{}/50dc6c495c0c9188",
            config.load_balancer_name
        ),
        ResourceConfig::Elbv2LoadBalancer(config),
    )
}
