//! Lookups across a snapshot that rules need: which snapshots a volume has, which flow logs
//! record a VPC, what a managed policy says, which coverage units failed.

use soc2scan_model::{
    CollectionScope, CoverageEntry, CoverageStatus, EbsSnapshot, FlowLog, IamCredentialReport,
    IamGroup, IamManagedPolicy, Provider, Resource, ResourceConfig, ResourceKind, Snapshot,
    UnknownValue, GLOBAL_REGION,
};
use std::collections::HashMap;

struct Located<'s, T> {
    account: &'s str,
    region: &'s str,
    item: &'s T,
}

/// Number of resource kinds: the width of a scope's row in the unit table.
const KIND_COUNT: usize = ResourceKind::ALL.len();

/// A coverage scope: provider × account × region. Resolved to a small integer once per
/// resource, so the engine's coverage checks (one per rule, resource and needed kind — a few
/// million on a large estate) are array lookups instead of string hashing.
type ScopeId = u32;
const NO_SCOPE: ScopeId = ScopeId::MAX;

type IndexedEntry<'s> = (u32, &'s CoverageEntry);

/// Whether a collection unit was collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitState<'s> {
    /// Collected completely.
    Collected,
    /// Failed: the entry (at this index of `snapshot.coverage`) says why.
    Failed(u32, &'s CoverageEntry),
    /// The coverage table has no entry for it.
    Absent,
}

/// Resource positions by (kind, account, region).
type ScopeIndex<'s> = HashMap<(ResourceKind, &'s str, &'s str), Vec<u32>>;

/// Indexes over one snapshot, built once per evaluation.
pub struct Inventory<'s> {
    snapshot: &'s Snapshot,
    by_kind: Vec<Vec<u32>>,
    scopes: HashMap<(Provider, &'s str, &'s str), ScopeId>,
    /// Per scope, per kind: the unit's coverage entry (a failed entry wins over an ok one).
    unit_table: Vec<[Option<IndexedEntry<'s>>; KIND_COUNT]>,
    /// Per resource: its regional scope and its account's global scope.
    resource_scopes: Vec<(ScopeId, ScopeId)>,
    /// Units narrowed to one resource, by (account, resource id, kind): snapshot ARNs and
    /// AWS-managed policy ARNs carry no account, so the account is part of the key.
    resource_units: HashMap<(&'s str, &'s str, ResourceKind), IndexedEntry<'s>>,
    // Keyed by the provider's short id, then filtered by (account, region).
    snapshots_by_volume: SortedIndex<'s, EbsSnapshot>,
    flow_logs_by_resource: SortedIndex<'s, FlowLog>,
    managed_policies: SortedIndex<'s, IamManagedPolicy>,
    groups: SortedIndex<'s, IamGroup>,
    /// Each AWS account's IAM credential report, by account.
    credential_reports: HashMap<&'s str, &'s IamCredentialReport>,
    /// Per resource (only for plans): the fields known only after apply.
    unknown: Vec<&'s [UnknownValue]>,
    /// Resources by (kind, account, region), built on first use: only rules that judge a
    /// whole region or account ask for it, so a snapshot that has none pays nothing.
    by_scope: std::sync::OnceLock<ScopeIndex<'s>>,
    /// Cloud Storage bucket names that receive other buckets' usage logs, with the names
    /// of the buckets logging to them; built on first use.
    gcs_log_sources: std::sync::OnceLock<HashMap<&'s str, Vec<&'s str>>>,
}

