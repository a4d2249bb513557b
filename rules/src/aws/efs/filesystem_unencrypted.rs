use super::file_system_of;
use crate::aws::named;
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every EFS file system that is not encrypted at rest.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 expects protected information to be encrypted at rest, and C1.1 expects
    /// confidential information to be protected. File systems hold whatever the
    /// applications mounting them write — uploads, exports, home directories. Encryption at
    /// rest can only be chosen when a file system is created, so an unencrypted one stays
    /// unencrypted until its data is moved.
    ///
    /// ## How to fix
    ///
    /// Create an encrypted file system (with the AWS-managed `aws/elasticfilesystem` key or
    /// a customer-managed key), copy the data across (AWS DataSync, or a restore of an AWS
    /// Backup recovery point into the new file system), move the mount targets' clients
    /// over and delete the old one. Enforce encryption for new file systems with an SCP or
    /// IAM condition on `elasticfilesystem:Encrypted`.
    ///
    /// ### Console
    ///
    /// EFS → Create file system → Customize → tick "Enable encryption of data at rest" →
    /// choose the KMS key → Create; then copy the data with DataSync.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws efs create-file-system --encrypted --kms-key-id alias/efs \
    ///   --creation-token app-data-encrypted --tags Key=Name,Value=app-data
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_efs_file_system" "data" {
    ///   creation_token = "app-data"
    ///   encrypted      = true
    ///   kms_key_id     = aws_kms_key.efs.arn
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security, encryption at rest), C1.1 (protection of
    /// confidential information).
    pub struct FilesystemUnencrypted {
        id: "aws-efs-filesystem-unencrypted",
        title: "EFS file system is not encrypted at rest",
        severity: High,
        criteria: ["CC6.1", "C1.1"],
        targets: [EfsFileSystem],
        also_reads: [],
        params: [],
        reads: ["encrypted"],
    }
}

impl Rule for FilesystemUnencrypted {
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
        if file_system.encrypted {
            Verdict::Pass
        } else {
            Verdict::Fail(format!(
                "EFS file system {} is not encrypted at rest; expected encryption at rest \
                 (it can only be chosen at creation: copy the data to an encrypted file system)",
                named(resource)
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{file_system, good_file_system};
    use crate::cases::{Case, Cases};
    use soc2scan_model::EfsFileSystem;

    pub(super) fn cases() -> Cases {
        let mut named = file_system(EfsFileSystem {
            encrypted: false,
            kms_key_id: None,
            ..good_file_system("fs-0plain")
        });
        named.name = Some("shared-uploads".to_string());
        Cases::new()
            .case(
                Case::new("an encrypted file system passes")
                    .pass(file_system(good_file_system("fs-0sealed"))),
            )
            .case(
                Case::new("an unencrypted file system fails, by name and id").fail(
                    named,
                    &[
                        "shared-uploads (fs-0plain)",
                        "not encrypted at rest",
                        "expected",
                    ],
                ),
            )
            .applies_to_every_resource(
                "every file system is encrypted at rest or not, so every one is judged",
            )
    }
}
