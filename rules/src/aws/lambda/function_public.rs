use super::function_of;
use crate::aws::resource_policy::{public_access, Actions};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{LambdaPolicyState, Resource};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every Lambda function whose resource-based policy allows everyone — a
    /// `Principal` of `"*"` or `{"AWS": "*"}`, or a `NotPrincipal` — to invoke or manage
    /// it, without a condition that restricts who can (`AWS:SourceArn`,
    /// `AWS:SourceAccount`, `aws:PrincipalOrgID`, … pinned to fixed values), unless an
    /// unconditioned `Deny` to everyone takes the same actions back. This is what
    /// `aws lambda add-permission --principal '*'` without `--source-arn` or
    /// `--source-account` creates. The policy is evaluated by soc2scan's shared
    /// resource-policy evaluator, the one the S3 bucket-policy and KMS key-policy rules use.
    /// The permission a function URL adds for itself (conditioned on
    /// `lambda:FunctionUrlAuthType`) is judged by `aws-lambda-url-unauthenticated`. A
    /// function without a policy passes. Aliases' and versions' own policies are not read.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 and CC6.6 expect access to the system to be limited to authorised identities
    /// and protected at its boundaries. A function anyone can invoke runs its code — and its
    /// execution role's permissions — on behalf of any AWS account on the internet: a
    /// cost, data-exposure and privilege-escalation path that no IAM policy inside the
    /// account can close.
    ///
    /// ## How to fix
    ///
    /// Remove the open statement, and grant invocation to the service that needs it with a
    /// source: `--source-arn` (the bucket, topic, API or rule that calls the function) and
    /// `--source-account`.
    ///
    /// ### Console
    ///
    /// Lambda → Functions → choose the function → Configuration → Permissions →
    /// Resource-based policy statements → select the statement with principal `*` →
    /// Delete; then Add permissions with the calling service's principal and its source ARN.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws lambda get-policy --function-name orders-export
    /// aws lambda remove-permission --function-name orders-export --statement-id public-invoke
    /// aws lambda add-permission --function-name orders-export --statement-id s3-invoke \
    ///   --action lambda:InvokeFunction --principal s3.amazonaws.com \
    ///   --source-arn arn:aws:s3:::acme-uploads --source-account 111122223333
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_lambda_permission" "s3_invoke" {
    ///   statement_id   = "s3-invoke"
    ///   action         = "lambda:InvokeFunction"
    ///   function_name  = aws_lambda_function.orders_export.function_name
    ///   principal      = "s3.amazonaws.com"
    ///   source_arn     = aws_s3_bucket.uploads.arn
    ///   source_account = "111122223333"
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security: who can run the function), CC6.6 (protection
    /// against access from outside the system's boundaries).
    pub struct FunctionPublic {
        id: "aws-lambda-function-public",
        title: "Lambda function policy lets anyone invoke the function",
        severity: Critical,
        criteria: ["CC6.1", "CC6.6"],
        targets: [LambdaFunction],
        also_reads: [LambdaFunctionPolicy],
        params: [],
        reads: ["policy"],
    }
}

impl Rule for FunctionPublic {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let function = match function_of(resource) {
            Ok(function) => function,
            Err(verdict) => return verdict,
        };
        let document = match &function.policy {
            None => {
                return Verdict::NotEvaluated(format!(
                    "the resource-based policy of Lambda function {} was not collected, so \
                     whether it is public is unknown",
                    resource.display_name()
                ))
            }
            Some(LambdaPolicyState::None) => return Verdict::Pass,
            Some(LambdaPolicyState::Set { document }) => document,
        };
        let open = public_access(document, Actions::Any);
        if open.is_empty() {
            return Verdict::Pass;
        }
        let statements: Vec<String> = open.iter().map(|access| access.describe()).collect();
        Verdict::Fail(format!(
            "the resource-based policy of Lambda function {} lets anyone call it: {}; \
             expected named principals, or a source that restricts who (AWS:SourceArn, \
             AWS:SourceAccount, aws:PrincipalOrgID)",
            resource.display_name(),
            statements.join("; ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{function, lambda, with_policy};
    use crate::cases::{Case, Cases};
    use soc2scan_model::LambdaFunction;

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(
                Case::new("no policy, a service with a source, and an account pass")
                    .pass(lambda(function("resize")))
                    .pass(lambda(with_policy(
                        function("thumbnail"),
                        r#"{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"s3-invoke","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:eu-west-1:111122223333:function:thumbnail","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::acme-uploads"}}}]}"#,
                    )))
                    .pass(lambda(with_policy(
                        function("partner-feed"),
                        r#"{"Statement":[{"Sid":"partner","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"StringEquals":{"AWS:SourceAccount":"444455556666"}}}]}"#,
                    ))),
            )
            .case(
                Case::new("a wildcard principal without a source fails, naming the statement")
                    .fail(
                        lambda(with_policy(
                            function("orders-export"),
                            r#"{"Statement":[{"Sid":"public-invoke","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:eu-west-1:111122223333:function:orders-export"}]}"#,
                        )),
                        &["orders-export", "statement \"public-invoke\" allows lambda:InvokeFunction to everyone", "AWS:SourceArn"],
                    )
                    .fail(
                        lambda(with_policy(
                            function("admin-hook"),
                            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"lambda:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}"#,
                        )),
                        &["admin-hook", "statement 1 allows lambda:*"],
                    ),
            )
            .case(
                Case::new("a policy that was not collected is not evaluated").not_evaluated(
                    lambda(LambdaFunction {
                        policy: None,
                        ..function("unread")
                    }),
                    &["resource-based policy", "unread", "not collected"],
                ),
            )
            .applies_to_every_resource(
                "every function has a resource-based policy or none, and either can be open",
            )
    }
}
