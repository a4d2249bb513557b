//! `scan --terraform-plan` of the edge-plan fixture: load balancers with their listeners,
//! Lambda functions with their permissions and URLs — exact verdicts, unknowns naming the
//! attribute, `.tf` file:line locations, and environment variables never in any output.

use super::{expected, fixture, json_of, location_of, sarif_results, scan_fixture_plan, verdicts};
use crate::common::*;

const EDGE_PLAN_VERDICTS: &[(&str, &str, &str)] = &[
    // HTTP redirected to HTTPS; plain HTTP on the legacy ALB; the API serves HTTPS only.
    // The internal ALB and the network LB are not judged.
    ("aws-elbv2-http-not-redirected", "aws_lb.web", "pass"),
    ("aws-elbv2-http-not-redirected", "aws_alb.legacy", "fail"),
    ("aws-elbv2-http-not-redirected", "aws_lb.api", "pass"),
    // TLS 1.2+; ELBSecurityPolicy-2016-08 (TLS 1.0); TLS13-1-1 on the broker (TLS 1.1);
    // the API's policy is chosen by AWS at apply.
    ("aws-elbv2-tls-policy-outdated", "aws_lb.web", "pass"),
    ("aws-elbv2-tls-policy-outdated", "aws_alb.legacy", "fail"),
    ("aws-elbv2-tls-policy-outdated", "aws_lb.broker", "fail"),
    (
        "aws-elbv2-tls-policy-outdated",
        "aws_lb.api",
        "not_evaluated",
    ),
    ("aws-elbv2-access-logging-off", "aws_lb.web", "pass"),
    ("aws-elbv2-access-logging-off", "aws_alb.legacy", "fail"),
    ("aws-elbv2-access-logging-off", "aws_lb.intranet", "fail"),
    ("aws-elbv2-access-logging-off", "aws_lb.broker", "pass"),
    ("aws-elbv2-access-logging-off", "aws_lb.api", "pass"),
    // No policy; a permission for "*" without a source; S3 with its bucket (joined by a
    // reference to the function's ARN); the organization's id is known only after apply.
    (
        "aws-lambda-function-public",
        "aws_lambda_function.resize",
        "pass",
    ),
    (
        "aws-lambda-function-public",
        "aws_lambda_function.orders_export",
        "fail",
    ),
    (
        "aws-lambda-function-public",
        "aws_lambda_function.thumbnail",
        "pass",
    ),
    (
        "aws-lambda-function-public",
        "aws_lambda_function.webhook",
        "pass",
    ),
    (
        "aws-lambda-function-public",
        "aws_lambda_function.inference",
        "pass",
    ),
    (
        "aws-lambda-function-public",
        "aws_lambda_function.partner_feed",
        "not_evaluated",
    ),
    (
        "aws-lambda-url-unauthenticated",
        "aws_lambda_function.thumbnail",
        "pass",
    ),
    (
        "aws-lambda-url-unauthenticated",
        "aws_lambda_function.webhook",
        "fail",
    ),
    // Judged at the plan's time (2026-12-01): python3.9 and nodejs20.x are deprecated; the
    // container image has no runtime.
    (
        "aws-lambda-runtime-deprecated",
        "aws_lambda_function.resize",
        "pass",
    ),
    (
        "aws-lambda-runtime-deprecated",
        "aws_lambda_function.orders_export",
        "fail",
    ),
    (
        "aws-lambda-runtime-deprecated",
        "aws_lambda_function.thumbnail",
        "pass",
    ),
    (
        "aws-lambda-runtime-deprecated",
        "aws_lambda_function.webhook",
        "fail",
    ),
    (
        "aws-lambda-runtime-deprecated",
        "aws_lambda_function.partner_feed",
        "pass",
    ),
];

#[test]
fn edge_plan_verdicts_are_exact_and_unknowns_name_the_attribute() {
    let output = scan_fixture_plan("edge-plan", &["--format", "json", "--fail-on", "none"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        !stdout(&output).contains("canary-tf-lambda-env"),
        "a function's environment variables reached the report"
    );
    let report = json_of(&output);
    let edge: Vec<(String, String, String)> = verdicts(&report)
        .into_iter()
        .filter(|(rule, _, _)| rule.starts_with("aws-elbv2-") || rule.starts_with("aws-lambda-"))
        .collect();
    assert_eq!(edge, expected(EDGE_PLAN_VERDICTS));
    let message = |rule: &str, resource: &str| {
        report["results"]
            .as_array()
            .expect("results")
            .iter()
            .find(|r| r["rule_id"] == rule && r["resource"]["id"] == resource)
            .and_then(|r| r["message"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    assert!(message("aws-elbv2-tls-policy-outdated", "aws_lb.api")
        .contains("aws_lb_listener.api_https.ssl_policy is known only after apply"));
    assert!(message(
        "aws-lambda-function-public",
        "aws_lambda_function.partner_feed"
    )
    .contains("aws_lambda_permission.partner_org.principal_org_id is known only after apply"));
    assert!(message("aws-elbv2-tls-policy-outdated", "aws_alb.legacy")
        .contains("HTTPS:443 uses ELBSecurityPolicy-2016-08, which allows TLS 1.0"));
    let skipped: Vec<&str> = report["skipped_rules"]
        .as_array()
        .expect("skipped_rules")
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert!(
        !skipped
            .iter()
            .any(|id| id.starts_with("aws-elbv2-") || id.starts_with("aws-lambda-")),
        "every ELBv2 and Lambda rule runs on plans: {skipped:?}"
    );
    // High and critical failures (TLS 1.0, a public function, an open URL).
    assert_eq!(code(&scan_fixture_plan("edge-plan", &[])), 1);
}

#[test]
fn edge_results_point_at_the_tf_file_and_line_of_their_block() {
    let sarif = sarif_results(
        &["--format", "sarif", "--fail-on", "none"],
        &fixture("edge-plan"),
        &["scan", "--terraform-plan", "plan.json", "--tf-root", "."],
    );
    for (rule, address, line) in [
        ("aws-elbv2-http-not-redirected", "aws_alb.legacy", 60),
        ("aws-elbv2-tls-policy-outdated", "aws_lb.broker", 101),
        ("aws-elbv2-access-logging-off", "aws_lb.intranet", 95),
        (
            "aws-lambda-function-public",
            "aws_lambda_function.orders_export",
            171,
        ),
        (
            "aws-lambda-url-unauthenticated",
            "aws_lambda_function.webhook",
            208,
        ),
        (
            "aws-lambda-runtime-deprecated",
            "aws_lambda_function.webhook",
            208,
        ),
    ] {
        let (uri, start, _) = location_of(&sarif, rule, address);
        assert_eq!((uri.as_str(), start), ("main.tf", line), "{rule} {address}");
    }
}
