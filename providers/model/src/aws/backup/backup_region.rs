use serde::{Deserialize, Serialize};

/// AWS Backup in one region of an account, as a whole: a synthetic resource that exists in
/// every scanned region, whether it has backup plans or not, so a rule can judge a region
/// that has none. Its plans are the region's `backup_plan` resources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupRegion {
    /// How many backup plans `ListBackupPlans` returned in the region.
    pub plan_count: u32,
}
