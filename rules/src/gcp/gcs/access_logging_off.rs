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

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
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
    use super::super::test_support::{bucket, good_bucket};
    use crate::cases::{Case, Cases};
    use soc2scan_model::GcsLogging;

    pub(super) fn cases() -> Cases {
        let mut unlogged = good_bucket("acme-unlogged");
        unlogged.logging = None;
        let mut blank = good_bucket("acme-blank");
        blank.logging = Some(GcsLogging {
            log_bucket: String::new(),
            log_object_prefix: None,
        });
        Cases::new()
            .case(
                Case::new("a bucket with usage logging passes")
                    .pass(bucket(good_bucket("acme-logged"))),
            )
            .case(
                Case::new("no logging, or logging to a blank bucket, fails")
                    .fail(
                        bucket(unlogged),
                        &["acme-unlogged", "no usage logging", "expected usage logs"],
                    )
                    .fail(bucket(blank), &["acme-blank"]),
            )
            .applies_to_every_resource(
                "every bucket holds objects the setting protects, so every one is judged",
            )
    }
}
