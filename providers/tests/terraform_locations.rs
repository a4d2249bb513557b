//! `.tf` source locations of the resources in a hand-written plan
//! (fixtures/terraform-locations: `root/` is the tf root, `plan.json` its plan).

use serde_json::Value;
use soc2scan_providers::terraform::locations::{
    parse_address, LocateError, LocationIndex, SourceLocation,
};
use std::fs;
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/terraform-locations")
}

fn plan() -> Value {
    let text = fs::read_to_string(fixture().join("plan.json")).expect("fixture plan.json");
    serde_json::from_str(&text).expect("fixture plan.json is JSON")
}

fn at(file: &str, line: u32) -> Option<SourceLocation> {
    Some(SourceLocation {
        file: file.to_string(),
        line,
    })
}

/// Every resource change of the plan, located through its address.
fn locate_all(index: &LocationIndex) -> Vec<(String, Option<SourceLocation>)> {
    plan()["resource_changes"]
        .as_array()
        .expect("resource_changes")
        .iter()
        .map(|change| {
            let address = change["address"].as_str().expect("address");
            let parsed = parse_address(address).expect("a valid address");
            (address.to_string(), index.locate_address(&parsed))
        })
        .collect()
}

fn expected(
    vpc_module: Option<SourceLocation>,
    vpc_sg: Option<SourceLocation>,
) -> Vec<(String, Option<SourceLocation>)> {
    [
        ("aws_ebs_volume.data", at("main.tf", 15)),
        ("aws_iam_policy.heredoc", at("main.tf", 21)),
        ("aws_vpc.main", at("network.tf", 1)),
        ("aws_security_group.web", at("network.tf", 6)),
        ("module.net.aws_vpc.this", at("modules/net/main.tf", 5)),
        ("module.net.aws_flow_log.this", at("modules/net/main.tf", 9)),
        (
            "module.net.module.subnets[0].aws_network_acl.this",
            at("modules/net/sub/main.tf", 5),
        ),
        (
            "module.web_a[0].aws_instance.web",
            at("modules/web/main.tf", 1),
        ),
        (
            "module.web_a[1].aws_instance.web",
            at("modules/web/main.tf", 1),
        ),
        (
            "module.web_b[\"blue\"].aws_instance.web",
            at("modules/web/main.tf", 1),
        ),
        (
            "module.web_b[\"green\"].aws_security_group.web",
            at("modules/web/main.tf", 10),
        ),
        ("module.vpc.aws_vpc.this", vpc_module),
        ("module.vpc.aws_default_security_group.this", vpc_sg),
        (
            "module.shared.aws_iam_account_password_policy.strict",
            at("../shared/main.tf", 2),
        ),
    ]
    .into_iter()
    .map(|(a, l)| (a.to_string(), l))
    .collect()
}

#[test]
fn every_resource_points_at_its_block_with_the_module_manifest() {
    let index = LocationIndex::build(&fixture().join("root"), &plan()["configuration"])
        .expect("fixture indexes");
    assert_eq!(
        locate_all(&index),
        expected(
            at(".terraform/modules/vpc/main.tf", 3),
            at(".terraform/modules/vpc/main.tf", 7)
        )
    );
    assert_eq!(index.unresolved_modules(), &[]);
}

#[test]
fn data_sources_are_located_separately_from_resources() {
    let index = LocationIndex::build(&fixture().join("root"), &plan()["configuration"])
        .expect("fixture indexes");
    assert_eq!(
        index.locate_data(&[], "aws_iam_policy_document", "assume"),
        at("main.tf", 30)
    );
    assert_eq!(index.locate(&[], "aws_iam_policy_document", "assume"), None);
    let parsed = parse_address("data.aws_iam_policy_document.assume").expect("address");
    assert_eq!(index.locate_address(&parsed), at("main.tf", 30));
}

