//! What every live adapter shares: the progress it reports as units and calls happen, and
//! the collection it returns.

use crate::model::Resource;
use crate::snapshot::{CollectionUnit, CoverageEntry, OrganizationScan, ScanTarget, Snapshot};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// Hears about collection as it goes (a progress bar, periodic log lines). Called from
/// many tasks at once; keep the methods quick.
pub trait CollectionProgress: Send + Sync {
    /// A unit began.
    fn unit_started(&self, unit: &CollectionUnit);
    /// A unit ended; `failed` when its coverage entry is a failure.
    fn unit_finished(&self, unit: &CollectionUnit, failed: bool);
    /// An HTTP request for `operation` (`ec2:DescribeVolumes`) is about to be sent.
    fn api_call(&self, operation: &str);
    /// An organization was listed: `count` accounts are to be opened (`--org`).
    fn accounts_listed(&self, _count: usize) {}
    /// One of them was opened (its role assumed), or could not be (`opened` false).
    fn account_opened(&self, _account: &str, _opened: bool) {}
}

/// Progress that goes nowhere.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl CollectionProgress for NoProgress {
    fn unit_started(&self, _unit: &CollectionUnit) {}
    fn unit_finished(&self, _unit: &CollectionUnit, _failed: bool) {}
    fn api_call(&self, _operation: &str) {}
}

/// What a live collection produced, before it becomes a [`Snapshot`].
#[derive(Debug, Clone, PartialEq)]
pub struct LiveCollection {
    /// The scanned accounts or projects, in the order of the options (by account id for an
    /// organization, its skipped accounts included).
    pub targets: Vec<ScanTarget>,
    /// The organization the targets were listed from (`--org`), if any.
    pub organization: Option<OrganizationScan>,
    /// The resources, sorted.
    pub resources: Vec<Resource>,
    /// Exactly one entry per collection unit of every target, `ok` or `failed`, plus
    /// entries narrowed to single resources. Sorted.
    pub coverage: Vec<CoverageEntry>,
    /// Call attempts by `service:Operation`, retries included.
    pub api_calls: BTreeMap<String, u64>,
    /// When collection began.
    pub started_at: DateTime<Utc>,
    /// When collection ended.
    pub finished_at: DateTime<Utc>,
}

impl LiveCollection {
    /// A collection of nothing (a shard that holds none of the accounts or projects).
    pub fn empty(at: DateTime<Utc>) -> LiveCollection {
        LiveCollection {
            targets: Vec::new(),
            resources: Vec::new(),
            coverage: Vec::new(),
            api_calls: BTreeMap::new(),
            started_at: at,
            finished_at: at,
            organization: None,
        }
    }

    /// A snapshot of this collection, written by soc2scan `tool_version`.
    pub fn into_snapshot(self, tool_version: &str) -> Snapshot {
        let mut snapshot = Snapshot::new(tool_version, self.started_at, self.finished_at);
        snapshot.metadata.targets = self.targets;
        snapshot.metadata.api_calls = self.api_calls;
        snapshot.metadata.organization = self.organization;
        snapshot.coverage = self.coverage;
        snapshot.resources = self.resources;
        snapshot
    }
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary:
/// provider messages kept in coverage entries are cut to it.
#[cfg(any(feature = "aws", feature = "gcp"))]
pub(crate) fn prefix_within(text: &str, max: usize) -> &str {
    let mut cut = max.min(text.len());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    &text[..cut]
}
