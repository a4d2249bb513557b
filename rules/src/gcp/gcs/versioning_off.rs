use super::bucket_of;
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every Cloud Storage bucket with object versioning off.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// A1.2 expects data to be backed up and recoverable, and CC7.5 expects the
    /// organization to recover from incidents. Without versioning, an overwrite or delete
    /// (a buggy deploy, a compromised credential, ransomware) destroys the only copy of an
    /// object once any soft-delete window has passed; with versioning the previous
    /// generation stays as a noncurrent version that can be restored.
    ///
    /// ## How to fix
    ///
    /// Turn versioning on, and add a lifecycle rule that deletes noncurrent versions after
    /// a retention period so storage costs stay bounded.
    ///
    /// ### Console
    ///
    /// Cloud Storage → Buckets → the bucket → Protection → Object versioning → Turn on
    /// (optionally set how many versions and how long to keep them) → Confirm.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// gcloud storage buckets update gs://BUCKET --versioning
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "google_storage_bucket" "data" {
    ///   name     = "acme-data"
    ///   location = "EU"
    ///   versioning {
    ///     enabled = true
    ///   }
    ///   lifecycle_rule {
    ///     condition {
    ///       days_since_noncurrent_time = 30
    ///     }
    ///     action {
    ///       type = "Delete"
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// A1.2 (backup and recovery infrastructure), CC7.5 (recovery from incidents).
    pub struct VersioningOff {
        id: "gcp-gcs-versioning-off",
        title: "Cloud Storage bucket has object versioning off",
        severity: Medium,
        criteria: ["A1.2", "CC7.5"],
        targets: [GcsBucket],
        also_reads: [],
        params: [],
        reads: ["versioning_enabled"],
    }
}

impl Rule for VersioningOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let bucket = match bucket_of(resource) {
            Ok(bucket) => bucket,
            Err(verdict) => return verdict,
        };
        if bucket.versioning_enabled {
            Verdict::Pass
        } else {
            Verdict::Fail(format!(
                "Cloud Storage bucket {} has object versioning off: overwritten or deleted objects cannot be restored from a previous version; expected versioning on",
                resource.display_name()
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{bucket, bucket_id, good_bucket};
    use super::*;
    use crate::testing::*;
    use soc2scan_model::ResourceKind;

    #[test]
    fn versioned_passes_and_unversioned_fails() {
        let mut unversioned = good_bucket("acme-scratch");
        unversioned.versioning_enabled = false;
        let snap = snapshot(vec![bucket(good_bucket("acme-data")), bucket(unversioned)]);
        let results = run(&VersioningOff, &snap);
        assert_pass(&verdict_of(&results, &bucket_id("acme-data")));
        assert_fail(
            &verdict_of(&results, &bucket_id("acme-scratch")),
            &["acme-scratch", "versioning off", "expected versioning on"],
        );
    }

    #[test]
    fn failed_listing_is_not_evaluated() {
        let mut snap = snapshot(vec![bucket(good_bucket("acme-data"))]);
        fail_unit(&mut snap, ResourceKind::GcsBucket);
        let results = run(&VersioningOff, &snap);
        assert_not_evaluated(
            &verdict_of(&results, &bucket_id("acme-data")),
            &["access_denied"],
        );
    }
}
