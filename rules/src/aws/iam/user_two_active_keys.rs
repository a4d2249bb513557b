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
    use crate::testing::*;
    use soc2scan_model::{AccessKey, LastUsed, ResourceKind};

    fn with_keys(name: &str, keys: Vec<AccessKey>) -> Resource {
        let mut u = user(name);
        creds(&mut u).access_keys = keys;
        user_resource(u)
    }

    #[test]
    fn zero_or_one_active_key_passes_and_two_fail() {
        let snap = snapshot(vec![
            with_keys("none", vec![]),
            with_keys("one", vec![key(1, true, Some(10), used(1))]),
            with_keys(
                "rotated",
                vec![
                    key(1, false, Some(100), used(50)),
                    key(2, true, Some(10), used(1)),
                ],
            ),
            with_keys(
                "two",
                vec![
                    key(1, true, Some(100), used(50)),
                    key(2, true, Some(10), LastUsed::Never),
                ],
            ),
        ]);
        let results = run(&UserTwoActiveKeys, &snap);
        for name in ["none", "one", "rotated"] {
            assert_pass(&verdict_of(&results, &user_arn(name)));
        }
        assert_fail(
            &verdict_of(&results, &user_arn("two")),
            &[
                "IAM user two",
                "2 active access keys",
                "slots 1 and 2",
                "expected at most one",
            ],
        );
    }

    #[test]
    fn missing_credentials_are_not_evaluated() {
        let mut u = user("unknown");
        u.credentials = None;
        let results = run(&UserTwoActiveKeys, &snapshot(vec![user_resource(u)]));
        assert_not_evaluated(
            &verdict_of(&results, &user_arn("unknown")),
            &["credential report", "IAM user unknown"],
        );
    }

    #[test]
    fn failed_credential_report_is_not_evaluated() {
        let mut snap = snapshot(vec![with_keys("one", vec![key(1, true, Some(1), used(1))])]);
        fail_unit(&mut snap, ResourceKind::IamCredentialReport);
        let results = run(&UserTwoActiveKeys, &snap);
        assert_not_evaluated(
            &verdict_of(&results, &user_arn("one")),
            &["iam_credential_report", "access_denied"],
        );
    }

    #[test]
    fn absent_credential_report_coverage_is_not_evaluated() {
        let mut snap = snapshot(vec![with_keys("one", vec![key(1, true, Some(1), used(1))])]);
        drop_unit(&mut snap, ResourceKind::IamCredentialReport);
        let results = run(&UserTwoActiveKeys, &snap);
        assert_not_evaluated(
            &verdict_of(&results, &user_arn("one")),
            &["no coverage entry", "iam_credential_report"],
        );
    }
}