impl<'s> Inventory<'s> {
    /// Indexes a snapshot.
    pub fn new(snapshot: &'s Snapshot) -> Inventory<'s> {
        let mut inventory = Inventory {
            snapshot,
            by_kind: vec![Vec::new(); ResourceKind::ALL.len()],
            scopes: HashMap::new(),
            unit_table: Vec::new(),
            resource_scopes: Vec::with_capacity(snapshot.resources.len()),
            resource_units: HashMap::new(),
            snapshots_by_volume: SortedIndex::default(),
            flow_logs_by_resource: SortedIndex::default(),
            managed_policies: SortedIndex::default(),
            groups: SortedIndex::default(),
            credential_reports: HashMap::new(),
            unknown: Vec::new(),
            by_scope: std::sync::OnceLock::new(),
            gcs_log_sources: std::sync::OnceLock::new(),
        };
        if let Some(plan) = &snapshot.plan {
            inventory.unknown = snapshot
                .resources
                .iter()
                .map(|resource| {
                    plan.resources
                        .get(&resource.id)
                        .map_or(&[][..], |planned| planned.unknown.as_slice())
                })
                .collect();
        }
        for (index, entry) in snapshot.coverage.iter().enumerate() {
            let unit = &entry.unit;
            let indexed = (index as u32, entry);
            match &unit.resource {
                Some(resource) => {
                    let slot = inventory
                        .resource_units
                        .entry((unit.account.as_str(), resource.as_str(), unit.kind))
                        .or_insert(indexed);
                    // A failed entry wins over an ok one for the same unit.
                    if !slot.1.is_gap() {
                        *slot = indexed;
                    }
                }
                None => {
                    let next = inventory.scopes.len() as ScopeId;
                    let scope = *inventory
                        .scopes
                        .entry((unit.provider, unit.account.as_str(), unit.region.as_str()))
                        .or_insert(next);
                    if scope == next {
                        inventory.unit_table.push([None; KIND_COUNT]);
                    }
                    let slot = &mut inventory.unit_table[scope as usize][unit.kind as usize];
                    // A failed entry wins over an ok one for the same unit.
                    if !slot.is_some_and(|(_, existing)| existing.is_gap()) {
                        *slot = Some(indexed);
                    }
                }
            }
        }
        // Snapshots have few (account, region) pairs: a short list scanned linearly beats
        // hashing two strings for each of a million resources.
        let mut seen_scopes: Vec<(Provider, &str, &str, (ScopeId, ScopeId))> = Vec::new();
        for (index, resource) in snapshot.resources.iter().enumerate() {
            inventory.by_kind[resource.kind() as usize].push(index as u32);
            let known = seen_scopes.iter().find(|(provider, account, region, _)| {
                *provider == resource.provider
                    && *region == resource.region
                    && *account == resource.account
            });
            let scopes = match known {
                Some((_, _, _, scopes)) => *scopes,
                None => {
                    let lookup = |region: &str| {
                        inventory
                            .scopes
                            .get(&(resource.provider, resource.account.as_str(), region))
                            .copied()
                            .unwrap_or(NO_SCOPE)
                    };
                    let scopes = (lookup(&resource.region), lookup(GLOBAL_REGION));
                    if seen_scopes.len() < 64 {
                        seen_scopes.push((
                            resource.provider,
                            &resource.account,
                            &resource.region,
                            scopes,
                        ));
                    }
                    scopes
                }
            };
            inventory.resource_scopes.push(scopes);
            let account = resource.account.as_str();
            let region = resource.region.as_str();
            match &resource.config {
                ResourceConfig::EbsSnapshot(snap) => {
                    if let Some(volume_id) = &snap.volume_id {
                        inventory
                            .snapshots_by_volume
                            .push(volume_id, account, region, snap);
                    }
                }
                ResourceConfig::FlowLog(flow_log) => {
                    inventory.flow_logs_by_resource.push(
                        &flow_log.resource_id,
                        account,
                        region,
                        flow_log,
                    );
                }
                ResourceConfig::IamManagedPolicy(policy) => {
                    inventory
                        .managed_policies
                        .push(&resource.id, account, region, policy);
                }
                ResourceConfig::IamGroup(group) => {
                    inventory
                        .groups
                        .push(&group.group_name, account, region, group);
                }
                ResourceConfig::IamCredentialReport(report) => {
                    inventory.credential_reports.insert(account, report);
                }
                _ => {}
            }
        }
        inventory.snapshots_by_volume.sort();
        inventory.flow_logs_by_resource.sort();
        inventory.managed_policies.sort();
        inventory.groups.sort();
        inventory
    }

    /// The snapshot being indexed.
    pub fn snapshot(&self) -> &'s Snapshot {
        self.snapshot
    }

