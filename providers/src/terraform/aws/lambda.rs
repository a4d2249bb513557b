//! Lambda types: functions, and the permissions and URLs that join them.

use crate::model::ResourceKind::LambdaFunction as FunctionKind;
use crate::model::*;
use crate::terraform::adapt::Builder;
use crate::terraform::instances::Instance;
use crate::terraform::registry::{TypeMapping, UnknownField};
use crate::terraform::relations::{Link, Target};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The Lambda types, in the order of docs/terraform.md.
pub(crate) const TYPES: &[TypeMapping] = &[
    TypeMapping {
        types: &["aws_lambda_function"],
        kinds: &[FunctionKind],
        resource: Some(function),
        relation: None,
        unknown: &[RUNTIME, PACKAGE_TYPE],
        becomes: "`lambda_function`",
        notes: "`runtime`, `package_type` (default `Zip`); no policy and no URL until an \
                `aws_lambda_permission` or `aws_lambda_function_url` joins it; \
                `environment` is never read",
    },
    TypeMapping {
        types: &["aws_lambda_permission"],
        kinds: &[FunctionKind],
        resource: None,
        relation: Some(permission),
        unknown: &[
            PERMISSION_PRINCIPAL,
            PERMISSION_ACTION,
            PERMISSION_SOURCE_ARN,
            PERMISSION_SOURCE_ACCOUNT,
            PERMISSION_ORG,
        ],
        becomes: "a statement of the `policy` of its `lambda_function`",
        notes: "joins a function of the plan (`function_name`, by name or reference); the \
                statement AWS writes for it: `principal`, `action`, `source_arn` \
                (`ArnLike AWS:SourceArn`), `source_account`, `principal_org_id`, \
                `function_url_auth_type`",
    },
    TypeMapping {
        types: &["aws_lambda_function_url"],
        kinds: &[FunctionKind],
        resource: None,
        relation: Some(function_url),
        unknown: &[URL_AUTH_TYPE],
        becomes: "the `function_url` of its `lambda_function`",
        notes: "joins a function of the plan (`function_name`); `authorization_type`",
    },
];

const RUNTIME: UnknownField = UnknownField::new(FunctionKind, "runtime", "runtime");
const PACKAGE_TYPE: UnknownField = UnknownField::new(FunctionKind, "package_type", "package_type");
const PERMISSION_PRINCIPAL: UnknownField = UnknownField::new(FunctionKind, "policy", "principal");
const PERMISSION_ACTION: UnknownField = UnknownField::new(FunctionKind, "policy", "action");
const PERMISSION_SOURCE_ARN: UnknownField = UnknownField::new(FunctionKind, "policy", "source_arn");
const PERMISSION_SOURCE_ACCOUNT: UnknownField =
    UnknownField::new(FunctionKind, "policy", "source_account");
const PERMISSION_ORG: UnknownField = UnknownField::new(FunctionKind, "policy", "principal_org_id");
const URL_AUTH_TYPE: UnknownField =
    UnknownField::new(FunctionKind, "function_url", "authorization_type");

const FUNCTION: Link = Link {
    attribute: "function_name",
    kind: FunctionKind,
    types: &["aws_lambda_function"],
    value_prefix: "",
};

fn function(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let unknown: Vec<UnknownValue> = [RUNTIME, PACKAGE_TYPE]
        .iter()
        .filter(|field| i.is_unknown(field.attribute))
        .map(|field| i.unknown(field))
        .collect();
    let package_type = i.str("package_type").unwrap_or("Zip");
    let config = ResourceConfig::LambdaFunction(LambdaFunction {
        function_name: i
            .str("function_name")
            .map(str::to_string)
            .unwrap_or_else(|| i.native_id()),
        package_type: Some(package_type.to_string()),
        runtime: i.str("runtime").map(str::to_string),
        role: i.str("role").map(str::to_string),
        last_modified: None,
        policy: Some(LambdaPolicyState::None),
        function_url: Some(LambdaFunctionUrlState::None),
    });
    let identity = i.str("function_name").map(str::to_string);
    b.push_primary(position, config, unknown, identity);
}

