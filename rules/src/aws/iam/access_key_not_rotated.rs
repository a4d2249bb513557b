use super::{days_since, principal, report_time, user_credentials};
use crate::declare_rule;
use crate::rule::{CheckContext, ParamDefault, ParamSpec, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

const MAX_AGE: &str = "max_key_age_days";

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every IAM user with an active access key created (or last rotated) more
    /// than `max_key_age_days` (90) days before the credential report was generated (the
    /// report's dates are true as of then; IAM reuses a report for up to four hours, and a
    /// snapshot that does not record when it was generated is judged at the end of
    /// collection). Inactive keys are ignored, and users without an active key are not
    /// judged. An active key whose creation date the credential report does not give makes
    /// the user not evaluated, unless another key already fails.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 expects credentials to be protected, and CC6.2 expects them to be issued and
    /// replaced in a controlled way. An access key is a long-lived secret: the older it is,
    /// the more copies of it sit in scripts, CI settings, shell histories and laptops, and
    /// the longer a leaked copy stays useful. Regular rotation bounds that window, and
    /// auditors ask for evidence of it.
    ///
    /// ## How to fix
    ///
    /// Create a second key, move every consumer to it, deactivate the old key, watch for
    /// failures, then delete it. Better, replace the key with an IAM role (instance
    /// profiles, IAM Roles Anywhere, OIDC federation for CI) so there is no key to rotate.
    ///
    /// ### Console
    ///
    /// IAM → Users → the user → Security credentials → Access keys → Create access key;
    /// after switching consumers, Actions → Deactivate on the old key, then Delete.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws iam create-access-key --user-name alice
    /// aws iam update-access-key --user-name alice --access-key-id AKIAOLD... --status Inactive
    /// aws iam delete-access-key --user-name alice --access-key-id AKIAOLD...
    /// ```
    ///
    /// ### Terraform
    ///
    /// Rotate by replacing the key resource (for example with a `time_rotating` trigger),
    /// and keep the secret out of state where you can:
    ///
    /// ```hcl
    /// resource "time_rotating" "key" {
    ///   rotation_days = 90
    /// }
    ///
    /// resource "aws_iam_access_key" "ci" {
    ///   user = aws_iam_user.ci.name
    ///   lifecycle {
    ///     replace_triggered_by = [time_rotating.key.id]
    ///   }
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security: protecting credentials), CC6.2 (issuing, rotating
    /// and removing credentials).
    pub struct AccessKeyNotRotated {
        id: "aws-iam-access-key-not-rotated",
        title: "IAM access key not rotated",
        severity: Medium,
        criteria: ["CC6.1", "CC6.2"],
        targets: [IamUser],
        also_reads: [IamCredentialReport],
        params: [ParamSpec {
            name: MAX_AGE,
            description: "Largest acceptable age of an active access key, in days",
            default: ParamDefault::Integer(90),
            min: 1,
            max: 3650,
        }],
        runtime_only: "needs when each access key was created or last rotated, which the IAM credential report of a running account tells",
    }
}

