//! Reports written once per scanned account: an `--output` path with an `{account}`
//! placeholder (`--output 'sarif=out/{account}.sarif'`, any format; `{provider}` may be
//! used too) gets one file per account or project of the snapshot, holding only that
//! account's results. GitHub code scanning keeps one set of alerts per SARIF category, and
//! each file's category is `soc2scan/<provider>/<account>/`, so an organization scan
//! uploads as one category per account.
//!
//! Each file is the report of the snapshot cut down to one account (its target, coverage
//! and resources), evaluated with the same rules: every rule judges a resource by its own
//! account's data, so the verdicts are exactly that account's verdicts of the whole scan.
//! The files are staged with the other reports and renamed only when all were staged. The
//! exit code and `--fail-on` still judge the whole scan.

use crate::commands::scan::{Destination, OutputSpec};
use crate::error::CliError;
use soc2scan_output::{RenderContext, StagedFile};
use soc2scan_providers::model::Provider;
use soc2scan_providers::Snapshot;
use soc2scan_rules::{Engine, RuleRun};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The placeholder that makes a path per account.
pub const ACCOUNT: &str = "{account}";
/// The placeholder for the provider (`aws`, `gcp`), allowed beside [`ACCOUNT`].
pub const PROVIDER: &str = "{provider}";

/// Whether a report goes to one file per account.
pub fn is_per_account(spec: &OutputSpec) -> bool {
    matches!(&spec.destination, Destination::File(path) if path.to_string_lossy().contains(ACCOUNT))
}

/// Checks before any collection what per-account reports cannot be combined with.
pub fn check(
    specs: &[OutputSpec],
    sarif_category: Option<&str>,
    baseline: Option<&Path>,
) -> Result<(), CliError> {
    for spec in specs {
        if let Destination::File(path) = &spec.destination {
            let text = path.to_string_lossy();
            if text.contains(PROVIDER) && !text.contains(ACCOUNT) {
                return Err(CliError::Usage(format!(
                    "--output {}={}: {PROVIDER} goes with {ACCOUNT} (one file per account); \
                     add {ACCOUNT} to the path",
                    spec.format,
                    path.display()
                )));
            }
        }
    }
    let Some(spec) = specs.iter().find(|spec| is_per_account(spec)) else {
        return Ok(());
    };
    if let Some(baseline) = baseline {
        return Err(CliError::Usage(format!(
            "--baseline {} compares the whole scan, but --output {} writes one report per \
             account; compare each account's report on its own (soc2scan diff), or write one \
             report without {ACCOUNT}",
            baseline.display(),
            spec.format
        )));
    }
    let fixed_category =
        sarif_category.is_some_and(|c| !c.trim().is_empty() && !c.contains(ACCOUNT));
    if fixed_category
        && specs
            .iter()
            .any(|s| is_per_account(s) && s.format == soc2scan_output::Format::Sarif)
    {
        return Err(CliError::Usage(format!(
            "the SARIF category {:?} (--sarif-category or [scan] sarif_category) would be the \
             same in every account's SARIF, and GitHub keeps only the last upload of a \
             category: put {ACCOUNT} in it, or leave it out for soc2scan/<provider>/<account>/",
            sarif_category.unwrap_or_default()
        )));
    }
    Ok(())
}

