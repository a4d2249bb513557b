use crate::declare_rule;
use crate::rule::{CheckContext, ParamDefault, ParamSpec, Rule, RuleMeta, Verdict};
use soc2scan_model::{PasswordPolicy, Resource, ResourceConfig};

const MIN_LENGTH: &str = "minimum_password_length";
const REUSE: &str = "password_reuse_prevention";
const MAX_AGE: &str = "max_password_age_days";

declare_rule! {
    /// ## What it checks
    ///
    /// Fails when the AWS account has no IAM password policy, or when its policy is weaker
    /// than required: a minimum length below `minimum_password_length` (14), fewer than
    /// `password_reuse_prevention` (24) remembered passwords, passwords that never expire
    /// or may live longer than `max_password_age_days` (90), or any of upper-case letters,
    /// lower-case letters, digits and symbols not required. The message lists every gap.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 expects logical access to be protected by authentication that resists
    /// guessing and reuse. Without a password policy IAM accepts short, simple passwords
    /// that never expire, so console access of every IAM user rests on whatever each
    /// person chose. Auditors ask for the password policy as evidence of the
    /// authentication standard.
    ///
    /// ## How to fix
    ///
    /// Set an account password policy at least as strict as the parameters. Existing
    /// passwords are not checked against a new policy; users meet it at their next change.
    ///
    /// ### Console
    ///
    /// IAM → Account settings → Password policy → Edit → Custom: minimum length 14,
    /// require at least one upper-case letter, lower-case letter, number and
    /// non-alphanumeric character, turn on password expiration (90 days) and prevent
    /// password reuse (24) → Save changes.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws iam update-account-password-policy \
    ///   --minimum-password-length 14 \
    ///   --require-uppercase-characters --require-lowercase-characters \
    ///   --require-numbers --require-symbols \
    ///   --max-password-age 90 --password-reuse-prevention 24 \
    ///   --allow-users-to-change-password
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_iam_account_password_policy" "strict" {
    ///   minimum_password_length        = 14
    ///   require_uppercase_characters   = true
    ///   require_lowercase_characters   = true
    ///   require_numbers                = true
    ///   require_symbols                = true
    ///   max_password_age               = 90
    ///   password_reuse_prevention      = 24
    ///   allow_users_to_change_password = true
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security: authentication strength).
    pub struct PasswordPolicyWeak {
        id: "aws-iam-password-policy-weak",
        title: "IAM password policy is missing or weak",
        severity: Medium,
        criteria: ["CC6.1"],
        targets: [IamPasswordPolicy],
        also_reads: [],
        params: [
            ParamSpec {
                name: MIN_LENGTH,
                description: "Smallest acceptable minimum password length",
                default: ParamDefault::Integer(14),
                min: 1,
                max: 128,
            },
            ParamSpec {
                name: REUSE,
                description: "Smallest acceptable number of previous passwords that cannot be reused",
                default: ParamDefault::Integer(24),
                min: 1,
                max: 24,
            },
            ParamSpec {
                name: MAX_AGE,
                description: "Largest acceptable maximum password age, in days",
                default: ParamDefault::Integer(90),
                min: 1,
                max: 3650,
            },
        ],
        reads: ["policy"],
    }
}

impl Rule for PasswordPolicyWeak {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::IamPasswordPolicy(setting) = &resource.config else {
            return Verdict::NotEvaluated(format!("{} is not an IAM password policy", resource.id));
        };
        let Some(policy) = &setting.policy else {
            return Verdict::Fail(format!(
                "AWS account {} has no password policy, so IAM accepts short passwords that \
                 never expire; expected a password policy (minimum length {}, reuse \
                 prevention {}, maximum age {} days, upper-case, lower-case, digits and \
                 symbols required)",
                resource.account,
                ctx.params.integer(MIN_LENGTH),
                ctx.params.integer(REUSE),
                ctx.params.integer(MAX_AGE),
            ));
        };
        let gaps = gaps(policy, ctx);
        if gaps.is_empty() {
            Verdict::Pass
        } else {
            Verdict::Fail(format!(
                "the password policy of AWS account {} is weaker than required: {}",
                resource.account,
                gaps.join("; ")
            ))
        }
    }
}

