//! ELBv2 types: load balancers, and the listeners that join them.

use crate::model::ResourceKind::Elbv2LoadBalancer as LbKind;
use crate::model::*;
use crate::terraform::adapt::Builder;
use crate::terraform::instances::{block_bool, block_str, Instance, Step};
use crate::terraform::registry::{TypeMapping, UnknownField};
use crate::terraform::relations::{Link, Target};
use serde_json::Value;

/// The ELBv2 types, in the order of docs/terraform.md.
pub(crate) const TYPES: &[TypeMapping] = &[
    TypeMapping {
        types: &["aws_lb", "aws_alb"],
        kinds: &[LbKind],
        resource: Some(load_balancer),
        relation: None,
        unknown: &[LB_TYPE, LB_SCHEME, LB_ACCESS_LOGS],
        becomes: "`elbv2_load_balancer`",
        notes: "`load_balancer_type` (default `application`), `internal` (default false: \
                internet-facing), `access_logs` (`enabled` defaults to false even with a \
                bucket; Gateway Load Balancers have none); its listeners are the \
                `aws_lb_listener`s that join it",
    },
    TypeMapping {
        types: &["aws_lb_listener", "aws_alb_listener"],
        kinds: &[LbKind],
        resource: None,
        relation: Some(listener),
        unknown: &[
            LISTENER_PROTOCOL,
            LISTENER_SSL_POLICY,
            LISTENER_ACTIONS,
            LISTENERS,
        ],
        becomes: "one of the `listeners` of its `elbv2_load_balancer`",
        notes: "joins a load balancer of the plan (`load_balancer_arn`); `protocol` \
                (default `HTTP` on Application Load Balancers), `ssl_policy` of HTTPS/TLS \
                listeners (unset, it is known only after apply), `default_action` with \
                its `order` and `redirect`",
    },
];

const LB_TYPE: UnknownField = UnknownField::new(LbKind, "load_balancer_type", "load_balancer_type");
const LB_SCHEME: UnknownField = UnknownField::new(LbKind, "scheme", "internal");
const LB_ACCESS_LOGS: UnknownField = UnknownField::new(LbKind, "access_logs", "access_logs");
const LISTENER_PROTOCOL: UnknownField = UnknownField::new(LbKind, "listeners.protocol", "protocol");
const LISTENER_SSL_POLICY: UnknownField =
    UnknownField::new(LbKind, "listeners.ssl_policy", "ssl_policy");
const LISTENER_ACTIONS: UnknownField =
    UnknownField::new(LbKind, "listeners.default_actions", "default_action");
/// A listener whose load balancer is not known could be any load balancer's.
const LISTENERS: UnknownField = UnknownField::new(LbKind, "listeners", "load_balancer_arn");

const LOAD_BALANCER: Link = Link {
    attribute: "load_balancer_arn",
    kind: LbKind,
    types: &["aws_lb", "aws_alb"],
    value_prefix: "",
};

fn load_balancer(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let unknown: Vec<UnknownValue> = [LB_TYPE, LB_SCHEME, LB_ACCESS_LOGS]
        .iter()
        .filter(|field| i.is_unknown(field.attribute))
        .map(|field| i.unknown(field))
        .collect();
    let load_balancer_type = i.str("load_balancer_type").unwrap_or("application");
    let scheme = if i.bool("internal").unwrap_or(false) {
        "internal"
    } else {
        "internet-facing"
    };
    let access_logs = (load_balancer_type != "gateway").then(|| {
        let block = i.block("access_logs");
        Elbv2AccessLogs {
            enabled: block_bool(block, "enabled").unwrap_or(false),
            bucket: block_str(block, "bucket").map(str::to_string),
            prefix: block_str(block, "prefix").map(str::to_string),
        }
    });
    let config = ResourceConfig::Elbv2LoadBalancer(Elbv2LoadBalancer {
        load_balancer_name: i
            .str("name")
            .map(str::to_string)
            .unwrap_or_else(|| i.native_id()),
        load_balancer_type: Some(load_balancer_type.to_string()),
        scheme: Some(scheme.to_string()),
        vpc_id: i.str("vpc_id").map(str::to_string),
        dns_name: i.str("dns_name").map(str::to_string),
        state: None,
        created_time: None,
        listeners: Some(Vec::new()),
        access_logs,
    });
    let identity = i.str("arn").or(i.str("id")).map(str::to_string);
    b.push_primary(position, config, unknown, identity);
}

/// An `aws_lb_listener` becomes one listener of its load balancer.
fn listener(b: &mut Builder<'_>, position: usize) {
    let target = b.target(position, &LOAD_BALANCER);
    let i = &b.instances[position];
    match target {
        Target::Resource(index) => {
            let ResourceConfig::Elbv2LoadBalancer(lb) = &mut b.resources[index].config else {
                return;
            };
            let application = lb.load_balancer_type.as_deref() == Some("application");
            let (model, unknown) = listener_of(i, application);
            lb.listeners.get_or_insert_with(Vec::new).push(model);
            b.planned[index].unknown.extend(unknown);
        }
        // A load balancer outside the plan is not judged here.
        Target::Outside(_) => {}
        // It could be any load balancer of the plan.
        Target::Unknown => {
            let value = i.unknown(&LISTENERS);
            b.spread_unknown(LbKind, value);
        }
    }
}

