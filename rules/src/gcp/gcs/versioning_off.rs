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

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
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
    use super::super::test_support::{bucket, good_bucket};
    use crate::cases::{Case, Cases};

    pub(super) fn cases() -> Cases {
        let mut unversioned = good_bucket("acme-scratch");
        unversioned.versioning_enabled = false;
        Cases::new()
            .case(Case::new("a versioned bucket passes").pass(bucket(good_bucket("acme-data"))))
            .case(Case::new("an unversioned bucket fails").fail(
                bucket(unversioned),
                &["acme-scratch", "versioning off", "expected versioning on"],
            ))
            .applies_to_every_resource(
                "every bucket holds objects the setting protects, so every one is judged",
            )
    }
}