#[test]
fn blocks_in_comments_heredocs_and_strings_are_not_resources() {
    let index = LocationIndex::build(&fixture().join("root"), &plan()["configuration"])
        .expect("fixture indexes");
    for name in [
        "commented_out",
        "slashed_out",
        "block_commented",
        "in_heredoc",
        "in_string",
    ] {
        assert_eq!(index.locate(&[], "aws_s3_bucket", name), None, "{name}");
    }
}

#[test]
fn unknown_modules_and_resources_have_no_location() {
    let index = LocationIndex::build(&fixture().join("root"), &plan()["configuration"])
        .expect("fixture indexes");
    assert_eq!(index.locate(&["nope"], "aws_vpc", "this"), None);
    assert_eq!(index.locate(&["net"], "aws_vpc", "nope"), None);
    assert_eq!(
        index.locate(&["net", "subnets", "x"], "aws_vpc", "this"),
        None
    );
}

/// Copies a directory tree (the fixture) into `to`.
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A writable copy of the fixture: `<tmp>/root` and `<tmp>/shared`.
fn fixture_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_tree(&fixture(), tmp.path());
    tmp
}

#[test]
fn without_the_manifest_local_modules_still_resolve_and_registry_ones_are_reported() {
    let tmp = fixture_copy();
    let root = tmp.path().join("root");
    fs::remove_file(root.join(".terraform/modules/modules.json")).expect("rm manifest");
    let index = LocationIndex::build(&root, &plan()["configuration"]).expect("indexes");
    assert_eq!(locate_all(&index), expected(None, None));
    let unresolved: Vec<String> = index
        .unresolved_modules()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        unresolved,
        ["module.vpc (source \"terraform-aws-modules/vpc/aws\"): not a local source and there is \
          no .terraform/modules/modules.json; run `terraform init` in the tf root first"]
    );
}

#[test]
fn a_missing_local_module_directory_is_reported_not_fatal() {
    let tmp = fixture_copy();
    let root = tmp.path().join("root");
    fs::remove_file(root.join(".terraform/modules/modules.json")).expect("rm manifest");
    fs::remove_dir_all(root.join("modules/net")).expect("rm module");
    let index = LocationIndex::build(&root, &plan()["configuration"]).expect("indexes");
    assert_eq!(index.locate(&["net"], "aws_vpc", "this"), None);
    assert_eq!(
        index.locate(&["net", "subnets"], "aws_network_acl", "this"),
        None
    );
    assert_eq!(index.locate(&[], "aws_vpc", "main"), at("network.tf", 1));
    let addresses: Vec<&str> = index
        .unresolved_modules()
        .iter()
        .map(|m| m.address.as_str())
        .collect();
    assert_eq!(
        addresses,
        ["module.net", "module.net.module.subnets", "module.vpc"]
    );
}

#[test]
fn a_state_without_configuration_locates_root_resources() {
    let index =
        LocationIndex::build(&fixture().join("root"), &Value::Null).expect("fixture indexes");
    assert_eq!(
        index.locate(&[], "aws_security_group", "web"),
        at("network.tf", 6)
    );
    assert_eq!(index.locate(&["net"], "aws_vpc", "this"), None);
}

fn build_err(root: &Path) -> LocateError {
    LocationIndex::build(root, &plan()["configuration"]).expect_err("must fail")
}

