//! `soc2scan rules`, `soc2scan explain` and `soc2scan criteria`.

use super::print_stdout;
use crate::cli::ListFormat;
use crate::error::CliError;
use crate::exit;
use comfy_table::{presets::ASCII_MARKDOWN, ContentArrangement, Table};
use serde_json::json;
use soc2scan_rules::catalog::{Criterion, CRITERIA};
use soc2scan_rules::{all_rules, docs, select};

fn table(header: &[&str]) -> Table {
    let mut table = Table::new();
    table
        .load_preset(ASCII_MARKDOWN)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.iter().copied());
    table
}

/// `soc2scan rules`.
pub fn rules(format: ListFormat) -> Result<u8, CliError> {
    let text = match format {
        ListFormat::Markdown => docs::rules_reference(),
        ListFormat::Table => {
            let mut table = table(&["id", "severity", "criteria", "title"]);
            for rule in all_rules() {
                let meta = rule.meta();
                table.add_row([
                    meta.id.to_string(),
                    meta.severity.to_string(),
                    meta.criteria.join(", "),
                    meta.title.to_string(),
                ]);
            }
            format!(
                "{table}\n{} rules. `soc2scan explain ID` shows one.\n",
                all_rules().len()
            )
        }
        ListFormat::Json => {
            let rules: Vec<_> = all_rules()
                .iter()
                .map(|rule| {
                    let meta = rule.meta();
                    let params: Vec<_> = soc2scan_rules::Params::defaults(meta)
                        .iter()
                        .zip(meta.params)
                        .map(|((name, value), spec)| {
                            json!({"name": name, "default": value, "description": spec.description})
                        })
                        .collect();
                    json!({
                        "id": meta.id,
                        "title": meta.title,
                        "severity": meta.severity,
                        "criteria": meta.criteria,
                        "categories": meta.categories(),
                        "provider": meta.provider(),
                        "service": meta.service(),
                        "resource_kinds": meta.targets,
                        "params": params,
                        "description": docs::short_description(meta),
                    })
                })
                .collect();
            pretty(&rules)
        }
    };
    print_stdout(&text)?;
    Ok(exit::CLEAN)
}

/// `soc2scan explain ID`.
pub fn explain(rule_id: &str) -> Result<u8, CliError> {
    let rule = select::require_rule(rule_id)?;
    print_stdout(&docs::rule_page(rule.meta(), 1))?;
    Ok(exit::CLEAN)
}

fn mapped_rules(criterion: &Criterion) -> usize {
    all_rules()
        .iter()
        .filter(|rule| rule.meta().criteria.contains(&criterion.id))
        .count()
}

fn coverage_note(criterion: &Criterion, rules: usize) -> &'static str {
    match (criterion.automatable, rules) {
        (false, _) => "people/process: no automated rule can cover it",
        (true, 0) => "automatable; no rule yet",
        (true, _) => "",
    }
}

/// `soc2scan criteria`.
pub fn criteria(format: ListFormat) -> Result<u8, CliError> {
    let text = match format {
        ListFormat::Table | ListFormat::Markdown => {
            let mut table = table(&["criterion", "category", "group", "title", "rules", "note"]);
            for criterion in CRITERIA {
                let rules = mapped_rules(criterion);
                table.add_row([
                    criterion.id.to_string(),
                    criterion.category.to_string(),
                    criterion.group.to_string(),
                    criterion.title.to_string(),
                    rules.to_string(),
                    coverage_note(criterion, rules).to_string(),
                ]);
            }
            let manual = CRITERIA.iter().filter(|c| !c.automatable).count();
            format!(
                "{table}\n{} criteria; {manual} concern people and process, which no cloud configuration shows: evidence them outside soc2scan.\n",
                CRITERIA.len()
            )
        }
        ListFormat::Json => {
            let criteria: Vec<_> = CRITERIA
                .iter()
                .map(|criterion| {
                    let rules: Vec<&str> = all_rules()
                        .iter()
                        .map(|rule| rule.meta())
                        .filter(|meta| meta.criteria.contains(&criterion.id))
                        .map(|meta| meta.id)
                        .collect();
                    json!({
                        "id": criterion.id,
                        "category": criterion.category,
                        "group": criterion.group,
                        "title": criterion.title,
                        "description": criterion.description,
                        "automatable": criterion.automatable,
                        "rules": rules,
                    })
                })
                .collect();
            pretty(&criteria)
        }
    };
    print_stdout(&text)?;
    Ok(exit::CLEAN)
}

fn pretty(value: &impl serde::Serialize) -> String {
    // Serialising plain JSON values and derived structs cannot fail.
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}
