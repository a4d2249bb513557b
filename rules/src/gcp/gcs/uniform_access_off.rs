use super::bucket_of;
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every Cloud Storage bucket without uniform bucket-level access, that is,
    /// a bucket where object ACLs still grant access alongside IAM.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 expects access to be restricted through one managed set of access rules, and
    /// CC6.3 expects access to be granted and removed by role. With fine-grained access
    /// every object can carry its own ACL, invisible in the bucket's IAM policy: access
    /// reviews miss it, removed users can keep object-level grants, and a single object can
    /// be made public. Uniform access makes IAM the only source of truth.
    ///
    /// ## How to fix
    ///
    /// Move any access that object ACLs grant into IAM bindings, then turn on uniform
    /// bucket-level access. For 90 days it can be turned off again; after that it is
    /// permanent.
    ///
    /// ### Console
    ///
    /// Cloud Storage → Buckets → the bucket → Permissions → Access control → "Switch to
    /// uniform" → Uniform → Save.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// gcloud storage buckets update gs://BUCKET --uniform-bucket-level-access
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "google_storage_bucket" "data" {
    ///   name                        = "acme-data"
    ///   location                    = "EU"
    ///   uniform_bucket_level_access = true
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security), CC6.3 (role-based, least-privilege access).
    pub struct UniformAccessOff {
        id: "gcp-gcs-uniform-access-off",
        title: "Cloud Storage bucket allows object ACLs (uniform bucket-level access off)",
        severity: Medium,
        criteria: ["CC6.1", "CC6.3"],
        targets: [GcsBucket],
        also_reads: [],
        params: [],
        reads: ["uniform_bucket_level_access"],
    }
}

impl Rule for UniformAccessOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let bucket = match bucket_of(resource) {
            Ok(bucket) => bucket,
            Err(verdict) => return verdict,
        };
        if bucket.uniform_bucket_level_access {
            Verdict::Pass
        } else {
            Verdict::Fail(format!(
                "Cloud Storage bucket {} uses fine-grained access: object ACLs can grant access outside its IAM policy; expected uniform bucket-level access on",
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
    fn uniform_access_passes_and_fine_grained_fails() {
        let mut fine_grained = good_bucket("acme-legacy");
        fine_grained.uniform_bucket_level_access = false;
        let snap = snapshot(vec![bucket(good_bucket("acme-data")), bucket(fine_grained)]);
        let results = run(&UniformAccessOff, &snap);
        assert_pass(&verdict_of(&results, &bucket_id("acme-data")));
        assert_fail(
            &verdict_of(&results, &bucket_id("acme-legacy")),
            &[
                "acme-legacy",
                "fine-grained",
                "expected uniform bucket-level access on",
            ],
        );
    }

    #[test]
    fn failed_listing_is_not_evaluated() {
        let mut snap = snapshot(vec![bucket(good_bucket("acme-data"))]);
        fail_unit(&mut snap, ResourceKind::GcsBucket);
        let results = run(&UniformAccessOff, &snap);
        assert_not_evaluated(
            &verdict_of(&results, &bucket_id("acme-data")),
            &["access_denied"],
        );
        assert!(!results.iter().any(|(_, v)| *v == Verdict::Pass));
    }

    #[test]
    fn does_not_need_the_iam_policy() {
        let mut snap = snapshot(vec![bucket(good_bucket("acme-data"))]);
        fail_unit(&mut snap, ResourceKind::GcsBucketIamPolicy);
        let results = run(&UniformAccessOff, &snap);
        assert_pass(&verdict_of(&results, &bucket_id("acme-data")));
    }
}
