use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every AWS account whose root user has access keys
    /// (`AccountAccessKeysPresent` is 1 in the IAM account summary), active or not.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 expects access to be restricted to authorised, authenticated users, and CC6.2
    /// expects credentials to be issued and removed in a controlled way. A root access key
    /// is a long-lived secret with unrestricted power over the account that no IAM policy
    /// can limit and that bypasses MFA; it tends to end up in scripts, CI variables and
    /// laptops. Auditors expect the root user to have no access keys at all.
    ///
    /// ## How to fix
    ///
    /// Find out what uses the key (its last-used service and region in the credential
    /// report), move that work to an IAM role or a least-privilege user, then deactivate
    /// and delete the root access keys.
    ///
    /// ### Console
    ///
    /// Sign in with the root user's email address → account menu (top right) → Security
    /// credentials → Access keys → Actions → Deactivate, then Delete, for each key.
    ///
    /// ### CLI
    ///
    /// Root keys can only be deleted by the root user. Run, with the root user's own
    /// credentials:
    ///
    /// ```sh
    /// aws iam list-access-keys
    /// aws iam update-access-key --access-key-id AKIA... --status Inactive
    /// aws iam delete-access-key --access-key-id AKIA...
    /// aws iam get-account-summary --query 'SummaryMap.AccountAccessKeysPresent'
    /// ```
    ///
    /// ### Terraform
    ///
    /// Never manage root access keys with Terraform; give automation an IAM role instead:
    ///
    /// ```hcl
    /// resource "aws_iam_role" "deploy" {
    ///   name               = "deploy"
    ///   assume_role_policy = data.aws_iam_policy_document.ci_trust.json
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security), CC6.2 (issuing and removing credentials).
    pub struct RootAccessKey {
        id: "aws-iam-root-access-key",
        title: "Root user has access keys",
        severity: Critical,
        criteria: ["CC6.1", "CC6.2"],
        targets: [IamAccountSummary],
        also_reads: [],
        params: [],
        runtime_only: "the root user's access keys are not managed by Terraform; only a running account's IAM summary tells",
    }
}

impl Rule for RootAccessKey {
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
        if summary.root_access_keys_present {
            Verdict::Fail(format!(
                "the root user of AWS account {} has access keys; expected no root access \
                 keys (use IAM roles or least-privilege users for programmatic access)",
                resource.account
            ))
        } else {
            Verdict::Pass
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
            .case(Case::new("a root user without access keys passes").pass(summary(false)))
            .case(
                Case::new("a root user with access keys fails, naming the account").fail(
                    summary(true),
                    &[
                        "root user",
                        ACCOUNT,
                        "has access keys",
                        "expected no root access keys",
                    ],
                ),
            )
            .applies_to_every_resource(
                "each account has exactly one IAM summary, and every one is judged",
            )
    }

    fn summary_id() -> String {
        format!("arn:aws:iam::{ACCOUNT}:account-summary")
    }

    fn summary(root_access_keys_present: bool) -> Resource {
        resource(
            &summary_id(),
            ResourceConfig::IamAccountSummary(IamAccountSummary {
                root_mfa_enabled: true,
                root_access_keys_present,
            }),
        )
    }
}
