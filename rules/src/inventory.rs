//! Lookups across a snapshot that rules need: which snapshots a volume has, which flow logs
//! record a VPC, what a managed policy says, which coverage units failed.

use soc2scan_providers::{
    CollectionScope, CoverageEntry, CoverageStatus, EbsSnapshot, FlowLog, IamGroup,
    IamManagedPolicy, Provider, Resource, ResourceConfig, ResourceKind, Snapshot, GLOBAL_REGION,
};
use std::collections::HashMap;

struct Located<'s, T> {
    account: &'s str,
    region: &'s str,
    item: &'s T,
}

type UnitKey<'s> = (Provider, &'s str, &'s str, ResourceKind);

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

/// Indexes over one snapshot, built once per evaluation.
pub struct Inventory<'s> {
    snapshot: &'s Snapshot,
    by_kind: Vec<Vec<u32>>,
    units: HashMap<UnitKey<'s>, (u32, &'s CoverageEntry)>,
    resource_units: HashMap<(&'s str, ResourceKind), (u32, &'s CoverageEntry)>,
    // Keyed by the provider's short id, then filtered by (account, region): HashMap lookups
    // with tuple keys of borrowed strings would tie callers to the snapshot's lifetime.
    snapshots_by_volume: HashMap<&'s str, Vec<Located<'s, EbsSnapshot>>>,
    flow_logs_by_resource: HashMap<&'s str, Vec<Located<'s, FlowLog>>>,
    managed_policies: HashMap<&'s str, &'s IamManagedPolicy>,
    groups: HashMap<&'s str, Vec<Located<'s, IamGroup>>>,
}

impl<'s> Inventory<'s> {
    /// Indexes a snapshot.
    pub fn new(snapshot: &'s Snapshot) -> Inventory<'s> {
        let mut inventory = Inventory {
            snapshot,
            by_kind: vec![Vec::new(); ResourceKind::ALL.len()],
            units: HashMap::new(),
            resource_units: HashMap::new(),
            snapshots_by_volume: HashMap::new(),
            flow_logs_by_resource: HashMap::new(),
            managed_policies: HashMap::new(),
            groups: HashMap::new(),
        };
        for (index, entry) in snapshot.coverage.iter().enumerate() {
            let unit = &entry.unit;
            let indexed = (index as u32, entry);
            match &unit.resource {
                Some(resource) => {
                    inventory
                        .resource_units
                        .insert((resource.as_str(), unit.kind), indexed);
                }
                None => {
                    let key = (
                        unit.provider,
                        unit.account.as_str(),
                        unit.region.as_str(),
                        unit.kind,
                    );
                    // A failed entry wins over an ok one for the same unit.
                    let keep_existing = inventory.units.get(&key).is_some_and(|(_, e)| e.is_gap());
                    if !keep_existing {
                        inventory.units.insert(key, indexed);
                    }
                }
            }
        }
        for (index, resource) in snapshot.resources.iter().enumerate() {
            inventory.by_kind[resource.kind() as usize].push(index as u32);
            let account = resource.account.as_str();
            let region = resource.region.as_str();
            match &resource.config {
                ResourceConfig::EbsSnapshot(snap) => {
                    if let Some(volume_id) = &snap.volume_id {
                        inventory
                            .snapshots_by_volume
                            .entry(volume_id.as_str())
                            .or_default()
                            .push(Located {
                                account,
                                region,
                                item: snap,
                            });
                    }
                }
                ResourceConfig::FlowLog(flow_log) => inventory
                    .flow_logs_by_resource
                    .entry(flow_log.resource_id.as_str())
                    .or_default()
                    .push(Located {
                        account,
                        region,
                        item: flow_log,
                    }),
                ResourceConfig::IamManagedPolicy(policy) => {
                    inventory
                        .managed_policies
                        .insert(resource.id.as_str(), policy);
                }
                ResourceConfig::IamGroup(group) => {
                    inventory
                        .groups
                        .entry(group.group_name.as_str())
                        .or_default()
                        .push(Located {
                            account,
                            region,
                            item: group,
                        });
                }
                _ => {}
            }
        }
        inventory
    }

    /// The snapshot being indexed.
    pub fn snapshot(&self) -> &'s Snapshot {
        self.snapshot
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

    /// Own snapshots (any state) taken from a volume in the same account and region.
    pub fn snapshots_of_volume<'a>(
        &'a self,
        account: &'a str,
        region: &'a str,
        volume_id: &str,
    ) -> impl Iterator<Item = &'s EbsSnapshot> + 'a {
        located(self.snapshots_by_volume.get(volume_id), account, region)
    }

    /// Flow logs recording a VPC, subnet or interface in the same account and region.
    pub fn flow_logs_of<'a>(
        &'a self,
        account: &'a str,
        region: &'a str,
        resource_id: &str,
    ) -> impl Iterator<Item = &'s FlowLog> + 'a {
        located(self.flow_logs_by_resource.get(resource_id), account, region)
    }

    /// A managed policy by ARN.
    pub fn managed_policy(&self, arn: &str) -> Option<&'s IamManagedPolicy> {
        self.managed_policies.get(arn).copied()
    }

    /// An IAM group by account and name.
    pub fn group(&self, account: &str, name: &str) -> Option<&'s IamGroup> {
        self.groups
            .get(name)?
            .iter()
            .find(|group| group.account == account)
            .map(|group| group.item)
    }

    /// Whether the unit of `kind` that covers `resource` (same account; same region for
    /// regional kinds) was collected, including any unit narrowed to this one resource.
    pub fn unit_state(&self, resource: &Resource, kind: ResourceKind) -> UnitState<'s> {
        if let Some(&(index, entry)) = self.resource_units.get(&(resource.id.as_str(), kind)) {
            if entry.is_gap() {
                return UnitState::Failed(index, entry);
            }
        }
        let region = match kind.collection_scope() {
            CollectionScope::Regional => resource.region.as_str(),
            CollectionScope::Global => GLOBAL_REGION,
        };
        self.scope_state(kind.provider(), &resource.account, region, kind)
    }

    /// Whether a whole unit was collected.
    pub fn scope_state(
        &self,
        provider: Provider,
        account: &str,
        region: &str,
        kind: ResourceKind,
    ) -> UnitState<'s> {
        match self.units.get(&(provider, account, region, kind)) {
            Some(&(index, entry)) => match entry.status {
                CoverageStatus::Ok => UnitState::Collected,
                CoverageStatus::Failed { .. } => UnitState::Failed(index, entry),
            },
            None => UnitState::Absent,
        }
    }
}

fn located<'a, 's: 'a, T>(
    entries: Option<&'a Vec<Located<'s, T>>>,
    account: &'a str,
    region: &'a str,
) -> impl Iterator<Item = &'s T> + 'a {
    entries
        .into_iter()
        .flatten()
        .filter(move |entry| entry.account == account && entry.region == region)
        .map(|entry| entry.item)
}