/// One snapshot per account of `scopes`: its targets, coverage and resources, each in the
/// order of `snapshot`, with the whole snapshot's metadata. One pass over the snapshot, so an
/// organization of thousands of accounts costs what it collected, not accounts × resources.
fn account_snapshots<'a>(
    snapshot: &'a Snapshot,
    scopes: &'a [(Provider, String)],
) -> BTreeMap<(Provider, &'a str), Snapshot> {
    let mut parts: BTreeMap<(Provider, &'a str), Snapshot> = scopes
        .iter()
        .map(|(provider, account)| {
            let mut part = Snapshot::new(
                &snapshot.metadata.tool.version,
                snapshot.metadata.started_at,
                snapshot.metadata.finished_at,
            );
            part.format = snapshot.format.clone();
            part.format_version = snapshot.format_version;
            part.metadata.tool = snapshot.metadata.tool.clone();
            part.metadata.shard = snapshot.metadata.shard;
            part.metadata.collected_kinds = snapshot.metadata.collected_kinds.clone();
            part.metadata.api_calls = snapshot.metadata.api_calls.clone();
            part.plan = snapshot.plan.clone();
            ((*provider, account.as_str()), part)
        })
        .collect();
    for target in &snapshot.metadata.targets {
        if let Some(part) = parts.get_mut(&(target.provider, target.account.as_str())) {
            part.metadata.targets.push(target.clone());
        }
    }
    for entry in &snapshot.coverage {
        if let Some(part) = parts.get_mut(&(entry.unit.provider, entry.unit.account.as_str())) {
            part.coverage.push(entry.clone());
        }
    }
    for resource in &snapshot.resources {
        if let Some(part) = parts.get_mut(&(resource.provider, resource.account.as_str())) {
            part.resources.push(resource.clone());
        }
    }
    parts
}

/// `path` with the placeholders filled in for one account (an id cannot hold a `/`, but
/// any separator is replaced all the same, so a file never lands outside its directory).
fn path_for(path: &Path, provider: Provider, account: &str) -> PathBuf {
    let safe = |text: &str| text.replace(['/', '\\'], "_");
    PathBuf::from(
        path.to_string_lossy()
            .replace(ACCOUNT, &safe(account))
            .replace(PROVIDER, provider.as_str()),
    )
}

/// The scanned accounts and projects of a snapshot, once each, in order.
fn scopes(snapshot: &Snapshot) -> Vec<(Provider, String)> {
    let mut scopes: Vec<(Provider, String)> = snapshot
        .metadata
        .targets
        .iter()
        .map(|t| (t.provider, t.account.clone()))
        .collect();
    scopes.sort();
    scopes.dedup();
    scopes
}

/// Renders and stages every per-account report: one file per account for each spec whose
/// path holds [`ACCOUNT`]. Two reports landing on one path (with each other or with a
/// plain `--output` file) are refused before anything is staged.
pub fn stage(
    specs: &[OutputSpec],
    snapshot: &Snapshot,
    runs: &[RuleRun],
    context: &RenderContext,
    quiet: bool,
) -> Result<Vec<StagedFile>, CliError> {
    let per_account: Vec<&OutputSpec> = specs.iter().filter(|s| is_per_account(s)).collect();
    if per_account.is_empty() {
        return Ok(Vec::new());
    }
    let scopes = scopes(snapshot);
    if scopes.is_empty() {
        if !quiet {
            eprintln!(
                "soc2scan: the snapshot names no account, so no per-account report ({ACCOUNT}) was written"
            );
        }
        return Ok(Vec::new());
    }
    let mut destinations: BTreeMap<PathBuf, String> = specs
        .iter()
        .filter(|spec| !is_per_account(spec))
        .filter_map(|spec| match &spec.destination {
            Destination::File(path) => Some((path.clone(), format!("--output {}", spec.format))),
            Destination::Stdout => None,
        })
        .collect();
    for spec in &per_account {
        let Destination::File(template) = &spec.destination else {
            continue;
        };
        for (provider, account) in &scopes {
            let path = path_for(template, *provider, account);
            let what = format!("the {} report of {provider} account {account}", spec.format);
            if let Some(other) = destinations.insert(path.clone(), what.clone()) {
                return Err(CliError::Usage(format!(
                    "{what} and {other} would both be written to {}; give each report its own \
                     path ({PROVIDER} tells providers apart)",
                    path.display()
                )));
            }
        }
    }
    let mut staged = Vec::new();
    let mut parts = account_snapshots(snapshot, &scopes);
    for (provider, account) in &scopes {
        let part = parts
            .remove(&(*provider, account.as_str()))
            .expect("a part for every scope");
        let report = Engine::new(runs.to_vec()).evaluate(&part);
        let mut ctx = context.clone();
        ctx.sarif_category = context.sarif_category.as_ref().map(|category| {
            category
                .replace(ACCOUNT, account)
                .replace(PROVIDER, provider.as_str())
        });
        for spec in &per_account {
            let Destination::File(template) = &spec.destination else {
                continue;
            };
            let path = path_for(template, *provider, account);
            staged.push(soc2scan_output::stage_with(&path, |out| {
                soc2scan_output::render_to(spec.format, &report, &ctx, out)
            })?);
        }
    }
    Ok(staged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use soc2scan_output::Format;

    fn spec(format: Format, path: &str) -> OutputSpec {
        OutputSpec {
            format,
            destination: Destination::File(PathBuf::from(path)),
        }
    }

    #[test]
    fn placeholders_and_what_they_cannot_go_with() {
        assert!(is_per_account(&spec(Format::Sarif, "out/{account}.sarif")));
        assert!(!is_per_account(&spec(Format::Sarif, "out/all.sarif")));
        assert_eq!(
            path_for(
                Path::new("out/{provider}-{account}.json"),
                Provider::Aws,
                "111122223333"
            ),
            PathBuf::from("out/aws-111122223333.json")
        );
        assert_eq!(
            path_for(Path::new("{account}.md"), Provider::Gcp, "a/../b"),
            PathBuf::from("a_.._b.md")
        );
        let per_account = [spec(Format::Sarif, "out/{account}.sarif")];
        assert!(check(&per_account, None, None).is_ok());
        assert!(check(&per_account, Some("soc2scan/{account}/"), None).is_ok());
        let fixed = check(&per_account, Some("org"), None)
            .unwrap_err()
            .to_string();
        assert!(fixed.contains("put {account} in it"), "{fixed}");
        let baseline = check(&per_account, None, Some(Path::new("main.sarif")))
            .unwrap_err()
            .to_string();
        assert!(baseline.contains("--baseline main.sarif"), "{baseline}");
        let provider_only = check(&[spec(Format::Json, "{provider}.json")], None, None)
            .unwrap_err()
            .to_string();
        assert!(
            provider_only.contains("goes with {account}"),
            "{provider_only}"
        );
    }
}
