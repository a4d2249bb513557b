//! From plan JSON to the model: resource instances, their configuration, the mapping of
//! each supported type, and the relations between them.

use super::address::{index_text, managed_reference, module_path};
use super::locations::LocationIndex;
use super::{DocumentKind, PlanError, PlanOptions, PLAN_ACCOUNT, UNKNOWN_REGION};
use crate::model::*;
use crate::snapshot::{CollectionUnit, CoverageEntry, CoverageStatus, ScanTarget, Snapshot};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One resource instance of the planned end state.
pub(crate) struct Instance<'a> {
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
}

/// A step into a JSON value.
#[derive(Clone, Copy)]
enum Step<'p> {
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
    fn value(&self, path: &[Step<'_>]) -> Option<&'a Value> {
        let mut value = self.after;
        for step in path {
            value = step_into(value, *step)?;
        }
        (!value.is_null()).then_some(value)
    }

    fn attr(&self, name: &str) -> Option<&'a Value> {
        self.value(&[Step::Key(name)])
    }

    fn str(&self, name: &str) -> Option<&'a str> {
        self.attr(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }

    fn bool(&self, name: &str) -> Option<bool> {
        self.attr(name).and_then(Value::as_bool)
    }

    fn int(&self, name: &str) -> Option<i64> {
        self.attr(name).and_then(Value::as_i64)
    }

    /// Whether the value at `path`, or anything inside it, is known only after apply.
    fn unknown_within(&self, path: &[Step<'_>]) -> bool {
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

    fn is_unknown(&self, name: &str) -> bool {
        self.unknown_within(&[Step::Key(name)])
    }

    /// Whether the configuration sets the attribute or block (always true without one).
    fn configured(&self, name: &str) -> bool {
        match self.config {
            Some(config) => config
                .get("expressions")
                .and_then(|e| e.get(name))
                .is_some(),
            None => true,
        }
    }

    /// `references` of the attribute's expression in the configuration.
    fn references(&self, name: &str) -> Vec<&'a str> {
        self.config
            .and_then(|config| config.get("expressions"))
            .and_then(|expressions| expressions.get(name))
            .and_then(|expression| expression.get("references"))
            .and_then(Value::as_array)
            .map(|refs| refs.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }

    fn attribute(&self, name: &str) -> String {
        format!("{}.{name}", self.address)
    }

    fn unknown_value(&self, field: &str, attribute: &str) -> UnknownValue {
        UnknownValue {
            field: field.to_string(),
            attribute: self.attribute(attribute),
        }
    }

    /// The first element of a nested block list (`root_block_device`, `versioning`).
    fn block(&self, name: &str) -> Option<&'a Value> {
        self.value(&[Step::Key(name), Step::At(0)])
    }

    fn native_id(&self) -> String {
        self.str("id")
            .map(str::to_string)
            .unwrap_or_else(|| self.address.clone())
    }

    fn key_text(&self) -> Option<String> {
        self.index.and_then(index_text)
    }
}

fn block_str<'v>(block: Option<&'v Value>, key: &str) -> Option<&'v str> {
    block
        .and_then(|b| b.get(key))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn block_bool(block: Option<&Value>, key: &str) -> Option<bool> {
    block.and_then(|b| b.get(key)).and_then(Value::as_bool)
}

fn block_int(block: Option<&Value>, key: &str) -> Option<i64> {
    block.and_then(|b| b.get(key)).and_then(Value::as_i64)
}

fn strings(value: Option<&Value>) -> Vec<&str> {
    value
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn nets(value: Option<&Value>) -> Vec<ipnet::IpNet> {
    strings(value)
        .into_iter()
        .filter_map(|s| s.parse().ok())
        .collect()
}

/// Where a relation points.
enum Target {
    /// A resource of the snapshot (index).
    Resource(usize),
    /// A known value that matches no resource of the plan (something outside it).
    Outside(String),
    /// Neither known nor resolvable through references.
    Unknown,
}

/// Which attribute identifies a resource for relations: security groups by `id`, users by
/// `name`, buckets by `name`, policies by `arn`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Class {
    SecurityGroup,
    NetworkAcl,
    Vpc,
    Volume,
    Image,
    User,
    Group,
    Role,
    Policy,
    Bucket,
}

struct Builder<'a> {
    instances: Vec<Instance<'a>>,
    /// Instances by (module address, type, name).
    by_block: HashMap<(&'a str, &'a str, &'a str), Vec<usize>>,
    resources: Vec<Resource>,
    planned: Vec<PlannedResource>,
    /// The resource each primary instance became.
    resource_of: HashMap<usize, usize>,
    /// Resources by a known identifying value.
    by_value: HashMap<(Class, String), usize>,
    now: DateTime<Utc>,
    ignored: BTreeMap<String, usize>,
    /// Attributes of flow logs whose VPC is known only after apply.
    unresolved_flow_logs: Vec<UnknownValue>,
}

