use serde::{Deserialize, Serialize};

/// A CloudTrail trail (`DescribeTrails` with shadow trails in every scanned region, merged
/// by ARN; `GetTrailStatus` and `GetEventSelectors` once per trail in its home region). One
/// resource per trail, in its home region, in the account that scanned it — an
/// organization trail seen from a member account is a resource of the member with the
/// management account as [`owner_account`](CloudtrailTrail::owner_account).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudtrailTrail {
    /// The trail name.
    pub name: String,
    /// The account the trail belongs to (from its ARN): the scanned account, or for an
    /// organization trail seen from a member account, the organization's management account.
    pub owner_account: String,
    /// The region the trail was created in, where it is changed and read.
    pub home_region: String,
    /// Whether the trail records every region (a shadow copy of it is in each).
    pub is_multi_region_trail: bool,
    /// Whether the trail records every account of the organization.
    pub is_organization_trail: bool,
    /// Whether CloudTrail writes signed digest files that prove log files unaltered.
    pub log_file_validation_enabled: bool,
    /// The KMS key that encrypts the log files (SSE-KMS); `None`: S3-managed encryption only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// The bucket the log files are delivered to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_bucket_name: Option<String>,
    /// The key prefix of the log files in the bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_key_prefix: Option<String>,
    /// The CloudWatch Logs log group the trail also delivers to
    /// (`arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*`); `None`: no CloudWatch Logs delivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_watch_logs_log_group_arn: Option<String>,
    /// Whether the trail records events of global services (IAM, STS, CloudFront).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_global_service_events: Option<bool>,
    /// Whether the trail is logging (`GetTrailStatus`); `None` when the status could not be
    /// read (a `cloudtrail_trail_status` gap narrowed to the trail, or for another account's
    /// organization trail, [`unreadable_from_member`](CloudtrailTrail::unreadable_from_member)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_logging: Option<bool>,
    /// What the trail records (`GetEventSelectors`), exactly as AWS answered; `None` when it
    /// could not be read (a `cloudtrail_event_selectors` gap narrowed to the trail, or
    /// [`unreadable_from_member`](CloudtrailTrail::unreadable_from_member)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_selectors: Option<TrailEventSelectors>,
    /// For an organization trail of another account seen from a member account: why its
    /// status or event selectors could not be read from the member (the member cannot be
    /// granted more, so this is a fact about the view, not a coverage gap).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unreadable_from_member: Option<String>,
}

impl CloudtrailTrail {
    /// Whether the trail belongs to another account (an organization trail seen from a
    /// member account), where the scanned account cannot change it.
    pub fn is_foreign(&self, account: &str) -> bool {
        self.owner_account != account
    }
}

/// A trail's event selectors as `GetEventSelectors` answers them: basic or advanced (a
/// trail has one or the other). Both empty is what AWS said too — real AWS answers the
/// default selector (all management events) for a trail that never set any, so an empty
/// answer is judged as recording nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrailEventSelectors {
    /// Basic event selectors (`EventSelectors`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub basic: Vec<EventSelector>,
    /// Advanced event selectors (`AdvancedEventSelectors`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub advanced: Vec<AdvancedEventSelector>,
}

/// A basic event selector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSelector {
    /// `All`, `ReadOnly` or `WriteOnly` (AWS's default is `All`).
    pub read_write_type: String,
    /// Whether management events are recorded (AWS's default is true).
    pub include_management_events: bool,
    /// Data events recorded: resource type (`AWS::S3::Object`) and ARN prefixes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_resources: Vec<DataResource>,
    /// Event sources whose management events are not recorded (`kms.amazonaws.com`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_management_event_sources: Vec<String>,
}

/// The data events of one resource type that a basic selector records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataResource {
    /// The resource type (`AWS::S3::Object`, `AWS::Lambda::Function`).
    #[serde(rename = "type")]
    pub resource_type: String,
    /// ARN prefixes (`arn:aws:s3` for every bucket, `arn:aws:s3:::bucket/`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

/// An advanced event selector: the events whose fields match every field selector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdvancedEventSelector {
    /// The selector's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The conditions, all of which an event must meet.
    pub field_selectors: Vec<AdvancedFieldSelector>,
}

/// One condition of an advanced event selector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdvancedFieldSelector {
    /// The event field (`eventCategory`, `resources.type`, `readOnly`, `eventSource`, …).
    pub field: String,
    /// The field equals one of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub equals: Vec<String>,
    /// The field starts with one of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub starts_with: Vec<String>,
    /// The field ends with one of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ends_with: Vec<String>,
    /// The field equals none of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_equals: Vec<String>,
    /// The field starts with none of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_starts_with: Vec<String>,
    /// The field ends with none of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_ends_with: Vec<String>,
}
