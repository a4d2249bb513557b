use super::bucket_of;
use crate::declare_rule;
use crate::rule::{CheckContext, ParamDefault, ParamSpec, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

const SECONDS_PER_DAY: u64 = 86_400;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every Cloud Storage bucket whose soft delete is off (no policy, or a
    /// retention of 0) or keeps deleted objects for less than `min_soft_delete_days`
    /// (default 7 days, the Cloud Storage default).
    ///
    /// ## Why it matters for SOC 2
    ///
    /// A1.2 expects backups and recovery infrastructure that let data be restored. Soft
    /// delete keeps deleted and overwritten objects restorable for the retention window,
    /// even in buckets without versioning, and even when the deletion was made by a
    /// compromised or careless administrator. A window shorter than the time it takes to
    /// notice a deletion gives no real protection.
    ///
    /// ## How to fix
    ///
    /// Set a soft-delete retention of at least `min_soft_delete_days` days (Cloud Storage
    /// accepts 7 to 90 days; retained bytes are billed).
    ///
    /// ### Console
    ///
    /// Cloud Storage → Buckets → the bucket → Protection → Soft delete policy → Edit → set
    /// the retention duration → Save.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// gcloud storage buckets update gs://BUCKET --soft-delete-duration=7d
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "google_storage_bucket" "data" {
    ///   name     = "acme-data"
    ///   location = "EU"
    ///   soft_delete_policy {
    ///     retention_duration_seconds = 604800 # 7 days
    ///   }
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// A1.2 (backup and recovery infrastructure).
    pub struct SoftDeleteShort {
        id: "gcp-gcs-soft-delete-short",
        title: "Cloud Storage bucket soft delete is off or too short",
        severity: Medium,
        criteria: ["A1.2"],
        targets: [GcsBucket],
        also_reads: [],
        params: [ParamSpec {
            name: "min_soft_delete_days",
            description: "Shortest acceptable soft-delete retention, in days",
            default: ParamDefault::Integer(7),
            min: 1,
            max: 90,
        }],
        reads: ["soft_delete_retention_seconds"],
    }
}

impl Rule for SoftDeleteShort {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, ctx: &CheckContext<'_>) -> Verdict {
        let bucket = match bucket_of(resource) {
            Ok(bucket) => bucket,
            Err(verdict) => return verdict,
        };
        // The parameter's declared range (1..=90) makes the conversion lossless.
        let min_days = ctx.params.integer("min_soft_delete_days").max(1) as u64;
        let name = resource.display_name();
        match bucket.soft_delete_retention_seconds.unwrap_or(0) {
            0 => Verdict::Fail(format!(
                "Cloud Storage bucket {name} has soft delete off: deleted or overwritten objects cannot be restored; expected a soft-delete retention of at least {}",
                days(min_days * SECONDS_PER_DAY)
            )),
            seconds if seconds < min_days * SECONDS_PER_DAY => Verdict::Fail(format!(
                "Cloud Storage bucket {name} keeps soft-deleted objects for only {}; expected at least {}",
                days(seconds),
                days(min_days * SECONDS_PER_DAY)
            )),
            _ => Verdict::Pass,
        }
    }
}

/// "7 days", "1 day", "1.5 days", "2 hours".
fn days(seconds: u64) -> String {
    if seconds < SECONDS_PER_DAY {
        let hours = seconds as f64 / 3600.0;
        return format!("{} hour{}", trim_float(hours), plural(hours));
    }
    let days = seconds as f64 / SECONDS_PER_DAY as f64;
    format!("{} day{}", trim_float(days), plural(days))
}

/// One decimal, rounded down so a retention just short of the threshold never reads as
/// the threshold itself; no decimal when it is whole.
fn trim_float(value: f64) -> String {
    let text = format!("{:.1}", (value * 10.0).floor() / 10.0);
    text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
}

fn plural(value: f64) -> &'static str {
    if (value - 1.0).abs() < f64::EPSILON {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{bucket, bucket_id, good_bucket};
    use super::*;
    use crate::cases::{Case, Cases};
    use crate::rule::{ParamValue, Params};
    use crate::testing::*;

    pub(super) fn cases() -> Cases {
        let off = [
            "soft delete off",
            "expected a soft-delete retention of at least 7 days",
        ];
        Cases::new()
            .case(
                Case::new(
                    "seven days or more pass; less fails (the default threshold is seven days)",
                )
                .pass(with_soft_delete("acme-seven", Some(7 * SECONDS_PER_DAY)))
                .pass(with_soft_delete("acme-thirty", Some(30 * SECONDS_PER_DAY)))
                .fail(
                    with_soft_delete("acme-three", Some(3 * SECONDS_PER_DAY)),
                    &["acme-three", "only 3 days", "expected at least 7 days"],
                )
                .fail(
                    with_soft_delete("acme-almost", Some(7 * SECONDS_PER_DAY - 1)),
                    &["only 6.9 days", "expected at least 7 days"],
                ),
            )
            .case(
                Case::new("a missing or zero retention is soft delete off")
                    .fail(
                        with_soft_delete("acme-none", None),
                        &[&["acme-none"][..], &off].concat(),
                    )
                    .fail(
                        with_soft_delete("acme-zero", Some(0)),
                        &[&["acme-zero"][..], &off].concat(),
                    ),
            )
            .applies_to_every_resource(
                "every bucket holds objects the setting protects, so every one is judged",
            )
    }

    fn with_soft_delete(name: &str, seconds: Option<u64>) -> Resource {
        let mut config = good_bucket(name);
        config.soft_delete_retention_seconds = seconds;
        bucket(config)
    }

    #[test]
    fn overridden_threshold_is_used() {
        let snap = snapshot(vec![
            with_soft_delete("acme-seven", Some(7 * SECONDS_PER_DAY)),
            with_soft_delete("acme-thirty", Some(30 * SECONDS_PER_DAY)),
        ]);
        let mut params = Params::defaults(SoftDeleteShort.meta());
        params
            .set("min_soft_delete_days", ParamValue::Integer(30))
            .expect("30 is in range");
        let results = run_with(&SoftDeleteShort, params, &snap);
        assert_fail(
            &verdict_of(&results, &bucket_id("acme-seven")),
            &["only 7 days", "expected at least 30 days"],
        );
        assert_pass(&verdict_of(&results, &bucket_id("acme-thirty")));
    }

    #[test]
    fn threshold_range_is_enforced() {
        let mut params = Params::defaults(SoftDeleteShort.meta());
        assert!(params
            .set("min_soft_delete_days", ParamValue::Integer(0))
            .is_err());
        assert!(params
            .set("min_soft_delete_days", ParamValue::Integer(91))
            .is_err());
        assert!(params
            .set("min_soft_delete_days", ParamValue::Integer(90))
            .is_ok());
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(days(SECONDS_PER_DAY), "1 day");
        assert_eq!(days(SECONDS_PER_DAY * 3 / 2), "1.5 days");
        assert_eq!(days(7200), "2 hours");
    }
}
