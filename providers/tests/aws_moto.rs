//! End-to-end tests of the live AWS adapter: the real AWS SDK against a real moto server
//! over loopback, seeded through the SDK, evaluated with every soc2scan rule.
//!
//! One moto server serves the whole test binary (started on first use, stopped when the
//! binary exits: moto runs under a watchdog that quits when its stdin — a pipe held by
//! this process — closes, which happens however the binary ends). Tests run in parallel
//! and still never see each other's resources: each one works in its own AWS accounts,
//! reached by assuming a role in that account (moto lets any role ARN be assumed and keys
//! the returned credentials to the ARN's account). The access-denied test needs moto to
//! enforce IAM, which is a server-wide switch, so it gets a server of its own.
//!
//! moto's python comes from `SOC2SCAN_MOTO_PYTHON` (default: the venv that `.ci/test`
//! creates). Without it the tests print a note and pass — unless `CI` is set, where a
//! missing moto is a failure.

#![cfg(feature = "aws")]

use aws_config::sts::AssumeRoleProvider;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_sdk_ec2::types as ec2t;
use aws_sdk_iam::types as iamt;
use soc2scan_providers::aws::{
    api_actions, collect, AssumeRoleTarget, AwsCollection, AwsError, AwsScanOptions, NoProgress,
    RegionSelection, StaticCredentials,
};
use soc2scan_providers::*;
use soc2scan_rules::{all_rules, Engine, RuleRun};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

// ---------------------------------------------------------------------------------------
// The moto server
// ---------------------------------------------------------------------------------------

#[path = "../../tests/support/moto.rs"]
mod moto_server;
use moto_server::{free_port, http, moto_python, start_moto, Moto};

/// The server shared by the tests of this binary (`None`: moto is not installed here).
fn shared_moto() -> Option<&'static Moto> {
    static MOTO: OnceLock<Option<Moto>> = OnceLock::new();
    MOTO.get_or_init(|| moto_python().map(|python| start_moto(&python, &[])))
        .as_ref()
}

/// CloudWatch Logs' CreateLogGroup in `account`/`region`, so a flow log can deliver.
fn create_log_group(moto: &Moto, account: &str, region: &str, name: &str) {
    let scope = format!(
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240101/{region}/logs/aws4_request, \
         SignedHeaders=host, Signature=0"
    );
    let (status, body) = http(
        moto.port,
        "POST",
        "/",
        &[
            ("Content-Type", "application/x-amz-json-1.1"),
            ("X-Amz-Target", "Logs_20140328.CreateLogGroup"),
            ("Authorization", &scope),
            ("x-moto-account-id", account),
        ],
        &format!("{{\"logGroupName\": \"{name}\"}}"),
    )
    .expect("CreateLogGroup");
    assert_eq!(status, 200, "CreateLogGroup: {body}");
}

// ---------------------------------------------------------------------------------------
// SDK clients for seeding, and scanning
// ---------------------------------------------------------------------------------------

const BASE_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
const BASE_SECRET: &str = "base-secret-d0-not-st0re-me";

fn base_credentials() -> StaticCredentials {
    StaticCredentials {
        access_key_id: BASE_KEY_ID.into(),
        secret_access_key: BASE_SECRET.into(),
        session_token: None,
    }
}

/// SDK configuration with explicit dummy credentials and region (the default chain, and
/// so instance metadata, is never consulted).
async fn static_config(moto: &Moto, credentials: &StaticCredentials, region: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .endpoint_url(moto.endpoint())
        .credentials_provider(Credentials::new(
            credentials.access_key_id.clone(),
            credentials.secret_access_key.clone(),
            credentials.session_token.clone(),
            None,
            "test",
        ))
        .load()
        .await
}

/// A configuration acting inside `account` (a role assumed there).
async fn account_config(moto: &Moto, account: &str, region: &str) -> SdkConfig {
    let base = static_config(moto, &base_credentials(), region).await;
    let provider = AssumeRoleProvider::builder(format!("arn:aws:iam::{account}:role/seeder"))
        .session_name("seeder")
        .configure(&base)
        .build()
        .await;
    base.to_builder()
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(provider),
        )
        .build()
}

fn ec2_client(config: &SdkConfig) -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::new(config)
}

fn iam_client(config: &SdkConfig) -> aws_sdk_iam::Client {
    aws_sdk_iam::Client::new(config)
}

fn scan_options(moto: &Moto, accounts: &[&str], regions: &[&str]) -> AwsScanOptions {
    AwsScanOptions {
        static_credentials: Some(base_credentials()),
        accounts: accounts
            .iter()
            .map(|a| AssumeRoleTarget {
                role_arn: format!("arn:aws:iam::{a}:role/soc2scan-audit"),
                external_id: Some("soc2scan-test".into()),
            })
            .collect(),
        regions: RegionSelection::List(regions.iter().map(|r| r.to_string()).collect()),
        endpoint_url: Some(moto.endpoint()),
        call_timeout: Duration::from_secs(30),
        ..AwsScanOptions::default()
    }
}

// ---------------------------------------------------------------------------------------
// Seeding helpers
// ---------------------------------------------------------------------------------------

const ADMIN_ACCESS: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
const READ_ONLY_ACCESS: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";
const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
const TRUST_EC2: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
/// Planted in an instance's user data; must never reach a snapshot.
const USER_DATA_CANARY: &str = "DB_PASSWORD=canary-user-data-7f3a9c";

async fn create_vpc(ec2: &aws_sdk_ec2::Client, cidr: &str) -> String {
    ec2.create_vpc()
        .cidr_block(cidr)
        .send()
        .await
        .unwrap()
        .vpc()
        .and_then(|v| v.vpc_id())
        .unwrap()
        .to_string()
}

async fn create_subnet(ec2: &aws_sdk_ec2::Client, vpc: &str, cidr: &str, az: &str) -> String {
    ec2.create_subnet()
        .vpc_id(vpc)
        .cidr_block(cidr)
        .availability_zone(az)
        .send()
        .await
        .unwrap()
        .subnet()
        .and_then(|s| s.subnet_id())
        .unwrap()
        .to_string()
}

async fn default_vpc(ec2: &aws_sdk_ec2::Client) -> String {
    ec2.describe_vpcs()
        .filters(filter("is-default", "true"))
        .send()
        .await
        .unwrap()
        .vpcs()[0]
        .vpc_id()
        .unwrap()
        .to_string()
}

fn filter(name: &str, value: &str) -> ec2t::Filter {
    ec2t::Filter::builder().name(name).values(value).build()
}

/// The default security group and default network ACL of a VPC.
async fn vpc_defaults(ec2: &aws_sdk_ec2::Client, vpc: &str) -> (String, String) {
    let group = ec2
        .describe_security_groups()
        .filters(filter("vpc-id", vpc))
        .filters(filter("group-name", "default"))
        .send()
        .await
        .unwrap()
        .security_groups()[0]
        .group_id()
        .unwrap()
        .to_string();
    let acl = ec2
        .describe_network_acls()
        .filters(filter("vpc-id", vpc))
        .filters(filter("default", "true"))
        .send()
        .await
        .unwrap()
        .network_acls()[0]
        .network_acl_id()
        .unwrap()
        .to_string();
    (group, acl)
}

async fn create_group(ec2: &aws_sdk_ec2::Client, vpc: &str, name: &str) -> String {
    ec2.create_security_group()
        .group_name(name)
        .description(name)
        .vpc_id(vpc)
        .send()
        .await
        .unwrap()
        .group_id()
        .unwrap()
        .to_string()
}

fn tcp(port: i32) -> ec2t::builders::IpPermissionBuilder {
    ec2t::IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(port)
        .to_port(port)
}

fn v4(cidr: &str) -> ec2t::IpRange {
    ec2t::IpRange::builder().cidr_ip(cidr).build()
}

fn v6(cidr: &str) -> ec2t::Ipv6Range {
    ec2t::Ipv6Range::builder().cidr_ipv6(cidr).build()
}

async fn allow_in(ec2: &aws_sdk_ec2::Client, group: &str, permission: ec2t::IpPermission) {
    ec2.authorize_security_group_ingress()
        .group_id(group)
        .ip_permissions(permission)
        .send()
        .await
        .unwrap();
}

async fn create_acl(ec2: &aws_sdk_ec2::Client, vpc: &str) -> String {
    ec2.create_network_acl()
        .vpc_id(vpc)
        .send()
        .await
        .unwrap()
        .network_acl()
        .and_then(|a| a.network_acl_id())
        .unwrap()
        .to_string()
}

struct AclEntry<'a> {
    number: i32,
    protocol: &'a str,
    action: ec2t::RuleAction,
    cidr: Option<&'a str>,
    ipv6: Option<&'a str>,
    ports: Option<(i32, i32)>,
}

async fn add_acl_entry(ec2: &aws_sdk_ec2::Client, acl: &str, entry: AclEntry<'_>) {
    let mut request = ec2
        .create_network_acl_entry()
        .network_acl_id(acl)
        .rule_number(entry.number)
        .protocol(entry.protocol)
        .rule_action(entry.action)
        .egress(false)
        .set_cidr_block(entry.cidr.map(str::to_string))
        .set_ipv6_cidr_block(entry.ipv6.map(str::to_string));
    if let Some((from, to)) = entry.ports {
        request = request.port_range(ec2t::PortRange::builder().from(from).to(to).build());
    }
    request.send().await.unwrap();
}

async fn create_volume(ec2: &aws_sdk_ec2::Client, az: &str, size: i32, encrypted: bool) -> String {
    ec2.create_volume()
        .availability_zone(az)
        .size(size)
        .encrypted(encrypted)
        .send()
        .await
        .unwrap()
        .volume_id()
        .unwrap()
        .to_string()
}

async fn snapshot_of(ec2: &aws_sdk_ec2::Client, volume: &str) -> String {
    ec2.create_snapshot()
        .volume_id(volume)
        .send()
        .await
        .unwrap()
        .snapshot_id()
        .unwrap()
        .to_string()
}

struct Launch<'a> {
    subnet: Option<&'a str>,
    imds_v2_required: bool,
    detailed_monitoring: bool,
    user_data: Option<&'a str>,
}

/// Launches an instance; returns its id and its root volume's id.
async fn launch(ec2: &aws_sdk_ec2::Client, launch: Launch<'_>) -> (String, String) {
    let answer = ec2
        .run_instances()
        .image_id("ami-0123456789abcdef0")
        .instance_type(ec2t::InstanceType::T3Micro)
        .min_count(1)
        .max_count(1)
        .set_subnet_id(launch.subnet.map(str::to_string))
        .metadata_options(
            ec2t::InstanceMetadataOptionsRequest::builder()
                .http_tokens(if launch.imds_v2_required {
                    ec2t::HttpTokensState::Required
                } else {
                    ec2t::HttpTokensState::Optional
                })
                .build(),
        )
        .monitoring(
            ec2t::RunInstancesMonitoringEnabled::builder()
                .enabled(launch.detailed_monitoring)
                .build(),
        )
        .set_user_data(launch.user_data.map(aws_smithy_types::base64::encode))
        .send()
        .await
        .unwrap();
    let instance = &answer.instances()[0];
    let root = instance.block_device_mappings()[0]
        .ebs()
        .and_then(|e| e.volume_id())
        .unwrap()
        .to_string();
    (instance.instance_id().unwrap().to_string(), root)
}

async fn create_image(ec2: &aws_sdk_ec2::Client, instance: &str, name: &str) -> String {
    ec2.create_image()
        .instance_id(instance)
        .name(name)
        .send()
        .await
        .unwrap()
        .image_id()
        .unwrap()
        .to_string()
}

async fn snapshot_ids(ec2: &aws_sdk_ec2::Client) -> BTreeSet<String> {
    ec2.describe_snapshots()
        .owner_ids("self")
        .send()
        .await
        .unwrap()
        .snapshots()
        .iter()
        .map(|s| s.snapshot_id().unwrap().to_string())
        .collect()
}

async fn create_user(iam: &aws_sdk_iam::Client, name: &str) {
    iam.create_user().user_name(name).send().await.unwrap();
}

async fn console_password(iam: &aws_sdk_iam::Client, user: &str) {
    iam.create_login_profile()
        .user_name(user)
        .password("Correct-Horse-Battery-9")
        .send()
        .await
        .unwrap();
}

async fn enable_mfa(iam: &aws_sdk_iam::Client, user: &str) {
    let serial = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name(user)
        .send()
        .await
        .unwrap()
        .virtual_mfa_device()
        .unwrap()
        .serial_number()
        .to_string();
    iam.enable_mfa_device()
        .user_name(user)
        .serial_number(serial)
        .authentication_code1("123456")
        .authentication_code2("654321")
        .send()
        .await
        .unwrap();
}

/// Creates an access key; returns (key id, secret).
async fn access_key(iam: &aws_sdk_iam::Client, user: &str) -> (String, String) {
    let answer = iam
        .create_access_key()
        .user_name(user)
        .send()
        .await
        .unwrap();
    let key = answer.access_key().unwrap();
    (
        key.access_key_id().to_string(),
        key.secret_access_key().to_string(),
    )
}

// ---------------------------------------------------------------------------------------
// Looking at results
// ---------------------------------------------------------------------------------------

fn engine() -> Engine {
    Engine::new(
        all_rules()
            .iter()
            .map(|rule| RuleRun::with_defaults(*rule))
            .collect(),
    )
}

/// (rule id, resource id or `unit:<unit>`) → `pass` / `fail` / `not_evaluated`, for the
/// AWS rules.
fn verdicts(snapshot: &Snapshot) -> BTreeMap<(String, String), &'static str> {
    let report = engine().evaluate(snapshot);
    let mut out = BTreeMap::new();
    for evaluation in &report.evaluations {
        let rule = report.rule_of(evaluation).rule.meta().id;
        if !rule.starts_with("aws-") {
            continue;
        }
        let subject = match report.resource_of(evaluation) {
            Some(resource) => resource.id.clone(),
            None => format!("unit:{}", report.unit_of(evaluation).unwrap().unit),
        };
        let previous = out.insert(
            (rule.to_string(), subject.clone()),
            evaluation.verdict.as_str(),
        );
        assert!(previous.is_none(), "two verdicts of {rule} for {subject}");
    }
    out
}

fn snapshot_of_collection(collection: &AwsCollection) -> Snapshot {
    let snapshot = collection.clone().into_snapshot("test");
    snapshot
        .validate(Path::new("collected"))
        .expect("the collected snapshot is valid");
    snapshot
}

fn find<'a>(collection: &'a AwsCollection, id: &str) -> &'a Resource {
    collection
        .resources
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("{id} was not collected"))
}

fn ids_of(
    collection: &AwsCollection,
    account: &str,
    region: &str,
    kind: ResourceKind,
) -> BTreeSet<String> {
    collection
        .resources
        .iter()
        .filter(|r| r.account == account && r.region == region && r.kind() == kind)
        .map(|r| r.id.clone())
        .collect()
}

fn set<const N: usize>(items: [String; N]) -> BTreeSet<String> {
    items.into_iter().collect()
}

fn all_ok_coverage(accounts: &[&str], regions: &[&str]) -> Vec<CoverageEntry> {
    let mut entries = Vec::new();
    for account in accounts {
        let unit = |region: &str, kind| CollectionUnit {
            provider: Provider::Aws,
            account: account.to_string(),
            region: region.to_string(),
            kind,
            resource: None,
        };
        for kind in ResourceKind::ALL.iter().copied() {
            if kind.provider() != Provider::Aws {
                continue;
            }
            match kind.collection_scope() {
                CollectionScope::Regional => {
                    for region in regions {
                        entries.push(CoverageEntry {
                            unit: unit(region, kind),
                            status: CoverageStatus::Ok,
                        });
                    }
                }
                CollectionScope::Global => entries.push(CoverageEntry {
                    unit: unit(GLOBAL_REGION, kind),
                    status: CoverageStatus::Ok,
                }),
            }
        }
    }
    entries.sort_by(|a, b| a.unit.cmp(&b.unit));
    entries
}

fn assert_coverage(actual: &[CoverageEntry], expected: &[CoverageEntry]) {
    let differing: Vec<String> = actual
        .iter()
        .filter(|entry| !expected.contains(entry))
        .map(|entry| format!("unexpected: {} {:?}", entry.unit, entry.status))
        .chain(
            expected
                .iter()
                .filter(|entry| !actual.contains(entry))
                .map(|entry| format!("missing: {} {:?}", entry.unit, entry.status)),
        )
        .collect();
    assert!(
        differing.is_empty(),
        "coverage differs:\n{}",
        differing.join("\n")
    );
    assert_eq!(actual, expected, "same entries, same order");
}

/// The actions of the policy in docs/permissions.md (its first ```json block).
fn documented_actions() -> BTreeSet<String> {
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/permissions.md"),
    )
    .expect("docs/permissions.md");
    let start = doc.find("```json").unwrap() + 7;
    let end = start + doc[start..].find("```").unwrap();
    let policy: serde_json::Value = serde_json::from_str(&doc[start..end]).unwrap();
    policy["Statement"][0]["Action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect()
}

fn assert_calls_are_documented(collection: &AwsCollection) {
    let documented = documented_actions();
    for operation in collection.api_calls.keys() {
        // The caller's own sts:AssumeRole (and Organizations listings) are in the caller's
        // policy, which the providers' unit tests check against aws::caller_actions().
        if soc2scan_providers::aws::caller_actions().contains(&operation.as_str()) {
            continue;
        }
        assert!(
            documented.contains(operation),
            "the scan called {operation}, which docs/permissions.md does not grant"
        );
        assert!(api_actions().contains(&operation.as_str()), "{operation}");
    }
}

// ---------------------------------------------------------------------------------------
// The main scenario: two accounts, two regions, every AWS rule both ways
// ---------------------------------------------------------------------------------------

const R1: &str = "eu-west-1";
const R2: &str = "us-east-1";

fn ec2_arn(account: &str, region: &str, kind: &str, id: &str) -> String {
    format!("arn:aws:ec2:{region}:{account}:{kind}/{id}")
}

fn snap_arn(region: &str, id: &str) -> String {
    format!("arn:aws:ec2:{region}::snapshot/{id}")
}

fn iam_arn(account: &str, what: &str) -> String {
    format!("arn:aws:iam::{account}:{what}")
}

/// Ids of what the main scenario seeded in account A.
#[derive(Default)]
struct SeededA {
    // eu-west-1
    vpc_logged: String,
    vpc_logged_sg: String,
    vpc_logged_acl: String,
    flow_ok: String,
    default_vpc_1: String,
    default_sg_1: String,
    default_acl_1: String,
    sg_ssh: String,
    sg_web: String,
    acl_locked: String,
    vol_enc: String,
    vol_loose: String,
    snap_enc: String,
    snap_public: String,
    inst1: String,
    inst1_root: String,
    ami_public: String,
    ami_public_snap: String,
    // us-east-1
    vpc_broken: String,
    vpc_broken_sg: String,
    vpc_broken_acl: String,
    flow_failed: String,
    default_vpc_2: String,
    default_sg_2: String,
    default_acl_2: String,
    sg_open: String,
    sg_db: String,
    acl_v6: String,
    inst2: String,
    inst2_root: String,
    inst3: String,
    inst3_root: String,
    snap_inst3: String,
    ami_private: String,
    ami_private_snap: String,
    // IAM
    secrets: Vec<String>,
    key_ids: Vec<String>,
}

