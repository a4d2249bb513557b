//! `--shard I/N` end to end: the real binary against moto serving seven accounts (one
//! `--role-arn` each; moto's AssumeRole acts in the ARN's account). Shards 0/3, 1/3 and 2/3
//! collected separately and merged give exactly one unsharded scan: the same verdicts,
//! coverage and resources. A shard that holds no account writes an empty snapshot and exits
//! 0; per-account SARIF from the merged snapshot has one category per account.

#![cfg(feature = "aws")]

use crate::aws::moto_server::{moto_python, start_moto, Moto};
use crate::common::*;
use serde_json::Value;
use soc2scan_providers::model::shard::Shard;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

const REGION: &str = "eu-west-1";

/// A small estate in one account, through moto's `x-moto-account-id` header: an encrypted
/// and an unencrypted volume, a security group open on 22, a user with an inline `*`/`*`
/// policy (the failing variants differ per account, so a mix-up between accounts shows).
const SEED: &str = r#"
import sys, json, boto3
endpoint, region, accounts = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
for n, account in enumerate(accounts):
    def client(name):
        c = boto3.client(name, endpoint_url=endpoint, region_name=region,
                         aws_access_key_id="testing", aws_secret_access_key="testing")
        c.meta.events.register("before-sign.*.*",
            lambda request, **_: request.headers.__setitem__("x-moto-account-id", account))
        return c
    ec2, iam = client("ec2"), client("iam")
    ec2.create_volume(AvailabilityZone=region + "a", Size=8, Encrypted=True)
    if n % 2 == 0:
        ec2.create_volume(AvailabilityZone=region + "a", Size=8, Encrypted=False)
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    group = ec2.create_security_group(GroupName="ssh-%d" % n, Description="ssh", VpcId=vpc)["GroupId"]
    if n % 3 != 1:
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[{"IpProtocol": "tcp",
            "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    iam.create_user(UserName="user-%d" % n)
    if n % 2 == 1:
        iam.put_user_policy(UserName="user-%d" % n, PolicyName="everything",
            PolicyDocument=json.dumps({"Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
"#;

fn seed(python: &Path, moto: &Moto, accounts: &[String]) {
    let output = Command::new(python)
        .args(["-c", SEED, &moto.endpoint(), REGION, &accounts.join(",")])
        .output()
        .expect("the seeding script runs");
    assert!(
        output.status.success(),
        "seeding failed: {}",
        stderr(&output)
    );
}

/// Seven 12-digit ids, at least two in each of three shards.
fn spread_accounts() -> Vec<String> {
    let mut per_shard = [0usize; 3];
    let mut accounts = Vec::new();
    for n in 0u64.. {
        let id = format!("{:012}", 210_000_000_000 + n * 7_919);
        let shard = Shard::of(&id, 3) as usize;
        // Two per shard first; the seventh goes wherever it falls.
        if per_shard[shard] < 2 || accounts.len() == 6 {
            per_shard[shard] += 1;
            accounts.push(id);
        }
        if accounts.len() == 7 {
            break;
        }
    }
    accounts.sort();
    accounts
}

fn role(account: &str) -> String {
    format!("arn:aws:iam::{account}:role/soc2scan-audit")
}

fn soc2scan(dir: &Path, moto: &Moto, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_soc2scan"));
    command
        .args(args)
        .current_dir(dir)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", REGION)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL", moto.endpoint())
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("SOC2SCAN_SHARD")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("COLUMNS");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("the soc2scan binary runs")
}

fn live_args(accounts: &[String]) -> Vec<String> {
    let mut args = Vec::new();
    for account in accounts {
        args.push("--role-arn".to_string());
        args.push(role(account));
    }
    args.extend(["--regions".to_string(), REGION.to_string()]);
    args
}

/// What scanning a snapshot says, independent of order: verdicts, coverage and resources.
struct Scanned {
    verdicts: BTreeSet<(String, String, String)>,
    coverage: BTreeSet<String>,
    resources: BTreeSet<String>,
    accounts: BTreeSet<String>,
}

fn scanned(dir: &Path, snapshot: &Path) -> Scanned {
    let output = soc2scan_in(
        dir,
        &[
            "scan",
            "--snapshot",
            snapshot.to_str().expect("utf-8"),
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    let document: Value =
        serde_json::from_str(&std::fs::read_to_string(snapshot).expect("snapshot")).expect("JSON");
    let verdicts = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            (
                r["rule_id"].as_str().unwrap_or_default().to_string(),
                r["resource"]["id"]
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| r["scope"].to_string()),
                r["verdict"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let set = |field: &str| -> BTreeSet<String> {
        document[field]
            .as_array()
            .expect("array")
            .iter()
            .map(|v| v.to_string())
            .collect()
    };
    Scanned {
        verdicts,
        coverage: set("coverage"),
        resources: set("resources"),
        accounts: document["metadata"]["targets"]
            .as_array()
            .expect("targets")
            .iter()
            .map(|t| t["account"].as_str().expect("account").to_string())
            .collect(),
    }
}

#[test]
fn three_shards_merged_equal_one_unsharded_scan() {
    let Some(python) = moto_python() else { return };
    let moto = start_moto(&python, &[]);
    let accounts = spread_accounts();
    assert_eq!(accounts.len(), 7);
    seed(&python, &moto, &accounts);
    let dir = temp_dir();
    let live = live_args(&accounts);
    let live: Vec<&str> = live.iter().map(String::as_str).collect();

    let whole = dir.path().join("whole.json");
    let mut args = vec!["snapshot", "aws", "-o", whole.to_str().expect("utf-8")];
    args.extend(&live);
    let output = soc2scan(dir.path(), &moto, &args, &[]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));

    let mut parts = Vec::new();
    for index in 0..3 {
        let part = dir.path().join(format!("part-{index}.json"));
        let mut args = vec!["snapshot", "aws", "-o", part.to_str().expect("utf-8")];
        args.extend(&live);
        // One shard through the environment (as a CI matrix sets it), the others by flag.
        let shard = format!("{index}/3");
        let output = if index == 1 {
            soc2scan(dir.path(), &moto, &args, &[("SOC2SCAN_SHARD", &shard)])
        } else {
            args.extend(["--shard", &shard]);
            soc2scan(dir.path(), &moto, &args, &[])
        };
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        let document: Value =
            serde_json::from_str(&std::fs::read_to_string(&part).expect("part")).expect("JSON");
        assert_eq!(
            document["metadata"]["shard"],
            serde_json::json!({"index": index, "count": 3})
        );
        let expected: BTreeSet<String> = accounts
            .iter()
            .filter(|a| Shard::of(a, 3) == index)
            .cloned()
            .collect();
        assert_eq!(
            scanned(dir.path(), &part).accounts,
            expected,
            "shard {index}"
        );
        // Roles of other shards are never assumed: the part made no call for them.
        parts.push(part);
    }

    let merged = dir.path().join("merged.json");
    let mut args = vec!["merge"];
    let names: Vec<&str> = parts.iter().map(|p| p.to_str().expect("utf-8")).collect();
    args.extend(names.iter().rev());
    args.extend(["-o", merged.to_str().expect("utf-8")]);
    let output = soc2scan_in(dir.path(), &args);
    assert_eq!(code(&output), 0, "{}", stderr(&output));

    let (sharded, unsharded) = (scanned(dir.path(), &merged), scanned(dir.path(), &whole));
    assert_eq!(sharded.accounts, accounts.iter().cloned().collect());
    assert_eq!(sharded.accounts, unsharded.accounts);
    assert!(unsharded.verdicts.iter().any(|(_, _, v)| v == "fail"));
    assert!(unsharded.verdicts.iter().any(|(_, _, v)| v == "pass"));
    assert_eq!(sharded.verdicts, unsharded.verdicts, "verdicts");
    assert_eq!(sharded.coverage, unsharded.coverage, "coverage");
    assert_eq!(sharded.resources, unsharded.resources, "resources");

    // A part given twice, or a part missing: exit 2, nothing written.
    let refused = dir.path().join("refused.json");
    for parts in [
        vec![names[0], names[1], names[1], names[2]],
        vec![names[0], names[2]],
    ] {
        let mut args = vec!["merge"];
        args.extend(parts);
        args.extend(["-o", refused.to_str().expect("utf-8")]);
        let output = soc2scan_in(dir.path(), &args);
        assert_eq!(code(&output), 2, "{}", stderr(&output));
        assert!(!refused.exists());
    }

    // One SARIF per account from the merged snapshot, each with its own category.
    std::fs::create_dir(dir.path().join("sarif")).expect("mkdir");
    let output = soc2scan_in(
        dir.path(),
        &[
            "scan",
            "--snapshot",
            merged.to_str().expect("utf-8"),
            "-o",
            "sarif=sarif/{account}.sarif",
            "--fail-on",
            "none",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    for account in &accounts {
        let text = std::fs::read_to_string(dir.path().join(format!("sarif/{account}.sarif")))
            .expect("one SARIF per account");
        let sarif: Value = serde_json::from_str(&text).expect("SARIF");
        assert_eq!(
            sarif["runs"][0]["automationDetails"]["id"],
            format!("soc2scan/aws/{account}/")
        );
        for other in accounts.iter().filter(|o| *o != account) {
            assert!(
                !text.contains(&format!(":{other}:")),
                "{account}'s SARIF names {other}"
            );
        }
    }
    validate_sarif(
        &std::fs::read_to_string(dir.path().join(format!("sarif/{}.sarif", accounts[0])))
            .expect("SARIF"),
    );
}

#[test]
fn a_shard_with_no_account_is_an_empty_valid_snapshot_and_a_clean_scan() {
    let Some(python) = moto_python() else { return };
    let moto = start_moto(&python, &[]);
    let account = "123456789012";
    let other = (Shard::of(account, 2) + 1) % 2;
    let shard = format!("{other}/2");
    let dir = temp_dir();
    let part = dir.path().join("empty.json");
    let arn = role(account);
    let output = soc2scan(
        dir.path(),
        &moto,
        &[
            "snapshot",
            "aws",
            "--role-arn",
            &arn,
            "--regions",
            REGION,
            "--shard",
            &shard,
            "-o",
            part.to_str().expect("utf-8"),
        ],
        &[],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        stderr(&output).contains(&format!("shard {shard} holds none of the accounts")),
        "{}",
        stderr(&output)
    );
    let document: Value =
        serde_json::from_str(&std::fs::read_to_string(&part).expect("part")).expect("JSON");
    assert_eq!(document["metadata"]["targets"], serde_json::json!([]));
    assert_eq!(document["coverage"], serde_json::json!([]));
    assert!(document["metadata"]["collected_kinds"]
        .as_array()
        .is_some_and(|kinds| !kinds.is_empty()));

    let scan = soc2scan(
        dir.path(),
        &moto,
        &[
            "scan",
            "aws",
            "--role-arn",
            &arn,
            "--regions",
            REGION,
            "--shard",
            &shard,
        ],
        &[],
    );
    assert_eq!(code(&scan), 0, "an empty shard exits 0: {}", stderr(&scan));
    assert!(
        stderr(&scan).contains("holds none of the accounts"),
        "{}",
        stderr(&scan)
    );
    let offline = soc2scan_in(
        dir.path(),
        &["scan", "--snapshot", part.to_str().expect("utf-8")],
    );
    assert_eq!(code(&offline), 0, "{}", stderr(&offline));
    assert!(
        stderr(&offline).contains("holds none of the accounts"),
        "{}",
        stderr(&offline)
    );

    // A bad shard is a usage error naming the flag.
    let bad = soc2scan(dir.path(), &moto, &["scan", "aws", "--shard", "2/2"], &[]);
    assert_eq!(code(&bad), 2);
    assert!(stderr(&bad).contains("--shard"), "{}", stderr(&bad));
}
