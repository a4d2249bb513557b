//! ELBv2 and Lambda in two regions through the real SDK against moto: exact verdicts of
//! every rule both ways, the calls made, a denied `DescribeListeners` or `GetPolicy` as a
//! gap of exactly the rules that read it, and environment variables never kept.

use super::fault_proxy::{start_proxy, Answer};
use super::*;
use aws_sdk_elasticloadbalancingv2 as elb;
use aws_sdk_lambda as lambda;
use elb::types::{
    Action, ActionTypeEnum, FixedResponseActionConfig, LoadBalancerAttribute,
    LoadBalancerSchemeEnum, LoadBalancerTypeEnum, ProtocolEnum, RedirectActionConfig,
    RedirectActionStatusCodeEnum,
};
use lambda::types::{Environment, FunctionCode, FunctionUrlAuthType, PackageType, Runtime};
use std::sync::atomic::{AtomicU64, Ordering};

/// A secret in a function's environment: it must never reach a snapshot or a report.
const ENV_CANARY: &str = "canary-lambda-env-91d4e7";

const EDGE_SERVICES: &[&str] = &["elbv2", "lambda"];

fn is_edge_rule(rule: &str) -> bool {
    rule.starts_with("aws-elbv2-") || rule.starts_with("aws-lambda-")
}

/// The default VPC's subnets of the region, and the VPC.
async fn default_subnets(ec2: &aws_sdk_ec2::Client) -> (String, Vec<String>) {
    let vpc = default_vpc(ec2).await;
    let subnets = ec2
        .describe_subnets()
        .filters(filter("vpc-id", &vpc))
        .send()
        .await
        .unwrap()
        .subnets()
        .iter()
        .filter_map(|s| s.subnet_id().map(str::to_string))
        .take(2)
        .collect();
    (vpc, subnets)
}

struct Lb<'a> {
    name: &'a str,
    kind: LoadBalancerTypeEnum,
    internal: bool,
    access_logs: bool,
}

