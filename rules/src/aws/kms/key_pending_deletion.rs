use super::{customer_key, key_of, named};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every customer-managed KMS key that is scheduled for deletion (key state
    /// `PendingDeletion`, or `PendingReplicaDeletion` for a multi-Region replica); the
    /// message gives the date KMS will delete it. AWS-managed keys are never deleted and
    /// are not checked.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// Deleting a KMS key destroys its key material for good: every volume, snapshot,
    /// table, bucket object and backup encrypted under it becomes unrecoverable. A1.2
    /// expects recoverability to be protected, and CC6.1 expects key management to be
    /// deliberate. The waiting period (7 to 30 days) exists so that a mistaken or malicious
    /// deletion can be caught; this rule is how it gets caught.
    ///
    /// ## How to fix
    ///
    /// Find out who scheduled the deletion (CloudTrail `ScheduleKeyDeletion`) and whether
    /// anything is still encrypted under the key. Unless you are sure nothing is, cancel
    /// the deletion and, if the key must stop being used, disable it instead. Cancelling
    /// leaves the key disabled; enable it again if it is still needed.
    ///
    /// ### Console
    ///
    /// KMS → Customer managed keys → choose the key → Key actions → Cancel key deletion →
    /// then Key actions → Enable, if the key is still in use.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws kms cancel-key-deletion --key-id 1234abcd-12ab-34cd-56ef-1234567890ab
    /// aws kms enable-key --key-id 1234abcd-12ab-34cd-56ef-1234567890ab
    /// ```
    ///
    /// ### Terraform
    ///
    /// Terraform schedules the deletion when an `aws_kms_key` leaves the configuration (or
    /// the plan replaces it); `deletion_window_in_days` is the waiting period, not a
    /// deletion. Keep keys that protect data, and guard them against accidental destroys:
    ///
    /// ```hcl
    /// resource "aws_kms_key" "data" {
    ///   description             = "application data"
    ///   deletion_window_in_days = 30
    ///   lifecycle {
    ///     prevent_destroy = true
    ///   }
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security: management of encryption keys), A1.2 (recovery of
    /// data: encrypted data and backups stay recoverable).
    pub struct KeyPendingDeletion {
        id: "aws-kms-key-pending-deletion",
        title: "Customer-managed KMS key is scheduled for deletion",
        severity: Medium,
        criteria: ["CC6.1", "A1.2"],
        targets: [KmsKey],
        also_reads: [],
        params: [],
        reads: ["key_manager", "key_state", "deletion_date"],
        runtime_only: "a key is scheduled for deletion by ScheduleKeyDeletion (in Terraform, by destroying it), so a key in a plan's end state is never pending deletion; deletion_window_in_days is only the waiting period",
    }
}

impl Rule for KeyPendingDeletion {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn applies(&self, resource: &Resource) -> bool {
        customer_key(resource)
    }

    fn check(&self, resource: &Resource, ctx: &CheckContext<'_>) -> Verdict {
        let key = match key_of(resource) {
            Ok(key) => key,
            Err(verdict) => return verdict,
        };
        if key.key_manager.is_none() {
            return Verdict::NotEvaluated(format!(
                "DescribeKey did not say who manages KMS key {}, so whether the rule applies is unknown",
                resource.display_name()
            ));
        }
        match key.pending_deletion() {
            Some(false) => Verdict::Pass,
            Some(true) => {
                let when = match key.deletion_date {
                    Some(date) => {
                        let days = (date - ctx.now).num_days();
                        let relative = match days {
                            d if d < 0 => "already due".to_string(),
                            0 => "in less than a day".to_string(),
                            1 => "in 1 day".to_string(),
                            d => format!("in {d} days"),
                        };
                        format!("on {} ({relative})", date.format("%Y-%m-%d %H:%M UTC"))
                    }
                    None => "on a date KMS did not report".to_string(),
                };
                Verdict::Fail(format!(
                    "customer-managed KMS key {} is scheduled for deletion {when}; everything \
                     encrypted under it becomes unrecoverable then; expected no scheduled \
                     deletion — cancel it unless nothing is encrypted under the key",
                    named(resource, key)
                ))
            }
            None => Verdict::NotEvaluated(format!(
                "DescribeKey did not report the state of KMS key {}, so whether it is scheduled for deletion is unknown",
                resource.display_name()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{aws_managed_key, good_key, key, key_arn, undescribed_key};
    use super::*;
    use crate::cases::{Case, Cases};
    use crate::testing::*;
    use soc2scan_model::KmsKey;

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(
                Case::new("enabled and disabled keys pass")
                    .pass(key(good_key("k-live")))
                    .pass(key(KmsKey {
                        key_state: Some("Disabled".to_string()),
                        ..good_key("k-off")
                    })),
            )
            .case(
                Case::new("a key pending deletion fails with the date").fail(
                    key(doomed("k-doomed", Some(7))),
                    &[
                        "k-doomed",
                        "scheduled for deletion on 2026-06-08 00:00 UTC (in 7 days)",
                        "unrecoverable",
                        "expected no scheduled deletion",
                    ],
                ),
            )
            .case(
                Case::new("a replica pending deletion fails too, even without a date").fail(
                    key(KmsKey {
                        key_state: Some("PendingReplicaDeletion".to_string()),
                        ..doomed("mrk-replica", None)
                    }),
                    &["mrk-replica", "on a date KMS did not report"],
                ),
            )
            .case(
                Case::new("a key DescribeKey could not describe is not evaluated").not_evaluated(
                    key(undescribed_key("k-unknown")),
                    &["DescribeKey", "k-unknown"],
                ),
            )
            .case(
                Case::new("AWS-managed keys are not judged").not_applicable(key(KmsKey {
                    key_state: Some("PendingDeletion".to_string()),
                    ..aws_managed_key("k-aws")
                })),
            )
    }

    fn doomed(id: &str, in_days: Option<i64>) -> KmsKey {
        KmsKey {
            key_state: Some("PendingDeletion".to_string()),
            deletion_date: in_days.map(|days| now() + chrono::Duration::days(days)),
            pending_deletion_window_days: Some(7),
            ..good_key(id)
        }
    }

    #[test]
    fn a_deletion_date_already_past_says_so() {
        let snap = snapshot(vec![key(doomed("k-late", Some(-1)))]);
        let results = run(&KeyPendingDeletion, &snap);
        assert_fail(
            &verdict_of(&results, &key_arn("k-late")),
            &["(already due)"],
        );
        let snap = snapshot(vec![key(doomed("k-soon", Some(1)))]);
        let results = run(&KeyPendingDeletion, &snap);
        assert_fail(&verdict_of(&results, &key_arn("k-soon")), &["(in 1 day)"]);
    }
}
