//! Instance expansion: every resource instance of the document (one per `count` /
//! `for_each` key, in every module instance) with what the mappings need beside its
//! values — its configuration block, its provider's account and region, and its source.

use super::address::{index_text, module_path};
use super::document::RawInstance;
use super::locations::LocationIndex;
use super::registry::UnknownField;
use super::{PlanOptions, PLAN_ACCOUNT, UNKNOWN_REGION};
use crate::model::{SourceRef, UnknownValue};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

/// One resource instance of the planned end state.
pub(super) struct Instance<'a> {
    /// Full address, with module and instance keys.
    pub address: String,
    /// `module.a["x"].module.b` or empty.
    pub module_address: &'a str,
    pub rtype: &'a str,
    pub name: &'a str,
    pub index: Option<&'a Value>,
    /// The planned values.
    pub after: &'a Value,
    /// The `after_unknown` mirror (`true` at unknown leaves), or `Null`.
    pub unknown: &'a Value,
    /// The resource's block in `configuration`, if the document has one.
    pub config: Option<&'a Value>,
    pub source: SourceRef,
    pub region: String,
    pub account: String,
    /// Whether the plan creates it ([`RawInstance::created`]).
    pub created: bool,
}

/// A step into a JSON value.
#[derive(Clone, Copy)]
pub(super) enum Step<'p> {
    Key(&'p str),
    At(usize),
}

fn step_into<'v>(value: &'v Value, step: Step<'_>) -> Option<&'v Value> {
    match step {
        Step::Key(key) => value.get(key),
        Step::At(index) => value.get(index),
    }
}

fn contains_true(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::Array(items) => items.iter().any(contains_true),
        Value::Object(map) => map.values().any(contains_true),
        _ => false,
    }
}

impl<'a> Instance<'a> {
    pub(super) fn value(&self, path: &[Step<'_>]) -> Option<&'a Value> {
        let mut value = self.after;
        for step in path {
            value = step_into(value, *step)?;
        }
        (!value.is_null()).then_some(value)
    }

    pub(super) fn attr(&self, name: &str) -> Option<&'a Value> {
        self.value(&[Step::Key(name)])
    }

    pub(super) fn str(&self, name: &str) -> Option<&'a str> {
        self.attr(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }

    pub(super) fn bool(&self, name: &str) -> Option<bool> {
        self.attr(name).and_then(Value::as_bool)
    }

    pub(super) fn int(&self, name: &str) -> Option<i64> {
        self.attr(name).and_then(Value::as_i64)
    }

    /// Whether the value at `path`, or anything inside it, is known only after apply.
    pub(super) fn unknown_within(&self, path: &[Step<'_>]) -> bool {
        let mut value = self.unknown;
        for step in path {
            if value.as_bool() == Some(true) {
                return true;
            }
            match step_into(value, *step) {
                Some(next) => value = next,
                None => return false,
            }
        }
        contains_true(value)
    }

    pub(super) fn is_unknown(&self, name: &str) -> bool {
        self.unknown_within(&[Step::Key(name)])
    }

    /// Whether the configuration sets the attribute or block (always true without one).
    pub(super) fn configured(&self, name: &str) -> bool {
        match self.config {
            Some(config) => config
                .get("expressions")
                .and_then(|e| e.get(name))
                .is_some(),
            None => true,
        }
    }

    /// `references` of the attribute's expression in the configuration.
    pub(super) fn references(&self, name: &str) -> Vec<&'a str> {
        self.config
            .and_then(|config| config.get("expressions"))
            .and_then(|expressions| expressions.get(name))
            .and_then(|expression| expression.get("references"))
            .and_then(Value::as_array)
            .map(|refs| refs.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }

    pub(super) fn attribute(&self, name: &str) -> String {
        format!("{}.{name}", self.address)
    }

    /// The declared unknown field, at its own attribute of this instance.
    pub(super) fn unknown(&self, field: &UnknownField) -> UnknownValue {
        self.unknown_at(field, self.attribute(field.attribute))
    }

    /// The declared unknown field, with the attribute text given (an attribute with an
    /// index, or one that explains why the value is unknown).
    pub(super) fn unknown_at(&self, field: &UnknownField, attribute: String) -> UnknownValue {
        UnknownValue {
            field: field.field.to_string(),
            attribute,
        }
    }

    /// The first element of a nested block list (`root_block_device`, `versioning`).
    pub(super) fn block(&self, name: &str) -> Option<&'a Value> {
        self.value(&[Step::Key(name), Step::At(0)])
    }

    pub(super) fn native_id(&self) -> String {
        self.str("id")
            .map(str::to_string)
            .unwrap_or_else(|| self.address.clone())
    }

    pub(super) fn key_text(&self) -> Option<String> {
        self.index.and_then(index_text)
    }
}

pub(super) fn block_str<'v>(block: Option<&'v Value>, key: &str) -> Option<&'v str> {
    block
        .and_then(|b| b.get(key))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

