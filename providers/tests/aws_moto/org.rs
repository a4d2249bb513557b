//! AWS Organizations discovery (`--org`) through the real SDK against a moto server of its own
//! that refuses to assume roles that do not exist (`--assumed-roles-must-exist`), as AWS does.
//!
//! The management account (moto's default account, the base credentials') creates an
//! organization of 32 member accounts through Organizations, in OUs three levels deep; one
//! member is closed (SUSPENDED) and one is created with another role name, so it has no
//! OrganizationAccountAccessRole. Each member is seeded — through the `x-moto-account-id`
//! header, so seeding needs no role — with a small estate that differs between accounts
//! (an encrypted or unencrypted volume, a security group open on SSH or not, an IAM user with
//! or without AdministratorAccess). The scans check exactly which accounts are scanned,
//! skipped and gapped, the names and OU paths, `--org-ou`, `--org-exclude`, the shard, the
//! errors that stop a scan, and that each account's verdicts are those of scanning it alone.

use super::*;
use aws_sdk_organizations as orgs;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use soc2scan_providers::aws::{caller_actions, OrgOptions};
use soc2scan_providers::model::shard::Shard;

/// moto's default account: the one unknown access keys act in, here the management account.
const MANAGEMENT: &str = "123456789012";
const REGION: &str = "eu-west-1";
const MEMBERS: usize = 32;
/// The member closed after creation.
const SUSPENDED: usize = 7;
/// The member created with another role name: no OrganizationAccountAccessRole.
const NO_ROLE: usize = 11;

/// The OUs (name, parent name; `Root` is the root) and each member's: member `i` goes to
/// `PLACES[i % 6]`.
const OUS: &[(&str, &str)] = &[
    ("Workloads", "Root"),
    ("Prod", "Workloads"),
    ("Payments", "Prod"),
    ("Dev", "Workloads"),
    ("Sandbox", "Root"),
];
const PLACES: [&str; 6] = ["Root", "Workloads", "Prod", "Payments", "Dev", "Sandbox"];

fn path_of(place: &str) -> &'static str {
    match place {
        "Root" => "Root",
        "Workloads" => "Root/Workloads",
        "Prod" => "Root/Workloads/Prod",
        "Payments" => "Root/Workloads/Prod/Payments",
        "Dev" => "Root/Workloads/Dev",
        _ => "Root/Sandbox",
    }
}

/// The server of these tests, seeded once (`None`: moto is not installed here).
fn org_moto() -> Option<&'static (Moto, Seeded)> {
    static MOTO: OnceLock<Option<(Moto, Seeded)>> = OnceLock::new();
    MOTO.get_or_init(|| {
        let python = moto_python()?;
        let moto = moto_server::start_moto_with(&python, &[], &["--assumed-roles-must-exist"]);
        let seeded = std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    tokio::runtime::Builder::new_multi_thread()
                        .enable_all()
                        .build()
                        .unwrap()
                        .block_on(seed_organization(&moto))
                })
                .join()
                .unwrap()
        });
        Some((moto, seeded))
    })
    .as_ref()
}

/// What the seeding made.
struct Seeded {
    organization: String,
    /// Member account ids by index.
    members: Vec<String>,
    /// OU ids by name.
    ous: BTreeMap<String, String>,
}

impl Seeded {
    fn member(&self, index: usize) -> &str {
        &self.members[index]
    }

    /// The members placed under the OU `name`, at any depth.
    fn under(&self, name: &str) -> BTreeSet<String> {
        let prefix = path_of(name);
        (0..MEMBERS)
            .filter(|&i| {
                let path = path_of(PLACES[i % 6]);
                path == prefix || path.starts_with(&format!("{prefix}/"))
            })
            .map(|i| self.members[i].clone())
            .collect()
    }
}

/// Sends every request of a client as `x-moto-account-id: ACCOUNT`: moto then acts in that
/// account, so seeding a member needs no role in it.
#[derive(Debug)]
struct ActAs(String);

impl Intercept for ActAs {
    fn name(&self) -> &'static str {
        "act-as-moto-account"
    }

    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        context
            .request_mut()
            .headers_mut()
            .insert("x-moto-account-id", self.0.clone());
        Ok(())
    }
}

