use super::{days_since, principal, report_time, user_credentials};
use crate::declare_rule;
use crate::rule::{CheckContext, ParamDefault, ParamSpec, Rule, RuleMeta, Verdict};
use chrono::{DateTime, Utc};
use soc2scan_model::{LastUsed, Resource};

const MAX_UNUSED: &str = "max_unused_days";

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every IAM user with an active credential — a console password or an
    /// active access key — that has not been used for more than `max_unused_days` (45)
    /// days, or never at all, and that was created more than that many days ago (so new
    /// users get time to sign in). A password's creation is when it was last set (or, if
    /// the report does not say, when the user was created); a key's is when it was last
    /// rotated. Days are counted up to when the credential report was generated: a use
    /// after that does not show in the report, so it is the last instant the report's
    /// dates are true (IAM reuses a report for up to four hours; a snapshot that does not
    /// record when it was generated is judged at the end of collection). The message lists
    /// every stale credential. Users with no active credential
    /// are not judged; a credential whose last use is unknown makes the user not evaluated,
    /// unless another credential already fails.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.2 expects credentials to be removed when they are no longer needed. A password
    /// or key nobody uses is a standing way in that no one would miss, typically left
    /// behind by someone who changed roles or left, or by a retired integration; unused
    /// credentials are what access reviews look for, and auditors ask for evidence that
    /// they are found and removed.
    ///
    /// ## How to fix
    ///
    /// Confirm with the owner that the credential is not needed, then remove the console
    /// password and deactivate (later delete) the access key. If the user has no remaining
    /// purpose, delete the user.
    ///
    /// ### Console
    ///
    /// IAM → Users → the user → Security credentials → Console sign-in → Manage console
    /// access → Disable; Access keys → Actions → Deactivate, then Delete.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws iam generate-credential-report && aws iam get-credential-report
    /// aws iam delete-login-profile --user-name alice
    /// aws iam update-access-key --user-name alice --access-key-id AKIA... --status Inactive
    /// aws iam delete-access-key --user-name alice --access-key-id AKIA...
    /// ```
    ///
    /// ### Terraform
    ///
    /// Remove the `aws_iam_user_login_profile` and `aws_iam_access_key` resources of the
    /// user (or the whole user) and apply; while deciding, deactivate the key:
    ///
    /// ```hcl
    /// resource "aws_iam_access_key" "legacy" {
    ///   user   = aws_iam_user.legacy.name
    ///   status = "Inactive"
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.2 (removing credentials that are no longer needed).
    pub struct CredentialsUnused {
        id: "aws-iam-credentials-unused",
        title: "IAM user credentials unused",
        severity: Medium,
        criteria: ["CC6.2"],
        targets: [IamUser],
        also_reads: [IamCredentialReport],
        params: [ParamSpec {
            name: MAX_UNUSED,
            description: "Days an active credential may go unused (and must have existed) before it fails",
            default: ParamDefault::Integer(45),
            min: 1,
            max: 3650,
        }],
        runtime_only: "needs when passwords and access keys were last used, which the IAM credential report of a running account tells",
    }
}

/// What the rule learned about one active credential.
enum Finding {
    /// Unused too long; the text says how.
    Stale(String),
    /// Cannot tell; the text names the credential and why.
    Unknown(String),
}

impl Rule for CredentialsUnused {
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
        let judge = Judge {
            now: report_time(user, resource, ctx),
            max_unused: ctx.params.integer(MAX_UNUSED),
            user_created: user.create_date,
        };
        let mut active = 0;
        let mut findings = Vec::new();
        if credentials.password_enabled {
            active += 1;
            let set = credentials
                .password_last_changed
                .unwrap_or(user.create_date);
            findings.extend(judge.credential(
                "console password",
                Some(set),
                credentials.password_last_used,
            ));
        }
        for key in credentials.access_keys.iter().filter(|key| key.active) {
            active += 1;
            findings.extend(judge.credential(
                &format!("access key {}", key.slot),
                key.last_rotated,
                key.last_used,
            ));
        }
        let stale: Vec<&str> = findings
            .iter()
            .filter_map(|f| match f {
                Finding::Stale(text) => Some(text.as_str()),
                Finding::Unknown(_) => None,
            })
            .collect();
        let unknown: Vec<&str> = findings
            .iter()
            .filter_map(|f| match f {
                Finding::Unknown(text) => Some(text.as_str()),
                Finding::Stale(_) => None,
            })
            .collect();
        if !stale.is_empty() {
            Verdict::Fail(format!(
                "{} has credentials unused for more than {} days: {}; expected credentials \
                 unused for {} days to be disabled or removed",
                principal(resource),
                judge.max_unused,
                stale.join("; "),
                judge.max_unused
            ))
        } else if !unknown.is_empty() {
            Verdict::NotEvaluated(format!(
                "cannot tell whether the credentials of {} are unused: {}",
                principal(resource),
                unknown.join("; ")
            ))
        } else if active == 0 {
            Verdict::NotApplicable
        } else {
            Verdict::Pass
        }
    }
}