pub(super) fn block_bool(block: Option<&Value>, key: &str) -> Option<bool> {
    block.and_then(|b| b.get(key)).and_then(Value::as_bool)
}

pub(super) fn block_int(block: Option<&Value>, key: &str) -> Option<i64> {
    block.and_then(|b| b.get(key)).and_then(Value::as_i64)
}

pub(super) fn strings(value: Option<&Value>) -> Vec<&str> {
    value
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

pub(super) fn nets(value: Option<&Value>) -> Vec<ipnet::IpNet> {
    strings(value)
        .into_iter()
        .filter_map(|s| s.parse().ok())
        .collect()
}

/// The plan's `configuration`: resource blocks by module path, and provider configurations.
pub(super) struct Configuration<'a> {
    resources: HashMap<(Vec<String>, &'a str, &'a str), &'a Value>,
    pub(super) providers: Option<&'a serde_json::Map<String, Value>>,
}

impl<'a> Configuration<'a> {
    pub(super) fn new(configuration: Option<&'a Value>) -> Configuration<'a> {
        let mut resources = HashMap::new();
        fn walk<'a>(
            module: &'a Value,
            path: &mut Vec<String>,
            out: &mut HashMap<(Vec<String>, &'a str, &'a str), &'a Value>,
        ) {
            for resource in module
                .get("resources")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if resource.get("mode").and_then(Value::as_str) == Some("data") {
                    continue;
                }
                if let (Some(rtype), Some(name)) = (
                    resource.get("type").and_then(Value::as_str),
                    resource.get("name").and_then(Value::as_str),
                ) {
                    out.insert((path.clone(), rtype, name), resource);
                }
            }
            if let Some(calls) = module.get("module_calls").and_then(Value::as_object) {
                for (name, call) in calls {
                    if let Some(child) = call.get("module") {
                        path.push(name.clone());
                        walk(child, path, out);
                        path.pop();
                    }
                }
            }
        }
        if let Some(root) = configuration.and_then(|c| c.get("root_module")) {
            walk(root, &mut Vec::new(), &mut resources);
        }
        Configuration {
            resources,
            providers: configuration
                .and_then(|c| c.get("provider_config"))
                .and_then(Value::as_object),
        }
    }

    pub(super) fn resource(
        &self,
        modules: &[String],
        rtype: &'a str,
        name: &'a str,
    ) -> Option<&'a Value> {
        self.resources
            .get(&(modules.to_vec(), rtype, name))
            .copied()
    }

    /// The provider configuration a resource uses: by its `provider_config_key` (following
    /// `parent_key` from a module's inherited provider to the one that configures it, and
    /// also trying the key without its `module.x:` prefix), else the only configuration of
    /// that provider.
    pub(super) fn provider_config(
        &self,
        resource: Option<&Value>,
        provider: &str,
    ) -> Option<&'a Value> {
        let providers = self.providers?;
        let configured = |mut entry: &'a Value| -> &'a Value {
            for _ in 0..16 {
                if entry.get("expressions").is_some() {
                    break;
                }
                match entry
                    .get("parent_key")
                    .and_then(Value::as_str)
                    .and_then(|parent| providers.get(parent))
                {
                    Some(parent) => entry = parent,
                    None => break,
                }
            }
            entry
        };
        if let Some(key) = resource
            .and_then(|r| r.get("provider_config_key"))
            .and_then(Value::as_str)
        {
            if let Some(found) = providers.get(key) {
                return Some(configured(found));
            }
            if let Some(found) = key.rsplit(':').next().and_then(|k| providers.get(k)) {
                return Some(configured(found));
            }
        }
        let mut same: Vec<&Value> = providers
            .values()
            .filter(|p| p.get("name").and_then(Value::as_str) == Some(provider))
            .filter(|p| p.get("expressions").is_some())
            .collect();
        (same.len() == 1).then(|| same.remove(0))
    }
}