async fn seed_organization(moto: &Moto) -> Seeded {
    let base = static_config(moto, &base_credentials(), REGION).await;
    let org = orgs::Client::new(&base);
    let organization = org
        .create_organization()
        .feature_set(orgs::types::OrganizationFeatureSet::All)
        .send()
        .await
        .unwrap()
        .organization()
        .and_then(|o| o.id())
        .unwrap()
        .to_string();
    let root = org.list_roots().send().await.unwrap().roots()[0]
        .id()
        .unwrap()
        .to_string();
    let mut ous = BTreeMap::from([("Root".to_string(), root.clone())]);
    for (name, parent) in OUS {
        let id = org
            .create_organizational_unit()
            .parent_id(&ous[*parent])
            .name(*name)
            .send()
            .await
            .unwrap()
            .organizational_unit()
            .and_then(|ou| ou.id())
            .unwrap()
            .to_string();
        ous.insert(name.to_string(), id);
    }
    let mut members = Vec::new();
    for i in 0..MEMBERS {
        let mut request = org
            .create_account()
            .account_name(format!("member-{i:02}"))
            .email(format!("member-{i:02}@example.com"));
        if i == NO_ROLE {
            request = request.role_name("SomeOtherAdminRole");
        }
        let account = request
            .send()
            .await
            .unwrap()
            .create_account_status()
            .and_then(|s| s.account_id())
            .unwrap()
            .to_string();
        let place = PLACES[i % 6];
        if place != "Root" {
            org.move_account()
                .account_id(&account)
                .source_parent_id(&root)
                .destination_parent_id(&ous[place])
                .send()
                .await
                .unwrap();
        }
        members.push(account);
    }
    org.close_account()
        .account_id(&members[SUSPENDED])
        .send()
        .await
        .unwrap();
    let mut seeding = tokio::task::JoinSet::new();
    for (i, account) in members.iter().enumerate() {
        seeding.spawn(seed_member(base.clone(), account.clone(), i));
    }
    while let Some(done) = seeding.join_next().await {
        done.unwrap();
    }
    Seeded {
        organization,
        members,
        ous,
    }
}

/// A small estate that differs by index: volume encrypted for even `i`, SSH open to the
/// world for `i % 3 == 0`, an IAM user with AdministratorAccess for `i % 4 == 0`.
async fn seed_member(base: SdkConfig, account: String, i: usize) {
    let ec2 = aws_sdk_ec2::Client::from_conf(
        aws_sdk_ec2::config::Builder::from(&base)
            .interceptor(ActAs(account.clone()))
            .build(),
    );
    let iam = aws_sdk_iam::Client::from_conf(
        aws_sdk_iam::config::Builder::from(&base)
            .interceptor(ActAs(account.clone()))
            .build(),
    );
    create_volume(&ec2, "eu-west-1a", 8, i.is_multiple_of(2)).await;
    let vpc = default_vpc(&ec2).await;
    let group = create_group(&ec2, &vpc, &format!("web-{i}")).await;
    let (port, cidr) = if i.is_multiple_of(3) {
        (22, "0.0.0.0/0")
    } else {
        (443, "10.0.0.0/8")
    };
    allow_in(&ec2, &group, tcp(port).ip_ranges(v4(cidr)).build()).await;
    let user = format!("user-{i}");
    create_user(&iam, &user).await;
    if i.is_multiple_of(4) {
        iam.attach_user_policy()
            .user_name(&user)
            .policy_arn(ADMIN_ACCESS)
            .send()
            .await
            .unwrap();
    }
}

fn org_options(moto: &Moto, org: OrgOptions, services: &[&str]) -> AwsScanOptions {
    AwsScanOptions {
        static_credentials: Some(base_credentials()),
        regions: RegionSelection::List(vec![REGION.to_string()]),
        endpoint_url: Some(moto.endpoint()),
        call_timeout: Duration::from_secs(60),
        services: services.iter().map(|s| s.to_string()).collect(),
        org: Some(org),
        ..AwsScanOptions::default()
    }
}

async fn scan(options: &AwsScanOptions) -> AwsCollection {
    collect(options, Arc::new(NoProgress))
        .await
        .unwrap_or_else(|error| panic!("the scan stopped: {error}"))
}

fn target_ids(collection: &AwsCollection) -> BTreeSet<String> {
    collection
        .targets
        .iter()
        .map(|t| t.account.clone())
        .collect()
}

fn skipped_ids(collection: &AwsCollection) -> BTreeSet<String> {
    collection
        .targets
        .iter()
        .filter(|t| t.is_skipped())
        .map(|t| t.account.clone())
        .collect()
}