async fn create_lb(client: &elb::Client, subnets: &[String], lb: Lb<'_>) -> String {
    let created = client
        .create_load_balancer()
        .name(lb.name)
        .set_subnets(Some(subnets.to_vec()))
        .scheme(if lb.internal {
            LoadBalancerSchemeEnum::Internal
        } else {
            LoadBalancerSchemeEnum::InternetFacing
        })
        .r#type(lb.kind)
        .send()
        .await
        .unwrap();
    let arn = created.load_balancers()[0]
        .load_balancer_arn()
        .unwrap()
        .to_string();
    if lb.access_logs {
        client
            .modify_load_balancer_attributes()
            .load_balancer_arn(&arn)
            .attributes(
                LoadBalancerAttribute::builder()
                    .key("access_logs.s3.enabled")
                    .value("true")
                    .build(),
            )
            .attributes(
                LoadBalancerAttribute::builder()
                    .key("access_logs.s3.bucket")
                    .value("acme-lb-logs")
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
    arn
}

fn fixed_200() -> Action {
    Action::builder()
        .r#type(ActionTypeEnum::FixedResponse)
        .fixed_response_config(
            FixedResponseActionConfig::builder()
                .status_code("200")
                .content_type("text/plain")
                .build(),
        )
        .build()
}

fn redirect_to(protocol: &str) -> Action {
    Action::builder()
        .r#type(ActionTypeEnum::Redirect)
        .redirect_config(
            RedirectActionConfig::builder()
                .protocol(protocol)
                .port("443")
                .status_code(RedirectActionStatusCodeEnum::Http301)
                .build(),
        )
        .build()
}

async fn create_listener(
    client: &elb::Client,
    lb: &str,
    port: i32,
    protocol: ProtocolEnum,
    ssl_policy: Option<&str>,
    action: Action,
) {
    client
        .create_listener()
        .load_balancer_arn(lb)
        .port(port)
        .protocol(protocol)
        .set_ssl_policy(ssl_policy.map(str::to_string))
        .default_actions(action)
        .send()
        .await
        .unwrap();
}

/// A target group to forward to.
async fn target_group(client: &elb::Client, vpc: &str, name: &str) -> String {
    client
        .create_target_group()
        .name(name)
        .protocol(ProtocolEnum::Http)
        .port(80)
        .vpc_id(vpc)
        .send()
        .await
        .unwrap()
        .target_groups()[0]
        .target_group_arn()
        .unwrap()
        .to_string()
}

fn forward(target_group: &str) -> Action {
    Action::builder()
        .r#type(ActionTypeEnum::Forward)
        .target_group_arn(target_group)
        .build()
}

struct Function<'a> {
    name: &'a str,
    runtime: Option<Runtime>,
    environment: bool,
}

async fn create_function(client: &lambda::Client, role: &str, f: Function<'_>) {
    let mut request = client.create_function().function_name(f.name).role(role);
    request = match f.runtime {
        Some(runtime) => request.runtime(runtime).handler("app.handler").code(
            FunctionCode::builder()
                .zip_file(aws_smithy_types::Blob::new(b"PK\x05\x06".to_vec()))
                .build(),
        ),
        None => request.package_type(PackageType::Image).code(
            FunctionCode::builder()
                .image_uri("123456789012.dkr.ecr.us-east-1.amazonaws.com/inference:1.4.0")
                .build(),
        ),
    };
    if f.environment {
        request = request.environment(
            Environment::builder()
                .variables("DB_PASSWORD", ENV_CANARY)
                .variables("STAGE", "prod")
                .build(),
        );
    }
    request.send().await.unwrap();
}

async fn permit(
    client: &lambda::Client,
    function: &str,
    statement: &str,
    principal: &str,
    source_arn: Option<&str>,
    source_account: Option<&str>,
) {
    client
        .add_permission()
        .function_name(function)
        .statement_id(statement)
        .action("lambda:InvokeFunction")
        .principal(principal)
        .set_source_arn(source_arn.map(str::to_string))
        .set_source_account(source_account.map(str::to_string))
        .send()
        .await
        .unwrap();
}

async fn url(client: &lambda::Client, function: &str, auth: FunctionUrlAuthType) {
    client
        .create_function_url_config()
        .function_name(function)
        .auth_type(auth)
        .send()
        .await
        .unwrap();
}

/// The load balancers' ARNs, by name.
type LbArns = BTreeMap<&'static str, String>;

/// Seeds `account`: in eu-west-1 a web ALB done right, a legacy ALB done wrong, an
/// internal ALB and an MQTT broker NLB on TLS 1.1; in us-east-1 an NLB without logs, an
/// ALB on a policy soc2scan does not know, and a Gateway LB. Lambda functions in both.
async fn seed_edge(moto: &Moto, account: &str) -> LbArns {
    let mut arns = LbArns::new();
    let iam = iam_client(&account_config(moto, account, R1).await);
    iam.create_role()
        .role_name("lambda-exec")
        .assume_role_policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        )
        .send()
        .await
        .unwrap();
    let role = format!("arn:aws:iam::{account}:role/lambda-exec");

    // --- eu-west-1 ---
    let config = account_config(moto, account, R1).await;
    let (vpc, subnets) = default_subnets(&ec2_client(&config)).await;
    let elb = elb::Client::new(&config);
    let alb = |name, internal, access_logs| Lb {
        name,
        kind: LoadBalancerTypeEnum::Application,
        internal,
        access_logs,
    };
    let web = create_lb(&elb, &subnets, alb("web", false, true)).await;
    create_listener(
        &elb,
        &web,
        80,
        ProtocolEnum::Http,
        None,
        redirect_to("HTTPS"),
    )
    .await;
    let modern = Some("ELBSecurityPolicy-TLS13-1-2-2021-06");
    create_listener(&elb, &web, 443, ProtocolEnum::Https, modern, fixed_200()).await;
    let legacy = create_lb(&elb, &subnets, alb("legacy", false, false)).await;
    let tg = target_group(&elb, &vpc, "legacy-app").await;
    create_listener(&elb, &legacy, 80, ProtocolEnum::Http, None, forward(&tg)).await;
    let old = Some("ELBSecurityPolicy-2016-08");
    create_listener(&elb, &legacy, 443, ProtocolEnum::Https, old, fixed_200()).await;
    let intranet = create_lb(&elb, &subnets, alb("intranet", true, true)).await;
    create_listener(&elb, &intranet, 80, ProtocolEnum::Http, None, forward(&tg)).await;
    let nlb = |name, access_logs| Lb {
        name,
        kind: LoadBalancerTypeEnum::Network,
        internal: false,
        access_logs,
    };
    let broker = create_lb(&elb, &subnets, nlb("broker", true)).await;
    let tls11 = Some("ELBSecurityPolicy-TLS13-1-1-2021-06");
    create_listener(&elb, &broker, 8883, ProtocolEnum::Tls, tls11, forward(&tg)).await;
    arns.extend([
        ("web", web),
        ("legacy", legacy),
        ("intranet", intranet),
        ("broker", broker),
    ]);

    let lambda = lambda::Client::new(&config);
    let function = |name, runtime, environment| Function {
        name,
        runtime,
        environment,
    };
    create_function(
        &lambda,
        &role,
        function("resize", Some(Runtime::Python313), true),
    )
    .await;
    create_function(
        &lambda,
        &role,
        function("orders-export", Some(Runtime::Python39), true),
    )
    .await;
    permit(&lambda, "orders-export", "public-invoke", "*", None, None).await;
    create_function(
        &lambda,
        &role,
        function("thumbnail", Some(Runtime::Nodejs22x), false),
    )
    .await;
    let uploads = Some("arn:aws:s3:::acme-uploads");
    permit(
        &lambda,
        "thumbnail",
        "s3-invoke",
        "s3.amazonaws.com",
        uploads,
        Some(account),
    )
    .await;
    url(&lambda, "thumbnail", FunctionUrlAuthType::AwsIam).await;
    create_function(
        &lambda,
        &role,
        function("orders-webhook", Some(Runtime::Nodejs20x), false),
    )
    .await;
    url(&lambda, "orders-webhook", FunctionUrlAuthType::None).await;

    // --- us-east-1 ---
    let config = account_config(moto, account, R2).await;
    let (vpc, subnets) = default_subnets(&ec2_client(&config)).await;
    let elb = elb::Client::new(&config);
    let tg = target_group(&elb, &vpc, "mqtt").await;
    let mqtt = create_lb(&elb, &subnets, nlb("mqtt", false)).await;
    let res = Some("ELBSecurityPolicy-TLS13-1-2-Res-2021-06");
    create_listener(&elb, &mqtt, 8883, ProtocolEnum::Tls, res, forward(&tg)).await;
    let future = create_lb(&elb, &subnets, alb("future", false, true)).await;
    let unknown = Some("ELBSecurityPolicy-TLS13-1-2-Ext9-2030-01");
    create_listener(
        &elb,
        &future,
        443,
        ProtocolEnum::Https,
        unknown,
        fixed_200(),
    )
    .await;
    let inspect = Lb {
        name: "inspect",
        kind: LoadBalancerTypeEnum::Gateway,
        internal: false,
        access_logs: false,
    };
    let inspect = create_lb(&elb, &subnets, inspect).await;
    arns.extend([("mqtt", mqtt), ("future", future), ("inspect", inspect)]);

    let lambda = lambda::Client::new(&config);
    create_function(&lambda, &role, function("ml-inference", None, false)).await;
    create_function(
        &lambda,
        &role,
        function("partner-feed", Some(Runtime::Java21), true),
    )
    .await;
    permit(
        &lambda,
        "partner-feed",
        "partner",
        "*",
        None,
        Some("444455556666"),
    )
    .await;
    create_function(
        &lambda,
        &role,
        function("edge-auth", Some(Runtime::from("python3.99")), false),
    )
    .await;
    arns
}

