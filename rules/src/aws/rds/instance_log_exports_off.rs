use super::{instance_of, is_standalone_instance, named};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every RDS DB instance that exports none of its engine's audit and error
    /// logs to CloudWatch Logs. Which log types count depends on the engine:
    ///
    /// | engine | log types that count |
    /// |---|---|
    /// | `mysql`, `mariadb`, `aurora-mysql`, `aurora` | `audit`, `error`, `general`, `slowquery` |
    /// | `postgres`, `aurora-postgresql` | `postgresql` |
    /// | `oracle-*` | `alert`, `audit` |
    /// | `sqlserver-*` | `error`, `agent` |
    /// | `db2-*` | `diag.log`, `notify.log` |
    ///
    /// Other exports (Oracle's `trace` and `listener`, PostgreSQL's `upgrade`, IAM
    /// authentication errors) do not count. An instance of an engine not in the table is
    /// not evaluated. The instances of Aurora and Multi-AZ DB clusters are not judged: their
    /// log exports are set on the cluster.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC7.2 expects system components to be monitored for anomalies that indicate
    /// malicious acts or errors. Database logs written only to the instance's local disk
    /// rotate away within days, cannot be searched or alarmed on with the rest of the
    /// estate, and vanish with the instance; exported to CloudWatch Logs they are retained,
    /// searchable and available to the incident responders.
    ///
    /// ## How to fix
    ///
    /// Export the engine's audit and error logs. Some need the engine to write them first:
    /// MySQL and MariaDB audit logs need the `MARIADB_AUDIT_PLUGIN` option in the option
    /// group, the general and slow query logs need `general_log` / `slow_query_log` in the
    /// parameter group, and PostgreSQL statement logging needs `log_statement`
    /// (or pgAudit). Set a retention on the resulting log groups.
    ///
    /// ### Console
    ///
    /// RDS → Databases → select the instance → Modify → Additional configuration → Log
    /// exports → tick the engine's logs (for PostgreSQL: "PostgreSQL log") → Continue →
    /// Apply immediately.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws rds modify-db-instance --db-instance-identifier orders-db --apply-immediately \
    ///   --cloudwatch-logs-export-configuration '{"EnableLogTypes":["postgresql"]}'
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_db_instance" "orders" {
    ///   # ...
    ///   engine                          = "postgres"
    ///   enabled_cloudwatch_logs_exports = ["postgresql"]
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC7.2 (monitoring of system components for anomalies).
    pub struct InstanceLogExportsOff {
        id: "aws-rds-instance-log-exports-off",
        title: "RDS DB instance exports none of its audit or error logs to CloudWatch Logs",
        severity: Low,
        criteria: ["CC7.2"],
        targets: [RdsDbInstance],
        also_reads: [],
        params: [],
        reads: ["engine", "enabled_cloudwatch_logs_exports", "db_cluster_identifier"],
    }
}

/// The audit and error log types of each engine family, as RDS names them in
/// `EnabledCloudwatchLogsExports`: an engine matches an entry by its exact name, or by a
/// prefix ending in `-` (`oracle-` for `oracle-ee`, `oracle-se2-cdb`, …). The table in the
/// rule's documentation says the same.
const AUDIT_AND_ERROR_LOGS: &[(&[&str], &[&str])] = &[
    (
        &["mysql", "mariadb", "aurora-mysql", "aurora"],
        &["audit", "error", "general", "slowquery"],
    ),
    (&["postgres", "aurora-postgresql"], &["postgresql"]),
    (&["oracle-"], &["alert", "audit"]),
    (&["sqlserver-"], &["error", "agent"]),
    (&["db2-"], &["diag.log", "notify.log"]),
];

/// The log types that count for `engine`, if soc2scan knows the engine.
fn audit_and_error_logs(engine: &str) -> Option<&'static [&'static str]> {
    let engine = engine.to_ascii_lowercase();
    AUDIT_AND_ERROR_LOGS
        .iter()
        .find(|(engines, _)| {
            engines.iter().any(|pattern| {
                if pattern.ends_with('-') {
                    engine.starts_with(pattern)
                } else {
                    engine == *pattern
                }
            })
        })
        .map(|(_, logs)| *logs)
}

