//! Rendering rule documentation: `soc2scan explain`, `docs/rules.md`, SARIF help.
//!
//! Every text comes from the rule's doc comment ([`crate::rule::RuleMeta::doc`]); nothing
//! here restates what a rule does.

use crate::catalog::criterion;
use crate::registry::all_rules;
use crate::rule::{ParamDefault, RuleMeta};

/// The doc comment as Markdown (one leading space per line removed).
pub fn doc_markdown(meta: &RuleMeta) -> String {
    let mut out = String::with_capacity(meta.doc.len());
    for line in meta.doc.lines() {
        out.push_str(line.strip_prefix(' ').unwrap_or(line));
        out.push('\n');
    }
    out.trim().to_string() + "\n"
}

/// The text of one `## Section` of a rule's doc, without its heading.
pub fn doc_section(meta: &RuleMeta, heading: &str) -> Option<String> {
    let markdown = doc_markdown(meta);
    let start_marker = format!("## {heading}");
    let mut lines = markdown
        .lines()
        .skip_while(|line| line.trim() != start_marker);
    lines.next()?;
    let body: Vec<&str> = lines.take_while(|line| !line.starts_with("## ")).collect();
    Some(body.join("\n").trim().to_string())
}

/// A one-paragraph description: the first paragraph of "What it checks".
pub fn short_description(meta: &RuleMeta) -> String {
    doc_section(meta, "What it checks")
        .and_then(|text| text.split("\n\n").next().map(|p| p.replace('\n', " ")))
        .unwrap_or_else(|| meta.title.to_string())
}

fn default_text(default: &ParamDefault) -> String {
    match default {
        ParamDefault::Integer(value) => value.to_string(),
        ParamDefault::IntegerList(values) => {
            let parts: Vec<String> = values.iter().map(i64::to_string).collect();
            format!("[{}]", parts.join(", "))
        }
    }
}

/// A rule's full documentation page: header facts, then the doc comment, then parameters.
pub fn rule_page(meta: &RuleMeta, heading_level: usize) -> String {
    let hashes = "#".repeat(heading_level);
    let mut out = format!("{hashes} {} — {}\n\n", meta.id, meta.title);
    out.push_str(&format!("- Severity: **{}**\n", meta.severity));
    let criteria: Vec<String> = meta
        .criteria
        .iter()
        .map(|id| match criterion(id) {
            Some(c) => format!("{} ({})", c.id, c.title),
            None => id.to_string(),
        })
        .collect();
    out.push_str(&format!("- Criteria: {}\n", criteria.join(", ")));
    let kinds: Vec<&str> = meta.targets.iter().map(|k| k.as_str()).collect();
    out.push_str(&format!(
        "- Provider / service: {} / {}; evaluated on: {}\n",
        meta.provider(),
        meta.service(),
        kinds.join(", ")
    ));
    if !meta.also_reads.is_empty() {
        let also: Vec<&str> = meta.also_reads.iter().map(|k| k.as_str()).collect();
        out.push_str(&format!(
            "- Also needs complete collection of: {}\n",
            also.join(", ")
        ));
    }
    match meta.runtime_only {
        Some(reason) => out.push_str(&format!("- Terraform plans: not run — {reason}\n")),
        None => out.push_str("- Terraform plans: runs on planned resources\n"),
    }
    out.push('\n');
    // Demote the doc's own headings below the page heading.
    for line in doc_markdown(meta).lines() {
        if line.starts_with('#') {
            out.push_str(&"#".repeat(heading_level));
        }
        out.push_str(line);
        out.push('\n');
    }
    if !meta.params.is_empty() {
        out.push_str(&format!("\n{hashes}# Parameters\n\n"));
        out.push_str("| name | default | meaning |\n|---|---|---|\n");
        for param in meta.params {
            out.push_str(&format!(
                "| `{}` | `{}` | {} |\n",
                param.name,
                default_text(&param.default),
                param.description
            ));
        }
        out.push_str(&format!(
            "\nOverride in `soc2scan.toml`:\n\n```toml\n[rules.{}]\n{} = {}\n```\n",
            meta.id,
            meta.params[0].name,
            default_text(&meta.params[0].default)
        ));
    }
    out
}

/// The whole of `docs/rules.md`.
pub fn rules_reference() -> String {
    let mut out = String::from(
        "# soc2scan rules\n\n<!-- Generated from the rules' doc comments by `soc2scan rules --markdown`; \
a test keeps it current. Do not edit by hand. -->\n\n",
    );
    out.push_str("| id | severity | criteria | title |\n|---|---|---|---|\n");
    for rule in all_rules() {
        let meta = rule.meta();
        out.push_str(&format!(
            "| [{id}](#{id}) | {} | {} | {} |\n",
            meta.severity,
            meta.criteria.join(", "),
            meta.title,
            id = meta.id
        ));
    }
    for rule in all_rules() {
        out.push_str(&format!("\n<a id=\"{}\"></a>\n\n", rule.meta().id));
        out.push_str(&rule_page(rule.meta(), 2));
    }
    out
}