#[test]
fn a_missing_tf_root_is_an_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let missing = tmp.path().join("nope");
    let err = build_err(&missing);
    assert!(matches!(err, LocateError::RootMissing { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!("--tf-root {}: no such directory", missing.display())
    );
}

#[test]
fn a_tf_root_that_is_a_file_is_an_error() {
    let file = fixture().join("plan.json");
    let err = build_err(&file);
    assert!(
        matches!(err, LocateError::RootNotDirectory { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("not a directory"), "{err}");
}

#[test]
fn a_tf_root_without_tf_files_is_an_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    fs::write(tmp.path().join("main.tf.bak"), "resource \"a\" \"b\" {}\n").expect("write");
    let err = build_err(tmp.path());
    assert!(matches!(err, LocateError::NoTfFiles { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "--tf-root {}: contains no .tf files (.tf.json files are not read); give the \
             directory where `terraform plan` ran, or leave out --tf-root to point results at \
             the plan file",
            tmp.path().display()
        )
    );
}

#[test]
fn an_unclosed_block_is_an_error_naming_file_line_and_column() {
    let tmp = fixture_copy();
    let root = tmp.path().join("root");
    let bad = root.join("modules/web/broken.tf");
    fs::write(
        &bad,
        "resource \"aws_instance\" \"x\" {\n  tags = {\n    a = \"b\"\n}\n",
    )
    .expect("write");
    let err = build_err(&root);
    let LocateError::Parse {
        path, line, column, ..
    } = &err
    else {
        panic!("expected a parse error, got {err:?}");
    };
    assert_eq!((path, *line, *column), (&bad, 1, 29));
    assert_eq!(
        err.to_string(),
        format!(
            "{}:1:29: not valid HCL: `{{` is never closed",
            bad.display()
        )
    );
}

#[test]
fn an_unterminated_heredoc_is_an_error() {
    let tmp = fixture_copy();
    let root = tmp.path().join("root");
    let bad = root.join("extra.tf");
    fs::write(&bad, "locals {\n  x = <<EOT\n  never closed\n}\n").expect("write");
    let err = build_err(&root);
    assert!(
        matches!(&err, LocateError::Parse { path, .. } if *path == bad),
        "{err:?}"
    );
}

#[test]
fn an_unreadable_tf_file_is_an_error() {
    let tmp = fixture_copy();
    let root = tmp.path().join("root");
    let bad = root.join("latin1.tf");
    // Not UTF-8: Terraform rejects it too.
    fs::write(&bad, b"# caf\xe9\n").expect("write");
    let err = build_err(&root);
    assert!(
        matches!(&err, LocateError::ReadFile { path, .. } if *path == bad),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with(&format!("{}: cannot read the file: ", bad.display())),
        "{err}"
    );
}

#[test]
fn a_malformed_module_manifest_is_an_error_naming_it() {
    let tmp = fixture_copy();
    let root = tmp.path().join("root");
    let manifest = root.join(".terraform/modules/modules.json");
    fs::write(&manifest, "{\"Modules\": [{\"Key\": \"net\"}]}").expect("write");
    let err = build_err(&root);
    assert!(
        matches!(&err, LocateError::ModulesJson { path, .. } if *path == manifest),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("run `terraform init` again"),
        "{err}"
    );
}

#[test]
fn a_manifest_directory_that_is_gone_is_reported_not_fatal() {
    let tmp = fixture_copy();
    let root = tmp.path().join("root");
    fs::remove_dir_all(root.join(".terraform/modules/vpc")).expect("rm downloaded module");
    let index = LocationIndex::build(&root, &plan()["configuration"]).expect("indexes");
    assert_eq!(index.locate(&["vpc"], "aws_vpc", "this"), None);
    assert_eq!(
        index.locate(&["net"], "aws_vpc", "this"),
        at("modules/net/main.tf", 5)
    );
    let unresolved = index.unresolved_modules();
    assert_eq!(unresolved.len(), 1, "{unresolved:?}");
    assert_eq!(unresolved[0].address, "module.vpc");
    assert_eq!(
        unresolved[0].reason,
        format!(
            "directory {} not found",
            root.join(".terraform/modules/vpc").display()
        )
    );
}

#[test]
fn a_relative_tf_root_gives_the_same_files() {
    // Tests run in the crate directory.
    let index = LocationIndex::build(
        Path::new("tests/fixtures/terraform-locations/root"),
        &plan()["configuration"],
    )
    .expect("fixture indexes");
    assert_eq!(
        index.locate(&["net", "subnets"], "aws_network_acl", "this"),
        at("modules/net/sub/main.tf", 5)
    );
    assert_eq!(
        index.locate(&["shared"], "aws_iam_account_password_policy", "strict"),
        at("../shared/main.tf", 2)
    );
}
