use super::{bucket_part, named};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every bucket without server access logging (no target bucket). Not evaluated
    /// when the logging configuration could not be read. CloudTrail S3 data events are another way
    /// to record object access; they are checked on the trail, not here.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC7.2 expects the system to be monitored for anomalies that indicate attacks or errors.
    /// Server access logs record every request to the bucket — who read or deleted which object,
    /// from where — which is what an investigation of a suspected leak needs, and what an auditor
    /// asks to see for buckets holding customer data.
    ///
    /// ## How to fix
    ///
    /// Turn on server access logging to a separate log bucket (never the bucket itself, which
    /// would log its own logging).
    ///
    /// ### Console
    ///
    /// S3 → the bucket → Properties → Server access logging → Edit → Enable → choose the
    /// destination bucket and prefix → Save changes.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws s3api put-bucket-logging --bucket my-bucket --bucket-logging-status \
    ///   '{"LoggingEnabled": {"TargetBucket": "my-log-bucket", "TargetPrefix": "my-bucket/"}}'
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_s3_bucket_logging" "data" {
    ///   bucket        = aws_s3_bucket.data.id
    ///   target_bucket = aws_s3_bucket.logs.id
    ///   target_prefix = "data/"
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC7.2 (monitor system components for anomalies).
    pub struct BucketAccessLoggingOff {
        id: "aws-s3-bucket-access-logging-off",
        title: "S3 bucket server access logging is off",
        severity: Medium,
        criteria: ["CC7.2"],
        targets: [S3Bucket],
        also_reads: [S3BucketLogging],
        params: [],
        reads: ["logging"],
    }
}

impl Rule for BucketAccessLoggingOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let logging = match bucket_part(resource, |b| b.logging.as_ref(), "logging configuration") {
            Ok(part) => part,
            Err(verdict) => return verdict,
        };
        match &logging.target_bucket {
            Some(_) => Verdict::Pass,
            None => Verdict::Fail(format!(
                "S3 bucket {} has server access logging off; expected logging to a separate \
                 log bucket",
                named(resource)
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::aws::s3::fixtures::*;
    use crate::cases::{Case, Cases};

    pub(super) fn cases() -> Cases {
        let mut off = private_bucket("no-logs");
        off.logging = Some(soc2scan_model::S3Logging {
            target_bucket: None,
            target_prefix: None,
        });
        Cases::new()
            .case(
                Case::new("logging to a log bucket passes")
                    .pass(bucket_resource(private_bucket("logged"))),
            )
            .case(Case::new("logging off fails").fail(
                bucket_resource(off),
                &["no-logs", "server access logging off", "expected logging"],
            ))
            .case(
                Case::new("a logging that could not be read is not evaluated").not_evaluated(
                    bucket_resource({
                        let mut b = private_bucket("unread");
                        b.logging = None;
                        b
                    }),
                    &["unread", "not collected"],
                ),
            )
            .applies_to_every_resource("every bucket's requests are worth recording")
    }
}
