use crate::declare_rule;
use crate::rule::{CheckContext, ParamDefault, ParamSpec, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig, SecretsmanagerSecret};

const MAX_ROTATION_DAYS: &str = "max_rotation_days";

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every Secrets Manager secret without automatic rotation, with a rotation
    /// schedule longer than `max_rotation_days` (90) days, or — in a running account — not
    /// rotated within `max_rotation_days` days before the snapshot was taken (rotation is
    /// on but keeps failing, say). A secret that was never rotated counts from its creation:
    /// a secret created 10 days ago has a 10-day-old value, so it passes until its first
    /// rotation is due; one created 200 days ago and never rotated fails. Replicas are not
    /// judged (rotation is configured on the primary secret, judged in its own region). A
    /// rotation schedule that is a `cron(…)` expression has no fixed interval: only the
    /// secret's age is judged then, and on a Terraform plan (which has no history) such a
    /// secret is not evaluated. On a plan, rotation on or off and the schedule's interval
    /// are judged (`aws_secretsmanager_secret_rotation`); the age is not. No secret value is
    /// read: the facts come from `ListSecrets`.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 expects credentials to be protected. A database password or API key that never
    /// changes stays useful to whoever copied it — a former employee, a leaked CI log, a
    /// laptop backup — for as long as it lives. Automatic rotation bounds that window, and
    /// auditors ask for evidence that it runs.
    ///
    /// ## How to fix
    ///
    /// Turn on automatic rotation with a rotation function (for RDS, Redshift and
    /// DocumentDB, the managed ones), on a schedule of at most 90 days; if rotation is on but
    /// the last rotation is old, read the rotation function's logs and fix it.
    ///
    /// ### Console
    ///
    /// Secrets Manager → (choose the region) → Secrets → the secret → Rotation → Edit
    /// rotation → turn on Automatic rotation → schedule (e.g. every 30 days) → choose or
    /// create the rotation function → Save.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws secretsmanager rotate-secret --region eu-west-1 --secret-id prod/orders-db \
    ///   --rotation-lambda-arn arn:aws:lambda:eu-west-1:111122223333:function:rotate-orders-db \
    ///   --rotation-rules '{"ScheduleExpression": "rate(30 days)"}'
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_secretsmanager_secret_rotation" "orders_db" {
    ///   secret_id           = aws_secretsmanager_secret.orders_db.id
    ///   rotation_lambda_arn = aws_lambda_function.rotate_orders_db.arn
    ///   rotation_rules {
    ///     automatically_after_days = 30
    ///   }
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security: protecting and rotating credentials).
    pub struct RotationOff {
        id: "aws-secretsmanager-rotation-off",
        title: "Secrets Manager secret is not rotated",
        severity: Medium,
        criteria: ["CC6.1"],
        targets: [SecretsmanagerSecret],
        also_reads: [],
        params: [ParamSpec {
            name: MAX_ROTATION_DAYS,
            description: "Most days a secret may go between rotations",
            default: ParamDefault::Integer(90),
            min: 1,
            max: 3650,
        }],
        reads: ["rotation_enabled", "rotation_rules", "primary_region", "history"],
    }
}

impl Rule for RotationOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn applies(&self, resource: &Resource) -> bool {
        match &resource.config {
            ResourceConfig::SecretsmanagerSecret(secret) => !is_replica(resource, secret),
            _ => true,
        }
    }

    fn check(&self, resource: &Resource, ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::SecretsmanagerSecret(secret) = &resource.config else {
            return crate::aws::wrong_kind(resource, "a Secrets Manager secret");
        };
        let max_days = ctx.params.integer(MAX_ROTATION_DAYS);
        let subject = format!("secret {}", resource.display_name());
        let expected = format!("expected automatic rotation at least every {max_days} days");
        if !secret.rotation_enabled {
            return Verdict::Fail(format!("{subject} has automatic rotation off; {expected}"));
        }
        let interval = secret
            .rotation_rules
            .as_ref()
            .and_then(|r| r.interval_days());
        if let Some(days) = interval.filter(|days| *days > max_days.unsigned_abs()) {
            return Verdict::Fail(format!(
                "{subject} rotates only every {days} days; {expected}"
            ));
        }
        let Some(history) = &secret.history else {
            // A plan's end state: the configuration alone is judged.
            return match interval {
                Some(_) => Verdict::Pass,
                None => Verdict::NotEvaluated(format!(
                    "{subject} rotates on a schedule without a fixed interval ({}), and \
                     without its history whether it rotates every {max_days} days is not known",
                    schedule(secret)
                )),
            };
        };
        let (since, what) = match (history.last_rotated_date, history.created_date) {
            (Some(rotated), _) => (rotated, "was last rotated"),
            (None, Some(created)) => (created, "has never been rotated since it was created"),
            (None, None) => {
                return Verdict::NotEvaluated(format!(
                    "neither when {subject} was last rotated nor when it was created is known"
                ))
            }
        };
        let age = (ctx.now - since).num_days();
        if age > max_days {
            Verdict::Fail(format!(
                "{subject} {what} {age} days before the snapshot (on {}); {expected}",
                since.format("%Y-%m-%d")
            ))
        } else {
            Verdict::Pass
        }
    }
}

