use super::bucket_of;
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every Cloud Storage bucket that receives the usage (access) logs of other
    /// buckets — some bucket in the snapshot names it as its `logging.log_bucket` — and has
    /// no retention policy, or one that is not locked. A log bucket with a locked retention
    /// policy passes, whatever its period; buckets no other bucket logs to are not judged.
    ///
    /// Senders are looked for among every bucket of every project in the snapshot (bucket
    /// names are global), so a log bucket whose only senders are in projects that were not
    /// scanned is not judged.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC7.2 expects the records used to detect anomalies to be protected, and A1.2 that
    /// what recovery and investigation rely on is retained. Access logs that anyone with
    /// write access to the log bucket — or an attacker holding such a credential — can
    /// delete or overwrite are weak evidence: an auditor asks how the company knows its
    /// logs are complete. A locked retention policy makes every log object undeletable and
    /// unchangeable for the retention period, and the policy itself cannot be shortened or
    /// removed.
    ///
    /// ## How to fix
    ///
    /// Set a retention policy on the log bucket for at least as long as the logs must be
    /// kept (a year covers a Type II observation period), check it, then lock it. Locking
    /// is irreversible: the bucket cannot be deleted until every object has aged past the
    /// period.
    ///
    /// ### Console
    ///
    /// Cloud Storage → Buckets → the log bucket → Protection → Retention policy → Set
    /// retention policy; then Lock retention policy.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// gcloud storage buckets update gs://LOG_BUCKET --retention-period=365d
    /// gcloud storage buckets update gs://LOG_BUCKET --lock-retention-period
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "google_storage_bucket" "usage_logs" {
    ///   name     = "acme-prod-usage-logs"
    ///   location = "EU"
    ///   retention_policy {
    ///     retention_period = 31536000 # 365 days, in seconds
    ///     is_locked        = true
    ///   }
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC7.2 (monitoring records protected from tampering), A1.2 (retention of the data
    /// recovery and investigation depend on).
    pub struct LogBucketRetentionUnlocked {
        id: "gcp-gcs-log-bucket-retention-unlocked",
        title: "Cloud Storage log bucket has no locked retention policy",
        severity: Medium,
        criteria: ["CC7.2", "A1.2"],
        targets: [GcsBucket],
        also_reads: [],
        params: [],
        reads: ["name", "retention_policy", "logging"],
    }
}

impl Rule for LogBucketRetentionUnlocked {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, ctx: &CheckContext<'_>) -> Verdict {
        let bucket = match bucket_of(resource) {
            Ok(bucket) => bucket,
            Err(verdict) => return verdict,
        };
        let senders = ctx.inventory.gcs_buckets_logging_to(&bucket.name);
        if senders.is_empty() {
            return Verdict::NotApplicable;
        }
        let problem = match &bucket.retention_policy {
            Some(policy) if policy.is_locked => return Verdict::Pass,
            Some(policy) => format!(
                "its retention policy ({}) is not locked, so it can be shortened or removed and the logs deleted",
                period(policy.retention_period_seconds)
            ),
            None => "it has no retention policy, so the logs can be deleted or overwritten".to_string(),
        };
        Verdict::Fail(format!(
            "Cloud Storage bucket {} receives the usage logs of {}, but {problem}; expected a locked retention policy",
            resource.display_name(),
            sender_list(senders)
        ))
    }
}

/// A retention period in the largest whole unit that states it exactly.
fn period(seconds: u64) -> String {
    const DAY: u64 = 86_400;
    match seconds {
        0 => "0 seconds".to_string(),
        s if s % DAY == 0 => plural(s / DAY, "day"),
        s if s % 3_600 == 0 => plural(s / 3_600, "hour"),
        s => plural(s, "second"),
    }
}

fn plural(count: u64, unit: &str) -> String {
    if count == 1 {
        format!("1 {unit}")
    } else {
        format!("{count} {unit}s")
    }
}

/// "bucket a", "2 buckets (a, b)", "7 buckets (a, b, c, d, e and 2 more)".
fn sender_list(senders: &[&str]) -> String {
    const SHOWN: usize = 5;
    match senders {
        [one] => format!("bucket {one}"),
        _ if senders.len() <= SHOWN => {
            format!("{} buckets ({})", senders.len(), senders.join(", "))
        }
        _ => format!(
            "{} buckets ({} and {} more)",
            senders.len(),
            senders[..SHOWN].join(", "),
            senders.len() - SHOWN
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{bucket, good_bucket};
    use super::{period, sender_list};
    use crate::cases::{Case, Cases};
    use soc2scan_model::{GcsBucket, GcsLogging, GcsRetentionPolicy};

    fn logging_to(name: &str, log_bucket: &str) -> GcsBucket {
        let mut sender = good_bucket(name);
        sender.logging = Some(GcsLogging {
            log_bucket: log_bucket.to_string(),
            log_object_prefix: Some(name.to_string()),
        });
        sender
    }

    fn log_bucket(name: &str, retention: Option<(u64, bool)>) -> GcsBucket {
        let mut logs = good_bucket(name);
        // A log bucket usually does not log to itself; that it does here must not matter.
        logs.logging = None;
        logs.retention_policy =
            retention.map(|(retention_period_seconds, is_locked)| GcsRetentionPolicy {
                retention_period_seconds,
                is_locked,
            });
        logs
    }

    pub(super) fn cases() -> Cases {
        let mut self_logged = log_bucket("acme-self-logged", None);
        self_logged.logging = Some(GcsLogging {
            log_bucket: "acme-self-logged".to_string(),
            log_object_prefix: None,
        });
        Cases::new()
            .case(
                Case::new("a log bucket with a locked retention policy passes")
                    .pass(bucket(log_bucket(
                        "acme-logs-locked",
                        Some((31_536_000, true)),
                    )))
                    .not_applicable(bucket(logging_to("acme-data", "acme-logs-locked"))),
            )
            .case(
                Case::new("a log bucket whose retention policy is not locked fails")
                    .fail(
                        bucket(log_bucket("acme-logs-unlocked", Some((30 * 86_400, false)))),
                        &[
                            "acme-logs-unlocked",
                            "usage logs of bucket acme-web",
                            "(30 days) is not locked",
                            "expected a locked retention policy",
                        ],
                    )
                    .not_applicable(bucket(logging_to("acme-web", "acme-logs-unlocked"))),
            )
            .case(
                Case::new("a log bucket without a retention policy fails, naming its senders")
                    .fail(
                        bucket(log_bucket("acme-logs-none", None)),
                        &[
                            "usage logs of 2 buckets (acme-a, acme-b)",
                            "has no retention policy",
                        ],
                    )
                    .not_applicable(bucket(logging_to("acme-a", "acme-logs-none")))
                    .not_applicable(bucket(logging_to("acme-b", "acme-logs-none"))),
            )
            .case(
                Case::new(
                    "buckets no other bucket logs to are not judged, even logging to themselves",
                )
                .not_applicable(bucket(log_bucket("acme-unused", None)))
                .not_applicable(bucket(self_logged)),
            )
    }

    #[test]
    fn periods_and_sender_lists_read_naturally() {
        assert_eq!(period(86_400), "1 day");
        assert_eq!(period(7_200), "2 hours");
        assert_eq!(period(90), "90 seconds");
        assert_eq!(sender_list(&["a"]), "bucket a");
        let many = ["a", "b", "c", "d", "e", "f", "g"];
        assert_eq!(sender_list(&many), "7 buckets (a, b, c, d, e and 2 more)");
    }
}
