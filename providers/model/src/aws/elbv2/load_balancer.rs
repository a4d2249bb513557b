use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An Application, Network or Gateway Load Balancer (`DescribeLoadBalancers`) with its
/// listeners (`DescribeListeners`) and access-log settings
/// (`DescribeLoadBalancerAttributes`).
///
/// The listeners and the attributes are read by calls of their own, per load balancer;
/// each has a coverage-only kind (`elbv2_listeners`, `elbv2_load_balancer_attributes`), so
/// a failed read leaves that field `None` with a gap narrowed to the load balancer, and
/// only the rules reading it are not evaluated there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Elbv2LoadBalancer {
    /// The load balancer's name.
    pub load_balancer_name: String,
    /// `application`, `network` or `gateway` (`Type`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancer_type: Option<String>,
    /// `internet-facing` or `internal` (`Scheme`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    /// The VPC it is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    /// Its public DNS name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_name: Option<String>,
    /// `active`, `provisioning`, `active_impaired` or `failed` (`State.Code`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// When it was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_time: Option<DateTime<Utc>>,
    /// Its listeners (`DescribeListeners`), in the order AWS lists them; `None` when that
    /// call failed (a narrowed `elbv2_listeners` gap says so).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listeners: Option<Vec<Elbv2Listener>>,
    /// Its access-log settings (`access_logs.s3.*` of `DescribeLoadBalancerAttributes`);
    /// `None` when that call failed (a narrowed `elbv2_load_balancer_attributes` gap says
    /// so), and for Gateway Load Balancers, which have no access logs and are not asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_logs: Option<Elbv2AccessLogs>,
}

impl Elbv2LoadBalancer {
    /// Whether it is reachable from the internet (`None` when the scheme is not known).
    pub fn internet_facing(&self) -> Option<bool> {
        self.scheme.as_deref().map(|s| s == "internet-facing")
    }
}

/// One listener: the port and protocol a load balancer accepts connections on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Elbv2Listener {
    /// The listener's ARN (`None` on a Terraform plan before apply).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listener_arn: Option<String>,
    /// The port; `None` for Gateway Load Balancer listeners, which have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,
    /// `HTTP`, `HTTPS`, `TCP`, `TLS`, `UDP`, `TCP_UDP` or `GENEVE`; `None` for Gateway
    /// Load Balancer listeners.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// The security policy of an `HTTPS` or `TLS` listener (`SslPolicy`). Kept only for
    /// those protocols: emulators report one on plain listeners too, where it means nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssl_policy: Option<String>,
    /// The default actions, in their order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub default_actions: Vec<Elbv2ListenerAction>,
}

impl Elbv2Listener {
    /// Whether the listener terminates TLS (`HTTPS` or `TLS`).
    pub fn terminates_tls(&self) -> bool {
        matches!(self.protocol.as_deref(), Some("HTTPS" | "TLS"))
    }

    /// `HTTPS:443`, or the protocol alone without a port.
    pub fn label(&self) -> String {
        let protocol = self.protocol.as_deref().unwrap_or("GENEVE");
        match self.port {
            Some(port) => format!("{protocol}:{port}"),
            None => protocol.to_string(),
        }
    }

    /// The action that answers a request no rule matched: the last of the default actions
    /// by `order` (authentication actions come first and pass the request on).
    pub fn final_default_action(&self) -> Option<&Elbv2ListenerAction> {
        let mut ordered: Vec<(usize, &Elbv2ListenerAction)> =
            self.default_actions.iter().enumerate().collect();
        ordered.sort_by_key(|(index, action)| (action.order.unwrap_or(i32::MAX), *index));
        ordered.last().map(|(_, action)| *action)
    }
}

/// One action of a listener.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Elbv2ListenerAction {
    /// `forward`, `redirect`, `fixed-response`, `authenticate-oidc` or
    /// `authenticate-cognito`.
    pub action_type: String,
    /// Its position among the listener's actions (lowest first), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<i32>,
    /// The protocol a `redirect` sends clients to: `HTTP`, `HTTPS` or `#{protocol}` (the
    /// request's own, AWS's default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_protocol: Option<String>,
    /// The port a `redirect` sends clients to (`#{port}` keeps the request's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_port: Option<String>,
    /// `HTTP_301` or `HTTP_302` for a `redirect`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_status_code: Option<String>,
}

impl Elbv2ListenerAction {
    /// Whether the action redirects clients to HTTPS.
    pub fn redirects_to_https(&self) -> bool {
        self.action_type == "redirect" && self.redirect_protocol.as_deref() == Some("HTTPS")
    }
}

/// A load balancer's access-log settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Elbv2AccessLogs {
    /// `access_logs.s3.enabled` (an answer without it has AWS's default, off).
    pub enabled: bool,
    /// `access_logs.s3.bucket`, when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket: Option<String>,
    /// `access_logs.s3.prefix`, when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
}
