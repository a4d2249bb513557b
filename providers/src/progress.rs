//! Progress of a live collection, reported by the adapters as units and calls happen.

use crate::snapshot::CollectionUnit;

/// Hears about collection as it goes (a progress bar, periodic log lines). Called from
/// many tasks at once; keep the methods quick.
pub trait CollectionProgress: Send + Sync {
    /// A unit began.
    fn unit_started(&self, unit: &CollectionUnit);
    /// A unit ended; `failed` when its coverage entry is a failure.
    fn unit_finished(&self, unit: &CollectionUnit, failed: bool);
    /// An HTTP request for `operation` (`ec2:DescribeVolumes`) is about to be sent.
    fn api_call(&self, operation: &str);
}

/// Progress that goes nowhere.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl CollectionProgress for NoProgress {
    fn unit_started(&self, _unit: &CollectionUnit) {}
    fn unit_finished(&self, _unit: &CollectionUnit, _failed: bool) {}
    fn api_call(&self, _operation: &str) {}
}
