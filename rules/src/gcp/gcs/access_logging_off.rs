use super::bucket_of;
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every Cloud Storage bucket without usage and storage logs, that is, a
    /// bucket with no log bucket configured to receive records of the requests made to it.
    ///
    /// Data Access audit logs for Cloud Storage are a project-level setting that the
    /// snapshot does not hold; where they are the chosen control, keep that evidence
    /// separately and suppress this rule for the buckets they cover.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC7.2 expects system components to be monitored for anomalies that may indicate
    /// attacks or errors. Without request logs there is no record of who read, wrote or
    /// deleted objects, so unusual access cannot be detected and an incident's scope cannot
    /// be established afterwards.
    ///
    /// ## How to fix
    ///
    /// Create (or reuse) a dedicated log bucket, give the `cloud-storage-analytics@google.com`
    /// group write access to it, and point the bucket's logging at it. Protect the log
    /// bucket with a retention policy.
    ///
    /// ### Console
    ///
    /// The console cannot configure usage logs; use the CLI or Terraform. (Data Access
    /// audit logs instead: IAM & Admin → Audit Logs → Google Cloud Storage → Data Read,
    /// Data Write → Save.)
    ///
    /// ### CLI
    ///
    /// ```sh
    /// gcloud storage buckets add-iam-policy-binding gs://LOG_BUCKET \
    ///   --member=group:cloud-storage-analytics@google.com --role=roles/storage.objectCreator
    /// gcloud storage buckets update gs://BUCKET \
    ///   --log-bucket=gs://LOG_BUCKET --log-object-prefix=BUCKET
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "google_storage_bucket" "data" {
    ///   name     = "acme-data"
    ///   location = "EU"
    ///   logging {
    ///     log_bucket        = google_storage_bucket.usage_logs.name
    ///     log_object_prefix = "acme-data"
    ///   }
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC7.2 (monitoring of system components for anomalies).
    pub struct AccessLoggingOff {
        id: "gcp-gcs-access-logging-off",
        title: "Cloud Storage bucket has no usage (access) logging",
        severity: Low,
        criteria: ["CC7.2"],
        targets: [GcsBucket],
        also_reads: [],
        params: [],
        reads: ["logging"],
    }
}

impl Rule for AccessLoggingOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let bucket = match bucket_of(resource) {
            Ok(bucket) => bucket,
            Err(verdict) => return verdict,
        };
        match &bucket.logging {
            Some(logging) if !logging.log_bucket.trim().is_empty() => Verdict::Pass,
            _ => Verdict::Fail(format!(
                "Cloud Storage bucket {} has no usage logging: requests to it are not recorded; expected usage logs delivered to a log bucket",
                resource.display_name()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{bucket, bucket_id, good_bucket};
    use super::*;
    use crate::testing::*;
    use soc2scan_model::{GcsLogging, ResourceKind};

    #[test]
    fn logging_passes_and_none_fails() {
        let mut unlogged = good_bucket("acme-unlogged");
        unlogged.logging = None;
        let mut blank = good_bucket("acme-blank");
        blank.logging = Some(GcsLogging {
            log_bucket: String::new(),
            log_object_prefix: None,
        });
        let snap = snapshot(vec![
            bucket(good_bucket("acme-logged")),
            bucket(unlogged),
            bucket(blank),
        ]);
        let results = run(&AccessLoggingOff, &snap);
        assert_pass(&verdict_of(&results, &bucket_id("acme-logged")));
        assert_fail(
            &verdict_of(&results, &bucket_id("acme-unlogged")),
            &["acme-unlogged", "no usage logging", "expected usage logs"],
        );
        assert_fail(
            &verdict_of(&results, &bucket_id("acme-blank")),
            &["acme-blank"],
        );
    }

    #[test]
    fn failed_listing_is_not_evaluated() {
        let mut snap = snapshot(vec![bucket(good_bucket("acme-logged"))]);
        fail_unit(&mut snap, ResourceKind::GcsBucket);
        let results = run(&AccessLoggingOff, &snap);
        assert_not_evaluated(
            &verdict_of(&results, &bucket_id("acme-logged")),
            &["access_denied"],
        );
    }
}
