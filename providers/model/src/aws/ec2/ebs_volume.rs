use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An EBS volume (`DescribeVolumes`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EbsVolume {
    /// `vol-…`
    pub volume_id: String,
    /// Whether the volume is encrypted at rest.
    pub encrypted: bool,
    /// The KMS key that encrypts it, if encrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// `creating`, `available`, `in-use`, `deleting`, `deleted` or `error`.
    pub state: String,
    /// Attachments to instances.
    #[serde(default)]
    pub attachments: Vec<VolumeAttachment>,
    /// Availability zone.
    pub availability_zone: String,
    /// Size in GiB.
    pub size_gib: u32,
    /// When the volume was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<DateTime<Utc>>,
}

impl EbsVolume {
    /// Whether the volume is attached to an instance (state `in-use`).
    pub fn in_use(&self) -> bool {
        self.state == "in-use"
    }
}

/// One attachment of a volume to an instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VolumeAttachment {
    /// `i-…`
    pub instance_id: String,
    /// Device name (`/dev/xvda`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// `attaching`, `attached`, `detaching`, `detached`, `busy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}
