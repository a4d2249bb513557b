//! AWS Config, GuardDuty, Security Hub, ACM and Secrets Manager through the real SDK against
//! moto, in two accounts and two regions: the region-wide services on in one region and not
//! enabled (or stopped, or suspended) elsewhere; certificates in use expiring late, soon, and
//! not in use; secrets rotating, not rotating and rotating too rarely. A denied call of each
//! region-wide service is a gap for exactly its rule, never a "not enabled". A secret value
//! seeded as a canary reaches no snapshot, report or progress event.

use super::*;

/// Account E: everything on in eu-west-1; in us-east-1 a recorder recording without the
/// global types, a suspended detector and no hub. Account F: a stopped recorder in eu-west-1,
/// nothing else anywhere.
const E: &str = "710000000001";
const F: &str = "710000000002";

/// The services of this scenario.
const REGIONAL_SERVICES: &[&str] = &[
    "config",
    "guardduty",
    "securityhub",
    "acm",
    "secretsmanager",
];

/// The rules of these services.
fn is_regional_rule(rule: &str) -> bool {
    [
        "aws-config-",
        "aws-guardduty-",
        "aws-securityhub-",
        "aws-acm-",
        "aws-secretsmanager-",
    ]
    .iter()
    .any(|prefix| rule.starts_with(prefix))
}

fn regional_verdicts(snapshot: &Snapshot) -> BTreeMap<(String, String), &'static str> {
    verdicts(snapshot)
        .into_iter()
        .filter(|((rule, _), _)| is_regional_rule(rule))
        .collect()
}

/// The value of one secret: it must never leave moto.
const SECRET_CANARY: &str = "soc2scan-canary-secret-value-4b9e2f";

fn synthetic_arn(service: &str, account: &str, region: &str) -> String {
    format!("arn:aws:{service}:{region}:{account}:{service}-region")
}

fn config_arn(account: &str, region: &str) -> String {
    format!("arn:aws:config:{region}:{account}:config-region")
}

/// A self-signed certificate for `domain` valid from yesterday for `days` days, and its key
/// (RSA-2048, or EC P-256 with `ec`), as PEM — made with the moto venv's `cryptography`.
fn pem_certificate(domain: &str, days: i64, ec: bool) -> (String, String) {
    let python = moto_python().expect("moto's python");
    let script = r#"
import datetime, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
domain, days, curve = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "ec"
key = ec.generate_private_key(ec.SECP256R1()) if curve else rsa.generate_private_key(public_exponent=65537, key_size=2048)
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])
now = datetime.datetime.now(datetime.timezone.utc)
cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(domain)]), critical=False)
        .sign(key, hashes.SHA256()))
print(cert.public_bytes(serialization.Encoding.PEM).decode(), end="")
print("-----SPLIT-----")
print(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()).decode(), end="")
"#;
    let output = std::process::Command::new(python)
        .args([
            "-c",
            script,
            domain,
            &days.to_string(),
            if ec { "ec" } else { "rsa" },
        ])
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let (cert, key) = text
        .split_once("-----SPLIT-----\n")
        .expect("two PEM blocks");
    (cert.to_string(), key.to_string())
}

async fn import_certificate(
    acm: &aws_sdk_acm::Client,
    domain: &str,
    days: i64,
    ec: bool,
) -> String {
    let (cert, key) = pem_certificate(domain, days, ec);
    acm.import_certificate()
        .certificate(aws_smithy_types::Blob::new(cert.into_bytes()))
        .private_key(aws_smithy_types::Blob::new(key.into_bytes()))
        .send()
        .await
        .unwrap()
        .certificate_arn()
        .unwrap()
        .to_string()
}