/// The function a joining instance names, by its `function_name` (a name, an ARN, or a
/// reference to the function).
fn function_target(b: &Builder<'_>, position: usize) -> Target {
    match b.target(position, &FUNCTION) {
        // `function_name` may be the function's ARN (`…:function:NAME`).
        Target::Outside(value) => match value.rsplit_once(":function:") {
            Some((_, name)) => {
                let name = name.split(':').next().unwrap_or(name);
                match b.by_value.get(&(FunctionKind, name.to_string())) {
                    Some(&index) => Target::Resource(index),
                    None => Target::Outside(value),
                }
            }
            None => Target::Outside(value),
        },
        other => other,
    }
}

/// An `aws_lambda_permission` adds the statement AWS writes for it to its function's
/// policy.
fn permission(b: &mut Builder<'_>, position: usize) {
    let target = function_target(b, position);
    let i = &b.instances[position];
    // The sources restrict who only when the principal is anyone (or not known yet): a
    // service or an account principal is not "everyone" whatever its sources.
    let anyone = i.str("principal").is_none_or(|p| p == "*");
    let unknown: Vec<UnknownValue> = [
        PERMISSION_PRINCIPAL,
        PERMISSION_ACTION,
        PERMISSION_SOURCE_ARN,
        PERMISSION_SOURCE_ACCOUNT,
        PERMISSION_ORG,
    ]
    .iter()
    .filter(|field| i.is_unknown(field.attribute))
    .filter(|field| anyone || field.attribute == "principal" || field.attribute == "action")
    .map(|field| i.unknown(field))
    .collect();
    match target {
        Target::Resource(index) => {
            let statement = statement_of(i);
            if let ResourceConfig::LambdaFunction(function) = &mut b.resources[index].config {
                let mut document = function
                    .policy
                    .take()
                    .and_then(|p| p.document().cloned())
                    .unwrap_or_default();
                document.statements.extend(statement);
                function.policy = Some(LambdaPolicyState::Set { document });
            }
            b.planned[index].unknown.extend(unknown);
        }
        // A function outside the plan is not judged here.
        Target::Outside(_) => {}
        // It could be any function of the plan.
        Target::Unknown => {
            let value = i.unknown_at(&PERMISSION_PRINCIPAL, i.attribute(FUNCTION.attribute));
            b.spread_unknown(FunctionKind, value);
        }
    }
}

/// The statement `AddPermission` writes: the principal as AWS spells it, the action, and
/// the conditions of the source arguments.
fn statement_of(i: &Instance<'_>) -> Option<PolicyStatement> {
    let principal = i.str("principal")?;
    let principal = if principal == "*" {
        Value::String("*".to_string())
    } else if principal.ends_with(".amazonaws.com") || principal.ends_with(".amazonaws.com.cn") {
        json!({ "Service": principal })
    } else {
        json!({ "AWS": principal })
    };
    let mut condition: BTreeMap<String, Value> = BTreeMap::new();
    let mut pin = |operator: &str, key: &str, value: Option<&str>| {
        if let Some(value) = value {
            let entry = condition
                .entry(operator.to_string())
                .or_insert_with(|| json!({}));
            if let Some(map) = entry.as_object_mut() {
                map.insert(key.to_string(), Value::String(value.to_string()));
            }
        }
    };
    pin("ArnLike", "AWS:SourceArn", i.str("source_arn"));
    pin("StringEquals", "AWS:SourceAccount", i.str("source_account"));
    pin(
        "StringEquals",
        "aws:PrincipalOrgID",
        i.str("principal_org_id"),
    );
    pin(
        "StringEquals",
        "lambda:FunctionUrlAuthType",
        i.str("function_url_auth_type"),
    );
    let statement = json!({
        "Sid": i.str("statement_id").unwrap_or_default(),
        "Effect": "Allow",
        "Principal": principal,
        "Action": i.str("action").unwrap_or("lambda:InvokeFunction"),
        "Resource": "*",
        "Condition": condition,
    });
    let mut statement: PolicyStatement = serde_json::from_value(statement).ok()?;
    if statement.condition.as_ref().is_some_and(|c| c.is_empty()) {
        statement.condition = None;
    }
    Some(statement)
}

