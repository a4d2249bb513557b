use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An EBS snapshot owned by the account (`DescribeSnapshots OwnerIds=self`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EbsSnapshot {
    /// `snap-…`
    pub snapshot_id: String,
    /// The volume the snapshot was taken from (absent for copied snapshots).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_id: Option<String>,
    /// Whether the snapshot is encrypted.
    pub encrypted: bool,
    /// The KMS key, if encrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// `pending`, `completed`, `error`, `recoverable`, `recovering`.
    pub state: String,
    /// When the snapshot was started.
    pub start_time: DateTime<Utc>,
    /// Whether `createVolumePermission` grants the group `all`: `Some(true)` public,
    /// `Some(false)` confirmed private, `None` when it could not be confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restorable_by_all: Option<bool>,
}

impl EbsSnapshot {
    /// Whether the snapshot has completed (only completed snapshots can restore a volume).
    pub fn completed(&self) -> bool {
        self.state == "completed"
    }
}
