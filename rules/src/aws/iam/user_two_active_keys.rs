use super::{principal, user_credentials};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every IAM user with two active access keys, as the credential report
    /// tells it. One active key, or a second key that is inactive, passes.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.2 expects credentials to be issued and removed in a controlled way. Two active
    /// keys are needed only for the few minutes of a rotation; kept longer, they usually
    /// mean a rotation that never finished, so the old key — the one most likely to be
    /// copied around — still works, and each key has to be tracked and revoked separately.
    ///
    /// ## How to fix
    ///
    /// Find out which key is still in use (the credential report's last-used columns),
    /// move its consumers to the other key, then deactivate and delete the unused one.
    ///
    /// ### Console
    ///
    /// IAM → Users → the user → Security credentials → Access keys → compare "Last used" →
    /// Actions → Deactivate on the stale key, then Delete.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws iam list-access-keys --user-name alice
    /// aws iam get-access-key-last-used --access-key-id AKIA...
    /// aws iam update-access-key --user-name alice --access-key-id AKIA... --status Inactive
    /// aws iam delete-access-key --user-name alice --access-key-id AKIA...
    /// ```
    ///
    /// ### Terraform
    ///
    /// Keep one `aws_iam_access_key` per user; during a rotation, mark the outgoing key
    /// inactive and remove it once nothing uses it:
    ///
    /// ```hcl
    /// resource "aws_iam_access_key" "ci" {
    ///   user = aws_iam_user.ci.name
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.2 (issuing and removing credentials).
    pub struct UserTwoActiveKeys {
        id: "aws-iam-user-two-active-keys",
        title: "IAM user has two active access keys",
        severity: Low,
        criteria: ["CC6.2"],
        targets: [IamUser],
        also_reads: [IamCredentialReport],
        params: [],
        reads: ["credentials.access_keys"],
    }
}

impl Rule for UserTwoActiveKeys {
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
        let active: Vec<String> = credentials
            .access_keys
            .iter()
            .filter(|key| key.active)
            .map(|key| key.slot.to_string())
            .collect();
        if active.len() < 2 {
            Verdict::Pass
        } else {
            Verdict::Fail(format!(
                "{} has {} active access keys (slots {}); expected at most one active key \
                 outside a rotation",
                principal(resource),
                active.len(),
                active.join(" and ")
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::cases::{Case, Cases};
    use soc2scan_model::{AccessKey, LastUsed};

    pub(super) fn cases() -> Cases {
        let mut unknown = user("unknown");
        unknown.credentials = None;
        Cases::new()
            .case(
                Case::new("zero or one active key passes and two fail")
                    .pass(with_keys("none", vec![]))
                    .pass(with_keys("one", vec![key(1, true, Some(10), used(1))]))
                    .pass(with_keys(
                        "rotated",
                        vec![
                            key(1, false, Some(100), used(50)),
                            key(2, true, Some(10), used(1)),
                        ],
                    ))
                    .fail(
                        with_keys(
                            "two",
                            vec![
                                key(1, true, Some(100), used(50)),
                                key(2, true, Some(10), LastUsed::Never),
                            ],
                        ),
                        &[
                            "IAM user two",
                            "2 active access keys",
                            "slots 1 and 2",
                            "expected at most one",
                        ],
                    ),
            )
            .case(
                Case::new("a user without a credential report row is not evaluated").not_evaluated(
                    user_resource(unknown),
                    &["credential report", "IAM user unknown"],
                ),
            )
            .applies_to_every_resource(
                "any IAM user can hold access keys; a user without any passes",
            )
    }

    fn with_keys(name: &str, keys: Vec<AccessKey>) -> Resource {
        let mut u = user(name);
        creds(&mut u).access_keys = keys;
        user_resource(u)
    }
}
