//! Narrower gaps and fresher facts through the real SDK against moto: a denied
//! `GetPolicyVersion` of one managed policy (or a denied `ListPolicies`) costs only the
//! principals the unreadable policies are attached to — principals with admin through
//! another policy still fail, the others are judged as usual — and the credential report's
//! generation time is kept in the snapshot.

use super::fault_proxy::{start_proxy, Answer};
use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The account of this scenario.
const G: &str = "131300000001";

const SECURITY_AUDIT: &str = "arn:aws:iam::aws:policy/SecurityAudit";

const ADMIN_DOCUMENT: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
const TRUST_EC2: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

fn principal_arn(what: &str) -> String {
    format!("arn:aws:iam::{G}:{what}")
}

fn custom_admin_arn() -> String {
    format!("arn:aws:iam::{G}:policy/CustomAdmin")
}

/// Principals with and without the policies a test makes unreadable:
/// - user `ro-only`, group `ro-group`: ReadOnlyAccess alone;
/// - user `ro-inline-admin`: ReadOnlyAccess and an inline `*`/`*` policy;
/// - role `ro-custom-admin`: ReadOnlyAccess and the customer-managed CustomAdmin;
/// - role `audit`: SecurityAudit; role `admin`: AdministratorAccess;
/// - user `member` (in `ro-group`, nothing of its own) and user `plain` (nothing).
async fn seed(moto: &Moto) {
    let iam = iam_client(&account_config(moto, G, R1).await);
    iam.create_policy()
        .policy_name("CustomAdmin")
        .policy_document(ADMIN_DOCUMENT)
        .send()
        .await
        .unwrap();
    for user in ["ro-only", "ro-inline-admin", "member", "plain"] {
        create_user(&iam, user).await;
    }
    for user in ["ro-only", "ro-inline-admin"] {
        iam.attach_user_policy()
            .user_name(user)
            .policy_arn(READ_ONLY_ACCESS)
            .send()
            .await
            .unwrap();
    }
    iam.put_user_policy()
        .user_name("ro-inline-admin")
        .policy_name("everything")
        .policy_document(ADMIN_DOCUMENT)
        .send()
        .await
        .unwrap();
    iam.create_group()
        .group_name("ro-group")
        .send()
        .await
        .unwrap();
    iam.attach_group_policy()
        .group_name("ro-group")
        .policy_arn(READ_ONLY_ACCESS)
        .send()
        .await
        .unwrap();
    iam.add_user_to_group()
        .group_name("ro-group")
        .user_name("member")
        .send()
        .await
        .unwrap();
    let custom_admin = custom_admin_arn();
    for (role, policies) in [
        (
            "ro-custom-admin",
            vec![READ_ONLY_ACCESS, custom_admin.as_str()],
        ),
        ("audit", vec![SECURITY_AUDIT]),
        ("admin", vec![ADMIN_ACCESS]),
    ] {
        iam.create_role()
            .role_name(role)
            .assume_role_policy_document(TRUST_EC2)
            .send()
            .await
            .unwrap();
        for policy in policies {
            iam.attach_role_policy()
                .role_name(role)
                .policy_arn(policy)
                .send()
                .await
                .unwrap();
        }
    }
    // A key, so the credential rules have something to judge.
    access_key(&iam, "plain").await;
}

/// A proxy in front of moto that answers the IAM requests whose form body (decoded, compared
/// case-insensitively) contains every fragment with IAM's own `AccessDenied` error document
/// (IAM speaks the query protocol, whose errors are XML); returns its port and how many
/// requests it denied.
fn iam_denying_proxy(moto: &Moto, fragments: &'static [&'static str]) -> (u16, Arc<AtomicUsize>) {
    let denied = Arc::new(AtomicUsize::new(0));
    let count = denied.clone();
    let port = start_proxy(moto.port, move |request| {
        let text = String::from_utf8_lossy(request)
            .to_ascii_lowercase()
            .replace("%3a", ":")
            .replace("%2f", "/");
        if !fragments
            .iter()
            .all(|f| text.contains(&f.to_ascii_lowercase()))
        {
            return Answer::Forward;
        }
        count.fetch_add(1, Ordering::SeqCst);
        let body = "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error>\
                    <Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to \
                    perform this action (soc2scan fault proxy)</Message></Error>\
                    <RequestId>fault-proxy</RequestId></ErrorResponse>";
        Answer::Respond(
            format!(
                "HTTP/1.1 403 Forbidden\r\nContent-Type: text/xml\r\n\
                 x-amzn-RequestId: fault-proxy\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .into_bytes(),
        )
    });
    (port, denied)
}

async fn scan_through(port: u16) -> AwsCollection {
    let proxied = Moto::external(port);
    let options = AwsScanOptions {
        services: vec!["iam".into()],
        ..scan_options(&proxied, &[G], &[R1])
    };
    collect(&options, Arc::new(NoProgress))
        .await
        .expect("the scan runs")
}

/// The verdicts of `aws-iam-admin-privileges`, by principal.
fn admin_verdicts(snapshot: &Snapshot) -> BTreeMap<String, &'static str> {
    verdicts(snapshot)
        .into_iter()
        .filter(|((rule, _), _)| rule == "aws-iam-admin-privileges")
        .map(|((_, subject), verdict)| (subject, verdict))
        .collect()
}

