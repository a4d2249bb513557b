use super::bucket_of;
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{GcsIamBinding, Resource};

/// The IAM principals that make a bucket public.
const PUBLIC_MEMBERS: [&str; 2] = ["allUsers", "allAuthenticatedUsers"];

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every Cloud Storage bucket whose IAM policy binds any role to `allUsers`
    /// (anyone on the internet) or `allAuthenticatedUsers` (anyone signed in to any Google
    /// account). A public binding with an IAM condition still fails: a condition narrows
    /// which requests or objects the grant covers, it does not make the grant private. The
    /// message names each public role and member, and the condition if there is one.
    ///
    /// A bucket whose IAM policy could not be read is not evaluated, never passed.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 expects access to information assets to be restricted to identified and
    /// authorised users, and C1.1 expects confidential information to be protected. A
    /// public binding lets anyone list or read (or, with write roles, change) the bucket's
    /// objects without authentication; public buckets are a leading cause of data
    /// exposure, and auditors ask for evidence that none exist or that each is deliberate.
    ///
    /// ## How to fix
    ///
    /// Remove the bindings to `allUsers` and `allAuthenticatedUsers`, grant access to the
    /// users, groups or service accounts that need it, and enforce public access prevention
    /// so a public binding cannot be added again (see
    /// `gcp-gcs-public-access-prevention-off`). Serve public content through a CDN or signed
    /// URLs instead of a public bucket.
    ///
    /// ### Console
    ///
    /// Cloud Storage → Buckets → the bucket → Permissions → View by principals → select
    /// `allUsers` / `allAuthenticatedUsers` → Remove access; then on the same tab choose
    /// "Prevent public access".
    ///
    /// ### CLI
    ///
    /// ```sh
    /// gcloud storage buckets remove-iam-policy-binding gs://BUCKET \
    ///   --member=allUsers --role=roles/storage.objectViewer
    /// gcloud storage buckets update gs://BUCKET --public-access-prevention
    /// ```
    ///
    /// ### Terraform
    ///
    /// Delete any `google_storage_bucket_iam_member` / `_binding` whose members include
    /// `allUsers` or `allAuthenticatedUsers`, and enforce prevention on the bucket:
    ///
    /// ```hcl
    /// resource "google_storage_bucket" "data" {
    ///   name                        = "acme-data"
    ///   location                    = "EU"
    ///   uniform_bucket_level_access = true
    ///   public_access_prevention    = "enforced"
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security: access restricted to authorised users), C1.1
    /// (protect confidential information).
    pub struct BucketPublic {
        id: "gcp-gcs-bucket-public",
        title: "Cloud Storage bucket is public",
        severity: Critical,
        criteria: ["CC6.1", "C1.1"],
        targets: [GcsBucket],
        also_reads: [GcsBucketIamPolicy],
        params: [],
        reads: ["iam_policy"],
    }
}

impl Rule for BucketPublic {
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
        let Some(policy) = &bucket.iam_policy else {
            return Verdict::NotEvaluated(format!(
                "the IAM policy of Cloud Storage bucket {} was not collected, so whether it is public is unknown",
                resource.display_name()
            ));
        };
        let grants: Vec<String> = policy.bindings.iter().flat_map(public_grants).collect();
        if grants.is_empty() {
            return Verdict::Pass;
        }
        Verdict::Fail(format!(
            "Cloud Storage bucket {} is public: its IAM policy grants {}; expected no role bound to allUsers or allAuthenticatedUsers",
            resource.display_name(),
            grants.join(", ")
        ))
    }
}