/// A classic load balancer in `account`/`region` with an HTTPS listener on `certificate`,
/// which makes moto's ACM report the certificate in use (no SDK crate of this build speaks
/// classic ELB).
fn use_certificate(moto: &Moto, account: &str, region: &str, name: &str, certificate: &str) {
    let scope = format!(
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240101/{region}/elasticloadbalancing/aws4_request, \
         SignedHeaders=host, Signature=0"
    );
    let encode = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    let body = format!(
        "Action=CreateLoadBalancer&Version=2012-06-01&LoadBalancerName={name}\
         &AvailabilityZones.member.1={region}a\
         &Listeners.member.1.Protocol=HTTPS&Listeners.member.1.LoadBalancerPort=443\
         &Listeners.member.1.InstanceProtocol=HTTP&Listeners.member.1.InstancePort=80\
         &Listeners.member.1.SSLCertificateId={}",
        encode(certificate)
    );
    let (status, answer) = http(
        moto.port,
        "POST",
        "/",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Authorization", &scope),
            ("x-moto-account-id", account),
        ],
        &body,
    )
    .expect("CreateLoadBalancer");
    assert_eq!(status, 200, "CreateLoadBalancer: {answer}");
}

/// What the seeding made that the expectations name.
struct SeededRegional {
    cert_www: String,
    cert_api: String,
    cert_spare: String,
    cert_east: String,
    secret_orders: String,
    secret_legacy: String,
    secret_yearly: String,
    secret_reporting: String,
}