pub(crate) fn build(
    document: &Value,
    kind: DocumentKind,
    options: &PlanOptions<'_>,
    locations: Option<&LocationIndex>,
) -> Result<Snapshot, PlanError> {
    let plan_file = options.plan_path.to_string_lossy().replace('\\', "/");
    let now = document
        .get("timestamp")
        .and_then(Value::as_str)
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(Utc::now);
    let configuration = Configuration::new(document.get("configuration"));
    let (raw, deleted) = raw_instances(document, kind, options)?;
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

    let mut builder = Builder {
        instances: Vec::with_capacity(raw.len()),
        by_block: HashMap::new(),
        resources: Vec::new(),
        planned: Vec::new(),
        resource_of: HashMap::new(),
        by_value: HashMap::new(),
        now,
        ignored: BTreeMap::new(),
        unresolved_flow_logs: Vec::new(),
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
                file: plan_file.clone(),
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
        };
        let position = builder.instances.len();
        builder
            .by_block
            .entry((raw.module_address, raw.rtype, raw.name))
            .or_default()
            .push(position);
        builder.instances.push(instance);
    }

    for position in 0..builder.instances.len() {
        builder.primary(position);
    }
    for position in 0..builder.instances.len() {
        builder.relation(position);
    }
    builder.finish_flow_logs();

    let mut snapshot = Snapshot::new(options.tool_version, now, now);
    let mut scopes: BTreeMap<(Provider, String), BTreeSet<String>> = BTreeMap::new();
    for resource in &builder.resources {
        let regions = scopes
            .entry((resource.provider, resource.account.clone()))
            .or_default();
        if resource.kind().collection_scope() == CollectionScope::Regional {
            regions.insert(resource.region.clone());
        }
    }
    for ((provider, account), regions) in scopes {
        // The plan is the whole planned state of what it manages: every unit is "collected".
        for &kind in ResourceKind::ALL
            .iter()
            .filter(|k| k.provider() == provider)
        {
            let unit_regions: Vec<String> = match kind.collection_scope() {
                CollectionScope::Regional => regions.iter().cloned().collect(),
                CollectionScope::Global => vec![GLOBAL_REGION.to_string()],
            };
            for region in unit_regions {
                snapshot.coverage.push(CoverageEntry {
                    unit: CollectionUnit {
                        provider,
                        account: account.clone(),
                        region,
                        kind,
                        resource: None,
                    },
                    status: CoverageStatus::Ok,
                });
            }
        }
        snapshot.metadata.targets.push(ScanTarget {
            provider,
            account,
            alias: None,
            regions: regions.into_iter().collect(),
            identity: None,
        });
    }
    let planned: BTreeMap<String, PlannedResource> = builder
        .resources
        .iter()
        .zip(builder.planned)
        .map(|(resource, planned)| (resource.id.clone(), planned))
        .collect();
    snapshot.resources = builder.resources;
    snapshot.plan = Some(PlanInfo {
        plan_file,
        format_version: document
            .get("format_version")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        terraform_version: document
            .get("terraform_version")
            .and_then(Value::as_str)
            .map(str::to_string),
        is_state: kind == DocumentKind::State,
        resources: planned,
        ignored_types: builder.ignored,
        deleted,
        unresolved_modules: locations
            .map(|index| {
                index
                    .unresolved_modules()
                    .iter()
                    .map(ToString::to_string)
                    .collect()
            })
            .unwrap_or_default(),
    });
    Ok(snapshot)
}

/// An instance as the document states it, before its configuration is looked up.
struct RawInstance<'a> {
    address: String,
    module_address: &'a str,
    rtype: &'a str,
    name: &'a str,
    index: Option<&'a Value>,
    after: &'a Value,
    unknown: &'a Value,
}

static NULL: Value = Value::Null;

fn raw_instances<'a>(
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

/// The plan's `configuration`: resource blocks by module path, and provider configurations.
struct Configuration<'a> {
    resources: HashMap<(Vec<String>, &'a str, &'a str), &'a Value>,
    providers: Option<&'a serde_json::Map<String, Value>>,
}