    /// The fields of the resource at `index` that a Terraform plan knows only after apply
    /// (empty for live collections and snapshot files).
    pub fn unknown_of(&self, index: u32) -> &'s [UnknownValue] {
        self.unknown.get(index as usize).copied().unwrap_or(&[])
    }

    /// Indices (into `snapshot.resources`) of every resource of a kind.
    pub fn indices_of(&self, kind: ResourceKind) -> &[u32] {
        &self.by_kind[kind as usize]
    }

    /// Resources of a kind.
    pub fn resources_of(&self, kind: ResourceKind) -> impl Iterator<Item = &'s Resource> + '_ {
        self.indices_of(kind)
            .iter()
            .map(|&index| &self.snapshot.resources[index as usize])
    }

    /// Resources of a kind in one account and region (the resources' own region: a bucket's,
    /// say, not its coverage unit's `global`).
    pub fn resources_in<'a>(
        &'a self,
        kind: ResourceKind,
        account: &'a str,
        region: &'a str,
    ) -> impl Iterator<Item = &'s Resource> + 'a {
        let index = self.by_scope.get_or_init(|| {
            let mut index = ScopeIndex::new();
            for (position, resource) in self.snapshot.resources.iter().enumerate() {
                index
                    .entry((
                        resource.kind(),
                        resource.account.as_str(),
                        resource.region.as_str(),
                    ))
                    .or_default()
                    .push(position as u32);
            }
            index
        });
        index
            .get(&(kind, account, region))
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|&position| &self.snapshot.resources[position as usize])
    }

    /// The names of the Cloud Storage buckets (of any project in the snapshot) whose usage
    /// logs are delivered to the bucket called `log_bucket`, itself excluded; sorted.
    pub fn gcs_buckets_logging_to(&self, log_bucket: &str) -> &[&'s str] {
        let index = self.gcs_log_sources.get_or_init(|| {
            let mut index: HashMap<&'s str, Vec<&'s str>> = HashMap::new();
            for resource in self.resources_of(ResourceKind::GcsBucket) {
                if let ResourceConfig::GcsBucket(bucket) = &resource.config {
                    if let Some(logging) = &bucket.logging {
                        let target = logging.log_bucket.trim();
                        if !target.is_empty() && target != bucket.name {
                            index.entry(target).or_default().push(&bucket.name);
                        }
                    }
                }
            }
            for sources in index.values_mut() {
                sources.sort_unstable();
                sources.dedup();
            }
            index
        });
        index.get(log_bucket).map(Vec::as_slice).unwrap_or_default()
    }

    /// Own snapshots (any state) taken from a volume in the same account and region.
    pub fn snapshots_of_volume<'a>(
        &'a self,
        account: &'a str,
        region: &'a str,
        volume_id: &str,
    ) -> impl Iterator<Item = &'s EbsSnapshot> + 'a {
        self.snapshots_by_volume.located(volume_id, account, region)
    }

    /// Flow logs recording a VPC, subnet or interface in the same account and region.
    pub fn flow_logs_of<'a>(
        &'a self,
        account: &'a str,
        region: &'a str,
        resource_id: &str,
    ) -> impl Iterator<Item = &'s FlowLog> + 'a {
        self.flow_logs_by_resource
            .located(resource_id, account, region)
    }

    /// A managed policy by account and ARN (AWS-managed policies share one ARN across
    /// accounts; each account's snapshot carries its own copy).
    pub fn managed_policy(&self, account: &str, arn: &str) -> Option<&'s IamManagedPolicy> {
        self.managed_policies
            .located(arn, account, GLOBAL_REGION)
            .next()
    }

    /// The IAM credential report of an AWS account, if the snapshot holds one (snapshots
    /// written before soc2scan recorded it have none).
    pub fn credential_report(&self, account: &str) -> Option<&'s IamCredentialReport> {
        self.credential_reports.get(account).copied()
    }

    /// The unit of `kind` narrowed to the resource with this id in `account`, looked up by
    /// id rather than by a resource of the snapshot: a rule reading another resource (the
    /// managed policy attached to a principal) asks whether that resource's own read
    /// failed, though the resource is then absent. `Absent` when no unit is narrowed to it.
    pub fn narrowed_unit(
        &self,
        account: &str,
        resource_id: &str,
        kind: ResourceKind,
    ) -> UnitState<'s> {
        match self.resource_units.get(&(account, resource_id, kind)) {
            Some(&(index, entry)) if entry.is_gap() => UnitState::Failed(index, entry),
            Some(_) => UnitState::Collected,
            None => UnitState::Absent,
        }
    }

    /// An IAM group by account and name.
    pub fn group(&self, account: &str, name: &str) -> Option<&'s IamGroup> {
        self.groups.located(name, account, GLOBAL_REGION).next()
    }

    /// Whether the unit of `kind` that covers the resource at `index` (same account; same
    /// region for regional kinds) was collected, including any unit narrowed to this one
    /// resource.
    ///
    /// A unit narrowed to the resource decides: failed, the resource's part could not be
    /// read; ok, the resource was read completely even where its scope's listing failed (a
    /// multi-region trail whose home region's listing failed, seen from another region).
    ///
    /// A resource that stands for a whole account (region `global`) reading a regional
    /// kind depends on that kind in every region of the account: it is collected when at
    /// least one region collected it, failed when every region that has an entry failed,
    /// and absent when none has one. Such a rule reads the regions itself
    /// ([`Inventory::regional_units`]) and must not pass or fail on what a failed region
    /// could change.
    pub fn unit_state(&self, index: u32, kind: ResourceKind) -> UnitState<'s> {
        let resource = &self.snapshot.resources[index as usize];
        if !self.resource_units.is_empty() {
            if let Some(&(entry_index, entry)) =
                self.resource_units
                    .get(&(resource.account.as_str(), resource.id.as_str(), kind))
            {
                return if entry.is_gap() {
                    UnitState::Failed(entry_index, entry)
                } else {
                    UnitState::Collected
                };
            }
        }
        let (regional, global) = self.resource_scopes[index as usize];
        match kind.collection_scope() {
            CollectionScope::Regional if resource.region == GLOBAL_REGION => {
                let states = self.regional_units(resource.provider, &resource.account, kind);
                if states.iter().any(|(_, s)| *s == UnitState::Collected) {
                    UnitState::Collected
                } else {
                    states
                        .into_iter()
                        .map(|(_, state)| state)
                        .find(|state| matches!(state, UnitState::Failed(..)))
                        .unwrap_or(UnitState::Absent)
                }
            }
            CollectionScope::Regional => self.scope_unit(regional, kind),
            CollectionScope::Global => self.scope_unit(global, kind),
        }
    }

    /// The unit of a regional `kind` in every region of an account that has an entry for
    /// it, sorted by region.
    pub fn regional_units(
        &self,
        provider: Provider,
        account: &str,
        kind: ResourceKind,
    ) -> Vec<(&'s str, UnitState<'s>)> {
        let mut states: Vec<(&'s str, UnitState<'s>)> = self
            .scopes
            .iter()
            .filter(|((p, a, region), _)| {
                *p == provider && *a == account && *region != GLOBAL_REGION
            })
            .map(|(&(_, _, region), &scope)| (region, self.scope_unit(scope, kind)))
            .filter(|(_, state)| *state != UnitState::Absent)
            .collect();
        states.sort_by(|a, b| a.0.cmp(b.0));
        states
    }

    /// Whether a whole unit was collected.
    pub fn scope_state(
        &self,
        provider: Provider,
        account: &str,
        region: &str,
        kind: ResourceKind,
    ) -> UnitState<'s> {
        let scope = self
            .scopes
            .get(&(provider, account, region))
            .copied()
            .unwrap_or(NO_SCOPE);
        self.scope_unit(scope, kind)
    }

    fn scope_unit(&self, scope: ScopeId, kind: ResourceKind) -> UnitState<'s> {
        let entry = self
            .unit_table
            .get(scope as usize)
            .and_then(|row| row[kind as usize]);
        match entry {
            Some((index, entry)) => match entry.status {
                CoverageStatus::Ok => UnitState::Collected,
                CoverageStatus::Failed { .. } => UnitState::Failed(index, entry),
            },
            None => UnitState::Absent,
        }
    }
}