async fn put_recorder(config: &aws_sdk_config::Client, global: bool, start: bool) {
    use aws_sdk_config::types::{ConfigurationRecorder, DeliveryChannel, RecordingGroup};
    config
        .put_configuration_recorder()
        .configuration_recorder(
            ConfigurationRecorder::builder()
                .name("default")
                .role_arn("arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig")
                .recording_group(
                    RecordingGroup::builder()
                        .all_supported(true)
                        .include_global_resource_types(global)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    config
        .put_delivery_channel()
        .delivery_channel(
            DeliveryChannel::builder()
                .name("default")
                .s3_bucket_name("acme-config-history")
                .build(),
        )
        .send()
        .await
        .unwrap();
    if start {
        config
            .start_configuration_recorder()
            .configuration_recorder_name("default")
            .send()
            .await
            .unwrap();
    }
}

async fn create_secret(
    secrets: &aws_sdk_secretsmanager::Client,
    name: &str,
    value: &str,
    rotate_after_days: Option<i64>,
) -> String {
    let arn = secrets
        .create_secret()
        .name(name)
        .secret_string(value)
        .send()
        .await
        .unwrap()
        .arn()
        .unwrap()
        .to_string();
    if let Some(days) = rotate_after_days {
        // moto rotates without a rotation function (AWS would need one): enough to turn
        // rotation on and stamp LastRotatedDate.
        secrets
            .rotate_secret()
            .secret_id(name)
            .rotation_rules(
                aws_sdk_secretsmanager::types::RotationRulesType::builder()
                    .automatically_after_days(days)
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
    arn
}

async fn seed_regional(moto: &Moto) -> SeededRegional {
    let e1 = account_config(moto, E, R1).await;
    let e2 = account_config(moto, E, R2).await;
    let f1 = account_config(moto, F, R1).await;

    put_recorder(&aws_sdk_config::Client::new(&e1), true, true).await;
    put_recorder(&aws_sdk_config::Client::new(&e2), false, true).await;
    put_recorder(&aws_sdk_config::Client::new(&f1), true, false).await;

    aws_sdk_guardduty::Client::new(&e1)
        .create_detector()
        .enable(true)
        .send()
        .await
        .unwrap();
    aws_sdk_guardduty::Client::new(&e2)
        .create_detector()
        .enable(false)
        .send()
        .await
        .unwrap();
    aws_sdk_securityhub::Client::new(&e1)
        .enable_security_hub()
        .send()
        .await
        .unwrap();

    let acm1 = aws_sdk_acm::Client::new(&e1);
    let cert_www = import_certificate(&acm1, "www.acme.example", 200, false).await;
    let cert_api = import_certificate(&acm1, "api.acme.example", 10, false).await;
    let cert_spare = import_certificate(&acm1, "old.acme.example", 5, false).await;
    use_certificate(moto, E, R1, "web", &cert_www);
    use_certificate(moto, E, R1, "api", &cert_api);
    // An EC key: left out by ListCertificates unless asked for by key type.
    let cert_east = import_certificate(
        &aws_sdk_acm::Client::new(&e2),
        "east.acme.example",
        100,
        true,
    )
    .await;

    let secrets1 = aws_sdk_secretsmanager::Client::new(&e1);
    let secret_orders = create_secret(&secrets1, "prod/orders-db", "not-a-canary", Some(30)).await;
    let secret_legacy = create_secret(&secrets1, "legacy/api-key", SECRET_CANARY, None).await;
    let secret_yearly = create_secret(&secrets1, "prod/yearly", "not-a-canary", Some(365)).await;
    let secret_reporting = create_secret(
        &aws_sdk_secretsmanager::Client::new(&e2),
        "prod/reporting",
        "not-a-canary",
        Some(90),
    )
    .await;
    SeededRegional {
        cert_www,
        cert_api,
        cert_spare,
        cert_east,
        secret_orders,
        secret_legacy,
        secret_yearly,
        secret_reporting,
    }
}

/// Every verdict of these services' rules in the scenario, with why.
fn expected_regional_verdicts(s: &SeededRegional) -> BTreeMap<(String, String), &'static str> {
    let (pass, fail) = ("pass", "fail");
    let mut e = BTreeMap::new();
    for (account, region, config, guardduty, securityhub) in [
        // Everything on; the recorder takes in the global types for the account.
        (E, R1, pass, pass, pass),
        // Recording (without the global types, recorded in eu-west-1); detector suspended.
        (E, R2, pass, fail, fail),
        // A stopped recorder, and no region of F records the global types (said here, on
        // F's first region, once).
        (F, R1, fail, fail, fail),
        (F, R2, fail, fail, fail),
    ] {
        e.insert(
            (
                "aws-config-recorder-off".to_string(),
                config_arn(account, region),
            ),
            config,
        );
        e.insert(
            (
                "aws-guardduty-off".to_string(),
                synthetic_arn("guardduty", account, region),
            ),
            guardduty,
        );
        e.insert(
            (
                "aws-securityhub-off".to_string(),
                synthetic_arn("securityhub", account, region),
            ),
            securityhub,
        );
    }
    // In use: 200 days left passes, 10 fails; the spare (5 days, not in use) and the EC
    // certificate (not in use) are not judged.
    e.insert(
        ("aws-acm-certificate-expiring".into(), s.cert_www.clone()),
        pass,
    );
    e.insert(
        ("aws-acm-certificate-expiring".into(), s.cert_api.clone()),
        fail,
    );
    for (secret, verdict) in [
        (&s.secret_orders, pass),    // every 30 days, just rotated
        (&s.secret_legacy, fail),    // no rotation
        (&s.secret_yearly, fail),    // every 365 days
        (&s.secret_reporting, pass), // every 90 days, just rotated
    ] {
        e.insert(
            ("aws-secretsmanager-rotation-off".into(), secret.clone()),
            verdict,
        );
    }
    e
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_guardduty_securityhub_acm_and_secrets_in_two_regions_pass_and_fail_every_rule() {
    let Some(moto) = shared_moto() else { return };
    let s = seed_regional(moto).await;

    let recorder = Arc::new(Recorder::default());
    let options = AwsScanOptions {
        services: REGIONAL_SERVICES.iter().map(|s| s.to_string()).collect(),
        ..scan_options(moto, &[E, F], &[R1, R2])
    };
    let collection = collect(&options, recorder.clone()).await.expect("scan");
    assert_coverage(
        &collection.coverage,
        &services_ok_coverage(&[E, F], &[R1, R2], REGIONAL_SERVICES),
    );

    // --- the model ---
    let ResourceConfig::ConfigRegion(east_config) = config_of(&collection, &config_arn(E, R2))
    else {
        panic!("not a Config region")
    };
    assert_eq!(
        east_config.recorders,
        vec![ConfigRecorder {
            name: "default".into(),
            recording: Some(true),
            last_status: Some("PENDING".into()),
            recording_strategy: Some("ALL_SUPPORTED_RESOURCE_TYPES".into()),
            records_global_resource_types: false,
            service_principal: None,
        }]
    );
    let ResourceConfig::ConfigRegion(home) = config_of(&collection, &config_arn(E, R1)) else {
        panic!("not a Config region")
    };
    assert_eq!(home.records_global_resource_types(), Some(true));
    let ResourceConfig::ConfigRegion(stopped) = config_of(&collection, &config_arn(F, R1)) else {
        panic!("not a Config region")
    };
    assert_eq!(stopped.recorders[0].recording, Some(false));
    assert_eq!(
        config_of(&collection, &config_arn(F, R2)),
        &ResourceConfig::ConfigRegion(ConfigRegion { recorders: vec![] }),
        "an empty recorder list is a region without a recorder, not a gap"
    );
    let ResourceConfig::GuarddutyRegion(suspended) =
        config_of(&collection, &synthetic_arn("guardduty", E, R2))
    else {
        panic!("not a GuardDuty region")
    };
    assert_eq!(suspended.detectors.len(), 1);
    assert_eq!(suspended.detectors[0].status, "DISABLED");
    assert!(suspended.detectors[0].created_at.is_some());
    assert_eq!(
        config_of(&collection, &synthetic_arn("guardduty", F, R1)),
        &ResourceConfig::GuarddutyRegion(GuarddutyRegion { detectors: vec![] })
    );
    let ResourceConfig::SecurityhubRegion(hub) =
        config_of(&collection, &synthetic_arn("securityhub", E, R1))
    else {
        panic!("not a Security Hub region")
    };
    assert!(hub.enabled);
    assert_eq!(
        hub.hub_arn.as_deref(),
        Some(format!("arn:aws:securityhub:{R1}:{E}:hub/default").as_str())
    );
    assert_eq!(
        config_of(&collection, &synthetic_arn("securityhub", E, R2)),
        &ResourceConfig::SecurityhubRegion(SecurityhubRegion {
            enabled: false,
            hub_arn: None,
            subscribed_at: None,
            auto_enable_controls: None,
        }),
        "InvalidAccessException is a region not subscribed, not a gap"
    );
    assert_eq!(
        ids_of(&collection, E, R1, ResourceKind::AcmCertificate),
        set([s.cert_www.clone(), s.cert_api.clone(), s.cert_spare.clone()])
    );
    let api = find(&collection, &s.cert_api);
    assert_eq!(api.name.as_deref(), Some("api.acme.example"));
    let ResourceConfig::AcmCertificate(api) = &api.config else {
        panic!("not a certificate")
    };
    assert_eq!(api.in_use, Some(true));
    assert_eq!(api.status.as_deref(), Some("ISSUED"));
    assert_eq!(api.certificate_type.as_deref(), Some("IMPORTED"));
    let days_left = (api.not_after.unwrap() - chrono::Utc::now()).num_days();
    assert!((9..=10).contains(&days_left), "{days_left}");
    let ResourceConfig::AcmCertificate(spare) = config_of(&collection, &s.cert_spare) else {
        panic!("not a certificate")
    };
    assert_eq!(spare.in_use, Some(false));
    let ResourceConfig::AcmCertificate(east) = config_of(&collection, &s.cert_east) else {
        panic!("not a certificate")
    };
    assert_eq!(east.key_algorithm.as_deref(), Some("EC_prime256v1"));
    let orders = find(&collection, &s.secret_orders);
    assert_eq!(orders.name.as_deref(), Some("prod/orders-db"));
    let ResourceConfig::SecretsmanagerSecret(orders) = &orders.config else {
        panic!("not a secret")
    };
    assert!(orders.rotation_enabled);
    assert_eq!(
        orders
            .rotation_rules
            .as_ref()
            .unwrap()
            .automatically_after_days,
        Some(30)
    );
    let history = orders.history.as_ref().unwrap();
    assert!(history.created_date.is_some() && history.last_rotated_date.is_some());
    let ResourceConfig::SecretsmanagerSecret(legacy) = config_of(&collection, &s.secret_legacy)
    else {
        panic!("not a secret")
    };
    assert!(!legacy.rotation_enabled);
    assert_eq!(legacy.history.as_ref().unwrap().last_rotated_date, None);

    // --- calls: one listing (or two for Config) per region; per-resource calls only where
    // needed: GetDetector per detector, and no DescribeCertificate (the summaries carry all).
    assert_calls_are_documented(&collection);
    let mut expected_calls: BTreeMap<String, u64> = BTreeMap::new();
    for (operation, count) in [
        ("sts:GetCallerIdentity", 2),
        ("sts:AssumeRole", 2),
        ("config:DescribeConfigurationRecorders", 4),
        ("config:DescribeConfigurationRecorderStatus", 4),
        ("guardduty:ListDetectors", 4),
        ("guardduty:GetDetector", 2),
        ("securityhub:DescribeHub", 4),
        ("acm:ListCertificates", 4),
        ("secretsmanager:ListSecrets", 4),
    ] {
        expected_calls.insert(operation.to_string(), count);
    }
    assert_eq!(collection.api_calls, expected_calls);

    // --- verdicts ---
    let snapshot = snapshot_of_collection(&collection);
    assert_verdicts(
        &regional_verdicts(&snapshot),
        &expected_regional_verdicts(&s),
    );
    let report = engine().evaluate(&snapshot);
    let message = |rule: &str, id: &str| {
        report
            .evaluations
            .iter()
            .find(|e| {
                report.rule_of(e).rule.meta().id == rule
                    && report.resource_of(e).map(|r| r.id.as_str()) == Some(id)
            })
            .and_then(|e| e.verdict.message())
            .unwrap_or_default()
            .to_string()
    };
    let f_home = message("aws-config-recorder-off", &config_arn(F, R1));
    assert!(
        f_home.contains("(default) that is not recording")
            && f_home.contains(&format!(
                "no scanned region of account {F} (eu-west-1, us-east-1) records the global IAM resource types"
            )),
        "{f_home}"
    );
    let f_east = message("aws-config-recorder-off", &config_arn(F, R2));
    assert!(
        f_east.contains("has no configuration recorder") && !f_east.contains("no scanned region"),
        "the account-wide finding is reported once: {f_east}"
    );
    assert!(
        message("aws-guardduty-off", &synthetic_arn("guardduty", E, R2))
            .contains("is suspended (DISABLED)")
    );
    assert!(message("aws-acm-certificate-expiring", &s.cert_api).contains("api.acme.example"));
    assert!(message("aws-secretsmanager-rotation-off", &s.secret_yearly)
        .contains("rotates only every 365 days"));
    assert!(
        report
            .skipped
            .iter()
            .all(|skipped| !is_regional_rule(skipped.run.rule.meta().id)),
        "every rule of these services ran"
    );

    // The same data judged 120 days later: the rotating secrets are overdue now; the
    // certificate that had 200 days left still has 80; 11 days later the other one has
    // expired.
    let mut later = snapshot.clone();
    later.metadata.finished_at += chrono::TimeDelta::days(120);
    let aged = regional_verdicts(&later);
    for (rule, id, verdict) in [
        ("aws-secretsmanager-rotation-off", &s.secret_orders, "fail"),
        (
            "aws-secretsmanager-rotation-off",
            &s.secret_reporting,
            "fail",
        ),
        ("aws-acm-certificate-expiring", &s.cert_www, "pass"),
        ("aws-acm-certificate-expiring", &s.cert_api, "fail"),
    ] {
        assert_eq!(
            aged.get(&(rule.to_string(), id.clone())),
            Some(&verdict),
            "{rule} {id} 120 days later"
        );
    }
    let mut expired = snapshot.clone();
    expired.metadata.finished_at += chrono::TimeDelta::days(11);
    let report_expired = engine().evaluate(&expired);
    let expired_message = report_expired
        .evaluations
        .iter()
        .find(|e| report_expired.resource_of(e).map(|r| r.id.as_str()) == Some(s.cert_api.as_str()))
        .and_then(|e| e.verdict.message())
        .unwrap_or_default()
        .to_string();
    assert!(
        expired_message.contains("is in use and expired on"),
        "{expired_message}"
    );

    // --- the secret value never leaves moto ---
    let value = aws_sdk_secretsmanager::Client::new(&account_config(moto, E, R1).await)
        .get_secret_value()
        .secret_id("legacy/api-key")
        .send()
        .await
        .unwrap();
    assert_eq!(
        value.secret_string(),
        Some(SECRET_CANARY),
        "the canary is there"
    );
    let json = snapshot.to_json_pretty().unwrap();
    assert!(
        !json.contains(SECRET_CANARY),
        "a secret value reached the snapshot"
    );
    assert!(!format!("{collection:?}").contains(SECRET_CANARY));
    let messages: String = report
        .evaluations
        .iter()
        .filter_map(|e| e.verdict.message())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        !messages.contains(SECRET_CANARY),
        "a secret value reached a finding"
    );
    assert!(!format!("{:?}", recorder.started.lock().unwrap()).contains(SECRET_CANARY));
    assert!(
        !collection
            .api_calls
            .contains_key("secretsmanager:GetSecretValue"),
        "no value was asked for"
    );
    assert_no_secrets(&json, &[], &[]);

    // --- a listing entry without InUse and NotAfter costs one DescribeCertificate ---
    // AWS's entries carry both (and moto's do); a proxy answers ListCertificates with an
    // entry that lacks them, and moto answers the DescribeCertificate that follows.
    let sparse = format!(
        "{{\"CertificateSummaryList\": [{{\"CertificateArn\": \"{}\", \"DomainName\": \"api.acme.example\", \"Status\": \"ISSUED\"}}]}}",
        s.cert_api
    );
    let proxy_port = fault_proxy::start_proxy(moto.port, move |request| {
        let text = String::from_utf8_lossy(request);
        if text.contains("CertificateManager.ListCertificates") {
            fault_proxy::Answer::Respond(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\n\
                     x-amzn-RequestId: fault-proxy\r\nContent-Length: {}\r\n\r\n{sparse}",
                    sparse.len()
                )
                .into_bytes(),
            )
        } else {
            fault_proxy::Answer::Forward
        }
    });
    let options = AwsScanOptions {
        services: vec!["acm".into()],
        ..scan_options(&Moto::external(proxy_port), &[E], &[R1])
    };
    let described = collect(&options, Arc::new(NoProgress)).await.expect("scan");
    assert_eq!(
        described.api_calls.get("acm:DescribeCertificate"),
        Some(&1),
        "{:?}",
        described.api_calls
    );
    let ResourceConfig::AcmCertificate(api) = config_of(&described, &s.cert_api) else {
        panic!("not a certificate")
    };
    assert_eq!(api.in_use, Some(true), "from DescribeCertificate's InUseBy");
    assert!(api.not_after.is_some());
    assert_eq!(
        regional_verdicts(&snapshot_of_collection(&described)).get(&(
            "aws-acm-certificate-expiring".to_string(),
            s.cert_api.clone()
        )),
        Some(&"fail")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_region_wide_call_is_a_gap_for_exactly_its_rule_never_not_enabled() {
    let Some(moto) = shared_moto() else { return };
    const G: &str = "710000000003";
    // eu-west-1 records the global types; us-east-1 records without them, has a suspended
    // detector and no hub.
    let g1 = account_config(moto, G, R1).await;
    let g2 = account_config(moto, G, R2).await;
    put_recorder(&aws_sdk_config::Client::new(&g1), true, true).await;
    put_recorder(&aws_sdk_config::Client::new(&g2), false, true).await;
    aws_sdk_guardduty::Client::new(&g2)
        .create_detector()
        .enable(false)
        .send()
        .await
        .unwrap();

    // Denied: Config in eu-west-1 (the region recording the global types), GuardDuty's
    // listing and Security Hub in us-east-1.
    let proxy = fault_proxy::start_denying_proxy(
        moto.port,
        vec![
            vec![
                // (the status call's target starts the same way)
                "StarlingDoveService.DescribeConfigurationRecorders\r\n".into(),
                format!("/{R1}/config/"),
            ],
            vec!["GET /detector?".into(), format!("/{R2}/guardduty/")],
            vec!["GET /accounts".into(), format!("/{R2}/securityhub/")],
        ],
    );
    let proxied = Moto::external(proxy.port);
    let options = AwsScanOptions {
        services: REGIONAL_SERVICES.iter().map(|s| s.to_string()).collect(),
        ..scan_options(&proxied, &[G], &[R1, R2])
    };
    let collection = collect(&options, Arc::new(NoProgress)).await.expect("scan");
    for denial in 0..3 {
        assert_eq!(proxy.denied(denial), 1, "denial {denial} was made once");
    }
    let mut expected = services_ok_coverage(&[G], &[R1, R2], REGIONAL_SERVICES);
    for entry in &mut expected {
        let action = match (entry.unit.kind, entry.unit.region.as_str()) {
            (ResourceKind::ConfigRegion, R1) => "config:DescribeConfigurationRecorders",
            (ResourceKind::GuarddutyRegion, R2) => "guardduty:ListDetectors",
            (ResourceKind::SecurityhubRegion, R2) => "securityhub:DescribeHub",
            _ => continue,
        };
        entry.status = CoverageStatus::Failed {
            kind: FailureKind::AccessDenied,
            message: format!(
                "{} {action}: AccessDeniedException: not authorized to perform this action on \
                 this resource (soc2scan fault proxy) — add {action} to the scanning role (see \
                 docs/permissions.md)",
                entry.unit.region
            ),
        };
    }
    assert_coverage(&collection.coverage, &expected);
    assert_calls_are_documented(&collection);

    let snapshot = snapshot_of_collection(&collection);
    let unit = |region: &str, kind: &str| format!("unit:aws/{G}/{region} {kind}");
    let expected: BTreeMap<(String, String), &str> = [
        // Config could not be read in eu-west-1: that region is not evaluated, and us-east-1
        // (now the account's first region read) records, but whether any region records the
        // global types is not known — not evaluated, not passed.
        (
            "aws-config-recorder-off",
            unit(R1, "config_region"),
            "not_evaluated",
        ),
        (
            "aws-config-recorder-off",
            config_arn(G, R2),
            "not_evaluated",
        ),
        (
            "aws-guardduty-off",
            synthetic_arn("guardduty", G, R1),
            "fail",
        ),
        (
            "aws-guardduty-off",
            unit(R2, "guardduty_region"),
            "not_evaluated",
        ),
        (
            "aws-securityhub-off",
            synthetic_arn("securityhub", G, R1),
            "fail",
        ),
        (
            "aws-securityhub-off",
            unit(R2, "securityhub_region"),
            "not_evaluated",
        ),
    ]
    .into_iter()
    .map(|(rule, id, verdict)| ((rule.to_string(), id), verdict))
    .collect();
    assert_verdicts(&regional_verdicts(&snapshot), &expected);
    let report = engine().evaluate(&snapshot);
    let east = report
        .evaluations
        .iter()
        .find(|e| report.resource_of(e).map(|r| r.id.clone()) == Some(config_arn(G, R2)))
        .and_then(|e| e.verdict.message())
        .unwrap_or_default()
        .to_string();
    assert!(
        east.contains(&format!("AWS Config could not be read in {R1}")),
        "{east}"
    );
    assert_eq!(report.relevant_gaps().len(), 3, "the scan is incomplete");
}
