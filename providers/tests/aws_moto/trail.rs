//! CloudTrail, CloudWatch Logs and CloudWatch against moto, through the real SDK: two
//! accounts, two regions, every rule of the three services passing and failing, and denied
//! listings that leave exactly their rules not evaluated — including a trail listing denied
//! in the home region of the account's multi-region trail, which the other region still
//! shows.
//!
//! CloudWatch speaks Smithy RPC v2 CBOR, which moto 5.1 does not: the test server's
//! watchdog bridges it to moto's JSON protocol (tests/support/moto.rs).

use super::*;
use aws_sdk_cloudtrail::types as ctt;
use aws_sdk_cloudwatch::types as cwt;

const A: &str = "313131313131";
const B: &str = "323232323232";

/// The CIS AWS Foundations patterns of the rule's default classes, with their metrics.
const CIS: &[(&str, &str)] = &[
    ("Unauthorized", r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#),
    ("NoMfaSignIn", r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }"#),
    ("RootUse", r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#),
    ("IamPolicy", "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}"),
    // Reordered, unquoted and unparenthesised: still the same class.
    ("CloudTrailChanges", "{ $.eventName = StopLogging || $.eventName = StartLogging || $.eventName = DeleteTrail || $.eventName = UpdateTrail || $.eventName = CreateTrail }"),
    ("SecurityGroups", "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }"),
    ("NetworkAcls", "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }"),
];

const SERVICES: &[&str] = &["s3", "cloudtrail", "logs", "cloudwatch"];

fn is_trail_rule(rule: &str) -> bool {
    ["aws-cloudtrail-", "aws-logs-", "aws-cloudwatch-"]
        .iter()
        .any(|prefix| rule.starts_with(prefix))
}

fn trail_arn(account: &str, region: &str, name: &str) -> String {
    format!("arn:aws:cloudtrail:{region}:{account}:trail/{name}")
}

fn group_arn(account: &str, region: &str, name: &str) -> String {
    format!("arn:aws:logs:{region}:{account}:log-group:{name}")
}

fn alarm_arn(account: &str, region: &str, name: &str) -> String {
    format!("arn:aws:cloudwatch:{region}:{account}:alarm:{name}")
}

async fn bucket(moto: &Moto, account: &str, name: &str, public_read: bool) {
    let s3 = s3_client(&account_config(moto, account, R1).await);
    s3.create_bucket()
        .bucket(name)
        .create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::EuWest1)
                .build(),
        )
        .send()
        .await
        .unwrap();
    if public_read {
        s3.put_bucket_acl()
            .bucket(name)
            .acl(aws_sdk_s3::types::BucketCannedAcl::PublicRead)
            .send()
            .await
            .unwrap();
    } else {
        s3.put_public_access_block()
            .bucket(name)
            .public_access_block_configuration(sdk_block(all_on()))
            .send()
            .await
            .unwrap();
    }
}

struct TrailSeed<'a> {
    name: &'a str,
    region: &'a str,
    bucket: &'a str,
    multi_region: bool,
    validation: bool,
    kms: bool,
    log_group: Option<&'a str>,
    logging: bool,
    /// `None`: never set (moto then answers no selectors at all).
    selectors: Option<Vec<ctt::EventSelector>>,
}

async fn trail(moto: &Moto, account: &str, seed: TrailSeed<'_>) {
    let ct = aws_sdk_cloudtrail::Client::new(&account_config(moto, account, seed.region).await);
    let mut create = ct
        .create_trail()
        .name(seed.name)
        .s3_bucket_name(seed.bucket)
        .is_multi_region_trail(seed.multi_region)
        .enable_log_file_validation(seed.validation);
    if seed.kms {
        create = create.kms_key_id(format!(
            "arn:aws:kms:{}:{account}:key/7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
            seed.region
        ));
    }
    if let Some(group) = seed.log_group {
        create = create
            .cloud_watch_logs_log_group_arn(format!("{}:*", group_arn(account, seed.region, group)))
            .cloud_watch_logs_role_arn(format!("arn:aws:iam::{account}:role/cloudtrail-to-logs"));
    }
    create.send().await.unwrap();
    if seed.logging {
        ct.start_logging().name(seed.name).send().await.unwrap();
    }
    if let Some(selectors) = seed.selectors {
        ct.put_event_selectors()
            .trail_name(seed.name)
            .set_event_selectors(Some(selectors))
            .send()
            .await
            .unwrap();
    }
}

