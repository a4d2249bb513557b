use super::table_of;
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every DynamoDB table with deletion protection off.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// A1.2 expects data to stay available and recoverable. `DeleteTable` removes a table
    /// and every item in it at once, and point-in-time recovery of a deleted table is a
    /// restore into a new table, with downtime. Deletion protection makes the deletion a
    /// deliberate two-step change instead of one mistaken command, console click or
    /// `terraform destroy`.
    ///
    /// ## How to fix
    ///
    /// Turn on deletion protection. Deleting the table then first needs protection turned
    /// off, by someone allowed to `UpdateTable`.
    ///
    /// ### Console
    ///
    /// DynamoDB → Tables → choose the table → Additional settings → Deletion protection →
    /// Turn on.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws dynamodb update-table --table-name orders --deletion-protection-enabled
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_dynamodb_table" "orders" {
    ///   name                        = "orders"
    ///   billing_mode                = "PAY_PER_REQUEST"
    ///   hash_key                    = "id"
    ///   deletion_protection_enabled = true
    ///   attribute {
    ///     name = "id"
    ///     type = "S"
    ///   }
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// A1.2 (protection of data against loss: deletion needs a deliberate change).
    pub struct TableDeletionProtectionOff {
        id: "aws-dynamodb-table-deletion-protection-off",
        title: "DynamoDB table has deletion protection off",
        severity: Low,
        criteria: ["A1.2"],
        targets: [DynamodbTable],
        also_reads: [],
        params: [],
        reads: ["deletion_protection_enabled"],
    }
}

impl Rule for TableDeletionProtectionOff {
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
        match table.deletion_protection_enabled {
            Some(true) => Verdict::Pass,
            Some(false) => Verdict::Fail(format!(
                "DynamoDB table {} has deletion protection off, so one DeleteTable call removes \
                 it with all its items; expected deletion protection on",
                resource.display_name()
            )),
            None => Verdict::NotEvaluated(format!(
                "DescribeTable did not report whether DynamoDB table {} has deletion protection",
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
            .case(Case::new("a protected table passes").pass(table(good_table("orders"))))
            .case(Case::new("an unprotected table fails, naming it").fail(
                table(DynamodbTable {
                    deletion_protection_enabled: Some(false),
                    ..good_table("sessions")
                }),
                &[
                    "DynamoDB table sessions",
                    "deletion protection off",
                    "expected",
                ],
            ))
            .case(
                Case::new("a table DescribeTable could not describe is not evaluated")
                    .not_evaluated(
                        table(DynamodbTable {
                            deletion_protection_enabled: None,
                            ..good_table("audit")
                        }),
                        &["DescribeTable", "audit"],
                    ),
            )
            .applies_to_every_resource("every table can be deleted, so every one is judged")
    }
}
