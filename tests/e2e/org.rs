//! `soc2scan scan aws --org` end to end: the real binary against a moto server of its own
//! that refuses roles that do not exist (`--assumed-roles-must-exist`), seeded with boto3: an
//! organization whose management account is moto's default account, a member in an OU, a
//! closed (SUSPENDED) member and a member without OrganizationAccountAccessRole.

use crate::aws::moto_server::{moto_python, start_moto_with, Moto};
use crate::common::*;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const SEED: &str = r#"
import json, sys, boto3
keys = dict(endpoint_url=sys.argv[1], region_name="eu-west-1",
            aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="not-a-secret")
org = boto3.client("organizations", **keys)
org.create_organization(FeatureSet="ALL")
root = org.list_roots()["Roots"][0]["Id"]
workloads = org.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]
def account(name, **extra):
    return org.create_account(AccountName=name, Email=name + "@example.com", **extra)["CreateAccountStatus"]["AccountId"]
app = account("prod-app")
org.move_account(AccountId=app, SourceParentId=root, DestinationParentId=workloads)
legacy = account("legacy")
org.close_account(AccountId=legacy)
no_role = account("no-role", RoleName="SomeOtherRole")
ec2 = boto3.client("ec2", **keys)
def act_as(request, **_):
    request.headers["x-moto-account-id"] = app
ec2.meta.events.register("before-sign.ec2.*", act_as)
ec2.create_volume(AvailabilityZone="eu-west-1a", Size=8, Encrypted=False)
print(json.dumps({"app": app, "legacy": legacy, "no_role": no_role, "workloads": workloads}))
"#;

fn seeded_moto() -> Option<(Moto, Value)> {
    let python = moto_python()?;
    let moto = start_moto_with(&python, &[], &["--assumed-roles-must-exist"]);
    let output = Command::new(&python)
        .args(["-c", SEED, &moto.endpoint()])
        .output()
        .expect("the seeding script runs");
    assert!(
        output.status.success(),
        "seeding failed: {}",
        stderr(&output)
    );
    let seeded = serde_json::from_slice(&output.stdout).expect("the seeding script prints JSON");
    Some((moto, seeded))
}

fn soc2scan_org(dir: &Path, moto: &Moto, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_soc2scan"))
        .args(args)
        .args(["--endpoint-url", &moto.endpoint(), "--regions", "eu-west-1"])
        .current_dir(dir)
        .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "not-a-secret")
        .env("AWS_REGION", "eu-west-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("COLUMNS")
        .output()
        .expect("the soc2scan binary runs")
}

