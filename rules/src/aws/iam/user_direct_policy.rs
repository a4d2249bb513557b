use super::{as_user, principal};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every IAM user with a managed policy attached directly to the user or an
    /// inline policy embedded in the user. Permissions that come through the user's groups
    /// (or through roles the user assumes) are what is expected, and are not counted.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.3 expects access to be granted by role and reviewed as roles change. Permissions
    /// given to individual users bypass the role model: they are invisible when reviewing
    /// groups, survive a person's change of job, and make periodic access reviews
    /// user-by-user instead of role-by-role. Auditors expect permissions to follow job
    /// functions.
    ///
    /// ## How to fix
    ///
    /// Put the permissions on a group (or a role) that matches the job function, add the
    /// user to it, then detach the managed policies from the user and delete its inline
    /// policies.
    ///
    /// ### Console
    ///
    /// IAM → User groups → Create group (attach the policies) → Add users; then IAM →
    /// Users → the user → Permissions → select each directly attached or inline policy →
    /// Remove.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws iam attach-group-policy --group-name developers \
    ///   --policy-arn arn:aws:iam::111122223333:policy/developer-access
    /// aws iam add-user-to-group --group-name developers --user-name alice
    /// aws iam detach-user-policy --user-name alice \
    ///   --policy-arn arn:aws:iam::111122223333:policy/developer-access
    /// aws iam delete-user-policy --user-name alice --policy-name alice-extra
    /// ```
    ///
    /// ### Terraform
    ///
    /// Replace `aws_iam_user_policy` and `aws_iam_user_policy_attachment` resources with
    /// group attachments and memberships:
    ///
    /// ```hcl
    /// resource "aws_iam_group_policy_attachment" "developers" {
    ///   group      = aws_iam_group.developers.name
    ///   policy_arn = aws_iam_policy.developer_access.arn
    /// }
    ///
    /// resource "aws_iam_user_group_membership" "alice" {
    ///   user   = aws_iam_user.alice.name
    ///   groups = [aws_iam_group.developers.name]
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.3 (role-based access).
    pub struct UserDirectPolicy {
        id: "aws-iam-user-direct-policy",
        title: "IAM user has policies attached directly",
        severity: Low,
        criteria: ["CC6.3"],
        targets: [IamUser],
        also_reads: [],
        params: [],
        reads: ["attached_managed_policies", "inline_policies"],
    }
}

impl Rule for UserDirectPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let user = match as_user(resource) {
            Ok(user) => user,
            Err(verdict) => return verdict,
        };
        let direct: Vec<String> = user
            .attached_managed_policies
            .iter()
            .map(|p| format!("managed policy {} ({})", p.policy_name, p.policy_arn))
            .chain(
                user.inline_policies
                    .iter()
                    .map(|p| format!("inline policy {}", p.policy_name)),
            )
            .collect();
        if direct.is_empty() {
            Verdict::Pass
        } else {
            Verdict::Fail(format!(
                "{} has permissions assigned directly: {}; expected permissions to come \
                 only from groups or roles",
                principal(resource),
                direct.join(", ")
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::cases::{Case, Cases};
    use crate::testing::*;
    use soc2scan_model::ResourceKind;

    pub(super) fn cases() -> Cases {
        let mut alice = user("alice");
        alice.groups = vec!["developers".to_string()];
        let mut managed = user("managed");
        managed.attached_managed_policies = vec![attached(
            "ReadOnlyAccess",
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
        )];
        let mut embedded = user("embedded");
        embedded.inline_policies = vec![inline("extra", READ_ONLY)];
        let mut both = user("both");
        both.attached_managed_policies = managed.attached_managed_policies.clone();
        both.inline_policies = embedded.inline_policies.clone();
        Cases::new()
            .case(
                Case::new("a user with permissions only from groups passes")
                    .pass(user_resource(alice)),
            )
            .case(
                Case::new("attached and inline policies fail and are named")
                    .fail(
                        user_resource(managed),
                        &[
                            "IAM user managed",
                            "managed policy ReadOnlyAccess (arn:aws:iam::aws:policy/ReadOnlyAccess)",
                            "expected",
                        ],
                    )
                    .fail(user_resource(embedded), &["inline policy extra"])
                    .fail(
                        user_resource(both),
                        &["managed policy ReadOnlyAccess", "inline policy extra"],
                    ),
            )
            .applies_to_every_resource(
                "any IAM user can be given policies directly, so every one is judged",
            )
    }

    const READ_ONLY: &str = r#"{"Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}"#;

    #[test]
    fn does_not_need_the_credential_report() {
        let mut snap = snapshot(vec![user_resource(user("alice"))]);
        fail_unit(&mut snap, ResourceKind::IamCredentialReport);
        let results = run(&UserDirectPolicy, &snap);
        assert_pass(&verdict_of(&results, &user_arn("alice")));
    }
}