/// The not-evaluated reason of one principal.
fn admin_reason(snapshot: &Snapshot, principal: &str) -> String {
    let report = engine().evaluate(snapshot);
    report
        .evaluations
        .iter()
        .find(|e| {
            report.rule_of(e).rule.meta().id == "aws-iam-admin-privileges"
                && report.resource_of(e).is_some_and(|r| r.id == principal)
        })
        .and_then(|e| {
            // The verdict is tied to the narrowed gap that explains it.
            assert!(
                e.gap.is_some(),
                "{principal}: no gap linked to {:?}",
                e.verdict
            );
            e.verdict.message().map(str::to_string)
        })
        .unwrap_or_default()
}

/// The IAM coverage of G all `ok`, with these units narrowed to managed policies failed.
fn coverage_with_policy_gaps(gaps: &[(&str, &str)]) -> Vec<CoverageEntry> {
    let mut expected = services_ok_coverage(&[G], &[R1], &["iam"]);
    expected.extend(gaps.iter().map(|(arn, action)| CoverageEntry {
        unit: CollectionUnit {
            provider: Provider::Aws,
            account: G.to_string(),
            region: GLOBAL_REGION.to_string(),
            kind: ResourceKind::IamManagedPolicy,
            resource: Some(arn.to_string()),
        },
        status: CoverageStatus::Failed {
            kind: FailureKind::AccessDenied,
            message: format!(
                "global {action}: AccessDenied: not authorized to perform this action \
                 (soc2scan fault proxy) — add {action} to the scanning role (see \
                 docs/permissions.md)"
            ),
        },
    }));
    expected.sort_by(|a, b| a.unit.cmp(&b.unit));
    expected
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_managed_policy_costs_only_the_principals_it_is_attached_to() {
    let Some(moto) = shared_moto() else {
        eprintln!("moto is not installed here; skipping");
        return;
    };
    seed(moto).await;

    // --- fault-free: every principal judged ---
    let clean = scan_through(moto.port).await;
    assert_coverage(
        &clean.coverage,
        &services_ok_coverage(&[G], &[R1], &["iam"]),
    );
    let clean_snapshot = snapshot_of_collection(&clean);
    let fail = "fail";
    let pass = "pass";
    let not_evaluated = "not_evaluated";
    let expected = |ro_only: &'static str, audit: &'static str| {
        BTreeMap::from([
            (principal_arn("user/ro-only"), ro_only),
            (principal_arn("user/ro-inline-admin"), fail),
            (principal_arn("user/member"), pass),
            (principal_arn("user/plain"), pass),
            (principal_arn("group/ro-group"), ro_only),
            (principal_arn("role/ro-custom-admin"), fail),
            (principal_arn("role/audit"), audit),
            (principal_arn("role/admin"), fail),
        ])
    };
    assert_eq!(admin_verdicts(&clean_snapshot), expected(pass, pass));

    // --- GetPolicyVersion of ReadOnlyAccess denied: a gap of that policy alone ---
    let (port, denied) = iam_denying_proxy(
        moto,
        &[
            "Action=GetPolicyVersion",
            "PolicyArn=arn:aws:iam::aws:policy/ReadOnlyAccess&",
        ],
    );
    let collection = scan_through(port).await;
    assert_eq!(
        denied.load(Ordering::SeqCst),
        1,
        "the denied call was made once"
    );
    assert_coverage(
        &collection.coverage,
        &coverage_with_policy_gaps(&[(READ_ONLY_ACCESS, "iam:GetPolicyVersion")]),
    );
    assert!(
        collection
            .resources
            .iter()
            .all(|r| r.id != READ_ONLY_ACCESS),
        "the unreadable policy is left out"
    );
    assert!(
        collection.resources.iter().any(|r| r.id == SECURITY_AUDIT),
        "the other AWS-managed policies are read"
    );
    assert_calls_are_documented(&collection);
    let snapshot = snapshot_of_collection(&collection);
    assert_eq!(admin_verdicts(&snapshot), expected(not_evaluated, pass));
    let reason = admin_reason(&snapshot, &principal_arn("user/ro-only"));
    for fragment in [
        "the document of managed policy attached to IAM user ro-only could not be read",
        READ_ONLY_ACCESS,
        "access_denied",
        "iam:GetPolicyVersion",
    ] {
        assert!(reason.contains(fragment), "{reason} lacks {fragment}");
    }
    // Every other rule's verdict is the fault-free one.
    let others = |snapshot: &Snapshot| {
        let mut all = verdicts(snapshot);
        all.retain(|(rule, _), _| rule != "aws-iam-admin-privileges");
        all
    };
    assert_eq!(others(&snapshot), others(&clean_snapshot));
    // The narrowed gap makes the scan incomplete, naming the one rule it costs.
    let report = engine().evaluate(&snapshot);
    let gaps = report.relevant_gaps();
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!(
        report.rules_affected_by(gaps[0]),
        ["aws-iam-admin-privileges"]
    );

    // --- ListPolicies denied: every attached AWS-managed policy is a gap, customer-managed
    // ones are still read ---
    let (port, denied) = iam_denying_proxy(moto, &["Action=ListPolicies"]);
    let collection = scan_through(port).await;
    assert!(denied.load(Ordering::SeqCst) >= 1);
    assert_coverage(
        &collection.coverage,
        &coverage_with_policy_gaps(&[
            (ADMIN_ACCESS, "iam:ListPolicies"),
            (READ_ONLY_ACCESS, "iam:ListPolicies"),
            (SECURITY_AUDIT, "iam:ListPolicies"),
        ]),
    );
    assert!(collection
        .resources
        .iter()
        .any(|r| r.id == custom_admin_arn()));
    let snapshot = snapshot_of_collection(&collection);
    // AdministratorAccess is known to be admin unread; CustomAdmin was read.
    assert_eq!(
        admin_verdicts(&snapshot),
        expected(not_evaluated, not_evaluated)
    );
    assert_eq!(others(&snapshot), others(&clean_snapshot));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_credential_report_generation_time_is_kept_in_the_snapshot() {
    let Some(moto) = shared_moto() else {
        eprintln!("moto is not installed here; skipping");
        return;
    };
    const H: &str = "131300000002";
    let iam = iam_client(&account_config(moto, H, R1).await);
    create_user(&iam, "keyholder").await;
    access_key(&iam, "keyholder").await;
    let options = AwsScanOptions {
        services: vec!["iam".into()],
        ..scan_options(moto, &[H], &[R1])
    };
    let collection = collect(&options, Arc::new(NoProgress))
        .await
        .expect("the scan runs");
    // moto answers GetCredentialReport with a fixed GeneratedTime.
    let generated = chrono::DateTime::parse_from_rfc3339("2015-02-02T20:02:02Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    assert_eq!(
        find(&collection, &format!("arn:aws:iam::{H}:credential-report")).config,
        ResourceConfig::IamCredentialReport(IamCredentialReport {
            generated_at: Some(generated)
        })
    );
    let snapshot = snapshot_of_collection(&collection);
    // The snapshot keeps it through a round trip.
    let json = snapshot.to_json_pretty().unwrap();
    assert!(
        json.contains("\"generated_at\": \"2015-02-02T20:02:02Z\""),
        "{json}"
    );
    let reloaded = Snapshot::from_json_slice(json.as_bytes(), Path::new("round-trip")).unwrap();
    assert_eq!(reloaded, snapshot);
    // A report time before the user existed cannot be right (moto's fixed date), so the
    // key is judged at the end of collection: just made, it passes.
    let keyholder = format!("arn:aws:iam::{H}:user/keyholder");
    let all = verdicts(&snapshot);
    for rule in [
        "aws-iam-access-key-not-rotated",
        "aws-iam-credentials-unused",
    ] {
        assert_eq!(
            all.get(&(rule.to_string(), keyholder.clone())),
            Some(&"pass"),
            "{rule}"
        );
    }
}
