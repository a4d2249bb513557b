use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An AMI owned by the account (`DescribeImages Owners=self`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ami {
    /// `ami-…`
    pub image_id: String,
    /// Whether launch permissions include everyone.
    pub public: bool,
    /// `available`, `pending`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// When the image was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<DateTime<Utc>>,
}
