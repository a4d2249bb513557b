use crate::aws::named;
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every AWS Backup vault that Vault Lock does not protect (`Locked` is
    /// false). A lock in governance mode (no lock date) or compliance mode passes;
    /// logically air-gapped vaults are always locked.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// A1.2 expects backups to survive the incidents they exist for, and CC7.5 expects
    /// recovery to be possible after one. Without Vault Lock, anyone who can delete
    /// recovery points — an attacker with a stolen administrator role, ransomware, a
    /// mistaken cleanup script — can delete the backups along with the data. Vault Lock
    /// (WORM) keeps every recovery point for its minimum retention whatever the caller's
    /// permissions; in compliance mode not even the root user can remove the lock.
    ///
    /// ## How to fix
    ///
    /// Add a Vault Lock configuration with a minimum retention that matches your backup
    /// rules. Start in governance mode (without `ChangeableForDays`) to test it; add
    /// `ChangeableForDays` for compliance mode, which becomes immutable after that grace
    /// period.
    ///
    /// ### Console
    ///
    /// AWS Backup → Backup vaults → choose the vault → Vault lock → Create vault lock →
    /// choose governance or compliance mode → set the minimum and maximum retention →
    /// Create vault lock.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws backup put-backup-vault-lock-configuration --backup-vault-name main \
    ///   --min-retention-days 35 --max-retention-days 365 --changeable-for-days 3
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_backup_vault_lock_configuration" "main" {
    ///   backup_vault_name   = aws_backup_vault.main.name
    ///   min_retention_days  = 35
    ///   max_retention_days  = 365
    ///   changeable_for_days = 3
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// A1.2 (backups protected against deletion), CC7.5 (recovery from identified security
    /// incidents).
    pub struct VaultLockOff {
        id: "aws-backup-vault-lock-off",
        title: "Backup vault is not protected by Vault Lock",
        severity: Medium,
        criteria: ["A1.2", "CC7.5"],
        targets: [BackupVault],
        also_reads: [],
        params: [],
        reads: ["locked"],
    }
}

impl Rule for VaultLockOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::BackupVault(vault) = &resource.config else {
            return crate::aws::wrong_kind(resource, "a backup vault");
        };
        match vault.locked {
            Some(true) => Verdict::Pass,
            Some(false) => Verdict::Fail(format!(
                "backup vault {} is not protected by Vault Lock, so its recovery points can be \
                 deleted before their retention ends; expected a Vault Lock configuration \
                 (governance or compliance mode)",
                named(resource)
            )),
            None => Verdict::NotEvaluated(format!(
                "ListBackupVaults did not say whether Vault Lock protects backup vault {}",
                resource.display_name()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::vault;
    use crate::cases::{Case, Cases};

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(Case::new("a locked vault passes").pass(vault("locked", Some(true))))
            .case(
                Case::new("an unlocked vault fails, naming it")
                    .fail(vault("main", Some(false)), &["backup vault main", "not protected by Vault Lock", "expected"]),
            )
            .case(
                Case::new("a vault whose lock state was not reported is not evaluated")
                    .not_evaluated(vault("quiet", None), &["Vault Lock", "quiet"]),
            )
            .applies_to_every_resource("every vault holds recovery points that a lock protects or not, so every one is judged")
    }
}
