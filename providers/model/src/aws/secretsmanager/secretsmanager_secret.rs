use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A Secrets Manager secret's metadata (`ListSecrets`). The secret's value is never read:
/// soc2scan does not call `GetSecretValue`, and nothing here comes from the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretsmanagerSecret {
    /// The secret's name.
    pub name: String,
    /// The KMS key that encrypts it (`None`: the AWS-managed `aws/secretsmanager` key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// Whether automatic rotation is on (`RotationEnabled`; absent in the listing means
    /// off).
    pub rotation_enabled: bool,
    /// The Lambda function that rotates it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_lambda_arn: Option<String>,
    /// The rotation schedule, when one is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_rules: Option<SecretRotationRules>,
    /// The AWS service that manages the secret (`rds`, `appflow`, …), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owning_service: Option<String>,
    /// For a replica, the region of its primary secret (rotation is configured there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_region: Option<String>,
    /// When the secret was created and last rotated, as a running account reports it;
    /// `None` for a secret of a Terraform plan, which has no history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<SecretHistory>,
}

/// A secret's rotation schedule (`RotationRules`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretRotationRules {
    /// Days between rotations (`AutomaticallyAfterDays`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automatically_after_days: Option<u64>,
    /// A `rate(…)` or `cron(…)` schedule (`ScheduleExpression`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule_expression: Option<String>,
    /// The rotation window (`Duration`, `3h`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
}

impl SecretRotationRules {
    /// Days between rotations: `automatically_after_days`, else a `rate(N days)` (or
    /// hours) schedule rounded up to whole days; `None` for a `cron(…)` schedule, or none.
    pub fn interval_days(&self) -> Option<u64> {
        if let Some(days) = self.automatically_after_days {
            return Some(days);
        }
        let rate = self
            .schedule_expression
            .as_deref()?
            .trim()
            .strip_prefix("rate(")?
            .strip_suffix(')')?;
        let (count, unit) = rate.trim().split_once(' ')?;
        let count: u64 = count.trim().parse().ok()?;
        match unit.trim() {
            "day" | "days" => Some(count),
            "hour" | "hours" => Some(count.div_ceil(24)),
            _ => None,
        }
    }
}

/// When a secret was created and rotated (`ListSecrets`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretHistory {
    /// When it was created (`CreatedDate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_date: Option<DateTime<Utc>>,
    /// When it was last rotated (`LastRotatedDate`); `None` if never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_rotated_date: Option<DateTime<Utc>>,
    /// When it was last changed (`LastChangedDate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_changed_date: Option<DateTime<Utc>>,
    /// When it will next rotate (`NextRotationDate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_rotation_date: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(days: Option<u64>, expression: Option<&str>) -> SecretRotationRules {
        SecretRotationRules {
            automatically_after_days: days,
            schedule_expression: expression.map(str::to_string),
            duration: None,
        }
    }

    #[test]
    fn rotation_intervals_are_read_from_days_or_rate_expressions() {
        assert_eq!(rules(Some(30), None).interval_days(), Some(30));
        assert_eq!(
            rules(Some(30), Some("rate(200 days)")).interval_days(),
            Some(30)
        );
        assert_eq!(rules(None, Some("rate(10 days)")).interval_days(), Some(10));
        assert_eq!(rules(None, Some("rate(1 day)")).interval_days(), Some(1));
        assert_eq!(rules(None, Some("rate(4 hours)")).interval_days(), Some(1));
        assert_eq!(rules(None, Some("rate(49 hours)")).interval_days(), Some(3));
        assert_eq!(
            rules(None, Some("cron(0 16 1,15 * ? *)")).interval_days(),
            None
        );
        assert_eq!(rules(None, Some("rate(ten days)")).interval_days(), None);
        assert_eq!(rules(None, None).interval_days(), None);
    }
}