fn management(s3_data: bool) -> Vec<ctt::EventSelector> {
    let mut selector = ctt::EventSelector::builder()
        .read_write_type(ctt::ReadWriteType::All)
        .include_management_events(true);
    if s3_data {
        selector = selector.data_resources(
            ctt::DataResource::builder()
                .r#type("AWS::S3::Object")
                .values("arn:aws:s3")
                .build(),
        );
    }
    vec![selector.build()]
}

async fn log_group(
    logs: &aws_sdk_cloudwatchlogs::Client,
    name: &str,
    retention: Option<i32>,
    kms: Option<&str>,
) {
    logs.create_log_group()
        .log_group_name(name)
        .set_kms_key_id(kms.map(str::to_string))
        .send()
        .await
        .unwrap();
    if let Some(days) = retention {
        logs.put_retention_policy()
            .log_group_name(name)
            .retention_in_days(days)
            .send()
            .await
            .unwrap();
    }
}

async fn alarm(
    cw: &aws_sdk_cloudwatch::Client,
    name: &str,
    metric: &str,
    actions: bool,
    enabled: bool,
) {
    let mut put = cw
        .put_metric_alarm()
        .alarm_name(name)
        .namespace("CISBenchmark")
        .metric_name(metric)
        .statistic(cwt::Statistic::Sum)
        .period(300)
        .evaluation_periods(1)
        .threshold(1.0)
        .comparison_operator(cwt::ComparisonOperator::GreaterThanOrEqualToThreshold)
        .actions_enabled(enabled);
    if actions {
        put = put.alarm_actions("arn:aws:sns:eu-west-1:313131313131:security-alerts");
    }
    put.send().await.unwrap();
}

/// Account A: a good multi-region trail homed in eu-west-1 with S3 data events and every
/// CIS alarm on its log group, a poor single-region trail in us-east-1 delivering to a
/// public bucket, log groups kept too briefly or unencrypted, and silent alarms.
async fn seed_a(moto: &Moto) {
    bucket(moto, A, "trail-a-private", false).await;
    bucket(moto, A, "trail-a-public", true).await;
    let config = account_config(moto, A, R1).await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&config);
    let key = format!("arn:aws:kms:{R1}:{A}:key/5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d");
    log_group(&logs, "cloudtrail/main", Some(400), Some(&key)).await;
    log_group(&logs, "app/short", Some(7), None).await;
    for (metric, pattern) in CIS {
        logs.put_metric_filter()
            .log_group_name("cloudtrail/main")
            .filter_name(*metric)
            .filter_pattern(*pattern)
            .metric_transformations(
                aws_sdk_cloudwatchlogs::types::MetricTransformation::builder()
                    .metric_name(*metric)
                    .metric_namespace("CISBenchmark")
                    .metric_value("1")
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
    }
    let cw = aws_sdk_cloudwatch::Client::new(&config);
    for (metric, _) in CIS {
        alarm(&cw, metric, metric, true, true).await;
    }
    alarm(&cw, "quiet", "Orders5xx", false, true).await;
    let config = account_config(moto, A, R2).await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&config);
    log_group(&logs, "app/forever", None, None).await;
    let cw = aws_sdk_cloudwatch::Client::new(&config);
    alarm(&cw, "muted", "Latency", true, false).await;
    trail(
        moto,
        A,
        TrailSeed {
            name: "main",
            region: R1,
            bucket: "trail-a-private",
            multi_region: true,
            validation: true,
            kms: true,
            log_group: Some("cloudtrail/main"),
            logging: true,
            selectors: Some(management(true)),
        },
    )
    .await;
    trail(
        moto,
        A,
        TrailSeed {
            name: "legacy",
            region: R2,
            bucket: "trail-a-public",
            multi_region: false,
            validation: false,
            kms: false,
            log_group: None,
            logging: true,
            selectors: Some(management(false)),
        },
    )
    .await;
}

