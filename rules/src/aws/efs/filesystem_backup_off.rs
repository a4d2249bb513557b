use super::file_system_of;
use crate::aws::named;
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{EfsFileSystem, Resource};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every EFS file system whose automatic backup policy is off: its
    /// `DescribeBackupPolicy` status is `DISABLED` or `DISABLING`, or it has no backup
    /// policy at all. `ENABLED` and `ENABLING` pass. A file system that one of your own AWS
    /// Backup plans selects instead still fails here: record that with a suppression and
    /// its reason.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// A1.2 expects data to be backed up and recoverable. EFS keeps no snapshots of its
    /// own: deleted or overwritten files are gone unless a backup exists. Automatic backups
    /// put the file system into AWS Backup's default daily plan (35-day retention) with no
    /// further setup.
    ///
    /// ## How to fix
    ///
    /// Turn on automatic backups for the file system, or select it in an AWS Backup plan of
    /// your own.
    ///
    /// ### Console
    ///
    /// EFS → File systems → choose the file system → Edit → General → tick "Enable
    /// automatic backups" → Save changes.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws efs put-backup-policy --file-system-id fs-0123456789abcdef0 \
    ///   --backup-policy Status=ENABLED
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_efs_backup_policy" "data" {
    ///   file_system_id = aws_efs_file_system.data.id
    ///   backup_policy {
    ///     status = "ENABLED"
    ///   }
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// A1.2 (backup and recovery of data).
    pub struct FilesystemBackupOff {
        id: "aws-efs-filesystem-backup-off",
        title: "EFS file system has automatic backups off",
        severity: Medium,
        criteria: ["A1.2"],
        targets: [EfsFileSystem],
        also_reads: [EfsBackupPolicy],
        params: [],
        reads: ["backup_policy_status"],
    }
}

impl Rule for FilesystemBackupOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let file_system = match file_system_of(resource) {
            Ok(file_system) => file_system,
            Err(verdict) => return verdict,
        };
        let status = file_system.backup_policy_status.as_deref();
        match (file_system.automatic_backups(), status) {
            (Some(true), _) => Verdict::Pass,
            (Some(false), Some(EfsFileSystem::NO_BACKUP_POLICY)) => Verdict::Fail(format!(
                "EFS file system {} has no backup policy, so automatic backups are off; \
                 expected automatic backups on (backup policy ENABLED)",
                named(resource)
            )),
            (Some(false), Some(status)) => Verdict::Fail(format!(
                "EFS file system {} has automatic backups off (backup policy {status}); \
                 expected automatic backups on (backup policy ENABLED)",
                named(resource)
            )),
            (_, Some(status)) => Verdict::NotEvaluated(format!(
                "the backup policy status {status:?} of EFS file system {} is not one AWS documents",
                resource.display_name()
            )),
            (_, None) => Verdict::NotEvaluated(format!(
                "the backup policy of EFS file system {} was not collected, so whether automatic backups are on is unknown",
                resource.display_name()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{file_system, good_file_system};
    use crate::cases::{Case, Cases};
    use soc2scan_model::EfsFileSystem;

    fn with_status(id: &str, status: Option<&str>) -> EfsFileSystem {
        EfsFileSystem {
            backup_policy_status: status.map(str::to_string),
            ..good_file_system(id)
        }
    }

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(
                Case::new("automatic backups enabled or being enabled pass")
                    .pass(file_system(with_status("fs-0on", Some("ENABLED"))))
                    .pass(file_system(with_status("fs-0turning-on", Some("ENABLING")))),
            )
            .case(
                Case::new("backups disabled, being disabled, or no policy at all fail")
                    .fail(
                        file_system(with_status("fs-0off", Some("DISABLED"))),
                        &[
                            "fs-0off",
                            "automatic backups off (backup policy DISABLED)",
                            "expected",
                        ],
                    )
                    .fail(
                        file_system(with_status("fs-0turning-off", Some("DISABLING"))),
                        &["backup policy DISABLING"],
                    )
                    .fail(
                        file_system(with_status("fs-0none", Some("NONE"))),
                        &["fs-0none", "has no backup policy"],
                    ),
            )
            .case(
                Case::new(
                    "a policy not collected, or a status AWS does not document, is not evaluated",
                )
                .not_evaluated(
                    file_system(with_status("fs-0unread", None)),
                    &["backup policy", "fs-0unread", "not collected"],
                )
                .not_evaluated(
                    file_system(with_status("fs-0odd", Some("PAUSED"))),
                    &["\"PAUSED\"", "not one AWS documents"],
                ),
            )
            .applies_to_every_resource(
                "every file system has a backup policy status, so every one is judged",
            )
    }
}