impl<'a> Configuration<'a> {
    fn new(configuration: Option<&'a Value>) -> Configuration<'a> {
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

    fn resource(&self, modules: &[String], rtype: &'a str, name: &'a str) -> Option<&'a Value> {
        self.resources
            .get(&(modules.to_vec(), rtype, name))
            .copied()
    }

    /// The provider configuration a resource uses: by its `provider_config_key` (following
    /// `parent_key` from a module's inherited provider to the one that configures it, and
    /// also trying the key without its `module.x:` prefix), else the only configuration of
    /// that provider.
    fn provider_config(&self, resource: Option<&Value>, provider: &str) -> Option<&'a Value> {
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

impl<'a> Builder<'a> {
    fn push(
        &mut self,
        position: usize,
        id: String,
        config: ResourceConfig,
        unknown: Vec<UnknownValue>,
    ) -> usize {
        let instance = &self.instances[position];
        let region = match config.kind().collection_scope() {
            CollectionScope::Global if config.kind().provider() == Provider::Aws => {
                GLOBAL_REGION.to_string()
            }
            _ => instance.region.clone(),
        };
        let region = match &config {
            ResourceConfig::GcsBucket(bucket) => bucket.location.clone(),
            _ => region,
        };
        let mut tags = BTreeMap::new();
        if let Some(map) = instance.attr("tags").and_then(Value::as_object) {
            for (key, value) in map {
                if let Some(value) = value.as_str() {
                    tags.insert(key.clone(), value.to_string());
                }
            }
        }
        if let Some(map) = instance.attr("labels").and_then(Value::as_object) {
            for (key, value) in map {
                if let Some(value) = value.as_str() {
                    tags.insert(key.clone(), value.to_string());
                }
            }
        }
        self.resources.push(Resource {
            id: id.clone(),
            provider: config.kind().provider(),
            account: instance.account.clone(),
            region,
            name: Some(id),
            tags,
            config,
        });
        self.planned.push(PlannedResource {
            address: instance.address.clone(),
            source: instance.source.clone(),
            unknown,
        });
        self.resources.len() - 1
    }

    fn push_primary(
        &mut self,
        position: usize,
        config: ResourceConfig,
        unknown: Vec<UnknownValue>,
        class: Option<(Class, Option<String>)>,
    ) {
        let id = self.instances[position].address.clone();
        let index = self.push(position, id, config, unknown);
        self.resource_of.insert(position, index);
        if let Some((class, Some(value))) = class {
            self.by_value.insert((class, value), index);
        }
    }

    /// Maps an instance of a type that is a resource of its own.
    fn primary(&mut self, position: usize) {
        let i = &self.instances[position];
        let mut unknown = Vec::new();
        let known_id = i.str("id").map(str::to_string);
        match i.rtype {
            "aws_ebs_volume" => {
                let encrypted = i.bool("encrypted");
                if i.is_unknown("encrypted") {
                    unknown.push(i.unknown_value("encrypted", "encrypted"));
                }
                let config = ResourceConfig::EbsVolume(EbsVolume {
                    volume_id: i.native_id(),
                    encrypted: encrypted.unwrap_or(false),
                    kms_key_id: i.str("kms_key_id").map(str::to_string),
                    state: "available".to_string(),
                    attachments: vec![],
                    availability_zone: i.str("availability_zone").unwrap_or("unknown").to_string(),
                    size_gib: i.int("size").unwrap_or(0).clamp(0, u32::MAX as i64) as u32,
                    create_time: None,
                });
                self.push_primary(position, config, unknown, Some((Class::Volume, known_id)));
            }
            "aws_ebs_encryption_by_default" => {
                if i.is_unknown("enabled") {
                    unknown.push(i.unknown_value("enabled", "enabled"));
                }
                let config = ResourceConfig::EbsEncryptionByDefault(EbsEncryptionByDefault {
                    enabled: i.bool("enabled").unwrap_or(true),
                    default_kms_key_id: None,
                });
                self.push_primary(position, config, unknown, None);
            }
            "aws_ebs_snapshot" => {
                if i.is_unknown("encrypted") {
                    unknown.push(i.unknown_value("encrypted", "encrypted"));
                }
                let config = ResourceConfig::EbsSnapshot(EbsSnapshot {
                    snapshot_id: i.native_id(),
                    volume_id: i.str("volume_id").map(str::to_string),
                    encrypted: i.bool("encrypted").unwrap_or(false),
                    kms_key_id: i.str("kms_key_id").map(str::to_string),
                    state: "completed".to_string(),
                    start_time: self.now,
                    restorable_by_all: None,
                });
                self.push_primary(position, config, unknown, None);
            }
            "aws_ami" => {
                let config = ResourceConfig::Ami(Ami {
                    image_id: i.native_id(),
                    public: false,
                    state: None,
                    creation_date: None,
                });
                self.push_primary(position, config, unknown, Some((Class::Image, known_id)));
            }
            "aws_instance" => self.instance(position),
            "aws_vpc" | "aws_default_vpc" => {
                let config = ResourceConfig::Vpc(Vpc {
                    vpc_id: i.native_id(),
                    is_default: i.rtype == "aws_default_vpc",
                    cidr_block: i.str("cidr_block").and_then(|c| c.parse().ok()),
                    state: Some("available".to_string()),
                });
                self.push_primary(position, config, unknown, Some((Class::Vpc, known_id)));
            }
            "aws_flow_log" => {
                // Its VPC is resolved with the relations, once every VPC is known.
                let config = ResourceConfig::FlowLog(FlowLog {
                    flow_log_id: i.native_id(),
                    resource_id: String::new(),
                    traffic_type: i.str("traffic_type").unwrap_or("ALL").to_string(),
                    status: "ACTIVE".to_string(),
                    deliver_logs_status: None,
                    log_destination_type: i.str("log_destination_type").map(str::to_string),
                });
                self.push_primary(position, config, unknown, None);
            }
            "aws_security_group" | "aws_default_security_group" => {
                let is_default = i.rtype == "aws_default_security_group";
                let mut rules = |block: &str| -> Vec<SecurityGroupRule> {
                    if i.is_unknown(block) && i.configured(block) {
                        unknown.push(i.unknown_value(block, block));
                    }
                    i.attr(block)
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .map(|rule| sg_rule_of_block(rule, known_id.as_deref()))
                        .collect()
                };
                let ingress = rules("ingress");
                let egress = rules("egress");
                let config = ResourceConfig::SecurityGroup(SecurityGroup {
                    group_id: i.native_id(),
                    group_name: i
                        .str("name")
                        .map(str::to_string)
                        .unwrap_or_else(|| if is_default { "default" } else { i.name }.to_string()),
                    vpc_id: i.str("vpc_id").map(str::to_string),
                    is_default,
                    ingress,
                    egress,
                });
                self.push_primary(
                    position,
                    config,
                    unknown,
                    Some((Class::SecurityGroup, known_id)),
                );
            }
            "aws_network_acl" => {
                let mut entries = Vec::new();
                for (block, egress) in [("ingress", false), ("egress", true)] {
                    if i.is_unknown(block) && i.configured(block) {
                        unknown.push(i.unknown_value("entries", block));
                    }
                    for rule in i
                        .attr(block)
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        entries.push(nacl_entry(
                            rule,
                            egress,
                            block_int(Some(rule), "rule_no"),
                            block_str(Some(rule), "action"),
                        ));
                    }
                }
                let config = ResourceConfig::NetworkAcl(NetworkAcl {
                    network_acl_id: i.native_id(),
                    vpc_id: i.str("vpc_id").map(str::to_string),
                    is_default: false,
                    entries,
                });
                self.push_primary(
                    position,
                    config,
                    unknown,
                    Some((Class::NetworkAcl, known_id)),
                );
            }
            "aws_iam_user" => {
                let name = i.str("name").map(str::to_string);
                let config = ResourceConfig::IamUser(IamUser {
                    user_name: name.clone().unwrap_or_else(|| i.address.clone()),
                    user_id: None,
                    create_date: self.now,
                    credentials: Some(planned_credentials()),
                    attached_managed_policies: vec![],
                    inline_policies: vec![],
                    groups: vec![],
                });
                self.push_primary(position, config, unknown, Some((Class::User, name)));
            }
            "aws_iam_group" => {
                let name = i.str("name").map(str::to_string);
                let config = ResourceConfig::IamGroup(IamGroup {
                    group_name: name.clone().unwrap_or_else(|| i.address.clone()),
                    attached_managed_policies: vec![],
                    inline_policies: vec![],
                });
                self.push_primary(position, config, unknown, Some((Class::Group, name)));
            }
            "aws_iam_role" => {
                let name = i.str("name").map(str::to_string);
                let config = ResourceConfig::IamRole(IamRole {
                    role_name: name.clone().unwrap_or_else(|| i.address.clone()),
                    path: i.str("path").map(str::to_string),
                    assume_role_policy: i.str("assume_role_policy").and_then(parse_document),
                    attached_managed_policies: vec![],
                    inline_policies: vec![],
                });
                self.push_primary(position, config, unknown, Some((Class::Role, name)));
            }
            "aws_iam_policy" => {
                let document = i.str("policy").and_then(parse_document);
                if document.is_none() {
                    unknown.push(i.unknown_value("document", "policy"));
                }
                let config = ResourceConfig::IamManagedPolicy(IamManagedPolicy {
                    policy_name: i.str("name").unwrap_or(i.name).to_string(),
                    aws_managed: false,
                    default_version_id: None,
                    attachment_count: 0,
                    document: document.unwrap_or_default(),
                });
                let arn = i.str("arn").map(str::to_string);
                self.push_primary(position, config, unknown, Some((Class::Policy, arn)));
            }
            "aws_iam_account_password_policy" => {
                let fields = [
                    "minimum_password_length",
                    "require_symbols",
                    "require_numbers",
                    "require_uppercase_characters",
                    "require_lowercase_characters",
                    "max_password_age",
                    "password_reuse_prevention",
                    "allow_users_to_change_password",
                ];
                for field in fields {
                    if i.is_unknown(field) {
                        unknown.push(i.unknown_value("policy", field));
                    }
                }
                let positive = |name: &str| {
                    i.int(name)
                        .filter(|v| *v > 0)
                        .map(|v| v.clamp(0, u32::MAX as i64) as u32)
                };
                let policy = PasswordPolicy {
                    minimum_password_length: positive("minimum_password_length"),
                    require_symbols: i.bool("require_symbols").unwrap_or(false),
                    require_numbers: i.bool("require_numbers").unwrap_or(false),
                    require_uppercase_characters: i
                        .bool("require_uppercase_characters")
                        .unwrap_or(false),
                    require_lowercase_characters: i
                        .bool("require_lowercase_characters")
                        .unwrap_or(false),
                    max_password_age: positive("max_password_age"),
                    password_reuse_prevention: positive("password_reuse_prevention"),
                    allow_users_to_change_password: i
                        .bool("allow_users_to_change_password")
                        .unwrap_or(true),
                };
                let config = ResourceConfig::IamPasswordPolicy(IamPasswordPolicy {
                    policy: Some(policy),
                });
                self.push_primary(position, config, unknown, None);
            }
            "google_storage_bucket" => self.bucket(position),
            // Relations: mapped once every resource they may join exists.
            "aws_security_group_rule"
            | "aws_vpc_security_group_ingress_rule"
            | "aws_vpc_security_group_egress_rule"
            | "aws_network_acl_rule"
            | "aws_ami_launch_permission"
            | "aws_iam_user_policy"
            | "aws_iam_user_policy_attachment"
            | "aws_iam_group_policy"
            | "aws_iam_group_policy_attachment"
            | "aws_iam_role_policy"
            | "aws_iam_role_policy_attachment"
            | "aws_iam_access_key"
            | "aws_iam_user_login_profile"
            | "google_storage_bucket_iam_member"
            | "google_storage_bucket_iam_binding"
            | "google_storage_bucket_iam_policy" => {}
            other => *self.ignored.entry(other.to_string()).or_default() += 1,
        }
    }

    fn instance(&mut self, position: usize) {
        let i = &self.instances[position];
        let mut unknown = Vec::new();
        let instance_id = i.native_id();
        let associate = i.bool("associate_public_ip_address");
        let public_ip = i.str("public_ip").and_then(|ip| ip.parse().ok());
        if associate.is_none() && public_ip.is_none() && i.is_unknown("associate_public_ip_address")
        {
            unknown.push(UnknownValue {
                field: "associate_public_ip_address".to_string(),
                attribute: format!(
                    "{} (not set: the subnet's map_public_ip_on_launch decides)",
                    i.attribute("associate_public_ip_address")
                ),
            });
        }
        let options = i.block("metadata_options");
        let tokens = block_str(options, "http_tokens");
        let endpoint = block_str(options, "http_endpoint");
        let metadata_options = match tokens {
            Some(tokens) => {
                if endpoint.is_none()
                    && tokens != "required"
                    && i.unknown_within(&[
                        Step::Key("metadata_options"),
                        Step::At(0),
                        Step::Key("http_endpoint"),
                    ])
                {
                    unknown.push(i.unknown_value(
                        "metadata_options.http_endpoint",
                        "metadata_options.http_endpoint",
                    ));
                }
                Some(InstanceMetadataOptions {
                    http_tokens: tokens.to_string(),
                    http_endpoint: endpoint.unwrap_or("enabled").to_string(),
                })
            }
            None => {
                unknown.push(UnknownValue {
                    field: "metadata_options.http_tokens".to_string(),
                    attribute: if options.is_some() || i.configured("metadata_options") {
                        i.attribute("metadata_options.http_tokens")
                    } else {
                        format!(
                            "{} (not set: the AMI's or account's default applies)",
                            i.attribute("metadata_options")
                        )
                    },
                });
                None
            }
        };
        let monitoring = match i.bool("monitoring") {
            Some(true) => "enabled",
            Some(false) => "disabled",
            None if i.is_unknown("monitoring") => {
                unknown.push(i.unknown_value("monitoring", "monitoring"));
                "disabled"
            }
            None => "disabled",
        };
        let availability_zone = i.str("availability_zone").map(str::to_string);
        let config = ResourceConfig::Ec2Instance(Ec2Instance {
            instance_id: instance_id.clone(),
            state: "running".to_string(),
            instance_type: i.str("instance_type").map(str::to_string),
            public_ip,
            associate_public_ip_address: associate,
            metadata_options,
            monitoring: monitoring.to_string(),
            availability_zone: availability_zone.clone(),
            volume_ids: vec![],
            launch_time: None,
        });
        self.push_primary(position, config, unknown, None);

        // Block devices are EBS volumes of their own.
        let i = &self.instances[position];
        let mut volumes = Vec::new();
        let root = i.block("root_block_device");
        let mut root_unknown = Vec::new();
        // Not set, encryption is decided by the AMI's snapshot and the region's default.
        if block_bool(root, "encrypted").is_none() {
            root_unknown.push(UnknownValue {
                field: "encrypted".to_string(),
                attribute: if root.is_some()
                    && i.unknown_within(&[
                        Step::Key("root_block_device"),
                        Step::At(0),
                        Step::Key("encrypted"),
                    ]) {
                    i.attribute("root_block_device.encrypted")
                } else {
                    format!(
                        "{} (not set: the AMI and the region's default encryption decide)",
                        i.attribute("root_block_device")
                    )
                },
            });
        }
        volumes.push((
            format!("{}.root_block_device", i.address),
            root,
            root_unknown,
        ));
        for (n, device) in i
            .attr("ebs_block_device")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let name = block_str(Some(device), "device_name")
                .map(|d| format!("{:?}", d))
                .unwrap_or_else(|| n.to_string());
            let mut device_unknown = Vec::new();
            if block_bool(Some(device), "encrypted").is_none() {
                device_unknown.push(
                    i.unknown_value("encrypted", &format!("ebs_block_device[{n}].encrypted")),
                );
            }
            volumes.push((
                format!("{}.ebs_block_device[{name}]", i.address),
                Some(device),
                device_unknown,
            ));
        }
        for (id, block, unknown) in volumes {
            let config = ResourceConfig::EbsVolume(EbsVolume {
                volume_id: block_str(block, "volume_id")
                    .map(str::to_string)
                    .unwrap_or_else(|| id.clone()),
                encrypted: block_bool(block, "encrypted").unwrap_or(false),
                kms_key_id: block_str(block, "kms_key_id").map(str::to_string),
                state: "in-use".to_string(),
                attachments: vec![VolumeAttachment {
                    instance_id: instance_id.clone(),
                    device: block_str(block, "device_name").map(str::to_string),
                    state: Some("attached".to_string()),
                }],
                availability_zone: availability_zone
                    .clone()
                    .unwrap_or_else(|| "unknown".into()),
                size_gib: block_int(block, "volume_size")
                    .unwrap_or(0)
                    .clamp(0, u32::MAX as i64) as u32,
                create_time: None,
            });
            self.push(position, id, config, unknown);
        }
    }