/// Account B: one multi-region trail homed in us-east-1 that never started logging and
/// never set selectors; no log groups, no alarms.
async fn seed_b(moto: &Moto) {
    bucket(moto, B, "trail-b-private", false).await;
    trail(
        moto,
        B,
        TrailSeed {
            name: "idle",
            region: R2,
            bucket: "trail-b-private",
            multi_region: true,
            validation: true,
            kms: false,
            log_group: None,
            logging: false,
            selectors: None,
        },
    )
    .await;
}

/// The calls the three services make in the main scenario (two accounts, two regions, no
/// trails): the region-wide listings only.
pub(super) fn calls_of_the_main_scenario() -> Vec<(String, u64)> {
    [
        "cloudtrail:DescribeTrails",
        "logs:DescribeLogGroups",
        "logs:DescribeMetricFilters",
        "cloudwatch:DescribeAlarms",
    ]
    .iter()
    .map(|operation| (operation.to_string(), 4))
    .collect()
}

/// The three services' verdicts in the main scenario: accounts without trails, and the
/// log group account A's flow log delivers to (never expires, not encrypted).
pub(super) fn verdicts_of_the_main_scenario(
    a: &str,
    b: &str,
) -> Vec<((String, String), &'static str)> {
    let mut entries = vec![
        (
            (
                "aws-logs-group-retention-short".to_string(),
                group_arn(a, R1, "vpc-flow-logs"),
            ),
            "pass",
        ),
        (
            (
                "aws-logs-group-kms-off".to_string(),
                group_arn(a, R1, "vpc-flow-logs"),
            ),
            "fail",
        ),
    ];
    for account in [a, b] {
        for (rule, service) in [
            ("aws-cloudtrail-multi-region-off", "cloudtrail"),
            ("aws-cloudtrail-s3-data-events-off", "cloudtrail"),
            ("aws-cloudwatch-security-alarms-missing", "cloudwatch"),
        ] {
            entries.push(((rule.to_string(), account_id(service, account)), "fail"));
        }
    }
    entries
}

fn trail_verdicts(snapshot: &Snapshot) -> BTreeMap<(String, String), &'static str> {
    verdicts(snapshot)
        .into_iter()
        .filter(|((rule, _), _)| is_trail_rule(rule))
        .collect()
}

