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

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
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
    use crate::cases::{Case, Cases};
    use crate::testing::*;
    use soc2scan_model::ResourceKind;

    pub(super) fn cases() -> Cases {
        let mut fine_grained = good_bucket("acme-legacy");
        fine_grained.uniform_bucket_level_access = false;
        Cases::new()
            .case(
                Case::new("uniform bucket-level access passes")
                    .pass(bucket(good_bucket("acme-data"))),
            )
            .case(Case::new("fine-grained access fails").fail(
                bucket(fine_grained),
                &[
                    "acme-legacy",
                    "fine-grained",
                    "expected uniform bucket-level access on",
                ],
            ))
            .applies_to_every_resource(
                "every bucket holds objects the setting protects, so every one is judged",
            )
    }

    #[test]
    fn does_not_need_the_iam_policy() {
        let mut snap = snapshot(vec![bucket(good_bucket("acme-data"))]);
        fail_unit(&mut snap, ResourceKind::GcsBucketIamPolicy);
        let results = run(&UniformAccessOff, &snap);
        assert_pass(&verdict_of(&results, &bucket_id("acme-data")));
    }
}