    fn bucket(&mut self, position: usize) {
        let i = &self.instances[position];
        let mut unknown = Vec::new();
        let mut note = |field: &str, attribute: &str, present: bool| {
            if !present && i.is_unknown(attribute.split('.').next().unwrap_or(attribute)) {
                unknown.push(i.unknown_value(field, attribute));
            }
        };
        let uniform = i.bool("uniform_bucket_level_access");
        note(
            "uniform_bucket_level_access",
            "uniform_bucket_level_access",
            uniform.is_some(),
        );
        let prevention = i.str("public_access_prevention");
        note(
            "public_access_prevention",
            "public_access_prevention",
            prevention.is_some(),
        );
        let versioning = block_bool(i.block("versioning"), "enabled");
        note("versioning_enabled", "versioning", versioning.is_some());
        let soft_delete = block_int(i.block("soft_delete_policy"), "retention_duration_seconds");
        note(
            "soft_delete_retention_seconds",
            "soft_delete_policy",
            soft_delete.is_some(),
        );
        let kms = block_str(i.block("encryption"), "default_kms_key_name");
        note("default_kms_key", "encryption", kms.is_some());
        let logging = i.block("logging");
        note("logging", "logging", logging.is_some());
        let name = i.str("name").map(str::to_string);
        let config = ResourceConfig::GcsBucket(GcsBucket {
            name: name.clone().unwrap_or_else(|| i.address.clone()),
            location: i.str("location").unwrap_or("unknown").to_ascii_uppercase(),
            location_type: None,
            uniform_bucket_level_access: uniform.unwrap_or(false),
            public_access_prevention: prevention.unwrap_or("inherited").to_string(),
            versioning_enabled: versioning.unwrap_or(false),
            default_kms_key: kms.map(str::to_string),
            logging: block_str(logging, "log_bucket").map(|bucket| GcsLogging {
                log_bucket: bucket.to_string(),
                log_object_prefix: block_str(logging, "log_object_prefix").map(str::to_string),
            }),
            soft_delete_retention_seconds: soft_delete.map(|s| s.max(0) as u64),
            retention_policy: i.block("retention_policy").and_then(|policy| {
                Some(GcsRetentionPolicy {
                    retention_period_seconds: block_int(Some(policy), "retention_period")?.max(0)
                        as u64,
                    is_locked: block_bool(Some(policy), "is_locked").unwrap_or(false),
                })
            }),
            create_time: None,
            update_time: None,
            // The plan manages the bucket's IAM through its own resources (added below).
            iam_policy: Some(GcsIamPolicy::default()),
        });
        self.push_primary(position, config, unknown, Some((Class::Bucket, name)));
    }