/// An `aws_lambda_function_url` sets its function's URL.
fn function_url(b: &mut Builder<'_>, position: usize) {
    let target = function_target(b, position);
    let i = &b.instances[position];
    let unknown = i
        .is_unknown(URL_AUTH_TYPE.attribute)
        .then(|| i.unknown(&URL_AUTH_TYPE));
    let auth_type = i.str(URL_AUTH_TYPE.attribute).map(str::to_string);
    let url = i.str("function_url").map(str::to_string);
    match target {
        Target::Resource(index) => {
            if let ResourceConfig::LambdaFunction(function) = &mut b.resources[index].config {
                function.function_url = Some(LambdaFunctionUrlState::Set {
                    auth_type: auth_type.unwrap_or_default(),
                    url,
                });
            }
            b.planned[index].unknown.extend(unknown);
        }
        Target::Outside(_) => {}
        Target::Unknown => {
            let value = i.unknown_at(&URL_AUTH_TYPE, i.attribute(FUNCTION.attribute));
            b.spread_unknown(FunctionKind, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terraform::aws::elbv2::tests::edge_plan;

    fn function<'s>(snapshot: &'s Snapshot, id: &str) -> &'s LambdaFunction {
        match &snapshot
            .resources
            .iter()
            .find(|r| r.id == id)
            .expect(id)
            .config
        {
            ResourceConfig::LambdaFunction(f) => f,
            other => panic!("{id} is {other:?}"),
        }
    }

    #[test]
    fn permissions_and_urls_join_their_function_as_aws_writes_them() {
        let snapshot = edge_plan();
        let resize = function(&snapshot, "aws_lambda_function.resize");
        assert_eq!(resize.runtime.as_deref(), Some("python3.13"));
        assert_eq!(resize.policy, Some(LambdaPolicyState::None));
        assert_eq!(resize.function_url, Some(LambdaFunctionUrlState::None));
        let json = snapshot.to_json_pretty().unwrap();
        assert!(
            !json.contains("canary-tf-lambda-env"),
            "environment variables are never kept"
        );

        let orders = function(&snapshot, "aws_lambda_function.orders_export");
        let statement = &orders
            .policy
            .as_ref()
            .unwrap()
            .document()
            .unwrap()
            .statements[0];
        assert_eq!(statement.sid.as_deref(), Some("public-invoke"));
        assert_eq!(statement.principal, Some(serde_json::json!("*")));
        assert_eq!(statement.condition, None);

        // Joined by a reference to the function's ARN, known only after apply.
        let thumbnail = function(&snapshot, "aws_lambda_function.thumbnail");
        let statement = &thumbnail
            .policy
            .as_ref()
            .unwrap()
            .document()
            .unwrap()
            .statements[0];
        assert_eq!(
            statement.principal,
            Some(serde_json::json!({"Service": "s3.amazonaws.com"}))
        );
        assert_eq!(
            statement.condition.as_ref().unwrap()["ArnLike"],
            serde_json::json!({"AWS:SourceArn": "arn:aws:s3:::acme-uploads"})
        );
        assert_eq!(
            thumbnail.function_url,
            Some(LambdaFunctionUrlState::Set {
                auth_type: "AWS_IAM".into(),
                url: None
            })
        );
        assert!(function(&snapshot, "aws_lambda_function.inference").is_image());
        assert_eq!(
            snapshot.plan.as_ref().unwrap().resources["aws_lambda_function.partner_feed"]
                .unknown
                .iter()
                .map(|u| (u.field.as_str(), u.attribute.as_str()))
                .collect::<Vec<_>>(),
            [(
                "policy",
                "aws_lambda_permission.partner_org.principal_org_id"
            )]
        );
    }
}
