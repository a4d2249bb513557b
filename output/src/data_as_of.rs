//! When the data behind the verdicts was true, where that is not the scan itself: IAM
//! reuses an account's credential report for up to four hours, so the last-use and rotation
//! dates the credential rules judge can be hours older than the scan. Every output states
//! it per account, so evidence says what it saw.

use chrono::{DateTime, Duration, Utc};
use soc2scan_model::{Provider, ResourceConfig, ResourceKind, Snapshot};

/// How many accounts the table and the Markdown summary list before "and N more" (the
/// JSON report and the SARIF list every one).
pub const MAX_LISTED: usize = 10;

/// One source of data generated before or during the scan, in one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataAsOf<'s> {
    /// The provider.
    pub provider: Provider,
    /// The account the data belongs to.
    pub account: &'s str,
    /// The kind that records it (`iam_credential_report`).
    pub kind: ResourceKind,
    /// When the provider generated the data.
    pub generated_at: DateTime<Utc>,
    /// How long before the scan started it was generated (negative: during the scan).
    pub before_scan: Duration,
}

/// Every such source in the snapshot, by provider and account. Snapshots that do not
/// record them (written before soc2scan did, or whose report failed) have none.
pub fn data_as_of(snapshot: &Snapshot) -> Vec<DataAsOf<'_>> {
    let started = snapshot.metadata.started_at;
    let mut sources: Vec<DataAsOf<'_>> = snapshot
        .resources
        .iter()
        .filter_map(|resource| match &resource.config {
            ResourceConfig::IamCredentialReport(report) => {
                let generated_at = report.generated_at?;
                Some(DataAsOf {
                    provider: resource.provider,
                    account: &resource.account,
                    kind: resource.kind(),
                    generated_at,
                    before_scan: started - generated_at,
                })
            }
            _ => None,
        })
        .collect();
    sources.sort_by(|a, b| {
        (a.provider.as_str(), a.account, a.kind).cmp(&(b.provider.as_str(), b.account, b.kind))
    });
    sources
}

impl DataAsOf<'_> {
    /// `IAM credential report`.
    pub fn source(&self) -> &'static str {
        self.kind.label()
    }

    /// Whole seconds from generation to the start of the scan (negative: during the scan).
    pub fn seconds_before_scan(&self) -> i64 {
        self.before_scan.num_seconds()
    }

    /// `aws 111122223333: IAM credential report generated 2026-12-01T12:00:00Z (3 h 10 min
    /// before the scan)`.
    pub fn describe(&self) -> String {
        format!(
            "{} {}: {} generated {} ({})",
            self.provider,
            self.account,
            self.source(),
            self.generated_at.format("%Y-%m-%dT%H:%M:%SZ"),
            relative(self.before_scan)
        )
    }
}

/// `3 h 10 min before the scan`, `generated during the scan`.
fn relative(before_scan: Duration) -> String {
    if before_scan <= Duration::zero() {
        return "during the scan".to_string();
    }
    let minutes = before_scan.num_minutes();
    let (days, hours, minutes) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(format!("{days} d"));
    }
    if hours > 0 {
        parts.push(format!("{hours} h"));
    }
    if minutes > 0 {
        parts.push(format!("{minutes} min"));
    }
    if parts.is_empty() {
        "less than a minute before the scan".to_string()
    } else {
        format!("{} before the scan", parts.join(" "))
    }
}

/// The descriptions of the first [`MAX_LISTED`], then "…and N more accounts (the JSON
/// report lists every one)" when there are more.
pub fn listed(sources: &[DataAsOf<'_>]) -> Vec<String> {
    let mut lines: Vec<String> = sources
        .iter()
        .take(MAX_LISTED)
        .map(DataAsOf::describe)
        .collect();
    if sources.len() > MAX_LISTED {
        let more = sources.len() - MAX_LISTED;
        lines.push(format!(
            "…and {more} more (the JSON and SARIF reports list every one)"
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use soc2scan_model::{IamCredentialReport, Resource};

    fn report(account: &str, generated_at: Option<DateTime<Utc>>) -> Resource {
        Resource {
            id: format!("arn:aws:iam::{account}:credential-report"),
            provider: Provider::Aws,
            account: account.to_string(),
            region: "global".to_string(),
            name: None,
            tags: Default::default(),
            config: ResourceConfig::IamCredentialReport(IamCredentialReport { generated_at }),
        }
    }

    #[test]
    fn says_when_each_account_report_was_generated_relative_to_the_scan() {
        let started = Utc.with_ymd_and_hms(2026, 12, 1, 15, 10, 0).unwrap();
        let mut snapshot = Snapshot::new("test", started, started + Duration::minutes(2));
        snapshot.resources = vec![
            report("222233334444", Some(started + Duration::seconds(20))),
            report(
                "111122223333",
                Some(Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap()),
            ),
            report("333344445555", None),
        ];
        let sources = data_as_of(&snapshot);
        let described: Vec<String> = sources.iter().map(DataAsOf::describe).collect();
        assert_eq!(
            described,
            [
                "aws 111122223333: IAM credential report generated 2026-12-01T12:00:00Z (3 h 10 min before the scan)",
                "aws 222233334444: IAM credential report generated 2026-12-01T15:10:20Z (during the scan)",
            ]
        );
        assert_eq!(sources[0].seconds_before_scan(), 11_400);
        assert_eq!(sources[1].seconds_before_scan(), -20);
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(
            relative(Duration::seconds(30)),
            "less than a minute before the scan"
        );
        assert_eq!(relative(Duration::minutes(45)), "45 min before the scan");
        assert_eq!(relative(Duration::minutes(120)), "2 h before the scan");
        assert_eq!(
            relative(Duration::minutes(60 * 27 + 5)),
            "1 d 3 h 5 min before the scan"
        );
        assert_eq!(relative(Duration::zero()), "during the scan");
    }

    #[test]
    fn long_lists_are_cut_with_a_count() {
        let started = Utc.with_ymd_and_hms(2026, 12, 1, 15, 0, 0).unwrap();
        let mut snapshot = Snapshot::new("test", started, started);
        snapshot.resources = (0..12)
            .map(|i| report(&format!("1000000000{i:02}"), Some(started)))
            .collect();
        let lines = listed(&data_as_of(&snapshot));
        assert_eq!(lines.len(), MAX_LISTED + 1);
        assert!(lines[MAX_LISTED].starts_with("…and 2 more"), "{lines:?}");
    }
}
