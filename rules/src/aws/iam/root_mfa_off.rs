use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every AWS account whose root user has no MFA device (`AccountMFAEnabled`
    /// is 0 in the IAM account summary).
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 expects logical access to be protected by strong authentication. The root user
    /// can do anything in the account, including closing it and changing its billing and
    /// support settings, and no IAM policy can restrict it. With only a password between an
    /// attacker and the root user, one phished or reused password hands over the whole
    /// account; auditors ask for evidence that root is protected by MFA.
    ///
    /// ## How to fix
    ///
    /// Sign in as the root user and assign an MFA device to it, preferably a hardware key
    /// (FIDO2 security key or hardware TOTP token) kept in a safe place, with a second
    /// device registered as a backup. In AWS Organizations, consider centralising root
    /// access management so member accounts have no root credentials at all.
    ///
    /// ### Console
    ///
    /// Sign in with the root user's email address → account menu (top right) → Security
    /// credentials → Multi-factor authentication (MFA) → Assign MFA device, then follow the
    /// prompts for the device type.
    ///
    /// ### CLI
    ///
    /// Root MFA can only be assigned by the root user in the console. Check the result with:
    ///
    /// ```sh
    /// aws iam get-account-summary --query 'SummaryMap.AccountMFAEnabled'
    /// ```
    ///
    /// ### Terraform
    ///
    /// Terraform cannot manage the root user's MFA device. Keep the root user out of
    /// automation, and in an organization manage root access centrally instead:
    ///
    /// ```hcl
    /// resource "aws_iam_organizations_features" "root_access" {
    ///   enabled_features = ["RootCredentialsManagement", "RootSessions"]
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security: authentication of privileged users).
    pub struct RootMfaOff {
        id: "aws-iam-root-mfa-off",
        title: "Root user has no MFA",
        severity: Critical,
        criteria: ["CC6.1"],
        targets: [IamAccountSummary],
        also_reads: [],
        params: [],
        runtime_only: "the root user's MFA device is not managed by Terraform; only a running account's IAM summary tells",
    }
}

impl Rule for RootMfaOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::IamAccountSummary(summary) = &resource.config else {
            return Verdict::NotEvaluated(format!("{} is not an IAM account summary", resource.id));
        };
        if summary.root_mfa_enabled {
            Verdict::Pass
        } else {
            Verdict::Fail(format!(
                "the root user of AWS account {} has no MFA device; expected an MFA device \
                 (preferably a hardware key) on the root user",
                resource.account
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::{Case, Cases};
    use crate::testing::*;
    use soc2scan_model::IamAccountSummary;

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(Case::new("a root user with MFA passes").pass(summary(true)))
            .case(
                Case::new("a root user without MFA fails, naming the account").fail(
                    summary(false),
                    &["root user", ACCOUNT, "no MFA", "expected"],
                ),
            )
            .applies_to_every_resource(
                "each account has exactly one IAM summary, and every one is judged",
            )
    }

    fn summary_id() -> String {
        format!("arn:aws:iam::{ACCOUNT}:account-summary")
    }

    fn summary(root_mfa_enabled: bool) -> Resource {
        resource(
            &summary_id(),
            ResourceConfig::IamAccountSummary(IamAccountSummary {
                root_mfa_enabled,
                root_access_keys_present: false,
            }),
        )
    }
}