/// Every way `policy` falls short of the rule's parameters, each with what is expected.
fn gaps(policy: &PasswordPolicy, ctx: &CheckContext<'_>) -> Vec<String> {
    let min_length = ctx.params.integer(MIN_LENGTH);
    let reuse = ctx.params.integer(REUSE);
    let max_age = ctx.params.integer(MAX_AGE);
    let mut gaps = Vec::new();
    match policy.minimum_password_length {
        None => gaps.push(format!(
            "no minimum length is set (expected at least {min_length})"
        )),
        Some(length) if i64::from(length) < min_length => gaps.push(format!(
            "minimum length is {length} (expected at least {min_length})"
        )),
        Some(_) => {}
    }
    // IAM reports 0 (or nothing) when reuse is not prevented and passwords never expire.
    match policy.password_reuse_prevention.filter(|n| *n > 0) {
        None => gaps.push(format!(
            "password reuse is not prevented (expected the last {reuse} passwords to be remembered)"
        )),
        Some(remembered) if i64::from(remembered) < reuse => gaps.push(format!(
            "only the last {remembered} passwords are remembered (expected at least {reuse})"
        )),
        Some(_) => {}
    }
    match policy.max_password_age.filter(|n| *n > 0) {
        None => gaps.push(format!(
            "passwords never expire (expected a maximum age of at most {max_age} days)"
        )),
        Some(age) if i64::from(age) > max_age => gaps.push(format!(
            "passwords expire after {age} days (expected at most {max_age})"
        )),
        Some(_) => {}
    }
    for (required, what) in [
        (policy.require_uppercase_characters, "upper-case letters"),
        (policy.require_lowercase_characters, "lower-case letters"),
        (policy.require_numbers, "digits"),
        (policy.require_symbols, "symbols"),
    ] {
        if !required {
            gaps.push(format!("{what} are not required (expected required)"));
        }
    }
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::{Case, Cases};
    use crate::rule::{ParamValue, Params};
    use crate::testing::*;
    use soc2scan_model::IamPasswordPolicy;

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(Case::new("a policy meeting every parameter passes").pass(with_policy(Some(strict()))))
            .case(
                Case::new("a longer minimum and a shorter maximum age pass").pass(with_policy(Some(
                    PasswordPolicy {
                        minimum_password_length: Some(32),
                        max_password_age: Some(30),
                        ..strict()
                    },
                ))),
            )
            .case(
                Case::new("no password policy fails").fail(
                    with_policy(None),
                    &[ACCOUNT, "no password policy", "minimum length 14"],
                ),
            )
            .applies_to_every_resource(
                "each account has exactly one password policy setting (possibly none set), and every one is judged",
            )
    }

    fn policy_id() -> String {
        format!("arn:aws:iam::{ACCOUNT}:password-policy")
    }

    fn with_policy(policy: Option<PasswordPolicy>) -> Resource {
        resource(
            &policy_id(),
            ResourceConfig::IamPasswordPolicy(IamPasswordPolicy { policy }),
        )
    }

    fn strict() -> PasswordPolicy {
        PasswordPolicy {
            minimum_password_length: Some(14),
            require_symbols: true,
            require_numbers: true,
            require_uppercase_characters: true,
            require_lowercase_characters: true,
            max_password_age: Some(90),
            password_reuse_prevention: Some(24),
            allow_users_to_change_password: true,
        }
    }

    fn verdict(policy: Option<PasswordPolicy>) -> Verdict {
        let results = run(&PasswordPolicyWeak, &snapshot(vec![with_policy(policy)]));
        verdict_of(&results, &policy_id())
    }

    #[test]
    fn every_gap_is_listed() {
        let weak = PasswordPolicy {
            minimum_password_length: Some(8),
            password_reuse_prevention: Some(5),
            max_password_age: Some(180),
            ..PasswordPolicy::default()
        };
        assert_fail(
            &verdict(Some(weak)),
            &[
                ACCOUNT,
                "minimum length is 8 (expected at least 14)",
                "only the last 5 passwords are remembered (expected at least 24)",
                "expire after 180 days (expected at most 90)",
                "upper-case letters are not required",
                "lower-case letters are not required",
                "digits are not required",
                "symbols are not required",
            ],
        );
    }

    #[test]
    fn unset_and_zero_values_mean_no_protection() {
        let Verdict::Fail(message) = verdict(Some(PasswordPolicy {
            minimum_password_length: None,
            password_reuse_prevention: Some(0),
            max_password_age: Some(0),
            ..strict()
        })) else {
            panic!("expected a failure");
        };
        assert!(message.contains("no minimum length is set"), "{message}");
        assert!(message.contains("reuse is not prevented"), "{message}");
        assert!(message.contains("never expire"), "{message}");
        assert!(!message.contains("symbols"), "{message}");
    }

    #[test]
    fn a_single_gap_is_the_whole_message() {
        let Verdict::Fail(message) = verdict(Some(PasswordPolicy {
            require_symbols: false,
            ..strict()
        })) else {
            panic!("expected a failure");
        };
        assert!(message.ends_with("symbols are not required (expected required)"));
        assert!(!message.contains("minimum length"), "{message}");
    }

    #[test]
    fn parameters_can_be_relaxed_or_tightened() {
        let mut params = Params::defaults(&PasswordPolicyWeak::META);
        params
            .set(MIN_LENGTH, ParamValue::Integer(8))
            .expect("valid length");
        params
            .set(REUSE, ParamValue::Integer(5))
            .expect("valid reuse");
        params
            .set(MAX_AGE, ParamValue::Integer(180))
            .expect("valid age");
        let relaxed = PasswordPolicy {
            minimum_password_length: Some(8),
            password_reuse_prevention: Some(5),
            max_password_age: Some(180),
            ..strict()
        };
        let snap = snapshot(vec![with_policy(Some(relaxed))]);
        assert_pass(&verdict_of(
            &run_with(&PasswordPolicyWeak, params, &snap),
            &policy_id(),
        ));

        let mut params = Params::defaults(&PasswordPolicyWeak::META);
        params
            .set(MIN_LENGTH, ParamValue::Integer(20))
            .expect("valid length");
        let snap = snapshot(vec![with_policy(Some(strict()))]);
        assert_fail(
            &verdict_of(&run_with(&PasswordPolicyWeak, params, &snap), &policy_id()),
            &["minimum length is 14 (expected at least 20)"],
        );
    }

    #[test]
    fn out_of_range_parameters_are_refused() {
        let mut params = Params::defaults(&PasswordPolicyWeak::META);
        assert!(params.set(REUSE, ParamValue::Integer(25)).is_err());
        assert!(params.set(MIN_LENGTH, ParamValue::Integer(0)).is_err());
        assert!(params.set(MAX_AGE, ParamValue::Integer(3651)).is_err());
    }
}