/// Instances of the planned end state, in document order, and the positions of the
/// instances of each block (module address, type, name) for references.
pub(super) struct Expansion<'a> {
    pub instances: Vec<Instance<'a>>,
    pub by_block: HashMap<(&'a str, &'a str, &'a str), Vec<usize>>,
}

/// Gives every raw instance its configuration, account, region and source.
pub(super) fn expand<'a>(
    raw: Vec<RawInstance<'a>>,
    configuration: &Configuration<'a>,
    options: &PlanOptions<'_>,
    locations: Option<&LocationIndex>,
    plan_file: &str,
) -> Expansion<'a> {
    let tf_prefix = options
        .tf_root
        .filter(|root| root.is_relative())
        .map(|root| root.to_string_lossy().replace('\\', "/"))
        .map(|root| {
            root.trim_start_matches("./")
                .trim_end_matches('/')
                .to_string()
        })
        .filter(|root| !root.is_empty() && root != ".");

    let mut expansion = Expansion {
        instances: Vec::with_capacity(raw.len()),
        by_block: HashMap::new(),
    };
    // The region of AWS resources whose own provider configuration does not say: the only
    // region the document names (one constant provider region, else one region in ARNs).
    let arn_region = |after: &Value| {
        after
            .get("arn")
            .and_then(Value::as_str)
            .and_then(|arn| arn.split(':').nth(3))
            .filter(|region| !region.is_empty())
            .map(str::to_string)
    };
    let document_region = {
        let constants: BTreeSet<String> = configuration
            .providers
            .into_iter()
            .flat_map(|providers| providers.values())
            .filter(|p| p.get("name").and_then(Value::as_str) == Some("aws"))
            .filter_map(|p| p.pointer("/expressions/region/constant_value"))
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        let regions = if constants.is_empty() {
            raw.iter()
                .filter(|r| r.rtype.starts_with("aws_"))
                .filter_map(|r| arn_region(r.after))
                .collect()
        } else {
            constants
        };
        (regions.len() == 1)
            .then(|| regions.into_iter().next())
            .flatten()
    };
    for raw in raw {
        let modules = module_path(raw.module_address);
        let modules_ref: Vec<&str> = modules.iter().map(String::as_str).collect();
        let config = configuration.resource(&modules, raw.rtype, raw.name);
        let location = locations.and_then(|index| index.locate(&modules_ref, raw.rtype, raw.name));
        let source = match location {
            Some(location) => SourceRef {
                file: match &tf_prefix {
                    Some(prefix) => format!("{prefix}/{}", location.file),
                    None => location.file,
                },
                line: Some(location.line),
            },
            None => SourceRef {
                file: plan_file.to_string(),
                line: None,
            },
        };
        let provider = if raw.rtype.starts_with("google_") {
            "google"
        } else {
            "aws"
        };
        let provider_config = configuration.provider_config(config, provider);
        let constant = |key: &str| {
            provider_config
                .and_then(|p| p.get("expressions"))
                .and_then(|e| e.get(key))
                .and_then(|e| e.get("constant_value"))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let (account, region) = if provider == "google" {
            let project = raw
                .after
                .get("project")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| constant("project"))
                .unwrap_or_else(|| PLAN_ACCOUNT.to_string());
            (project, String::new())
        } else {
            let region = constant("region")
                .or_else(|| arn_region(raw.after))
                .or_else(|| document_region.clone())
                .unwrap_or_else(|| UNKNOWN_REGION.to_string());
            (PLAN_ACCOUNT.to_string(), region)
        };
        let instance = Instance {
            address: raw.address,
            module_address: raw.module_address,
            rtype: raw.rtype,
            name: raw.name,
            index: raw.index,
            after: raw.after,
            unknown: raw.unknown,
            config,
            source,
            region,
            account,
            created: raw.created,
        };
        let position = expansion.instances.len();
        expansion
            .by_block
            .entry((raw.module_address, raw.rtype, raw.name))
            .or_default()
            .push(position);
        expansion.instances.push(instance);
    }

    expansion
}