/// Accounts with at least one failed unit.
fn gapped_ids(collection: &AwsCollection) -> BTreeSet<String> {
    collection
        .coverage
        .iter()
        .filter(|e| e.is_gap())
        .map(|e| e.unit.account.clone())
        .collect()
}

/// (account, rule, subject) → verdict for the AWS rules.
fn account_verdicts(snapshot: &Snapshot) -> BTreeMap<(String, String, String), &'static str> {
    let report = engine().evaluate(snapshot);
    let mut out = BTreeMap::new();
    for evaluation in &report.evaluations {
        let rule = report.rule_of(evaluation).rule.meta().id;
        if !rule.starts_with("aws-") {
            continue;
        }
        let (account, subject) = match report.resource_of(evaluation) {
            Some(resource) => (resource.account.clone(), resource.id.clone()),
            None => {
                let unit = &report.unit_of(evaluation).unwrap().unit;
                (unit.account.clone(), format!("unit:{unit}"))
            }
        };
        out.insert(
            (account, rule.to_string(), subject),
            evaluation.verdict.as_str(),
        );
    }
    out
}

fn of_account<'a>(
    verdicts: &'a BTreeMap<(String, String, String), &'static str>,
    account: &str,
) -> BTreeMap<&'a (String, String, String), &'static str> {
    verdicts
        .iter()
        .filter(|((a, _, _), _)| a == account)
        .map(|(k, v)| (k, *v))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_organization_is_scanned_account_by_account_with_names_paths_skips_and_gaps() {
    let Some((moto, seeded)) = org_moto() else {
        return;
    };
    let options = org_options(moto, OrgOptions::default(), &["ec2", "iam"]);
    let collection = scan(&options).await;
    let snapshot = snapshot_of_collection(&collection);

    // --- which accounts: every one listed; the suspended one skipped; one gap ---
    let mut everyone: BTreeSet<String> = seeded.members.iter().cloned().collect();
    everyone.insert(MANAGEMENT.to_string());
    assert_eq!(target_ids(&collection), everyone);
    assert_eq!(
        skipped_ids(&collection),
        BTreeSet::from([seeded.member(SUSPENDED).to_string()])
    );
    assert_eq!(
        gapped_ids(&collection),
        BTreeSet::from([seeded.member(NO_ROLE).to_string()])
    );
    // The skipped account: listed with its status, nothing collected, no regions.
    let suspended = collection
        .targets
        .iter()
        .find(|t| t.account == seeded.member(SUSPENDED))
        .unwrap();
    let placement = suspended.organization.as_ref().unwrap();
    assert_eq!(placement.status, "SUSPENDED");
    assert!(placement.skipped);
    assert!(suspended.regions.is_empty() && suspended.identity.is_none());
    assert!(!collection
        .coverage
        .iter()
        .any(|e| e.unit.account == seeded.member(SUSPENDED)));
    // The account without the role: every unit failed, with STS's refusal.
    let no_role = seeded.member(NO_ROLE);
    let its_units: Vec<&CoverageEntry> = collection
        .coverage
        .iter()
        .filter(|e| e.unit.account == no_role)
        .collect();
    assert!(!its_units.is_empty());
    for entry in &its_units {
        let CoverageStatus::Failed { message, .. } = &entry.status else {
            panic!("{} is not a gap", entry.unit);
        };
        assert!(
            message.contains("could not be opened")
                && message.contains("AccessDenied")
                && message.contains(&format!(
                    "arn:aws:iam::{no_role}:role/OrganizationAccountAccessRole"
                )),
            "{message}"
        );
    }
    // Every other scanned account: complete, through the member role (the management account
    // with the base credentials).
    for target in collection.targets.iter().filter(|t| !t.is_skipped()) {
        if target.account == no_role {
            continue;
        }
        let identity = target.identity.as_deref().unwrap();
        if target.account == MANAGEMENT {
            assert!(!identity.contains("assumed-role"), "{identity}");
        } else {
            assert!(
                identity.contains(&format!(
                    "{}:assumed-role/OrganizationAccountAccessRole/soc2scan-",
                    target.account
                )),
                "{identity}"
            );
        }
        assert_eq!(target.regions, vec![REGION.to_string()]);
    }

    // --- names and OU paths ---
    for (i, account) in seeded.members.iter().enumerate() {
        let target = collection
            .targets
            .iter()
            .find(|t| &t.account == account)
            .unwrap();
        let placement = target.organization.as_ref().unwrap();
        assert_eq!(
            placement.name.as_deref(),
            Some(format!("member-{i:02}").as_str())
        );
        assert_eq!(placement.ou_path, path_of(PLACES[i % 6]), "member-{i:02}");
        assert_eq!(placement.skipped, i == SUSPENDED);
    }
    let management = collection
        .targets
        .iter()
        .find(|t| t.account == MANAGEMENT)
        .unwrap();
    assert_eq!(management.organization.as_ref().unwrap().ou_path, "Root");
    let organization = snapshot.metadata.organization.as_ref().unwrap();
    assert_eq!(organization.id, seeded.organization);
    assert_eq!(organization.management_account, MANAGEMENT);
    assert_eq!(organization.member_role, "OrganizationAccountAccessRole");
    assert!(organization.units.is_empty() && organization.excluded.is_empty());

    // --- calls: the listing once per OU, a role per member, everything documented ---
    let calls = &collection.api_calls;
    let ou_count = (OUS.len() + 1) as u64;
    assert_eq!(calls["organizations:DescribeOrganization"], 1);
    assert_eq!(calls["organizations:ListRoots"], 1);
    assert_eq!(
        calls["organizations:ListOrganizationalUnitsForParent"],
        ou_count
    );
    assert_eq!(calls["organizations:ListAccountsForParent"], ou_count);
    assert_eq!(calls["organizations:ListAccounts"], 1);
    assert!(!calls.contains_key("organizations:ListParents"));
    // Every ACTIVE member but the management account: 30 sessions and the one refused.
    assert_eq!(calls["sts:AssumeRole"], (MEMBERS - 1) as u64);
    // The refused session sends no GetCallerIdentity: the management account and 30 members.
    assert_eq!(calls["sts:GetCallerIdentity"], (MEMBERS - 1) as u64);
    for operation in calls.keys() {
        assert!(
            api_actions().contains(&operation.as_str())
                || caller_actions().contains(&operation.as_str()),
            "{operation} is not a documented action"
        );
    }

    // --- verdicts differ between accounts and equal scanning each account alone ---
    let org_verdicts = account_verdicts(&snapshot);
    let unencrypted = |account: &str| {
        org_verdicts.iter().any(|((a, rule, _), verdict)| {
            a == account && rule == "aws-ec2-ebs-volume-unencrypted" && *verdict == "fail"
        })
    };
    assert!(unencrypted(seeded.member(1)) && !unencrypted(seeded.member(2)));
    let samples = [0, 1, 3, 4, 9, 22];
    let mut alone = Vec::new();
    for &i in &samples {
        let account = seeded.member(i);
        let mut options = scan_options(moto, &[account], &[REGION]);
        options.services = vec!["ec2".into(), "iam".into()];
        options.accounts[0].role_arn =
            format!("arn:aws:iam::{account}:role/OrganizationAccountAccessRole");
        options.accounts[0].external_id = None;
        alone.push((account.to_string(), options));
    }
    let mut management_alone = org_options(moto, OrgOptions::default(), &["ec2", "iam"]);
    management_alone.org = None;
    alone.push((MANAGEMENT.to_string(), management_alone));
    for (account, options) in &alone {
        let solo = snapshot_of_collection(&scan(options).await);
        let solo_verdicts = account_verdicts(&solo);
        assert!(!of_account(&solo_verdicts, account).is_empty());
        assert_eq!(
            of_account(&org_verdicts, account),
            of_account(&solo_verdicts, account),
            "account {account}: the organization scan and the scan of the account alone differ"
        );
    }
    // The gapped account's rules are not evaluated, never passed.
    for ((account, rule, subject), verdict) in &org_verdicts {
        if account == no_role {
            assert_eq!(*verdict, "not_evaluated", "{rule} {subject}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn org_ou_picks_exactly_the_accounts_under_it_and_exclusions_are_not_gaps() {
    let Some((moto, seeded)) = org_moto() else {
        return;
    };
    // Workloads and everything below it (Prod, Payments, Dev): nested accounts included, the
    // management account (at the root) and Sandbox left out.
    let workloads = OrgOptions {
        units: vec![seeded.ous["Workloads"].clone()],
        ..OrgOptions::default()
    };
    let collection = scan(&org_options(moto, workloads, &["iam"])).await;
    let expected = seeded.under("Workloads");
    assert_eq!(expected.len(), 21);
    assert_eq!(target_ids(&collection), expected);
    assert_eq!(
        skipped_ids(&collection),
        BTreeSet::from([seeded.member(SUSPENDED).to_string()])
    );
    assert!(gapped_ids(&collection).is_empty());
    let organization = collection.organization.as_ref().unwrap();
    assert_eq!(organization.units.len(), 1);
    assert_eq!(organization.units[0].path, "Root/Workloads");
    // Only the subtree is listed: one ListAccountsForParent per OU under Workloads.
    assert_eq!(
        collection.api_calls["organizations:ListAccountsForParent"],
        4
    );
    assert!(!collection
        .api_calls
        .contains_key("organizations:ListAccounts"));

    // A nested OU and a second one: their accounts only, no duplicates.
    let two = OrgOptions {
        units: vec![seeded.ous["Payments"].clone(), seeded.ous["Prod"].clone()],
        ..OrgOptions::default()
    };
    let collection = scan(&org_options(moto, two, &["iam"])).await;
    assert_eq!(target_ids(&collection), seeded.under("Prod"));

    // Sandbox without two of its accounts, the role-less one among them: no gap at all, and
    // the exclusions recorded.
    let sandbox = seeded.under("Sandbox");
    let excluded = vec![
        seeded.member(NO_ROLE).to_string(),
        seeded.member(17).to_string(),
    ];
    let options = OrgOptions {
        units: vec![seeded.ous["Sandbox"].clone()],
        exclude: excluded.clone(),
        ..OrgOptions::default()
    };
    let collection = scan(&org_options(moto, options, &["iam"])).await;
    let mut kept = sandbox.clone();
    for account in &excluded {
        assert!(kept.remove(account));
    }
    assert_eq!(target_ids(&collection), kept);
    assert!(gapped_ids(&collection).is_empty());
    let mut recorded = collection.organization.as_ref().unwrap().excluded.clone();
    recorded.sort();
    let mut wanted = excluded.clone();
    wanted.sort();
    assert_eq!(recorded, wanted);
    snapshot_of_collection(&collection);

    // Shards of the Sandbox: each scans its share, together every account exactly once.
    let mut covered = BTreeSet::new();
    for index in 0..2 {
        let shard = Shard::new(index, 2).unwrap();
        let mut options = org_options(
            moto,
            OrgOptions {
                units: vec![seeded.ous["Sandbox"].clone()],
                ..OrgOptions::default()
            },
            &["iam"],
        );
        options.shard = Some(shard);
        let collection = scan(&options).await;
        for account in target_ids(&collection) {
            assert!(shard.includes(&account));
            assert!(covered.insert(account), "an account in two shards");
        }
    }
    assert_eq!(covered, sandbox);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_organization_that_cannot_be_listed_stops_the_scan_with_a_clear_error() {
    let Some((moto, _)) = org_moto() else {
        return;
    };
    // An OU the organization does not have.
    let options = OrgOptions {
        units: vec!["ou-zzzz-zzzzzzzz".to_string()],
        ..OrgOptions::default()
    };
    let error = collect(&org_options(moto, options, &["iam"]), Arc::new(NoProgress))
        .await
        .expect_err("an unknown OU stops the scan")
        .to_string();
    assert!(
        error.contains("--org-ou ou-zzzz-zzzzzzzz") && error.contains("no organizational unit"),
        "{error}"
    );

    // An account in no organization: a user of its own, its keys as the base credentials.
    let outsider = "222233334444";
    let base = static_config(moto, &base_credentials(), REGION).await;
    let iam = aws_sdk_iam::Client::from_conf(
        aws_sdk_iam::config::Builder::from(&base)
            .interceptor(ActAs(outsider.to_string()))
            .build(),
    );
    create_user(&iam, "outsider").await;
    let (key, secret) = access_key(&iam, "outsider").await;
    let mut options = org_options(moto, OrgOptions::default(), &["iam"]);
    options.static_credentials = Some(StaticCredentials {
        access_key_id: key,
        secret_access_key: secret,
        session_token: None,
    });
    let error = collect(&options, Arc::new(NoProgress))
        .await
        .expect_err("no organization stops the scan");
    assert!(matches!(error, AwsError::Organization(_)), "{error:?}");
    let error = error.to_string();
    assert!(
        error.contains("organizations:DescribeOrganization")
            && error.contains("AWSOrganizationsNotInUseException")
            && error.contains("--role-arn"),
        "{error}"
    );
}
