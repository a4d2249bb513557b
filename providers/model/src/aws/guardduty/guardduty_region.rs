use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// GuardDuty in one region of an account, as a whole: a synthetic resource that exists in
/// every scanned region, whether the region has a detector or not (`ListDetectors`, then
/// `GetDetector` for each), so a rule can judge a region where GuardDuty was never enabled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuarddutyRegion {
    /// The region's detectors (GuardDuty allows one per region); empty when GuardDuty was
    /// never enabled there (or was disabled, which deletes the detector).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub detectors: Vec<GuarddutyDetector>,
}

/// One GuardDuty detector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuarddutyDetector {
    /// The detector id.
    pub detector_id: String,
    /// `ENABLED`, or `DISABLED` when GuardDuty is suspended in the region (`Status`).
    pub status: String,
    /// How often updated findings are exported: `FIFTEEN_MINUTES`, `ONE_HOUR`, `SIX_HOURS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding_publishing_frequency: Option<String>,
    /// When the detector was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
}

impl GuarddutyRegion {
    /// Whether a detector of the region is enabled (monitoring, not suspended).
    pub fn enabled(&self) -> bool {
        self.detectors.iter().any(|d| d.status == "ENABLED")
    }
}
