use serde::{Deserialize, Serialize};

/// AWS Config in one region of an account, as a whole: a synthetic resource that exists in
/// every scanned region, whether the region has a configuration recorder or not
/// (`DescribeConfigurationRecorders`, then `DescribeConfigurationRecorderStatus`), so a
/// rule can judge a region that records nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigRegion {
    /// The region's customer-managed configuration recorders (AWS allows one per region),
    /// each with its status; empty when the region has none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recorders: Vec<ConfigRecorder>,
}

/// One configuration recorder and its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigRecorder {
    /// The recorder's name (`default` unless it was given one).
    pub name: String,
    /// Whether it is recording (`recording` of its `DescribeConfigurationRecorderStatus`
    /// entry); `None` when the status listing did not include it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording: Option<bool>,
    /// The status of the latest recording event: `PENDING`, `SUCCESS` or `FAILURE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_status: Option<String>,
    /// What it records: `ALL_SUPPORTED_RESOURCE_TYPES`, `INCLUSION_BY_RESOURCE_TYPES` or
    /// `EXCLUSION_BY_RESOURCE_TYPES` (its recording group's strategy; all supported types
    /// when the group says `allSupported` without a strategy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_strategy: Option<String>,
    /// Whether its recording group takes in the global IAM resource types (users, groups,
    /// roles, customer-managed policies) — see
    /// [`ConfigRecorder::group_records_global_resource_types`].
    pub records_global_resource_types: bool,
    /// For a service-linked recorder, the service it records for (such recorders record
    /// only what that service needs, and do not count as the region's recorder).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_principal: Option<String>,
}

/// The global IAM resource types: AWS Config records them in one region only, when that
/// region's recorder is told to.
pub const GLOBAL_IAM_RESOURCE_TYPES: [&str; 4] = [
    "AWS::IAM::User",
    "AWS::IAM::Group",
    "AWS::IAM::Role",
    "AWS::IAM::Policy",
];

impl ConfigRecorder {
    /// Whether a recording group takes in the global IAM resource types: all supported
    /// types with `includeGlobalResourceTypes`; an inclusion list naming all four; or the
    /// exclusion strategy with none of them excluded (AWS then records them in regions where
    /// Config existed before February 2022).
    pub fn group_records_global_resource_types(
        strategy: Option<&str>,
        all_supported: bool,
        include_global_resource_types: bool,
        included: &[&str],
        excluded: &[&str],
    ) -> bool {
        match strategy {
            Some("INCLUSION_BY_RESOURCE_TYPES") => GLOBAL_IAM_RESOURCE_TYPES
                .iter()
                .all(|global| included.contains(global)),
            Some("EXCLUSION_BY_RESOURCE_TYPES") => !GLOBAL_IAM_RESOURCE_TYPES
                .iter()
                .any(|global| excluded.contains(global)),
            _ => all_supported && include_global_resource_types,
        }
    }

    /// Whether it is the account's own recorder (not a service-linked one).
    pub fn customer_managed(&self) -> bool {
        self.service_principal.is_none()
    }
}

impl ConfigRegion {
    /// The customer-managed recorders.
    pub fn customer_recorders(&self) -> impl Iterator<Item = &ConfigRecorder> {
        self.recorders.iter().filter(|r| r.customer_managed())
    }

    /// Whether a customer-managed recorder is recording in the region: `Some(true)` when
    /// one is, `None` when none is known to but the status of one is not known.
    pub fn recording(&self) -> Option<bool> {
        let mut unknown = false;
        for recorder in self.customer_recorders() {
            match recorder.recording {
                Some(true) => return Some(true),
                Some(false) => {}
                None => unknown = true,
            }
        }
        (!unknown).then_some(false)
    }

    /// Whether a recording customer-managed recorder of the region records the global IAM
    /// resource types (`None`: one would if it is recording, and that is not known).
    pub fn records_global_resource_types(&self) -> Option<bool> {
        let mut unknown = false;
        for recorder in self
            .customer_recorders()
            .filter(|r| r.records_global_resource_types)
        {
            match recorder.recording {
                Some(true) => return Some(true),
                Some(false) => {}
                None => unknown = true,
            }
        }
        (!unknown).then_some(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recording_groups_take_in_the_global_types_only_when_told_to() {
        let all = GLOBAL_IAM_RESOURCE_TYPES;
        let records = ConfigRecorder::group_records_global_resource_types;
        assert!(records(None, true, true, &[], &[]));
        assert!(records(
            Some("ALL_SUPPORTED_RESOURCE_TYPES"),
            true,
            true,
            &[],
            &[]
        ));
        assert!(!records(
            Some("ALL_SUPPORTED_RESOURCE_TYPES"),
            true,
            false,
            &[],
            &[]
        ));
        assert!(!records(None, false, true, &[], &[]));
        assert!(records(
            Some("INCLUSION_BY_RESOURCE_TYPES"),
            false,
            false,
            &all,
            &[]
        ));
        assert!(!records(
            Some("INCLUSION_BY_RESOURCE_TYPES"),
            false,
            false,
            &["AWS::IAM::User", "AWS::EC2::Volume"],
            &[]
        ));
        assert!(records(
            Some("EXCLUSION_BY_RESOURCE_TYPES"),
            false,
            false,
            &[],
            &["AWS::EC2::Volume"]
        ));
        assert!(!records(
            Some("EXCLUSION_BY_RESOURCE_TYPES"),
            false,
            false,
            &[],
            &["AWS::IAM::Role"]
        ));
    }

    fn recorder(recording: Option<bool>, global: bool) -> ConfigRecorder {
        ConfigRecorder {
            name: "default".into(),
            recording,
            last_status: None,
            recording_strategy: Some("ALL_SUPPORTED_RESOURCE_TYPES".into()),
            records_global_resource_types: global,
            service_principal: None,
        }
    }

    #[test]
    fn a_region_records_when_a_customer_recorder_does() {
        let region = |recorders| ConfigRegion { recorders };
        assert_eq!(region(vec![]).recording(), Some(false));
        assert_eq!(
            region(vec![recorder(Some(true), false)]).recording(),
            Some(true)
        );
        assert_eq!(region(vec![recorder(None, true)]).recording(), None);
        assert_eq!(
            region(vec![recorder(None, true)]).records_global_resource_types(),
            None
        );
        assert_eq!(
            region(vec![recorder(Some(true), false)]).records_global_resource_types(),
            Some(false)
        );
        let mut linked = recorder(Some(true), true);
        linked.service_principal = Some("config-conforms.amazonaws.com".into());
        assert_eq!(region(vec![linked.clone()]).recording(), Some(false));
        assert_eq!(
            region(vec![linked]).records_global_resource_types(),
            Some(false)
        );
    }
}
