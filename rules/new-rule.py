#!/usr/bin/env python3
"""Writes the skeleton of a new soc2scan rule and its one-line registrations.

    python3 rules/new-rule.py aws-s3-bucket-versioning-off \
        --title "S3 bucket versioning is off" --severity medium \
        --criteria A1.2,CC7.5 --targets S3Bucket

From the id it derives the provider and service (`aws`, `s3`), the file
(`rules/src/aws/s3/bucket_versioning_off.rs`) and the type (`BucketVersioningOff`). It
writes the file — the doc comment with every section the docs test requires, the
`declare_rule!` block, a `check` and the rule's own cases, both left as `todo!()` so the
suite fails until they are written — and adds the `mod`, `pub use` and `RULES` lines to the
service's `mod.rs` (creating the service module, and registering it with its provider and
in `rules/src/registry.rs`, when it is the service's first rule). Nothing else needs editing:
the generic case harness, the coverage contract, the reads checks and docs/rules.md
(`UPDATE_DOCS=1 cargo test --test e2e docs_rules_md`) pick the rule up from the registry.
"""

import argparse
import re
import sys
from pathlib import Path

SEVERITIES = ("critical", "high", "medium", "low", "info")


def fail(message: str) -> None:
    print(f"new-rule: {message}", file=sys.stderr)
    sys.exit(2)