    /// Where attribute `attr` of the instance at `position` points: a resource of the
    /// plan (by known value, else by reference), a known value outside the plan, or unknown.
    fn target(&self, position: usize, attr: &str, class: Class, types: &[&str]) -> Target {
        let i = &self.instances[position];
        let known = i.str(attr).map(|value| match class {
            Class::Bucket => value.trim_start_matches("b/").to_string(),
            _ => value.to_string(),
        });
        if let Some(value) = &known {
            if let Some(&index) = self.by_value.get(&(class, value.clone())) {
                return Target::Resource(index);
            }
        }
        for reference in i.references(attr) {
            let Some((rtype, name, key)) = managed_reference(reference) else {
                continue;
            };
            if !types.contains(&rtype) {
                continue;
            }
            let Some(candidates) = self.by_block.get(&(i.module_address, rtype, name)) else {
                continue;
            };
            // A key that is an expression (`[count.index]`, `[each.key]`) means "the
            // instance with the referrer's key", like a reference without a key.
            let literal = key.filter(|k| {
                let inner = k.trim_start_matches('[').trim_end_matches(']');
                inner.starts_with('"') || inner.parse::<i64>().is_ok()
            });
            let chosen = match (literal, candidates.as_slice()) {
                (Some(key), _) => candidates
                    .iter()
                    .find(|&&c| self.instances[c].key_text().as_deref() == Some(key)),
                (None, [only]) => Some(only),
                // `aws_security_group.web[count.index]` and `[each.key]` refer to the
                // instance with the same key as the referrer.
                (None, _) => candidates
                    .iter()
                    .find(|&&c| self.instances[c].key_text() == i.key_text() && i.index.is_some()),
            };
            if let Some(index) = chosen.and_then(|c| self.resource_of.get(c)) {
                return Target::Resource(*index);
            }
        }
        match known {
            Some(value) => Target::Outside(value),
            None => Target::Unknown,
        }
    }