fn expect(entries: &[(&str, String, &'static str)]) -> BTreeMap<(String, String), &'static str> {
    entries
        .iter()
        .map(|(rule, subject, verdict)| ((rule.to_string(), subject.clone()), *verdict))
        .collect()
}

fn account_id(service: &str, account: &str) -> String {
    format!("arn:aws:{service}::{account}:account")
}

/// Every verdict of the three services' rules when everything could be read.
fn expected_all_read() -> BTreeMap<(String, String), &'static str> {
    let main = trail_arn(A, R1, "main");
    let legacy = trail_arn(A, R2, "legacy");
    let idle = trail_arn(B, R2, "idle");
    let mut entries = vec![
        (
            "aws-cloudtrail-multi-region-off",
            account_id("cloudtrail", A),
            "pass",
        ),
        // B's trail is not logging, and its empty selectors record nothing.
        (
            "aws-cloudtrail-multi-region-off",
            account_id("cloudtrail", B),
            "fail",
        ),
        (
            "aws-cloudtrail-s3-data-events-off",
            account_id("cloudtrail", A),
            "pass",
        ),
        (
            "aws-cloudtrail-s3-data-events-off",
            account_id("cloudtrail", B),
            "fail",
        ),
        (
            "aws-cloudwatch-security-alarms-missing",
            account_id("cloudwatch", A),
            "pass",
        ),
        (
            "aws-cloudwatch-security-alarms-missing",
            account_id("cloudwatch", B),
            "fail",
        ),
        ("aws-cloudtrail-log-validation-off", main.clone(), "pass"),
        ("aws-cloudtrail-log-validation-off", legacy.clone(), "fail"),
        ("aws-cloudtrail-log-validation-off", idle.clone(), "pass"),
        ("aws-cloudtrail-kms-off", main.clone(), "pass"),
        ("aws-cloudtrail-kms-off", legacy.clone(), "fail"),
        ("aws-cloudtrail-kms-off", idle.clone(), "fail"),
        ("aws-cloudtrail-cloudwatch-off", main.clone(), "pass"),
        ("aws-cloudtrail-cloudwatch-off", legacy.clone(), "fail"),
        ("aws-cloudtrail-cloudwatch-off", idle.clone(), "fail"),
        ("aws-cloudtrail-bucket-public", main.clone(), "pass"),
        ("aws-cloudtrail-bucket-public", legacy.clone(), "fail"),
        ("aws-cloudtrail-bucket-public", idle.clone(), "pass"),
        (
            "aws-logs-group-retention-short",
            group_arn(A, R1, "cloudtrail/main"),
            "pass",
        ),
        (
            "aws-logs-group-retention-short",
            group_arn(A, R1, "app/short"),
            "fail",
        ),
        (
            "aws-logs-group-retention-short",
            group_arn(A, R2, "app/forever"),
            "pass",
        ),
        (
            "aws-logs-group-kms-off",
            group_arn(A, R1, "cloudtrail/main"),
            "pass",
        ),
        (
            "aws-logs-group-kms-off",
            group_arn(A, R1, "app/short"),
            "fail",
        ),
        (
            "aws-logs-group-kms-off",
            group_arn(A, R2, "app/forever"),
            "fail",
        ),
        (
            "aws-cloudwatch-alarm-no-action",
            alarm_arn(A, R1, "quiet"),
            "fail",
        ),
        (
            "aws-cloudwatch-alarm-no-action",
            alarm_arn(A, R2, "muted"),
            "fail",
        ),
    ];
    for (metric, _) in CIS {
        entries.push((
            "aws-cloudwatch-alarm-no-action",
            alarm_arn(A, R1, metric),
            "pass",
        ));
    }
    expect(&entries)
}

async fn seeded() -> Option<&'static Moto> {
    static SEEDED: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    let moto = shared_moto()?;
    SEEDED
        .get_or_init(|| async {
            tokio::join!(seed_a(moto), seed_b(moto));
        })
        .await;
    Some(moto)
}

fn trail_config(collection: &AwsCollection, id: &str) -> CloudtrailTrail {
    match &find(collection, id).config {
        ResourceConfig::CloudtrailTrail(trail) => trail.clone(),
        other => panic!("{id}: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trails_log_groups_and_alarms_in_two_accounts_pass_and_fail_every_rule() {
    let Some(moto) = seeded().await else { return };
    let mut options = scan_options(moto, &[A, B], &[R1, R2]);
    options.services = SERVICES.iter().map(|s| s.to_string()).collect();
    let collection = collect(&options, Arc::new(NoProgress)).await.expect("scan");
    assert_coverage(
        &collection.coverage,
        &services_ok_coverage(&[A, B], &[R1, R2], SERVICES),
    );
    assert_calls_are_documented(&collection);

    // The model. Each trail once, in its home region, though multi-region trails are in
    // both regions' listings.
    let trails: Vec<&Resource> = collection
        .resources
        .iter()
        .filter(|r| r.kind() == ResourceKind::CloudtrailTrail)
        .collect();
    assert_eq!(trails.len(), 3, "{trails:#?}");
    let main = trail_config(&collection, &trail_arn(A, R1, "main"));
    assert_eq!(find(&collection, &trail_arn(A, R1, "main")).region, R1);
    assert_eq!(main.owner_account, A);
    assert!(main.is_multi_region_trail && main.log_file_validation_enabled);
    assert_eq!(main.is_logging, Some(true));
    assert_eq!(
        main.cloud_watch_logs_log_group_arn.as_deref(),
        Some(format!("{}:*", group_arn(A, R1, "cloudtrail/main")).as_str())
    );
    let selectors = main.event_selectors.expect("read");
    assert_eq!(selectors.basic.len(), 1);
    assert_eq!(selectors.basic[0].read_write_type, "All");
    assert_eq!(
        selectors.basic[0].data_resources[0].resource_type,
        "AWS::S3::Object"
    );
    let idle = trail_config(&collection, &trail_arn(B, R2, "idle"));
    assert_eq!(idle.is_logging, Some(false));
    // What moto answered for a trail that never set selectors, stored as it was.
    assert_eq!(idle.event_selectors, Some(TrailEventSelectors::default()));
    let group =
        |region: &str, name: &str| match &find(&collection, &group_arn(A, region, name)).config {
            ResourceConfig::LogsLogGroup(group) => group.clone(),
            other => panic!("{other:?}"),
        };
    let main_group = group(R1, "cloudtrail/main");
    assert_eq!(main_group.retention_in_days, Some(400));
    assert_eq!(
        main_group.metric_filters.as_ref().map(Vec::len),
        Some(CIS.len())
    );
    assert_eq!(group(R2, "app/forever").retention_in_days, None);
    assert_eq!(group(R2, "app/forever").metric_filters, Some(vec![]));
    match &find(&collection, &alarm_arn(A, R2, "muted")).config {
        ResourceConfig::CloudwatchAlarm(alarm) => {
            assert!(!alarm.actions_enabled);
            assert_eq!(alarm.namespace.as_deref(), Some("CISBenchmark"));
            assert_eq!(alarm.metric_name.as_deref(), Some("Latency"));
        }
        other => panic!("{other:?}"),
    }
    // One status and one selectors read per trail, one listing per region and account.
    assert_eq!(
        collection.api_calls.get("cloudtrail:DescribeTrails"),
        Some(&4)
    );
    assert_eq!(
        collection.api_calls.get("cloudtrail:GetTrailStatus"),
        Some(&3)
    );
    assert_eq!(
        collection.api_calls.get("cloudtrail:GetEventSelectors"),
        Some(&3)
    );
    assert_eq!(
        collection.api_calls.get("logs:DescribeMetricFilters"),
        Some(&4)
    );

    let snapshot = snapshot_of_collection(&collection);
    assert_verdicts(&trail_verdicts(&snapshot), &expected_all_read());
    // B's failures say what is wrong.
    let report = engine().evaluate(&snapshot);
    let message = |rule: &str, id: &str| {
        report
            .evaluations
            .iter()
            .find(|e| {
                report.rule_of(e).rule.meta().id == rule
                    && report.resource_of(e).is_some_and(|r| r.id == id)
            })
            .and_then(|e| e.verdict.message().map(str::to_string))
            .unwrap_or_default()
    };
    let b_account = account_id("cloudtrail", B);
    assert!(
        message("aws-cloudtrail-multi-region-off", &b_account)
            .contains("trail idle (home us-east-1) is not logging"),
        "{}",
        message("aws-cloudtrail-multi-region-off", &b_account)
    );
    assert!(message(
        "aws-cloudwatch-security-alarms-missing",
        &account_id("cloudwatch", B)
    )
    .contains("trail idle (home us-east-1) is not logging"));
    assert!(
        message("aws-cloudtrail-bucket-public", &trail_arn(A, R2, "legacy"))
            .contains("trail-a-public, which can be read or listed by anyone")
    );
}

/// A proxy that denies, as AccessDenied, `DescribeTrails` in eu-west-1 (the home region
/// of A's multi-region trail), `DescribeLogGroups` in eu-west-1 and `DescribeAlarms` in
/// us-east-1 (a CBOR call, answered in CBOR).
fn denying_proxy(upstream: u16, denied: Arc<std::sync::atomic::AtomicUsize>) -> u16 {
    use std::sync::atomic::Ordering;
    let json_denial = |target: &str| {
        let body = "{\"__type\":\"AccessDeniedException\",\"message\":\"not authorized (soc2scan fault proxy)\"}";
        format!(
            "HTTP/1.1 403 Forbidden\r\nContent-Type: application/x-amz-json-1.1\r\n\
             x-amzn-ErrorType: AccessDeniedException\r\nx-amzn-RequestId: {target}\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    };
    fault_proxy::start_proxy(upstream, move |request| {
        let text = String::from_utf8_lossy(request).to_ascii_lowercase();
        let has = |fragments: &[&str]| fragments.iter().all(|f| text.contains(f));
        let answer = if has(&[
            "cloudtrail_20131101.describetrails",
            "/eu-west-1/cloudtrail/",
        ]) {
            json_denial("trails")
        } else if has(&["logs_20140328.describeloggroups", "/eu-west-1/logs/"]) {
            json_denial("groups")
        } else if has(&["/operation/describealarms", "/us-east-1/monitoring/"]) {
            // {"__type": "AccessDeniedException", "message": "not authorized"}
            let mut body = vec![0xA2];
            for item in [
                "__type",
                "AccessDeniedException",
                "message",
                "not authorized",
            ] {
                body.push(0x60 | item.len() as u8);
                body.extend_from_slice(item.as_bytes());
            }
            let mut response = format!(
                "HTTP/1.1 403 Forbidden\r\nContent-Type: application/cbor\r\n\
                 smithy-protocol: rpc-v2-cbor\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
            .into_bytes();
            response.extend_from_slice(&body);
            response
        } else {
            return fault_proxy::Answer::Forward;
        };
        denied.fetch_add(1, Ordering::Relaxed);
        fault_proxy::Answer::Respond(answer)
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denied_listings_leave_exactly_their_rules_not_evaluated_and_hide_no_multi_region_trail() {
    let Some(moto) = seeded().await else { return };
    let denied = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let proxy = Moto::external(denying_proxy(moto.port, denied.clone()));
    let mut options = scan_options(&proxy, &[A], &[R1, R2]);
    options.services = SERVICES.iter().map(|s| s.to_string()).collect();
    options.endpoint_url = Some(proxy.endpoint());
    let collection = collect(&options, Arc::new(NoProgress)).await.expect("scan");
    assert!(denied.load(std::sync::atomic::Ordering::Relaxed) >= 3);

    // Exactly the three units failed, as access_denied; the trail homed in the denied
    // region is kept, with a unit narrowed to it and ok.
    let failed: Vec<String> = collection
        .coverage
        .iter()
        .filter(|e| e.is_gap())
        .map(|e| e.unit.to_string())
        .collect();
    assert_eq!(failed.len(), 3, "{failed:?}");
    for entry in collection.coverage.iter().filter(|e| e.is_gap()) {
        let CoverageStatus::Failed { kind, .. } = &entry.status else {
            unreachable!()
        };
        assert_eq!(*kind, FailureKind::AccessDenied, "{}", entry.unit);
        let expected = matches!(
            (entry.unit.kind, entry.unit.region.as_str()),
            (ResourceKind::CloudtrailTrail, R1)
                | (ResourceKind::LogsLogGroup, R1)
                | (ResourceKind::CloudwatchAlarm, R2)
        );
        assert!(expected && entry.unit.resource.is_none(), "{}", entry.unit);
    }
    let main = trail_arn(A, R1, "main");
    assert!(collection
        .coverage
        .iter()
        .any(|e| e.unit.resource.as_deref() == Some(main.as_str())
            && e.unit.kind == ResourceKind::CloudtrailTrail
            && !e.is_gap()));
    assert_eq!(trail_config(&collection, &main).is_logging, Some(true));

    let snapshot = snapshot_of_collection(&collection);
    let mut expected: BTreeMap<(String, String), &'static str> = expected_all_read()
        .into_iter()
        .filter(|((_, subject), _)| subject.contains(A))
        .collect();
    let unit = |kind: &str, region: &str| format!("unit:aws/{A}/{region} {kind}");
    for rule in [
        "aws-cloudtrail-log-validation-off",
        "aws-cloudtrail-kms-off",
        "aws-cloudtrail-cloudwatch-off",
        "aws-cloudtrail-bucket-public",
    ] {
        // The trails only eu-west-1 would show are not checked; the multi-region trail
        // homed there still is (its verdicts above stay).
        expected.insert((rule.into(), unit("cloudtrail_trail", R1)), "not_evaluated");
    }
    for rule in ["aws-logs-group-retention-short", "aws-logs-group-kms-off"] {
        expected.retain(|(r, s), _| !(r == rule && s.contains(&format!(":{R1}:"))));
        expected.insert((rule.into(), unit("logs_log_group", R1)), "not_evaluated");
    }
    expected.retain(|(r, s), _| {
        !(r == "aws-cloudwatch-alarm-no-action" && s.contains(&format!(":{R2}:")))
    });
    expected.insert(
        (
            "aws-cloudwatch-alarm-no-action".into(),
            unit("cloudwatch_alarm", R2),
        ),
        "not_evaluated",
    );
    // The trail's log group is in the region whose log groups were denied.
    expected.insert(
        (
            "aws-cloudwatch-security-alarms-missing".into(),
            account_id("cloudwatch", A),
        ),
        "not_evaluated",
    );
    // Seen from us-east-1, the multi-region trail still proves both account rules.
    assert_verdicts(&trail_verdicts(&snapshot), &expected);
}