impl Rule for InstanceLogExportsOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn applies(&self, resource: &Resource) -> bool {
        is_standalone_instance(resource)
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let instance = match instance_of(resource) {
            Ok(instance) => instance,
            Err(verdict) => return verdict,
        };
        let Some(logs) = audit_and_error_logs(&instance.engine) else {
            return Verdict::NotEvaluated(format!(
                "{}: soc2scan does not know which log types of engine {:?} are audit or \
                 error logs",
                named(resource),
                instance.engine
            ));
        };
        let exported = &instance.enabled_cloudwatch_logs_exports;
        if exported.iter().any(|log| logs.contains(&log.as_str())) {
            return Verdict::Pass;
        }
        let now = if exported.is_empty() {
            "exports no logs to CloudWatch Logs".to_string()
        } else {
            format!("exports only {} to CloudWatch Logs", exported.join(", "))
        };
        Verdict::Fail(format!(
            "{} {now}; expected at least one of its audit or error logs exported ({})",
            named(resource),
            logs.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{cluster_member, instance};
    use super::*;
    use crate::cases::{Case, Cases};

    pub(super) fn cases() -> Cases {
        let exporting = |id: &str, engine: &str, logs: &[&str]| {
            let (engine, logs) = (engine.to_string(), logs.iter().map(|l| l.to_string()));
            instance(id, move |i| {
                i.engine = engine;
                i.enabled_cloudwatch_logs_exports = logs.collect();
            })
        };
        Cases::new()
            .case(
                Case::new("one of the engine's audit or error logs is enough")
                    .pass(exporting("orders-db", "postgres", &["postgresql", "upgrade"]))
                    .pass(exporting("shop-db", "mysql", &["slowquery"]))
                    .pass(exporting("erp-db", "oracle-ee-cdb", &["alert"]))
                    .pass(exporting("hr-db", "sqlserver-se", &["agent"]))
                    .pass(exporting("ledger-db", "db2-se", &["diag.log"])),
            )
            .case(
                Case::new("no export, or only logs that are neither audit nor error, fails")
                    .fail(
                        exporting("reports-db", "postgres", &[]),
                        &[
                            "RDS DB instance reports-db (postgres)",
                            "exports no logs",
                            "expected at least one of its audit or error logs exported (postgresql)",
                        ],
                    )
                    .fail(
                        exporting("erp-db", "oracle-se2", &["trace", "listener"]),
                        &["exports only trace, listener", "(alert, audit)"],
                    )
                    .fail(
                        exporting("shop-db", "mariadb", &[]),
                        &["(audit, error, general, slowquery)"],
                    ),
            )
            .case(
                Case::new("an engine soc2scan does not know is not evaluated").not_evaluated(
                    exporting("custom-db", "custom-oracle-ee", &["alert"]),
                    &["custom-db", "does not know", "custom-oracle-ee"],
                ),
            )
            .case(
                Case::new("a cluster member's logs are exported by its cluster")
                    .not_applicable(cluster_member("orders-aurora-1", |_| {})),
            )
    }

    #[test]
    fn engines_match_by_name_or_family_prefix() {
        assert_eq!(audit_and_error_logs("postgres"), Some(&["postgresql"][..]));
        assert_eq!(audit_and_error_logs("MySQL"), audit_and_error_logs("mysql"));
        assert_eq!(
            audit_and_error_logs("sqlserver-ex"),
            Some(&["error", "agent"][..])
        );
        assert_eq!(
            audit_and_error_logs("aurora"),
            audit_and_error_logs("mysql")
        );
        // A prefix needs its dash; an exact name matches only itself.
        assert_eq!(audit_and_error_logs("oracle"), None);
        assert_eq!(audit_and_error_logs("postgres-custom"), None);
        assert_eq!(audit_and_error_logs("neptune"), None);
    }
}
