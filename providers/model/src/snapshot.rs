//! The snapshot document: scan metadata, resources and the coverage table.
//!
//! A snapshot is what collection produces and what evaluation reads. It is a versioned JSON
//! document (`format: "soc2scan-snapshot"`, `format_version: 1`), documented in
//! `docs/snapshot-format.md`. It never holds credentials, tokens or secret-bearing fields.

use crate::{PlanInfo, Provider, Resource, ResourceKind, GLOBAL_REGION};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// The `format` marker of a snapshot document.
pub const SNAPSHOT_FORMAT: &str = "soc2scan-snapshot";
/// The snapshot format version this build reads and writes.
pub const SNAPSHOT_FORMAT_VERSION: u32 = 1;

/// A point-in-time copy of the configuration of one or more cloud accounts or projects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// Always [`SNAPSHOT_FORMAT`].
    pub format: String,
    /// Always [`SNAPSHOT_FORMAT_VERSION`] for this build.
    pub format_version: u32,
    /// Who and what was scanned, when, and with what.
    pub metadata: ScanMetadata,
    /// One entry per collection unit: whether it was collected.
    pub coverage: Vec<CoverageEntry>,
    /// The resources.
    pub resources: Vec<Resource>,
    /// For a snapshot built from a Terraform plan: where each resource is defined and which
    /// of its fields are known only after apply. Absent for live collections.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<PlanInfo>,
}

/// Scan metadata. Never holds credentials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanMetadata {
    /// The tool that wrote the snapshot.
    pub tool: ToolInfo,
    /// When collection started.
    pub started_at: DateTime<Utc>,
    /// When collection finished. Rules that judge ages (key age, backup age) measure them
    /// against this time, so evaluating the same snapshot later gives the same verdicts.
    pub finished_at: DateTime<Utc>,
    /// What was scanned.
    pub targets: Vec<ScanTarget>,
    /// API calls made, by `service:Operation` (e.g. `ec2:DescribeVolumes`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub api_calls: BTreeMap<String, u64>,
    /// The AWS Organization the AWS targets were listed from (`--org`), if they were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<OrganizationScan>,
    /// The share of the accounts and projects this collection scanned (`--shard I/N`);
    /// absent when it scanned them all (and in a merged snapshot). A shard that held no
    /// account is a valid snapshot with no targets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<crate::shard::Shard>,
    /// The kinds the collection set out to collect in every target (from the providers and
    /// `--services` selected), recorded even when no target was scanned. `soc2scan merge`
    /// compares them to refuse parts collected with different selections. Absent in
    /// snapshots written before it existed and in plans: the kinds with a coverage entry
    /// stand for it.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub collected_kinds: BTreeSet<ResourceKind>,
}

/// Name and version of the tool that collected a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolInfo {
    /// Tool name (`soc2scan`).
    pub name: String,
    /// Tool version.
    pub version: String,
}

/// One scanned account or project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanTarget {
    /// Provider.
    pub provider: Provider,
    /// AWS account id or GCP project id.
    pub account: String,
    /// A human name for the account (alias, project name), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// Regions scanned (AWS); empty for providers without regions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    /// The identity the scan ran as (an ARN or service-account email; never a secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    /// Where the account sits in its AWS Organization, for accounts listed from one
    /// (`--org`): its name, OU path and status, and whether it was skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<OrgAccount>,
}

impl ScanTarget {
    /// Whether the target was listed but deliberately not scanned (an organization account
    /// that is suspended or pending closure): it has no coverage and no resources, and is
    /// neither scanned nor a gap.
    pub fn is_skipped(&self) -> bool {
        self.organization.as_ref().is_some_and(|org| org.skipped)
    }
}

/// An account's place in its AWS Organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgAccount {
    /// The account's name in the organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The path of organizational units from the root to the account, by name:
    /// `Root/Workloads/Prod` (`Root` for an account directly under the root).
    pub ou_path: String,
    /// The account's status as Organizations gives it: `ACTIVE`, `SUSPENDED`,
    /// `PENDING_CLOSURE`, …
    pub status: String,
    /// Not scanned because of its status (anything but `ACTIVE`): listed, not a gap.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub skipped: bool,
}

/// How an AWS Organization was scanned (`--org`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationScan {
    /// The organization id (`o-abc123def4`).
    pub id: String,
    /// The management account's id.
    pub management_account: String,
    /// The role assumed in each member account (`OrganizationAccountAccessRole`).
    pub member_role: String,
    /// The organizational units the accounts were listed under (`--org-ou`), with their
    /// paths; empty when the whole organization was listed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<OrgUnitScope>,
    /// Accounts of the listing left out by `--org-exclude`: not scanned, not gaps.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded: Vec<String>,
}

/// An organizational unit a scan was limited to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgUnitScope {
    /// The OU id (`ou-ab12-cdef3456`).
    pub id: String,
    /// Its path from the root by name (`Root/Workloads`).
    pub path: String,
}