#[test]
fn scan_aws_org_names_skipped_accounts_and_exits_3_on_a_missing_role() {
    let Some((moto, seeded)) = seeded_moto() else {
        return;
    };
    let id = |key: &str| seeded[key].as_str().expect("an account id").to_string();
    let (app, legacy, no_role) = (id("app"), id("legacy"), id("no_role"));
    let dir = temp_dir();
    let run = soc2scan_org(
        dir.path(),
        &moto,
        &[
            "scan",
            "aws",
            "--org",
            "--services",
            "ec2,iam",
            "--fail-on",
            "none",
            "-o",
            "table",
            "-o",
            "json=report.json",
            "-o",
            "markdown=report.md",
            "-o",
            "sarif=report.sarif",
        ],
    );
    let (out, err) = (stdout(&run), stderr(&run));
    assert_eq!(
        code(&run),
        3,
        "the role-less account is a gap: {err}\n{out}"
    );
    assert!(
        out.contains(&format!("aws {app} (prod-app; Root/Workloads; eu-west-1)")),
        "{out}"
    );
    assert!(
        out.contains(&format!("aws {legacy} (legacy; Root; skipped: SUSPENDED)")),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "1 skipped ({legacy} SUSPENDED), 0 excluded by --org-exclude"
        )),
        "{out}"
    );
    assert!(
        err.contains(&format!("account {no_role} could not be opened")),
        "{err}"
    );
    assert!(err.contains("1 skipped"), "{err}");

    let markdown = std::fs::read_to_string(dir.path().join("report.md")).expect("markdown");
    assert!(
        markdown.contains(&format!("aws {legacy} (legacy; Root; skipped: SUSPENDED)")),
        "{markdown}"
    );
    assert!(markdown.contains("Organization: o-"), "{markdown}");

    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .expect("JSON");
    let targets = report["snapshot"]["targets"].as_array().expect("targets");
    assert_eq!(targets.len(), 4, "management, prod-app, legacy, no-role");
    let target = |account: &str| {
        targets
            .iter()
            .find(|t| t["account"] == account)
            .unwrap_or_else(|| panic!("{account} is not a target"))
    };
    assert_eq!(target(&legacy)["organization"]["skipped"], true);
    assert_eq!(target(&legacy)["organization"]["status"], "SUSPENDED");
    assert_eq!(target(&app)["organization"]["ou_path"], "Root/Workloads");
    assert_eq!(target(&app)["organization"]["name"], "prod-app");
    assert_eq!(
        report["snapshot"]["organization"]["management_account"],
        "123456789012"
    );
    let gaps = report["coverage_gaps"].as_array().expect("gaps");
    assert!(!gaps.is_empty());
    assert!(gaps
        .iter()
        .all(|gap| gap["unit"]["account"] == no_role.as_str()));
    // prod-app's unencrypted volume is judged, through its member role.
    assert!(report["results"].as_array().unwrap().iter().any(|r| {
        r["rule_id"] == "aws-ec2-ebs-volume-unencrypted"
            && r["verdict"] == "fail"
            && r["resource"]["account"] == app.as_str()
    }));

    let sarif = std::fs::read_to_string(dir.path().join("report.sarif")).expect("SARIF");
    validate_sarif(&sarif);
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    let accounts = sarif["runs"][0]["properties"]["organization"]["accounts"]
        .as_array()
        .expect("the run lists the organization's accounts");
    assert_eq!(accounts.len(), 4);
    assert!(accounts
        .iter()
        .any(|a| a["account"] == legacy.as_str() && a["skipped"] == true));

    // Without the role-less account: complete, and the exclusion said.
    let run = soc2scan_org(
        dir.path(),
        &moto,
        &[
            "scan",
            "aws",
            "--org",
            "--org-exclude",
            &no_role,
            "--services",
            "iam",
            "--fail-on",
            "none",
            "-q",
        ],
    );
    assert_eq!(code(&run), 0, "{}", stderr(&run));
    assert!(
        stderr(&run).is_empty(),
        "-q prints nothing: {}",
        stderr(&run)
    );
    assert!(stdout(&run).contains("1 skipped"), "{}", stdout(&run));
    assert!(
        stdout(&run).contains("1 excluded by --org-exclude"),
        "{}",
        stdout(&run)
    );

    // The OU alone: prod-app only.
    let workloads = seeded["workloads"].as_str().unwrap();
    let snapshot_path = dir.path().join("ou.json");
    let run = soc2scan_org(
        dir.path(),
        &moto,
        &[
            "snapshot",
            "aws",
            "--org",
            "--org-ou",
            workloads,
            "--services",
            "iam",
            "-o",
            snapshot_path.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&run), 0, "{}", stderr(&run));
    let snapshot: Value =
        serde_json::from_str(&std::fs::read_to_string(&snapshot_path).unwrap()).unwrap();
    let accounts: Vec<&str> = snapshot["metadata"]["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["account"].as_str().unwrap())
        .collect();
    assert_eq!(accounts, vec![app.as_str()]);
    assert_eq!(
        snapshot["metadata"]["organization"]["units"][0]["path"],
        "Root/Workloads"
    );

    // An OU the organization lacks stops the scan.
    let run = soc2scan_org(
        dir.path(),
        &moto,
        &[
            "scan",
            "aws",
            "--org",
            "--org-ou",
            "ou-zzzz-zzzzzzzz",
            "--services",
            "iam",
        ],
    );
    assert_eq!(code(&run), 2, "{}", stderr(&run));
    assert!(
        stderr(&run).contains("--org-ou ou-zzzz-zzzzzzzz: organization o-"),
        "{}",
        stderr(&run)
    );
}

#[test]
fn org_flags_are_checked_before_any_call() {
    let dir = temp_dir();
    for (args, expected) in [
        (
            vec!["scan", "aws", "--org-ou", "ou-ab12-cdef3456"],
            "--org-ou goes with --org",
        ),
        (
            vec!["scan", "aws", "--org", "--org-exclude", "1234"],
            "--org-exclude: \"1234\" is not an AWS account id",
        ),
        (
            vec!["scan", "aws", "--org", "--org-ou", "Workloads"],
            "--org-ou: \"Workloads\" is not an organizational unit id",
        ),
        (
            vec![
                "scan",
                "aws",
                "--org",
                "--role-arn",
                "arn:aws:iam::111122223333:role/a",
            ],
            "cannot be used with",
        ),
    ] {
        let run = soc2scan_in(dir.path(), &args);
        assert_eq!(code(&run), 2, "{args:?}: {}", stderr(&run));
        assert!(
            stderr(&run).contains(expected),
            "{args:?}: {}",
            stderr(&run)
        );
    }
}