/// Items keyed by a string, sorted once: lookups are binary searches, and building it costs
/// one parallel sort instead of a hash-map entry and a vector per key.
struct SortedIndex<'s, T> {
    entries: Vec<(&'s str, Located<'s, T>)>,
}

impl<T> Default for SortedIndex<'_, T> {
    fn default() -> Self {
        SortedIndex {
            entries: Vec::new(),
        }
    }
}

impl<'s, T: Sync> SortedIndex<'s, T> {
    fn push(&mut self, key: &'s str, account: &'s str, region: &'s str, item: &'s T) {
        self.entries.push((
            key,
            Located {
                account,
                region,
                item,
            },
        ));
    }

    fn sort(&mut self) {
        use rayon::slice::ParallelSliceMut;
        self.entries.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
    }

    fn all<'a>(&'a self, key: &str) -> impl Iterator<Item = &'a Located<'s, T>> + 'a {
        let start = self.entries.partition_point(|(k, _)| *k < key);
        let len = self.entries[start..].partition_point(|(k, _)| *k == key);
        self.entries[start..start + len]
            .iter()
            .map(|(_, located)| located)
    }

    fn located<'a>(
        &'a self,
        key: &str,
        account: &'a str,
        region: &'a str,
    ) -> impl Iterator<Item = &'s T> + 'a {
        self.all(key)
            .filter(move |entry| entry.account == account && entry.region == region)
            .map(|entry| entry.item)
    }
}
