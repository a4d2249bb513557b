use super::table_of;
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every DynamoDB table with point-in-time recovery (PITR) off, as
    /// `DescribeContinuousBackups` reports it.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// A1.2 expects data to be backed up and recoverable, and CC7.5 expects the organization
    /// to recover from incidents. PITR keeps continuous backups of a table for up to 35
    /// days, so a bad deploy, a runaway script or a malicious delete of items can be undone
    /// to any second in that window; without it, the only way back is an on-demand backup
    /// someone remembered to take.
    ///
    /// ## How to fix
    ///
    /// Turn on point-in-time recovery for the table (its recovery period defaults to 35
    /// days). It costs storage by table size and does not affect the table's performance.
    ///
    /// ### Console
    ///
    /// DynamoDB → Tables → choose the table → Backups → Point-in-time recovery (PITR) →
    /// Edit → tick "Turn on point-in-time recovery" → Save changes.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws dynamodb update-continuous-backups --table-name orders \
    ///   --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_dynamodb_table" "orders" {
    ///   name         = "orders"
    ///   billing_mode = "PAY_PER_REQUEST"
    ///   hash_key     = "id"
    ///   attribute {
    ///     name = "id"
    ///     type = "S"
    ///   }
    ///   point_in_time_recovery {
    ///     enabled = true
    ///   }
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// A1.2 (backup and recovery of data), CC7.5 (recovery from identified security
    /// incidents).
    pub struct TablePitrOff {
        id: "aws-dynamodb-table-pitr-off",
        title: "DynamoDB table has point-in-time recovery off",
        severity: High,
        criteria: ["A1.2", "CC7.5"],
        targets: [DynamodbTable],
        also_reads: [DynamodbContinuousBackups],
        params: [],
        reads: ["point_in_time_recovery_enabled"],
    }
}

impl Rule for TablePitrOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let table = match table_of(resource) {
            Ok(table) => table,
            Err(verdict) => return verdict,
        };
        match table.point_in_time_recovery_enabled {
            Some(true) => Verdict::Pass,
            Some(false) => Verdict::Fail(format!(
                "DynamoDB table {} has point-in-time recovery off, so it can be restored only \
                 from on-demand backups; expected point-in-time recovery on",
                resource.display_name()
            )),
            None => Verdict::NotEvaluated(format!(
                "the continuous backups of DynamoDB table {} were not collected, so whether point-in-time recovery is on is unknown",
                resource.display_name()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{good_table, table};
    use crate::cases::{Case, Cases};
    use soc2scan_model::DynamodbTable;

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(Case::new("a table with PITR on passes").pass(table(good_table("orders"))))
            .case(
                Case::new("a table with PITR off fails, naming it").fail(
                    table(DynamodbTable {
                        point_in_time_recovery_enabled: Some(false),
                        point_in_time_recovery_days: None,
                        ..good_table("sessions")
                    }),
                    &["DynamoDB table sessions", "point-in-time recovery off", "expected"],
                ),
            )
            .case(
                Case::new("a table whose continuous backups were not read is not evaluated")
                    .not_evaluated(
                        table(DynamodbTable {
                            point_in_time_recovery_enabled: None,
                            ..good_table("audit")
                        }),
                        &["continuous backups", "audit", "not collected"],
                    ),
            )
            .applies_to_every_resource(
                "every table holds data that point-in-time recovery can restore, so every one is judged",
            )
    }
}