/// Judges credentials against the credential report's time and the threshold.
struct Judge {
    now: DateTime<Utc>,
    max_unused: i64,
    /// No credential of a user is older than the user.
    user_created: DateTime<Utc>,
}

impl Judge {
    fn within_window(&self, time: DateTime<Utc>) -> bool {
        days_since(self.now, time) <= self.max_unused
    }

    /// A finding for one active credential, or `None` when it is in use or too new to judge.
    fn credential(
        &self,
        what: &str,
        created: Option<DateTime<Utc>>,
        last_used: LastUsed,
    ) -> Option<Finding> {
        if let LastUsed::Used { at } = last_used {
            // Used long ago implies created long ago.
            return (!self.within_window(at)).then(|| {
                Finding::Stale(format!(
                    "{what} last used {} days ago",
                    days_since(self.now, at)
                ))
            });
        }
        let too_new = match created {
            Some(created) => self.within_window(created),
            None => self.within_window(self.user_created),
        };
        if too_new {
            return None;
        }
        Some(match (last_used, created) {
            (LastUsed::Never, Some(created)) => Finding::Stale(format!(
                "{what} never used (created {} days ago)",
                days_since(self.now, created)
            )),
            (LastUsed::Never, None) => Finding::Unknown(format!(
                "{what} was never used and the credential report gives no creation date"
            )),
            _ => Finding::Unknown(format!(
                "the credential report does not say when {what} was last used"
            )),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::cases::{Case, Cases};
    use crate::rule::{ParamValue, Params};
    use crate::testing::*;
    use soc2scan_model::{AccessKey, IamUser};

    pub(super) fn cases() -> Cases {
        let mut unknown = user("unknown");
        unknown.credentials = None;
        Cases::new()
            .case(
                Case::new("recently used credentials pass")
                    .pass(user_resource(with_password("pw", Some(300), used(3))))
                    .pass(user_resource(with_keys(
                        "key",
                        vec![key(1, true, Some(300), used(45))],
                    ))),
            )
            .case(
                Case::new("a password and a key unused for longer than 45 days fail")
                    .fail(
                        user_resource(with_password("pw", Some(300), used(46))),
                        &[
                            "IAM user pw",
                            "console password last used 46 days ago",
                            "more than 45 days",
                            "expected",
                        ],
                    )
                    .fail(
                        user_resource(with_keys("key", vec![key(2, true, Some(300), used(100))])),
                        &["access key 2 last used 100 days ago"],
                    ),
            )
            .case(
                Case::new("users without active credentials are not judged")
                    .not_applicable(user_resource(with_keys(
                        "inactive",
                        vec![key(1, false, Some(500), LastUsed::Never)],
                    )))
                    .not_applicable(user_resource(user("nothing"))),
            )
            .case(
                Case::new("a user without a credential report row is not evaluated")
                    .not_evaluated(user_resource(unknown), &["credential report"]),
            )
            .case(
                Case::new("days unused are counted up to when the credential report was generated")
                    .with(credential_report(Some(days_ago(10))))
                    // Last used 50 days before the end of collection, 40 before the report.
                    .pass(user_resource(with_password("pw", Some(300), used(50))))
                    .fail(
                        user_resource(with_keys("key", vec![key(1, true, Some(300), used(60))])),
                        &["access key 1 last used 50 days ago"],
                    ),
            )
    }

    fn with_password(name: &str, set_days_ago: Option<i64>, last_used: LastUsed) -> IamUser {
        let mut u = user(name);
        let c = creds(&mut u);
        c.password_enabled = true;
        c.password_last_changed = set_days_ago.map(days_ago);
        c.password_last_used = last_used;
        u
    }

    fn with_keys(name: &str, keys: Vec<AccessKey>) -> IamUser {
        let mut u = user(name);
        creds(&mut u).access_keys = keys;
        u
    }

    fn verdicts(users: Vec<IamUser>) -> Vec<(String, Verdict)> {
        run(
            &CredentialsUnused,
            &snapshot(users.into_iter().map(user_resource).collect()),
        )
    }

    #[test]
    fn never_used_credentials_fail_once_old_enough() {
        let results = verdicts(vec![
            with_password("old-pw", Some(60), LastUsed::Never),
            with_password("new-pw", Some(10), LastUsed::Never),
            with_keys("old-key", vec![key(1, true, Some(90), LastUsed::Never)]),
            with_keys("new-key", vec![key(1, true, Some(5), LastUsed::Never)]),
        ]);
        assert_fail(
            &verdict_of(&results, &user_arn("old-pw")),
            &["console password never used (created 60 days ago)"],
        );
        assert_pass(&verdict_of(&results, &user_arn("new-pw")));
        assert_fail(
            &verdict_of(&results, &user_arn("old-key")),
            &["access key 1 never used (created 90 days ago)"],
        );
        assert_pass(&verdict_of(&results, &user_arn("new-key")));
    }

    #[test]
    fn password_without_change_date_counts_from_user_creation() {
        let mut young = with_password("young", None, LastUsed::Never);
        young.create_date = days_ago(20);
        let results = verdicts(vec![with_password("old", None, LastUsed::Never), young]);
        assert_fail(
            &verdict_of(&results, &user_arn("old")),
            &["console password never used (created 400 days ago)"],
        );
        assert_pass(&verdict_of(&results, &user_arn("young")));
    }

    #[test]
    fn every_stale_credential_is_listed() {
        let mut u = with_password("many", Some(200), used(90));
        creds(&mut u).access_keys = vec![
            key(1, true, Some(200), LastUsed::Never),
            key(2, true, Some(200), used(1)),
        ];
        let Verdict::Fail(message) = verdict_of(&verdicts(vec![u]), &user_arn("many")) else {
            panic!("expected a failure");
        };
        assert!(message.contains("console password last used 90 days ago"));
        assert!(message.contains("access key 1 never used"));
        assert!(!message.contains("access key 2"), "{message}");
    }

    #[test]
    fn unknown_last_use_is_not_evaluated_unless_another_credential_fails() {
        let mut unknown_and_stale = with_password("both", Some(200), LastUsed::Unknown);
        creds(&mut unknown_and_stale).access_keys = vec![key(1, true, Some(200), used(300))];
        let mut unknown_but_new = with_password("new", Some(3), LastUsed::Unknown);
        creds(&mut unknown_but_new).access_keys = vec![key(1, true, Some(200), used(2))];
        let results = verdicts(vec![
            with_password("unknown", Some(200), LastUsed::Unknown),
            with_keys(
                "unknown-key",
                vec![key(1, true, Some(200), LastUsed::Unknown)],
            ),
            unknown_and_stale,
            unknown_but_new,
        ]);
        assert_not_evaluated(
            &verdict_of(&results, &user_arn("unknown")),
            &["IAM user unknown", "console password"],
        );
        assert_not_evaluated(
            &verdict_of(&results, &user_arn("unknown-key")),
            &["access key 1"],
        );
        assert_fail(
            &verdict_of(&results, &user_arn("both")),
            &["access key 1 last used 300 days ago"],
        );
        assert_pass(&verdict_of(&results, &user_arn("new")));
    }

    #[test]
    fn never_used_key_without_creation_date() {
        let mut young = with_keys("young", vec![key(1, true, None, LastUsed::Never)]);
        young.create_date = days_ago(10);
        let results = verdicts(vec![
            with_keys("old", vec![key(1, true, None, LastUsed::Never)]),
            young,
        ]);
        assert_not_evaluated(
            &verdict_of(&results, &user_arn("old")),
            &["access key 1", "no creation date"],
        );
        assert_pass(&verdict_of(&results, &user_arn("young")));
    }

    #[test]
    fn threshold_is_a_parameter() {
        let snap = snapshot(vec![user_resource(with_password(
            "pw",
            Some(300),
            used(20),
        ))]);
        assert_pass(&verdict_of(
            &run(&CredentialsUnused, &snap),
            &user_arn("pw"),
        ));
        let mut params = Params::defaults(&CredentialsUnused::META);
        params
            .set(MAX_UNUSED, ParamValue::Integer(14))
            .expect("valid threshold");
        assert_fail(
            &verdict_of(
                &run_with(&CredentialsUnused, params, &snap),
                &user_arn("pw"),
            ),
            &["last used 20 days ago", "more than 14 days"],
        );
    }
}
