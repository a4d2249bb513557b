//! The snapshot document: scan metadata, resources and the coverage table.
//!
//! A snapshot is what collection produces and what evaluation reads. It is a versioned JSON
//! document (`format: "soc2scan-snapshot"`, `format_version: 1`), documented in
//! `docs/snapshot-format.md`. It never holds credentials, tokens or secret-bearing fields.

use crate::model::{Provider, Resource, ResourceKind, GLOBAL_REGION};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
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
            },
            coverage: Vec::new(),
            resources: Vec::new(),
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
        let mut seen = HashSet::with_capacity(self.resources.len());
        for (index, resource) in self.resources.iter().enumerate() {
            let kind = resource.kind();
            if kind.provider() != resource.provider {
                return Err(invalid(
                    format!("resources[{index}].provider"),
                    format!(
                        "a {} resource belongs to provider {}, not {}",
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
            if !seen.insert(resource.id.as_str()) {
                return Err(invalid(
                    format!("resources[{index}].id"),
                    format!("duplicate resource id {:?}", resource.id),
                ));
            }
        }
        Ok(())
    }

    /// The coverage region of a resource: its own region for regional kinds, `global`
    /// for kinds listed once per account or project.
    pub fn coverage_region(resource: &Resource) -> &str {
        match resource.kind().collection_scope() {
            crate::model::CollectionScope::Regional => &resource.region,
            crate::model::CollectionScope::Global => GLOBAL_REGION,
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
            column: error.column(),
            message: strip_position(error),
        };
    }
    LoadError::Data {
        path: path.to_path_buf(),
        json_path,
        line: error.line(),
        column: error.column(),
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

fn check_header(bytes: &[u8], path: &Path) -> Result<(), LoadError> {
    #[derive(Deserialize)]
    struct Header {
        format: Option<serde_json::Value>,
        format_version: Option<serde_json::Value>,
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
