//! Every rule soc2scan ships, in a stable order.

use crate::rule::Rule;
use std::sync::OnceLock;

/// All rules: AWS EC2, AWS IAM, then GCP Cloud Storage.
pub fn all_rules() -> &'static [&'static dyn Rule] {
    static ALL: OnceLock<Vec<&'static dyn Rule>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut rules = Vec::new();
        rules.extend_from_slice(crate::aws::ec2::RULES);
        rules.extend_from_slice(crate::aws::iam::RULES);
        rules.extend_from_slice(crate::aws::s3::RULES);
        rules.extend_from_slice(crate::aws::rds::RULES);
        rules.extend_from_slice(crate::aws::kms::RULES);
        rules.extend_from_slice(crate::aws::dynamodb::RULES);
        rules.extend_from_slice(crate::aws::efs::RULES);
        rules.extend_from_slice(crate::aws::backup::RULES);
        rules.extend_from_slice(crate::aws::cloudtrail::RULES);
        rules.extend_from_slice(crate::aws::logs::RULES);
        rules.extend_from_slice(crate::aws::cloudwatch::RULES);
        rules.extend_from_slice(crate::aws::config::RULES);
        rules.extend_from_slice(crate::aws::guardduty::RULES);
        rules.extend_from_slice(crate::aws::securityhub::RULES);
        rules.extend_from_slice(crate::aws::acm::RULES);
        rules.extend_from_slice(crate::aws::secretsmanager::RULES);
        rules.extend_from_slice(crate::aws::elbv2::RULES);
        rules.extend_from_slice(crate::aws::lambda::RULES);
        rules.extend_from_slice(crate::gcp::gcs::RULES);
        rules
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::criterion;
    use crate::docs::{doc_markdown, doc_section};

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut ids: Vec<&str> = all_rules().iter().map(|r| r.meta().id).collect();
        for id in &ids {
            let meta = all_rules()
                .iter()
                .find(|r| r.meta().id == *id)
                .unwrap()
                .meta();
            let prefix = format!("{}-{}-", meta.provider(), meta.service());
            assert!(id.starts_with(&prefix), "{id} should start with {prefix}");
            assert!(id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
        }
        let count = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), count, "duplicate rule ids");
    }

    #[test]
    fn every_rule_is_documented_with_the_required_sections() {
        for rule in all_rules() {
            let meta = rule.meta();
            let markdown = doc_markdown(meta);
            for heading in [
                "What it checks",
                "Why it matters for SOC 2",
                "How to fix",
                "Criteria",
            ] {
                let section = doc_section(meta, heading)
                    .unwrap_or_else(|| panic!("{}: doc lacks '## {heading}'", meta.id));
                assert!(
                    !section.trim().is_empty(),
                    "{}: '## {heading}' is empty",
                    meta.id
                );
            }
            for sub in ["### Console", "### CLI", "### Terraform"] {
                assert!(
                    markdown.contains(sub),
                    "{}: How to fix lacks {sub}",
                    meta.id
                );
            }
            let criteria_section = doc_section(meta, "Criteria").unwrap();
            for id in meta.criteria {
                assert!(
                    criterion(id).is_some(),
                    "{}: unknown criterion {id}",
                    meta.id
                );
                assert!(
                    criteria_section.contains(id),
                    "{}: Criteria section omits {id}",
                    meta.id
                );
            }
            for param in meta.params {
                assert!(
                    markdown.contains(param.name),
                    "{}: doc never mentions parameter {}",
                    meta.id,
                    param.name
                );
            }
        }
    }

    #[test]
    fn every_field_a_rule_reads_is_a_field_of_a_kind_it_targets() {
        let mut problems = Vec::new();
        for rule in all_rules() {
            let meta = rule.meta();
            for read in meta.reads.iter().filter(|read| **read != "*") {
                // A rule on several kinds may read a field only one of them has (a role's
                // path); a name no target kind has is a misspelling that never overlaps
                // an unknown value of a plan.
                if !meta
                    .targets
                    .iter()
                    .any(|&kind| soc2scan_model::is_field(kind, read))
                {
                    let known: Vec<&[String]> = meta
                        .targets
                        .iter()
                        .map(|&kind| soc2scan_model::field_paths(kind))
                        .collect();
                    problems.push(format!(
                        "{}: reads {read:?}, which is not a field of {:?} (fields: {known:?})",
                        meta.id, meta.targets
                    ));
                }
            }
            if meta.reads.contains(&"*") {
                assert_eq!(meta.reads, ["*"], "{}: \"*\" stands alone", meta.id);
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
