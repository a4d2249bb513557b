use super::bucket_of;
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every Cloud Storage bucket whose public access prevention is not
    /// `enforced` on the bucket itself. `inherited` fails too: the bucket is then protected
    /// only if an organization policy (`storage.publicAccessPrevention`) enforces
    /// prevention, which soc2scan cannot see from the bucket, so the evidence has to come
    /// from the bucket's own setting.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 expects logical access controls that keep information assets from
    /// unauthorised access. Public access prevention is a guard rail: even if someone adds
    /// an `allUsers` binding or a public object ACL by mistake, Cloud Storage refuses to
    /// serve the data publicly. Without it, one wrong binding exposes the bucket.
    ///
    /// ## How to fix
    ///
    /// Check that nothing relies on public access to the bucket (public website assets
    /// belong behind a load balancer or CDN), then enforce prevention on the bucket, even
    /// when an organization policy also enforces it.
    ///
    /// ### Console
    ///
    /// Cloud Storage → Buckets → the bucket → Permissions → Public access → "Prevent public
    /// access" → Confirm.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// gcloud storage buckets update gs://BUCKET --public-access-prevention
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "google_storage_bucket" "data" {
    ///   name                     = "acme-data"
    ///   location                 = "EU"
    ///   public_access_prevention = "enforced"
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security).
    pub struct PublicAccessPreventionOff {
        id: "gcp-gcs-public-access-prevention-off",
        title: "Cloud Storage bucket does not enforce public access prevention",
        severity: Medium,
        criteria: ["CC6.1"],
        targets: [GcsBucket],
        also_reads: [],
        params: [],
        reads: ["public_access_prevention"],
    }
}

impl Rule for PublicAccessPreventionOff {
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
        if bucket.public_access_prevention_enforced() {
            return Verdict::Pass;
        }
        let name = resource.display_name();
        if bucket
            .public_access_prevention
            .eq_ignore_ascii_case("inherited")
        {
            Verdict::Fail(format!(
                "Cloud Storage bucket {name} has public access prevention \"inherited\": it is protected only if an organization policy enforces prevention, which soc2scan cannot see; expected \"enforced\" on the bucket itself"
            ))
        } else {
            Verdict::Fail(format!(
                "Cloud Storage bucket {name} has public access prevention \"{}\": nothing stops it from being made public; expected \"enforced\"",
                bucket.public_access_prevention
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

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(Case::new("enforced passes").pass(with_prevention("acme-enforced", "enforced")))
            .case(
                Case::new("inherited and unspecified fail, each with its own explanation")
                    .fail(
                        with_prevention("acme-inherited", "inherited"),
                        &[
                            "acme-inherited",
                            "organization policy",
                            "cannot see",
                            "expected \"enforced\" on the bucket",
                        ],
                    )
                    .fail(
                        with_prevention("acme-unspecified", "unspecified"),
                        &[
                            "acme-unspecified",
                            "\"unspecified\"",
                            "expected \"enforced\"",
                        ],
                    ),
            )
            .applies_to_every_resource("every bucket can be made public, so every one is judged")
    }

    fn with_prevention(name: &str, setting: &str) -> Resource {
        let mut config = good_bucket(name);
        config.public_access_prevention = setting.to_string();
        bucket(config)
    }

    #[test]
    fn setting_is_read_case_insensitively() {
        let snap = snapshot(vec![with_prevention("acme-upper", "ENFORCED")]);
        let results = run(&PublicAccessPreventionOff, &snap);
        assert_pass(&verdict_of(&results, &bucket_id("acme-upper")));
    }
}
