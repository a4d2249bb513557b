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

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
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
    use super::super::test_support::{bucket, good_bucket};
    use super::*;
    use crate::cases::{Case, Cases};

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(
                Case::new("a customer-managed default key passes").pass(with_key(
                    "acme-cmek",
                    Some("projects/acme-prod/locations/eu/keyRings/storage/cryptoKeys/buckets"),
                )),
            )
            .case(
                Case::new("no key or a blank key fails")
                    .fail(
                        with_key("acme-gmek", None),
                        &[
                            "acme-gmek",
                            "Google-managed",
                            "expected a default Cloud KMS key",
                        ],
                    )
                    .fail(with_key("acme-blank", Some("")), &["acme-blank"]),
            )
            .applies_to_every_resource(
                "every bucket holds objects the setting protects, so every one is judged",
            )
    }

    fn with_key(name: &str, key: Option<&str>) -> Resource {
        let mut config = good_bucket(name);
        config.default_kms_key = key.map(str::to_string);
        bucket(config)
    }
}
