use super::function_of;
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{LambdaFunctionUrlState, Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every Lambda function with a function URL whose auth type is `NONE`: the
    /// URL is a public HTTPS endpoint that anyone on the internet can call without
    /// credentials (AWS adds a policy statement for `*` conditioned on
    /// `lambda:FunctionUrlAuthType = NONE`). A URL with auth type `AWS_IAM` passes.
    /// Functions without a URL are not checked. Aliases' own URLs are not read.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.6 expects the boundaries of the system to be protected against access by
    /// unauthorised parties. An unauthenticated function URL puts the function's code and
    /// its execution role directly on the internet with no identity check, no WAF and no
    /// throttling in front of it unless the code itself adds them.
    ///
    /// ## How to fix
    ///
    /// Set the URL's auth type to `AWS_IAM` and sign the callers' requests (SigV4), or put
    /// the function behind API Gateway or CloudFront with authentication; delete the URL if
    /// nothing calls it.
    ///
    /// ### Console
    ///
    /// Lambda → Functions → choose the function → Configuration → Function URL → Edit →
    /// Auth type: `AWS_IAM` → Save.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws lambda update-function-url-config --function-name orders-webhook --auth-type AWS_IAM
    /// # or, if nothing uses it:
    /// aws lambda delete-function-url-config --function-name orders-webhook
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_lambda_function_url" "webhook" {
    ///   function_name      = aws_lambda_function.orders_webhook.function_name
    ///   authorization_type = "AWS_IAM"
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.6 (protection against access from outside the system's boundaries).
    pub struct UrlUnauthenticated {
        id: "aws-lambda-url-unauthenticated",
        title: "Lambda function URL requires no authentication",
        severity: High,
        criteria: ["CC6.6"],
        targets: [LambdaFunction],
        also_reads: [LambdaFunctionUrl],
        params: [],
        reads: ["function_url"],
    }
}

impl Rule for UrlUnauthenticated {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    /// Functions with a URL, or whose URL is not known.
    fn applies(&self, resource: &Resource) -> bool {
        matches!(&resource.config, ResourceConfig::LambdaFunction(function)
            if function.function_url != Some(LambdaFunctionUrlState::None))
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let function = match function_of(resource) {
            Ok(function) => function,
            Err(verdict) => return verdict,
        };
        match &function.function_url {
            None => Verdict::NotEvaluated(format!(
                "the function URL of Lambda function {} was not collected, so whether it \
                 requires authentication is unknown",
                resource.display_name()
            )),
            Some(LambdaFunctionUrlState::None) => Verdict::NotApplicable,
            Some(LambdaFunctionUrlState::Set { auth_type, url }) if auth_type == "NONE" => {
                Verdict::Fail(format!(
                    "Lambda function {} has a function URL{} that anyone can call without \
                     authentication (auth type NONE); expected auth type AWS_IAM",
                    resource.display_name(),
                    url.as_deref()
                        .map(|u| format!(" ({u})"))
                        .unwrap_or_default()
                ))
            }
            Some(LambdaFunctionUrlState::Set { .. }) => Verdict::Pass,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{function, lambda, with_url};
    use crate::cases::{Case, Cases};
    use soc2scan_model::LambdaFunction;

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(
                Case::new("a URL with IAM auth passes")
                    .pass(lambda(with_url(function("internal-api"), "AWS_IAM"))),
            )
            .case(
                Case::new("a URL with auth type NONE fails, naming the URL").fail(
                    lambda(with_url(function("orders-webhook"), "NONE")),
                    &[
                        "orders-webhook",
                        "https://orders-webhook.lambda-url.eu-west-1.on.aws/",
                        "auth type NONE",
                        "AWS_IAM",
                    ],
                ),
            )
            .case(
                Case::new("a URL that was not collected is not evaluated").not_evaluated(
                    lambda(LambdaFunction {
                        function_url: None,
                        ..function("unread")
                    }),
                    &["function URL", "unread", "not collected"],
                ),
            )
            .case(
                Case::new("a function without a URL is not judged")
                    .not_applicable(lambda(function("resize"))),
            )
    }
}