def camel(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


def rule_file(args, struct: str) -> str:
    criteria = ", ".join(f'"{c}"' for c in args.criteria)
    targets = ", ".join(args.targets)
    also = ", ".join(args.also_reads)
    reads = ", ".join(f'"{r}"' for r in args.reads)
    criteria_words = ", ".join(args.criteria)
    return f'''use crate::declare_rule;
use crate::rule::{{CheckContext, Rule, RuleMeta, Verdict}};
use soc2scan_model::Resource;

declare_rule! {{
    /// ## What it checks
    ///
    /// TODO: which resources fail, and what passes.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// TODO: what the criteria expect, and what an auditor asks for.
    ///
    /// ## How to fix
    ///
    /// TODO: the fix in one paragraph.
    ///
    /// ### Console
    ///
    /// TODO: the console path.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// # TODO
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// # TODO
    /// ```
    ///
    /// ## Criteria
    ///
    /// {criteria_words} (TODO: one phrase each).
    pub struct {struct} {{
        id: "{args.id}",
        title: "{args.title}",
        severity: {args.severity.capitalize()},
        criteria: [{criteria}],
        targets: [{targets}],
        also_reads: [{also}],
        params: [],
        reads: [{reads}],
    }}
}}

impl Rule for {struct} {{
    fn meta(&self) -> &'static RuleMeta {{
        &Self::META
    }}

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {{
        tests::cases()
    }}

    fn check(&self, resource: &Resource, ctx: &CheckContext<'_>) -> Verdict {{
        let _ = ctx;
        todo!("check {{}}: Verdict::Pass, or Verdict::Fail naming the resource, what is wrong and what is expected", resource.id)
    }}
}}

#[cfg(test)]
mod tests {{
    use crate::cases::Cases;

    /// The resources this rule must pass, fail and not apply to; the generic harness in
    /// rules/src/cases.rs runs them through the engine, with every unit the rule needs
    /// failed and absent, and with every field outside `reads` perturbed.
    pub(super) fn cases() -> Cases {{
        todo!("at least one Case that passes and one that fails, and a not-applicable case or .applies_to_every_resource(\\"why\\")")
    }}
}}
'''


def insert_sorted_line(text: str, line: str, pattern: str) -> str:
    """Inserts `line` among the consecutive lines matching `pattern`, in sorted order."""
    lines = text.split("\n")
    matches = [i for i, l in enumerate(lines) if re.match(pattern, l)]
    if line in lines:
        return text
    if not matches:
        return None
    position = matches[-1] + 1
    for i in matches:
        if lines[i] > line:
            position = i
            break
    lines.insert(position, line)
    return "\n".join(lines)


def register_in_service(mod_rs: Path, module: str, struct: str, service: str) -> None:
    if not mod_rs.exists():
        mod_rs.write_text(
            f"//! {service.upper()} rules.\n\n"
            f"mod {module};\n\n"
            f"pub use {module}::{struct};\n\n"
            "use crate::rule::Rule;\n\n"
            f"/// The {service.upper()} rules, in documentation order.\n"
            f"pub const RULES: &[&dyn Rule] = &[&{struct}];\n"
        )
        return
    text = mod_rs.read_text()
    text = insert_sorted_line(text, f"mod {module};", r"^(pub )?mod \w+;$")
    if text is None:
        fail(f"{mod_rs}: no `mod …;` lines to add to")
    text = insert_sorted_line(text, f"pub use {module}::{struct};", r"^pub use \w+::\w+;$")
    if text is None:
        fail(f"{mod_rs}: no `pub use …;` lines to add to")
    single = re.search(r"pub const RULES: &\[&dyn Rule\] = &\[([^\]]*)\];", text)
    if not single:
        fail(f"{mod_rs}: no `pub const RULES: &[&dyn Rule] = &[…];` to add {struct} to")
    body = single.group(1).rstrip().rstrip(",")
    entries = [e.strip() for e in body.split(",") if e.strip()]
    entries.append(f"&{struct}")
    listed = "\n".join(f"    {e}," for e in entries)
    text = text[: single.start()] + f"pub const RULES: &[&dyn Rule] = &[\n{listed}\n];" + text[single.end():]
    mod_rs.write_text(text)


def register_service(src: Path, provider: str, service: str) -> None:
    provider_mod = src / provider / "mod.rs"
    text = provider_mod.read_text()
    updated = insert_sorted_line(text, f"pub mod {service};", r"^pub mod \w+;$")
    if updated is None:
        fail(f"{provider_mod}: no `pub mod …;` lines to add {service} to")
    provider_mod.write_text(updated)
    registry = src / "registry.rs"
    text = registry.read_text()
    line = f"        rules.extend_from_slice(crate::{provider}::{service}::RULES);"
    if line not in text:
        anchor = re.findall(r"        rules\.extend_from_slice\(crate::" + provider + r"::\w+::RULES\);", text)
        if not anchor:
            fail(f"{registry}: no `rules.extend_from_slice(crate::{provider}::…::RULES);` line to follow")
        text = text.replace(anchor[-1], anchor[-1] + "\n" + line, 1)
        registry.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("id", help="the rule id: PROVIDER-SERVICE-WHAT (aws-s3-bucket-versioning-off)")
    parser.add_argument("--title", required=True, help="one line, phrased as the problem")
    parser.add_argument("--severity", required=True, choices=SEVERITIES)
    parser.add_argument("--criteria", required=True, type=lambda s: s.split(","), help="CC6.1,C1.1")
    parser.add_argument("--targets", required=True, type=lambda s: s.split(","), help="ResourceKind variants: S3Bucket")
    parser.add_argument("--also-reads", default=[], type=lambda s: s.split(","), help="other kinds the check looks up")
    parser.add_argument("--reads", default=[], type=lambda s: s.split(","), help="model fields the check reads: versioning,logging.target_bucket")
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent / "src"), help="rules/src (for tests)")
    args = parser.parse_args()

    match = re.fullmatch(r"(aws|gcp)-([a-z0-9]+)-([a-z0-9]+(?:-[a-z0-9]+)*)", args.id)
    if not match:
        fail(f"{args.id!r}: a rule id is PROVIDER-SERVICE-WHAT in lower case, e.g. aws-s3-bucket-versioning-off")
    provider, service, what = match.groups()
    if not args.reads:
        fail("--reads: name the model fields the check reads (a plan's unknown values depend on them)")
    for criterion in args.criteria:
        if not re.fullmatch(r"(CC[1-9]\.[0-9]|A1\.[0-9]|C1\.[0-9])", criterion):
            fail(f"--criteria: {criterion!r} is not a SOC 2 criterion id (CC6.1, A1.2, C1.1)")
    src = Path(args.root)
    if not (src / "registry.rs").exists():
        fail(f"{src}: not rules/src (no registry.rs)")
    module = what.replace("-", "_")
    struct = camel(module)
    service_dir = src / provider / service
    path = service_dir / f"{module}.rs"
    if path.exists():
        fail(f"{path} exists already")
    new_service = not service_dir.exists()
    service_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(rule_file(args, struct))
    register_in_service(service_dir / "mod.rs", module, struct, service)
    if new_service:
        register_service(src, provider, service)
    print(f"wrote {path}")
    print("next: write check() and cases(), the doc sections, then `cargo test -p soc2scan-rules`")
    print("      and `UPDATE_DOCS=1 cargo test --test e2e docs_rules_md` for docs/rules.md")


if __name__ == "__main__":
    main()
