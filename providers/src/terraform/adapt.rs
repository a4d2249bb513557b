//! From plan JSON to the model: reads the document's instances, expands them, runs each
//! type's mapping from the [registry](super::registry) (resources first, then relations),
//! and assembles the snapshot with its coverage and plan information.

use super::document::{self, DocumentKind, RawInstance};
use super::instances::{self, Configuration, Instance};
use super::locations::LocationIndex;
use super::registry::{self, TypeMapping};
use super::{PlanError, PlanOptions};
use crate::model::*;
use crate::snapshot::{CollectionUnit, CoverageEntry, CoverageStatus, ScanTarget, Snapshot};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The state of one adaptation, handed to the mappings of the service modules.
pub(super) struct Builder<'a> {
    pub instances: Vec<Instance<'a>>,
    /// Instances by (module address, type, name).
    pub by_block: HashMap<(&'a str, &'a str, &'a str), Vec<usize>>,
    pub resources: Vec<Resource>,
    /// Beside `resources`, one for one.
    pub planned: Vec<PlannedResource>,
    /// The resource each primary instance became.
    pub resource_of: HashMap<usize, usize>,
    /// Resources by kind and a known identifying value (a group's id, a user's name).
    pub by_value: HashMap<(ResourceKind, String), usize>,
    /// The plan's timestamp, standing in for creation times.
    pub now: DateTime<Utc>,
    ignored: BTreeMap<String, usize>,
    /// Unknowns to mark on every resource of a kind ([`Builder::spread_unknown`]).
    pub spread: Vec<(ResourceKind, UnknownValue)>,
    /// Data sources read only during apply, by (module address, type, name)
    /// ([`document::deferred_data_sources`]).
    pub data: HashMap<(&'a str, &'a str, &'a str), Vec<RawInstance<'a>>>,
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
    let (raw, deleted) = document::raw_instances(document, kind, options)?;
    let expansion = instances::expand(raw, &configuration, options, locations, &plan_file);
    let mut data: HashMap<_, Vec<RawInstance<'_>>> = HashMap::new();
    for source in document::deferred_data_sources(document) {
        data.entry((source.module_address, source.rtype, source.name))
            .or_default()
            .push(source);
    }
    let mut builder = Builder {
        instances: expansion.instances,
        by_block: expansion.by_block,
        resources: Vec::new(),
        planned: Vec::new(),
        resource_of: HashMap::new(),
        by_value: HashMap::new(),
        now,
        ignored: BTreeMap::new(),
        spread: Vec::new(),
        data,
    };

    let mappings: Vec<Option<&'static TypeMapping>> = builder
        .instances
        .iter()
        .map(|instance| registry::mapping(instance.rtype))
        .collect();
    for (position, mapping) in mappings.iter().enumerate() {
        match mapping {
            Some(mapping) => {
                if let Some(map) = mapping.resource {
                    map(&mut builder, position);
                }
            }
            None => {
                let rtype = builder.instances[position].rtype;
                *builder.ignored.entry(rtype.to_string()).or_default() += 1;
            }
        }
    }
    for (position, mapping) in mappings.iter().enumerate() {
        if let Some(relate) = mapping.and_then(|m| m.relation) {
            relate(&mut builder, position);
        }
    }
    builder.finish_spread();

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
            organization: None,
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

impl Builder<'_> {
    /// Adds a resource defined by the instance at `position`, with the instance's account,
    /// region, tags and source.
    pub(super) fn push(
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
            // Listed once per account, but a bucket lives in a region: its own `region`
            // (an argument since AWS provider 6), else its provider's.
            ResourceConfig::S3Bucket(_) => instance
                .str("region")
                .map(str::to_string)
                .unwrap_or_else(|| instance.region.clone()),
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

    /// Adds the resource an instance becomes; `identity` is the known value relations find
    /// it by ([`Link`](super::relations::Link)), if any.
    pub(super) fn push_primary(
        &mut self,
        position: usize,
        config: ResourceConfig,
        unknown: Vec<UnknownValue>,
        identity: Option<String>,
    ) {
        let id = self.instances[position].address.clone();
        let kind = config.kind();
        let index = self.push(position, id, config, unknown);
        self.resource_of.insert(position, index);
        if let Some(value) = identity {
            self.by_value.insert((kind, value), index);
        }
    }
}
