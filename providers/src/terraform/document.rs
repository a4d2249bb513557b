//! Reading the document: the JSON itself, its format and version, and the resource
//! instances it states — `resource_changes` of a plan (else its `planned_values`), or the
//! `values` of a state — with the planned end state of each.

use super::{PlanError, PlanOptions};
use serde_json::Value;
use std::path::Path;

/// Parses the bytes as JSON and checks they are a plan or state of a supported format.
pub(super) fn read(bytes: &[u8], path: &Path) -> Result<(Value, DocumentKind), PlanError> {
    let document: Value = serde_json::from_slice(bytes).map_err(|error| {
        if error.is_syntax() || error.is_eof() {
            PlanError::Syntax {
                path: path.to_path_buf(),
                line: error.line(),
                column: error.column().max(1),
                message: strip_position(&error),
            }
        } else {
            PlanError::Data {
                path: path.to_path_buf(),
                json_path: ".".to_string(),
                message: strip_position(&error),
            }
        }
    })?;
    let kind = check_header(&document, path)?;
    Ok((document, kind))
}

/// Whether the document is a plan or a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DocumentKind {
    Plan,
    State,
}

fn check_header(document: &Value, path: &Path) -> Result<DocumentKind, PlanError> {
    let not_plan = |found: String| PlanError::NotPlan {
        path: path.to_path_buf(),
        found,
    };
    let Some(object) = document.as_object() else {
        return Err(not_plan(json_kind(document).to_string()));
    };
    if object.contains_key("runs") && object.contains_key("version") {
        return Err(not_plan("a SARIF log".to_string()));
    }
    if object.get("format").and_then(Value::as_str) == Some(crate::SNAPSHOT_FORMAT) {
        return Err(not_plan(
            "a soc2scan snapshot (scan it with --snapshot)".to_string(),
        ));
    }
    let version = match object.get("format_version") {
        Some(Value::String(version)) => version,
        Some(other) => {
            return Err(PlanError::Version {
                path: path.to_path_buf(),
                found: other.to_string(),
            })
        }
        None => return Err(not_plan("no \"format_version\" field".to_string())),
    };
    if version.split('.').next() != Some("1") {
        return Err(PlanError::Version {
            path: path.to_path_buf(),
            found: format!("{version:?}"),
        });
    }
    if object.contains_key("resource_changes") || object.contains_key("planned_values") {
        Ok(DocumentKind::Plan)
    } else if object.contains_key("values") {
        Ok(DocumentKind::State)
    } else if object.contains_key("terraform_version") && object.len() <= 2 {
        // `terraform show -json` of an empty state: nothing to scan, but a valid state.
        Ok(DocumentKind::State)
    } else {
        Err(not_plan(
            "an object without \"resource_changes\", \"planned_values\" or \"values\"".to_string(),
        ))
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// serde_json appends " at line L column C"; the error already shows the position.
fn strip_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}

/// An instance as the document states it, before its configuration is looked up.
pub(super) struct RawInstance<'a> {
    pub address: String,
    pub module_address: &'a str,
    pub rtype: &'a str,
    pub name: &'a str,
    pub index: Option<&'a Value>,
    /// The planned values (a state's `values`).
    pub after: &'a Value,
    /// The `after_unknown` mirror, or `Null`.
    pub unknown: &'a Value,
    /// Whether the plan creates it (a create or a replacement), so what a new resource of
    /// its type gets by default applies; `false` for existing resources and states.
    pub created: bool,
}

static NULL: Value = Value::Null;