/// The listener an instance describes, and what of it the plan does not know yet: its
/// protocol; the security policy of an HTTPS/TLS listener; the default actions of an HTTP
/// listener (the only ones a rule reads there).
fn listener_of(i: &Instance<'_>, application: bool) -> (Elbv2Listener, Vec<UnknownValue>) {
    let mut unknown = Vec::new();
    let protocol = match i.str("protocol") {
        Some(protocol) => Some(protocol.to_ascii_uppercase()),
        None if i.is_unknown("protocol") => {
            unknown.push(i.unknown(&LISTENER_PROTOCOL));
            None
        }
        None if application => Some("HTTP".to_string()),
        None => None,
    };
    let terminates_tls = matches!(protocol.as_deref(), Some("HTTPS" | "TLS"));
    if terminates_tls && i.is_unknown("ssl_policy") {
        unknown.push(i.unknown(&LISTENER_SSL_POLICY));
    }
    let default_actions: Vec<Elbv2ListenerAction> = i
        .attr("default_action")
        .and_then(Value::as_array)
        .map(|actions| actions.iter().map(action).collect())
        .unwrap_or_default();
    // What an action does (its type and redirect) decides; its computed `order` only
    // ranks authentication actions before the final one.
    let actions_unknown = (0..default_actions.len().max(1)).any(|n| {
        ["type", "redirect"].iter().any(|key| {
            i.unknown_within(&[Step::Key("default_action"), Step::At(n), Step::Key(key)])
        })
    });
    if protocol.as_deref() == Some("HTTP") && actions_unknown {
        unknown.push(i.unknown(&LISTENER_ACTIONS));
    }
    let listener = Elbv2Listener {
        listener_arn: i.str("arn").map(str::to_string),
        port: i.int("port").and_then(|p| i32::try_from(p).ok()),
        protocol,
        ssl_policy: i
            .str("ssl_policy")
            .filter(|_| terminates_tls)
            .map(str::to_string),
        default_actions,
    };
    (listener, unknown)
}

fn action(action: &Value) -> Elbv2ListenerAction {
    let redirect = action
        .get("redirect")
        .and_then(Value::as_array)
        .and_then(|r| r.first());
    let is_redirect = block_str(Some(action), "type") == Some("redirect");
    Elbv2ListenerAction {
        action_type: block_str(Some(action), "type")
            .unwrap_or_default()
            .to_string(),
        order: action
            .get("order")
            .and_then(Value::as_i64)
            .and_then(|o| i32::try_from(o).ok()),
        // The provider's default, as AWS's: the request's own protocol and port.
        redirect_protocol: is_redirect.then(|| {
            block_str(redirect, "protocol")
                .unwrap_or("#{protocol}")
                .to_string()
        }),
        redirect_port: is_redirect
            .then(|| block_str(redirect, "port").unwrap_or("#{port}").to_string()),
        redirect_status_code: block_str(redirect, "status_code").map(str::to_string),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::terraform::{load, PlanOptions};
    use std::path::Path;

    /// The edge-plan fixture (load balancers and Lambda), with its `.tf` sources.
    pub(crate) fn edge_plan() -> Snapshot {
        let root =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/terraform/edge-plan");
        let plan = root.join("plan.json");
        load(&PlanOptions {
            plan_path: &plan,
            tf_root: Some(&root),
            tool_version: "test",
        })
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn lb<'s>(snapshot: &'s Snapshot, id: &str) -> &'s Elbv2LoadBalancer {
        match &snapshot
            .resources
            .iter()
            .find(|r| r.id == id)
            .expect(id)
            .config
        {
            ResourceConfig::Elbv2LoadBalancer(lb) => lb,
            other => panic!("{id} is {other:?}"),
        }
    }

    fn unknown(snapshot: &Snapshot, id: &str) -> Vec<(String, String)> {
        snapshot.plan.as_ref().unwrap().resources[id]
            .unknown
            .iter()
            .map(|u| (u.field.clone(), u.attribute.clone()))
            .collect()
    }

    #[test]
    fn listeners_join_their_load_balancer_by_reference_with_protocol_policy_and_actions() {
        let snapshot = edge_plan();
        let web = lb(&snapshot, "aws_lb.web");
        assert_eq!(web.load_balancer_type.as_deref(), Some("application"));
        assert_eq!(web.scheme.as_deref(), Some("internet-facing"));
        assert_eq!(
            web.access_logs,
            Some(Elbv2AccessLogs {
                enabled: true,
                bucket: Some("acme-lb-logs".into()),
                prefix: Some("web".into())
            })
        );
        let listeners = web.listeners.as_ref().unwrap();
        assert_eq!(listeners.len(), 2);
        assert_eq!(listeners[0].label(), "HTTP:80");
        assert!(listeners[0]
            .final_default_action()
            .unwrap()
            .redirects_to_https());
        assert_eq!(
            listeners[1].ssl_policy.as_deref(),
            Some("ELBSecurityPolicy-TLS13-1-2-2021-06")
        );
        assert_eq!(unknown(&snapshot, "aws_lb.web"), []);

        // aws_alb is the same type.
        let legacy = lb(&snapshot, "aws_alb.legacy");
        assert_eq!(legacy.access_logs.as_ref().map(|l| l.enabled), Some(false));
        assert_eq!(legacy.listeners.as_ref().unwrap().len(), 2);
        assert_eq!(unknown(&snapshot, "aws_alb.legacy"), []);
        assert_eq!(
            lb(&snapshot, "aws_lb.intranet").scheme.as_deref(),
            Some("internal")
        );
        assert_eq!(
            unknown(&snapshot, "aws_lb.api"),
            [(
                "listeners.ssl_policy".to_string(),
                "aws_lb_listener.api_https.ssl_policy".to_string()
            )]
        );
        let broker = lb(&snapshot, "aws_lb.broker");
        assert_eq!(broker.listeners.as_ref().unwrap()[0].label(), "TLS:8883");
    }
}