/// A unit of collection: provider × account × region × resource kind, optionally narrowed
/// to one resource (e.g. one bucket's IAM policy).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectionUnit {
    /// Provider.
    pub provider: Provider,
    /// AWS account id or GCP project id.
    pub account: String,
    /// Region, or `global` for kinds collected once per account or project.
    pub region: String,
    /// What was collected.
    pub kind: ResourceKind,
    /// The canonical id of the one resource this unit covers, when it covers only one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
}

impl fmt::Display for CollectionUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}/{} {}",
            self.provider, self.account, self.region, self.kind
        )?;
        if let Some(resource) = &self.resource {
            write!(f, " of {resource}")?;
        }
        Ok(())
    }
}

/// Whether a unit was collected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageStatus {
    /// Collected completely.
    Ok,
    /// Not collected (or only partly): rules that need it are `NotEvaluated`.
    Failed {
        /// Why.
        kind: FailureKind,
        /// The provider's message, with the operation that failed.
        message: String,
    },
}

/// Classes of collection failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// The identity lacks a permission.
    AccessDenied,
    /// Throttling outlasted retries.
    Throttled,
    /// The call timed out.
    Timeout,
    /// The region or service is not enabled for the account.
    NotEnabled,
    /// Any other error.
    Error,
}

impl FailureKind {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::AccessDenied => "access_denied",
            FailureKind::Throttled => "throttled",
            FailureKind::Timeout => "timeout",
            FailureKind::NotEnabled => "not_enabled",
            FailureKind::Error => "error",
        }
    }
}

/// One row of the coverage table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverageEntry {
    /// The unit.
    pub unit: CollectionUnit,
    /// Its status.
    pub status: CoverageStatus,
}

impl CoverageEntry {
    /// Whether the unit failed.
    pub fn is_gap(&self) -> bool {
        matches!(self.status, CoverageStatus::Failed { .. })
    }
}

/// Why a snapshot file could not be loaded. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("{path}: cannot read snapshot: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file is not JSON.
    #[error("{path}:{line}:{column}: not valid JSON: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// The file is JSON but not a soc2scan snapshot.
    #[error("{path}: not a soc2scan snapshot: expected a JSON object with \"format\": \"{SNAPSHOT_FORMAT}\" and \"format_version\": {SNAPSHOT_FORMAT_VERSION}{found}")]
    NotSnapshot {
        /// The file.
        path: PathBuf,
        /// What was found instead, prefixed with "; found ".
        found: String,
    },
    /// The snapshot has another format version.
    #[error("{path}: snapshot format_version {found} is not supported; this soc2scan {tool_version} reads format_version {SNAPSHOT_FORMAT_VERSION} (re-collect the snapshot, or use the soc2scan release that wrote it)")]
    Version {
        /// The file.
        path: PathBuf,
        /// The version found.
        found: String,
        /// This build's version.
        tool_version: &'static str,
    },
    /// A field is missing, mistyped or unknown.
    #[error("{path}:{line}:{column}: at {json_path}: {message}")]
    Data {
        /// The file.
        path: PathBuf,
        /// JSON path of the offending value (`resources[3].config.ebs_volume.encrypted`).
        json_path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was wrong and what was expected.
        message: String,
    },
    /// The document parsed but is inconsistent.
    #[error("{path}: at {json_path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// JSON path of the offending value.
        json_path: String,
        /// What was wrong.
        message: String,
    },
}

impl Snapshot {
    /// An empty snapshot for the given time span, written by this build.
    pub fn new(tool_version: &str, started_at: DateTime<Utc>, finished_at: DateTime<Utc>) -> Self {
        Snapshot {
            format: SNAPSHOT_FORMAT.to_string(),
            format_version: SNAPSHOT_FORMAT_VERSION,
            metadata: ScanMetadata {
                tool: ToolInfo {
                    name: "soc2scan".to_string(),
                    version: tool_version.to_string(),
                },
                started_at,
                finished_at,
                targets: Vec::new(),
                api_calls: BTreeMap::new(),
                organization: None,
                shard: None,
                collected_kinds: BTreeSet::new(),
            },
            coverage: Vec::new(),
            resources: Vec::new(),
            plan: None,
        }
    }

    /// Reads and validates a snapshot file.
    pub fn load(path: &Path) -> Result<Snapshot, LoadError> {
        let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Snapshot::from_json_slice(&bytes, path)
    }

    /// Parses and validates a snapshot from JSON bytes; `path` names the source in errors.
    pub fn from_json_slice(bytes: &[u8], path: &Path) -> Result<Snapshot, LoadError> {
        check_header(bytes, path)?;
        // Fast path first; on failure parse again tracking the JSON path for the message.
        let snapshot: Snapshot = match serde_json::from_slice(bytes) {
            Ok(snapshot) => snapshot,
            Err(fast_error) => {
                let mut deserializer = serde_json::Deserializer::from_slice(bytes);
                let error = match serde_path_to_error::deserialize::<_, Snapshot>(&mut deserializer)
                {
                    Ok(_) => return Err(data_error(path, String::from("."), &fast_error)),
                    Err(error) => error,
                };
                let json_path = error.path().to_string();
                return Err(data_error(path, json_path, error.inner()));
            }
        };
        snapshot.validate(path)?;
        Ok(snapshot)
    }