    /// Maps an instance of a type that joins another resource.
    fn relation(&mut self, position: usize) {
        let rtype = self.instances[position].rtype;
        match rtype {
            "aws_security_group_rule" => {
                let i = &self.instances[position];
                let egress = i.str("type") == Some("egress");
                let target = self.target(
                    position,
                    "security_group_id",
                    Class::SecurityGroup,
                    &["aws_security_group", "aws_default_security_group"],
                );
                let mut rule = sg_rule_of_block(i.after, None);
                if i.bool("self") == Some(true) {
                    rule.referenced_groups.push("self".to_string());
                }
                if let Some(source) = i.str("source_security_group_id") {
                    rule.referenced_groups.push(source.to_string());
                }
                let unknown = [
                    "cidr_blocks",
                    "ipv6_cidr_blocks",
                    "from_port",
                    "to_port",
                    "protocol",
                ]
                .into_iter()
                .filter(|attr| i.is_unknown(attr))
                .map(|attr| i.unknown_value(if egress { "egress" } else { "ingress" }, attr))
                .collect();
                self.join_security_group(position, target, rule, egress, unknown);
            }
            "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
                let i = &self.instances[position];
                let egress = rtype.ends_with("egress_rule");
                let target = self.target(
                    position,
                    "security_group_id",
                    Class::SecurityGroup,
                    &["aws_security_group", "aws_default_security_group"],
                );
                let rule = SecurityGroupRule {
                    protocol: i.str("ip_protocol").unwrap_or("-1").to_string(),
                    from_port: i.int("from_port").map(|p| p as i32),
                    to_port: i.int("to_port").map(|p| p as i32),
                    ipv4_ranges: i
                        .str("cidr_ipv4")
                        .and_then(|c| c.parse().ok())
                        .into_iter()
                        .collect(),
                    ipv6_ranges: i
                        .str("cidr_ipv6")
                        .and_then(|c| c.parse().ok())
                        .into_iter()
                        .collect(),
                    referenced_groups: i
                        .str("referenced_security_group_id")
                        .map(str::to_string)
                        .into_iter()
                        .collect(),
                    prefix_list_ids: i
                        .str("prefix_list_id")
                        .map(str::to_string)
                        .into_iter()
                        .collect(),
                };
                let unknown = [
                    "cidr_ipv4",
                    "cidr_ipv6",
                    "from_port",
                    "to_port",
                    "ip_protocol",
                ]
                .into_iter()
                .filter(|attr| i.is_unknown(attr))
                .map(|attr| i.unknown_value(if egress { "egress" } else { "ingress" }, attr))
                .collect();
                self.join_security_group(position, target, rule, egress, unknown);
            }
            "aws_network_acl_rule" => {
                let i = &self.instances[position];
                let target = self.target(
                    position,
                    "network_acl_id",
                    Class::NetworkAcl,
                    &["aws_network_acl"],
                );
                let entry = nacl_entry(
                    i.after,
                    i.bool("egress").unwrap_or(false),
                    i.int("rule_number"),
                    i.str("rule_action"),
                );
                let unknown: Vec<UnknownValue> = [
                    "cidr_block",
                    "ipv6_cidr_block",
                    "from_port",
                    "to_port",
                    "protocol",
                    "rule_action",
                ]
                .into_iter()
                .filter(|attr| i.is_unknown(attr))
                .map(|attr| i.unknown_value("entries", attr))
                .collect();
                let index = match target {
                    Target::Resource(index) => index,
                    Target::Outside(id) => self.synthetic_acl(position, id),
                    Target::Unknown => {
                        self.synthetic_acl(position, "(known after apply)".to_string())
                    }
                };
                if let ResourceConfig::NetworkAcl(acl) = &mut self.resources[index].config {
                    acl.entries.push(entry);
                }
                self.planned[index].unknown.extend(unknown);
            }
            "aws_ami_launch_permission" => {
                let i = &self.instances[position];
                let group = i.str("group");
                let group_unknown = i.is_unknown("group");
                let unknown = group_unknown.then(|| i.unknown_value("public", "group"));
                if let Target::Resource(index) =
                    self.target(position, "image_id", Class::Image, &["aws_ami"])
                {
                    if let ResourceConfig::Ami(image) = &mut self.resources[index].config {
                        image.public |= group == Some("all");
                    }
                    self.planned[index].unknown.extend(unknown);
                }
            }
            "aws_iam_user_policy" | "aws_iam_group_policy" | "aws_iam_role_policy" => {
                let (attr, class, types) = principal_of(rtype);
                let i = &self.instances[position];
                let document = i.str("policy").and_then(parse_document);
                let unknown = document
                    .is_none()
                    .then(|| i.unknown_value("inline_policies", "policy"));
                let policy = InlinePolicy {
                    policy_name: i.str("name").unwrap_or(i.name).to_string(),
                    document: document.unwrap_or_default(),
                };
                let index = self.principal(position, attr, class, types);
                match &mut self.resources[index].config {
                    ResourceConfig::IamUser(user) => user.inline_policies.push(policy),
                    ResourceConfig::IamGroup(group) => group.inline_policies.push(policy),
                    ResourceConfig::IamRole(role) => role.inline_policies.push(policy),
                    _ => {}
                }
                self.planned[index].unknown.extend(unknown);
            }
            "aws_iam_user_policy_attachment"
            | "aws_iam_group_policy_attachment"
            | "aws_iam_role_policy_attachment" => {
                let (attr, class, types) = principal_of(rtype);
                let policy_target =
                    self.target(position, "policy_arn", Class::Policy, &["aws_iam_policy"]);
                let i = &self.instances[position];
                let mut unknown = Vec::new();
                let attached = match policy_target {
                    Target::Resource(policy) => {
                        let resource = &self.resources[policy];
                        // A policy whose document is unknown leaves the principal's
                        // permissions unknown too.
                        for value in &self.planned[policy].unknown {
                            unknown.push(UnknownValue {
                                field: "attached_managed_policies".to_string(),
                                attribute: value.attribute.clone(),
                            });
                        }
                        Some(AttachedPolicy {
                            policy_name: match &resource.config {
                                ResourceConfig::IamManagedPolicy(p) => p.policy_name.clone(),
                                _ => resource.id.clone(),
                            },
                            policy_arn: resource.id.clone(),
                        })
                    }
                    Target::Outside(arn) => Some(AttachedPolicy {
                        policy_name: arn.rsplit('/').next().unwrap_or(&arn).to_string(),
                        policy_arn: arn,
                    }),
                    Target::Unknown => {
                        unknown.push(i.unknown_value("attached_managed_policies", "policy_arn"));
                        None
                    }
                };
                let index = self.principal(position, attr, class, types);
                if let Some(attached) = attached {
                    match &mut self.resources[index].config {
                        ResourceConfig::IamUser(user) => {
                            user.attached_managed_policies.push(attached)
                        }
                        ResourceConfig::IamGroup(group) => {
                            group.attached_managed_policies.push(attached)
                        }
                        ResourceConfig::IamRole(role) => {
                            role.attached_managed_policies.push(attached)
                        }
                        _ => {}
                    }
                }
                self.planned[index].unknown.extend(unknown);
            }
            "aws_iam_access_key" | "aws_iam_user_login_profile" => {
                let i = &self.instances[position];
                let active = i
                    .str("status")
                    .is_none_or(|s| s.eq_ignore_ascii_case("active"));
                let status_unknown = i
                    .is_unknown("status")
                    .then(|| i.unknown_value("credentials.access_keys", "status"));
                let Target::Resource(index) =
                    self.target(position, "user", Class::User, &["aws_iam_user"])
                else {
                    return;
                };
                let ResourceConfig::IamUser(user) = &mut self.resources[index].config else {
                    return;
                };
                let credentials = user.credentials.get_or_insert_with(planned_credentials);
                if rtype == "aws_iam_user_login_profile" {
                    credentials.password_enabled = true;
                } else {
                    let slot = credentials.access_keys.len() as u8 + 1;
                    credentials.access_keys.push(AccessKey {
                        slot,
                        active,
                        last_rotated: None,
                        last_used: LastUsed::Unknown,
                    });
                    self.planned[index].unknown.extend(status_unknown);
                }
            }
            "google_storage_bucket_iam_member"
            | "google_storage_bucket_iam_binding"
            | "google_storage_bucket_iam_policy" => {
                let i = &self.instances[position];
                let mut unknown = Vec::new();
                let condition = i.block("condition").and_then(|c| {
                    Some(GcsIamCondition {
                        title: block_str(Some(c), "title").map(str::to_string),
                        expression: block_str(Some(c), "expression")?.to_string(),
                    })
                });
                let bindings: Vec<GcsIamBinding> = match rtype {
                    "google_storage_bucket_iam_member" => {
                        for attr in ["role", "member"] {
                            if i.is_unknown(attr) {
                                unknown.push(i.unknown_value("iam_policy", attr));
                            }
                        }
                        match (i.str("role"), i.str("member")) {
                            (Some(role), Some(member)) => vec![GcsIamBinding {
                                role: role.to_string(),
                                members: vec![member.to_string()],
                                condition,
                            }],
                            _ => vec![],
                        }
                    }
                    "google_storage_bucket_iam_binding" => {
                        for attr in ["role", "members"] {
                            if i.is_unknown(attr) {
                                unknown.push(i.unknown_value("iam_policy", attr));
                            }
                        }
                        match i.str("role") {
                            Some(role) => vec![GcsIamBinding {
                                role: role.to_string(),
                                members: strings(i.attr("members"))
                                    .into_iter()
                                    .map(str::to_string)
                                    .collect(),
                                condition,
                            }],
                            None => vec![],
                        }
                    }
                    _ => {
                        let policy = i
                            .str("policy_data")
                            .and_then(|text| serde_json::from_str::<GcsIamPolicy>(text).ok());
                        if policy.is_none() {
                            unknown.push(i.unknown_value("iam_policy", "policy_data"));
                        }
                        policy.map(|p| p.bindings).unwrap_or_default()
                    }
                };
                if let Target::Resource(index) = self.target(
                    position,
                    "bucket",
                    Class::Bucket,
                    &["google_storage_bucket"],
                ) {
                    if let ResourceConfig::GcsBucket(bucket) = &mut self.resources[index].config {
                        let policy = bucket.iam_policy.get_or_insert_with(GcsIamPolicy::default);
                        if rtype == "google_storage_bucket_iam_policy" {
                            // An authoritative policy replaces every other binding.
                            policy.bindings = bindings;
                        } else {
                            policy.bindings.extend(bindings);
                        }
                    }
                    self.planned[index].unknown.extend(unknown);
                }
            }
            "aws_flow_log" => {
                let target = self.target(
                    position,
                    "vpc_id",
                    Class::Vpc,
                    &["aws_vpc", "aws_default_vpc"],
                );
                let i = &self.instances[position];
                let resource_id = match target {
                    Target::Resource(vpc) => match &self.resources[vpc].config {
                        ResourceConfig::Vpc(v) => Some(v.vpc_id.clone()),
                        _ => None,
                    },
                    Target::Outside(id) => Some(id),
                    Target::Unknown => {
                        if i.configured("vpc_id")
                            && i.str("subnet_id").is_none()
                            && i.str("eni_id").is_none()
                        {
                            self.unresolved_flow_logs
                                .push(i.unknown_value("flow_logs", "vpc_id"));
                        }
                        i.str("subnet_id").or(i.str("eni_id")).map(str::to_string)
                    }
                };
                if let (Some(resource_id), Some(&index)) =
                    (resource_id, self.resource_of.get(&position))
                {
                    if let ResourceConfig::FlowLog(flow_log) = &mut self.resources[index].config {
                        flow_log.resource_id = resource_id;
                    }
                }
            }
            _ => {}
        }
    }

    /// A flow log whose VPC is known only after apply could record any VPC of its region:
    /// whether those VPCs have flow logs is unknown.
    fn finish_flow_logs(&mut self) {
        if self.unresolved_flow_logs.is_empty() {
            return;
        }
        for (resource, planned) in self.resources.iter().zip(self.planned.iter_mut()) {
            if matches!(resource.config, ResourceConfig::Vpc(_)) {
                planned
                    .unknown
                    .extend(self.unresolved_flow_logs.iter().cloned());
            }
        }
    }

    fn join_security_group(
        &mut self,
        position: usize,
        target: Target,
        rule: SecurityGroupRule,
        egress: bool,
        unknown: Vec<UnknownValue>,
    ) {
        let index = match target {
            Target::Resource(index) => index,
            Target::Outside(id) => self.synthetic_group(position, id),
            Target::Unknown => self.synthetic_group(position, "(known after apply)".to_string()),
        };
        if let ResourceConfig::SecurityGroup(group) = &mut self.resources[index].config {
            if egress {
                group.egress.push(rule);
            } else {
                group.ingress.push(rule);
            }
        }
        self.planned[index].unknown.extend(unknown);
    }

    /// A rule for a group outside the plan is checked as a group of its own, defined
    /// where the rule is.
    fn synthetic_group(&mut self, position: usize, group_id: String) -> usize {
        let id = self.instances[position].address.clone();
        let config = ResourceConfig::SecurityGroup(SecurityGroup {
            group_id,
            group_name: id.clone(),
            vpc_id: None,
            is_default: false,
            ingress: vec![],
            egress: vec![],
        });
        self.push(position, id, config, Vec::new())
    }

    fn synthetic_acl(&mut self, position: usize, network_acl_id: String) -> usize {
        let id = self.instances[position].address.clone();
        let config = ResourceConfig::NetworkAcl(NetworkAcl {
            network_acl_id,
            vpc_id: None,
            is_default: false,
            entries: vec![],
        });
        self.push(position, id, config, Vec::new())
    }

    /// The user, group or role a policy belongs to; one outside the plan is checked as a
    /// principal of its own, defined where the policy is.
    fn principal(&mut self, position: usize, attr: &str, class: Class, types: &[&str]) -> usize {
        match self.target(position, attr, class, types) {
            Target::Resource(index) => index,
            target => {
                let name = match target {
                    Target::Outside(name) => name,
                    _ => self.instances[position].attribute(attr),
                };
                let id = self.instances[position].address.clone();
                let config = match class {
                    Class::User => ResourceConfig::IamUser(IamUser {
                        user_name: name,
                        user_id: None,
                        create_date: self.now,
                        credentials: Some(planned_credentials()),
                        attached_managed_policies: vec![],
                        inline_policies: vec![],
                        groups: vec![],
                    }),
                    Class::Group => ResourceConfig::IamGroup(IamGroup {
                        group_name: name,
                        attached_managed_policies: vec![],
                        inline_policies: vec![],
                    }),
                    _ => ResourceConfig::IamRole(IamRole {
                        role_name: name,
                        path: None,
                        assume_role_policy: None,
                        attached_managed_policies: vec![],
                        inline_policies: vec![],
                    }),
                };
                self.push(position, id, config, Vec::new())
            }
        }
    }
}

