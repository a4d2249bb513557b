//! Stable identities of results: fingerprints and locations.
//!
//! A finding is identified by its rule id and the canonical id of what it is about (the
//! resource's ARN or URI, or a collection unit for scope-level verdicts). The same
//! fingerprint appears in SARIF (`partialFingerprints`) and in the JSON report, so a baseline
//! taken from either matches across runs, reorderings and tool versions.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};
use soc2scan_model::{CollectionUnit, Resource};
use soc2scan_rules::{Evaluation, Report};
use std::borrow::Cow;
use std::fmt::Write as _;

/// The key of soc2scan's fingerprint in SARIF `partialFingerprints`. The `v1` changes only
/// if the fingerprint's definition does.
pub const FINGERPRINT_KEY: &str = "soc2scan/v1";

/// The tag (AWS) or label (GCP) naming the repository file that defines a resource.
pub const GIT_FILE_TAG: &str = "git_file";
/// The tag naming the repository that holds [`GIT_FILE_TAG`]'s file.
pub const GIT_REPO_TAG: &str = "git_repo";

/// Hex SHA-256 of `"<rule id>\n<canonical subject id>"`.
pub fn fingerprint(rule_id: &str, subject_id: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(rule_id.as_bytes());
    hasher.update(b"\n");
    hasher.update(subject_id.as_bytes());
    let digest = hasher.finalize();
    let mut hex = String::with_capacity(64);
    for byte in digest {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// The canonical id of what an evaluation is about: the resource's id, or for a
/// scope-level verdict `coverage-unit:<provider>/<account>/<region>/<kind>[/<resource>]`.
pub fn subject_id<'s>(report: &Report<'s>, evaluation: &Evaluation) -> Cow<'s, str> {
    if let Some(resource) = report.resource_of(evaluation) {
        return Cow::Borrowed(resource.id.as_str());
    }
    match report.unit_of(evaluation) {
        Some(entry) => Cow::Owned(unit_id(&entry.unit)),
        None => Cow::Borrowed(""),
    }
}

/// The canonical id of a collection unit (see [`subject_id`]).
pub fn unit_id(unit: &CollectionUnit) -> String {
    let mut id = format!(
        "coverage-unit:{}/{}/{}/{}",
        unit.provider, unit.account, unit.region, unit.kind
    );
    if let Some(resource) = &unit.resource {
        id.push('/');
        id.push_str(resource);
    }
    id
}

/// The fingerprint of an evaluation.
pub fn evaluation_fingerprint(report: &Report<'_>, evaluation: &Evaluation) -> String {
    let rule_id = report.rule_of(evaluation).rule.meta().id;
    fingerprint(rule_id, &subject_id(report, evaluation))
}

/// Characters kept as they are in a path segment: RFC 3986 unreserved characters.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one path segment; `.` and `..` are encoded so they are never dot-segments.
pub fn encode_segment(segment: &str) -> Cow<'_, str> {
    match segment {
        "" => Cow::Borrowed("_"),
        "." => Cow::Borrowed("%2E"),
        ".." => Cow::Borrowed("%2E%2E"),
        _ => utf8_percent_encode(segment, SEGMENT).into(),
    }
}

/// The stable pseudo-path of a live resource:
/// `<provider>/<account>/<region>/<service>/<kind>/<native id, else canonical id>`, each
/// segment percent-encoded, so it is a valid relative URI.
pub fn pseudo_path(resource: &Resource) -> String {
    let kind = resource.kind();
    let leaf = resource.config.native_id().unwrap_or(&resource.id);
    let segments = [
        resource.provider.as_str(),
        resource.account.as_str(),
        resource.region.as_str(),
        kind.service(),
        kind.as_str(),
        leaf,
    ];
    let encoded: Vec<Cow<'_, str>> = segments.iter().map(|s| encode_segment(s)).collect();
    encoded.join("/")
}

/// The repository-relative file named by a resource's `git_file` tag, as a relative URI,
/// if the tag is present and names a relative path inside the repository.
pub fn git_file_uri(resource: &Resource) -> Option<String> {
    let raw = resource.tags.get(GIT_FILE_TAG)?.trim().replace('\\', "/");
    if raw.contains("://") || raw.starts_with('/') {
        return None;
    }
    let mut segments = Vec::new();
    for segment in raw.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            _ => segments.push(encode_segment(segment)),
        }
    }
    if segments.is_empty() {
        return None;
    }
    Some(segments.join("/"))
}

/// A file path as a URI reference: relative paths segment by segment (percent-encoded),
/// absolute paths as `file://` URIs.
pub fn path_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let absolute = path.starts_with('/');
    let segments: Vec<Cow<'_, str>> = path
        .split('/')
        .filter(|segment| !segment.is_empty() && *segment != ".")
        .map(|segment| match segment {
            ".." => Cow::Borrowed(".."),
            other => encode_segment(other),
        })
        .collect();
    if absolute {
        format!("file:///{}", segments.join("/"))
    } else {
        segments.join("/")
    }
}

/// The `.tf` file and line (or the plan file) of a resource read from a Terraform plan.
pub fn plan_source<'s>(
    report: &Report<'s>,
    resource: &Resource,
) -> Option<&'s soc2scan_model::PlannedResource> {
    report.snapshot.plan.as_ref()?.resources.get(&resource.id)
}

/// The artifact URI a SARIF result about this resource points at: its `git_file` when it
/// has a usable one, else its [`pseudo_path`].
pub fn artifact_uri(resource: &Resource) -> String {
    git_file_uri(resource).unwrap_or_else(|| pseudo_path(resource))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::volume;

    #[test]
    fn fingerprint_is_sha256_of_rule_and_subject() {
        // printf 'aws-ec2-ebs-volume-unencrypted\narn:…/vol-0abc' | sha256sum
        assert_eq!(
            fingerprint(
                "aws-ec2-ebs-volume-unencrypted",
                "arn:aws:ec2:eu-west-1:111122223333:volume/vol-0abc"
            ),
            "195d3a2034bfb0c4289fb558dcebc771a4fc768be4e91bb1385a3511ba8d6cfb"
        );
        assert_ne!(fingerprint("a", "b"), fingerprint("b", "a"));
    }

    #[test]
    fn pseudo_path_uses_native_id_and_encodes_segments() {
        let resource = volume("vol-0abc", true);
        assert_eq!(
            pseudo_path(&resource),
            "aws/111122223333/eu-west-1/ec2/ebs_volume/vol-0abc"
        );
        assert_eq!(encode_segment("a b/c:d"), "a%20b%2Fc%3Ad");
        assert_eq!(encode_segment(".."), "%2E%2E");
        assert_eq!(encode_segment("user+name@x"), "user%2Bname%40x");
    }

    #[test]
    fn git_file_tag_must_be_a_relative_path_inside_the_repository() {
        let mut resource = volume("vol-0abc", true);
        let mut with = |value: &str| {
            resource
                .tags
                .insert(GIT_FILE_TAG.to_string(), value.to_string());
            git_file_uri(&resource)
        };
        assert_eq!(
            with("terraform/main.tf").as_deref(),
            Some("terraform/main.tf")
        );
        assert_eq!(
            with("./infra/my vol.tf").as_deref(),
            Some("infra/my%20vol.tf")
        );
        assert_eq!(with("infra\\ebs.tf").as_deref(), Some("infra/ebs.tf"));
        assert_eq!(with("/etc/passwd"), None);
        assert_eq!(with("../outside.tf"), None);
        assert_eq!(with("https://example.com/x.tf"), None);
        assert_eq!(with(""), None);
    }
}