    /// Checks what the types cannot: providers agree with kinds, ids are present and unique.
    pub fn validate(&self, path: &Path) -> Result<(), LoadError> {
        let invalid = |json_path: String, message: String| LoadError::Invalid {
            path: path.to_path_buf(),
            json_path,
            message,
        };
        for (index, entry) in self.coverage.iter().enumerate() {
            let unit = &entry.unit;
            if unit.kind.provider() != unit.provider {
                return Err(invalid(
                    format!("coverage[{index}].unit"),
                    format!(
                        "kind {} belongs to provider {}, not {}",
                        unit.kind,
                        unit.kind.provider(),
                        unit.provider
                    ),
                ));
            }
            if unit.account.is_empty() || unit.region.is_empty() {
                return Err(invalid(
                    format!("coverage[{index}].unit"),
                    "account and region must not be empty".to_string(),
                ));
            }
        }
        if !self.metadata.collected_kinds.is_empty() {
            if let Some((index, entry)) = self
                .coverage
                .iter()
                .enumerate()
                .find(|(_, entry)| !self.metadata.collected_kinds.contains(&entry.unit.kind))
            {
                return Err(invalid(
                    format!("coverage[{index}].unit.kind"),
                    format!(
                        "kind {} is not among metadata.collected_kinds, the kinds this \
                         collection set out to collect",
                        entry.unit.kind
                    ),
                ));
            }
        }
        // A snapshot records what it attempted in its coverage table: a kind attempted for a
        // target has an entry (ok or failed) in every one of the target's scopes, so an
        // absent unit cannot leave rules silently unevaluated and the scan looking complete.
        // A kind with no entry at all for a target was not attempted there (the snapshot
        // predates the kind, or the scan left its service out): its rules are skipped as
        // "not collected", never read as a pass.
        let listed: HashSet<(Provider, &str, &str, ResourceKind)> = self
            .coverage
            .iter()
            .filter(|entry| entry.unit.resource.is_none())
            .map(|entry| {
                let unit = &entry.unit;
                (
                    unit.provider,
                    unit.account.as_str(),
                    unit.region.as_str(),
                    unit.kind,
                )
            })
            .collect();
        let attempted = self.attempted_by_account();
        for (index, target) in self.metadata.targets.iter().enumerate() {
            let Some(kinds) = attempted.get(&(target.provider, target.account.as_str())) else {
                continue;
            };
            if target.is_skipped() {
                return Err(invalid(
                    format!("metadata.targets[{index}]"),
                    format!(
                        "{}/{} is marked skipped (organization.skipped) but the coverage table has entries for it; a skipped account is listed, never collected",
                        target.provider, target.account
                    ),
                ));
            }
            for &kind in kinds {
                let regions: Vec<&str> = match kind.collection_scope() {
                    crate::CollectionScope::Regional => {
                        target.regions.iter().map(String::as_str).collect()
                    }
                    crate::CollectionScope::Global => vec![GLOBAL_REGION],
                };
                for region in regions {
                    if !listed.contains(&(target.provider, target.account.as_str(), region, kind)) {
                        return Err(invalid(
                            format!("metadata.targets[{index}]"),
                            format!(
                                "the coverage table has no entry for {}/{}/{region} {kind}; a kind collected for an account needs one entry in each of its scanned regions, ok or failed",
                                target.provider, target.account
                            ),
                        ));
                    }
                }
            }
        }
        let targets: HashSet<(Provider, &str)> = self
            .metadata
            .targets
            .iter()
            .map(|target| (target.provider, target.account.as_str()))
            .collect();
        let mut seen = HashSet::with_capacity(self.resources.len());
        for (index, resource) in self.resources.iter().enumerate() {
            let kind = resource.kind();
            if kind.provider() != resource.provider {
                return Err(invalid(
                    format!("resources[{index}].provider"),
                    format!(
                        "resources of kind {} belong to provider {}, not {}",
                        kind,
                        kind.provider(),
                        resource.provider
                    ),
                ));
            }
            if resource.id.is_empty() || resource.account.is_empty() || resource.region.is_empty() {
                return Err(invalid(
                    format!("resources[{index}]"),
                    "id, account and region must not be empty".to_string(),
                ));
            }
            if !targets.contains(&(resource.provider, resource.account.as_str())) {
                return Err(invalid(
                    format!("resources[{index}].account"),
                    format!(
                        "{} account {:?} is not among metadata.targets; list every scanned account there",
                        resource.provider, resource.account
                    ),
                ));
            }
            if !attempted
                .get(&(resource.provider, resource.account.as_str()))
                .is_some_and(|kinds| kinds.contains(&kind))
            {
                return Err(invalid(
                    format!("resources[{index}]"),
                    format!(
                        "the coverage table has no {kind} entry for {} account {:?}, so this resource was never collected; list the unit in coverage",
                        resource.provider, resource.account
                    ),
                ));
            }
            // Unique per account: AWS-managed policies share one ARN across accounts.
            if !seen.insert((resource.account.as_str(), resource.id.as_str())) {
                return Err(invalid(
                    format!("resources[{index}].id"),
                    format!(
                        "duplicate resource id {:?} in account {}",
                        resource.id, resource.account
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The kinds this snapshot attempted to collect anywhere: those with a coverage entry
    /// (ok or failed) for a whole scope. A rule that needs a kind outside this set is
    /// skipped as "not collected in this snapshot" — the snapshot predates the kind, or the
    /// scan left its service out — which is neither a pass nor a coverage gap.
    ///
    /// The kinds of `metadata.collected_kinds` count as attempted too, so the rules of a
    /// shard that held no account run (on nothing) rather than being reported as not
    /// collected.
    pub fn attempted_kinds(&self) -> BTreeSet<ResourceKind> {
        self.coverage
            .iter()
            .filter(|entry| entry.unit.resource.is_none())
            .map(|entry| entry.unit.kind)
            .chain(self.metadata.collected_kinds.iter().copied())
            .collect()
    }

    /// The kinds attempted for each (provider, account).
    fn attempted_by_account(&self) -> HashMap<(Provider, &str), BTreeSet<ResourceKind>> {
        let mut attempted: HashMap<(Provider, &str), BTreeSet<ResourceKind>> = HashMap::new();
        for entry in self.coverage.iter().filter(|e| e.unit.resource.is_none()) {
            attempted
                .entry((entry.unit.provider, entry.unit.account.as_str()))
                .or_default()
                .insert(entry.unit.kind);
        }
        attempted
    }

    /// The coverage region of a resource: its own region for regional kinds, `global`
    /// for kinds listed once per account or project.
    pub fn coverage_region(resource: &Resource) -> &str {
        match resource.kind().collection_scope() {
            crate::CollectionScope::Regional => &resource.region,
            crate::CollectionScope::Global => GLOBAL_REGION,
        }
    }

    /// The coverage entries that failed.
    pub fn gaps(&self) -> impl Iterator<Item = &CoverageEntry> {
        self.coverage.iter().filter(|entry| entry.is_gap())
    }

    /// Serialises to pretty JSON.
    pub fn to_json_pretty(&self) -> serde_json::Result<String> {
        serde_json::to_string_pretty(self)
    }
}

fn data_error(path: &Path, json_path: String, error: &serde_json::Error) -> LoadError {
    if error.is_syntax() || error.is_eof() {
        return LoadError::Syntax {
            path: path.to_path_buf(),
            line: error.line(),
            column: error.column().max(1),
            message: strip_position(error),
        };
    }
    LoadError::Data {
        path: path.to_path_buf(),
        json_path,
        line: error.line(),
        column: error.column().max(1),
        message: strip_position(error),
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

/// "an array", "a string", … from the first byte of a JSON value.
fn json_value_kind(first: Option<u8>) -> &'static str {
    match first {
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

fn check_header(bytes: &[u8], path: &Path) -> Result<(), LoadError> {
    #[derive(Deserialize)]
    struct Header {
        format: Option<serde_json::Value>,
        format_version: Option<serde_json::Value>,
    }
    // A derived struct also deserialises from a JSON array, where a long array would surface
    // as a misleading "trailing characters" syntax error: only an object can be a snapshot.
    let first = bytes.iter().copied().find(|b| !b.is_ascii_whitespace());
    if first.is_some() && first != Some(b'{') {
        return match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
            Err(error) => Err(data_error(path, String::new(), &error)),
            Ok(_) => Err(LoadError::NotSnapshot {
                path: path.to_path_buf(),
                found: format!("; found {}", json_value_kind(first)),
            }),
        };
    }
    let header: Header = match serde_json::from_slice::<Header>(bytes) {
        Ok(header) => header,
        Err(error) if error.is_syntax() || error.is_eof() => {
            return Err(data_error(path, String::new(), &error))
        }
        Err(error) => {
            return Err(LoadError::NotSnapshot {
                path: path.to_path_buf(),
                found: format!("; found {}", strip_position(&error)),
            })
        }
    };
    match header.format {
        Some(serde_json::Value::String(format)) if format == SNAPSHOT_FORMAT => {}
        Some(other) => {
            return Err(LoadError::NotSnapshot {
                path: path.to_path_buf(),
                found: format!("; found \"format\": {other}"),
            })
        }
        None => {
            return Err(LoadError::NotSnapshot {
                path: path.to_path_buf(),
                found: "; found no \"format\" field".to_string(),
            })
        }
    }
    match header.format_version {
        Some(serde_json::Value::Number(n))
            if n.as_u64() == Some(SNAPSHOT_FORMAT_VERSION as u64) =>
        {
            Ok(())
        }
        Some(other) => Err(LoadError::Version {
            path: path.to_path_buf(),
            found: other.to_string(),
            tool_version: env!("CARGO_PKG_VERSION"),
        }),
        None => Err(LoadError::NotSnapshot {
            path: path.to_path_buf(),
            found: "; found no \"format_version\" field".to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CollectionScope, ResourceConfig};
    use serde_json::{json, Value};

    const EXAMPLE: &str = include_str!("../../../examples/acme-snapshot.json");

    fn example() -> Snapshot {
        Snapshot::from_json_slice(EXAMPLE.as_bytes(), Path::new("examples/acme-snapshot.json"))
            .unwrap_or_else(|error| panic!("the bundled example must load: {error}"))
    }

    #[test]
    fn example_loads_with_exactly_one_coverage_gap() {
        let snapshot = example();
        let gaps: Vec<&CoverageEntry> = snapshot.gaps().collect();
        assert_eq!(gaps.len(), 1, "{gaps:?}");
        let gap = gaps[0];
        assert_eq!(gap.unit.region, "us-east-1");
        assert_eq!(gap.unit.kind, ResourceKind::FlowLog);
        assert!(matches!(
            &gap.status,
            CoverageStatus::Failed { kind: FailureKind::AccessDenied, message }
                if message.contains("ec2:DescribeFlowLogs")
        ));
        assert_eq!(
            snapshot.metadata.finished_at.to_rfc3339(),
            "2026-11-20T06:00:00+00:00"
        );
    }

    #[test]
    fn example_covers_every_kind_in_every_scanned_scope_once() {
        let snapshot = example();
        let mut units = HashSet::new();
        for entry in &snapshot.coverage {
            assert!(units.insert(entry.unit.clone()), "duplicate {}", entry.unit);
        }
        for target in &snapshot.metadata.targets {
            let regional_scopes: Vec<&str> = target.regions.iter().map(String::as_str).collect();
            for kind in ResourceKind::ALL
                .iter()
                .filter(|kind| kind.provider() == target.provider)
            {
                let regions = match kind.collection_scope() {
                    CollectionScope::Regional => regional_scopes.clone(),
                    CollectionScope::Global => vec![GLOBAL_REGION],
                };
                for region in regions {
                    let unit = CollectionUnit {
                        provider: target.provider,
                        account: target.account.clone(),
                        region: region.to_string(),
                        kind: *kind,
                        resource: None,
                    };
                    assert!(units.contains(&unit), "no coverage entry for {unit}");
                }
            }
        }
        assert_eq!(
            units.len(),
            snapshot.coverage.len(),
            "coverage has entries for unscanned scopes"
        );
        for resource in &snapshot.resources {
            let unit = CollectionUnit {
                provider: resource.provider,
                account: resource.account.clone(),
                region: Snapshot::coverage_region(resource).to_string(),
                kind: resource.kind(),
                resource: None,
            };
            assert!(
                units.contains(&unit),
                "{} has no coverage unit",
                resource.id
            );
        }
    }

    #[test]
    fn example_round_trips_and_holds_no_key_ids() {
        let snapshot = example();
        let json = snapshot.to_json_pretty().expect("serialises");
        let again = Snapshot::from_json_slice(json.as_bytes(), Path::new("round-trip.json"))
            .expect("re-loads");
        assert_eq!(again, snapshot);
        // Access key ids (AKIA…, ASIA…) and user ids (AIDA…) never belong in a snapshot.
        for prefix in ["AKIA", "ASIA", "AIDA"] {
            assert!(!EXAMPLE.contains(prefix), "example contains {prefix}…");
        }
        assert!(snapshot.resources.iter().all(|r| match &r.config {
            ResourceConfig::IamUser(user) => user.user_id.is_none(),
            _ => true,
        }));
    }

    #[test]
    fn documented_example_loads() {
        let doc = include_str!("../../../docs/snapshot-format.md");
        let section = doc
            .split("## A short example")
            .nth(1)
            .expect("docs/snapshot-format.md has a short example");
        let json = section
            .split("```json")
            .nth(1)
            .and_then(|block| block.split("```").next())
            .expect("the short example is a json block");
        let snapshot =
            Snapshot::from_json_slice(json.as_bytes(), Path::new("docs/snapshot-format.md"))
                .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(snapshot.resources.len(), 2);
    }

    #[test]
    fn a_kind_collected_in_one_region_but_not_another_is_invalid() {
        let mut document = valid_document();
        document["metadata"]["targets"][0]["regions"] = json!(["eu-west-1", "us-east-1"]);
        let coverage = document["coverage"].as_array_mut().expect("coverage");
        let us_east: Vec<Value> = coverage
            .iter()
            .filter(|entry| entry["unit"]["region"] == "eu-west-1")
            .filter(|entry| entry["unit"]["kind"] != "flow_log")
            .map(|entry| {
                let mut entry = entry.clone();
                entry["unit"]["region"] = json!("us-east-1");
                entry
            })
            .collect();
        coverage.extend(us_east);
        let error = load_error(&document).to_string();
        assert!(
            error.contains("no entry for aws/111122223333/us-east-1 flow_log"),
            "{error}"
        );
    }

    #[test]
    fn a_kind_never_attempted_loads_and_is_not_among_the_attempted_kinds() {
        // A snapshot written before a kind existed, or by a scan that left its service out,
        // has no entry for it anywhere: it loads, and its rules are skipped (not a gap).
        let mut document = valid_document();
        let coverage = document["coverage"].as_array_mut().expect("coverage");
        coverage.retain(|entry| entry["unit"]["kind"] != "flow_log");
        let snapshot = load(&document).expect("loads");
        let attempted = snapshot.attempted_kinds();
        assert!(!attempted.contains(&ResourceKind::FlowLog));
        assert!(attempted.contains(&ResourceKind::EbsVolume));
        assert!(attempted.contains(&ResourceKind::IamUser));
        assert!(!attempted.contains(&ResourceKind::GcsBucket));

        // ...but a resource of a kind that was never collected for its account is invalid.
        let mut document = valid_document();
        let coverage = document["coverage"].as_array_mut().expect("coverage");
        coverage.retain(|entry| entry["unit"]["kind"] != "ebs_volume");
        let error = load_error(&document).to_string();
        assert!(
            error.contains("resources[0]: the coverage table has no ebs_volume entry"),
            "{error}"
        );
    }

    #[test]
    fn organization_fields_round_trip_and_a_skipped_account_has_no_coverage() {
        let mut document = valid_document();
        document["metadata"]["targets"][0]["organization"] =
            json!({"name": "prod-app", "ou_path": "Root/Workloads/Prod", "status": "ACTIVE"});
        document["metadata"]["targets"]
            .as_array_mut()
            .expect("targets")
            .push(json!({
                "provider": "aws",
                "account": "444455556666",
                "organization": {"name": "legacy", "ou_path": "Root", "status": "SUSPENDED", "skipped": true}
            }));
        document["metadata"]["organization"] = json!({
            "id": "o-abc123def4",
            "management_account": "999988887777",
            "member_role": "OrganizationAccountAccessRole",
            "units": [{"id": "ou-ab12-cdef3456", "path": "Root/Workloads"}],
            "excluded": ["555566667777"]
        });
        let snapshot = load(&document).expect("loads");
        let skipped: Vec<&str> = snapshot
            .metadata
            .targets
            .iter()
            .filter(|t| t.is_skipped())
            .map(|t| t.account.as_str())
            .collect();
        assert_eq!(skipped, vec!["444455556666"]);
        let organization = snapshot
            .metadata
            .organization
            .as_ref()
            .expect("organization");
        assert_eq!(organization.units[0].path, "Root/Workloads");
        let again = serde_json::to_value(&snapshot).expect("serialises");
        assert_eq!(
            again["metadata"]["organization"],
            document["metadata"]["organization"]
        );
        assert_eq!(
            again["metadata"]["targets"][1],
            document["metadata"]["targets"][1]
        );
        // `skipped: false` is not written; snapshots without these fields are unchanged.
        assert!(again["metadata"]["targets"][0]["organization"]
            .get("skipped")
            .is_none());
        let plain = serde_json::to_value(load(&valid_document()).expect("loads")).unwrap();
        assert!(plain["metadata"].get("organization").is_none());
        assert!(plain["metadata"]["targets"][0]
            .get("organization")
            .is_none());

        // A skipped account that has coverage entries was collected after all: invalid.
        let mut document = valid_document();
        document["metadata"]["targets"][0]["organization"] =
            json!({"ou_path": "Root", "status": "SUSPENDED", "skipped": true});
        let error = load_error(&document).to_string();
        assert!(error.contains("is marked skipped"), "{error}");
        // An unknown key in the organization block is a data error, like everywhere.
        let mut document = valid_document();
        document["metadata"]["targets"][0]["organization"] =
            json!({"ou_path": "Root", "status": "ACTIVE", "ou": "x"});
        assert_data_error(
            &document,
            "metadata.targets[0].organization.ou",
            &["unknown field `ou`"],
        );
    }

    #[test]
    fn a_resource_outside_the_scanned_accounts_is_invalid() {
        let mut document = valid_document();
        document["resources"][1]["account"] = json!("999999999999");
        let error = load_error(&document).to_string();
        assert!(error.contains("not among metadata.targets"), "{error}");
    }

    /// A small valid snapshot document to break in each test.
    fn valid_document() -> Value {
        json!({
            "format": SNAPSHOT_FORMAT,
            "format_version": SNAPSHOT_FORMAT_VERSION,
            "metadata": {
                "tool": {"name": "soc2scan", "version": "0.1.0"},
                "started_at": "2026-11-20T05:59:00Z",
                "finished_at": "2026-11-20T06:00:00Z",
                "targets": [{"provider": "aws", "account": "111122223333", "regions": ["eu-west-1"]}]
            },
            // Every AWS kind in the one scanned scope: regional ones in eu-west-1, the rest global.
            "coverage": ResourceKind::ALL
                .iter()
                .filter(|kind| kind.provider() == Provider::Aws)
                .map(|kind| {
                    let region = match kind.collection_scope() {
                        crate::CollectionScope::Regional => "eu-west-1",
                        crate::CollectionScope::Global => GLOBAL_REGION,
                    };
                    json!({
                        "unit": {"provider": "aws", "account": "111122223333", "region": region, "kind": kind},
                        "status": "ok"
                    })
                })
                .collect::<Vec<_>>(),
            "resources": [
                {
                    "id": "arn:aws:ec2:eu-west-1:111122223333:volume/vol-0a1b2c3d4e5f60718",
                    "provider": "aws",
                    "account": "111122223333",
                    "region": "eu-west-1",
                    "config": {"ebs_volume": {
                        "volume_id": "vol-0a1b2c3d4e5f60718",
                        "encrypted": true,
                        "state": "in-use",
                        "availability_zone": "eu-west-1a",
                        "size_gib": 8
                    }}
                },
                {
                    "id": "arn:aws:ec2:eu-west-1:111122223333:volume/vol-0f1e2d3c4b5a69788",
                    "provider": "aws",
                    "account": "111122223333",
                    "region": "eu-west-1",
                    "config": {"ebs_volume": {
                        "volume_id": "vol-0f1e2d3c4b5a69788",
                        "encrypted": false,
                        "state": "available",
                        "availability_zone": "eu-west-1b",
                        "size_gib": 100
                    }}
                }
            ]
        })
    }

    const PATH: &str = "scans/broken-snapshot.json";

    fn load(document: &Value) -> Result<Snapshot, LoadError> {
        let text = serde_json::to_string_pretty(document).expect("serialises");
        Snapshot::from_json_slice(text.as_bytes(), Path::new(PATH))
    }

    fn load_error(document: &Value) -> LoadError {
        match load(document) {
            Ok(_) => panic!("a broken snapshot loaded"),
            Err(error) => {
                assert!(
                    error.to_string().starts_with(PATH),
                    "message must name the file: {error}"
                );
                error
            }
        }
    }

    #[test]
    fn valid_document_loads() {
        let snapshot = load(&valid_document()).expect("loads");
        assert_eq!(snapshot.resources.len(), 2);
        assert_eq!(snapshot.gaps().count(), 0);
    }

    #[test]
    fn not_json_is_a_syntax_error_with_line_and_column() {
        let text = b"{\n  \"format\": \"soc2scan-snapshot\",\n  \"format_version\": 1,\n  oops\n}";
        let error = Snapshot::from_json_slice(text, Path::new(PATH)).expect_err("not JSON");
        let LoadError::Syntax { line, column, .. } = &error else {
            panic!("expected a syntax error, got {error:?}");
        };
        assert_eq!((*line, *column), (4, 3));
        let message = error.to_string();
        assert!(
            message.starts_with(&format!("{PATH}:4:3: not valid JSON")),
            "{message}"
        );

        let truncated = &EXAMPLE.as_bytes()[..EXAMPLE.len() / 2];
        let error = Snapshot::from_json_slice(truncated, Path::new(PATH)).expect_err("truncated");
        assert!(matches!(error, LoadError::Syntax { .. }), "{error:?}");
        assert!(error.to_string().starts_with(PATH));

        let error = Snapshot::from_json_slice(b"", Path::new(PATH)).expect_err("empty");
        assert!(matches!(error, LoadError::Syntax { .. }), "{error:?}");
    }

    #[test]
    fn other_json_is_not_a_snapshot() {
        for document in [
            json!([1, 2, 3]),
            json!("soc2scan-snapshot"),
            json!(42),
            json!({"format": "sarif", "format_version": 1}),
            json!({"format_version": 1}),
            json!({"format": SNAPSHOT_FORMAT}),
        ] {
            let error = load_error(&document);
            assert!(
                matches!(error, LoadError::NotSnapshot { .. }),
                "{document}: {error:?}"
            );
            assert!(error.to_string().contains("not a soc2scan snapshot"));
        }
    }

    #[test]
    fn wrong_format_version_is_a_version_error() {
        let mut document = valid_document();
        document["format_version"] = json!(2);
        let error = load_error(&document);
        assert!(
            matches!(&error, LoadError::Version { found, .. } if found == "2"),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(
            message.contains("format_version 2 is not supported"),
            "{message}"
        );
        assert!(message.contains(&format!("reads format_version {SNAPSHOT_FORMAT_VERSION}")));
    }

    #[track_caller]
    fn assert_data_error(document: &Value, expected_path: &str, fragments: &[&str]) {
        let error = load_error(document);
        let LoadError::Data {
            json_path,
            line,
            column,
            ..
        } = &error
        else {
            panic!("expected a data error, got {error:?}");
        };
        assert_eq!(json_path, expected_path, "{error}");
        assert!(*line > 0 && *column > 0, "{error}");
        let message = error.to_string();
        assert!(
            message.contains(&format!("at {expected_path}:")),
            "{message}"
        );
        for fragment in fragments {
            assert!(message.contains(fragment), "{message} lacks {fragment}");
        }
    }

    #[test]
    fn mistyped_field_names_its_json_path() {
        let mut document = valid_document();
        document["resources"][0]["config"]["ebs_volume"]["encrypted"] = json!("yes");
        assert_data_error(
            &document,
            "resources[0].config.ebs_volume.encrypted",
            &["invalid type", "expected a boolean"],
        );
    }

    #[test]
    fn missing_field_names_its_json_path() {
        let mut document = valid_document();
        document["resources"][1]["config"]["ebs_volume"]
            .as_object_mut()
            .expect("object")
            .remove("encrypted");
        assert_data_error(
            &document,
            "resources[1].config.ebs_volume",
            &["missing field `encrypted`"],
        );

        let mut document = valid_document();
        document["metadata"]
            .as_object_mut()
            .expect("object")
            .remove("finished_at");
        assert_data_error(&document, "metadata", &["missing field `finished_at`"]);
    }

    #[test]
    fn unknown_field_and_unknown_kind_are_data_errors() {
        let mut document = valid_document();
        document["resources"][0]["config"]["ebs_volume"]["user_data"] = json!("c2VjcmV0");
        assert_data_error(
            &document,
            "resources[0].config.ebs_volume.user_data",
            &["unknown field `user_data`"],
        );

        let mut document = valid_document();
        let config = document["resources"][0]["config"]["ebs_volume"].take();
        document["resources"][0]["config"] = json!({ "ec2_volume": config });
        assert_data_error(
            &document,
            "resources[0].config",
            &["unknown variant `ec2_volume`", "ebs_volume"],
        );

        let mut document = valid_document();
        document["coverage"][0]["unit"]["kind"] = json!("sqs_queue");
        assert_data_error(
            &document,
            "coverage[0].unit.kind",
            &["unknown variant `sqs_queue`"],
        );
    }

    #[test]
    fn unparsable_time_is_a_data_error() {
        let mut document = valid_document();
        document["metadata"]["finished_at"] = json!("yesterday");
        assert_data_error(&document, "metadata.finished_at", &[]);
    }

    #[test]
    fn duplicate_id_is_invalid() {
        let mut document = valid_document();
        document["resources"][1]["id"] = document["resources"][0]["id"].clone();
        let error = load_error(&document);
        assert!(
            matches!(&error, LoadError::Invalid { json_path, .. } if json_path == "resources[1].id"),
            "{error:?}"
        );
        assert!(error.to_string().contains("duplicate resource id"));
        assert!(error.to_string().contains("vol-0a1b2c3d4e5f60718"));
    }

    #[test]
    fn provider_kind_mismatch_is_invalid() {
        let mut document = valid_document();
        document["resources"][0]["provider"] = json!("gcp");
        let error = load_error(&document);
        assert!(
            matches!(&error, LoadError::Invalid { json_path, .. } if json_path == "resources[0].provider"),
            "{error:?}"
        );
        assert!(error
            .to_string()
            .contains("resources of kind ebs_volume belong to provider aws, not gcp"));

        let mut document = valid_document();
        document["coverage"][0]["unit"]["kind"] = json!("gcs_bucket");
        let error = load_error(&document);
        assert!(
            matches!(&error, LoadError::Invalid { json_path, .. } if json_path == "coverage[0].unit"),
            "{error:?}"
        );
        assert!(error
            .to_string()
            .contains("kind gcs_bucket belongs to provider gcp, not aws"));
    }

    #[test]
    fn empty_identifiers_are_invalid() {
        let mut document = valid_document();
        document["resources"][0]["account"] = json!("");
        let error = load_error(&document);
        assert!(
            matches!(&error, LoadError::Invalid { json_path, .. } if json_path == "resources[0]"),
            "{error:?}"
        );
    }

    #[test]
    fn unreadable_file_is_an_io_error_naming_it() {
        let path = Path::new("/nonexistent/soc2scan/snapshot.json");
        let error = Snapshot::load(path).expect_err("no such file");
        assert!(matches!(error, LoadError::Io { .. }), "{error:?}");
        assert!(error
            .to_string()
            .starts_with("/nonexistent/soc2scan/snapshot.json: cannot read snapshot"));
    }
}