/// A replica: its primary is in another region.
fn is_replica(resource: &Resource, secret: &SecretsmanagerSecret) -> bool {
    secret
        .primary_region
        .as_deref()
        .is_some_and(|primary| primary != resource.region)
}

/// The schedule, for a message.
fn schedule(secret: &SecretsmanagerSecret) -> &str {
    secret
        .rotation_rules
        .as_ref()
        .and_then(|r| r.schedule_expression.as_deref())
        .unwrap_or("no schedule")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::{Case, Cases};
    use crate::rule::ParamValue;
    use crate::testing::*;
    use soc2scan_model::{SecretHistory, SecretRotationRules};

    /// A secret; `rotation`: its interval in days (`None`: rotation off); `rotated` and
    /// `created`: days before the snapshot.
    fn secret(
        name: &str,
        rotation: Option<u64>,
        rotated: Option<i64>,
        created: Option<i64>,
    ) -> Resource {
        let mut resource = resource(
            &format!("arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}-AbCdEf"),
            ResourceConfig::SecretsmanagerSecret(SecretsmanagerSecret {
                name: name.to_string(),
                kms_key_id: None,
                rotation_enabled: rotation.is_some(),
                rotation_lambda_arn: rotation
                    .map(|_| format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:rotate-{name}")),
                rotation_rules: rotation.map(|days| SecretRotationRules {
                    automatically_after_days: Some(days),
                    schedule_expression: None,
                    duration: None,
                }),
                owning_service: None,
                primary_region: None,
                history: Some(SecretHistory {
                    created_date: created.map(days_ago),
                    last_rotated_date: rotated.map(days_ago),
                    last_changed_date: None,
                    next_rotation_date: None,
                }),
            }),
        );
        resource.name = Some(name.to_string());
        resource
    }

    fn with(mut resource: Resource, change: impl FnOnce(&mut SecretsmanagerSecret)) -> Resource {
        if let ResourceConfig::SecretsmanagerSecret(secret) = &mut resource.config {
            change(secret);
        }
        resource
    }

    pub(super) fn cases() -> Cases {
        let cron = |s: &mut SecretsmanagerSecret| {
            s.rotation_rules = Some(SecretRotationRules {
                automatically_after_days: None,
                schedule_expression: Some("cron(0 4 1 * ? *)".to_string()),
                duration: Some("3h".to_string()),
            })
        };
        Cases::new()
            .case(
                Case::new("rotation on, on time, passes; a new secret counts from its creation")
                    .pass(secret("orders-db", Some(30), Some(12), Some(400)))
                    .pass(secret("fresh", Some(30), None, Some(10))),
            )
            .case(Case::new("rotation off fails").fail(
                secret("legacy-api-key", None, None, Some(500)),
                &[
                    "secret legacy-api-key has automatic rotation off",
                    "at least every 90 days",
                ],
            ))
            .case(Case::new("a schedule longer than 90 days fails").fail(
                secret("yearly", Some(365), Some(10), Some(400)),
                &["rotates only every 365 days"],
            ))
            .case(
                Case::new("rotation on but not done for longer than 90 days fails")
                    .fail(
                        secret("stuck", Some(30), Some(120), Some(400)),
                        &["was last rotated 120 days before the snapshot (on 2026-02-01)"],
                    )
                    .fail(
                        secret("never", Some(30), None, Some(200)),
                        &["has never been rotated since it was created 200 days before"],
                    ),
            )
            .case(
                Case::new("a cron schedule is judged by age alone")
                    .pass(with(secret("monthly", Some(30), Some(20), Some(400)), cron))
                    .fail(
                        with(
                            secret("monthly-stuck", Some(30), Some(100), Some(400)),
                            cron,
                        ),
                        &["100 days before the snapshot"],
                    ),
            )
            .case(
                Case::new("without history (a plan) the configuration alone is judged")
                    .pass(with(secret("planned", Some(30), None, None), |s| {
                        s.history = None
                    }))
                    .fail(
                        with(secret("planned-off", None, None, None), |s| {
                            s.history = None
                        }),
                        &["automatic rotation off"],
                    )
                    .not_evaluated(
                        with(secret("planned-cron", Some(30), None, None), |s| {
                            cron(s);
                            s.history = None
                        }),
                        &["cron(0 4 1 * ? *)", "without its history"],
                    ),
            )
            .case(Case::new("unknown dates are not evaluated").not_evaluated(
                secret("undated", Some(30), None, None),
                &["neither when secret undated was last rotated nor when it was created"],
            ))
            .case(
                Case::new("replicas are judged through their primary")
                    .not_applicable(with(secret("replica", None, None, Some(500)), |s| {
                        s.primary_region = Some("us-east-1".to_string())
                    })),
            )
            .case(
                Case::new("max_rotation_days is a parameter")
                    .param(MAX_ROTATION_DAYS, ParamValue::Integer(30))
                    .fail(
                        secret("orders-db", Some(60), Some(12), Some(400)),
                        &["rotates only every 60 days", "at least every 30 days"],
                    )
                    .fail(
                        secret("late", Some(30), Some(31), Some(400)),
                        &["31 days before"],
                    )
                    .pass(secret("ok", Some(30), Some(30), Some(400))),
            )
    }
}
