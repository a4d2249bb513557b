use super::bucket_of;
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every Cloud Storage bucket without a default customer-managed encryption
    /// key (CMEK) from Cloud KMS, that is, a bucket whose new objects are encrypted only
    /// with Google-managed keys.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// Cloud Storage always encrypts at rest, so this is about control of the key. CC6.1
    /// and C1.1 expect encryption of confidential data under keys the organization
    /// controls: with a CMEK, key use is logged in Cloud Audit Logs, access to the key is
    /// governed by IAM separately from the data, and disabling or destroying the key makes
    /// the data unreadable (crypto-shredding). Many customers' security questionnaires ask
    /// for customer-managed keys on stores of their data.
    ///
    /// ## How to fix
    ///
    /// Create a Cloud KMS key in a location compatible with the bucket, let the project's
    /// Cloud Storage service agent use it, and set it as the bucket's default key. Existing
    /// objects keep their old encryption until they are rewritten.
    ///
    /// ### Console
    ///
    /// Cloud Storage → Buckets → the bucket → Configuration → Encryption type → Edit →
    /// Cloud KMS key → choose the key → Save (the console offers to grant the service
    /// agent access to the key).
    ///
    /// ### CLI
    ///
    /// ```sh
    /// KEY=projects/PROJECT/locations/eu/keyRings/storage/cryptoKeys/buckets
    /// gcloud storage service-agent --project=PROJECT --authorize-cmek=$KEY
    /// gcloud storage buckets update gs://BUCKET --default-encryption-key=$KEY
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "google_storage_bucket" "data" {
    ///   name     = "acme-data"
    ///   location = "EU"
    ///   encryption {
    ///     default_kms_key_name = google_kms_crypto_key.buckets.id
    ///   }
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security, encryption at rest), C1.1 (protect confidential
    /// information).
    pub struct CmekOff {
        id: "gcp-gcs-cmek-off",
        title: "Cloud Storage bucket has no default customer-managed encryption key",
        severity: Low,
        criteria: ["CC6.1", "C1.1"],
        targets: [GcsBucket],
        also_reads: [],
        params: [],
        reads: ["default_kms_key"],
    }
}

impl Rule for CmekOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let bucket = match bucket_of(resource) {
            Ok(bucket) => bucket,
            Err(verdict) => return verdict,
        };
        match bucket.default_kms_key.as_deref().map(str::trim) {
            Some(key) if !key.is_empty() => Verdict::Pass,
            _ => Verdict::Fail(format!(
                "Cloud Storage bucket {} has no default customer-managed encryption key (objects are encrypted with Google-managed keys); expected a default Cloud KMS key",
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
    use soc2scan_model::ResourceKind;

    fn with_key(name: &str, key: Option<&str>) -> Resource {
        let mut config = good_bucket(name);
        config.default_kms_key = key.map(str::to_string);
        bucket(config)
    }

    #[test]
    fn customer_managed_key_passes_and_google_managed_fails() {
        let snap = snapshot(vec![
            with_key(
                "acme-cmek",
                Some("projects/acme-prod/locations/eu/keyRings/storage/cryptoKeys/buckets"),
            ),
            with_key("acme-gmek", None),
            with_key("acme-blank", Some("")),
        ]);
        let results = run(&CmekOff, &snap);
        assert_pass(&verdict_of(&results, &bucket_id("acme-cmek")));
        assert_fail(
            &verdict_of(&results, &bucket_id("acme-gmek")),
            &[
                "acme-gmek",
                "Google-managed",
                "expected a default Cloud KMS key",
            ],
        );
        assert_fail(
            &verdict_of(&results, &bucket_id("acme-blank")),
            &["acme-blank"],
        );
    }

    #[test]
    fn failed_listing_is_not_evaluated() {
        let mut snap = snapshot(vec![with_key("acme-gmek", None)]);
        fail_unit(&mut snap, ResourceKind::GcsBucket);
        let results = run(&CmekOff, &snap);
        assert_not_evaluated(
            &verdict_of(&results, &bucket_id("acme-gmek")),
            &["access_denied"],
        );
        assert!(!results.iter().any(|(_, v)| v.is_fail()));
    }
}