fn function_arn(account: &str, region: &str, name: &str) -> String {
    format!("arn:aws:lambda:{region}:{account}:function:{name}")
}

fn expected_edge_verdicts(lbs: &LbArns, account: &str) -> BTreeMap<(String, String), &'static str> {
    let mut out = BTreeMap::new();
    let mut add = |rule: &str, id: &str, verdict: &'static str| {
        out.insert((rule.to_string(), id.to_string()), verdict);
    };
    let lb = |name: &str| lbs[name].as_str();
    // HTTP redirected; HTTP forwarded; HTTPS only. Internal, network and gateway LBs are
    // not judged.
    add("aws-elbv2-http-not-redirected", lb("web"), "pass");
    add("aws-elbv2-http-not-redirected", lb("legacy"), "fail");
    add("aws-elbv2-http-not-redirected", lb("future"), "pass");
    // TLS 1.2+; TLS 1.0 (2016-08); TLS 1.1 on the broker; TLS 1.2 (Res); a policy name
    // that is not in the table. The web ALB's HTTP listener carries moto's SslPolicy, which
    // is ignored; the internal ALB has no TLS listener.
    add("aws-elbv2-tls-policy-outdated", lb("web"), "pass");
    add("aws-elbv2-tls-policy-outdated", lb("legacy"), "fail");
    add("aws-elbv2-tls-policy-outdated", lb("broker"), "fail");
    add("aws-elbv2-tls-policy-outdated", lb("mqtt"), "pass");
    add(
        "aws-elbv2-tls-policy-outdated",
        lb("future"),
        "not_evaluated",
    );
    // Logs on; off (moto leaves access_logs.s3.enabled out: AWS's default, off); the
    // Gateway LB has no access logs.
    for (name, verdict) in [
        ("web", "pass"),
        ("legacy", "fail"),
        ("intranet", "pass"),
        ("broker", "pass"),
        ("mqtt", "fail"),
        ("future", "pass"),
    ] {
        add("aws-elbv2-access-logging-off", lb(name), verdict);
    }
    let f = |region: &str, name: &str| function_arn(account, region, name);
    for (region, name, public, url, runtime) in [
        (R1, "resize", "pass", None, Some("pass")),
        (R1, "orders-export", "fail", None, Some("fail")),
        (R1, "thumbnail", "pass", Some("pass"), Some("pass")),
        (R1, "orders-webhook", "pass", Some("fail"), Some("fail")),
        (R2, "ml-inference", "pass", None, None),
        (R2, "partner-feed", "pass", None, Some("pass")),
        (R2, "edge-auth", "pass", None, Some("not_evaluated")),
    ] {
        add("aws-lambda-function-public", &f(region, name), public);
        if let Some(url) = url {
            add("aws-lambda-url-unauthenticated", &f(region, name), url);
        }
        if let Some(runtime) = runtime {
            add("aws-lambda-runtime-deprecated", &f(region, name), runtime);
        }
    }
    out
}