impl Rule for AccessKeyNotRotated {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, ctx: &CheckContext<'_>) -> Verdict {
        let (user, credentials) = match user_credentials(resource) {
            Ok(found) => found,
            Err(verdict) => return verdict,
        };
        let max_age = ctx.params.integer(MAX_AGE);
        let as_of = report_time(user, resource, ctx);
        let mut active = 0;
        let mut too_old = Vec::new();
        let mut undated = Vec::new();
        for key in credentials.access_keys.iter().filter(|key| key.active) {
            active += 1;
            match key.last_rotated {
                None => undated.push(format!("access key {}", key.slot)),
                Some(rotated) => {
                    let age = days_since(as_of, rotated);
                    if age > max_age {
                        too_old.push(format!(
                            "access key {} is {age} days old (created {})",
                            key.slot,
                            rotated.format("%Y-%m-%d")
                        ));
                    }
                }
            }
        }
        if !too_old.is_empty() {
            Verdict::Fail(format!(
                "{} has active access keys older than {max_age} days: {}; expected active \
                 keys to be rotated at least every {max_age} days",
                principal(resource),
                too_old.join("; ")
            ))
        } else if !undated.is_empty() {
            Verdict::NotEvaluated(format!(
                "the credential report gives no creation date for active {} of {}, so \
                 its age is unknown",
                undated.join(" and "),
                principal(resource)
            ))
        } else if active == 0 {
            Verdict::NotApplicable
        } else {
            Verdict::Pass
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::cases::{Case, Cases};
    use crate::rule::{ParamValue, Params};
    use crate::testing::*;
    use soc2scan_model::{AccessKey, LastUsed};

    pub(super) fn cases() -> Cases {
        let mut unknown = user("unknown");
        unknown.credentials = None;
        Cases::new()
            .case(
                Case::new("keys up to 90 days old pass; an older one fails")
                    .pass(with_keys("fresh", vec![key(1, true, Some(30), used(1))]))
                    .pass(with_keys("edge", vec![key(1, true, Some(90), used(1))]))
                    .fail(
                        with_keys("stale", vec![key(2, true, Some(200), used(1))]),
                        &[
                            "IAM user stale",
                            "access key 2 is 200 days old",
                            "created 2025-11-13",
                            "expected",
                            "every 90 days",
                        ],
                    ),
            )
            .case(
                Case::new("inactive keys are ignored; users without active keys are not judged")
                    .not_applicable(with_keys(
                        "inactive",
                        vec![key(1, false, Some(900), used(800))],
                    ))
                    .not_applicable(with_keys("nokeys", vec![]))
                    .pass(with_keys(
                        "mixed",
                        vec![
                            key(1, false, Some(900), used(800)),
                            key(2, true, Some(10), used(1)),
                        ],
                    )),
            )
            .case(
                Case::new("an undated active key is not evaluated unless another key fails")
                    .not_evaluated(
                        with_keys("undated", vec![key(1, true, None, used(1))]),
                        &["no creation date", "access key 1", "IAM user undated"],
                    )
                    .fail(
                        with_keys(
                            "undated-and-old",
                            vec![
                                key(1, true, None, used(1)),
                                key(2, true, Some(300), used(1)),
                            ],
                        ),
                        &["access key 2 is 300 days old"],
                    ),
            )
            .case(
                Case::new("a user without a credential report row is not evaluated")
                    .not_evaluated(user_resource(unknown), &["credential report"]),
            )
            .case(
                Case::new("ages are measured when the credential report was generated")
                    .with(credential_report(Some(days_ago(10))))
                    // 95 days old at the end of collection, 85 when the report was made.
                    .pass(with_keys("as-of", vec![key(1, true, Some(95), used(20))]))
                    .fail(
                        with_keys("older", vec![key(1, true, Some(105), used(20))]),
                        &["access key 1 is 95 days old"],
                    ),
            )
            .case(
                Case::new(
                    "a report time before the user was created cannot be right and is not used",
                )
                .with(credential_report(Some(days_ago(1000))))
                .fail(
                    with_keys("created-later", vec![key(1, true, Some(95), used(1))]),
                    &["access key 1 is 95 days old"],
                ),
            )
            .case(
                Case::new("a report time after the end of collection counts as the end")
                    .with(credential_report(Some(days_ago(-30))))
                    .pass(with_keys("edge", vec![key(1, true, Some(90), used(1))]))
                    .fail(
                        with_keys("over", vec![key(1, true, Some(91), used(1))]),
                        &["access key 1 is 91 days old"],
                    ),
            )
    }

    fn with_keys(name: &str, keys: Vec<AccessKey>) -> Resource {
        let mut u = user(name);
        creds(&mut u).access_keys = keys;
        user_resource(u)
    }

    #[test]
    fn both_old_keys_are_named() {
        let snap = snapshot(vec![with_keys(
            "both",
            vec![
                key(1, true, Some(100), used(1)),
                key(2, true, Some(400), LastUsed::Never),
            ],
        )]);
        assert_fail(
            &verdict_of(&run(&AccessKeyNotRotated, &snap), &user_arn("both")),
            &[
                "access key 1 is 100 days old",
                "access key 2 is 400 days old",
            ],
        );
    }

    #[test]
    fn max_age_is_a_parameter() {
        let snap = snapshot(vec![with_keys("k", vec![key(1, true, Some(60), used(1))])]);
        assert_pass(&verdict_of(
            &run(&AccessKeyNotRotated, &snap),
            &user_arn("k"),
        ));
        let mut params = Params::defaults(&AccessKeyNotRotated::META);
        params
            .set(MAX_AGE, ParamValue::Integer(45))
            .expect("valid age");
        assert_fail(
            &verdict_of(
                &run_with(&AccessKeyNotRotated, params, &snap),
                &user_arn("k"),
            ),
            &["60 days old", "every 45 days"],
        );
        let mut params = Params::defaults(&AccessKeyNotRotated::META);
        assert!(params.set(MAX_AGE, ParamValue::Integer(0)).is_err());
    }
}
