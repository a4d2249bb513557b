//! `soc2scan merge PART… -o FILE`: one snapshot from the snapshots of several shards
//! (the rules are in `soc2scan_model::merge`). Every part is read and checked before
//! anything is written; any problem is an input error (exit 2) naming the files.

use crate::cli::MergeArgs;
use crate::commands::scan::snapshot_json;
use crate::error::CliError;
use crate::exit;
use soc2scan_providers::model::merge::{merge, MergePart};
use soc2scan_providers::Snapshot;

/// Runs `soc2scan merge`.
pub fn run(args: &MergeArgs) -> Result<u8, CliError> {
    let mut parts = Vec::with_capacity(args.parts.len());
    for path in &args.parts {
        parts.push(MergePart {
            path: path.clone(),
            snapshot: Snapshot::load(path)?,
        });
    }
    let (merged, notes) = merge(&parts, crate::VERSION, args.allow_missing_shards)
        .map_err(|error| CliError::Usage(format!("cannot merge: {error}")))?;
    let bytes = snapshot_json(&merged)?;
    soc2scan_output::write_atomic(&args.output, &bytes)?;
    if !args.quiet {
        let plural = |count: usize, one: &str, many: &str| {
            format!("{count} {}", if count == 1 { one } else { many })
        };
        if !notes.missing_shards.is_empty() {
            let missing: Vec<String> = notes.missing_shards.iter().map(|s| s.to_string()).collect();
            let one = missing.len() == 1;
            eprintln!(
                "soc2scan: warning: shard{} {} {} missing (--allow-missing-shards): the accounts \
                 in {} are not in the merged snapshot",
                if one { "" } else { "s" },
                missing.join(", "),
                if one { "is" } else { "are" },
                if one { "it" } else { "them" },
            );
        }
        eprintln!(
            "soc2scan: merged {} into {}: {}, {}, {}",
            plural(parts.len(), "snapshot", "snapshots"),
            args.output.display(),
            plural(
                merged.metadata.targets.len(),
                "account or project",
                "accounts and projects"
            ),
            plural(merged.resources.len(), "resource", "resources"),
            plural(merged.gaps().count(), "coverage gap", "coverage gaps"),
        );
    }
    Ok(exit::CLEAN)
}