fn edge_verdicts(snapshot: &Snapshot) -> BTreeMap<(String, String), &'static str> {
    verdicts(snapshot)
        .into_iter()
        .filter(|((rule, _), _)| is_edge_rule(rule))
        .collect()
}

fn edge_options(moto: &Moto, account: &str) -> AwsScanOptions {
    AwsScanOptions {
        services: EDGE_SERVICES.iter().map(|s| s.to_string()).collect(),
        ..scan_options(moto, &[account], &[R1, R2])
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_balancers_and_functions_in_two_regions_pass_and_fail_every_rule() {
    let Some(moto) = shared_moto() else { return };
    const E: &str = "777777777777";
    let lbs = seed_edge(moto, E).await;
    let collection = collect(&edge_options(moto, E), Arc::new(NoProgress))
        .await
        .expect("scan");
    assert_coverage(
        &collection.coverage,
        &services_ok_coverage(&[E], &[R1, R2], EDGE_SERVICES),
    );

    // --- the model ---
    let ResourceConfig::Elbv2LoadBalancer(web) = config_of(&collection, &lbs["web"]) else {
        panic!("not a load balancer")
    };
    assert_eq!(web.load_balancer_name, "web");
    assert_eq!(web.scheme.as_deref(), Some("internet-facing"));
    let listeners = web.listeners.as_ref().expect("listeners read");
    let http = listeners
        .iter()
        .find(|l| l.port == Some(80))
        .expect("HTTP:80");
    assert_eq!(
        http.ssl_policy, None,
        "moto's SslPolicy on a plain HTTP listener is not kept"
    );
    assert!(http.final_default_action().unwrap().redirects_to_https());
    assert_eq!(
        web.access_logs,
        Some(Elbv2AccessLogs {
            enabled: true,
            bucket: Some("acme-lb-logs".into()),
            prefix: None
        })
    );
    let ResourceConfig::Elbv2LoadBalancer(inspect) = config_of(&collection, &lbs["inspect"]) else {
        panic!("not a load balancer")
    };
    assert_eq!(inspect.load_balancer_type.as_deref(), Some("gateway"));
    assert_eq!(
        inspect.access_logs, None,
        "a Gateway LB's attributes are not asked"
    );

    let ResourceConfig::LambdaFunction(resize) =
        config_of(&collection, &function_arn(E, R1, "resize"))
    else {
        panic!("not a function")
    };
    assert_eq!(resize.runtime.as_deref(), Some("python3.13"));
    assert_eq!(resize.package_type.as_deref(), Some("Zip"));
    assert_eq!(
        (resize.policy.as_ref(), resize.function_url.as_ref()),
        (
            Some(&LambdaPolicyState::None),
            Some(&LambdaFunctionUrlState::None)
        ),
        "ResourceNotFoundException is 'none', not a gap"
    );
    let ResourceConfig::LambdaFunction(webhook) =
        config_of(&collection, &function_arn(E, R1, "orders-webhook"))
    else {
        panic!("not a function")
    };
    assert!(matches!(
        &webhook.function_url,
        Some(LambdaFunctionUrlState::Set { auth_type, url: Some(_) }) if auth_type == "NONE"
    ));
    let ResourceConfig::LambdaFunction(inference) =
        config_of(&collection, &function_arn(E, R2, "ml-inference"))
    else {
        panic!("not a function")
    };
    assert!(inference.is_image());
    assert_eq!(inference.runtime, None);

    // --- calls: one listing per region, per-resource reads only where needed ---
    assert_calls_are_documented(&collection);
    let mut expected_calls: BTreeMap<String, u64> = BTreeMap::new();
    for (operation, count) in [
        ("sts:GetCallerIdentity", 1),
        ("sts:AssumeRole", 1),
        ("elasticloadbalancing:DescribeLoadBalancers", 2),
        ("lambda:ListFunctions", 2),
        // 7 load balancers, listeners of each; attributes of all but the Gateway LB.
        ("elasticloadbalancing:DescribeListeners", 7),
        ("elasticloadbalancing:DescribeLoadBalancerAttributes", 6),
        // 7 functions: policy and URL of each.
        ("lambda:GetPolicy", 7),
        ("lambda:GetFunctionUrlConfig", 7),
    ] {
        expected_calls.insert(operation.into(), count);
    }
    assert_eq!(collection.api_calls, expected_calls);

    // --- verdicts, and the environment canary ---
    let snapshot = snapshot_of_collection(&collection);
    assert_verdicts(&edge_verdicts(&snapshot), &expected_edge_verdicts(&lbs, E));
    let json = snapshot.to_json_pretty().unwrap();
    assert!(
        !json.contains(ENV_CANARY),
        "an environment variable was kept"
    );
    assert!(
        !json.contains("DB_PASSWORD"),
        "an environment variable name was kept"
    );
    assert!(!format!("{collection:?}").contains(ENV_CANARY));
    let report = engine().evaluate(&snapshot);
    let messages: Vec<&str> = report
        .evaluations
        .iter()
        .filter_map(|e| e.verdict.message())
        .collect();
    assert!(messages.iter().all(|m| !m.contains(ENV_CANARY)));
    let future_message = report
        .evaluations
        .iter()
        .find(|e| {
            report.rule_of(e).rule.meta().id == "aws-elbv2-tls-policy-outdated"
                && report.resource_of(e).map(|r| r.id.as_str()) == Some(lbs["future"].as_str())
        })
        .and_then(|e| e.verdict.message())
        .unwrap_or_default();
    assert!(
        future_message.contains("ELBSecurityPolicy-TLS13-1-2-Ext9-2030-01"),
        "{future_message}"
    );
    assert!(
        report
            .skipped
            .iter()
            .all(|skipped| !is_edge_rule(skipped.run.rule.meta().id)),
        "every ELBv2 and Lambda rule ran"
    );

    // --- a denied DescribeListeners and GetPolicy narrow to their resource and rules ---
    let legacy_path = format!("%2F{}%2F", "legacy");
    let denied_listeners = Arc::new(AtomicU64::new(0));
    let denied_policy = Arc::new(AtomicU64::new(0));
    let (listeners_count, policy_count) = (denied_listeners.clone(), denied_policy.clone());
    let port = start_proxy(moto.port, move |request| {
        let text = String::from_utf8_lossy(request);
        if text.contains("Action=DescribeListeners") && text.contains(&legacy_path) {
            listeners_count.fetch_add(1, Ordering::Relaxed);
            // ELBv2 speaks the query protocol: an XML error.
            let body = "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
                        <Message>not authorized (soc2scan test proxy)</Message></Error>\
                        <RequestId>proxy</RequestId></ErrorResponse>";
            return Answer::Respond(
                format!(
                    "HTTP/1.1 403 Forbidden\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                )
                .into_bytes(),
            );
        }
        if text.starts_with("GET /2015-03-31/functions/orders-export/policy") {
            policy_count.fetch_add(1, Ordering::Relaxed);
            let body = r#"{"Type":"User","Message":"not authorized (soc2scan test proxy)"}"#;
            return Answer::Respond(
                format!(
                    "HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\n\
                     x-amzn-ErrorType: AccessDeniedException\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                )
                .into_bytes(),
            );
        }
        Answer::Forward
    });
    let proxied = Moto::external(port);
    let narrowed = collect(&edge_options(&proxied, E), Arc::new(NoProgress))
        .await
        .expect("scan");
    assert_eq!(denied_listeners.load(Ordering::Relaxed), 1);
    assert_eq!(denied_policy.load(Ordering::Relaxed), 1);
    let gaps: Vec<(ResourceKind, Option<String>, FailureKind, String)> = narrowed
        .coverage
        .iter()
        .filter_map(|entry| match &entry.status {
            CoverageStatus::Failed { kind, message } => Some((
                entry.unit.kind,
                entry.unit.resource.clone(),
                *kind,
                message.clone(),
            )),
            CoverageStatus::Ok => None,
        })
        .collect();
    assert_eq!(gaps.len(), 2, "{gaps:?}");
    let legacy_arn = lbs["legacy"].clone();
    let orders_arn = function_arn(E, R1, "orders-export");
    assert!(gaps.iter().any(|(kind, resource, failure, message)| {
        *kind == ResourceKind::Elbv2Listeners
            && resource.as_deref() == Some(legacy_arn.as_str())
            && *failure == FailureKind::AccessDenied
            && message.starts_with("eu-west-1 elasticloadbalancing:DescribeListeners: AccessDenied")
            && message.ends_with(
                " — add elasticloadbalancing:DescribeListeners to the scanning role (see docs/permissions.md)",
            )
    }), "{gaps:?}");
    assert!(
        gaps.iter().any(|(kind, resource, failure, message)| {
            *kind == ResourceKind::LambdaFunctionPolicy
                && resource.as_deref() == Some(orders_arn.as_str())
                && *failure == FailureKind::AccessDenied
                && message.starts_with("eu-west-1 lambda:GetPolicy: AccessDeniedException")
        }),
        "{gaps:?}"
    );
    let snapshot = snapshot_of_collection(&narrowed);
    let mut expected = expected_edge_verdicts(&lbs, E);
    for (rule, id) in [
        ("aws-elbv2-http-not-redirected", legacy_arn.clone()),
        ("aws-elbv2-tls-policy-outdated", legacy_arn.clone()),
        ("aws-lambda-function-public", orders_arn.clone()),
    ] {
        assert!(
            expected.contains_key(&(rule.to_string(), id.clone())),
            "{rule}"
        );
        expected.insert((rule.to_string(), id), "not_evaluated");
    }
    // The rules that read other parts still decide: the legacy ALB still fails the
    // access-log rule, the function still fails the runtime rule.
    assert_verdicts(&edge_verdicts(&snapshot), &expected);
    let report = engine().evaluate(&snapshot);
    assert_eq!(
        report.relevant_gaps().len(),
        2,
        "the scan is incomplete (exit 3)"
    );
}
