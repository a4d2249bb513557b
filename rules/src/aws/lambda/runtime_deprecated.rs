use super::function_of;
use super::runtimes::{deprecation_date, CHECKED};
use crate::declare_rule;
use crate::rule::{CheckContext, ParamDefault, ParamSpec, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every Lambda function whose runtime's deprecation date has come, as of the
    /// time the snapshot was collected (or the plan was made), or comes within
    /// `days_before_deprecation` days (default 0: only runtimes already deprecated). The
    /// dates come from a table in soc2scan, dated, taken from AWS's "Lambda runtimes" page
    /// (`python3.9` on 2025-12-15, `nodejs20.x` on 2026-04-30, …). A runtime that is not in
    /// the table is not evaluated, naming the runtime. Container-image functions bring
    /// their own runtime and are not checked.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC7.1 expects the company to find and fix vulnerabilities in its components, CC8.1
    /// to keep them changed in a controlled way. From its deprecation date a runtime gets
    /// no more security patches from AWS — its language version, OS and libraries stay as
    /// they were — and AWS later blocks updating the function, so a fix can no longer be
    /// deployed in a hurry.
    ///
    /// ## How to fix
    ///
    /// Move the function to a supported runtime of the same language (for example
    /// `python3.13`, `nodejs22.x`, `java21`), test it, and deploy.
    ///
    /// ### Console
    ///
    /// Lambda → Functions → choose the function → Code → Runtime settings → Edit → Runtime:
    /// choose a supported version → Save.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws lambda list-functions --query "Functions[?Runtime=='python3.9'].FunctionName"
    /// aws lambda update-function-configuration --function-name orders-export --runtime python3.13
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_lambda_function" "orders_export" {
    ///   function_name = "orders-export"
    ///   role          = aws_iam_role.orders_export.arn
    ///   handler       = "app.handler"
    ///   runtime       = "python3.13"
    ///   filename      = "build/orders-export.zip"
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC7.1 (detects and remediates vulnerabilities in system components), CC8.1 (changes
    /// to components are managed, including keeping them supported).
    pub struct RuntimeDeprecated {
        id: "aws-lambda-runtime-deprecated",
        title: "Lambda function runs on a deprecated runtime",
        severity: Medium,
        criteria: ["CC7.1", "CC8.1"],
        targets: [LambdaFunction],
        also_reads: [],
        params: [ParamSpec {
            name: "days_before_deprecation",
            description: "Also fail runtimes whose deprecation date is at most this many days away",
            default: ParamDefault::Integer(0),
            min: 0,
            max: 3650,
        }],
        reads: ["package_type", "runtime"],
    }
}

impl Rule for RuntimeDeprecated {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    /// Every function but the ones known to be container images.
    fn applies(&self, resource: &Resource) -> bool {
        matches!(&resource.config, ResourceConfig::LambdaFunction(function) if !function.is_image())
    }

    fn check(&self, resource: &Resource, ctx: &CheckContext<'_>) -> Verdict {
        let function = match function_of(resource) {
            Ok(function) => function,
            Err(verdict) => return verdict,
        };
        let Some(runtime) = function.runtime.as_deref() else {
            return Verdict::NotEvaluated(format!(
                "Lambda reported no runtime for function {}, and no container image either",
                resource.display_name()
            ));
        };
        let Some(date) = deprecation_date(runtime) else {
            return Verdict::NotEvaluated(format!(
                "the runtime {runtime} of Lambda function {} is not in soc2scan's table of \
                 Lambda runtimes (checked {CHECKED}), so its deprecation date is unknown",
                resource.display_name()
            ));
        };
        let today = ctx.now.date_naive();
        let ahead = ctx.params.integer("days_before_deprecation");
        let days_left = (date - today).num_days();
        if days_left > ahead {
            return Verdict::Pass;
        }
        let when = if days_left <= 0 {
            format!("was deprecated on {date}")
        } else {
            format!("is deprecated on {date}, in {days_left} days")
        };
        Verdict::Fail(format!(
            "Lambda function {} runs on {runtime}, which {when}; expected a supported runtime",
            resource.display_name()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{function, image, lambda, on};
    use crate::cases::{Case, Cases};
    use crate::rule::ParamValue;
    use soc2scan_model::LambdaFunction;

    pub(super) fn cases() -> Cases {
        // The test snapshots are collected on 2026-06-01.
        Cases::new()
            .case(
                Case::new("supported runtimes pass, up to the day before deprecation")
                    .pass(lambda(function("resize")))
                    .pass(lambda(on(function("report"), "python3.11")))
                    .pass(lambda(on(function("edge"), "provided.al2023"))),
            )
            .case(
                Case::new("a runtime past its date fails, with the date")
                    .fail(
                        lambda(on(function("orders-export"), "python3.9")),
                        &["orders-export", "python3.9", "was deprecated on 2025-12-15"],
                    )
                    .fail(
                        lambda(on(function("frontend-ssr"), "nodejs20.x")),
                        &["nodejs20.x", "2026-04-30"],
                    )
                    .fail(
                        lambda(on(function("legacy"), "go1.x")),
                        &["go1.x", "2024-01-08"],
                    ),
            )
            .case(
                Case::new("days_before_deprecation fails runtimes about to be deprecated")
                    .fail(
                        lambda(on(function("report"), "python3.11")),
                        &["python3.11", "is deprecated on 2026-06-30, in 29 days"],
                    )
                    .pass(lambda(function("resize")))
                    .param("days_before_deprecation", ParamValue::Integer(60)),
            )
            .case(
                Case::new("an unknown runtime, or none reported, is not evaluated")
                    .not_evaluated(
                        lambda(on(function("future"), "python3.99")),
                        &["python3.99", "future", "not in soc2scan's table"],
                    )
                    .not_evaluated(
                        lambda(LambdaFunction {
                            runtime: None,
                            ..function("odd")
                        }),
                        &["no runtime", "odd"],
                    ),
            )
            .case(
                Case::new("container images bring their own runtime")
                    .not_applicable(lambda(image("ml-inference"))),
            )
    }
}
