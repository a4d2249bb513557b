use super::{bucket_part, named};
use crate::aws::resource_policy::is_anyone;
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;
use soc2scan_model::{Effect, PolicyStatement};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every bucket whose policy has no statement that denies everyone (`"*"` or
    /// `{"AWS": "*"}`) all S3 actions (`s3:*` or `*`) when `aws:SecureTransport` is `false`, or when
    /// `s3:TlsVersion` is below 1.2 (`NumericLessThan` with 1.2 or higher). A bucket without a
    /// policy fails. Not evaluated when the policy could not be read.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.7 expects data to be protected while it moves, and CC6.1 expects access to be secured.
    /// S3 accepts plain HTTP unless the bucket policy refuses it, so without the deny a
    /// misconfigured client or SDK sends objects and credentials-signed requests in clear text;
    /// auditors look for this statement on every bucket that holds customer data.
    ///
    /// ## How to fix
    ///
    /// Add a statement that denies every request made without TLS.
    ///
    /// ### Console
    ///
    /// S3 → the bucket → Permissions → Bucket policy → Edit → add the statement below → Save
    /// changes.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws s3api put-bucket-policy --bucket my-bucket --policy '{
    ///   "Version": "2012-10-17",
    ///   "Statement": [{
    ///     "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
    ///     "Resource": ["arn:aws:s3:::my-bucket", "arn:aws:s3:::my-bucket/*"],
    ///     "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    ///   }]
    /// }'
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// data "aws_iam_policy_document" "tls_only" {
    ///   statement {
    ///     sid       = "DenyInsecureTransport"
    ///     effect    = "Deny"
    ///     actions   = ["s3:*"]
    ///     resources = [aws_s3_bucket.data.arn, "${aws_s3_bucket.data.arn}/*"]
    ///     principals {
    ///       type        = "*"
    ///       identifiers = ["*"]
    ///     }
    ///     condition {
    ///       test     = "Bool"
    ///       variable = "aws:SecureTransport"
    ///       values   = ["false"]
    ///     }
    ///   }
    /// }
    ///
    /// resource "aws_s3_bucket_policy" "data" {
    ///   bucket = aws_s3_bucket.data.id
    ///   policy = data.aws_iam_policy_document.tls_only.json
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security), CC6.7 (protect information in transmission).
    pub struct BucketTlsNotEnforced {
        id: "aws-s3-bucket-tls-not-enforced",
        title: "S3 bucket does not deny requests without TLS",
        severity: Medium,
        criteria: ["CC6.1", "CC6.7"],
        targets: [S3Bucket],
        also_reads: [S3BucketPolicy],
        params: [],
        reads: ["policy"],
    }
}

impl Rule for BucketTlsNotEnforced {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let policy = match bucket_part(resource, |b| b.policy.as_ref(), "policy") {
            Ok(part) => part,
            Err(verdict) => return verdict,
        };
        let Some(document) = policy.document() else {
            return Verdict::Fail(format!(
                "S3 bucket {} has no bucket policy, so it accepts requests over plain HTTP; \
                 expected a statement denying aws:SecureTransport = false to everyone",
                named(resource)
            ));
        };
        if document.statements.iter().any(denies_insecure_transport) {
            Verdict::Pass
        } else {
            Verdict::Fail(format!(
                "S3 bucket {}'s policy does not deny requests without TLS; expected a \
                 statement denying s3:* to everyone when aws:SecureTransport is false (or \
                 s3:TlsVersion below 1.2)",
                named(resource)
            ))
        }
    }
}

/// A Deny of every S3 action to everyone, on `aws:SecureTransport = false` or
/// `s3:TlsVersion < 1.2` (or higher).
fn denies_insecure_transport(statement: &PolicyStatement) -> bool {
    let everyone = statement.principal.as_ref().is_some_and(is_anyone);
    let all_actions = statement
        .action
        .iter()
        .any(|a| a == "*" || a.eq_ignore_ascii_case("s3:*"));
    let Some(conditions) = &statement.condition else {
        return false;
    };
    let on_plain_http = conditions.iter().any(|(operator, keys)| {
        operator.eq_ignore_ascii_case("Bool")
            && condition_values(keys, "aws:SecureTransport")
                .iter()
                .any(|v| v.eq_ignore_ascii_case("false"))
    });
    let on_old_tls = conditions.iter().any(|(operator, keys)| {
        operator.eq_ignore_ascii_case("NumericLessThan")
            && condition_values(keys, "s3:TlsVersion")
                .iter()
                .any(|v| v.parse::<f64>().is_ok_and(|version| version >= 1.2))
    });
    statement.effect == Effect::Deny
        && statement.not_principal.is_none()
        && everyone
        && all_actions
        && (on_plain_http || on_old_tls)
}

/// The values of one condition key (case-insensitive), as strings.
fn condition_values(keys: &serde_json::Value, key: &str) -> Vec<String> {
    keys.as_object()
        .into_iter()
        .flat_map(|map| map.iter())
        .filter(|(k, _)| k.eq_ignore_ascii_case(key))
        .flat_map(|(_, v)| match v {
            serde_json::Value::Array(items) => items.clone(),
            other => vec![other.clone()],
        })
        .map(|v| match v {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::aws::s3::fixtures::*;
    use crate::cases::{Case, Cases};

    pub(super) fn cases() -> Cases {
        let with_policy = |name: &str, json: &str| {
            let mut b = private_bucket(name);
            b.policy = Some(policy(json));
            bucket_resource(b)
        };
        let mut no_policy = private_bucket("no-policy");
        no_policy.policy = Some(soc2scan_model::S3PolicyState::None);
        Cases::new()
            .case(
                Case::new("a SecureTransport deny or a TLS-version deny passes")
                    .pass(bucket_resource(private_bucket("tls-only")))
                    .pass(with_policy("tls-12", r#"{"Statement":{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"*","Resource":"*","Condition":{"NumericLessThan":{"s3:TlsVersion":1.2}}}}"#))
                    .pass(with_policy("bool-json", r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":["s3:*"],"Resource":"*","Condition":{"Bool":{"aws:SecureTransport":[false]}}}}"#)),
            )
            .case(
                Case::new("no policy, or a deny that is not to everyone or not of everything, fails")
                    .fail(bucket_resource(no_policy), &["no-policy", "no bucket policy", "expected a statement denying"])
                    .fail(with_policy("partial", r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}}"#), &["partial", "does not deny requests without TLS"])
                    .fail(with_policy("one-role", r#"{"Statement":{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}}"#), &["one-role"])
                    .fail(with_policy("tls-10", r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"s3:TlsVersion":"1.0"}}}}"#), &["tls-10"]),
            )
            .case(
                Case::new("a policy that could not be read is not evaluated")
                    .not_evaluated(bucket_resource({
                        let mut b = private_bucket("unread");
                        b.policy = None;
                        b
                    }), &["unread", "policy was not collected"]),
            )
            .applies_to_every_resource("every bucket accepts plain HTTP unless its policy refuses it")
    }
}