/// "ROLE to MEMBER" for each public member of a binding, with its condition if any.
fn public_grants(binding: &GcsIamBinding) -> impl Iterator<Item = String> + '_ {
    binding
        .members
        .iter()
        .filter(|member| {
            PUBLIC_MEMBERS
                .iter()
                .any(|public| member.trim().eq_ignore_ascii_case(public))
        })
        .map(move |member| match &binding.condition {
            None => format!("{} to {}", binding.role, member.trim()),
            Some(condition) => format!(
                "{} to {} under the condition {}`{}` (a condition narrows a public grant, it does not make it private)",
                binding.role,
                member.trim(),
                condition
                    .title
                    .as_deref()
                    .map(|title| format!("\"{title}\" "))
                    .unwrap_or_default(),
                condition.expression
            ),
        })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{bucket, bucket_id, good_bucket};
    use super::super::UniformAccessOff;
    use super::*;
    use crate::cases::{Case, Cases};
    use crate::testing::*;
    use soc2scan_model::{
        CollectionUnit, CoverageEntry, CoverageStatus, FailureKind, GcsIamCondition, GcsIamPolicy,
        Provider, ResourceKind, GLOBAL_REGION,
    };

    pub(super) fn cases() -> Cases {
        let mut unknown = good_bucket("acme-unknown");
        unknown.iam_policy = None;
        Cases::new()
            .case(Case::new("private bindings pass").pass(with_bindings(
                "acme-private",
                vec![
                    binding(
                        "roles/storage.legacyBucketOwner",
                        &["projectOwner:acme-prod"],
                    ),
                    binding(
                        "roles/storage.objectViewer",
                        &["serviceAccount:etl@acme-prod.iam.gserviceaccount.com"],
                    ),
                ],
            )))
            .case(
                Case::new("allUsers and allAuthenticatedUsers fail, naming role and member")
                    .fail(
                        with_bindings(
                            "acme-assets",
                            vec![binding(
                                "roles/storage.objectViewer",
                                &["group:web@acme.example", "allUsers"],
                            )],
                        ),
                        &[
                            "acme-assets",
                            "roles/storage.objectViewer to allUsers",
                            "expected no role bound to allUsers or allAuthenticatedUsers",
                        ],
                    )
                    .fail(
                        with_bindings(
                            "acme-shared",
                            vec![binding(
                                "roles/storage.legacyBucketReader",
                                &["allAuthenticatedUsers"],
                            )],
                        ),
                        &["roles/storage.legacyBucketReader to allAuthenticatedUsers"],
                    ),
            )
            .case(
                Case::new("a bucket whose IAM policy was not collected is not evaluated")
                    .not_evaluated(
                        bucket(unknown),
                        &["IAM policy", "acme-unknown", "not collected"],
                    ),
            )
            .applies_to_every_resource(
                "every bucket has an IAM policy that can make it public, so every one is judged",
            )
    }

    fn binding(role: &str, members: &[&str]) -> GcsIamBinding {
        GcsIamBinding {
            role: role.to_string(),
            members: members.iter().map(|m| m.to_string()).collect(),
            condition: None,
        }
    }

    fn with_bindings(name: &str, bindings: Vec<GcsIamBinding>) -> Resource {
        let mut config = good_bucket(name);
        config.iam_policy = Some(GcsIamPolicy { bindings });
        bucket(config)
    }

    #[test]
    fn conditioned_public_binding_still_fails_and_names_the_condition() {
        let mut public = binding("roles/storage.objectViewer", &["allUsers"]);
        public.condition = Some(GcsIamCondition {
            title: Some("static assets only".to_string()),
            expression: "resource.name.startsWith(\"projects/_/buckets/acme-web/objects/static/\")"
                .to_string(),
        });
        let snap = snapshot(vec![with_bindings("acme-web", vec![public])]);
        let results = run(&BucketPublic, &snap);
        assert_fail(
            &verdict_of(&results, &bucket_id("acme-web")),
            &[
                "allUsers",
                "\"static assets only\"",
                "resource.name.startsWith",
            ],
        );
    }

    #[test]
    fn iam_policy_failure_of_one_bucket_affects_only_that_bucket_and_this_rule() {
        let mut denied = good_bucket("acme-denied");
        denied.iam_policy = None;
        let mut snap = snapshot(vec![bucket(denied), with_bindings("acme-readable", vec![])]);
        snap.coverage.push(CoverageEntry {
            unit: CollectionUnit {
                provider: Provider::Gcp,
                account: PROJECT.to_string(),
                region: GLOBAL_REGION.to_string(),
                kind: ResourceKind::GcsBucketIamPolicy,
                resource: Some(bucket_id("acme-denied")),
            },
            status: CoverageStatus::Failed {
                kind: FailureKind::AccessDenied,
                message: "storage.buckets.getIamPolicy: PERMISSION_DENIED".to_string(),
            },
        });
        let results = run(&BucketPublic, &snap);
        assert_not_evaluated(
            &verdict_of(&results, &bucket_id("acme-denied")),
            &["access_denied", "getIamPolicy", "acme-denied"],
        );
        assert_pass(&verdict_of(&results, &bucket_id("acme-readable")));
        assert!(
            !results.iter().any(|(s, _)| s.starts_with("unit:")),
            "a one-bucket gap is not a scope-level gap: {results:?}"
        );

        let other = run(&UniformAccessOff, &snap);
        assert_pass(&verdict_of(&other, &bucket_id("acme-denied")));
        assert_pass(&verdict_of(&other, &bucket_id("acme-readable")));
    }
}