fn principal_of(rtype: &str) -> (&'static str, Class, &'static [&'static str]) {
    if rtype.starts_with("aws_iam_user") {
        ("user", Class::User, &["aws_iam_user"])
    } else if rtype.starts_with("aws_iam_group") {
        ("group", Class::Group, &["aws_iam_group"])
    } else {
        ("role", Class::Role, &["aws_iam_role"])
    }
}

/// Credential facts of a planned user: no password or keys until the plan's login profile
/// and access keys add them; use and MFA are runtime facts (their rules do not run on plans).
fn planned_credentials() -> UserCredentials {
    UserCredentials {
        password_enabled: false,
        password_last_used: LastUsed::Unknown,
        password_last_changed: None,
        mfa_active: false,
        access_keys: vec![],
    }
}

fn parse_document(text: &str) -> Option<PolicyDocument> {
    serde_json::from_value(Value::String(text.to_string())).ok()
}

/// A security group rule from an inline `ingress`/`egress` block or a standalone
/// `aws_security_group_rule` (same attribute names).
fn sg_rule_of_block(block: &Value, own_group: Option<&str>) -> SecurityGroupRule {
    let protocol = block_str(Some(block), "protocol")
        .unwrap_or("-1")
        .to_string();
    let all = matches!(protocol.as_str(), "-1" | "all");
    let mut referenced_groups: Vec<String> = strings(block.get("security_groups"))
        .into_iter()
        .map(str::to_string)
        .collect();
    if block_bool(Some(block), "self") == Some(true) {
        referenced_groups.push(own_group.unwrap_or("self").to_string());
    }
    SecurityGroupRule {
        from_port: (!all)
            .then(|| block_int(Some(block), "from_port"))
            .flatten()
            .map(|p| p as i32),
        to_port: (!all)
            .then(|| block_int(Some(block), "to_port"))
            .flatten()
            .map(|p| p as i32),
        protocol,
        ipv4_ranges: nets(block.get("cidr_blocks")),
        ipv6_ranges: nets(block.get("ipv6_cidr_blocks")),
        referenced_groups,
        prefix_list_ids: strings(block.get("prefix_list_ids"))
            .into_iter()
            .map(str::to_string)
            .collect(),
    }
}

/// A network ACL entry from an inline block (`rule_no`, `action`) or an
/// `aws_network_acl_rule` (`rule_number`, `rule_action`).
fn nacl_entry(
    block: &Value,
    egress: bool,
    number: Option<i64>,
    action: Option<&str>,
) -> NetworkAclEntry {
    let protocol = block_str(Some(block), "protocol")
        .unwrap_or("-1")
        .to_string();
    let all = matches!(protocol.as_str(), "-1" | "all");
    let from = block_int(Some(block), "from_port");
    let to = block_int(Some(block), "to_port");
    NetworkAclEntry {
        rule_number: number.unwrap_or(0) as i32,
        egress,
        port_range: match (all, from, to) {
            (false, Some(from), Some(to)) if !(from == 0 && to == 0) => Some(PortRange {
                from: from as i32,
                to: to as i32,
            }),
            _ => None,
        },
        protocol,
        rule_action: if action.is_some_and(|a| a.eq_ignore_ascii_case("deny")) {
            NaclAction::Deny
        } else {
            NaclAction::Allow
        },
        cidr_block: block_str(Some(block), "cidr_block").and_then(|c| c.parse().ok()),
        ipv6_cidr_block: block_str(Some(block), "ipv6_cidr_block").and_then(|c| c.parse().ok()),
    }
}