/// The instances of the planned end state, and how many resources the plan deletes.
pub(super) fn raw_instances<'a>(
    document: &'a Value,
    kind: DocumentKind,
    options: &PlanOptions<'_>,
) -> Result<(Vec<RawInstance<'a>>, usize), PlanError> {
    let data_error = |json_path: String, message: &str| PlanError::Data {
        path: options.plan_path.to_path_buf(),
        json_path,
        message: message.to_string(),
    };
    let mut out = Vec::new();
    let mut deleted = 0;
    if kind == DocumentKind::Plan {
        if let Some(changes) = document.get("resource_changes") {
            let changes = changes
                .as_array()
                .ok_or_else(|| data_error("resource_changes".into(), "expected an array"))?;
            for (i, change) in changes.iter().enumerate() {
                let at = |field: &str| format!("resource_changes[{i}].{field}");
                let text = |field: &str| -> Result<&'a str, PlanError> {
                    change
                        .get(field)
                        .and_then(Value::as_str)
                        .ok_or_else(|| data_error(at(field), "expected a string"))
                };
                if change.get("mode").and_then(Value::as_str) == Some("data") {
                    continue;
                }
                let address = text("address")?;
                let rtype = text("type")?;
                let name = text("name")?;
                let body = change
                    .get("change")
                    .filter(|c| c.is_object())
                    .ok_or_else(|| data_error(at("change"), "expected an object"))?;
                let actions: Vec<&str> = body
                    .get("actions")
                    .and_then(Value::as_array)
                    .ok_or_else(|| {
                        data_error(at("change.actions"), "expected an array of actions")
                    })?
                    .iter()
                    .map(|a| a.as_str().unwrap_or(""))
                    .collect();
                if actions.iter().all(|a| matches!(*a, "delete" | "forget")) {
                    deleted += 1;
                    continue;
                }
                let after = body.get("after").unwrap_or(&NULL);
                if !after.is_object() {
                    return Err(data_error(
                        at("change.after"),
                        "expected an object (the planned values) for a resource that is not deleted",
                    ));
                }
                out.push(RawInstance {
                    address: address.to_string(),
                    module_address: change
                        .get("module_address")
                        .and_then(Value::as_str)
                        .unwrap_or(""),
                    rtype,
                    name,
                    index: change.get("index"),
                    after,
                    unknown: body.get("after_unknown").unwrap_or(&NULL),
                    created: actions.contains(&"create"),
                });
            }
            return Ok((out, deleted));
        }
    }
    let (root, root_path) = match kind {
        DocumentKind::Plan => (
            document.pointer("/planned_values/root_module"),
            "planned_values.root_module",
        ),
        DocumentKind::State => (
            document.pointer("/values/root_module"),
            "values.root_module",
        ),
    };
    if let Some(root) = root {
        walk_module(root, root_path.to_string(), &mut out, &data_error)?;
    }
    Ok((out, deleted))
}

fn walk_module<'a>(
    module: &'a Value,
    path: String,
    out: &mut Vec<RawInstance<'a>>,
    data_error: &dyn Fn(String, &str) -> PlanError,
) -> Result<(), PlanError> {
    let module_address = module.get("address").and_then(Value::as_str).unwrap_or("");
    if let Some(resources) = module.get("resources") {
        let resources = resources
            .as_array()
            .ok_or_else(|| data_error(format!("{path}.resources"), "expected an array"))?;
        for (i, resource) in resources.iter().enumerate() {
            if resource.get("mode").and_then(Value::as_str) == Some("data") {
                continue;
            }
            let text = |field: &str| -> Result<&'a str, PlanError> {
                resource.get(field).and_then(Value::as_str).ok_or_else(|| {
                    data_error(
                        format!("{path}.resources[{i}].{field}"),
                        "expected a string",
                    )
                })
            };
            let values = resource.get("values").unwrap_or(&NULL);
            if !values.is_object() {
                return Err(data_error(
                    format!("{path}.resources[{i}].values"),
                    "expected an object",
                ));
            }
            out.push(RawInstance {
                address: text("address")?.to_string(),
                module_address,
                rtype: text("type")?,
                name: text("name")?,
                index: resource.get("index"),
                after: values,
                unknown: &NULL,
                created: false,
            });
        }
    }
    if let Some(children) = module.get("child_modules").and_then(Value::as_array) {
        for (i, child) in children.iter().enumerate() {
            walk_module(child, format!("{path}.child_modules[{i}]"), out, data_error)?;
        }
    }
    Ok(())
}

/// The data sources a plan reads only during apply (`resource_changes` entries of mode
/// `data` with the action `read`), with the arguments the plan already knows: a mapping
/// can rebuild what such a data source will return (an `aws_iam_policy_document` whose
/// statements are known). Data sources read while planning are not needed: the values
/// that use them are known.
pub(super) fn deferred_data_sources(document: &Value) -> Vec<RawInstance<'_>> {
    document
        .get("resource_changes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|change| change.get("mode").and_then(Value::as_str) == Some("data"))
        .filter_map(|change| {
            let body = change.get("change")?;
            let after = body.get("after").filter(|a| a.is_object())?;
            Some(RawInstance {
                address: change.get("address")?.as_str()?.to_string(),
                module_address: change
                    .get("module_address")
                    .and_then(Value::as_str)
                    .unwrap_or(""),
                rtype: change.get("type")?.as_str()?,
                name: change.get("name")?.as_str()?,
                index: change.get("index"),
                after,
                unknown: body.get("after_unknown").unwrap_or(&NULL),
                created: false,
            })
        })
        .collect()
}