async fn seed_account_a(moto: &Moto, account: &str) -> SeededA {
    let mut s = SeededA::default();

    // --- eu-west-1: the "good" region, with some failures ---
    let ec2 = ec2_client(&account_config(moto, account, R1).await);
    s.default_vpc_1 = default_vpc(&ec2).await;
    (s.default_sg_1, s.default_acl_1) = vpc_defaults(&ec2, &s.default_vpc_1).await;
    s.vpc_logged = create_vpc(&ec2, "10.10.0.0/16").await;
    (s.vpc_logged_sg, s.vpc_logged_acl) = vpc_defaults(&ec2, &s.vpc_logged).await;
    let subnet = create_subnet(&ec2, &s.vpc_logged, "10.10.1.0/24", "eu-west-1a").await;
    create_log_group(moto, account, R1, "vpc-flow-logs");
    s.flow_ok = ec2
        .create_flow_logs()
        .resource_type(ec2t::FlowLogsResourceType::Vpc)
        .resource_ids(&s.vpc_logged)
        .traffic_type(ec2t::TrafficType::All)
        .log_group_name("vpc-flow-logs")
        .deliver_logs_permission_arn(iam_arn(account, "role/flow-logs"))
        .send()
        .await
        .unwrap()
        .flow_log_ids()[0]
        .clone();
    // A default group with no rules at all.
    ec2.revoke_security_group_egress()
        .group_id(&s.vpc_logged_sg)
        .ip_permissions(
            ec2t::IpPermission::builder()
                .ip_protocol("-1")
                .ip_ranges(v4("0.0.0.0/0"))
                .build(),
        )
        .send()
        .await
        .unwrap();
    s.sg_ssh = create_group(&ec2, &s.vpc_logged, "ssh-from-anywhere").await;
    allow_in(&ec2, &s.sg_ssh, tcp(22).ip_ranges(v4("0.0.0.0/0")).build()).await;
    s.sg_web = create_group(&ec2, &s.vpc_logged, "web").await;
    allow_in(&ec2, &s.sg_web, tcp(443).ip_ranges(v4("0.0.0.0/0")).build()).await;
    allow_in(
        &ec2,
        &s.sg_web,
        tcp(5432).ip_ranges(v4("10.0.0.0/8")).build(),
    )
    .await;
    allow_in(
        &ec2,
        &s.sg_web,
        tcp(8080)
            .user_id_group_pairs(ec2t::UserIdGroupPair::builder().group_id(&s.sg_ssh).build())
            .build(),
    )
    .await;
    // Admin ports (SSH on TCP, RDP on TCP and UDP) denied before the allow-all: not open.
    s.acl_locked = create_acl(&ec2, &s.vpc_logged).await;
    for (number, protocol, port) in [(80, "6", 3389), (85, "17", 3389), (90, "6", 22)] {
        add_acl_entry(
            &ec2,
            &s.acl_locked,
            AclEntry {
                number,
                protocol,
                action: ec2t::RuleAction::Deny,
                cidr: Some("0.0.0.0/0"),
                ipv6: None,
                ports: Some((port, port)),
            },
        )
        .await;
    }
    add_acl_entry(
        &ec2,
        &s.acl_locked,
        AclEntry {
            number: 100,
            protocol: "-1",
            action: ec2t::RuleAction::Allow,
            cidr: Some("0.0.0.0/0"),
            ipv6: None,
            ports: None,
        },
    )
    .await;
    ec2.enable_ebs_encryption_by_default().send().await.unwrap();
    s.vol_enc = create_volume(&ec2, "eu-west-1a", 10, true).await;
    s.vol_loose = create_volume(&ec2, "eu-west-1a", 5, false).await;
    (s.inst1, s.inst1_root) = launch(
        &ec2,
        Launch {
            subnet: Some(&subnet),
            imds_v2_required: true,
            detailed_monitoring: true,
            user_data: None,
        },
    )
    .await;
    ec2.attach_volume()
        .volume_id(&s.vol_enc)
        .instance_id(&s.inst1)
        .device("/dev/sdf")
        .send()
        .await
        .unwrap();
    s.snap_enc = snapshot_of(&ec2, &s.vol_enc).await;
    s.snap_public = snapshot_of(&ec2, &s.vol_loose).await;
    ec2.modify_snapshot_attribute()
        .snapshot_id(&s.snap_public)
        .attribute(ec2t::SnapshotAttributeName::CreateVolumePermission)
        .operation_type(ec2t::OperationType::Add)
        .group_names("all")
        .send()
        .await
        .unwrap();
    let before = snapshot_ids(&ec2).await;
    s.ami_public = create_image(&ec2, &s.inst1, "api-golden").await;
    // moto snapshots the image's root device as part of CreateImage.
    s.ami_public_snap = snapshot_ids(&ec2)
        .await
        .difference(&before)
        .next()
        .unwrap()
        .clone();
    ec2.modify_image_attribute()
        .image_id(&s.ami_public)
        .launch_permission(
            ec2t::LaunchPermissionModifications::builder()
                .add(
                    ec2t::LaunchPermission::builder()
                        .group(ec2t::PermissionGroup::All)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();

    // --- us-east-1: mostly failures ---
    let ec2 = ec2_client(&account_config(moto, account, R2).await);
    s.default_vpc_2 = default_vpc(&ec2).await;
    (s.default_sg_2, s.default_acl_2) = vpc_defaults(&ec2, &s.default_vpc_2).await;
    s.vpc_broken = create_vpc(&ec2, "10.20.0.0/16").await;
    (s.vpc_broken_sg, s.vpc_broken_acl) = vpc_defaults(&ec2, &s.vpc_broken).await;
    // A flow log whose log group does not exist: active, but delivery FAILED.
    s.flow_failed = ec2
        .create_flow_logs()
        .resource_type(ec2t::FlowLogsResourceType::Vpc)
        .resource_ids(&s.vpc_broken)
        .traffic_type(ec2t::TrafficType::Reject)
        .log_group_name("no-such-group")
        .deliver_logs_permission_arn(iam_arn(account, "role/flow-logs"))
        .send()
        .await
        .unwrap()
        .flow_log_ids()[0]
        .clone();
    s.sg_open = create_group(&ec2, &s.vpc_broken, "wide-open").await;
    allow_in(
        &ec2,
        &s.sg_open,
        ec2t::IpPermission::builder()
            .ip_protocol("-1")
            .ip_ranges(v4("0.0.0.0/0"))
            .build(),
    )
    .await;
    s.sg_db = create_group(&ec2, &s.vpc_broken, "postgres-v6").await;
    allow_in(&ec2, &s.sg_db, tcp(5432).ipv6_ranges(v6("::/0")).build()).await;
    s.acl_v6 = create_acl(&ec2, &s.vpc_broken).await;
    add_acl_entry(
        &ec2,
        &s.acl_v6,
        AclEntry {
            number: 100,
            protocol: "6",
            action: ec2t::RuleAction::Allow,
            cidr: None,
            ipv6: Some("::/0"),
            ports: Some((22, 22)),
        },
    )
    .await;
    (s.inst2, s.inst2_root) = launch(
        &ec2,
        Launch {
            subnet: None,
            imds_v2_required: false,
            detailed_monitoring: false,
            user_data: Some(USER_DATA_CANARY),
        },
    )
    .await;
    (s.inst3, s.inst3_root) = launch(
        &ec2,
        Launch {
            subnet: None,
            imds_v2_required: false,
            detailed_monitoring: false,
            user_data: None,
        },
    )
    .await;
    ec2.stop_instances()
        .instance_ids(&s.inst3)
        .send()
        .await
        .unwrap();
    s.snap_inst3 = snapshot_of(&ec2, &s.inst3_root).await;
    let before = snapshot_ids(&ec2).await;
    s.ami_private = create_image(&ec2, &s.inst2, "worker").await;
    s.ami_private_snap = snapshot_ids(&ec2)
        .await
        .difference(&before)
        .next()
        .unwrap()
        .clone();

    // --- IAM ---
    let iam = iam_client(&account_config(moto, account, R2).await);
    iam.update_account_password_policy()
        .minimum_password_length(8)
        .require_numbers(true)
        .send()
        .await
        .unwrap();
    for (group, policy) in [("admins", ADMIN_ACCESS), ("readers", READ_ONLY_ACCESS)] {
        iam.create_group().group_name(group).send().await.unwrap();
        iam.attach_group_policy()
            .group_name(group)
            .policy_arn(policy)
            .send()
            .await
            .unwrap();
    }
    iam.create_group().group_name("ops").send().await.unwrap();
    iam.put_group_policy()
        .group_name("ops")
        .policy_name("admin-with-mfa")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#,
        )
        .send()
        .await
        .unwrap();
    for user in ["alice", "bob", "carol", "dave", "erin"] {
        create_user(&iam, user).await;
    }
    console_password(&iam, "alice").await;
    enable_mfa(&iam, "alice").await;
    iam.add_user_to_group()
        .group_name("admins")
        .user_name("alice")
        .send()
        .await
        .unwrap();
    console_password(&iam, "bob").await;
    iam.attach_user_policy()
        .user_name("bob")
        .policy_arn(ADMIN_ACCESS)
        .send()
        .await
        .unwrap();
    for user in ["carol", "carol", "dave", "erin"] {
        let (id, secret) = access_key(&iam, user).await;
        s.key_ids.push(id);
        s.secrets.push(secret);
    }
    iam.put_user_policy()
        .user_name("carol")
        .policy_name("describe-ec2")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}"#,
        )
        .send()
        .await
        .unwrap();
    iam.put_user_policy()
        .user_name("dave")
        .policy_name("everything")
        .policy_document(ALLOW_ALL)
        .send()
        .await
        .unwrap();
    iam.update_access_key()
        .user_name("erin")
        .access_key_id(s.key_ids[3].clone())
        .status(iamt::StatusType::Inactive)
        .send()
        .await
        .unwrap();
    for (group, user) in [("readers", "dave"), ("readers", "erin"), ("ops", "erin")] {
        iam.add_user_to_group()
            .group_name(group)
            .user_name(user)
            .send()
            .await
            .unwrap();
    }
    let deploy_admin = iam
        .create_policy()
        .policy_name("DeployAdmin")
        .policy_document(ALLOW_ALL)
        .send()
        .await
        .unwrap()
        .policy()
        .and_then(|p| p.arn())
        .unwrap()
        .to_string();
    iam.create_policy()
        .policy_name("Unattached")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::reports/*"}}"#,
        )
        .send()
        .await
        .unwrap();
    for (role, policy) in [
        ("deployer", deploy_admin.as_str()),
        ("auditor", READ_ONLY_ACCESS),
    ] {
        iam.create_role()
            .role_name(role)
            .assume_role_policy_document(TRUST_EC2)
            .send()
            .await
            .unwrap();
        iam.attach_role_policy()
            .role_name(role)
            .policy_arn(policy)
            .send()
            .await
            .unwrap();
    }
    s
}

/// Account B: only moto's defaults in EC2, a strong password policy, one admin role.
async fn seed_account_b(moto: &Moto, account: &str) -> [(String, String, String); 2] {
    let mut defaults = Vec::new();
    for region in [R1, R2] {
        let ec2 = ec2_client(&account_config(moto, account, region).await);
        let vpc = default_vpc(&ec2).await;
        let (sg, acl) = vpc_defaults(&ec2, &vpc).await;
        defaults.push((vpc, sg, acl));
    }
    let iam = iam_client(&account_config(moto, account, R1).await);
    iam.update_account_password_policy()
        .minimum_password_length(16)
        .require_symbols(true)
        .require_numbers(true)
        .require_uppercase_characters(true)
        .require_lowercase_characters(true)
        .max_password_age(90)
        .password_reuse_prevention(24)
        .allow_users_to_change_password(true)
        .send()
        .await
        .unwrap();
    iam.create_role()
        .role_name("break-glass")
        .assume_role_policy_document(TRUST_EC2)
        .send()
        .await
        .unwrap();
    iam.attach_role_policy()
        .role_name("break-glass")
        .policy_arn(ADMIN_ACCESS)
        .send()
        .await
        .unwrap();
    let mut defaults = defaults.into_iter();
    [defaults.next().unwrap(), defaults.next().unwrap()]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_accounts_two_regions_every_aws_rule_passes_and_fails() {
    let Some(moto) = shared_moto() else { return };
    const A: &str = "111111111111";
    const B: &str = "222222222222";
    let (a, b_defaults) = tokio::join!(seed_account_a(moto, A), seed_account_b(moto, B));

    let options = scan_options(moto, &[A, B], &[R2, R1]);
    let collection = collect(&options, Arc::new(NoProgress)).await.expect("scan");

    // --- what was scanned ---
    assert_eq!(
        collection.targets,
        vec![
            ScanTarget {
                provider: Provider::Aws,
                account: A.into(),
                alias: None,
                regions: vec![R1.into(), R2.into()],
                identity: Some(format!(
                    "arn:aws:sts::{A}:assumed-role/soc2scan-audit/{}",
                    soc2scan_session_name(&collection)
                )),
                organization: None,
            },
            ScanTarget {
                provider: Provider::Aws,
                account: B.into(),
                alias: None,
                regions: vec![R1.into(), R2.into()],
                identity: Some(format!(
                    "arn:aws:sts::{B}:assumed-role/soc2scan-audit/{}",
                    soc2scan_session_name(&collection)
                )),
                organization: None,
            },
        ]
    );
    assert_coverage(&collection.coverage, &all_ok_coverage(&[A, B], &[R1, R2]));

    // --- the model, kind by kind ---
    let vol = |region: &str, id: &str| ec2_arn(A, region, "volume", id);
    assert_eq!(
        ids_of(&collection, A, R1, ResourceKind::EbsVolume),
        set([
            vol(R1, &a.vol_enc),
            vol(R1, &a.vol_loose),
            vol(R1, &a.inst1_root)
        ])
    );
    assert_eq!(
        ids_of(&collection, A, R2, ResourceKind::EbsVolume),
        set([vol(R2, &a.inst2_root), vol(R2, &a.inst3_root)])
    );
    let ResourceConfig::EbsVolume(enc) = &find(&collection, &vol(R1, &a.vol_enc)).config else {
        panic!("not a volume")
    };
    assert!(enc.encrypted);
    assert_eq!(enc.state, "in-use");
    assert_eq!(enc.availability_zone, "eu-west-1a");
    assert_eq!(enc.size_gib, 10);
    assert!(enc.create_time.is_some());
    assert_eq!(
        enc.attachments,
        vec![VolumeAttachment {
            instance_id: a.inst1.clone(),
            device: Some("/dev/sdf".into()),
            state: Some("attached".into()),
        }]
    );
    let ResourceConfig::EbsVolume(loose) = &find(&collection, &vol(R1, &a.vol_loose)).config else {
        panic!("not a volume")
    };
    assert!(!loose.encrypted);
    assert_eq!(loose.state, "available");
    assert!(loose.attachments.is_empty());

    let ebs_default = |account: &str, region: &str| {
        format!("arn:aws:ec2:{region}:{account}:ebs-encryption-by-default")
    };
    for (account, region, enabled) in [
        (A, R1, true),
        (A, R2, false),
        (B, R1, false),
        (B, R2, false),
    ] {
        assert_eq!(
            find(&collection, &ebs_default(account, region)).config,
            ResourceConfig::EbsEncryptionByDefault(EbsEncryptionByDefault {
                enabled,
                default_kms_key_id: None
            })
        );
    }

    assert_eq!(
        ids_of(&collection, A, R1, ResourceKind::EbsSnapshot),
        set([
            snap_arn(R1, &a.snap_enc),
            snap_arn(R1, &a.snap_public),
            snap_arn(R1, &a.ami_public_snap)
        ])
    );
    assert_eq!(
        ids_of(&collection, A, R2, ResourceKind::EbsSnapshot),
        set([
            snap_arn(R2, &a.snap_inst3),
            snap_arn(R2, &a.ami_private_snap)
        ])
    );
    let snapshot_config =
        |region: &str, id: &str| match &find(&collection, &snap_arn(region, id)).config {
            ResourceConfig::EbsSnapshot(s) => s.clone(),
            _ => panic!("not a snapshot"),
        };
    let public = snapshot_config(R1, &a.snap_public);
    assert_eq!(
        public.restorable_by_all,
        Some(true),
        "confirmed by DescribeSnapshotAttribute"
    );
    assert_eq!(public.volume_id.as_deref(), Some(a.vol_loose.as_str()));
    assert!(!public.encrypted);
    assert_eq!(public.state, "completed");
    let private = snapshot_config(R1, &a.snap_enc);
    assert_eq!(
        private.restorable_by_all,
        Some(false),
        "moto ignores RestorableByUserIds, so this was a candidate too, and the attribute \
         says it is private"
    );
    assert!(private.encrypted);

    assert_eq!(
        find(&collection, &ec2_arn(A, R1, "image", &a.ami_public)).config,
        ResourceConfig::Ami(
            match &find(&collection, &ec2_arn(A, R1, "image", &a.ami_public)).config {
                ResourceConfig::Ami(ami) => Ami {
                    public: true,
                    ..ami.clone()
                },
                _ => panic!("not an AMI"),
            }
        )
    );
    let ResourceConfig::Ami(private_ami) =
        &find(&collection, &ec2_arn(A, R2, "image", &a.ami_private)).config
    else {
        panic!("not an AMI")
    };
    assert!(!private_ami.public);
    assert_eq!(private_ami.state.as_deref(), Some("available"));

    assert_eq!(
        ids_of(&collection, A, R1, ResourceKind::Vpc),
        set([
            ec2_arn(A, R1, "vpc", &a.default_vpc_1),
            ec2_arn(A, R1, "vpc", &a.vpc_logged)
        ])
    );
    let logged = find(&collection, &ec2_arn(A, R1, "vpc", &a.vpc_logged));
    assert_eq!(
        logged.config,
        ResourceConfig::Vpc(Vpc {
            vpc_id: a.vpc_logged.clone(),
            is_default: false,
            cidr_block: Some("10.10.0.0/16".parse().unwrap()),
            state: Some("available".into()),
        })
    );
    assert_eq!(
        find(&collection, &ec2_arn(A, R1, "vpc-flow-log", &a.flow_ok)).config,
        ResourceConfig::FlowLog(FlowLog {
            flow_log_id: a.flow_ok.clone(),
            resource_id: a.vpc_logged.clone(),
            traffic_type: "ALL".into(),
            status: "ACTIVE".into(),
            deliver_logs_status: Some("SUCCESS".into()),
            log_destination_type: Some("cloud-watch-logs".into()),
        })
    );
    let ResourceConfig::FlowLog(failed) =
        &find(&collection, &ec2_arn(A, R2, "vpc-flow-log", &a.flow_failed)).config
    else {
        panic!("not a flow log")
    };
    assert_eq!(failed.deliver_logs_status.as_deref(), Some("FAILED"));
    assert_eq!(failed.traffic_type, "REJECT");

    assert_eq!(
        find(&collection, &ec2_arn(A, R1, "security-group", &a.sg_web)).config,
        ResourceConfig::SecurityGroup(SecurityGroup {
            group_id: a.sg_web.clone(),
            group_name: "web".into(),
            vpc_id: Some(a.vpc_logged.clone()),
            is_default: false,
            ingress: vec![
                SecurityGroupRule {
                    protocol: "tcp".into(),
                    from_port: Some(443),
                    to_port: Some(443),
                    ipv4_ranges: vec!["0.0.0.0/0".parse().unwrap()],
                    ipv6_ranges: vec![],
                    referenced_groups: vec![],
                    prefix_list_ids: vec![],
                },
                SecurityGroupRule {
                    protocol: "tcp".into(),
                    from_port: Some(5432),
                    to_port: Some(5432),
                    ipv4_ranges: vec!["10.0.0.0/8".parse().unwrap()],
                    ipv6_ranges: vec![],
                    referenced_groups: vec![],
                    prefix_list_ids: vec![],
                },
                SecurityGroupRule {
                    protocol: "tcp".into(),
                    from_port: Some(8080),
                    to_port: Some(8080),
                    ipv4_ranges: vec![],
                    ipv6_ranges: vec![],
                    referenced_groups: vec![a.sg_ssh.clone()],
                    prefix_list_ids: vec![],
                },
            ],
            egress: vec![SecurityGroupRule {
                protocol: "-1".into(),
                from_port: None,
                to_port: None,
                ipv4_ranges: vec!["0.0.0.0/0".parse().unwrap()],
                ipv6_ranges: vec![],
                referenced_groups: vec![],
                prefix_list_ids: vec![],
            }],
        })
    );
    let ResourceConfig::SecurityGroup(restricted) = &find(
        &collection,
        &ec2_arn(A, R1, "security-group", &a.vpc_logged_sg),
    )
    .config
    else {
        panic!("not a group")
    };
    assert!(restricted.is_default && restricted.ingress.is_empty() && restricted.egress.is_empty());
    let ResourceConfig::SecurityGroup(db) =
        &find(&collection, &ec2_arn(A, R2, "security-group", &a.sg_db)).config
    else {
        panic!("not a group")
    };
    assert_eq!(
        db.ingress[0].ipv6_ranges,
        vec!["::/0".parse::<ipnet::IpNet>().unwrap()]
    );

    let ResourceConfig::NetworkAcl(locked) =
        &find(&collection, &ec2_arn(A, R1, "network-acl", &a.acl_locked)).config
    else {
        panic!("not an ACL")
    };
    assert!(!locked.is_default);
    assert_eq!(locked.vpc_id.as_deref(), Some(a.vpc_logged.as_str()));
    let inbound: Vec<(i32, &str, NaclAction, Option<PortRange>)> = {
        let mut entries: Vec<_> = locked
            .entries
            .iter()
            .filter(|e| !e.egress)
            .map(|e| {
                (
                    e.rule_number,
                    e.protocol.as_str(),
                    e.rule_action,
                    e.port_range,
                )
            })
            .collect();
        entries.sort_by_key(|e| e.0);
        entries
    };
    assert_eq!(
        &inbound[..4],
        &[
            (
                80,
                "6",
                NaclAction::Deny,
                Some(PortRange {
                    from: 3389,
                    to: 3389
                })
            ),
            (
                85,
                "17",
                NaclAction::Deny,
                Some(PortRange {
                    from: 3389,
                    to: 3389
                })
            ),
            (
                90,
                "6",
                NaclAction::Deny,
                Some(PortRange { from: 22, to: 22 })
            ),
            (100, "-1", NaclAction::Allow, None),
        ]
    );
    let ResourceConfig::NetworkAcl(v6_acl) =
        &find(&collection, &ec2_arn(A, R2, "network-acl", &a.acl_v6)).config
    else {
        panic!("not an ACL")
    };
    assert!(v6_acl
        .entries
        .iter()
        .any(|e| e.ipv6_cidr_block == Some("::/0".parse().unwrap())
            && e.rule_action == NaclAction::Allow));

    let instance =
        |region: &str, id: &str| match &find(&collection, &ec2_arn(A, region, "instance", id))
            .config
        {
            ResourceConfig::Ec2Instance(i) => i.clone(),
            _ => panic!("not an instance"),
        };
    let inst1 = instance(R1, &a.inst1);
    assert_eq!(inst1.state, "running");
    assert_eq!(inst1.instance_type.as_deref(), Some("t3.micro"));
    assert_eq!(
        inst1.public_ip, None,
        "launched in a subnet without public IPs"
    );
    assert_eq!(
        inst1.metadata_options,
        Some(InstanceMetadataOptions {
            http_tokens: "required".into(),
            http_endpoint: "enabled".into()
        })
    );
    assert_eq!(inst1.monitoring, "enabled");
    assert_eq!(inst1.availability_zone.as_deref(), Some("eu-west-1a"));
    assert!(inst1.volume_ids.contains(&a.inst1_root));
    assert!(inst1.launch_time.is_some());
    let inst2 = instance(R2, &a.inst2);
    assert!(inst2.public_ip.is_some(), "the default VPC maps public IPs");
    assert_eq!(
        inst2.metadata_options.as_ref().unwrap().http_tokens,
        "optional"
    );
    assert_eq!(inst2.monitoring, "disabled");
    assert_eq!(instance(R2, &a.inst3).state, "stopped");

    // IAM
    let user = |name: &str| match &find(&collection, &iam_arn(A, &format!("user/{name}"))).config {
        ResourceConfig::IamUser(u) => u.clone(),
        _ => panic!("not a user"),
    };
    assert_eq!(
        ids_of(&collection, A, GLOBAL_REGION, ResourceKind::IamUser),
        ["alice", "bob", "carol", "dave", "erin"]
            .iter()
            .map(|n| iam_arn(A, &format!("user/{n}")))
            .collect()
    );
    let alice = user("alice");
    assert_eq!(alice.groups, vec!["admins".to_string()]);
    let alice_credentials = alice.credentials.unwrap();
    assert!(alice_credentials.password_enabled && alice_credentials.mfa_active);
    assert!(alice_credentials.access_keys.is_empty());
    // moto reports a password that was never used as "no_information".
    assert_eq!(alice_credentials.password_last_used, LastUsed::Never);
    let bob = user("bob");
    assert_eq!(
        bob.attached_managed_policies,
        vec![AttachedPolicy {
            policy_name: "AdministratorAccess".into(),
            policy_arn: ADMIN_ACCESS.into()
        }]
    );
    let bob_credentials = bob.credentials.unwrap();
    assert!(bob_credentials.password_enabled && !bob_credentials.mfa_active);
    let carol = user("carol").credentials.unwrap();
    assert!(!carol.password_enabled);
    assert_eq!(
        carol
            .access_keys
            .iter()
            .map(|k| (k.slot, k.active, k.last_rotated.is_some(), k.last_used))
            .collect::<Vec<_>>(),
        vec![
            (1, true, true, LastUsed::Never),
            (2, true, true, LastUsed::Never)
        ]
    );
    assert_eq!(
        user("carol").inline_policies[0].document.statements[0].action,
        vec!["ec2:Describe*".to_string()]
    );
    let erin = user("erin");
    assert_eq!(erin.groups, vec!["readers".to_string(), "ops".to_string()]);
    assert_eq!(
        erin.credentials
            .unwrap()
            .access_keys
            .iter()
            .map(|k| k.active)
            .collect::<Vec<_>>(),
        vec![false]
    );
    let ResourceConfig::IamGroup(ops) = &find(&collection, &iam_arn(A, "group/ops")).config else {
        panic!("not a group")
    };
    assert!(ops.inline_policies[0].document.statements[0]
        .condition
        .is_some());
    let ResourceConfig::IamRole(deployer) = &find(&collection, &iam_arn(A, "role/deployer")).config
    else {
        panic!("not a role")
    };
    assert_eq!(deployer.path.as_deref(), Some("/"));
    assert_eq!(
        deployer.assume_role_policy.as_ref().unwrap().statements[0].principal,
        Some(serde_json::json!({"Service": "ec2.amazonaws.com"}))
    );
    assert_eq!(
        ids_of(
            &collection,
            A,
            GLOBAL_REGION,
            ResourceKind::IamManagedPolicy
        ),
        set([
            iam_arn(A, "policy/DeployAdmin"),
            iam_arn(A, "policy/Unattached"),
            ADMIN_ACCESS.to_string(),
            READ_ONLY_ACCESS.to_string(),
        ]),
        "local policies, and the AWS-managed ones that are attached"
    );
    assert_eq!(
        ids_of(
            &collection,
            B,
            GLOBAL_REGION,
            ResourceKind::IamManagedPolicy
        ),
        set([ADMIN_ACCESS.to_string()]),
        "AdministratorAccess, attached in both accounts, is kept in each"
    );
    let ResourceConfig::IamManagedPolicy(admin) = &find(&collection, ADMIN_ACCESS).config else {
        panic!("not a policy")
    };
    assert!(admin.aws_managed);
    assert!(admin
        .document
        .statements
        .iter()
        .any(|s| s.grants_full_admin()));
    assert_eq!(
        find(&collection, &iam_arn(B, "password-policy")).config,
        ResourceConfig::IamPasswordPolicy(IamPasswordPolicy {
            policy: Some(PasswordPolicy {
                minimum_password_length: Some(16),
                require_symbols: true,
                require_numbers: true,
                require_uppercase_characters: true,
                require_lowercase_characters: true,
                max_password_age: Some(90),
                password_reuse_prevention: Some(24),
                allow_users_to_change_password: true,
            })
        })
    );
    assert_eq!(
        find(&collection, &iam_arn(A, "account-summary")).config,
        ResourceConfig::IamAccountSummary(IamAccountSummary {
            root_mfa_enabled: false,
            root_access_keys_present: false
        })
    );

    // --- calls: the fewest that give the data ---
    assert_calls_are_documented(&collection);
    let per_region = |snapshots: u64| {
        [
            ("ec2:DescribeVolumes", 1),
            ("ec2:GetEbsEncryptionByDefault", 1),
            ("ec2:DescribeSnapshots", 2),
            ("ec2:DescribeSnapshotAttribute", snapshots),
            ("ec2:DescribeImages", 1),
            ("ec2:DescribeVpcs", 1),
            ("ec2:DescribeFlowLogs", 1),
            ("ec2:DescribeSecurityGroups", 1),
            ("ec2:DescribeNetworkAcls", 1),
            ("ec2:DescribeInstances", 1),
            // No RDS resources here (the RDS test has its own account): one listing each.
            ("rds:DescribeDBInstances", 1),
            ("rds:DescribeDBClusters", 1),
            ("rds:DescribeDBSnapshots", 1),
            ("rds:DescribeDBClusterSnapshots", 1),
            // The data-store services list once per region and find nothing here.
            ("kms:ListKeys", 1),
            ("dynamodb:ListTables", 1),
            ("elasticfilesystem:DescribeFileSystems", 1),
            ("backup:ListBackupPlans", 1),
            ("backup:ListBackupVaults", 1),
            // Config, GuardDuty, Security Hub, ACM and Secrets Manager: nothing enabled or
            // stored here; one listing each (two for Config), nothing per resource.
            ("config:DescribeConfigurationRecorders", 1),
            ("config:DescribeConfigurationRecorderStatus", 1),
            ("guardduty:ListDetectors", 1),
            ("securityhub:DescribeHub", 1),
            ("acm:ListCertificates", 1),
            ("secretsmanager:ListSecrets", 1),
            ("elasticloadbalancing:DescribeLoadBalancers", 1),
            ("lambda:ListFunctions", 1),
        ]
    };
    let mut expected_calls: BTreeMap<String, u64> = BTreeMap::new();
    // moto makes an `alias/aws/ebs` key for account A's encrypted volume in eu-west-1; it
    // is customer-managed there (AWS would make it AWS-managed), so it is described, its
    // policy read and its rotation asked.
    for (operation, count) in [
        ("kms:DescribeKey", 1),
        ("kms:GetKeyPolicy", 1),
        ("kms:GetKeyRotationStatus", 1),
    ] {
        expected_calls.insert(operation.into(), count);
    }
    // moto ignores RestorableByUserIds, so every own snapshot is a candidate that
    // DescribeSnapshotAttribute confirms: 3 + 2 in account A, none in B.
    for (operation, count) in per_region(3)
        .into_iter()
        .chain(per_region(2))
        .chain(per_region(0))
        .chain(per_region(0))
    {
        if count > 0 {
            *expected_calls.entry(operation.into()).or_default() += count;
        }
    }
    for (operation, count) in [
        ("sts:GetCallerIdentity", 2),
        // The role of each account, assumed once.
        ("sts:AssumeRole", 2),
        ("iam:GetAccountAuthorizationDetails", 2),
        ("iam:ListPolicies", 2),
        // A: AdministratorAccess, ReadOnlyAccess; B: AdministratorAccess.
        ("iam:GetPolicyVersion", 3),
        // A fresh account: STARTED, then COMPLETE.
        ("iam:GenerateCredentialReport", 4),
        ("iam:GetCredentialReport", 2),
        ("iam:GetAccountSummary", 2),
        ("iam:GetAccountPasswordPolicy", 2),
        // No buckets in these accounts: the listing and the account setting only.
        ("s3:ListAllMyBuckets", 2),
        ("s3:GetAccountPublicAccessBlock", 2),
    ] {
        expected_calls.insert(operation.into(), count);
    }
    expected_calls.extend(trail::calls_of_the_main_scenario());
    assert_eq!(collection.api_calls, expected_calls);

    // --- verdicts ---
    let snapshot = snapshot_of_collection(&collection);
    let mut expected = expected_verdicts(&a, &b_defaults, A, B);
    expected.extend(trail::verdicts_of_the_main_scenario(A, B));
    // moto's own `alias/aws/ebs` key (see the calls above), judged as a customer key: it
    // does not rotate; it is not pending deletion; its default policy names the account.
    let ebs_keys = ids_of(&collection, A, R1, ResourceKind::KmsKey);
    assert_eq!(ebs_keys.len(), 1, "{ebs_keys:?}");
    let ResourceConfig::KmsKey(ebs_key) = &find(&collection, ebs_keys.first().unwrap()).config
    else {
        panic!("not a key")
    };
    assert!(
        ebs_key
            .description
            .as_deref()
            .unwrap_or_default()
            .contains("EBS volumes"),
        "{ebs_key:?}"
    );
    for (rule, verdict) in [
        ("aws-kms-key-rotation-off", "fail"),
        ("aws-kms-key-pending-deletion", "pass"),
        ("aws-kms-key-policy-public", "pass"),
    ] {
        expected.insert(
            (rule.to_string(), ebs_keys.first().unwrap().clone()),
            verdict,
        );
    }
    for (account, region) in [(A, R2), (B, R1), (B, R2)] {
        assert!(ids_of(&collection, account, region, ResourceKind::KmsKey).is_empty());
    }
    let actual = verdicts(&snapshot);
    assert_verdicts(&actual, &expected);

    // The same data judged 120 days later: every key, password and backup is old now.
    let mut later = snapshot.clone();
    later.metadata.finished_at += chrono::TimeDelta::days(120);
    let aged = verdicts(&later);
    let user_arn = |n: &str| iam_arn(A, &format!("user/{n}"));
    let aged_expected: BTreeMap<(String, String), &str> = [
        (
            "aws-ec2-ebs-volume-no-recent-backup",
            ec2_arn(A, R1, "volume", &a.vol_enc),
            "fail",
        ),
        (
            "aws-ec2-ebs-volume-no-recent-backup",
            ec2_arn(A, R1, "volume", &a.inst1_root),
            "fail",
        ),
        (
            "aws-ec2-ebs-volume-no-recent-backup",
            ec2_arn(A, R2, "volume", &a.inst2_root),
            "fail",
        ),
        (
            "aws-ec2-ebs-volume-no-recent-backup",
            ec2_arn(A, R2, "volume", &a.inst3_root),
            "fail",
        ),
        ("aws-iam-access-key-not-rotated", user_arn("carol"), "fail"),
        ("aws-iam-access-key-not-rotated", user_arn("dave"), "fail"),
        ("aws-iam-credentials-unused", user_arn("alice"), "fail"),
        ("aws-iam-credentials-unused", user_arn("bob"), "fail"),
        ("aws-iam-credentials-unused", user_arn("carol"), "fail"),
        ("aws-iam-credentials-unused", user_arn("dave"), "fail"),
    ]
    .into_iter()
    .map(|(rule, id, verdict)| ((rule.to_string(), id), verdict))
    .collect();
    let aged_time_rules: BTreeMap<_, _> = aged
        .into_iter()
        .filter(|((rule, _), _)| {
            [
                "aws-ec2-ebs-volume-no-recent-backup",
                "aws-iam-access-key-not-rotated",
                "aws-iam-credentials-unused",
            ]
            .contains(&rule.as_str())
        })
        .collect();
    assert_verdicts(&aged_time_rules, &aged_expected);

    // --- the snapshot file round trip gives the same verdicts ---
    let json = snapshot.to_json_pretty().unwrap();
    let reloaded =
        Snapshot::from_json_slice(json.as_bytes(), Path::new("round-trip.json")).unwrap();
    assert_eq!(reloaded, snapshot);
    assert_eq!(verdicts(&reloaded), actual);

    // --- no secret in the snapshot ---
    assert_no_secrets(&json, &a.secrets, &a.key_ids);
}

/// The role session name soc2scan used (`soc2scan-<timestamp>`), read back from the
/// identity; checks its shape.
fn soc2scan_session_name(collection: &AwsCollection) -> String {
    let identity = collection.targets[0].identity.as_deref().unwrap();
    let name = identity.rsplit('/').next().unwrap().to_string();
    assert!(name.starts_with("soc2scan-"), "{identity}");
    assert_eq!(name.len(), "soc2scan-20260101T000000Z".len(), "{identity}");
    name
}

fn assert_no_secrets(json: &str, secrets: &[String], key_ids: &[String]) {
    assert!(!json.contains(USER_DATA_CANARY), "user data leaked");
    assert!(
        !json.contains(&aws_smithy_types::base64::encode(USER_DATA_CANARY)),
        "encoded user data leaked"
    );
    assert!(!json.contains("canary-user-data"), "user data leaked");
    assert!(!json.contains(BASE_SECRET), "the scanner's secret leaked");
    assert!(!json.contains(BASE_KEY_ID), "the scanner's key id leaked");
    for secret in secrets {
        assert!(
            !json.contains(secret.as_str()),
            "a secret access key leaked"
        );
    }
    for key_id in key_ids {
        assert!(!json.contains(key_id.as_str()), "an access key id leaked");
    }
}

fn assert_verdicts(
    actual: &BTreeMap<(String, String), &str>,
    expected: &BTreeMap<(String, String), &str>,
) {
    let mut problems = Vec::new();
    for (key, verdict) in expected {
        match actual.get(key) {
            Some(found) if found == verdict => {}
            Some(found) => problems.push(format!("{key:?}: expected {verdict}, got {found}")),
            None => problems.push(format!("{key:?}: expected {verdict}, got no verdict")),
        }
    }
    for (key, verdict) in actual {
        if !expected.contains_key(key) {
            problems.push(format!("{key:?}: unexpected verdict {verdict}"));
        }
    }
    assert!(
        problems.is_empty(),
        "verdicts differ:\n{}",
        problems.join("\n")
    );
}

/// Every AWS verdict the main scenario must produce, with why.
fn expected_verdicts(
    a: &SeededA,
    b_defaults: &[(String, String, String); 2],
    account_a: &str,
    account_b: &str,
) -> BTreeMap<(String, String), &'static str> {
    let mut e: BTreeMap<(String, String), &'static str> = BTreeMap::new();
    let mut put = |rule: &str, id: String, verdict: &'static str| {
        assert!(
            e.insert((rule.to_string(), id.clone()), verdict).is_none(),
            "{rule} {id} twice in the expectations"
        );
    };
    let (pass, fail) = ("pass", "fail");
    let ec2 = |region: &str, kind: &str, id: &str| ec2_arn(account_a, region, kind, id);

    // EBS volumes: encrypted or not; in-use ones need a recent completed snapshot.
    // (moto creates instance root volumes unencrypted even with default encryption on.)
    for (region, volume, encrypted, backup) in [
        (R1, &a.vol_enc, pass, Some(pass)),
        (R1, &a.vol_loose, fail, None), // available: the backup rule does not apply
        (R1, &a.inst1_root, fail, Some(fail)),
        (R2, &a.inst2_root, fail, Some(fail)),
        (R2, &a.inst3_root, fail, Some(pass)), // attached to a stopped instance, snapshotted
    ] {
        put(
            "aws-ec2-ebs-volume-unencrypted",
            ec2(region, "volume", volume),
            encrypted,
        );
        if let Some(backup) = backup {
            put(
                "aws-ec2-ebs-volume-no-recent-backup",
                ec2(region, "volume", volume),
                backup,
            );
        }
    }
    for (account, region, verdict) in [
        (account_a, R1, pass),
        (account_a, R2, fail),
        (account_b, R1, fail),
        (account_b, R2, fail),
    ] {
        put(
            "aws-ec2-ebs-default-encryption-off",
            format!("arn:aws:ec2:{region}:{account}:ebs-encryption-by-default"),
            verdict,
        );
    }
    // Snapshots: encrypted or not, public or not.
    for (region, snapshot, encrypted, public) in [
        (R1, &a.snap_enc, pass, pass),
        (R1, &a.snap_public, fail, fail),
        (R1, &a.ami_public_snap, fail, pass),
        (R2, &a.snap_inst3, fail, pass),
        (R2, &a.ami_private_snap, fail, pass),
    ] {
        put(
            "aws-ec2-ebs-snapshot-unencrypted",
            snap_arn(region, snapshot),
            encrypted,
        );
        put(
            "aws-ec2-ebs-snapshot-public",
            snap_arn(region, snapshot),
            public,
        );
    }
    put("aws-ec2-ami-public", ec2(R1, "image", &a.ami_public), fail);
    put("aws-ec2-ami-public", ec2(R2, "image", &a.ami_private), pass);
    // VPC flow logs: delivering, failing delivery, none.
    put(
        "aws-ec2-vpc-flow-logs-off",
        ec2(R1, "vpc", &a.vpc_logged),
        pass,
    );
    put(
        "aws-ec2-vpc-flow-logs-off",
        ec2(R2, "vpc", &a.vpc_broken),
        fail,
    );
    put(
        "aws-ec2-vpc-flow-logs-off",
        ec2(R1, "vpc", &a.default_vpc_1),
        fail,
    );
    put(
        "aws-ec2-vpc-flow-logs-off",
        ec2(R2, "vpc", &a.default_vpc_2),
        fail,
    );
    for (region, (vpc, _, _)) in [R1, R2].into_iter().zip(b_defaults) {
        put(
            "aws-ec2-vpc-flow-logs-off",
            ec2_arn(account_b, region, "vpc", vpc),
            fail,
        );
    }
    // Security groups: (admin ports, all ports, data ports) from the internet, and the
    // default-group rule for default groups.
    let mut groups: Vec<(String, [&str; 3], Option<&str>)> = vec![
        (
            ec2(R1, "security-group", &a.sg_ssh),
            [fail, pass, pass],
            None,
        ),
        (
            ec2(R1, "security-group", &a.sg_web),
            [pass, pass, pass],
            None,
        ),
        (
            ec2(R2, "security-group", &a.sg_open),
            [fail, fail, fail],
            None,
        ),
        (
            ec2(R2, "security-group", &a.sg_db),
            [pass, pass, fail],
            None,
        ),
        // The restricted default group: no rules at all.
        (
            ec2(R1, "security-group", &a.vpc_logged_sg),
            [pass, pass, pass],
            Some(pass),
        ),
        // Default groups as AWS creates them: allow all outbound.
        (
            ec2(R1, "security-group", &a.default_sg_1),
            [pass, pass, pass],
            Some(fail),
        ),
        (
            ec2(R2, "security-group", &a.default_sg_2),
            [pass, pass, pass],
            Some(fail),
        ),
        (
            ec2(R2, "security-group", &a.vpc_broken_sg),
            [pass, pass, pass],
            Some(fail),
        ),
    ];
    for (region, (_, sg, _)) in [R1, R2].into_iter().zip(b_defaults) {
        groups.push((
            ec2_arn(account_b, region, "security-group", sg),
            [pass, pass, pass],
            Some(fail),
        ));
    }
    for (id, [admin, all, data], default) in groups {
        put("aws-ec2-sg-admin-ports-public", id.clone(), admin);
        put("aws-ec2-sg-all-ports-public", id.clone(), all);
        put("aws-ec2-sg-data-ports-public", id.clone(), data);
        if let Some(default) = default {
            put("aws-ec2-default-sg-not-restricted", id, default);
        }
    }
    // Network ACLs: default ones allow everything in.
    put(
        "aws-ec2-nacl-admin-ports-public",
        ec2(R1, "network-acl", &a.acl_locked),
        pass,
    );
    put(
        "aws-ec2-nacl-admin-ports-public",
        ec2(R2, "network-acl", &a.acl_v6),
        fail,
    );
    for (region, acl) in [
        (R1, &a.default_acl_1),
        (R1, &a.vpc_logged_acl),
        (R2, &a.default_acl_2),
        (R2, &a.vpc_broken_acl),
    ] {
        put(
            "aws-ec2-nacl-admin-ports-public",
            ec2(region, "network-acl", acl),
            fail,
        );
    }
    for (region, (_, _, acl)) in [R1, R2].into_iter().zip(b_defaults) {
        put(
            "aws-ec2-nacl-admin-ports-public",
            ec2_arn(account_b, region, "network-acl", acl),
            fail,
        );
    }
    // AWS Backup: account A's regions hold in-use EBS volumes (us-east-1's attached to a
    // stopped instance still count) and no backup plan; account B holds no data store.
    for region in [R1, R2] {
        put(
            "aws-backup-no-plan",
            format!("arn:aws:backup:{region}:{account_a}:backup-region"),
            fail,
        );
    }
    // Instances (the stopped one is not judged).
    for (region, instance, verdict) in [(R1, &a.inst1, pass), (R2, &a.inst2, fail)] {
        for rule in [
            "aws-ec2-instance-imdsv1-allowed",
            "aws-ec2-instance-public-ip",
            "aws-ec2-instance-detailed-monitoring-off",
        ] {
            put(rule, ec2(region, "instance", instance), verdict);
        }
    }

    // S3: no buckets here (the S3 scenario has its own accounts), and neither account has
    // Block Public Access configured.
    for account in [account_a, account_b] {
        put(
            "aws-s3-account-public-access-block-off",
            format!("arn:aws:s3::{account}:account-public-access-block"),
            fail,
        );
    }

    // IAM. moto has no way to give the root user MFA: root MFA fails in every account,
    // root keys pass in every account.
    for account in [account_a, account_b] {
        put(
            "aws-iam-root-mfa-off",
            iam_arn(account, "account-summary"),
            fail,
        );
        put(
            "aws-iam-root-access-key",
            iam_arn(account, "account-summary"),
            pass,
        );
    }
    put(
        "aws-iam-password-policy-weak",
        iam_arn(account_a, "password-policy"),
        fail,
    );
    put(
        "aws-iam-password-policy-weak",
        iam_arn(account_b, "password-policy"),
        pass,
    );
    let user = |name: &str| iam_arn(account_a, &format!("user/{name}"));
    // Console users: MFA or not.
    put("aws-iam-user-console-no-mfa", user("alice"), pass);
    put("aws-iam-user-console-no-mfa", user("bob"), fail);
    // Admin privileges: of each principal itself (alice's come through her group).
    for (id, verdict) in [
        (user("alice"), pass),
        (user("bob"), fail),   // AdministratorAccess attached
        (user("carol"), pass), // ec2:Describe* only
        (user("dave"), fail),  // inline * on *
        (user("erin"), pass),
        (iam_arn(account_a, "group/admins"), fail),
        (iam_arn(account_a, "group/readers"), pass),
        (iam_arn(account_a, "group/ops"), pass), // * on * but only with MFA
        (iam_arn(account_a, "role/deployer"), fail), // customer-managed * on *
        (iam_arn(account_a, "role/auditor"), pass),
        (iam_arn(account_b, "role/break-glass"), fail),
    ] {
        put("aws-iam-admin-privileges", id, verdict);
    }
    for (name, direct) in [
        ("alice", pass),
        ("bob", fail),
        ("carol", fail),
        ("dave", fail),
        ("erin", pass),
    ] {
        put("aws-iam-user-direct-policy", user(name), direct);
    }
    // Two active keys: only carol. Users with no key pass too.
    for (name, verdict) in [
        ("alice", pass),
        ("bob", pass),
        ("carol", fail),
        ("dave", pass),
        ("erin", pass),
    ] {
        put("aws-iam-user-two-active-keys", user(name), verdict);
    }
    // Keys and passwords are all brand new (moto cannot backdate them): rotation and
    // "unused" pass now, for users with an active credential. The aged evaluation above
    // gives their failures.
    for name in ["carol", "dave"] {
        put("aws-iam-access-key-not-rotated", user(name), pass);
    }
    for name in ["alice", "bob", "carol", "dave"] {
        put("aws-iam-credentials-unused", user(name), pass);
    }
    // No region of these accounts has a configuration recorder, a GuardDuty detector or
    // Security Hub (the regional scenario of aws_moto/regional.rs has them).
    for account in [account_a, account_b] {
        for region in [R1, R2] {
            for (rule, resource) in [
                (
                    "aws-config-recorder-off",
                    "config:REGION:ACCOUNT:config-region",
                ),
                (
                    "aws-guardduty-off",
                    "guardduty:REGION:ACCOUNT:guardduty-region",
                ),
                (
                    "aws-securityhub-off",
                    "securityhub:REGION:ACCOUNT:securityhub-region",
                ),
            ] {
                let arn = resource
                    .replace("REGION", region)
                    .replace("ACCOUNT", account);
                put(rule, format!("arn:aws:{arn}"), fail);
            }
        }
    }
    e
}

// ---------------------------------------------------------------------------------------
// Coverage gaps: a scanning user without some permissions, with IAM enforced
// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_permissions_become_coverage_gaps_and_never_passes() {
    let Some(python) = moto_python() else { return };
    // IAM enforcement is server-wide, so this test has a server of its own. It starts
    // permissive (the count is never reached while seeding) and is switched to enforcing
    // every call with /moto-api/reset-auth once the fixtures exist.
    let moto = start_moto(&python, &[("INITIAL_NO_AUTH_ACTION_COUNT", "1000000")]);
    const ACCOUNT: &str = "123456789012"; // moto's default account

    // The scanning user gets docs/permissions.md's policy, less three actions.
    let seed = static_config(&moto, &base_credentials(), R1).await;
    let iam = iam_client(&seed);
    let scanner = scanning_user(
        &iam,
        "scanner",
        &[
            "ec2:DescribeVolumes",
            "iam:GenerateCredentialReport",
            "kms:ListKeys",
        ],
        vec![],
    )
    .await;
    let (key_id, secret) = (scanner.access_key_id, scanner.secret_access_key);
    create_user(&iam, "bob").await;
    console_password(&iam, "bob").await;
    for region in [R1, R2] {
        let ec2 = ec2_client(&static_config(&moto, &base_credentials(), region).await);
        create_volume(&ec2, &format!("{region}a"), 8, false).await;
    }
    let (status, body) = http(moto.port, "POST", "/moto-api/reset-auth", &[], "0").unwrap();
    assert_eq!(status, 200, "{body}");

    // moto cannot check the SigV4 signature of REST-JSON GET requests when it enforces IAM
    // (boto3's fail too), so EFS and AWS Backup would fail with SignatureDoesNotMatch here;
    // their denied calls are tested through the fault proxy instead
    // (`data_stores_and_backups_in_two_regions_pass_and_fail_every_rule`).
    let services = ["ec2", "iam", "kms", "dynamodb"];
    let options = AwsScanOptions {
        services: services.iter().map(|s| s.to_string()).collect(),
        static_credentials: Some(StaticCredentials {
            access_key_id: key_id.clone(),
            secret_access_key: secret.clone(),
            session_token: None,
        }),
        regions: RegionSelection::List(vec![R1.into(), R2.into()]),
        endpoint_url: Some(moto.endpoint()),
        call_timeout: Duration::from_secs(30),
        ..AwsScanOptions::default()
    };
    let collection = collect(&options, Arc::new(NoProgress)).await.expect("scan");
    assert_eq!(
        collection.targets[0].identity.as_deref(),
        Some("arn:aws:iam::123456789012:user/scanner")
    );

    // Exactly the units that need the missing actions failed, as access_denied, with a
    // message that names the action to add; everything else was collected.
    let mut expected = services_ok_coverage(&[ACCOUNT], &[R1, R2], &services);
    for entry in &mut expected {
        let failed_action = match entry.unit.kind {
            ResourceKind::EbsVolume => "ec2:DescribeVolumes",
            ResourceKind::IamCredentialReport => "iam:GenerateCredentialReport",
            // Without the key listing neither the keys nor their rotation and policies
            // are known.
            ResourceKind::KmsKey | ResourceKind::KmsKeyRotation | ResourceKind::KmsKeyPolicy => {
                "kms:ListKeys"
            }
            _ => continue,
        };
        let actual = collection
            .coverage
            .iter()
            .find(|e| e.unit == entry.unit)
            .unwrap_or_else(|| panic!("no coverage entry for {}", entry.unit));
        let CoverageStatus::Failed { kind, message } = &actual.status else {
            panic!("{} should have failed", entry.unit);
        };
        assert_eq!(*kind, FailureKind::AccessDenied, "{message}");
        assert!(
            message.starts_with(&format!(
                "{} {failed_action}: AccessDenied: ",
                entry.unit.region
            )),
            "{message}"
        );
        assert!(
            message.ends_with(&format!(
                " — add {failed_action} to the scanning role (see docs/permissions.md)"
            )),
            "{message}"
        );
        entry.status = actual.status.clone();
    }
    assert_coverage(&collection.coverage, &expected);
    assert!(ids_of(&collection, ACCOUNT, R1, ResourceKind::EbsVolume).is_empty());
    // A denied call is not retried: one attempt per region.
    assert_eq!(collection.api_calls["ec2:DescribeVolumes"], 2);
    assert_eq!(collection.api_calls["iam:GenerateCredentialReport"], 1);
    assert!(!collection.api_calls.contains_key("iam:GetCredentialReport"));
    assert_eq!(collection.api_calls["kms:ListKeys"], 2);
    assert!(!collection.api_calls.contains_key("kms:DescribeKey"));
    assert_calls_are_documented(&collection);

    // Users are still collected, without credential facts.
    let ResourceConfig::IamUser(bob) = &find(&collection, &iam_arn(ACCOUNT, "user/bob")).config
    else {
        panic!("not a user")
    };
    assert_eq!(bob.credentials, None);
    // No password policy is a finding, not a collection error.
    assert_eq!(
        find(&collection, &iam_arn(ACCOUNT, "password-policy")).config,
        ResourceConfig::IamPasswordPolicy(IamPasswordPolicy { policy: None })
    );

    let snapshot = snapshot_of_collection(&collection);
    let verdicts = verdicts(&snapshot);
    let of_rule = |rule: &str| -> BTreeMap<String, &str> {
        verdicts
            .iter()
            .filter(|((r, _), _)| r == rule)
            .map(|((_, subject), verdict)| (subject.clone(), *verdict))
            .collect()
    };
    // The volume rules: one "not evaluated" per failed scope, and nothing else — above
    // all, no pass.
    for rule in [
        "aws-ec2-ebs-volume-unencrypted",
        "aws-ec2-ebs-volume-no-recent-backup",
    ] {
        let expected: BTreeMap<String, &str> = [R1, R2]
            .iter()
            .map(|region| {
                (
                    format!("unit:aws/{ACCOUNT}/{region} ebs_volume"),
                    "not_evaluated",
                )
            })
            .collect();
        assert_eq!(of_rule(rule), expected, "{rule}");
    }
    // The KMS rules, and only they: one "not evaluated" per region, nothing else.
    for rule in soc2scan_rules::all_rules()
        .iter()
        .map(|rule| rule.meta())
        .filter(|meta| meta.service() == "kms")
        .map(|meta| meta.id)
    {
        let expected: BTreeMap<String, &str> = [R1, R2]
            .iter()
            .map(|region| {
                (
                    format!("unit:aws/{ACCOUNT}/{region} kms_key"),
                    "not_evaluated",
                )
            })
            .collect();
        assert_eq!(of_rule(rule), expected, "{rule}");
    }
    let kms_gaps: Vec<&CoverageEntry> = snapshot
        .gaps()
        .filter(|gap| gap.unit.kind.service() == "kms")
        .collect();
    assert_eq!(kms_gaps.len(), 2 * 3, "three KMS units in each region");
    // Rules that read the credential report: not evaluated for every user.
    for rule in [
        "aws-iam-user-console-no-mfa",
        "aws-iam-user-two-active-keys",
        "aws-iam-access-key-not-rotated",
        "aws-iam-credentials-unused",
    ] {
        let expected: BTreeMap<String, &str> = [
            iam_arn(ACCOUNT, "user/bob"),
            iam_arn(ACCOUNT, "user/scanner"),
        ]
        .into_iter()
        .map(|id| (id, "not_evaluated"))
        .collect();
        assert_eq!(of_rule(rule), expected, "{rule}");
    }
    // What does not need the missing data is still judged.
    assert_eq!(
        of_rule("aws-iam-password-policy-weak"),
        [(iam_arn(ACCOUNT, "password-policy"), "fail")]
            .into_iter()
            .collect()
    );
    assert_eq!(
        of_rule("aws-iam-user-direct-policy")[&iam_arn(ACCOUNT, "user/scanner")],
        "fail"
    );
    assert!(verdicts
        .iter()
        .all(|((rule, _), verdict)| !rule.starts_with("aws-ec2-ebs-volume") || *verdict != "pass"));
    assert_no_secrets(&snapshot.to_json_pretty().unwrap(), &[secret], &[key_id]);
}

// ---------------------------------------------------------------------------------------
// Canary secrets, progress, timeouts, failures that stop the scan
// ---------------------------------------------------------------------------------------

/// Records progress events.
#[derive(Default)]
struct Recorder {
    started: std::sync::Mutex<Vec<CollectionUnit>>,
    finished: std::sync::Mutex<Vec<(CollectionUnit, bool)>>,
    calls: std::sync::atomic::AtomicU64,
}

impl soc2scan_providers::aws::CollectionProgress for Recorder {
    fn unit_started(&self, unit: &CollectionUnit) {
        self.started.lock().unwrap().push(unit.clone());
    }
    fn unit_finished(&self, unit: &CollectionUnit, failed: bool) {
        self.finished.lock().unwrap().push((unit.clone(), failed));
    }
    fn api_call(&self, _operation: &str) {
        self.calls
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_data_and_secret_keys_never_reach_the_snapshot() {
    let Some(moto) = shared_moto() else { return };
    const ACCOUNT: &str = "333333333333";
    let ec2 = ec2_client(&account_config(moto, ACCOUNT, R1).await);
    let (instance, _) = launch(
        &ec2,
        Launch {
            subnet: None,
            imds_v2_required: true,
            detailed_monitoring: false,
            user_data: Some(USER_DATA_CANARY),
        },
    )
    .await;
    // The canary is really there for anyone who asks for it.
    let user_data = ec2
        .describe_instance_attribute()
        .instance_id(&instance)
        .attribute(ec2t::InstanceAttributeName::UserData)
        .send()
        .await
        .unwrap();
    assert_eq!(
        user_data.user_data().and_then(|u| u.value()),
        Some(aws_smithy_types::base64::encode(USER_DATA_CANARY).as_str())
    );
    let iam = iam_client(&account_config(moto, ACCOUNT, R1).await);
    create_user(&iam, "deployer").await;
    let mut secrets = Vec::new();
    let mut key_ids = Vec::new();
    for _ in 0..2 {
        let (id, secret) = access_key(&iam, "deployer").await;
        key_ids.push(id);
        secrets.push(secret);
    }

    let recorder = Arc::new(Recorder::default());
    let collection = collect(&scan_options(moto, &[ACCOUNT], &[R1]), recorder.clone())
        .await
        .expect("scan");
    assert!(collection.coverage.iter().all(|e| !e.is_gap()));
    let snapshot = snapshot_of_collection(&collection);
    assert_no_secrets(&snapshot.to_json_pretty().unwrap(), &secrets, &key_ids);
    assert_no_secrets(&format!("{collection:?}"), &secrets, &key_ids);
    let ResourceConfig::IamUser(deployer) =
        &find(&collection, &iam_arn(ACCOUNT, "user/deployer")).config
    else {
        panic!("not a user")
    };
    assert_eq!(deployer.credentials.as_ref().unwrap().access_keys.len(), 2);

    // Progress: every unit started and finished once, every request announced.
    let mut started = recorder.started.lock().unwrap().clone();
    started.sort();
    let units: Vec<CollectionUnit> = collection.coverage.iter().map(|e| e.unit.clone()).collect();
    assert_eq!(started, units);
    assert_eq!(units.len(), all_ok_coverage(&[ACCOUNT], &[R1]).len());
    assert_eq!(
        units.len(),
        9 + 4 + 3 + 2 + 2 + 3 + 3 + 2 + 1 + 5 + 3 + 3 + 7 + 9 + 2,
        "EC2, RDS, KMS, DynamoDB, EFS, AWS Backup, CloudTrail, CloudWatch Logs, CloudWatch, \
         Config, GuardDuty, Security Hub, ACM, Secrets Manager, ELBv2 and Lambda units in the \
         region, IAM and S3 units, and the CloudTrail and CloudWatch account units"
    );
    let mut finished = recorder.finished.lock().unwrap().clone();
    finished.sort();
    assert_eq!(
        finished,
        units.iter().map(|u| (u.clone(), false)).collect::<Vec<_>>()
    );
    assert_eq!(
        recorder.calls.load(std::sync::atomic::Ordering::Relaxed),
        collection.api_calls.values().sum::<u64>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn units_cut_off_by_the_overall_timeout_are_recorded_as_timeouts() {
    let Some(moto) = shared_moto() else { return };
    const ACCOUNT: &str = "444444444444";
    let options = AwsScanOptions {
        overall_timeout: Some(Duration::from_millis(1)),
        ..scan_options(moto, &[ACCOUNT], &[R1, R2])
    };
    let collection = collect(&options, Arc::new(NoProgress)).await.expect("scan");
    assert!(collection.resources.is_empty());
    let units: Vec<CollectionUnit> = all_ok_coverage(&[ACCOUNT], &[R1, R2])
        .into_iter()
        .map(|e| e.unit)
        .collect();
    assert_eq!(
        collection
            .coverage
            .iter()
            .map(|e| e.unit.clone())
            .collect::<Vec<_>>(),
        units,
        "every unit has its entry"
    );
    for entry in &collection.coverage {
        let CoverageStatus::Failed { kind, message } = &entry.status else {
            panic!("{} should have timed out", entry.unit);
        };
        assert_eq!(*kind, FailureKind::Timeout, "{message}");
        assert!(message.contains("overall timeout"), "{message}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_endpoint_stops_the_scan_with_a_clear_error() {
    // No moto needed: nothing listens on this port.
    let options = AwsScanOptions {
        static_credentials: Some(base_credentials()),
        regions: RegionSelection::List(vec![R1.into()]),
        endpoint_url: Some(format!("http://127.0.0.1:{}", free_port())),
        call_timeout: Duration::from_secs(10),
        ..AwsScanOptions::default()
    };
    let error = collect(&options, Arc::new(NoProgress))
        .await
        .expect_err("nothing to scan");
    assert!(
        matches!(error, AwsError::CallerIdentity { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.starts_with("sts:GetCallerIdentity failed for the base credentials: "),
        "{message}"
    );
    assert!(!message.contains(BASE_SECRET));
}

#[tokio::test]
async fn bad_options_stop_the_scan_before_any_call() {
    let options = AwsScanOptions {
        static_credentials: Some(base_credentials()),
        regions: RegionSelection::List(vec!["moon-1".into(), "EU".into()]),
        ..AwsScanOptions::default()
    };
    let error = collect(&options, Arc::new(NoProgress)).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid AWS scan options: \"EU\" is not an AWS region name (expected e.g. eu-west-1)"
    );
}

// ---------------------------------------------------------------------------------------
// S3: buckets in two regions of two accounts, every part both ways; denied calls narrowed
// ---------------------------------------------------------------------------------------

/// An S3 client for seeding: buckets addressed by path, as the loopback endpoint needs.
fn s3_client(config: &SdkConfig) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(config)
            .force_path_style(true)
            .build(),
    )
}

/// S3 Control sends requests to `ACCOUNT.HOST`, which the loopback endpoint is not: this
/// resolver sends them to moto as they are (moto routes `/v20180820/…` to S3 Control).
#[derive(Debug)]
struct MotoControlEndpoint(String);

impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for MotoControlEndpoint {
    fn resolve_endpoint<'a>(
        &'a self,
        _params: &'a aws_sdk_s3control::config::endpoint::Params,
    ) -> aws_smithy_runtime_api::client::endpoint::EndpointFuture<'a> {
        aws_smithy_runtime_api::client::endpoint::EndpointFuture::ready(Ok(
            aws_smithy_types::endpoint::Endpoint::builder()
                .url(self.0.clone())
                .build(),
        ))
    }
}

fn s3control_client(moto: &Moto, config: &SdkConfig) -> aws_sdk_s3control::Client {
    aws_sdk_s3control::Client::from_conf(
        aws_sdk_s3control::config::Builder::from(config)
            .endpoint_resolver(MotoControlEndpoint(moto.endpoint()))
            .build(),
    )
}

fn bucket_arn(name: &str) -> String {
    format!("arn:aws:s3:::{name}")
}

fn all_on() -> S3PublicAccessBlock {
    S3PublicAccessBlock {
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: true,
        restrict_public_buckets: true,
    }
}

fn sdk_block(block: S3PublicAccessBlock) -> aws_sdk_s3::types::PublicAccessBlockConfiguration {
    aws_sdk_s3::types::PublicAccessBlockConfiguration::builder()
        .block_public_acls(block.block_public_acls)
        .ignore_public_acls(block.ignore_public_acls)
        .block_public_policy(block.block_public_policy)
        .restrict_public_buckets(block.restrict_public_buckets)
        .build()
}

/// What one seeded bucket is given; everything left `None` is never configured.
#[derive(Default)]
struct BucketSeed<'a> {
    name: &'a str,
    region: &'a str,
    /// Object Ownership set at creation (`x-amz-object-ownership`).
    ownership: Option<aws_sdk_s3::types::ObjectOwnership>,
    /// ACL grants to everyone (`AllUsers`) of READ and WRITE, beside the owner's.
    public_acl: bool,
    policy: Option<String>,
    block: Option<S3PublicAccessBlock>,
    /// (algorithm, KMS key, bucket key)
    encryption: Option<(
        aws_sdk_s3::types::ServerSideEncryption,
        Option<&'a str>,
        bool,
    )>,
    versioning: Option<aws_sdk_s3::types::BucketVersioningStatus>,
    /// (target bucket, prefix)
    logging: Option<(&'a str, &'a str)>,
}

async fn seed_bucket(moto: &Moto, account: &str, seed: BucketSeed<'_>) {
    use aws_sdk_s3::types as s3t;
    let s3 = s3_client(&account_config(moto, account, seed.region).await);
    let mut create = s3.create_bucket().bucket(seed.name);
    if seed.region != "us-east-1" {
        create = create.create_bucket_configuration(
            s3t::CreateBucketConfiguration::builder()
                .location_constraint(s3t::BucketLocationConstraint::from(seed.region))
                .build(),
        );
    }
    create
        .set_object_ownership(seed.ownership)
        .send()
        .await
        .unwrap();
    if seed.public_acl {
        // Grant by grant: moto answers the canned `public-read-write` with one grant of
        // two permissions, which is no S3 ACL (the SDK keeps one of them).
        let owner = s3_owner(&s3, seed.name).await;
        s3.put_bucket_acl()
            .bucket(seed.name)
            .grant_full_control(format!("id={owner}"))
            .grant_read(format!("uri={S3_ALL_USERS}"))
            .grant_write(format!("uri={S3_ALL_USERS}"))
            .send()
            .await
            .unwrap();
    }
    if let Some(policy) = seed.policy {
        s3.put_bucket_policy()
            .bucket(seed.name)
            .policy(policy)
            .send()
            .await
            .unwrap();
    }
    if let Some(block) = seed.block {
        s3.put_public_access_block()
            .bucket(seed.name)
            .public_access_block_configuration(sdk_block(block))
            .send()
            .await
            .unwrap();
    }
    if let Some((algorithm, key, bucket_key)) = seed.encryption {
        s3.put_bucket_encryption()
            .bucket(seed.name)
            .server_side_encryption_configuration(
                s3t::ServerSideEncryptionConfiguration::builder()
                    .rules(
                        s3t::ServerSideEncryptionRule::builder()
                            .apply_server_side_encryption_by_default(
                                s3t::ServerSideEncryptionByDefault::builder()
                                    .sse_algorithm(algorithm)
                                    .set_kms_master_key_id(key.map(str::to_string))
                                    .build()
                                    .unwrap(),
                            )
                            .bucket_key_enabled(bucket_key)
                            .build(),
                    )
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
    }
    if let Some(status) = seed.versioning {
        s3.put_bucket_versioning()
            .bucket(seed.name)
            .versioning_configuration(
                s3t::VersioningConfiguration::builder()
                    .status(status)
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
    if let Some((target, prefix)) = seed.logging {
        s3.put_bucket_logging()
            .bucket(seed.name)
            .bucket_logging_status(
                s3t::BucketLoggingStatus::builder()
                    .logging_enabled(
                        s3t::LoggingEnabled::builder()
                            .target_bucket(target)
                            .target_prefix(prefix)
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
}

/// The canonical id of a bucket's owner, from its ACL.
async fn s3_owner(s3: &aws_sdk_s3::Client, bucket: &str) -> String {
    s3.get_bucket_acl()
        .bucket(bucket)
        .send()
        .await
        .unwrap()
        .owner()
        .and_then(|o| o.id())
        .unwrap()
        .to_string()
}

/// A policy of the given statements.
fn policy_of(statements: Vec<serde_json::Value>) -> String {
    serde_json::json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

/// Anyone may read the bucket's objects.
fn public_read_statement(bucket: &str) -> serde_json::Value {
    serde_json::json!({
        "Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
        "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{bucket}/*"),
    })
}

/// Anyone may write the bucket's objects.
fn public_write_statement(bucket: &str) -> serde_json::Value {
    serde_json::json!({
        "Sid": "PublicWrite", "Effect": "Allow", "Principal": {"AWS": "*"},
        "Action": ["s3:PutObject"], "Resource": format!("arn:aws:s3:::{bucket}/*"),
    })
}

/// Requests without TLS are denied to everyone.
fn tls_only_statement(bucket: &str) -> serde_json::Value {
    serde_json::json!({
        "Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    })
}

/// S3's log delivery may write the bucket's logs (what moto, like S3, wants of a logging
/// target bucket).
fn log_delivery_statement(bucket: &str) -> serde_json::Value {
    serde_json::json!({
        "Sid": "LogDelivery", "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": ["s3:PutObject"], "Resource": format!("arn:aws:s3:::{bucket}/*"),
    })
}

const S3_KMS_KEY: &str =
    "arn:aws:kms:eu-west-1:530000000001:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const S3_KMS_KEY_B: &str =
    "arn:aws:kms:us-east-1:530000000002:key/5678efab-56ef-78ab-90cd-567890abcdef";

/// The S3 scenario's buckets (names are global in moto, as in S3, so they carry the
/// scenario's prefix).
mod s3_buckets {
    pub const A_DATA: &str = "soc2scan-s3t-a-data"; // eu-west-1
    pub const A_ARCHIVE: &str = "soc2scan-s3t-a-archive"; // us-east-1
    pub const A_SITE: &str = "soc2scan-s3t-a-site"; // eu-west-1
    pub const B_PUBLIC: &str = "soc2scan-s3t-b-public"; // eu-west-1
    pub const B_ACL: &str = "soc2scan-s3t-b-acl"; // us-east-1
    pub const B_LOCKED: &str = "soc2scan-s3t-b-locked"; // us-east-1
}

/// Account A: the account's Block Public Access all on; a well-configured data bucket, an
/// archive with the weaker settings, and a public-read site the account setting
/// neutralises. Account B: no account setting; a public-read policy, a public ACL (read
/// and write) and a public-write policy its own Block Public Access neutralises.
async fn seed_s3(moto: &Moto, account_a: &str, account_b: &str) {
    use aws_sdk_s3::types::{BucketVersioningStatus as V, ObjectOwnership, ServerSideEncryption};
    use s3_buckets::*;
    seed_bucket(
        moto,
        account_a,
        BucketSeed {
            name: A_DATA,
            region: R1,
            ownership: Some(ObjectOwnership::BucketOwnerEnforced),
            // The log delivery statement comes first: moto's logging check stops at a
            // statement whose principal is the string "*".
            policy: Some(policy_of(vec![
                log_delivery_statement(A_DATA),
                tls_only_statement(A_DATA),
            ])),
            block: Some(all_on()),
            encryption: Some((ServerSideEncryption::AwsKms, Some(S3_KMS_KEY), true)),
            versioning: Some(V::Enabled),
            logging: Some((A_DATA, "access-logs/")),
            ..BucketSeed::default()
        },
    )
    .await;
    seed_bucket(
        moto,
        account_a,
        BucketSeed {
            name: A_ARCHIVE,
            region: R2,
            ownership: Some(ObjectOwnership::BucketOwnerPreferred),
            policy: Some(policy_of(vec![tls_only_statement(A_ARCHIVE)])),
            encryption: Some((ServerSideEncryption::Aes256, None, false)),
            versioning: Some(V::Suspended),
            ..BucketSeed::default()
        },
    )
    .await;
    seed_bucket(
        moto,
        account_a,
        BucketSeed {
            name: A_SITE,
            region: R1,
            policy: Some(policy_of(vec![public_read_statement(A_SITE)])),
            // Into the data bucket, whose policy lets log delivery write.
            logging: Some((A_DATA, "site/")),
            ..BucketSeed::default()
        },
    )
    .await;
    let control = s3control_client(moto, &account_config(moto, account_a, R1).await);
    control
        .put_public_access_block()
        .account_id(account_a)
        .public_access_block_configuration(
            aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .unwrap();

    seed_bucket(
        moto,
        account_b,
        BucketSeed {
            name: B_PUBLIC,
            region: R1,
            policy: Some(policy_of(vec![public_read_statement(B_PUBLIC)])),
            encryption: Some((ServerSideEncryption::Aes256, None, false)),
            versioning: Some(V::Enabled),
            ..BucketSeed::default()
        },
    )
    .await;
    seed_bucket(
        moto,
        account_b,
        BucketSeed {
            name: B_ACL,
            region: R2,
            ownership: Some(ObjectOwnership::ObjectWriter),
            public_acl: true,
            block: Some(S3PublicAccessBlock {
                block_public_policy: true,
                ..S3PublicAccessBlock::default()
            }),
            encryption: Some((ServerSideEncryption::AwsKms, Some(S3_KMS_KEY_B), false)),
            versioning: Some(V::Suspended),
            ..BucketSeed::default()
        },
    )
    .await;
    seed_bucket(
        moto,
        account_b,
        BucketSeed {
            name: B_LOCKED,
            region: R2,
            ownership: Some(ObjectOwnership::BucketOwnerEnforced),
            policy: Some(policy_of(vec![
                log_delivery_statement(B_LOCKED),
                public_write_statement(B_LOCKED),
                tls_only_statement(B_LOCKED),
            ])),
            block: Some(all_on()),
            encryption: Some((ServerSideEncryption::AwsKmsDsse, None, false)),
            versioning: Some(V::Enabled),
            logging: Some((B_LOCKED, "")),
            ..BucketSeed::default()
        },
    )
    .await;
}

/// The coverage of a scan of S3 alone, every unit collected.
fn s3_ok_coverage(accounts: &[&str]) -> Vec<CoverageEntry> {
    all_ok_coverage(accounts, &[])
        .into_iter()
        .filter(|entry| entry.unit.kind.service() == "s3")
        .collect()
}

/// Scan options for S3 alone.
fn s3_scan_options(moto: &Moto, accounts: &[&str]) -> AwsScanOptions {
    AwsScanOptions {
        services: vec!["s3".into()],
        ..scan_options(moto, accounts, &[R2, R1])
    }
}

fn s3_bucket_of(collection: &AwsCollection, name: &str) -> (String, S3Bucket) {
    let resource = find(collection, &bucket_arn(name));
    let ResourceConfig::S3Bucket(bucket) = &resource.config else {
        panic!("{name} is not a bucket")
    };
    (resource.region.clone(), bucket.clone())
}

/// A bucket as the S3 scenario expects it: the owner's ACL grant, no policy, no Block
/// Public Access, no default encryption, versioning never set, no logging, and no
/// ownership controls (ObjectWriter).
fn plain_bucket(name: &str, owner: &str) -> S3Bucket {
    S3Bucket {
        name: name.to_string(),
        creation_date: None,
        acl: Some(S3Acl {
            grants: vec![S3AclGrant {
                grantee_type: "CanonicalUser".into(),
                grantee: Some(owner.to_string()),
                permission: "FULL_CONTROL".into(),
            }],
        }),
        policy: Some(S3PolicyState::None),
        public_access_block: Some(S3PublicAccessBlock::default()),
        default_encryption: Some(S3DefaultEncryption {
            algorithm: None,
            kms_key_id: None,
            bucket_key_enabled: None,
        }),
        versioning: Some(S3Versioning {
            status: "Off".into(),
            mfa_delete: None,
        }),
        logging: Some(S3Logging {
            target_bucket: None,
            target_prefix: None,
        }),
        object_ownership: Some("ObjectWriter".into()),
    }
}

fn policy_state(statements: Vec<serde_json::Value>) -> Option<S3PolicyState> {
    Some(S3PolicyState::Set {
        document: PolicyDocument::parse(&policy_of(statements)).unwrap(),
    })
}

fn encryption(algorithm: &str, key: Option<&str>, bucket_key: bool) -> Option<S3DefaultEncryption> {
    Some(S3DefaultEncryption {
        algorithm: Some(algorithm.into()),
        kms_key_id: key.map(str::to_string),
        bucket_key_enabled: Some(bucket_key),
    })
}

fn versioning(status: &str) -> Option<S3Versioning> {
    Some(S3Versioning {
        status: status.into(),
        mfa_delete: None,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_buckets_of_two_accounts_in_two_regions_are_read_part_by_part() {
    use s3_buckets::*;
    let Some(moto) = shared_moto() else { return };
    const A: &str = "530000000001";
    const B: &str = "530000000002";
    seed_s3(moto, A, B).await;
    let owner = s3_owner(&s3_client(&account_config(moto, A, R1).await), A_DATA).await;

    let collection = collect(&s3_scan_options(moto, &[A, B]), Arc::new(NoProgress))
        .await
        .expect("scan");

    // --- every S3 unit collected, nothing narrowed ---
    assert_coverage(&collection.coverage, &s3_ok_coverage(&[A, B]));

    // --- every bucket in its own region, every part as seeded ---
    let arns = |names: &[&str]| names.iter().map(|n| bucket_arn(n)).collect::<BTreeSet<_>>();
    for (account, region, names) in [
        (A, R1, &[A_DATA, A_SITE][..]),
        (A, R2, &[A_ARCHIVE][..]),
        (B, R1, &[B_PUBLIC][..]),
        (B, R2, &[B_ACL, B_LOCKED][..]),
    ] {
        assert_eq!(
            ids_of(&collection, account, region, ResourceKind::S3Bucket),
            arns(names),
            "{account} {region}"
        );
    }
    assert_eq!(
        collection
            .resources
            .iter()
            .filter(|r| r.kind() == ResourceKind::S3Bucket)
            .count(),
        6
    );
    let plain = |name: &str| plain_bucket(name, &owner);
    let check = |name: &str, region: &str, expected: S3Bucket| {
        let (actual_region, actual) = s3_bucket_of(&collection, name);
        assert_eq!(actual_region, region, "{name}'s region");
        assert!(actual.creation_date.is_some(), "{name}'s creation date");
        assert_eq!(
            actual,
            S3Bucket {
                creation_date: actual.creation_date,
                ..expected
            },
            "{name}"
        );
    };
    check(
        A_DATA,
        R1,
        S3Bucket {
            policy: policy_state(vec![
                log_delivery_statement(A_DATA),
                tls_only_statement(A_DATA),
            ]),
            public_access_block: Some(all_on()),
            default_encryption: encryption("aws:kms", Some(S3_KMS_KEY), true),
            versioning: versioning("Enabled"),
            logging: Some(S3Logging {
                target_bucket: Some(A_DATA.into()),
                target_prefix: Some("access-logs/".into()),
            }),
            object_ownership: Some("BucketOwnerEnforced".into()),
            ..plain(A_DATA)
        },
    );
    check(
        A_ARCHIVE,
        R2,
        S3Bucket {
            policy: policy_state(vec![tls_only_statement(A_ARCHIVE)]),
            default_encryption: encryption("AES256", None, false),
            versioning: versioning("Suspended"),
            object_ownership: Some("BucketOwnerPreferred".into()),
            ..plain(A_ARCHIVE)
        },
    );
    check(
        A_SITE,
        R1,
        S3Bucket {
            policy: policy_state(vec![public_read_statement(A_SITE)]),
            logging: Some(S3Logging {
                target_bucket: Some(A_DATA.into()),
                target_prefix: Some("site/".into()),
            }),
            ..plain(A_SITE)
        },
    );
    check(
        B_PUBLIC,
        R1,
        S3Bucket {
            policy: policy_state(vec![public_read_statement(B_PUBLIC)]),
            default_encryption: encryption("AES256", None, false),
            versioning: versioning("Enabled"),
            ..plain(B_PUBLIC)
        },
    );
    let everyone = |permission: &str| S3AclGrant {
        grantee_type: "Group".into(),
        grantee: Some(S3_ALL_USERS.into()),
        permission: permission.into(),
    };
    let mut public_acl = plain(B_ACL).acl.unwrap();
    public_acl
        .grants
        .extend([everyone("READ"), everyone("WRITE")]);
    check(
        B_ACL,
        R2,
        S3Bucket {
            acl: Some(public_acl),
            public_access_block: Some(S3PublicAccessBlock {
                block_public_policy: true,
                ..S3PublicAccessBlock::default()
            }),
            default_encryption: encryption("aws:kms", Some(S3_KMS_KEY_B), false),
            versioning: versioning("Suspended"),
            ..plain(B_ACL)
        },
    );
    check(
        B_LOCKED,
        R2,
        S3Bucket {
            policy: policy_state(vec![
                log_delivery_statement(B_LOCKED),
                public_write_statement(B_LOCKED),
                tls_only_statement(B_LOCKED),
            ]),
            public_access_block: Some(all_on()),
            default_encryption: encryption("aws:kms:dsse", None, false),
            versioning: versioning("Enabled"),
            // An empty prefix is no prefix.
            logging: Some(S3Logging {
                target_bucket: Some(B_LOCKED.into()),
                target_prefix: None,
            }),
            object_ownership: Some("BucketOwnerEnforced".into()),
            ..plain(B_LOCKED)
        },
    );

    // --- the accounts' Block Public Access: all on in A, never configured in B ---
    let account_block = |account: &str| {
        find(
            &collection,
            &format!("arn:aws:s3::{account}:account-public-access-block"),
        )
    };
    assert_eq!(account_block(A).region, GLOBAL_REGION);
    assert_eq!(
        account_block(A).config,
        ResourceConfig::S3AccountPublicAccessBlock(S3AccountPublicAccessBlock {
            configured: true,
            settings: all_on(),
        })
    );
    assert_eq!(
        account_block(B).config,
        ResourceConfig::S3AccountPublicAccessBlock(S3AccountPublicAccessBlock {
            configured: false,
            settings: S3PublicAccessBlock::default(),
        })
    );
    assert_eq!(
        collection.resources.len(),
        6 + 2,
        "buckets and account settings"
    );

    // --- calls: one listing and one account setting per account; seven reads per bucket,
    // and its location, since moto's listing gives no region ---
    assert_calls_are_documented(&collection);
    let mut expected_calls: BTreeMap<String, u64> = [
        ("sts:GetCallerIdentity", 2),
        ("sts:AssumeRole", 2),
        ("s3:ListAllMyBuckets", 2),
        ("s3:GetAccountPublicAccessBlock", 2),
    ]
    .into_iter()
    .map(|(operation, count)| (operation.to_string(), count))
    .collect();
    for operation in [
        "s3:GetBucketLocation",
        "s3:GetBucketAcl",
        "s3:GetBucketPolicy",
        "s3:GetBucketPublicAccessBlock",
        "s3:GetEncryptionConfiguration",
        "s3:GetBucketVersioning",
        "s3:GetBucketLogging",
        "s3:GetBucketOwnershipControls",
    ] {
        expected_calls.insert(operation.to_string(), 6);
    }
    assert_eq!(collection.api_calls, expected_calls);

    // --- the snapshot is valid and survives its file round trip ---
    let snapshot = snapshot_of_collection(&collection);
    let json = snapshot.to_json_pretty().unwrap();
    let reloaded =
        Snapshot::from_json_slice(json.as_bytes(), Path::new("round-trip.json")).unwrap();
    assert_eq!(reloaded, snapshot);

    // --- verdicts: every S3 rule passes for some buckets and fails for others ---
    let (pass, fail) = ("pass", "fail");
    let mut expected: BTreeMap<(String, String), &str> = BTreeMap::new();
    let account_block_id =
        |account: &str| format!("arn:aws:s3::{account}:account-public-access-block");
    // Account A has all four settings on; B has no configuration at all.
    expected.insert(
        (
            "aws-s3-account-public-access-block-off".into(),
            account_block_id(A),
        ),
        pass,
    );
    expected.insert(
        (
            "aws-s3-account-public-access-block-off".into(),
            account_block_id(B),
        ),
        fail,
    );
    // (bucket, [public read, public write, TLS, logging, versioning, KMS, ACLs])
    for (name, verdicts) in [
        // Everything right.
        (A_DATA, [pass, pass, pass, pass, pass, pass, pass]),
        // TLS-only policy; SSE-S3, Suspended, no logging, BucketOwnerPreferred.
        (A_ARCHIVE, [pass, pass, pass, fail, fail, fail, fail]),
        // A public-read policy the account's Block Public Access neutralises; logs into
        // the data bucket; nothing else set.
        (A_SITE, [pass, pass, fail, pass, fail, fail, fail]),
        // A public-read policy, no Block Public Access anywhere; versioned, SSE-S3.
        (B_PUBLIC, [fail, pass, fail, fail, pass, fail, fail]),
        // AllUsers READ and WRITE in the ACL (BlockPublicPolicy does not undo grants);
        // SSE-KMS, Suspended.
        (B_ACL, [fail, fail, fail, fail, fail, pass, fail]),
        // A public-write policy its own Block Public Access neutralises; DSSE-KMS,
        // versioned, logged, TLS only, ACLs disabled.
        (B_LOCKED, [pass, pass, pass, pass, pass, pass, pass]),
    ] {
        for (rule, verdict) in [
            "aws-s3-bucket-public-read",
            "aws-s3-bucket-public-write",
            "aws-s3-bucket-tls-not-enforced",
            "aws-s3-bucket-access-logging-off",
            "aws-s3-bucket-versioning-off",
            "aws-s3-bucket-kms-encryption-off",
            "aws-s3-bucket-acls-enabled",
        ]
        .into_iter()
        .zip(verdicts)
        {
            expected.insert((rule.to_string(), bucket_arn(name)), verdict);
        }
    }
    let actual = verdicts(&snapshot);
    assert_verdicts(&actual, &expected);
    assert_eq!(verdicts(&reloaded), actual);
    let report = engine().evaluate(&snapshot);
    assert!(report.relevant_gaps().is_empty(), "a complete scan");
    // The fail messages name what exposes a bucket.
    let message = |rule: &str, name: &str| {
        report
            .evaluations
            .iter()
            .find(|e| {
                report.rule_of(e).rule.meta().id == rule
                    && report
                        .resource_of(e)
                        .is_some_and(|r| r.id == bucket_arn(name))
            })
            .map(|e| format!("{:?}", e.verdict))
            .unwrap()
    };
    let acl_write = message("aws-s3-bucket-public-write", B_ACL);
    assert!(
        acl_write.contains("ACL grants WRITE to AllUsers"),
        "{acl_write}"
    );
    let policy_read = message("aws-s3-bucket-public-read", B_PUBLIC);
    assert!(policy_read.contains("PublicRead"), "{policy_read}");
}

/// A user of moto's default account allowed docs/permissions.md's policy but the actions
/// `without`, less `denies` (extra Deny statements); returns its keys.
async fn scanning_user(
    iam: &aws_sdk_iam::Client,
    name: &str,
    without: &[&str],
    denies: Vec<serde_json::Value>,
) -> StaticCredentials {
    let mut granted = documented_actions();
    for action in without {
        assert!(
            granted.remove(*action),
            "{action} is not in docs/permissions.md"
        );
    }
    // moto authorises some S3 calls as other actions than AWS does: GetBucketEncryption,
    // GetPublicAccessBlock and GetBucketOwnershipControls as s3:ListBucket, S3 Control's
    // GetPublicAccessBlock as s3:GetPublicAccessBlock.
    granted.insert("s3:ListBucket".to_string());
    granted.insert("s3:GetPublicAccessBlock".to_string());
    let mut statements = vec![serde_json::json!({
        "Effect": "Allow", "Action": granted, "Resource": "*",
    })];
    statements.extend(denies);
    create_user(iam, name).await;
    iam.put_user_policy()
        .user_name(name)
        .policy_name("soc2scan")
        .policy_document(policy_of(statements))
        .send()
        .await
        .unwrap();
    let (access_key_id, secret_access_key) = access_key(iam, name).await;
    StaticCredentials {
        access_key_id,
        secret_access_key,
        session_token: None,
    }
}

fn deny(action: &str, resource: &str) -> serde_json::Value {
    serde_json::json!({"Effect": "Deny", "Action": action, "Resource": resource})
}

/// The failure of a denied call: access denied, naming the action to grant.
fn assert_denied(status: &CoverageStatus, action: &str) {
    let CoverageStatus::Failed { kind, message } = status else {
        panic!("{action} should have failed: {status:?}");
    };
    assert_eq!(*kind, FailureKind::AccessDenied, "{message}");
    assert!(
        message.starts_with(&format!("global {action}: AccessDenied: ")),
        "{message}"
    );
    assert!(
        message.ends_with(&format!(
            " — add {action} to the scanning role (see docs/permissions.md)"
        )),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_denied_calls_fail_only_the_bucket_part_listing_or_account_setting_they_concern() {
    let Some(python) = moto_python() else { return };
    // IAM enforcement is server-wide: a server of its own, enforcing once seeded.
    let moto = start_moto(&python, &[("INITIAL_NO_AUTH_ACTION_COUNT", "1000000")]);
    const ACCOUNT: &str = "123456789012"; // moto's default account
    const ONE: &str = "soc2scan-s3d-one"; // eu-west-1, with a policy
    const TWO: &str = "soc2scan-s3d-two"; // us-east-1, without
    let base_keys = base_credentials();
    let base = |region| static_config(&moto, &base_keys, region);
    for (name, region, policy) in [
        (ONE, R1, Some(policy_of(vec![tls_only_statement(ONE)]))),
        (TWO, R2, None),
    ] {
        let s3 = s3_client(&base(region).await);
        let mut create = s3.create_bucket().bucket(name);
        if region != "us-east-1" {
            create = create.create_bucket_configuration(
                aws_sdk_s3::types::CreateBucketConfiguration::builder()
                    .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(region))
                    .build(),
            );
        }
        create.send().await.unwrap();
        if let Some(policy) = policy {
            s3.put_bucket_policy()
                .bucket(name)
                .policy(policy)
                .send()
                .await
                .unwrap();
        }
    }
    let iam = iam_client(&base(R1).await);
    // moto evaluates a Deny's Resource against the bucket's ARN: one bucket's policy only.
    let no_policy_of_one = scanning_user(
        &iam,
        "no-policy-of-one",
        &[],
        vec![deny("s3:GetBucketPolicy", &bucket_arn(ONE))],
    )
    .await;
    let no_listing = scanning_user(
        &iam,
        "no-listing",
        &[],
        vec![deny("s3:ListAllMyBuckets", "*")],
    )
    .await;
    // moto's spelling of the action, and AWS's.
    let no_account_setting = scanning_user(
        &iam,
        "no-account-setting",
        &[],
        vec![
            deny("s3:GetPublicAccessBlock", "*"),
            deny("s3:GetAccountPublicAccessBlock", "*"),
        ],
    )
    .await;
    let no_location_of_two = scanning_user(
        &iam,
        "no-location-of-two",
        &[],
        vec![deny("s3:GetBucketLocation", &bucket_arn(TWO))],
    )
    .await;
    let (status, body) = http(moto.port, "POST", "/moto-api/reset-auth", &[], "0").unwrap();
    assert_eq!(status, 200, "{body}");

    let scan = |credentials: StaticCredentials| {
        let options = AwsScanOptions {
            static_credentials: Some(credentials),
            regions: RegionSelection::List(vec![R1.into(), R2.into()]),
            endpoint_url: Some(moto.endpoint()),
            call_timeout: Duration::from_secs(30),
            services: vec!["s3".into()],
            ..AwsScanOptions::default()
        };
        async move { collect(&options, Arc::new(NoProgress)).await.expect("scan") }
    };
    let account_block_id = format!("arn:aws:s3::{ACCOUNT}:account-public-access-block");
    // The verdicts with everything read: ONE denies plain HTTP; neither has anything else
    // set, nor is either public; the account has no Block Public Access. `not_evaluated`
    // lists (rule, bucket) pairs a gap keeps from being judged.
    let expected_verdicts = |not_evaluated: &[(&str, &str)]| {
        let mut expected: BTreeMap<(String, String), &'static str> = BTreeMap::new();
        expected.insert(
            (
                "aws-s3-account-public-access-block-off".into(),
                account_block_id.clone(),
            ),
            "fail",
        );
        for (name, tls) in [(ONE, "pass"), (TWO, "fail")] {
            for (rule, verdict) in [
                ("aws-s3-bucket-public-read", "pass"),
                ("aws-s3-bucket-public-write", "pass"),
                ("aws-s3-bucket-tls-not-enforced", tls),
                ("aws-s3-bucket-access-logging-off", "fail"),
                ("aws-s3-bucket-versioning-off", "fail"),
                ("aws-s3-bucket-kms-encryption-off", "fail"),
                ("aws-s3-bucket-acls-enabled", "fail"),
            ] {
                expected.insert((rule.to_string(), bucket_arn(name)), verdict);
            }
        }
        for (rule, name) in not_evaluated {
            let key = (rule.to_string(), bucket_arn(name));
            assert!(expected.contains_key(&key), "{key:?}");
            expected.insert(key, "not_evaluated");
        }
        expected
    };
    // Judged as the scan would be: incomplete (exit 3) exactly when a gap concerns a rule.
    let judge = |collection: &AwsCollection| {
        let snapshot = snapshot_of_collection(collection);
        let report = engine().evaluate(&snapshot);
        let gaps: Vec<CollectionUnit> = report
            .relevant_gaps()
            .iter()
            .map(|g| g.unit.clone())
            .collect();
        (verdicts(&snapshot), gaps)
    };
    let failed_units = |collection: &AwsCollection| -> Vec<CollectionUnit> {
        collection
            .coverage
            .iter()
            .filter(|e| e.is_gap())
            .map(|e| e.unit.clone())
            .collect()
    };
    const READERS_OF_POLICY: [&str; 3] = [
        "aws-s3-bucket-public-read",
        "aws-s3-bucket-public-write",
        "aws-s3-bucket-tls-not-enforced",
    ];
    const BUCKET_RULES: [&str; 7] = [
        "aws-s3-bucket-public-read",
        "aws-s3-bucket-public-write",
        "aws-s3-bucket-tls-not-enforced",
        "aws-s3-bucket-access-logging-off",
        "aws-s3-bucket-versioning-off",
        "aws-s3-bucket-kms-encryption-off",
        "aws-s3-bucket-acls-enabled",
    ];

    // --- one bucket's policy denied: a gap narrowed to that bucket and that part ---
    let collection = scan(no_policy_of_one).await;
    let narrowed = CollectionUnit {
        provider: Provider::Aws,
        account: ACCOUNT.into(),
        region: GLOBAL_REGION.into(),
        kind: ResourceKind::S3BucketPolicy,
        resource: Some(bucket_arn(ONE)),
    };
    let gap = collection
        .coverage
        .iter()
        .find(|e| e.unit == narrowed)
        .expect("a gap narrowed to the bucket's policy");
    assert_denied(&gap.status, "s3:GetBucketPolicy");
    let mut expected = s3_ok_coverage(&[ACCOUNT]);
    expected.push(gap.clone());
    expected.sort_by(|a, b| a.unit.cmp(&b.unit));
    assert_coverage(&collection.coverage, &expected);
    let (region, one) = s3_bucket_of(&collection, ONE);
    assert_eq!(region, R1);
    assert_eq!(
        one.policy, None,
        "could not look: no value, never 'no policy'"
    );
    assert!(
        one.acl.is_some()
            && one.public_access_block.is_some()
            && one.default_encryption.is_some()
            && one.versioning.is_some()
            && one.logging.is_some()
            && one.object_ownership.is_some(),
        "every other part was read: {one:?}"
    );
    let (region, two) = s3_bucket_of(&collection, TWO);
    assert_eq!(region, R2);
    assert_eq!(two.policy, Some(S3PolicyState::None));
    assert!(
        find(&collection, &account_block_id).config
            == ResourceConfig::S3AccountPublicAccessBlock(S3AccountPublicAccessBlock {
                configured: false,
                settings: S3PublicAccessBlock::default(),
            })
    );
    // A denied call is not retried.
    assert_eq!(collection.api_calls["s3:GetBucketPolicy"], 2);
    assert_eq!(collection.api_calls["s3:GetBucketAcl"], 2);
    assert_calls_are_documented(&collection);
    // Only the rules that read ONE's policy are not evaluated, and only for ONE.
    let (verdicts_now, gaps) = judge(&collection);
    let not_evaluated: Vec<(&str, &str)> = READERS_OF_POLICY.iter().map(|r| (*r, ONE)).collect();
    assert_verdicts(&verdicts_now, &expected_verdicts(&not_evaluated));
    assert_eq!(gaps, vec![narrowed.clone()], "incomplete: exit 3");

    // --- the listing denied: every bucket kind of the account failed, not the account
    // setting ---
    let collection = scan(no_listing).await;
    let mut expected = s3_ok_coverage(&[ACCOUNT]);
    for entry in &mut expected {
        if entry.unit.kind == ResourceKind::S3AccountPublicAccessBlock {
            continue;
        }
        let actual = collection
            .coverage
            .iter()
            .find(|e| e.unit == entry.unit)
            .unwrap_or_else(|| panic!("no coverage entry for {}", entry.unit));
        assert_denied(&actual.status, "s3:ListAllMyBuckets");
        entry.status = actual.status.clone();
    }
    assert_coverage(&collection.coverage, &expected);
    assert_eq!(
        collection
            .resources
            .iter()
            .map(|r| r.id.clone())
            .collect::<Vec<_>>(),
        vec![account_block_id.clone()]
    );
    // No bucket could be listed: each bucket rule is not evaluated for the account's
    // buckets as a whole; the account's setting is still judged.
    let (verdicts_now, gaps) = judge(&collection);
    let mut expected = BTreeMap::new();
    expected.insert(
        (
            "aws-s3-account-public-access-block-off".to_string(),
            account_block_id.clone(),
        ),
        "fail",
    );
    for rule in BUCKET_RULES {
        expected.insert(
            (
                rule.to_string(),
                format!("unit:aws/{ACCOUNT}/global s3_bucket"),
            ),
            "not_evaluated",
        );
    }
    assert_verdicts(&verdicts_now, &expected);
    assert_eq!(gaps, failed_units(&collection), "incomplete: exit 3");
    assert_eq!(gaps.len(), 8, "the bucket kind and its seven parts");
    assert_eq!(
        collection.api_calls,
        [
            ("sts:GetCallerIdentity", 1),
            ("s3:ListAllMyBuckets", 1),
            ("s3:GetAccountPublicAccessBlock", 1),
        ]
        .into_iter()
        .map(|(operation, count)| (operation.to_string(), count))
        .collect()
    );

    // --- the account setting denied: that unit alone ---
    let collection = scan(no_account_setting).await;
    let mut expected = s3_ok_coverage(&[ACCOUNT]);
    for entry in &mut expected {
        if entry.unit.kind == ResourceKind::S3AccountPublicAccessBlock {
            let actual = collection
                .coverage
                .iter()
                .find(|e| e.unit == entry.unit)
                .expect("the account setting's entry");
            assert_denied(&actual.status, "s3:GetAccountPublicAccessBlock");
            entry.status = actual.status.clone();
        }
    }
    assert_coverage(&collection.coverage, &expected);
    assert!(collection
        .resources
        .iter()
        .all(|r| r.id != account_block_id));
    for name in [ONE, TWO] {
        let (_, bucket) = s3_bucket_of(&collection, name);
        assert!(bucket.policy.is_some(), "{name}: {bucket:?}");
    }
    // The account rule is not evaluated, and so are the exposure rules, which weigh the
    // account's Block Public Access; the other bucket rules are judged.
    let (verdicts_now, gaps) = judge(&collection);
    let mut expected = expected_verdicts(&[
        ("aws-s3-bucket-public-read", ONE),
        ("aws-s3-bucket-public-write", ONE),
        ("aws-s3-bucket-public-read", TWO),
        ("aws-s3-bucket-public-write", TWO),
    ]);
    expected.remove(&(
        "aws-s3-account-public-access-block-off".to_string(),
        account_block_id.clone(),
    ));
    expected.insert(
        (
            "aws-s3-account-public-access-block-off".to_string(),
            format!("unit:aws/{ACCOUNT}/global s3_account_public_access_block"),
        ),
        "not_evaluated",
    );
    assert_verdicts(&verdicts_now, &expected);
    assert_eq!(gaps, failed_units(&collection), "incomplete: exit 3");
    assert_eq!(gaps.len(), 1);

    // --- one bucket's region unknown: every part of that bucket is a narrowed gap, and
    // the bucket is still listed (its rules say "not evaluated", not nothing) ---
    let collection = scan(no_location_of_two).await;
    let mut expected = s3_ok_coverage(&[ACCOUNT]);
    for part in [
        ResourceKind::S3BucketAcl,
        ResourceKind::S3BucketPolicy,
        ResourceKind::S3BucketPublicAccessBlock,
        ResourceKind::S3BucketEncryption,
        ResourceKind::S3BucketVersioning,
        ResourceKind::S3BucketLogging,
        ResourceKind::S3BucketOwnershipControls,
    ] {
        let unit = CollectionUnit {
            provider: Provider::Aws,
            account: ACCOUNT.into(),
            region: GLOBAL_REGION.into(),
            kind: part,
            resource: Some(bucket_arn(TWO)),
        };
        let gap = collection
            .coverage
            .iter()
            .find(|e| e.unit == unit)
            .unwrap_or_else(|| panic!("no gap for {unit}"));
        assert_denied(&gap.status, "s3:GetBucketLocation");
        expected.push(gap.clone());
    }
    expected.sort_by(|a, b| a.unit.cmp(&b.unit));
    assert_coverage(&collection.coverage, &expected);
    let (region, two) = s3_bucket_of(&collection, TWO);
    assert_eq!(region, "unknown");
    assert_eq!(
        two,
        S3Bucket {
            name: TWO.into(),
            creation_date: two.creation_date,
            acl: None,
            policy: None,
            public_access_block: None,
            default_encryption: None,
            versioning: None,
            logging: None,
            object_ownership: None,
        }
    );
    let (region, one) = s3_bucket_of(&collection, ONE);
    assert_eq!(region, R1);
    assert!(one.policy.is_some() && one.acl.is_some(), "{one:?}");
    assert_eq!(collection.api_calls["s3:GetBucketLocation"], 2);
    assert_eq!(
        collection.api_calls["s3:GetBucketAcl"], 1,
        "nothing read of two"
    );
    // Every bucket rule is not evaluated for TWO, and judged for ONE.
    let (verdicts_now, gaps) = judge(&collection);
    let not_evaluated: Vec<(&str, &str)> = BUCKET_RULES.iter().map(|r| (*r, TWO)).collect();
    assert_verdicts(&verdicts_now, &expected_verdicts(&not_evaluated));
    assert_eq!(gaps, failed_units(&collection), "incomplete: exit 3");
    assert_eq!(gaps.len(), 7);
}

// ---------------------------------------------------------------------------------------
// RDS: two regions, every RDS rule both ways; a denied RDS call
// ---------------------------------------------------------------------------------------

/// Planted as every seeded database's master password and user name: RDS never returns
/// the password, and soc2scan does not keep the user name.
const RDS_PASSWORD_CANARY: &str = "rds-master-canary-5b7e1d";
const RDS_USER_CANARY: &str = "canary_admin_81c2";

fn rds_client(config: &SdkConfig) -> aws_sdk_rds::Client {
    aws_sdk_rds::Client::new(config)
}

fn rds_arn(account: &str, region: &str, kind: &str, name: &str) -> String {
    format!("arn:aws:rds:{region}:{account}:{kind}:{name}")
}

/// A DB instance to seed; `cluster` makes it a member of that cluster (the cluster then
/// decides everything but `public`).
struct Db<'a> {
    id: &'a str,
    engine: &'a str,
    version: Option<&'a str>,
    cluster: Option<&'a str>,
    public: bool,
    encrypted: bool,
    retention: i32,
    deletion_protection: bool,
    multi_az: bool,
    logs: &'a [&'a str],
}

impl Db<'_> {
    /// A private, encrypted, Multi-AZ, protected PostgreSQL instance with 14 days of
    /// backups and its `postgresql` log exported.
    fn good(id: &str) -> Db<'_> {
        Db {
            id,
            engine: "postgres",
            version: Some("16.3"),
            cluster: None,
            public: false,
            encrypted: true,
            retention: 14,
            deletion_protection: true,
            multi_az: true,
            logs: &["postgresql"],
        }
    }
}

async fn create_db(rds: &aws_sdk_rds::Client, db: Db<'_>) {
    let request = rds
        .create_db_instance()
        .db_instance_identifier(db.id)
        .db_instance_class("db.m6g.large")
        .engine(db.engine)
        .set_engine_version(db.version.map(str::to_string))
        .publicly_accessible(db.public)
        .tags(
            aws_sdk_rds::types::Tag::builder()
                .key("Name")
                .value(format!("{}-name", db.id))
                .build(),
        );
    let request = match db.cluster {
        Some(cluster) => request.db_cluster_identifier(cluster),
        None => request
            .master_username(RDS_USER_CANARY)
            .master_user_password(RDS_PASSWORD_CANARY)
            .allocated_storage(20)
            .storage_encrypted(db.encrypted)
            .backup_retention_period(db.retention)
            .deletion_protection(db.deletion_protection)
            .multi_az(db.multi_az)
            .set_enable_cloudwatch_logs_exports(Some(
                db.logs.iter().map(|l| l.to_string()).collect(),
            )),
    };
    request.send().await.unwrap();
}

async fn create_cluster(rds: &aws_sdk_rds::Client, id: &str, engine: &str, encrypted: bool) {
    rds.create_db_cluster()
        .db_cluster_identifier(id)
        .engine(engine)
        .master_username(RDS_USER_CANARY)
        .master_user_password(RDS_PASSWORD_CANARY)
        .storage_encrypted(encrypted)
        .send()
        .await
        .unwrap();
}

/// A manual DB snapshot of `instance`, its `restore` attribute given `shared_with`.
async fn db_snapshot(rds: &aws_sdk_rds::Client, instance: &str, id: &str, shared_with: &[&str]) {
    rds.create_db_snapshot()
        .db_instance_identifier(instance)
        .db_snapshot_identifier(id)
        .send()
        .await
        .unwrap();
    if !shared_with.is_empty() {
        rds.modify_db_snapshot_attribute()
            .db_snapshot_identifier(id)
            .attribute_name("restore")
            .set_values_to_add(Some(shared_with.iter().map(|s| s.to_string()).collect()))
            .send()
            .await
            .unwrap();
    }
}

/// A manual DB cluster snapshot of `cluster`, its `restore` attribute given `shared_with`.
async fn cluster_snapshot(
    rds: &aws_sdk_rds::Client,
    cluster: &str,
    id: &str,
    shared_with: &[&str],
) {
    rds.create_db_cluster_snapshot()
        .db_cluster_identifier(cluster)
        .db_cluster_snapshot_identifier(id)
        .send()
        .await
        .unwrap();
    if !shared_with.is_empty() {
        rds.modify_db_cluster_snapshot_attribute()
            .db_cluster_snapshot_identifier(id)
            .attribute_name("restore")
            .set_values_to_add(Some(shared_with.iter().map(|s| s.to_string()).collect()))
            .send()
            .await
            .unwrap();
    }
}

/// eu-west-1: a good PostgreSQL instance, a bad MySQL one with a read replica, an
/// encrypted Aurora cluster with a private member, and snapshots (encrypted, public).
/// us-east-1: a MariaDB instance without backups, an unencrypted Aurora cluster with a
/// public member, and snapshots (shared with one account, public, shared privately).
async fn seed_rds(moto: &Moto, account: &str) {
    let rds = rds_client(&account_config(moto, account, R1).await);
    create_db(&rds, Db::good("orders-db")).await;
    create_db(
        &rds,
        Db {
            engine: "mysql",
            version: Some("8.0.39"),
            public: true,
            encrypted: false,
            retention: 1,
            deletion_protection: false,
            multi_az: false,
            logs: &[],
            ..Db::good("legacy-db")
        },
    )
    .await;
    rds.create_db_instance_read_replica()
        .db_instance_identifier("legacy-replica")
        .source_db_instance_identifier("legacy-db")
        .publicly_accessible(false)
        .send()
        .await
        .unwrap();
    create_cluster(&rds, "orders-aurora", "aurora-postgresql", true).await;
    create_db(
        &rds,
        Db {
            engine: "aurora-postgresql",
            version: None,
            cluster: Some("orders-aurora"),
            ..Db::good("orders-aurora-1")
        },
    )
    .await;
    db_snapshot(&rds, "orders-db", "orders-nightly", &[]).await;
    db_snapshot(&rds, "legacy-db", "legacy-export", &["all"]).await;
    cluster_snapshot(&rds, "orders-aurora", "orders-aurora-monthly", &[]).await;

    let rds = rds_client(&account_config(moto, account, R2).await);
    create_db(
        &rds,
        Db {
            engine: "mariadb",
            version: Some("10.11.6"),
            retention: 0,
            logs: &["audit"],
            ..Db::good("reports-db")
        },
    )
    .await;
    create_cluster(&rds, "legacy-aurora", "aurora-mysql", false).await;
    create_db(
        &rds,
        Db {
            engine: "aurora-mysql",
            version: None,
            cluster: Some("legacy-aurora"),
            public: true,
            ..Db::good("legacy-aurora-1")
        },
    )
    .await;
    db_snapshot(&rds, "reports-db", "reports-shared", &["444455556666"]).await;
    cluster_snapshot(&rds, "legacy-aurora", "legacy-aurora-export", &["all"]).await;
    cluster_snapshot(
        &rds,
        "legacy-aurora",
        "legacy-aurora-private",
        &["444455556666"],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rds_in_two_regions_every_rds_rule_passes_and_fails() {
    let Some(moto) = shared_moto() else { return };
    const ACCOUNT: &str = "666666666666";
    seed_rds(moto, ACCOUNT).await;
    let options = AwsScanOptions {
        services: vec!["rds".into()],
        ..scan_options(moto, &[ACCOUNT], &[R1, R2])
    };
    let collection = collect(&options, Arc::new(NoProgress)).await.expect("scan");

    // --- coverage: the four RDS units in each region, nothing else ---
    let expected_coverage: Vec<CoverageEntry> = all_ok_coverage(&[ACCOUNT], &[R1, R2])
        .into_iter()
        .filter(|entry| entry.unit.kind.service() == "rds")
        .collect();
    assert_eq!(expected_coverage.len(), 8);
    assert_coverage(&collection.coverage, &expected_coverage);

    // --- the model ---
    let arn = |region: &str, kind: &str, name: &str| rds_arn(ACCOUNT, region, kind, name);
    assert_eq!(
        ids_of(&collection, ACCOUNT, R1, ResourceKind::RdsDbInstance),
        set([
            arn(R1, "db", "orders-db"),
            arn(R1, "db", "legacy-db"),
            arn(R1, "db", "legacy-replica"),
            arn(R1, "db", "orders-aurora-1"),
        ])
    );
    let orders = find(&collection, &arn(R1, "db", "orders-db"));
    assert_eq!(orders.name.as_deref(), Some("orders-db-name"));
    assert_eq!(
        orders.config,
        ResourceConfig::RdsDbInstance(RdsDbInstance {
            db_instance_identifier: "orders-db".into(),
            engine: "postgres".into(),
            engine_version: Some("16.3".into()),
            db_instance_class: Some("db.m6g.large".into()),
            status: Some("available".into()),
            availability_zone: Some("eu-west-1a".into()),
            db_cluster_identifier: None,
            read_replica_source: None,
            publicly_accessible: Some(false),
            storage_encrypted: Some(true),
            // moto's stand-in for the default aws/rds key.
            kms_key_id: Some("default_kms_key_id".into()),
            backup_retention_period: Some(14),
            deletion_protection: Some(true),
            multi_az: Some(true),
            enabled_cloudwatch_logs_exports: vec!["postgresql".into()],
        })
    );
    let instance =
        |region: &str, name: &str| match &find(&collection, &arn(region, "db", name)).config {
            ResourceConfig::RdsDbInstance(instance) => instance.clone(),
            _ => panic!("not a DB instance"),
        };
    assert_eq!(
        instance(R1, "legacy-replica")
            .read_replica_source
            .as_deref(),
        Some("legacy-db")
    );
    let member = instance(R1, "orders-aurora-1");
    assert_eq!(
        member.db_cluster_identifier.as_deref(),
        Some("orders-aurora")
    );
    assert_eq!(member.engine, "aurora-postgresql");
    assert_eq!(instance(R2, "reports-db").backup_retention_period, Some(0));
    let ResourceConfig::RdsDbCluster(legacy) =
        &find(&collection, &arn(R2, "cluster", "legacy-aurora")).config
    else {
        panic!("not a cluster")
    };
    assert_eq!(legacy.storage_encrypted, Some(false));
    assert_eq!(
        legacy.kms_key_id, None,
        "moto names a key even for unencrypted clusters; only an encrypted one has a key"
    );
    // Manual snapshots only: moto's automated ones (`rds:…`) are not collected.
    assert_eq!(
        ids_of(&collection, ACCOUNT, R1, ResourceKind::RdsDbSnapshot),
        set([
            arn(R1, "snapshot", "orders-nightly"),
            arn(R1, "snapshot", "legacy-export")
        ])
    );
    assert_eq!(
        ids_of(&collection, ACCOUNT, R2, ResourceKind::RdsDbClusterSnapshot),
        set([
            arn(R2, "cluster-snapshot", "legacy-aurora-export"),
            arn(R2, "cluster-snapshot", "legacy-aurora-private")
        ])
    );
    let snapshot = |id: &str| match &find(&collection, id).config {
        ResourceConfig::RdsDbSnapshot(s) | ResourceConfig::RdsDbClusterSnapshot(s) => s.clone(),
        _ => panic!("not an RDS snapshot"),
    };
    let export = snapshot(&arn(R1, "snapshot", "legacy-export"));
    assert_eq!(
        export.restorable_by_all,
        Some(true),
        "confirmed by the attribute"
    );
    assert_eq!(export.encrypted, Some(false));
    assert_eq!(export.source_identifier.as_deref(), Some("legacy-db"));
    assert_eq!(export.engine.as_deref(), Some("mysql"));
    assert!(export.create_time.is_some());
    let nightly = snapshot(&arn(R1, "snapshot", "orders-nightly"));
    assert_eq!(
        (nightly.encrypted, nightly.restorable_by_all),
        (Some(true), Some(false)),
        "encrypted, so private without a look"
    );
    assert_eq!(
        snapshot(&arn(R2, "cluster-snapshot", "legacy-aurora-private")).restorable_by_all,
        Some(false),
        "shared with a named account only"
    );

    // --- calls: one listing per kind and region, one confirmation per unencrypted
    // snapshot (legacy-export; legacy-aurora-export and legacy-aurora-private) ---
    assert_calls_are_documented(&collection);
    let expected_calls: BTreeMap<String, u64> = [
        ("sts:GetCallerIdentity", 1),
        ("sts:AssumeRole", 1),
        ("rds:DescribeDBInstances", 2),
        ("rds:DescribeDBClusters", 2),
        ("rds:DescribeDBSnapshots", 2),
        ("rds:DescribeDBSnapshotAttributes", 1),
        ("rds:DescribeDBClusterSnapshots", 2),
        ("rds:DescribeDBClusterSnapshotAttributes", 2),
    ]
    .into_iter()
    .map(|(operation, count)| (operation.to_string(), count))
    .collect();
    assert_eq!(collection.api_calls, expected_calls);

    // --- verdicts ---
    let snapshot = snapshot_of_collection(&collection);
    let (pass, fail) = ("pass", "fail");
    let mut expected: BTreeMap<(String, String), &str> = BTreeMap::new();
    let instance_rules = [
        "aws-rds-instance-public",
        "aws-rds-instance-unencrypted",
        "aws-rds-instance-backup-retention-short",
        "aws-rds-instance-deletion-protection-off",
        "aws-rds-instance-single-az",
        "aws-rds-instance-log-exports-off",
    ];
    // Per instance: the verdicts of the six instance rules, in that order (None: the rule
    // does not apply).
    for (region, name, verdicts) in [
        (R1, "orders-db", [Some(pass); 6]),
        (R1, "legacy-db", [Some(fail); 6]),
        // A replica: moto copies the source's settings; its backups are the source's.
        (
            R1,
            "legacy-replica",
            [
                Some(pass),
                Some(fail),
                None,
                Some(fail),
                Some(fail),
                Some(fail),
            ],
        ),
        // A cluster member: only public access is its own.
        (
            R1,
            "orders-aurora-1",
            [Some(pass), None, None, None, None, None],
        ),
        (
            R2,
            "reports-db",
            [
                Some(pass),
                Some(pass),
                Some(fail),
                Some(pass),
                Some(pass),
                Some(pass),
            ],
        ),
        (
            R2,
            "legacy-aurora-1",
            [Some(fail), None, None, None, None, None],
        ),
    ] {
        for (rule, verdict) in instance_rules.iter().zip(verdicts) {
            if let Some(verdict) = verdict {
                expected.insert((rule.to_string(), arn(region, "db", name)), verdict);
            }
        }
    }
    for (region, name, verdict) in [(R1, "orders-aurora", pass), (R2, "legacy-aurora", fail)] {
        expected.insert(
            (
                "aws-rds-cluster-unencrypted".to_string(),
                arn(region, "cluster", name),
            ),
            verdict,
        );
    }
    for (id, public, encrypted) in [
        (arn(R1, "snapshot", "orders-nightly"), pass, pass),
        (arn(R1, "snapshot", "legacy-export"), fail, fail),
        (
            arn(R1, "cluster-snapshot", "orders-aurora-monthly"),
            pass,
            pass,
        ),
        (arn(R2, "snapshot", "reports-shared"), pass, pass),
        (
            arn(R2, "cluster-snapshot", "legacy-aurora-export"),
            fail,
            fail,
        ),
        (
            arn(R2, "cluster-snapshot", "legacy-aurora-private"),
            pass,
            fail,
        ),
    ] {
        expected.insert(("aws-rds-snapshot-public".to_string(), id.clone()), public);
        expected.insert(("aws-rds-snapshot-unencrypted".to_string(), id), encrypted);
    }
    assert_verdicts(&verdicts(&snapshot), &expected);

    // --- nothing secret ---
    let json = snapshot.to_json_pretty().unwrap();
    assert!(
        !json.contains(RDS_PASSWORD_CANARY),
        "a master password leaked"
    );
    assert!(
        !json.contains(RDS_USER_CANARY),
        "a master user name was kept"
    );
    assert_no_secrets(&json, &[], &[]);
}

/// The services whose calls moto can authorise when it enforces IAM: it cannot check the
/// signatures of EFS's and AWS Backup's REST-JSON GETs (see missing_permissions_…).
const SERVICES_MOTO_ENFORCES: &[&str] = &["ec2", "iam", "s3", "rds", "kms", "dynamodb"];

/// A scanning user without `rds:DescribeDBInstances` and
/// `rds:DescribeDBClusterSnapshotAttributes`: the instance units fail in both regions (the
/// instance rules are not evaluated there), one public-snapshot candidate gets a gap
/// narrowed to it, and every other verdict — RDS or not — is still reached.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denied_rds_calls_leave_exactly_the_rds_rules_that_need_them_not_evaluated() {
    let Some(python) = moto_python() else { return };
    let moto = start_moto(&python, &[("INITIAL_NO_AUTH_ACTION_COUNT", "1000000")]);
    const ACCOUNT: &str = "123456789012"; // moto's default account
    let seed = static_config(&moto, &base_credentials(), R1).await;
    let iam = iam_client(&seed);
    let scanner = scanning_user(
        &iam,
        "scanner",
        &[
            "rds:DescribeDBInstances",
            "rds:DescribeDBClusterSnapshotAttributes",
        ],
        vec![],
    )
    .await;
    let (key_id, secret) = (scanner.access_key_id, scanner.secret_access_key);
    let rds = rds_client(&seed);
    create_db(&rds, Db::good("orders-db")).await;
    create_cluster(&rds, "orders-aurora", "aurora-postgresql", true).await;
    create_cluster(&rds, "legacy-aurora", "aurora-mysql", false).await;
    cluster_snapshot(&rds, "orders-aurora", "orders-aurora-monthly", &[]).await;
    cluster_snapshot(&rds, "legacy-aurora", "legacy-aurora-export", &["all"]).await;
    let (status, body) = http(moto.port, "POST", "/moto-api/reset-auth", &[], "0").unwrap();
    assert_eq!(status, 200, "{body}");

    let options = AwsScanOptions {
        static_credentials: Some(StaticCredentials {
            access_key_id: key_id.clone(),
            secret_access_key: secret.clone(),
            session_token: None,
        }),
        regions: RegionSelection::List(vec![R1.into(), R2.into()]),
        endpoint_url: Some(moto.endpoint()),
        call_timeout: Duration::from_secs(30),
        // With IAM enforced, moto cannot check the signatures of EFS's and AWS Backup's
        // REST-JSON GETs (see missing_permissions_…): scan the services it can judge.
        services: SERVICES_MOTO_ENFORCES
            .iter()
            .map(|s| s.to_string())
            .collect(),
        ..AwsScanOptions::default()
    };
    let collection = collect(&options, Arc::new(NoProgress)).await.expect("scan");

    // The instance units failed as access_denied, naming the action; one cluster snapshot
    // has a gap of its own; every other unit was collected.
    let export = rds_arn(ACCOUNT, R1, "cluster-snapshot", "legacy-aurora-export");
    let mut expected = services_ok_coverage(&[ACCOUNT], &[R1, R2], SERVICES_MOTO_ENFORCES);
    for entry in &mut expected {
        if entry.unit.kind != ResourceKind::RdsDbInstance {
            continue;
        }
        let actual = collection
            .coverage
            .iter()
            .find(|e| e.unit == entry.unit)
            .unwrap_or_else(|| panic!("no coverage entry for {}", entry.unit));
        let CoverageStatus::Failed { kind, message } = &actual.status else {
            panic!("{} should have failed", entry.unit);
        };
        assert_eq!(*kind, FailureKind::AccessDenied, "{message}");
        assert!(
            message.starts_with(&format!(
                "{} rds:DescribeDBInstances: AccessDenied",
                entry.unit.region
            )) && message.ends_with(
                " — add rds:DescribeDBInstances to the scanning role (see docs/permissions.md)"
            ),
            "{message}"
        );
        entry.status = actual.status.clone();
    }
    let narrowed: Vec<&CoverageEntry> = collection
        .coverage
        .iter()
        .filter(|e| e.unit.resource.is_some())
        .collect();
    assert_eq!(narrowed.len(), 1, "{narrowed:?}");
    assert_eq!(narrowed[0].unit.resource.as_deref(), Some(export.as_str()));
    assert_eq!(narrowed[0].unit.kind, ResourceKind::RdsDbClusterSnapshot);
    assert!(matches!(
        &narrowed[0].status,
        CoverageStatus::Failed { kind: FailureKind::AccessDenied, message }
            if message.contains("rds:DescribeDBClusterSnapshotAttributes")
    ));
    let unit_level: Vec<CoverageEntry> = collection
        .coverage
        .iter()
        .filter(|e| e.unit.resource.is_none())
        .cloned()
        .collect();
    assert_coverage(&unit_level, &expected);
    assert!(ids_of(&collection, ACCOUNT, R1, ResourceKind::RdsDbInstance).is_empty());
    let ResourceConfig::RdsDbClusterSnapshot(export_config) = &find(&collection, &export).config
    else {
        panic!("not a cluster snapshot")
    };
    assert_eq!(export_config.restorable_by_all, None, "not confirmed");
    assert_calls_are_documented(&collection);

    // Not evaluated: the six instance rules once per region, and both snapshot rules on the
    // snapshot whose permission is not known — and nothing else, RDS or not.
    let snapshot = snapshot_of_collection(&collection);
    let verdicts = verdicts(&snapshot);
    let not_evaluated: BTreeSet<(String, String)> = verdicts
        .iter()
        .filter(|(_, verdict)| **verdict == "not_evaluated")
        .map(|(key, _)| key.clone())
        .collect();
    let mut expected_not_evaluated = BTreeSet::new();
    for rule in [
        "aws-rds-instance-public",
        "aws-rds-instance-unencrypted",
        "aws-rds-instance-backup-retention-short",
        "aws-rds-instance-deletion-protection-off",
        "aws-rds-instance-single-az",
        "aws-rds-instance-log-exports-off",
    ] {
        for region in [R1, R2] {
            expected_not_evaluated.insert((
                rule.to_string(),
                format!("unit:aws/{ACCOUNT}/{region} rds_db_instance"),
            ));
        }
    }
    for rule in ["aws-rds-snapshot-public", "aws-rds-snapshot-unencrypted"] {
        expected_not_evaluated.insert((rule.to_string(), export.clone()));
    }
    assert_eq!(not_evaluated, expected_not_evaluated);
    let monthly = rds_arn(ACCOUNT, R1, "cluster-snapshot", "orders-aurora-monthly");
    for (rule, id, verdict) in [
        ("aws-rds-snapshot-public", monthly.clone(), "pass"),
        ("aws-rds-snapshot-unencrypted", monthly, "pass"),
        (
            "aws-rds-cluster-unencrypted",
            rds_arn(ACCOUNT, R1, "cluster", "legacy-aurora"),
            "fail",
        ),
        (
            "aws-rds-cluster-unencrypted",
            rds_arn(ACCOUNT, R1, "cluster", "orders-aurora"),
            "pass",
        ),
    ] {
        assert_eq!(
            verdicts.get(&(rule.to_string(), id.clone())),
            Some(&verdict),
            "{rule} {id}"
        );
    }
    assert!(
        verdicts
            .iter()
            .any(|((rule, _), verdict)| rule.starts_with("aws-ec2-") && *verdict != "not_evaluated"),
        "the other services were collected"
    );
    assert_no_secrets(&snapshot.to_json_pretty().unwrap(), &[secret], &[key_id]);
}

// ---------------------------------------------------------------------------------------
// Data stores and backups: KMS, DynamoDB, EFS and AWS Backup in two regions
// ---------------------------------------------------------------------------------------

#[path = "../../tests/support/fault_proxy.rs"]
mod fault_proxy;

/// The services of the data-store scenario: EC2 and RDS too, since in-use EBS volumes and
/// databases are data stores `aws-backup-no-plan` counts.
const DATA_STORE_SERVICES: &[&str] = &["ec2", "rds", "kms", "dynamodb", "efs", "backup"];

/// The rules of the data-store services.
fn is_data_store_rule(rule: &str) -> bool {
    ["aws-kms-", "aws-dynamodb-", "aws-efs-", "aws-backup-"]
        .iter()
        .any(|prefix| rule.starts_with(prefix))
}

/// An `ok` entry for every unit of `services` in every region of every account.
fn services_ok_coverage(
    accounts: &[&str],
    regions: &[&str],
    services: &[&str],
) -> Vec<CoverageEntry> {
    let mut entries: Vec<CoverageEntry> = all_ok_coverage(accounts, regions)
        .into_iter()
        .filter(|entry| services.contains(&entry.unit.kind.service()))
        .collect();
    entries.sort_by(|a, b| a.unit.cmp(&b.unit));
    entries
}

const PUBLIC_DECRYPT: &str = r#"{"Version":"2012-10-17","Statement":[
    {"Sid":"Owner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::555555555555:root"},"Action":"kms:*","Resource":"*"},
    {"Sid":"Everyone","Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Resource":"*"}]}"#;
const ACCOUNT_ONLY_VERIFY: &str = r#"{"Version":"2012-10-17","Statement":[
    {"Sid":"AccountOnly","Effect":"Allow","Principal":"*","Action":["kms:Verify","kms:GetPublicKey"],"Resource":"*",
     "Condition":{"StringEquals":{"kms:CallerAccount":"555555555555"}}}]}"#;
/// moto refuses `DescribeKey` to everyone when a key's policy denies it: a per-key denial.
const DENY_DESCRIBE: &str = r#"{"Version":"2012-10-17","Statement":[
    {"Effect":"Deny","Principal":"*","Action":"kms:DescribeKey","Resource":"*"}]}"#;

/// Ids of what the data-store scenario seeded.
#[derive(Default)]
struct SeededData {
    // eu-west-1
    key_rotating: String,
    key_static: String,
    key_sign: String,
    key_doomed: String,
    fs_sealed: String,
    fs_plain: String,
    plan_daily: String,
    plan_hourly: String,
    // us-east-1
    key_east: String,
    fs_onezone: String,
}

async fn create_key(
    kms: &aws_sdk_kms::Client,
    description: &str,
    policy: Option<&str>,
    spec: Option<(
        aws_sdk_kms::types::KeySpec,
        aws_sdk_kms::types::KeyUsageType,
    )>,
) -> String {
    let mut request = kms
        .create_key()
        .description(description)
        .set_policy(policy.map(str::to_string));
    if let Some((spec, usage)) = spec {
        request = request.key_spec(spec).key_usage(usage);
    }
    request
        .send()
        .await
        .unwrap()
        .key_metadata()
        .unwrap()
        .key_id()
        .to_string()
}

async fn create_table(
    dynamodb: &aws_sdk_dynamodb::Client,
    name: &str,
    deletion_protection: bool,
    pitr: bool,
) {
    use aws_sdk_dynamodb::types as ddbt;
    dynamodb
        .create_table()
        .table_name(name)
        .attribute_definitions(
            ddbt::AttributeDefinition::builder()
                .attribute_name("id")
                .attribute_type(ddbt::ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(
            ddbt::KeySchemaElement::builder()
                .attribute_name("id")
                .key_type(ddbt::KeyType::Hash)
                .build()
                .unwrap(),
        )
        .billing_mode(ddbt::BillingMode::PayPerRequest)
        .deletion_protection_enabled(deletion_protection)
        .send()
        .await
        .unwrap();
    if pitr {
        dynamodb
            .update_continuous_backups()
            .table_name(name)
            .point_in_time_recovery_specification(
                ddbt::PointInTimeRecoverySpecification::builder()
                    .point_in_time_recovery_enabled(true)
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
    }
}

/// A file system; moto has no `PutBackupPolicy`, so automatic backups are chosen at creation
/// (`Backup`; One Zone file systems have them on by default).
async fn create_file_system(
    efs: &aws_sdk_efs::Client,
    token: &str,
    name: &str,
    encrypted: bool,
    backup: Option<bool>,
    zone: Option<&str>,
) -> String {
    efs.create_file_system()
        .creation_token(token)
        .encrypted(encrypted)
        .set_backup(backup)
        .set_availability_zone_name(zone.map(str::to_string))
        .tags(
            aws_sdk_efs::types::Tag::builder()
                .key("Name")
                .value(name)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap()
        .file_system_id()
        .to_string()
}

async fn create_plan(
    backup: &aws_sdk_backup::Client,
    name: &str,
    rules: &[(&str, Option<i64>)],
) -> String {
    use aws_sdk_backup::types as bt;
    let mut plan = bt::BackupPlanInput::builder().backup_plan_name(name);
    for (rule, delete_after) in rules {
        let mut input = bt::BackupRuleInput::builder()
            .rule_name(*rule)
            .target_backup_vault_name("locked")
            .schedule_expression("cron(0 3 * * ? *)");
        if let Some(days) = delete_after {
            input = input.lifecycle(bt::Lifecycle::builder().delete_after_days(*days).build());
        }
        plan = plan.rules(input.build().unwrap());
    }
    backup
        .create_backup_plan()
        .backup_plan(plan.build().unwrap())
        .send()
        .await
        .unwrap()
        .backup_plan_id()
        .unwrap()
        .to_string()
}

async fn seed_data_stores(moto: &Moto, account: &str) -> SeededData {
    use aws_sdk_kms::types::{KeySpec, KeyUsageType};
    let mut s = SeededData::default();

    // --- eu-west-1: one of everything, passing and failing, and a plan with rules ---
    let config = account_config(moto, account, R1).await;
    let kms = aws_sdk_kms::Client::new(&config);
    // Created without KeyUsage: moto then leaves KeyUsage out of DescribeKey.
    s.key_rotating = create_key(&kms, "orders data", None, None).await;
    kms.enable_key_rotation()
        .key_id(&s.key_rotating)
        .send()
        .await
        .unwrap();
    s.key_static = create_key(&kms, "shared exports", Some(PUBLIC_DECRYPT), None).await;
    s.key_sign = create_key(
        &kms,
        "release signing",
        Some(ACCOUNT_ONLY_VERIFY),
        Some((KeySpec::Rsa2048, KeyUsageType::SignVerify)),
    )
    .await;
    s.key_doomed = create_key(&kms, "old tenant", None, None).await;
    kms.schedule_key_deletion()
        .key_id(&s.key_doomed)
        .pending_window_in_days(7)
        .send()
        .await
        .unwrap();
    let dynamodb = aws_sdk_dynamodb::Client::new(&config);
    create_table(&dynamodb, "orders", true, true).await;
    create_table(&dynamodb, "sessions", false, false).await;
    let efs = aws_sdk_efs::Client::new(&config);
    s.fs_sealed = create_file_system(&efs, "sealed", "app-data", true, Some(true), None).await;
    s.fs_plain = create_file_system(&efs, "plain", "scratch", false, None, None).await;
    let backup = aws_sdk_backup::Client::new(&config);
    for vault in ["locked", "open"] {
        backup
            .create_backup_vault()
            .backup_vault_name(vault)
            .send()
            .await
            .unwrap();
    }
    backup
        .put_backup_vault_lock_configuration()
        .backup_vault_name("locked")
        .min_retention_days(35)
        .max_retention_days(365)
        .send()
        .await
        .unwrap();
    s.plan_daily = create_plan(&backup, "daily", &[("daily", Some(35)), ("monthly", None)]).await;
    s.plan_hourly = create_plan(&backup, "hourly", &[("hourly", Some(7))]).await;

    // --- us-east-1: data stores but no backup plan ---
    let config = account_config(moto, account, R2).await;
    let kms = aws_sdk_kms::Client::new(&config);
    s.key_east = create_key(
        &kms,
        "east data",
        None,
        Some((KeySpec::SymmetricDefault, KeyUsageType::EncryptDecrypt)),
    )
    .await;
    kms.enable_key_rotation()
        .key_id(&s.key_east)
        .send()
        .await
        .unwrap();
    let dynamodb = aws_sdk_dynamodb::Client::new(&config);
    create_table(&dynamodb, "audit", false, true).await;
    let efs = aws_sdk_efs::Client::new(&config);
    s.fs_onezone = create_file_system(
        &efs,
        "onezone",
        "east-share",
        true,
        None,
        Some("us-east-1a"),
    )
    .await;
    aws_sdk_backup::Client::new(&config)
        .create_backup_vault()
        .backup_vault_name("east")
        .send()
        .await
        .unwrap();
    s
}

fn kms_arn(account: &str, region: &str, id: &str) -> String {
    format!("arn:aws:kms:{region}:{account}:key/{id}")
}

fn table_arn(account: &str, region: &str, name: &str) -> String {
    format!("arn:aws:dynamodb:{region}:{account}:table/{name}")
}

fn efs_arn(account: &str, region: &str, id: &str) -> String {
    format!("arn:aws:elasticfilesystem:{region}:{account}:file-system/{id}")
}

fn backup_arn(account: &str, region: &str, what: &str) -> String {
    format!("arn:aws:backup:{region}:{account}:{what}")
}

/// The verdicts of the data-store rules in the scenario, with why.
fn expected_data_store_verdicts(
    s: &SeededData,
    c: &str,
) -> BTreeMap<(String, String), &'static str> {
    let mut e: BTreeMap<(String, String), &'static str> = BTreeMap::new();
    let mut put = |rule: &str, id: String, verdict: &'static str| {
        assert!(
            e.insert((rule.to_string(), id.clone()), verdict).is_none(),
            "{rule} {id} twice in the expectations"
        );
    };
    let (pass, fail) = ("pass", "fail");
    // KMS: (key, rotation, pending deletion, public policy); None: the rule does not apply.
    for (region, key, rotation, pending, public) in [
        (R1, &s.key_rotating, Some(pass), pass, pass),
        (R1, &s.key_static, Some(fail), pass, fail),
        (R1, &s.key_sign, None, pass, pass), // RSA: cannot rotate; account-only condition
        (R1, &s.key_doomed, None, fail, pass), // pending deletion: not enabled
        (R2, &s.key_east, Some(pass), pass, pass),
    ] {
        let arn = kms_arn(c, region, key);
        if let Some(rotation) = rotation {
            put("aws-kms-key-rotation-off", arn.clone(), rotation);
        }
        put("aws-kms-key-pending-deletion", arn.clone(), pending);
        put("aws-kms-key-policy-public", arn, public);
    }
    // DynamoDB: (table, PITR, deletion protection).
    for (region, table, pitr, protection) in [
        (R1, "orders", pass, pass),
        (R1, "sessions", fail, fail),
        (R2, "audit", pass, fail),
    ] {
        put(
            "aws-dynamodb-table-pitr-off",
            table_arn(c, region, table),
            pitr,
        );
        put(
            "aws-dynamodb-table-deletion-protection-off",
            table_arn(c, region, table),
            protection,
        );
    }
    // EFS: (file system, encryption, automatic backups).
    for (region, fs, encrypted, backups) in [
        (R1, &s.fs_sealed, pass, pass),
        (R1, &s.fs_plain, fail, fail), // no backup policy at all (PolicyNotFound)
        (R2, &s.fs_onezone, pass, pass), // One Zone: backups on by default
    ] {
        put(
            "aws-efs-filesystem-unencrypted",
            efs_arn(c, region, fs),
            encrypted,
        );
        put(
            "aws-efs-filesystem-backup-off",
            efs_arn(c, region, fs),
            backups,
        );
    }
    // AWS Backup.
    put(
        "aws-backup-plan-retention-short",
        backup_arn(c, R1, &format!("backup-plan:{}", s.plan_daily)),
        pass,
    );
    put(
        "aws-backup-plan-retention-short",
        backup_arn(c, R1, &format!("backup-plan:{}", s.plan_hourly)),
        fail,
    );
    for (region, vault, verdict) in [(R1, "locked", pass), (R1, "open", fail), (R2, "east", fail)] {
        put(
            "aws-backup-vault-lock-off",
            backup_arn(c, region, &format!("backup-vault:{vault}")),
            verdict,
        );
    }
    // eu-west-1 has data stores and plans with rules; us-east-1 has data stores and no
    // plan; account D has no data store anywhere, so its regions are not judged.
    put(
        "aws-backup-no-plan",
        backup_arn(c, R1, "backup-region"),
        pass,
    );
    put(
        "aws-backup-no-plan",
        backup_arn(c, R2, "backup-region"),
        fail,
    );
    e
}

fn data_store_verdicts(snapshot: &Snapshot) -> BTreeMap<(String, String), &'static str> {
    verdicts(snapshot)
        .into_iter()
        .filter(|((rule, _), _)| is_data_store_rule(rule))
        .collect()
}

fn config_of<'a>(collection: &'a AwsCollection, id: &str) -> &'a ResourceConfig {
    &find(collection, id).config
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_stores_and_backups_in_two_regions_pass_and_fail_every_rule() {
    let Some(moto) = shared_moto() else { return };
    const C: &str = "555555555555";
    const D: &str = "666666666666";
    let s = seed_data_stores(moto, C).await;

    let options = AwsScanOptions {
        services: DATA_STORE_SERVICES.iter().map(|s| s.to_string()).collect(),
        ..scan_options(moto, &[C, D], &[R1, R2])
    };
    let collection = collect(&options, Arc::new(NoProgress)).await.expect("scan");
    assert_coverage(
        &collection.coverage,
        &services_ok_coverage(&[C, D], &[R1, R2], DATA_STORE_SERVICES),
    );

    // --- the model ---
    let ResourceConfig::KmsKey(rotating) = config_of(&collection, &kms_arn(C, R1, &s.key_rotating))
    else {
        panic!("not a key")
    };
    assert_eq!(rotating.key_manager.as_deref(), Some("CUSTOMER"));
    assert_eq!(rotating.key_state.as_deref(), Some("Enabled"));
    assert_eq!(rotating.key_spec.as_deref(), Some("SYMMETRIC_DEFAULT"));
    assert_eq!(
        rotating.key_usage, None,
        "moto leaves KeyUsage out for keys created without it: unknown, not a crash"
    );
    assert_eq!(rotating.rotation_enabled, Some(true));
    assert_eq!(rotating.description.as_deref(), Some("orders data"));
    assert_eq!(
        rotating.policy.as_ref().unwrap().statements[0]
            .sid
            .as_deref(),
        Some("Enable IAM User Permissions"),
        "moto's default key policy"
    );
    let ResourceConfig::KmsKey(east) = config_of(&collection, &kms_arn(C, R2, &s.key_east)) else {
        panic!("not a key")
    };
    assert_eq!(east.key_usage.as_deref(), Some("ENCRYPT_DECRYPT"));
    let ResourceConfig::KmsKey(doomed) = config_of(&collection, &kms_arn(C, R1, &s.key_doomed))
    else {
        panic!("not a key")
    };
    assert_eq!(doomed.key_state.as_deref(), Some("PendingDeletion"));
    let deletion = doomed.deletion_date.expect("a deletion date");
    let days = (deletion - chrono::Utc::now()).num_days();
    assert!((6..=7).contains(&days), "{deletion}");
    assert_eq!(
        doomed.rotation_enabled, None,
        "rotation is asked of enabled keys only"
    );
    let ResourceConfig::KmsKey(sign) = config_of(&collection, &kms_arn(C, R1, &s.key_sign)) else {
        panic!("not a key")
    };
    assert_eq!(sign.key_spec.as_deref(), Some("RSA_2048"));
    assert_eq!(sign.key_usage.as_deref(), Some("SIGN_VERIFY"));
    assert_eq!(sign.rotation_enabled, None);
    assert!(sign.policy.as_ref().unwrap().statements[0]
        .condition
        .is_some());

    assert_eq!(
        config_of(&collection, &table_arn(C, R1, "sessions")),
        &ResourceConfig::DynamodbTable(DynamodbTable {
            table_name: "sessions".into(),
            table_status: Some("ACTIVE".into()),
            deletion_protection_enabled: Some(false),
            billing_mode: Some("PAY_PER_REQUEST".into()),
            sse_type: None,
            kms_key_arn: None,
            creation_time: match config_of(&collection, &table_arn(C, R1, "sessions")) {
                ResourceConfig::DynamodbTable(t) => t.creation_time,
                _ => None,
            },
            point_in_time_recovery_enabled: Some(false),
            point_in_time_recovery_days: None,
        })
    );
    let ResourceConfig::DynamodbTable(orders) = config_of(&collection, &table_arn(C, R1, "orders"))
    else {
        panic!("not a table")
    };
    assert_eq!(orders.point_in_time_recovery_enabled, Some(true));
    assert_eq!(orders.deletion_protection_enabled, Some(true));
    assert!(orders.creation_time.is_some());

    let sealed = find(&collection, &efs_arn(C, R1, &s.fs_sealed));
    assert_eq!(sealed.name.as_deref(), Some("app-data"));
    let ResourceConfig::EfsFileSystem(sealed) = &sealed.config else {
        panic!("not a file system")
    };
    assert!(sealed.encrypted);
    assert_eq!(sealed.backup_policy_status.as_deref(), Some("ENABLED"));
    assert_eq!(sealed.life_cycle_state, "available");
    let ResourceConfig::EfsFileSystem(plain) = config_of(&collection, &efs_arn(C, R1, &s.fs_plain))
    else {
        panic!("not a file system")
    };
    assert!(!plain.encrypted);
    assert_eq!(
        plain.backup_policy_status.as_deref(),
        Some("NONE"),
        "PolicyNotFound is an answer: no backup policy"
    );
    let ResourceConfig::EfsFileSystem(onezone) =
        config_of(&collection, &efs_arn(C, R2, &s.fs_onezone))
    else {
        panic!("not a file system")
    };
    assert_eq!(
        onezone.availability_zone_name.as_deref(),
        Some("us-east-1a")
    );

    let daily = find(
        &collection,
        &backup_arn(C, R1, &format!("backup-plan:{}", s.plan_daily)),
    );
    assert_eq!(daily.name.as_deref(), Some("daily"));
    let ResourceConfig::BackupPlan(daily) = &daily.config else {
        panic!("not a plan")
    };
    assert_eq!(
        daily.rules.as_ref().unwrap(),
        &vec![
            BackupRule {
                rule_name: "daily".into(),
                target_vault_name: "locked".into(),
                schedule_expression: Some("cron(0 3 * * ? *)".into()),
                enable_continuous_backup: None,
                lifecycle: Some(BackupLifecycle {
                    delete_after_days: Some(35),
                    move_to_cold_storage_after_days: None
                }),
            },
            BackupRule {
                rule_name: "monthly".into(),
                target_vault_name: "locked".into(),
                schedule_expression: Some("cron(0 3 * * ? *)".into()),
                enable_continuous_backup: None,
                lifecycle: None,
            },
        ]
    );
    let ResourceConfig::BackupVault(locked) =
        config_of(&collection, &backup_arn(C, R1, "backup-vault:locked"))
    else {
        panic!("not a vault")
    };
    assert_eq!(locked.locked, Some(true));
    assert_eq!(
        (locked.min_retention_days, locked.max_retention_days),
        (Some(35), Some(365))
    );
    assert_eq!(locked.lock_date, None, "governance mode");
    for (account, region, plans) in [(C, R1, 2), (C, R2, 0), (D, R1, 0), (D, R2, 0)] {
        assert_eq!(
            config_of(&collection, &backup_arn(account, region, "backup-region")),
            &ResourceConfig::BackupRegion(BackupRegion { plan_count: plans }),
            "{account} {region}"
        );
    }

    // --- calls: listings once per region, per-resource calls only where needed ---
    assert_calls_are_documented(&collection);
    let mut expected_calls: BTreeMap<String, u64> = BTreeMap::new();
    let mut add = |operation: &str, count: u64| {
        *expected_calls.entry(operation.to_string()).or_default() += count;
    };
    add("sts:GetCallerIdentity", 2);
    add("sts:AssumeRole", 2);
    for operation in [
        "ec2:DescribeVolumes",
        "ec2:GetEbsEncryptionByDefault",
        "ec2:DescribeImages",
        "ec2:DescribeVpcs",
        "ec2:DescribeFlowLogs",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeNetworkAcls",
        "ec2:DescribeInstances",
        "kms:ListKeys",
        "dynamodb:ListTables",
        "elasticfilesystem:DescribeFileSystems",
        "backup:ListBackupPlans",
        "backup:ListBackupVaults",
        // No databases here (the RDS test has its own accounts): one listing each.
        "rds:DescribeDBInstances",
        "rds:DescribeDBClusters",
        "rds:DescribeDBSnapshots",
        "rds:DescribeDBClusterSnapshots",
    ] {
        add(operation, 4);
    }
    add("ec2:DescribeSnapshots", 8);
    // 5 keys: each described and its policy read; rotation asked of the 3 enabled
    // symmetric ones.
    add("kms:DescribeKey", 5);
    add("kms:GetKeyPolicy", 5);
    add("kms:GetKeyRotationStatus", 3);
    add("dynamodb:DescribeTable", 3);
    add("dynamodb:DescribeContinuousBackups", 3);
    add("elasticfilesystem:DescribeBackupPolicy", 3);
    add("backup:GetBackupPlan", 2);
    assert_eq!(collection.api_calls, expected_calls);

    // --- verdicts ---
    let snapshot = snapshot_of_collection(&collection);
    assert_verdicts(
        &data_store_verdicts(&snapshot),
        &expected_data_store_verdicts(&s, C),
    );
    let report = engine().evaluate(&snapshot);
    let doomed_message = report
        .evaluations
        .iter()
        .find(|e| {
            report.rule_of(e).rule.meta().id == "aws-kms-key-pending-deletion"
                && report.resource_of(e).map(|r| r.id.as_str())
                    == Some(kms_arn(C, R1, &s.key_doomed).as_str())
        })
        .and_then(|e| e.verdict.message())
        .unwrap_or_default()
        .to_string();
    assert!(
        doomed_message.contains(&format!("on {}", deletion.format("%Y-%m-%d"))),
        "{doomed_message}"
    );
    assert!(
        report
            .skipped
            .iter()
            .all(|skipped| !is_data_store_rule(skipped.run.rule.meta().id)),
        "every data-store rule ran"
    );

    // --- one denied call per resource narrows the gap to that resource and that rule ---
    // A key whose own policy denies DescribeKey to everyone (moto enforces that), and a
    // proxy that denies one call of each other kind for one resource.
    let kms = aws_sdk_kms::Client::new(&account_config(moto, C, R1).await);
    let locked_out = create_key(&kms, "locked out", Some(DENY_DESCRIBE), None).await;
    let proxy = fault_proxy::start_denying_proxy(
        moto.port,
        vec![
            vec!["TrentService.GetKeyPolicy".into(), s.key_static.clone()],
            vec![
                "TrentService.GetKeyRotationStatus".into(),
                s.key_rotating.clone(),
            ],
            vec![
                "DynamoDB_20120810.DescribeContinuousBackups".into(),
                "\"sessions\"".into(),
            ],
            vec![format!("/file-systems/{}/backup-policy", s.fs_plain)],
            vec![format!("/backup/plans/{}", s.plan_hourly)],
        ],
    );
    let proxied = Moto::external(proxy.port);
    let options = AwsScanOptions {
        services: DATA_STORE_SERVICES.iter().map(|s| s.to_string()).collect(),
        ..scan_options(&proxied, &[C], &[R1, R2])
    };
    let narrowed = collect(&options, Arc::new(NoProgress)).await.expect("scan");
    for denial in 0..5 {
        assert_eq!(proxy.denied(denial), 1, "denial {denial} was made once");
    }
    let gap = |kind: ResourceKind, resource: String, action: &str| {
        CoverageEntry {
        unit: CollectionUnit {
            provider: Provider::Aws,
            account: C.to_string(),
            region: R1.to_string(),
            kind,
            resource: Some(resource),
        },
        status: CoverageStatus::Failed {
            kind: FailureKind::AccessDenied,
            message: format!(
                "{R1} {action}: AccessDeniedException: {} — add {action} to the scanning role (see docs/permissions.md)",
                if action == "kms:DescribeKey" {
                    // moto's KMS error carries its text where the SDK does not look.
                    "no message"
                } else {
                    "not authorized to perform this action on this resource (soc2scan fault proxy)"
                }
            ),
        },
    }
    };
    let mut expected = services_ok_coverage(&[C], &[R1, R2], DATA_STORE_SERVICES);
    expected.extend([
        gap(
            ResourceKind::KmsKey,
            kms_arn(C, R1, &locked_out),
            "kms:DescribeKey",
        ),
        gap(
            ResourceKind::KmsKeyRotation,
            kms_arn(C, R1, &s.key_rotating),
            "kms:GetKeyRotationStatus",
        ),
        gap(
            ResourceKind::KmsKeyPolicy,
            kms_arn(C, R1, &s.key_static),
            "kms:GetKeyPolicy",
        ),
        gap(
            ResourceKind::DynamodbContinuousBackups,
            table_arn(C, R1, "sessions"),
            "dynamodb:DescribeContinuousBackups",
        ),
        gap(
            ResourceKind::EfsBackupPolicy,
            efs_arn(C, R1, &s.fs_plain),
            "elasticfilesystem:DescribeBackupPolicy",
        ),
        gap(
            ResourceKind::BackupPlan,
            backup_arn(C, R1, &format!("backup-plan:{}", s.plan_hourly)),
            "backup:GetBackupPlan",
        ),
    ]);
    expected.sort_by(|a, b| a.unit.cmp(&b.unit));
    assert_coverage(&narrowed.coverage, &expected);
    let ResourceConfig::KmsKey(unknown) = config_of(&narrowed, &kms_arn(C, R1, &locked_out)) else {
        panic!("not a key")
    };
    assert_eq!(
        (unknown.key_manager.as_ref(), unknown.policy.as_ref()),
        (None, None),
        "a key DescribeKey refused is kept with its id alone"
    );

    let snapshot = snapshot_of_collection(&narrowed);
    let mut expected = expected_data_store_verdicts(&s, C);
    for (rule, id) in [
        // Only the rule that reads the denied answer is not evaluated…
        ("aws-kms-key-rotation-off", kms_arn(C, R1, &s.key_rotating)),
        ("aws-kms-key-policy-public", kms_arn(C, R1, &s.key_static)),
        ("aws-dynamodb-table-pitr-off", table_arn(C, R1, "sessions")),
        ("aws-efs-filesystem-backup-off", efs_arn(C, R1, &s.fs_plain)),
        (
            "aws-backup-plan-retention-short",
            backup_arn(C, R1, &format!("backup-plan:{}", s.plan_hourly)),
        ),
    ] {
        assert!(
            expected.contains_key(&(rule.to_string(), id.clone())),
            "{rule} {id}"
        );
        expected.insert((rule.to_string(), id), "not_evaluated");
    }
    // …and a key that could not be described is not evaluated by every KMS rule.
    for rule in [
        "aws-kms-key-rotation-off",
        "aws-kms-key-pending-deletion",
        "aws-kms-key-policy-public",
    ] {
        expected.insert(
            (rule.to_string(), kms_arn(C, R1, &locked_out)),
            "not_evaluated",
        );
    }
    // Account D was not scanned this time; the unread plan does not change eu-west-1,
    // whose other plan has rules.
    assert_verdicts(&data_store_verdicts(&snapshot), &expected);
    let report = engine().evaluate(&snapshot);
    let gaps = report.relevant_gaps();
    assert_eq!(gaps.len(), 6, "the scan is incomplete: {gaps:?}");
}

// ---------------------------------------------------------------------------------------
// CloudTrail, CloudWatch Logs and CloudWatch in two accounts and two regions
// ---------------------------------------------------------------------------------------

#[path = "aws_moto/trail.rs"]
mod trail;

// ---------------------------------------------------------------------------------------
// Config, GuardDuty, Security Hub, ACM and Secrets Manager in two regions
// ---------------------------------------------------------------------------------------

#[path = "aws_moto/regional.rs"]
mod regional;

// ---------------------------------------------------------------------------------------
// ELBv2 and Lambda in two regions
// ---------------------------------------------------------------------------------------

#[path = "aws_moto/edge.rs"]
mod edge;

// ---------------------------------------------------------------------------------------
// Throttling and completeness: 30% faults, per-region bounds, --max-rate
// ---------------------------------------------------------------------------------------

#[path = "aws_moto/faults.rs"]
mod faults;

#[path = "aws_moto/gaps.rs"]
mod gaps;

// ---------------------------------------------------------------------------------------
// Organizations
// ---------------------------------------------------------------------------------------

#[path = "aws_moto/org.rs"]
mod org;
