use super::{principal, user_credentials};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every IAM user that has a console password but no MFA device, as the
    /// credential report tells it. Users without a console password are not judged.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 expects logical access to be protected by strong authentication. A user who
    /// signs in to the AWS console with only a password loses the account to one phishing
    /// page, leaked password database or reused password. Auditors ask for evidence that
    /// every person with console access uses multi-factor authentication.
    ///
    /// ## How to fix
    ///
    /// Have the user register an MFA device (a FIDO2 security key or an authenticator
    /// app), or remove their console password if they do not need the console. Enforce it
    /// with a policy that denies everything except MFA self-service while
    /// `aws:MultiFactorAuthPresent` is false, or move people to IAM Identity Center.
    ///
    /// ### Console
    ///
    /// IAM → Users → the user → Security credentials → Multi-factor authentication (MFA) →
    /// Assign MFA device (or, to remove console access: Console sign-in → Manage console
    /// access → Disable).
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws iam create-virtual-mfa-device --virtual-mfa-device-name alice \
    ///   --outfile alice-qr.png --bootstrap-method QRCodePNG
    /// aws iam enable-mfa-device --user-name alice \
    ///   --serial-number arn:aws:iam::111122223333:mfa/alice \
    ///   --authentication-code1 123456 --authentication-code2 789012
    /// # or, if the user needs no console access:
    /// aws iam delete-login-profile --user-name alice
    /// ```
    ///
    /// ### Terraform
    ///
    /// MFA devices are registered by their owner; Terraform can require them:
    ///
    /// ```hcl
    /// data "aws_iam_policy_document" "require_mfa" {
    ///   statement {
    ///     sid         = "DenyAllWithoutMFA"
    ///     effect      = "Deny"
    ///     not_actions = ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice",
    ///                    "iam:ListMFADevices", "iam:ResyncMFADevice", "sts:GetSessionToken"]
    ///     resources   = ["*"]
    ///     condition {
    ///       test     = "BoolIfExists"
    ///       variable = "aws:MultiFactorAuthPresent"
    ///       values   = ["false"]
    ///     }
    ///   }
    /// }
    ///
    /// resource "aws_iam_group_policy" "require_mfa" {
    ///   group  = aws_iam_group.humans.name
    ///   policy = data.aws_iam_policy_document.require_mfa.json
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security: multi-factor authentication).
    pub struct UserConsoleNoMfa {
        id: "aws-iam-user-console-no-mfa",
        title: "IAM user with console password has no MFA",
        severity: High,
        criteria: ["CC6.1"],
        targets: [IamUser],
        also_reads: [IamCredentialReport],
        params: [],
        runtime_only: "MFA devices are enrolled by the users themselves in a running account; a plan cannot say whether a console user will have one",
    }
}

impl Rule for UserConsoleNoMfa {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let (_, credentials) = match user_credentials(resource) {
            Ok(found) => found,
            Err(verdict) => return verdict,
        };
        if !credentials.password_enabled {
            Verdict::NotApplicable
        } else if credentials.mfa_active {
            Verdict::Pass
        } else {
            Verdict::Fail(format!(
                "{} can sign in to the console with a password but has no MFA device; \
                 expected an MFA device for every user with a console password",
                principal(resource)
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::cases::{Case, Cases};

    pub(super) fn cases() -> Cases {
        let mut with_mfa = user("svc-mfa");
        creds(&mut with_mfa).mfa_active = true;
        let mut carol = user("carol");
        carol.credentials = None;
        Cases::new()
            .case(
                Case::new("a console user with MFA passes and one without fails")
                    .pass(console_user("alice", true))
                    .fail(
                        console_user("bob", false),
                        &["IAM user bob", "console", "no MFA", "expected"],
                    ),
            )
            .case(
                Case::new("users without a console password are not judged")
                    .not_applicable(user_resource(user("svc")))
                    .not_applicable(user_resource(with_mfa)),
            )
            .case(
                Case::new("a user without a credential report row is not evaluated").not_evaluated(
                    user_resource(carol),
                    &["credential report", "IAM user carol"],
                ),
            )
    }

    fn console_user(name: &str, mfa: bool) -> Resource {
        let mut u = user(name);
        creds(&mut u).password_enabled = true;
        creds(&mut u).mfa_active = mfa;
        user_resource(u)
    }
}
